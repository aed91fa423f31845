"""The keyring backend interface, lookup results, and the deadline every backend call runs under.

A backend answers one of three ways, and the difference matters to the user:

    FOUND        the keyring had credentials for the service
    NOT_FOUND    the keyring answered and had nothing (a normal miss, silent)
    UNAVAILABLE  the keyring could not answer: no backend, locked collection, no D-Bus session,
                 an exception, garbage output or a timeout (a miss plus one warning naming the
                 backend and the fix)

`set` and `delete` raise `KeyringUnavailable` when the backend cannot do them; messages never
carry a secret.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TypeAlias

from pydantic import SecretStr

from policy._compat import StrEnum
from policy.credentials.backends.safety import BackendSafety
from policy.credentials.values import Credentials
from policy.deadline import DeadlineExceeded, call_with_deadline, keyring_timeout

# The deadline lives on the bottom floor (the keyring plugin needs it too); these names stay
# importable from here for the backends and their callers.
__all__ = [
    "DeadlineExceeded",
    "KeyringBackend",
    "LookupResult",
    "LookupStatus",
    "Password",
    "call_with_deadline",
    "keyring_timeout",
    "reveal",
]


class LookupStatus(StrEnum):
    """How a keyring lookup ended."""

    FOUND = "found"
    NOT_FOUND = "not-found"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class LookupResult:
    """One keyring lookup: its status, the credentials if found, and a secret-free detail."""

    status: LookupStatus
    credentials: Credentials | None
    backend: str
    service: str
    detail: str = ""

    @classmethod
    def found(cls, backend: str, service: str, credentials: Credentials) -> LookupResult:
        return cls(LookupStatus.FOUND, credentials, backend, service)

    @classmethod
    def not_found(cls, backend: str, service: str, detail: str = "") -> LookupResult:
        return cls(LookupStatus.NOT_FOUND, None, backend, service, detail)

    @classmethod
    def unavailable(cls, backend: str, service: str, detail: str) -> LookupResult:
        return cls(LookupStatus.UNAVAILABLE, None, backend, service, detail)


Password: TypeAlias = "str | SecretStr"


def reveal(password: Password) -> str:
    """The clear text of a password given as `str` or `SecretStr` (for the backend call only)."""
    return password.get_secret_value() if isinstance(password, SecretStr) else password


class KeyringBackend(ABC):
    """A place that holds passwords by (service, username)."""

    name: str = "keyring"

    @abstractmethod
    def get(self, service: str, username: str | None, *, creds_mode: bool = False) -> LookupResult:
        """Look `service` up, for `username` or (None) for whatever username it holds.

        `creds_mode` asks a backend that distinguishes the two (the `keyring` command) to use
        its username-less form; other backends ignore it. Never raises for backend failures.
        """

    @abstractmethod
    def set(self, service: str, username: str, password: Password) -> None:
        """Store a password; raises `KeyringUnavailable` when the backend cannot."""

    @abstractmethod
    def delete(self, service: str, username: str) -> bool:
        """Remove an entry; False when there was none. Raises `KeyringUnavailable`."""

    def where_stored(self) -> tuple[str, BackendSafety]:
        """What receives a password given to `set`, and how safe it is there.

        Reads and unlocks nothing; raises `KeyringUnavailable` when the backend cannot even
        be chosen. A backend of this library's own (memory, null) keeps nothing on disk.
        """
        return type(self).__name__, BackendSafety.SECURE
