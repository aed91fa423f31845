"""Why a `keyring` backend could not answer, in words that say how to fix it.

Shared by the library's in-process keyring backend and the opt-in keyring plugin, so both tell
a locked collection, a missing D-Bus session, keyring's `fail` / `null` backends and a timeout
apart in the same way. Bottom floor: the standard library only (`keyring.errors` is imported
when a failure is explained, by then keyring is loaded anyway). Messages never carry a secret:
an exception's text goes through `redact_text` with the secrets in play.
"""

from __future__ import annotations

from typing import Any

from policy.deadline import DeadlineExceeded
from policy.redact import redact_text

NO_BACKEND_FIX = (
    "start a Secret Service (for example `gnome-keyring-daemon --unlock` inside a D-Bus "
    "session), or choose a backend with `PYTHON_KEYRING_BACKEND`"
)


def describe(backend: Any) -> str:
    """`module.Class` of a backend object."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def unusable_reason(backend: Any) -> str | None:
    """Why keyring's `fail` / `null` backends cannot answer, with the fix; else None."""
    module = type(backend).__module__
    if module == "keyring.backends.fail":
        return f"no keyring backend is available (keyring's `fail` backend): {NO_BACKEND_FIX}"
    if module == "keyring.backends.null":
        return (
            "keyring is disabled (keyring's `null` backend, chosen by `PYTHON_KEYRING_BACKEND`"
            " or `keyring --disable`)"
        )
    return None


def explain_failure(error: BaseException, where: str, secrets: tuple[str, ...] = ()) -> str:
    """One line naming `where` failed, why, and the fix; secret-free."""
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    if isinstance(error, DeadlineExceeded):
        return (
            f"{where} did not answer within {error.timeout:g} s (a locked collection waiting "
            "for an unlock prompt?); unlock it or raise `KEYRING_POLICY_TIMEOUT`"
        )
    if isinstance(error, KeyringLocked):
        return (
            f"{where}: the collection is locked; unlock it (for example "
            "`gnome-keyring-daemon --unlock`)"
        )
    if isinstance(error, NoKeyringError):
        return f"{where}: no keyring backend is available: {NO_BACKEND_FIX}"
    message = redact_text(str(error), secrets)[:300]
    if isinstance(error, (InitError, ConnectionError, FileNotFoundError)) or (
        "dbus" in message.lower()
    ):
        return (
            f"{where} could not connect: {message} (is `DBUS_SESSION_BUS_ADDRESS` set and a "
            "Secret Service running?)"
        )
    return f"{where} failed: {type(error).__name__}: {message}"


__all__ = ["NO_BACKEND_FIX", "describe", "explain_failure", "unusable_reason"]
