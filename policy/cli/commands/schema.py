"""`keyring-policy schema [--check]`: write or check `schemas/*.json`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policy.cli.commands._common import print_json
from policy.settings import schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`--check` and the output directory."""
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the files differ from what the models generate",
    )
    parser.add_argument(
        "--output",
        metavar="DIR",
        default="schemas",
        help="the schemas directory (default: ./schemas)",
    )


def run(args: argparse.Namespace) -> int:
    """Write the schemas, or check them; `--format json` prints `{"written"}` / `{"stale"}`."""
    directory = Path(args.directory or ".") / args.output
    if args.check:
        stale = schema.check(directory)
        for name in stale:
            sys.stderr.write(
                f"error: `{directory / name}` is out of date; run `keyring-policy schema`\n"
            )
        if args.format == "json":
            print_json({"ok": not stale, "stale": [str(directory / name) for name in stale]})
        return 1 if stale else 0
    written = [str(path) for path in schema.write(directory)]
    if args.format == "json":
        print_json({"written": written})
    else:
        for path in written:
            sys.stdout.write(f"wrote {path}\n")
    return 0
