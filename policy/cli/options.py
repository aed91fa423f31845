"""The global options every command takes (uv's flags), and the parser with uv's error layout."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from policy.settings.models import Overrides

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse with uv's error layout: the first stderr line starts with `error:`."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message}\n\nFor more information, try '--help'.\n")
        raise SystemExit(EXIT_USAGE)


def global_options(suppress: bool) -> Parser:
    """The options every subcommand takes, before or after its name.

    The copy attached to subcommands uses SUPPRESS defaults so that a value given before the
    subcommand is not overwritten by the subcommand's default.
    """

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parent = Parser(add_help=False)
    group = parent.add_argument_group("global options (as uv's)")
    add = group.add_argument
    add("--directory", metavar="DIR", default=default(None), help="run as if started in DIR")
    add(
        "--config-file",
        metavar="PATH",
        default=default(None),
        help="load only this uv.toml-schema file (UV_CONFIG_FILE)",
    )
    add(
        "--no-config",
        action="store_true",
        default=default(False),
        help="load no configuration file (UV_NO_CONFIG)",
    )
    add(
        "--keyring-provider",
        metavar="{disabled,subprocess,native}",
        default=default(None),
        help="keyring provider (UV_KEYRING_PROVIDER)",
    )
    add(
        "--preview",
        dest="preview",
        action="store_true",
        default=default(None),
        help="enable every preview feature",
    )
    add(
        "--no-preview",
        dest="preview",
        action="store_false",
        default=default(None),
        help="disable every preview feature",
    )
    add(
        "--preview-features",
        "--preview-feature",
        metavar="A,B",
        action="append",
        default=default([]),
        help="enable these preview features (UV_PREVIEW_FEATURES)",
    )
    add(
        "--index",
        metavar="[NAME=]URL",
        action="append",
        default=default([]),
        help="extra index, highest priority (UV_INDEX)",
    )
    add(
        "--default-index",
        metavar="[NAME=]URL",
        default=default(None),
        help="the default index (UV_DEFAULT_INDEX)",
    )
    add(
        "--index-url",
        "-i",
        metavar="URL",
        default=default(None),
        help="legacy default index (UV_INDEX_URL)",
    )
    add(
        "--extra-index-url",
        metavar="URL",
        action="append",
        default=default([]),
        help="legacy extra index (UV_EXTRA_INDEX_URL)",
    )
    add(
        "--find-links",
        "-f",
        metavar="URL",
        action="append",
        default=default([]),
        help="flat index (UV_FIND_LINKS)",
    )
    add(
        "--no-index",
        action="store_true",
        default=default(False),
        help="ignore every simple index; keep flat ones",
    )
    add(
        "--pip",
        action="store_true",
        default=default(False),
        help="resolve as `uv pip` does: [pip] keys beat top-level ones",
    )
    add(
        "-v",
        "--verbose",
        action="count",
        default=default(0),
        help="more logging on stderr (never a secret)",
    )
    add("--format", choices=("text", "json"), default=default("text"), help="output format")
    return parent


def overrides_from_args(args: argparse.Namespace) -> Overrides:
    """The global options as the `Overrides` that `policy.settings.origins` applies first."""
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
        command_line=True,
    )
