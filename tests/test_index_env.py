"""`UV_INDEX_<NAME>_USERNAME` / `_PASSWORD`."""

from __future__ import annotations

import pytest

from policy.credentials.index_env import index_env_credentials
from policy.provenance import CredentialSource
from policy.settings.models import IndexSettings

INDEX = IndexSettings(name="my-private.idx", url="https://pkgs.example.com/simple/")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"UV_INDEX_MY_PRIVATE_IDX_USERNAME": "alice"}, ("alice", None)),
        ({"UV_INDEX_MY_PRIVATE_IDX_PASSWORD": "pw"}, (None, "pw")),
        (
            {"UV_INDEX_MY_PRIVATE_IDX_USERNAME": "alice", "UV_INDEX_MY_PRIVATE_IDX_PASSWORD": "pw"},
            ("alice", "pw"),
        ),
        (
            {"UV_INDEX_MY_PRIVATE_IDX_USERNAME": "alice", "UV_INDEX_MY_PRIVATE_IDX_PASSWORD": ""},
            ("alice", ""),
        ),
        ({"UV_INDEX_my-private.idx_USERNAME": "alice"}, None),  # the raw name does not work
    ],
)
def test_index_env_credentials(
    env: dict[str, str], expected: tuple[str | None, str | None] | None
) -> None:
    found = index_env_credentials(INDEX, env)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert (found.username, found.password_value) == expected
    assert found.source is CredentialSource.ENV


def test_unnamed_index_has_no_variables() -> None:
    unnamed = IndexSettings(url="https://pkgs.example.com/simple/")
    assert index_env_credentials(unnamed, {"UV_INDEX__USERNAME": "alice"}) is None
