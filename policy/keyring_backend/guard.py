"""`KeyringGuard`: what every call of keyring-policy's keyring backend goes through.

`PolicyKeyring` (the `backend` module, what keyring loads) is a thin shell that creates one
guard on its first real call; the guard holds everything that makes the wrapped backend safe
to ask, for every installer that asks the `keyring` package or the `keyring` command (pip,
Poetry, PDM, twine, uv's subprocess provider):

- a deadline on every call (`KEYRING_POLICY_TIMEOUT`): a timeout, a locked collection or a
  missing D-Bus session is a miss plus one warning that says how to fix it, never a hang;
- single flight within a process, and a negative cache shared by processes
  (`policy.keyring_backend.misses`): pip's one-process-per-lookup provider stops asking the
  backend again for what it did not have a moment ago;
- the project's per-index policy from the working directory's `uv.toml` / `pyproject.toml`:
  `keyring = "skip"` answers "not found" without touching the backend, `read` refuses to store.

Imported on the backend's first call, in programs that do ask it: it imports only the
standard library, `keyring` and the bottom floor of `policy`; the settings are loaded later
still, through `index_policy`, and only when a settings file can hold a rule.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from keyring.errors import PasswordDeleteError, PasswordSetError

from policy.deadline import DeadlineExceeded, call_with_deadline, keyring_timeout
from policy.errors import ConfigError, KeyringUnavailable
from policy.keyring_backend.flight import SingleFlight
from policy.keyring_backend.misses import MissCache, cache_dir, miss_ttl
from policy.keyring_backend.rules_hint import may_hold_rules
from policy.keyring_backend.wrapped import WrapError, configured_wraps, load_wrapped
from policy.keyring_failures import describe, explain_failure, unusable_reason
from policy.redact import redact_url

if TYPE_CHECKING:
    from policy.keyring_backend.index_policy import IndexPolicy, ServiceRule

log = logging.getLogger("policy.keyring_backend")

T = TypeVar("T")

NAME_SUFFIX = " via keyring-policy"
"""Appended to the wrapped backend's `name` in the backend's own."""


class KeyringGuard:
    """Deadline, single flight, negative cache and per-index policy around the backend keyring
    would otherwise use (or `KEYRING_POLICY_WRAPS`); `PolicyKeyring` delegates to one."""

    def __init__(
        self,
        wrapped: Any | None = None,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        policy: IndexPolicy | None = None,
    ) -> None:
        self._env: Mapping[str, str] = os.environ if env is None else env
        self._cwd = cwd
        self._wrapped = wrapped
        self._policy = policy
        self._policy_loaded = policy is not None
        self._lock = threading.Lock()  # guards the lazy fields below
        self._dead: str | None = None  # set after a timeout: the backend hangs, stop asking
        self._warned = False
        self._timeout_read = False
        self._timeout_value: float | None = None
        self._misses_value: MissCache | None = None
        self._flight: SingleFlight[Any] = SingleFlight()

    # -- the calls PolicyKeyring passes on ---------------------------------------------------

    def get_password(self, service: str, username: str) -> str | None:
        result: str | None = self._lookup(
            service, username, lambda ring: ring.get_password(service, username)
        )
        return result

    def get_credential(self, service: str, username: str | None) -> Any | None:
        return self._lookup(service, username, lambda ring: ring.get_credential(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        rule = self._rule(service)
        if rule is not None and not rule.store:
            raise PasswordSetError(
                f"keyring-policy refuses to store credentials for {redact_url(service)!r}: "
                f"{rule.why}"
            )
        try:
            self._call(lambda ring: ring.set_password(service, username, password), (password,))
        except KeyringUnavailable as error:
            raise PasswordSetError(str(error)) from None
        self._misses().forget(service, username)
        self._misses().forget(service, None)

    def delete_password(self, service: str, username: str) -> None:
        try:
            self._call(lambda ring: ring.delete_password(service, username))
        except KeyringUnavailable as error:
            raise PasswordDeleteError(str(error)) from None

    # -- the wrapped backend -----------------------------------------------------------------

    @property
    def wrapped_name(self) -> str:
        """`module.Class` of the wrapped backend, or `unresolved` before the first call."""
        return "unresolved" if self._wrapped is None else describe(self._wrapped)

    @property
    def wrapped_backend(self) -> Any | None:
        """The backend every password goes to (resolved within the deadline), None if unknown.

        Lets a caller judge where a secret would land (a plaintext file or a secret store)
        without storing anything.
        """
        if self._wrapped is not None:
            return self._wrapped
        if self._dead is not None:
            return None  # detection hung once already: do not wait for it again
        try:
            return self._resolve(self._timeout())
        except DeadlineExceeded as error:
            self._dead = explain_failure(error, self._where(None))
            return None
        except (KeyringUnavailable, WrapError):
            return None
        except Exception:
            return None  # keyring's detection failed: nothing is known about the writer

    def display_name(self, own: str) -> str:
        """keyring's `name` for the backend: the wrapped backend's, marked as passing through
        keyring-policy, so a caller's check of the name (Poetry refuses a `plaintext` or
        `fail` backend by it) judges where passwords really go; `own` when that is unknown."""
        wrapped = self.wrapped_backend
        if wrapped is None:
            return own
        try:
            name = wrapped.name
        except Exception:
            return own  # a backend whose name fails is judged by ours
        return f"{name}{NAME_SUFFIX}" if isinstance(name, str) else own

    def _lookup(self, service: str, username: str | None, ask: Callable[[Any], T]) -> T | None:
        misses = self._misses()
        if misses.holds(service, username):
            return None
        return self._flight.run(  # type: ignore[no-any-return]
            (service, username), lambda: self._lookup_now(service, username, ask)
        )

    def _lookup_now(self, service: str, username: str | None, ask: Callable[[Any], T]) -> T | None:
        rule = self._rule(service)
        if rule is not None and not rule.lookup:
            log.debug("not asking the keyring for %r: %s", service, rule.why)
            self._misses().remember(service, username)
            return None
        try:
            found = self._call(ask)
        except KeyringUnavailable as error:
            self._warn(str(error))
            found = None
        if found is None:
            # Failures too: the next process would otherwise wait out the same deadline.
            self._misses().remember(service, username)
        return found

    def _call(self, call: Callable[[Any], T], secrets: tuple[str, ...] = ()) -> T:
        """Run `call(wrapped)` under the deadline; raise `KeyringUnavailable` with the fix."""
        if self._dead is not None:
            raise KeyringUnavailable(self._dead)
        timeout = self._timeout()
        ring: Any = None
        try:
            ring = self._resolve(timeout)
            unusable = unusable_reason(ring)
            if unusable is not None:
                raise KeyringUnavailable(f"keyring-policy: {unusable}")
            return call_with_deadline(lambda: call(ring), timeout, what="keyring call")
        except KeyringUnavailable as error:
            if isinstance(error, DeadlineExceeded):
                self._dead = explain_failure(error, self._where(ring))
                raise KeyringUnavailable(self._dead) from None
            raise
        except WrapError as error:
            raise KeyringUnavailable(f"keyring-policy: {error}") from None
        except Exception as error:
            if _is_not_found(error):
                raise
            raise KeyringUnavailable(explain_failure(error, self._where(ring), secrets)) from None

    def _where(self, ring: Any) -> str:
        wrapped = "backend detection" if ring is None else describe(ring)
        return f"keyring-policy ({wrapped})"

    def _resolve(self, timeout: float | None) -> Any:
        with self._lock:
            if self._wrapped is None:
                name = configured_wraps(self._env)
                self._wrapped = call_with_deadline(
                    lambda: load_wrapped(name), timeout, what="keyring backend detection"
                )
                log.debug("keyring-policy wraps %s", describe(self._wrapped))
            return self._wrapped

    # -- settings, read on first use ---------------------------------------------------------

    def _timeout(self) -> float | None:
        if not self._timeout_read:
            self._timeout_read = True
            try:
                self._timeout_value = keyring_timeout(self._env)
            except ConfigError as error:
                self._warn(f"{error}; using the default")
                self._timeout_value = keyring_timeout({})
        return self._timeout_value

    def _misses(self) -> MissCache:
        if self._misses_value is None:
            ttl, problem = miss_ttl(self._env)
            if problem is not None:
                self._warn(problem)
            self._misses_value = MissCache(cache_dir(self._env), ttl)
        return self._misses_value

    def _rule(self, service: str) -> ServiceRule | None:
        """The per-index rule for `service`; None when no settings file holds a rule or the
        settings cannot be read."""
        with self._lock:
            if not self._policy_loaded:
                self._policy_loaded = True
                try:
                    cwd = Path.cwd() if self._cwd is None else self._cwd
                except OSError:
                    return None  # the working directory is gone: no project settings
                if not may_hold_rules(self._env, cwd):
                    return None  # no file has a `keyring` key: there is no rule to apply
                # Deferred: pydantic and the settings cost start-up time that keyring users
                # who never ask this backend must not pay.
                from policy.keyring_backend.index_policy import IndexPolicy

                try:
                    self._policy = IndexPolicy.load(self._env, cwd)
                except ConfigError as error:
                    self._warn(f"keyring-policy ignores the per-index keyring settings: {error}")
        return None if self._policy is None else self._policy.rule(service)

    def _warn(self, message: str) -> None:
        """One warning per process; later failures are only logged at debug level."""
        if self._warned:
            log.debug("%s", message)
            return
        self._warned = True
        log.warning("%s", message)


def _is_not_found(error: BaseException) -> bool:
    """keyring's "there was nothing to delete": an answer, not a failure."""
    return isinstance(error, PasswordDeleteError)


__all__ = ["NAME_SUFFIX", "KeyringGuard"]
