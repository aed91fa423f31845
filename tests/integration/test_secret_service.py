"""The native backend in-process against a real, private Secret Service (gnome-keyring)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy.credentials.backends import KeyringBackend, LookupStatus, NativeKeyring
from policy.credentials.backends.testing import BackendContract
from tests.support import services

# keyring's SecretService backend opens a D-Bus connection per call and never closes it; the
# sockets' ResourceWarnings are the library's, collected here so they cannot fail a later test.
pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::ResourceWarning")]


@pytest.fixture(autouse=True)
def _collect_keyring_sockets() -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture
def bus(
    secret_service: services.SecretService, monkeypatch: pytest.MonkeyPatch
) -> Iterator[services.SecretService]:
    """Point this process's D-Bus session (read by secretstorage) at the private service."""
    for name, value in secret_service.env.items():
        monkeypatch.setenv(name, value)
    yield secret_service


def _secret_service_keyring() -> object:
    from keyring.backends.SecretService import Keyring

    return Keyring()


class TestNativeOnSecretService(BackendContract):
    """Store, read with and without a username, delete, unicode: the whole contract."""

    @pytest.fixture(autouse=True)
    def _bus(self, bus: services.SecretService) -> None:
        pass

    def make_backend(self) -> KeyringBackend:
        return NativeKeyring(_secret_service_keyring(), timeout=10)


def test_locked_collection_is_unavailable_quickly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import secretstorage

    with services.secret_service(tmp_path) as private:
        for name, value in private.env.items():
            monkeypatch.setenv(name, value)
        connection = secretstorage.dbus_init()
        try:
            secretstorage.get_default_collection(connection).lock()
        finally:
            connection.close()
        native = NativeKeyring(_secret_service_keyring(), timeout=1)
        # Either the backend says "locked" or the deadline cuts an unlock prompt short; both
        # are an answer, not a wait for a human.
        for username in ("alice", None):
            result = native.get("kp-locked", username)
            assert result.status is LookupStatus.UNAVAILABLE
            assert "locked" in result.detail or "did not answer" in result.detail
            assert "SecretService" in result.detail


@pytest.mark.parametrize("address", [None, "unix:path=/nonexistent/kp-bus"])
def test_no_dbus_session_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, address: str | None
) -> None:
    if address is None:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    native = NativeKeyring(_secret_service_keyring(), timeout=5)
    result = native.get("kp-nobus", "alice")
    assert result.status is LookupStatus.UNAVAILABLE
    assert "SecretService" in result.detail
    assert "DBUS_SESSION_BUS_ADDRESS" in result.detail
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS") == address
