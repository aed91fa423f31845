"""What every subcommand shares: loading settings from the global options, printing JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from policy.cli.options import overrides_from_args
from policy.settings.models import Settings


def load_settings(args: argparse.Namespace) -> Settings:
    """Resolve settings from the global options, the environment and the files.

    Loading warnings are printed to stderr as `warning: ...`, as uv prints them.
    Raises `ConfigError` (exit 2 in `policy.cli.main`) on invalid configuration.
    """
    from policy.settings.origins import load_settings as resolve

    settings = resolve(overrides_from_args(args), env=os.environ, cwd=Path.cwd())
    for warning in settings.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    return settings


def print_json(payload: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
