"""Shared fixtures: real services started once per session, isolated homes per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import services


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    """A private HOME and XDG directories (no user config, no user keyring)."""
    return services.isolated_home(tmp_path)


@pytest.fixture(scope="session")
def index_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[services.IndexServer]:
    """One pypiserver with Basic auth (alice / services.PASSWORD) for the whole session.

    Tests call `index_server.clear_log()` before counting requests.
    """
    with services.index_server(tmp_path_factory.mktemp("index")) as server:
        yield server


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[services.SecretService]:
    """One private D-Bus session with an unlocked gnome-keyring for the whole session.

    Tests use service names of their own and remove what they store.
    """
    with services.secret_service(tmp_path_factory.mktemp("secrets")) as service:
        yield service
