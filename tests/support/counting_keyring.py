"""A keyring-policy backend for tests that counts its reads (the lookups the flow made)."""

from __future__ import annotations

import threading

from policy.credentials.backends.base import KeyringBackend, LookupResult, Password
from policy.credentials.backends.memory import MemoryKeyring


class CountingKeyring(KeyringBackend):
    """An in-memory keyring that counts reads (the lookups the flow made)."""

    name = "counting"

    def __init__(self, entries: dict[tuple[str, str], str]) -> None:
        self.inner = MemoryKeyring(entries)
        self.gets = 0
        self._lock = threading.Lock()

    def get(self, service: str, username: str | None, *, creds_mode: bool = False) -> LookupResult:
        with self._lock:
            self.gets += 1
        return self.inner.get(service, username, creds_mode=creds_mode)

    def set(self, service: str, username: str, password: Password) -> None:
        self.inner.set(service, username, password)

    def delete(self, service: str, username: str) -> bool:
        return self.inner.delete(service, username)
