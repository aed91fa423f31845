"""A counting keyring backend for in-process lookups (`PYTHON_KEYRING_BACKEND`).

`PYTHON_KEYRING_BACKEND=benchmarks.counting_backend.CountingKeyring` makes the `keyring`
library use this class. It logs every call to `$COUNTING_KEYRING_LOG` and answers from the
same map as the counting `keyring` command (`benchmarks/counting_cli.py`).
"""

from __future__ import annotations

import json
import os
import time

from keyring.backend import KeyringBackend
from keyring.credentials import SimpleCredential

from benchmarks.counting_cli import lookup


def _log(op: str, service: str, username: str | None) -> None:
    path = os.environ.get("COUNTING_KEYRING_LOG")
    if not path:
        return
    record = {
        "kind": "native",
        "op": op,
        "service": service,
        "username": username,
        "pid": os.getpid(),
        "t": time.time(),
    }
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


class CountingKeyring(KeyringBackend):
    """Answers from the benchmark's map; stores nothing (a store is logged and dropped)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        _log("get_password", service, username)
        found = lookup(service, username)
        return None if found is None else found[1]

    def get_credential(self, service: str, username: str | None) -> SimpleCredential | None:
        _log("get_credential", service, username)
        found = lookup(service, username)
        return None if found is None else SimpleCredential(*found)

    def set_password(self, service: str, username: str, password: str) -> None:
        _log("set_password", service, username)

    def delete_password(self, service: str, username: str) -> None:
        _log("delete_password", service, username)
