"""Keyring backends behind one interface: the `keyring` command, the `keyring` library,
null and in-memory. Importing this package does not import the `keyring` library."""

from __future__ import annotations

from policy.credentials.backends.base import (
    DeadlineExceeded,
    KeyringBackend,
    LookupResult,
    LookupStatus,
    call_with_deadline,
    keyring_timeout,
)
from policy.credentials.backends.memory import MemoryKeyring
from policy.credentials.backends.native import NativeKeyring
from policy.credentials.backends.null import NullKeyring
from policy.credentials.backends.subprocess_ import SubprocessKeyring

__all__ = [
    "DeadlineExceeded",
    "KeyringBackend",
    "LookupResult",
    "LookupStatus",
    "MemoryKeyring",
    "NativeKeyring",
    "NullKeyring",
    "SubprocessKeyring",
    "call_with_deadline",
    "keyring_timeout",
]
