"""The contract every keyring backend passes; each backend's tests subclass `BackendContract`.

    class TestMemoryKeyring(BackendContract):
        def make_backend(self) -> KeyringBackend:
            return MemoryKeyring()

Class flags say what a backend cannot do (a store-less backend, one that cannot answer without
a username); the tests that need it are then skipped, not silently passed. Service names are
unique per test, and every test removes what it stores, so a shared real keyring stays clean.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from policy.credentials.backends.base import KeyringBackend, LookupStatus

PASSWORD = "contract-Pa55-\u00fc\u2713-\U0001f511"
USERNAME = "alice"


def _skip(reason: str) -> None:
    import pytest

    pytest.skip(reason)


class BackendContract:
    """Tests every `KeyringBackend` must pass."""

    stores: ClassVar[bool] = True
    """The backend can store and delete."""
    finds_without_username: ClassVar[bool] = True
    """`get(service, None)` finds a stored entry."""

    def make_backend(self) -> KeyringBackend:
        raise NotImplementedError

    @staticmethod
    def service() -> str:
        return f"kp-contract-{uuid.uuid4().hex[:12]}"

    @contextmanager
    def stored(
        self, backend: KeyringBackend, service: str, username: str, password: str
    ) -> Iterator[None]:
        if not self.stores:
            _skip(f"{backend.name} does not store")
        backend.set(service, username, password)
        try:
            yield
        finally:
            backend.delete(service, username)

    def test_has_a_name(self) -> None:
        assert self.make_backend().name

    def test_missing_entry_is_not_found(self) -> None:
        backend = self.make_backend()
        service = self.service()
        result = backend.get(service, USERNAME)
        assert result.status is LookupStatus.NOT_FOUND
        assert result.credentials is None
        assert (result.backend, result.service) == (backend.name, service)

    def test_missing_entry_without_username_is_not_found(self) -> None:
        backend = self.make_backend()
        result = backend.get(self.service(), None, creds_mode=True)
        assert result.status is LookupStatus.NOT_FOUND
        assert result.credentials is None

    def test_store_read_delete(self) -> None:
        backend = self.make_backend()
        service = self.service()
        with self.stored(backend, service, USERNAME, PASSWORD):
            result = backend.get(service, USERNAME)
            assert result.status is LookupStatus.FOUND
            assert result.credentials is not None
            assert result.credentials.username == USERNAME
            assert result.credentials.password_value == PASSWORD
            assert backend.get(service, "someone-else").status is LookupStatus.NOT_FOUND
        assert backend.get(service, USERNAME).status is LookupStatus.NOT_FOUND

    def test_delete_missing_is_false(self) -> None:
        backend = self.make_backend()
        if not self.stores:
            _skip(f"{backend.name} does not store")
        assert backend.delete(self.service(), USERNAME) is False

    def test_delete_reports_removal(self) -> None:
        backend = self.make_backend()
        service = self.service()
        if not self.stores:
            _skip(f"{backend.name} does not store")
        backend.set(service, USERNAME, PASSWORD)
        assert backend.delete(service, USERNAME) is True
        assert backend.delete(service, USERNAME) is False

    def test_overwrite_keeps_the_last_password(self) -> None:
        backend = self.make_backend()
        service = self.service()
        with self.stored(backend, service, USERNAME, "first"):
            backend.set(service, USERNAME, PASSWORD)
            found = backend.get(service, USERNAME).credentials
            assert found is not None
            assert found.password_value == PASSWORD

    def test_read_without_username(self) -> None:
        backend = self.make_backend()
        service = self.service()
        if not self.finds_without_username:
            _skip(f"{backend.name} cannot answer without a username")
        with self.stored(backend, service, USERNAME, PASSWORD):
            result = backend.get(service, None, creds_mode=True)
            assert result.status is LookupStatus.FOUND
            assert result.credentials is not None
            assert result.credentials.username == USERNAME
            assert result.credentials.password_value == PASSWORD

    def test_unicode_username_and_password(self) -> None:
        backend = self.make_backend()
        service = self.service() + "-\u00e9"
        with self.stored(backend, service, "\u00fcser-\u6771", PASSWORD):
            found = backend.get(service, "\u00fcser-\u6771").credentials
            assert found is not None
            assert found.password_value == PASSWORD

    def test_results_never_print_the_password(self) -> None:
        backend = self.make_backend()
        service = self.service()
        with self.stored(backend, service, USERNAME, PASSWORD):
            result = backend.get(service, USERNAME)
            assert PASSWORD not in repr(result)
            assert PASSWORD not in str(result)
