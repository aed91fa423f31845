"""An in-memory backend, for unit tests and for embedding programs that manage secrets."""

from __future__ import annotations

import threading

from pydantic import SecretStr

from policy.credentials.backends.base import KeyringBackend, LookupResult, Password, reveal
from policy.credentials.values import Credentials
from policy.provenance import CredentialSource


class MemoryKeyring(KeyringBackend):
    """Entries `(service, username) -> password` in a dict; records every call in `calls`."""

    name = "memory"

    def __init__(
        self,
        entries: dict[tuple[str, str], str] | None = None,
        *,
        source: CredentialSource = CredentialSource.NATIVE_KEYRING,
    ) -> None:
        self._entries: dict[tuple[str, str], SecretStr] = {
            key: SecretStr(value) for key, value in (entries or {}).items()
        }
        self._source = source
        self._lock = threading.Lock()
        self.calls: list[tuple[str, str, str | None]] = []

    def get(self, service: str, username: str | None, *, creds_mode: bool = False) -> LookupResult:
        with self._lock:
            self.calls.append(("get", service, username))
            if username is not None:
                password = self._entries.get((service, username))
                if password is None:
                    return LookupResult.not_found(self.name, service)
                return LookupResult.found(
                    self.name, service, Credentials(username, password, self._source)
                )
            for (entry_service, entry_username), password in self._entries.items():
                if entry_service == service:
                    return LookupResult.found(
                        self.name, service, Credentials(entry_username, password, self._source)
                    )
            return LookupResult.not_found(self.name, service)

    def set(self, service: str, username: str, password: Password) -> None:
        with self._lock:
            self.calls.append(("set", service, username))
            self._entries[(service, username)] = SecretStr(reveal(password))

    def delete(self, service: str, username: str) -> bool:
        with self._lock:
            self.calls.append(("delete", service, username))
            return self._entries.pop((service, username), None) is not None

    def __repr__(self) -> str:
        return f"MemoryKeyring({len(self._entries)} entries)"
