"""The system keyring in-process, through the `keyring` library (imported only when first used).

Every call runs under the deadline of `call_with_deadline`: keyring itself has no timeout, and a
locked Secret Service collection waits for an unlock prompt forever. Failures are told apart
from "not found": keyring's `fail` and `null` backends, a locked collection, no D-Bus session,
any exception and a timeout are UNAVAILABLE, with a detail naming the backend and the fix.
"""

from __future__ import annotations

import logging
from typing import Any

from policy.credentials.backends.base import (
    DeadlineExceeded,
    KeyringBackend,
    LookupResult,
    Password,
    call_with_deadline,
    reveal,
)
from policy.credentials.backends.safety import BackendSafety, classify
from policy.credentials.values import Credentials
from policy.env import DEFAULT_KEYRING_TIMEOUT
from policy.errors import KeyringUnavailable
from policy.keyring_failures import describe, explain_failure, unusable_reason
from policy.provenance import CredentialSource

log = logging.getLogger("policy.credentials.backends.native")


class NativeKeyring(KeyringBackend):
    """The `keyring` library's backend (`keyring.get_keyring()` unless one is given)."""

    name = "native"

    def __init__(
        self, backend: Any | None = None, *, timeout: float | None = DEFAULT_KEYRING_TIMEOUT
    ) -> None:
        self._backend = backend
        self._timeout = timeout
        self._dead: str | None = None  # set after a timeout: the backend hangs, stop asking

    @property
    def backend_name(self) -> str:
        """The class of the backend in use, or `unresolved` before the first call."""
        return self._label()

    def _resolve(self) -> Any | None:
        if self._backend is None:
            import keyring  # deferred: importing keyring costs start-up time

            self._backend = call_with_deadline(
                keyring.get_keyring, self._timeout, what="keyring backend detection"
            )
            log.debug("Using keyring backend %s", describe(self._backend))
        return self._backend

    def _explain(self, error: BaseException, secrets: tuple[str, ...] = ()) -> str:
        return explain_failure(error, f"native keyring ({self._label()})", secrets)

    def _label(self) -> str:
        return "unresolved" if self._backend is None else describe(self._backend)

    def _call(self, call: Any, service: str, what: str, secrets: tuple[str, ...] = ()) -> Any:
        """Run a backend call under the deadline; raise `KeyringUnavailable` with the detail."""
        if self._dead is not None:
            raise KeyringUnavailable(self._dead)
        try:
            backend = self._resolve()
            unusable = unusable_reason(backend)
            if unusable is not None:
                raise KeyringUnavailable(f"native keyring: {unusable}")
            return call_with_deadline(lambda: call(backend), self._timeout, what=what)
        except KeyringUnavailable as error:
            if isinstance(error, DeadlineExceeded):
                self._dead = self._explain(error)
                raise KeyringUnavailable(self._dead) from None
            raise
        except Exception as error:
            raise KeyringUnavailable(self._explain(error, secrets)) from None

    def get(self, service: str, username: str | None, *, creds_mode: bool = False) -> LookupResult:
        try:
            if username is not None:
                password = self._call(
                    lambda kr: kr.get_password(service, username), service, "keyring lookup"
                )
                if password is None:
                    return LookupResult.not_found(self.name, service)
                found = Credentials.basic(username, password, CredentialSource.NATIVE_KEYRING)
            else:
                credential = self._call(
                    lambda kr: kr.get_credential(service, None), service, "keyring lookup"
                )
                if credential is None:
                    return LookupResult.not_found(self.name, service)
                found = Credentials.basic(
                    credential.username, credential.password, CredentialSource.NATIVE_KEYRING
                )
        except KeyringUnavailable as error:
            return LookupResult.unavailable(self.name, service, str(error))
        return LookupResult.found(self.name, service, found)

    def set(self, service: str, username: str, password: Password) -> None:
        secret = reveal(password)
        self._call(
            lambda kr: kr.set_password(service, username, secret),
            service,
            "keyring store",
            (secret,),
        )

    def where_stored(self) -> tuple[str, BackendSafety]:
        """The backend keyring chose (under the deadline) and whether it keeps secrets safely."""
        result: tuple[str, BackendSafety] = self._call(classify, "", "keyring backend detection")
        return result

    def delete(self, service: str, username: str) -> bool:
        from keyring.errors import PasswordDeleteError

        def remove(kr: Any) -> bool:
            # Backends disagree on deleting a missing entry (most raise, some pass): ask first.
            if kr.get_password(service, username) is None:
                return False
            try:
                kr.delete_password(service, username)
            except PasswordDeleteError:
                return False
            return True

        result: bool = self._call(remove, service, "keyring delete")
        return result
