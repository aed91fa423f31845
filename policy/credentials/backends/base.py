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

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

from pydantic import SecretStr

from policy._compat import StrEnum
from policy.credentials.values import Credentials
from policy.env import DEFAULT_KEYRING_TIMEOUT, KEYRING_POLICY_TIMEOUT
from policy.errors import ConfigError, KeyringUnavailable

T = TypeVar("T")


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


def keyring_timeout(env: Mapping[str, str]) -> float | None:
    """The deadline from `KEYRING_POLICY_TIMEOUT` (default 15 s; `0` means no deadline)."""
    raw = env.get(KEYRING_POLICY_TIMEOUT, "").strip()
    if not raw:
        return DEFAULT_KEYRING_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ConfigError(
            f"Failed to parse environment variable `{KEYRING_POLICY_TIMEOUT}` with invalid "
            f"value `{raw}`: expected a number of seconds (0 for no deadline)"
        )
    return None if value == 0 else value


class DeadlineExceeded(KeyringUnavailable):
    """A keyring call did not finish before its deadline."""

    def __init__(self, what: str, timeout: float) -> None:
        super().__init__(f"{what} did not answer within {timeout:g} s")
        self.timeout = timeout


def call_with_deadline(call: Callable[[], T], timeout: float | None, *, what: str) -> T:
    """Run `call` and return its result, or raise `DeadlineExceeded` after `timeout` seconds.

    The call runs in a daemon worker thread: Python cannot cancel a thread, and a keyring stuck
    in D-Bus (a locked collection waiting for a prompt) may never return, so an abandoned worker
    must not keep the process alive at exit. Exceptions of `call` are re-raised here.
    """
    if timeout is None:
        return call()
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def worker() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=worker, name=f"keyring-policy: {what}", daemon=True)
    thread.start()
    if not done.wait(timeout):
        raise DeadlineExceeded(what, timeout)
    if failure:
        raise failure[0]
    return outcome[0]
