"""`keyring-policy explain URL`: the policy's decision for one URL (no network, no keyring).

`--format json` prints `Decision.to_json()` (stable keys); the text form is a short aligned table.
Without `--username`, a username from the URL, the index URL or `UV_INDEX_<NAME>_USERNAME`
counts as known, as it would for a real request.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping
from urllib.parse import urlsplit

from policy.cli.commands._common import load_settings, print_json
from policy.decision import PREVIEW_GATE_WARNING, Decision, decide
from policy.env import index_username_var
from policy.errors import ConfigError
from policy.index import match_index
from policy.redact import redact_url
from policy.settings.models import Settings

log = logging.getLogger("policy.explain")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`URL` and `--username`."""
    parser.add_argument("url", metavar="URL", help="the URL an installer is about to request")
    parser.add_argument(
        "--username",
        "-u",
        metavar="NAME",
        default=None,
        help="a username already known for the request",
    )


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as error:
        raise ConfigError(f"invalid value '{redact_url(url)}' for '<URL>': {error}") from None
    if not parts.scheme or not parts.netloc:
        raise ConfigError(
            f"invalid value '{redact_url(url)}' for '<URL>': expected an "
            "absolute URL such as https://pypi.org/simple/"
        )


def known_username(settings: Settings, url: str, env: Mapping[str, str]) -> str | None:
    """`UV_INDEX_<NAME>_USERNAME` of the index `url` belongs to, if that index is named."""
    index = match_index(settings, url)
    if index is None or not index.name:
        return None
    return env.get(index_username_var(index.name)) or None


def render_text(decision: Decision) -> str:
    """The decision as an aligned table for a person."""
    data = decision.to_json()
    index = data["index"]
    if index is None:
        index_text = "none (the URL belongs to no configured index)"
    elif index["name"]:
        index_text = f"{index['name']} ({index['url']})"
    else:
        index_text = index["url"]
    yes_no = {True: "yes", False: "no"}
    ahead = decision.read_ahead
    # The JSON `reasons` are a stable interface; the table may say one thing more.
    reasons = [
        *data["reasons"],
        *([decision.read_ahead_reason] if decision.read_ahead_reason else []),
    ]
    rows: list[tuple[str, list[str]]] = [
        ("url", [data["url"]]),
        ("index", [index_text]),
        ("realm", [data["realm"]]),
        ("authenticate", [data["authenticate"]]),
        ("provider", [data["provider"]]),
        ("read", [yes_no[data["read"]] + (" (before the first request)" if ahead else "")]),
        (
            "store",
            [
                yes_no[data["store"]]
                + (f" (as {decision.store_service})" if decision.store_service else "")
            ],
        ),
        ("sources", [" -> ".join(data["sources"])]),
        ("services", data["keyring_services"] or ["none"]),
        ("reasons", reasons or ["none"]),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines: list[str] = []
    for label, values in rows:
        for position, value in enumerate(values):
            lines.append(f"{label if position == 0 else '':<{width}}{value}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the decision for `args.url`; exit 2 for a URL that is not absolute."""
    _check_url(args.url)
    settings = load_settings(args)
    username = args.username or known_username(settings, args.url, os.environ)
    decision = decide(settings, args.url, username)
    if decision.preview_gate:
        log.warning("%s", PREVIEW_GATE_WARNING)
    if args.format == "json":
        print_json(decision.to_json())
    else:
        sys.stdout.write(render_text(decision))
    return 0
