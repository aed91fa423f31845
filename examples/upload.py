"""Upload wheels the way twine does, over `requests`, authenticated by keyring-policy.

    python examples/upload.py INDEX_NAME WHEEL...

The index is the `[[index]]` of that name in the project's `uv.toml` (or `pyproject.toml`);
the wheels go to its `publish-url`. Credentials come from wherever the policy finds them for
that index: `UV_INDEX_<NAME>_USERNAME` / `_PASSWORD`, netrc, uv's credentials file or the
keyring, as `keyring-policy explain` shows. Nothing here handles a password.
"""

from __future__ import annotations

import sys
from pathlib import Path

import requests

import policy


def upload(session: requests.Session, url: str, wheel: Path) -> requests.Response:
    """One `file_upload` form post, as twine sends it (the legacy upload API)."""
    name, version = wheel.name.split("-")[:2]
    form = {
        ":action": "file_upload",
        "protocol_version": "1",
        "metadata_version": "2.1",
        "name": name,
        "version": version,
        "filetype": "bdist_wheel",
        "pyversion": "py3",
    }
    with wheel.open("rb") as content:
        files = {"content": (wheel.name, content, "application/octet-stream")}
        return session.post(url, data=form, files=files, timeout=60)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: upload.py INDEX_NAME WHEEL...", file=sys.stderr)
        return 2
    name, wheels = argv[0], [Path(path) for path in argv[1:]]
    settings = policy.load_settings()
    index = next((index for index in settings.indexes if index.name == name), None)
    if index is None or not index.publish_url:
        print(
            f"error: no index `{name}` with a `publish-url` in the configuration", file=sys.stderr
        )
        return 2
    with policy.requests_session(settings) as session:
        for wheel in wheels:
            response = upload(session, index.publish_url, wheel)
            print(f"{wheel.name}: {response.status_code} {response.reason}")
            if not response.ok:
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
