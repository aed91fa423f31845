"""A keyring backend that keeps its entries in one JSON file, for `keyring-policy demo`.

The demo must never touch the user's real keyring, yet must exercise the real `keyring` API
path of the native provider; this backend lives in the demo's temporary directory and is
handed to the native provider explicitly. Not for real use: the file is plaintext.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.credentials import SimpleCredential


class DemoFileKeyring(KeyringBackend):
    """Entries `{service: {username: password}}` in a 0600 JSON file."""

    priority = -1  # never chosen automatically
    keyring_policy_isolated = True  # a temporary demo file: storing here is expected

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.path = path

    def _load(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        data: dict[str, dict[str, str]] = json.loads(self.path.read_text(encoding="utf-8"))
        return data

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring-")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(temporary, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.get(service, {}).pop(username, None)
        self._save(data)

    def get_credential(self, service: str, username: str | None) -> Any:
        entries = self._load().get(service, {})
        if username is not None:
            password = entries.get(username)
            return None if password is None else SimpleCredential(username, password)
        for name, password in entries.items():
            return SimpleCredential(name, password)
        return None

    def entries(self) -> list[tuple[str, str]]:
        """(service, username) pairs, for the demo's narration (never the passwords)."""
        return [(s, u) for s, users in self._load().items() for u in users]
