"""`keyring-policy keyring enable | disable | status`: the opt-in keyring backend for the user.

`enable` makes keyring-policy's backend keyring's default in keyring's own config file (so pip,
Poetry, PDM, twine and the `keyring` command all use it), remembering the file as it was and
the backend it wraps; `disable` restores the file byte for byte; `status` says whether keyring
will load the backend and what it wraps. The JSON form of `status` is a stable interface.
"""

from __future__ import annotations

import argparse
import os
import sys

from policy.cli.commands._common import print_json
from policy.cli.options import global_options
from policy.deadline import call_with_deadline, keyring_timeout
from policy.errors import KeyringUnavailable
from policy.keyring_backend import switch
from policy.keyring_backend.wrapped import BACKEND_CLASS, WrapError, config_path, load_wrapped
from policy.keyring_failures import describe


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`enable [--wraps CLASS]`, `disable`, `status`."""
    sub = parser.add_subparsers(
        dest="keyring_command", metavar="COMMAND", parser_class=type(parser)
    )
    sub.required = True

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=help_text, description=help_text, parents=[global_options(suppress=True)]
        )

    enable = command("enable", "Make keyring-policy's backend keyring's default for this user")
    enable.add_argument(
        "--wraps",
        metavar="CLASS",
        help="the backend to wrap (module.Class); default: the one keyring's config names, "
        "else the one keyring would choose",
    )
    command("disable", "Restore keyring's config file as it was before `enable`")
    command("status", "Whether keyring loads keyring-policy's backend, and what it wraps")


def _detected() -> str | None:
    """The backend keyring would choose without the plugin, within the keyring deadline."""
    try:
        ring = call_with_deadline(
            lambda: load_wrapped(None),
            keyring_timeout(os.environ),
            what="keyring backend detection",
        )
    except (KeyringUnavailable, WrapError):
        return None
    return describe(ring)


def run(args: argparse.Namespace) -> int:
    path = config_path()
    if args.keyring_command == "enable":
        outcome, wraps = switch.enable(path, args.wraps)
        what = wraps or f"the backend keyring would choose ({_detected() or 'unknown'})"
        verb = "is already" if outcome is switch.Outcome.ALREADY_ENABLED else "is now"
        sys.stdout.write(
            f"keyring-policy's backend {verb} keyring's default ({path}); wraps {what}\n"
        )
        named = os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()
        if named and named != BACKEND_CLASS:
            sys.stderr.write(
                f"warning: `PYTHON_KEYRING_BACKEND={named}` overrides keyring's config file "
                "in this environment; unset it to use keyring-policy's backend\n"
            )
        return 0
    if args.keyring_command == "disable":
        outcome = switch.disable(path)
        if outcome is switch.Outcome.DISABLED:
            sys.stdout.write(f"keyring's config file is back as it was ({path})\n")
        else:
            sys.stdout.write(f"keyring-policy's backend was not enabled in {path}\n")
        return 0
    state = switch.status(path, os.environ)
    data = state.to_json()
    if state.enabled and state.wraps is None:
        data["wraps"] = _detected()
    if args.format == "json":
        print_json(data)
        return 0
    if not state.enabled:
        sys.stdout.write(f"keyring-policy's backend is not enabled (config file: {path})\n")
    else:
        via = "PYTHON_KEYRING_BACKEND" if state.environment else str(path)
        sys.stdout.write(
            f"keyring-policy's backend is enabled (by {via}); wraps {data['wraps'] or 'unknown'}\n"
        )
    return 0
