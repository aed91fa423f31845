"""`keyring-policy fetch PROJECT [--index NAME] [--download] [--dest DIR]`: the index search.

`--index` keeps its global meaning (`[NAME=]URL`, an extra index), except that a bare value
naming a configured index pins PROJECT to that index, as a `[tool.uv.sources]` entry
`{ index = "NAME" }` would: it is then searched there alone, explicit or not.

Everything the index sends is untrusted: names are printed with control characters escaped,
downloads are checked (`policy.fetch.download`) and every response is bounded
(`policy.fetch.limits`, set through `KEYRING_POLICY_*` variables).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from policy.cli.commands._common import load_settings, print_json
from policy.errors import ConfigError, FetchError
from policy.settings.models import Settings

_INDEX_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_PROJECT_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def _project_name(value: str) -> str:
    """A PEP 508 project name; anything else is a usage error before any request."""
    if not _PROJECT_NAME.match(value):
        raise argparse.ArgumentTypeError(
            "expected a project name (letters, digits, `.`, `_`, `-`; no spaces or slashes)"
        )
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """PROJECT, --download, --dest."""
    parser.add_argument(
        "project", type=_project_name, help="the project whose Simple API page to fetch"
    )
    parser.add_argument(
        "--download", action="store_true", help="also download the files of the newest version"
    )
    parser.add_argument(
        "--dest",
        metavar="DIR",
        default=None,
        help="where downloads go (default: a temporary directory, removed)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a file in --dest that has the same name but different content",
    )
    parser.add_argument(
        "--require-hashes",
        action="store_true",
        help="refuse a file for which the index gives no sha256, sha384 or sha512 hash",
    )


def _pin(args: argparse.Namespace) -> tuple[Settings, str | None]:
    """The settings, and the index name a bare `--index NAME` pins the project to."""
    given = list(getattr(args, "index", None) or [])
    bare = [value for value in given if _INDEX_NAME.match(value)]
    if not bare:
        return load_settings(args), None
    args.index = [value for value in given if value not in bare]
    settings = load_settings(args)
    names = {index.name for index in settings.indexes if index.name}
    pins = [value for value in bare if value in names]
    if len(pins) == len(bare) and len(set(pins)) == 1:
        return settings, pins[0]
    if len(set(pins)) > 1:
        raise ConfigError(
            "`fetch` pins a project to one index; got several names: "
            + ", ".join(f"`{name}`" for name in dict.fromkeys(pins))
        )
    # Not a configured name: uv's meaning, a relative path (reloaded with it, as given).
    args.index = given
    return load_settings(args), None


def run(args: argparse.Namespace) -> int:
    """Fetch the page (and files); print the result. Failures raise `PolicyError` (exit 1)."""
    from policy.fetch.clients import client, policy_auth
    from policy.fetch.download import Downloaded, Outcome, download_all
    from policy.fetch.limits import Limits
    from policy.fetch.search import search_project
    from policy.fetch.simple import newest_files, normalize
    from policy.fetch.untrusted import escape

    settings, pin = _pin(args)
    limits = Limits.from_env(os.environ)
    with client(settings, env=os.environ) as http:
        try:
            page = search_project(http, settings, args.project, index=pin, limits=limits)
        except FetchError as error:
            if args.format != "json":
                raise
            # The error line on stderr as always, and the same facts for a program.
            sys.stderr.write(f"error: {error}\n")
            print_json(
                {
                    "project": args.project,
                    "error": str(error).splitlines()[0],
                    "status": error.status,
                    "url": error.url,
                    "hint": error.hint,
                }
            )
            return 1
        results: list[Downloaded] = []
        if args.download:
            files = newest_files(page)
            options: dict[str, Any] = {
                "project": args.project,
                "limits": limits,
                "overwrite": args.overwrite,
                "require_hashes": args.require_hashes,
            }
            if args.dest is not None:
                results = download_all(http, files, Path(args.dest), **options)
            else:
                with tempfile.TemporaryDirectory(prefix="keyring-policy-") as temp:
                    results = download_all(http, files, Path(temp), **options)
        stored = list(policy_auth(http).stored)
    downloaded = [result.name for result in results]
    payload: dict[str, Any] = {
        "project": page.project,
        "index": page.index,
        "status": page.status,
        "files": [file.filename for file in page.files],
        "downloaded": downloaded,
        "stored": stored,
        "unverified": [result.name for result in results if not result.verified],
        "already_there": [r.name for r in results if r.outcome is Outcome.ALREADY_THERE],
        "pinned": pin or settings.pins.get(normalize(args.project)),
    }
    if args.format == "json":
        print_json(payload)
        return 0
    out = sys.stdout
    out.write(f"{page.project}: {len(page.files)} file(s) from {page.index} ({page.status})\n")
    for name in payload["files"]:
        out.write(f"  {escape(name)}\n")
    for result in results:
        what = "already there" if result.outcome is Outcome.ALREADY_THERE else "downloaded"
        out.write(f"{what} {result.name}\n")
        if not result.verified:
            out.write(
                f"unverified {result.name}: the index gives no sha256, sha384 or sha512 hash\n"
            )
    for entry in stored:
        out.write(
            f"stored credentials for {entry['username']} under {entry['service']} "
            f"in {entry.get('backend', 'the system keyring')}\n"
        )
    return 0
