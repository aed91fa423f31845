"""Shared fixtures: real services started once per session, isolated homes per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support import services

# No property may fail for being slow: a busy machine is not a bug (Hypothesis' default is a
# 200 ms deadline per example). Under CI=true the examples are also derived from each test
# rather than drawn at random, so CI judges the code, not the luck of the draw; runs
# elsewhere keep exploring, and what they find is kept in `.hypothesis/` and replayed.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "default")


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
