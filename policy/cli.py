"""The `keyring-policy` command line: global options, logging, dispatch to `policy.commands`.

Each subcommand lives in `policy/commands/<name>.py` with `add_arguments(parser)` and
`run(args) -> int`; they are imported only when chosen, to keep start-up fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from policy.errors import ConfigError, PolicyError
from policy.settings import Overrides

COMMANDS: dict[str, str] = {
    "config": "Show the resolved settings and where each came from",
    "explain": "Show the policy's decision for one URL (no network, no keyring)",
    "fetch": "Fetch a project's Simple API page through the policy",
    "auth": "Manage stored credentials (uv-compatible login, logout, token, dir)",
    "schema": "Write or check the JSON Schemas under schemas/",
    "demo": "Run the whole flow against an embedded local index and an isolated keyring",
}

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

log = logging.getLogger("policy")


class _Parser(argparse.ArgumentParser):
    """argparse with uv's error layout: the first stderr line starts with `error:`."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message}\n\nFor more information, try '--help'.\n")
        raise SystemExit(EXIT_USAGE)


def _global_options(suppress: bool) -> _Parser:
    """The options every subcommand takes, before or after its name.

    The copy attached to subcommands uses SUPPRESS defaults so that a value given before the
    subcommand is not overwritten by the subcommand's default.
    """

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parent = _Parser(add_help=False)
    group = parent.add_argument_group("global options (as uv's)")
    add = group.add_argument
    add("--directory", metavar="DIR", default=default(None),
        help="run as if started in DIR")
    add("--config-file", metavar="PATH", default=default(None),
        help="load only this uv.toml-schema file (UV_CONFIG_FILE)")
    add("--no-config", action="store_true", default=default(False),
        help="load no configuration file (UV_NO_CONFIG)")
    add("--keyring-provider", metavar="{disabled,subprocess,native}", default=default(None),
        help="keyring provider (UV_KEYRING_PROVIDER)")
    add("--preview", dest="preview", action="store_true", default=default(None),
        help="enable every preview feature")
    add("--no-preview", dest="preview", action="store_false", default=default(None),
        help="disable every preview feature")
    add("--preview-features", "--preview-feature", metavar="A,B", action="append",
        default=default([]), help="enable these preview features (UV_PREVIEW_FEATURES)")
    add("--index", metavar="[NAME=]URL", action="append", default=default([]),
        help="extra index, highest priority (UV_INDEX)")
    add("--default-index", metavar="[NAME=]URL", default=default(None),
        help="the default index (UV_DEFAULT_INDEX)")
    add("--index-url", "-i", metavar="URL", default=default(None),
        help="legacy default index (UV_INDEX_URL)")
    add("--extra-index-url", metavar="URL", action="append", default=default([]),
        help="legacy extra index (UV_EXTRA_INDEX_URL)")
    add("--find-links", "-f", metavar="URL", action="append", default=default([]),
        help="flat index (UV_FIND_LINKS)")
    add("--no-index", action="store_true", default=default(False),
        help="ignore every simple index; keep flat ones")
    add("--pip", action="store_true", default=default(False),
        help="resolve as `uv pip` does: [pip] keys beat top-level ones")
    add("-v", "--verbose", action="count", default=default(0),
        help="more logging on stderr (never a secret)")
    add("--format", choices=("text", "json"), default=default("text"),
        help="output format")
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The full parser; subcommand modules add their own arguments."""
    parser = _Parser(
        prog="keyring-policy",
        description="uv-compatible package-index authentication with a keyring policy.",
        parents=[_global_options(suppress=False)],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    shared = _global_options(suppress=True)
    for name, help_text in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text,
                                        parents=[shared])
        _command_module(name).add_arguments(command_parser)
    return parser


def _command_module(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"policy.commands.{name}")


def overrides_from_args(args: argparse.Namespace) -> Overrides:
    """The global options as the `Overrides` that `policy.sources` applies first."""
    return Overrides(
        directory=args.directory,
        config_file=args.config_file,
        no_config=args.no_config,
        keyring_provider=args.keyring_provider,
        preview=args.preview,
        preview_features=tuple(args.preview_features),
        index=tuple(args.index),
        default_index=args.default_index,
        index_url=args.index_url,
        extra_index_url=tuple(args.extra_index_url),
        find_links=tuple(args.find_links),
        no_index=args.no_index,
        pip=args.pip,
    )


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
    log.setLevel(logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1
                 else logging.DEBUG)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `keyring-policy` and `python -m policy`; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        result: int = _command_module(args.command).run(args)
    except ConfigError as error:
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
        log.debug("unexpected %s; traceback (frames only, the message is withheld):\n%s",
                  type(error).__name__, "".join(traceback.format_tb(error.__traceback__)))
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
