"""`keyring-policy schema` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments yet."""


def run(args: argparse.Namespace) -> int:
    """Not built yet."""
    sys.stderr.write("error: `schema` is not implemented yet\n")
    return 1
