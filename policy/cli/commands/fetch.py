"""`keyring-policy fetch PROJECT [--download] [--dest DIR]`: the Simple API through the policy."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from policy.cli.commands._common import load_settings, print_json

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


def run(args: argparse.Namespace) -> int:
    """Fetch the page (and files); print the result. Failures raise `PolicyError` (exit 1)."""
    from policy.fetch.clients import client, policy_auth
    from policy.fetch.simple import download_all, fetch_project, newest_files

    settings = load_settings(args)
    with client(settings, env=os.environ) as http:
        page = fetch_project(http, settings, args.project)
        downloaded: list[str] = []
        if args.download:
            files = newest_files(page)
            if args.dest is not None:
                paths = download_all(http, files, Path(args.dest))
                downloaded = [path.name for path in paths]
            else:
                with tempfile.TemporaryDirectory(prefix="keyring-policy-") as temp:
                    paths = download_all(http, files, Path(temp))
                    downloaded = [path.name for path in paths]
        stored = list(policy_auth(http).stored)
    payload: dict[str, Any] = {
        "project": page.project,
        "index": page.index,
        "status": page.status,
        "files": [file.filename for file in page.files],
        "downloaded": downloaded,
        "stored": stored,
    }
    if args.format == "json":
        print_json(payload)
        return 0
    out = sys.stdout
    out.write(f"{page.project}: {len(page.files)} file(s) from {page.index} ({page.status})\n")
    for name in payload["files"]:
        out.write(f"  {name}\n")
    for name in downloaded:
        out.write(f"downloaded {name}\n")
    for entry in stored:
        out.write(f"stored credentials for {entry['username']} under {entry['service']}\n")
    return 0
