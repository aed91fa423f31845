"""The `keyring-policy` command line: global options, logging, dispatch to `policy.cli.commands`.

Each subcommand lives in `policy/cli/commands/<name>.py` with `add_arguments(parser)` and
`run(args) -> int`; they are imported only when chosen, to keep start-up fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence

from policy.cli.options import EXIT_FAILED, EXIT_USAGE, Parser, global_options
from policy.errors import ConfigError, PolicyError

COMMANDS: dict[str, str] = {
    "config": "Show the resolved settings and where each came from",
    "explain": "Show the policy's decision for one URL (no network, no keyring)",
    "fetch": "Fetch a project's Simple API page through the policy",
    "auth": "Manage stored credentials (uv-compatible login, logout, token, dir; list)",
    "schema": "Write or check the JSON Schemas under schemas/",
    "keyring": "Turn keyring-policy's keyring backend on or off for this user (keyring's config)",
    "demo": "Run the whole flow against an embedded local index and an isolated keyring",
}

log = logging.getLogger("policy")


class _Version(argparse.Action):
    """`--version`: `keyring-policy X.Y.Z`, read from the installed metadata only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        sys.stdout.write(f"keyring-policy {version()}\n")
        parser.exit(0)


def version() -> str:
    """The installed version of keyring-policy."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("keyring-policy")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    """The full parser; subcommand modules add their own arguments."""
    parser = Parser(
        prog="keyring-policy",
        description="uv-compatible package-index authentication with a keyring policy.",
        parents=[global_options(suppress=False)],
    )
    parser.add_argument("-V", "--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    shared = global_options(suppress=True)
    for name, help_text in COMMANDS.items():
        command_parser = sub.add_parser(
            name, help=help_text, description=help_text, parents=[shared]
        )
        _command_module(name).add_arguments(command_parser)
    return parser


def _command_module(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"policy.cli.commands.{name}")


class _UvStyleFormatter(logging.Formatter):
    """`warning: ...` for warnings (as uv prints them), `DEBUG ...` for the rest."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            return f"error: {message}"
        if record.levelno >= logging.WARNING:
            return f"warning: {message}"
        return f"{record.levelname} {message}"


def configure_logging(verbosity: int) -> None:
    """Send the `policy` logger to stderr; -v shows INFO, -vv DEBUG."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_UvStyleFormatter())
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(
        logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `keyring-policy` and `python -m policy`; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        result: int = _command_module(args.command).run(args)
    except ConfigError as error:
        for warning in error.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    except PolicyError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        _silence_stdout()
        return EXIT_FAILED
    except Exception as error:
        # An exception's text may quote a secret from somewhere we do not control, so only
        # its type is shown; -vv logs the traceback (frames, not local values).
        log.debug(
            "unexpected %s; traceback (frames only, the message is withheld):\n%s",
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        sys.stderr.write(
            f"error: unexpected {type(error).__name__}; this is a bug in keyring-policy. "
            "Run again with -vv for the traceback.\n"
        )
        return EXIT_FAILED
    return result


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
