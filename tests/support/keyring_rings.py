"""Small `keyring` backends for the plugin's tests, loadable by name in a subprocess.

Their priority is below keyring's `chainer` fallback (-1) and not above 0, so keyring never
picks or chains one on its own: a test names them
(`KEYRING_POLICY_WRAPS=tests.support.keyring_rings.CountingRing`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.credentials import SimpleCredential
from keyring.errors import PasswordDeleteError

STORE_VAR = "KP_TEST_RING_STORE"
"""A JSON file `{"service\\0user": password}` (CountingRing)."""
LOG_VAR = "KP_TEST_RING_LOG"
"""A JSON-lines file, one line per call the ring answers (CountingRing, HangingRing)."""


class _NeverChosen(KeyringBackend):
    priority = -20.0


class MemoryRing(_NeverChosen):
    """Passwords in a dict."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's own, unannotated
        self.entries: dict[tuple[str, str], str] = {}
        self.calls: list[tuple[str, str, str | None]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append(("get", service, username))
        return self.entries.get((service, username))

    def get_credential(self, service: str, username: str | None) -> Any | None:
        if username is not None:
            return super().get_credential(service, username)
        self.calls.append(("credential", service, None))
        for (entry_service, entry_user), password in self.entries.items():
            if entry_service == service:
                return SimpleCredential(entry_user, password)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append(("set", service, username))
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append(("delete", service, username))
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


class BlockingRing(MemoryRing):
    """`get_password` waits until `release` is set (or 60 s): a hung backend, in-process."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.entered.set()
        self.release.wait(60)
        return super().get_password(service, username)


class FailingRing(MemoryRing):
    """Every call raises an exception whose text carries `message`."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        super().get_password(service, username)
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error


def _log(event: dict[str, Any]) -> None:
    path = os.environ.get(LOG_VAR)
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(json.dumps({**event, "pid": os.getpid()}) + "\n")


def calls(log: Path) -> list[dict[str, Any]]:
    """The calls logged so far."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


class CountingRing(_NeverChosen):
    """A file-backed ring that logs every call: what the wrapped backend really saw."""

    def _load(self) -> dict[str, str]:
        path = Path(os.environ[STORE_VAR])
        return json.loads(path.read_text()) if path.exists() else {}

    def _save(self, data: dict[str, str]) -> None:
        Path(os.environ[STORE_VAR]).write_text(json.dumps(data))

    def get_password(self, service: str, username: str) -> str | None:
        _log({"call": "get_password", "service": service, "username": username})
        return self._load().get(f"{service}\0{username}")

    def get_credential(self, service: str, username: str | None) -> Any | None:
        if username is not None:
            return super().get_credential(service, username)
        _log({"call": "get_credential", "service": service, "username": None})
        prefix = f"{service}\0"
        for key, password in self._load().items():
            if key.startswith(prefix):
                return SimpleCredential(key[len(prefix) :], password)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        _log({"call": "set_password", "service": service, "username": username})
        data = self._load()
        data[f"{service}\0{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        _log({"call": "delete_password", "service": service, "username": username})
        data = self._load()
        if data.pop(f"{service}\0{username}", None) is None:
            raise PasswordDeleteError("no such password")
        self._save(data)


class HangingRing(_NeverChosen):
    """Every call hangs (an hour): a locked collection waiting for a prompt nobody sees."""

    def get_password(self, service: str, username: str) -> str | None:
        _log({"call": "get_password", "service": service, "username": username})
        time.sleep(3600)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(3600)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(3600)


class SlowToLoadRing(MemoryRing):
    """Its construction waits until `release` is set (or 60 s): keyring's detection stuck
    on a backend that connects to a D-Bus service which never answers, in-process."""

    release = threading.Event()
    started = 0

    def __init__(self) -> None:
        type(self).started += 1
        type(self).release.wait(60)
        super().__init__()

    @classmethod
    def reset(cls) -> None:
        cls.release = threading.Event()
        cls.started = 0
