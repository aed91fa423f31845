"""Keyring backends: the contract, the deadline, and how failures are told from misses."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend as LibBackend
from keyring.backends import fail, null
from keyring.errors import InitError, KeyringLocked

from policy.cli.demo.keyring_file import DemoFileKeyring
from policy.credentials.backends import (
    DeadlineExceeded,
    KeyringBackend,
    LookupStatus,
    MemoryKeyring,
    NativeKeyring,
    NullKeyring,
    call_with_deadline,
    keyring_timeout,
)
from policy.credentials.backends.testing import BackendContract
from policy.errors import ConfigError, KeyringUnavailable
from policy.provenance import CredentialSource

SECRET = "unit-S3cret-pw"


class TestMemoryKeyring(BackendContract):
    def make_backend(self) -> KeyringBackend:
        return MemoryKeyring()


class TestNullKeyring(BackendContract):
    stores = False
    finds_without_username = False

    def make_backend(self) -> KeyringBackend:
        return NullKeyring()

    def test_set_says_how_to_enable(self) -> None:
        with pytest.raises(KeyringUnavailable, match="keyring-provider"):
            NullKeyring().set("svc", "alice", SECRET)


class _DictBackend(LibBackend):
    """A keyring-library backend in memory that also answers without a username."""

    priority = -1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's, unannotated
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")

    def get_credential(self, service: str, username: str | None) -> Any:
        from keyring.credentials import SimpleCredential

        for (entry_service, entry_user), password in self.entries.items():
            if entry_service == service and username in (None, entry_user):
                return SimpleCredential(entry_user, password)
        return None


class TestNativeKeyringWithLibraryBackend(BackendContract):
    def make_backend(self) -> KeyringBackend:
        return NativeKeyring(_DictBackend(), timeout=5)


class TestNativeKeyringWithFileBackend(BackendContract):
    @pytest.fixture(autouse=True)
    def _directory(self, tmp_path: Path) -> None:
        self.path = tmp_path / "keyring.json"

    def make_backend(self) -> KeyringBackend:
        return NativeKeyring(DemoFileKeyring(self.path), timeout=5)


# ------------------------------------------------------------------ the deadline


def test_deadline_returns_the_result_and_reraises() -> None:
    assert call_with_deadline(lambda: 42, 1.0, what="x") == 42
    assert call_with_deadline(lambda: 42, None, what="x") == 42
    with pytest.raises(ZeroDivisionError):
        call_with_deadline(lambda: 1 // 0, 1.0, what="x")


def test_deadline_expires() -> None:
    release = threading.Event()
    answered = threading.Event()

    def slow() -> None:
        release.wait(30)
        answered.set()

    with pytest.raises(DeadlineExceeded, match=r"slow call did not answer within 0\.2 s"):
        call_with_deadline(slow, 0.2, what="slow call")
    assert not answered.is_set()  # the caller got its answer while the call still ran
    release.set()


def test_a_stuck_worker_does_not_block_process_exit() -> None:
    script = (
        "import time\n"
        "from policy.credentials.backends.base import call_with_deadline, DeadlineExceeded\n"
        "try:\n"
        "    call_with_deadline(lambda: time.sleep(3600), 0.2, what='stuck')\n"
        "except DeadlineExceeded:\n"
        "    print('timed out')\n"
    )
    # The worker sleeps an hour: the process exits at all only if it does not wait for it
    # (the timeout is a safety net, far above a normal start-up even on a busy machine).
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    assert done.stdout.strip() == "timed out"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 15.0),
        ("", 15.0),
        ("2.5", 2.5),
        ("0", None),
        (" 3 ", 3.0),
    ],
)
def test_keyring_timeout(raw: str | None, expected: float | None) -> None:
    env = {} if raw is None else {"KEYRING_POLICY_TIMEOUT": raw}
    assert keyring_timeout(env) == expected


@pytest.mark.parametrize("raw", ["soon", "-1", "nan", "inf"])
def test_keyring_timeout_rejects_nonsense(raw: str) -> None:
    with pytest.raises(ConfigError, match="KEYRING_POLICY_TIMEOUT"):
        keyring_timeout({"KEYRING_POLICY_TIMEOUT": raw})


def test_importing_the_backends_does_not_import_keyring() -> None:
    script = (
        "import sys, policy.credentials.backends, policy.credentials.lookup; "
        "print('keyring' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    assert done.stdout.strip() == "False"


# ------------------------------------------------------------------ native failures


class _Raising(LibBackend):
    priority = -1

    def __init__(self, error: BaseException) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's, unannotated
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def get_credential(self, service: str, username: str | None) -> Any:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


class _Hanging(LibBackend):
    priority = -1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's, unannotated
        self.release = threading.Event()
        self.answered = threading.Event()
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        self.release.wait(30)
        self.answered.set()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(30)


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (fail.Keyring(), ["fail", "gnome-keyring-daemon --unlock", "PYTHON_KEYRING_BACKEND"]),
        (null.Keyring(), ["null", "disabled"]),
        (_Raising(KeyringLocked("locked")), ["locked", "unlock"]),
        (
            _Raising(InitError("Failed to unlock the collection")),
            ["could not connect", "DBUS_SESSION_BUS_ADDRESS"],
        ),
        (_Raising(RuntimeError("boom")), ["RuntimeError", "boom", "_Raising"]),
    ],
)
def test_native_failures_are_unavailable_and_name_the_fix(backend: Any, words: list[str]) -> None:
    native = NativeKeyring(backend, timeout=5)
    for username in ("alice", None):
        result = native.get("svc", username)
        assert result.status is LookupStatus.UNAVAILABLE
        assert result.credentials is None
        for word in words:
            assert word in result.detail
    with pytest.raises(KeyringUnavailable):
        native.set("svc", "alice", SECRET)


def test_native_exception_text_never_carries_the_password() -> None:
    native = NativeKeyring(_Raising(RuntimeError(f"could not store {SECRET}")), timeout=5)
    with pytest.raises(KeyringUnavailable) as caught:
        native.set("svc", "alice", SECRET)
    assert SECRET not in str(caught.value)
    assert "****" in str(caught.value)


def test_native_timeout_is_unavailable_and_stops_asking() -> None:
    hanging = _Hanging()
    native = NativeKeyring(hanging, timeout=0.3)
    first = native.get("svc", "alice")
    second = native.get("svc2", "alice")
    assert not hanging.answered.is_set()  # both answers came while the first call still hung
    assert first.status is second.status is LookupStatus.UNAVAILABLE
    assert "did not answer within 0.3 s" in first.detail
    assert "KEYRING_POLICY_TIMEOUT" in first.detail
    assert hanging.calls == 1
    hanging.release.set()


def test_native_found_credentials_are_attributed() -> None:
    backend = _DictBackend()
    backend.set_password("svc", "alice", SECRET)
    found = NativeKeyring(backend, timeout=None).get("svc", None).credentials
    assert found is not None
    assert found.source is CredentialSource.NATIVE_KEYRING
    assert repr(found) == (
        "Credentials(username='alice', password='[secure]', source='native-keyring')"
    )


def test_native_default_backend_is_resolved_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    chosen = _DictBackend()
    monkeypatch.setattr(keyring, "get_keyring", lambda: chosen)
    native = NativeKeyring(timeout=5)
    assert native.backend_name == "unresolved"
    assert native.get("svc", "alice").status is LookupStatus.NOT_FOUND
    assert native.backend_name.endswith("_DictBackend")


def test_memory_keyring_records_calls_and_hides_entries() -> None:
    memory = MemoryKeyring({("svc", "alice"): SECRET})
    memory.get("svc", "alice")
    memory.delete("svc", "bob")
    assert memory.calls == [("get", "svc", "alice"), ("delete", "svc", "bob")]
    assert SECRET not in repr(memory)
