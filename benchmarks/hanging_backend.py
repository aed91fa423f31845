"""A keyring backend that hangs (`PYTHON_KEYRING_BACKEND` or wrapped by keyring-policy's).

Every call is logged like the counting backend's, then sleeps for an hour: a locked
collection waiting for an unlock prompt nobody will see, or a dead D-Bus session.
"""

from __future__ import annotations

import time

from keyring.backend import KeyringBackend

from benchmarks.counting_backend import _log

HANG_S = 3600


class HangingKeyring(KeyringBackend):
    """Never answers."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        _log("get_password", service, username)
        time.sleep(HANG_S)
        return None

    def get_credential(self, service: str, username: str | None) -> None:
        _log("get_credential", service, username)
        time.sleep(HANG_S)

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(HANG_S)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(HANG_S)
