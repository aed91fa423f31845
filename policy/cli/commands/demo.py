"""`keyring-policy demo`: the whole flow on an embedded index and an isolated keyring."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo takes no arguments of its own."""


def run(args: argparse.Namespace) -> int:
    """Run the narrated demo on stdout (`--format json`: one JSON object)."""
    from policy.cli.demo.run import run_demo

    return run_demo(sys.stdout, as_json=args.format == "json")
