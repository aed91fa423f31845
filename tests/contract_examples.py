"""One worked `explain` example and its JSON, in one place for the unit and the CLI tests."""

from __future__ import annotations

from typing import Any

EXPLAIN_INDEX = "https://pkgs.example.com/simple/"
EXPLAIN_URL = EXPLAIN_INDEX + "foo/"

# `keyring-provider = "native"`, one index `private` at EXPLAIN_INDEX, no preview feature.
EXPLAIN_EXAMPLE: dict[str, Any] = {
    "url": EXPLAIN_URL,
    "realm": "https://pkgs.example.com",
    "index": {"name": "private", "url": EXPLAIN_INDEX},
    "authenticate": "auto",
    "provider": "native",
    "read": True,
    "store": False,
    "sources": ["url", "env", "cache", "netrc", "credentials-file", "native-keyring"],
    "keyring_services": [f"uv-credentials:{EXPLAIN_INDEX}", "uv:pkgs.example.com"],
    "reasons": ["credentials are not stored: preview feature `native-auth` is not enabled"],
}
