"""`PolicyKeyring`: an opt-in `keyring` backend that wraps another and makes it safe to ask.

It adds a deadline on every call, single flight, a negative cache shared by processes and the
project's per-index policy to the backend keyring would otherwise use; all of that lives in
`policy.keyring_backend.guard`, created on the first real call.

keyring imports this module in every program that uses keyring (it is a `keyring.backends`
entry point), instantiates the class while detecting backends and reads its `priority`, so
this file is a shell: at import time it uses only modules that `import keyring;
keyring.get_keyring()` has loaded already, and `__init__` only stores its arguments. Its
priority keeps keyring from ever choosing it on its own: `keyring-policy keyring enable`
(keyring's config file) or `PYTHON_KEYRING_BACKEND` turns it on.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from keyring.backend import KeyringBackend

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from keyring.credentials import Credential

    from policy.keyring_backend.guard import KeyringGuard
    from policy.keyring_backend.index_policy import IndexPolicy

PRIORITY = -10.0
"""Below keyring's `chainer` fallback (-1) and `null` (-1), and not above 0, so keyring never
picks it by priority nor chains it: it runs only when named."""


class _Name:
    """keyring's `name`: on the class, keyring's own (from module and class name); on an
    instance, the wrapped backend's name (resolved on first access, within the deadline), so
    that a caller judging the backend by its name judges where passwords really go."""

    def __get__(self, instance: PolicyKeyring | None, owner: type[PolicyKeyring]) -> str:
        own: str = super(PolicyKeyring, owner).name
        if instance is None:
            return own
        return instance._guard().display_name(own)


class PolicyKeyring(KeyringBackend):
    """keyring-policy's backend: deadline, single flight, negative cache and per-index policy
    around the backend keyring would otherwise use (or `KEYRING_POLICY_WRAPS`)."""

    priority = PRIORITY  # a plain value, as keyring's own `null` backend does
    name = _Name()  # keyring's `name` answers per class only; this one also per instance

    def __init__(
        self,
        wrapped: Any | None = None,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        policy: IndexPolicy | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's own, unannotated
        self._arguments = (wrapped, env, cwd, policy)
        self._guard_value: KeyringGuard | None = None
        self._guard_lock = threading.Lock()

    def _guard(self) -> KeyringGuard:
        guard = self._guard_value
        if guard is None:
            with self._guard_lock:
                if self._guard_value is None:
                    # Deferred: most programs that load this module never ask this backend.
                    from policy.keyring_backend.guard import KeyringGuard

                    wrapped, env, cwd, policy = self._arguments
                    self._guard_value = KeyringGuard(wrapped, env=env, cwd=cwd, policy=policy)
                guard = self._guard_value
        return guard

    # -- what keyring calls ------------------------------------------------------------------

    def get_password(self, service: str, username: str) -> str | None:
        return self._guard().get_password(service, username)

    def get_credential(self, service: str, username: str | None) -> Credential | None:
        found: Credential | None = self._guard().get_credential(service, username)
        return found

    def set_password(self, service: str, username: str, password: str) -> None:
        self._guard().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._guard().delete_password(service, username)

    # -- the wrapped backend -----------------------------------------------------------------

    @property
    def wrapped_name(self) -> str:
        """`module.Class` of the wrapped backend, or `unresolved` before the first call."""
        return self._guard().wrapped_name

    @property
    def wrapped_backend(self) -> Any | None:
        """The backend every password goes to (resolved within the deadline), None if unknown.

        Lets a caller judge where a secret would land (a plaintext file or a secret store)
        without storing anything.
        """
        return self._guard().wrapped_backend


__all__ = ["PRIORITY", "PolicyKeyring"]
