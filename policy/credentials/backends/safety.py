"""Where a password would go: the keyring backend that receives it, and whether it is secure.

keyring chooses a backend by priority; with no Secret Service reachable and keyrings.alt
importable (common in CI images), that is `PlaintextKeyring`, which writes passwords
base64-encoded into a file in the home directory. Storing there automatically would turn
"stored in the keyring" into "written to disk", so such a backend is refused for automatic
storing unless the user opts in (`keyring = "store"` on the index and
`KEYRING_POLICY_ALLOW_PLAINTEXT=1`). Reading from it stays allowed: the secret is already there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policy._compat import StrEnum
from policy.env import BOOLISH_TRUE, KEYRING_POLICY_ALLOW_PLAINTEXT
from policy.keyring_failures import describe


class BackendSafety(StrEnum):
    """What a backend does with a password it is given."""

    SECURE = "secure"
    """An OS or desktop secret store (Secret Service, Keychain, Credential Locker), or memory."""
    PLAINTEXT = "plaintext"
    """Plain or merely encoded text in a file (keyrings.alt's `PlaintextKeyring`)."""
    ISOLATED = "isolated"
    """A throw-away file of the demo, never the user's own keyring."""


ISOLATED_MARK = "keyring_policy_isolated"
"""Class attribute (True) of a backend that is an isolated, temporary demo keyring."""


def _writer(backend: Any) -> Any:
    """The member a password goes to: keyring's chainer writes to its first member, a
    wrapping backend to the one it wraps."""
    from keyring.backends.chainer import ChainerBackend  # loaded with the backend anyway

    # keyring-policy's own keyring backend passes every password on to the one it wraps.
    wrapped = getattr(backend, "wrapped_backend", None)
    if wrapped is not None and wrapped is not backend:
        return _writer(wrapped)
    if isinstance(backend, ChainerBackend):
        members = backend.backends
        if members:
            return members[0]
    return backend


def classify(backend: Any) -> tuple[str, BackendSafety]:
    """`module.Class` of the backend a password would go to, and how safe that is."""
    writer = _writer(backend)
    label = describe(writer) if writer is backend else f"{describe(backend)} ({describe(writer)})"
    if getattr(writer, ISOLATED_MARK, False) is True:
        return label, BackendSafety.ISOLATED
    if any("plaintext" in cls.__name__.lower() for cls in type(writer).__mro__):
        return label, BackendSafety.PLAINTEXT
    return label, BackendSafety.SECURE


def plaintext_allowed(index_keyring: str | None, env: Mapping[str, str]) -> bool:
    """The explicit opt-in: `keyring = "store"` on the index and the variable set."""
    opted = env.get(KEYRING_POLICY_ALLOW_PLAINTEXT, "").strip().lower() in BOOLISH_TRUE
    return opted and index_keyring == "store"


PLAINTEXT_FIX = (
    "choose a secure backend (a running Secret Service such as gnome-keyring, the macOS "
    "Keychain or the Windows Credential Locker; `PYTHON_KEYRING_BACKEND` or keyring's "
    '`keyringrc.cfg` picks one), or, to store there anyway, set `keyring = "store"` on the '
    f"index and `{KEYRING_POLICY_ALLOW_PLAINTEXT}=1`"
)
