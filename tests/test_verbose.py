"""-v: one line per decision that matters (index chosen, source used, stored or not and why),
not one per file; -vv: the reasons. Never a secret, at any level."""

from __future__ import annotations

import logging

import httpx
import pytest

from policy.credentials.backends import MemoryKeyring
from policy.credentials.lookup import CredentialSources
from policy.fetch.auth import PolicyAuth
from policy.settings.models import IndexSettings, KeyringProvider, Preview, Settings
from tests.test_auth import INDEX, PASSWORD, Server

ENV = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}


def _get_three(settings: Settings, caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    sources = CredentialSources(env=ENV, native=MemoryKeyring(), timeout=5)
    auth = PolicyAuth(settings, env=ENV, sources=sources)
    with (
        caplog.at_level(level, logger="policy"),
        httpx.Client(transport=httpx.MockTransport(Server()), auth=auth) as http,
    ):
        for path in ("a/", "b/", "c/"):
            assert http.get(INDEX + path).status_code == 200
    assert PASSWORD not in caplog.text
    return [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]


def _settings(*features: str) -> Settings:
    return Settings(
        keyring_provider=KeyringProvider.NATIVE,
        preview=Preview(features=frozenset(features)),
        indexes=(IndexSettings(name="private", url=INDEX, default=True),),
    )


def test_v_lines_without_native_auth(caplog: pytest.LogCaptureFixture) -> None:
    lines = _get_three(_settings(), caplog, logging.INFO)
    assert lines == [
        f"Decision for {INDEX}a/: index `private`, authenticate auto, keyring read, "
        "store not allowed",
        "Sending credentials from env to index `private`",
        "Not stored (index `private`): preview feature `native-auth` is not enabled",
    ]


def test_v_lines_with_native_auth_name_the_store(caplog: pytest.LogCaptureFixture) -> None:
    lines = _get_three(_settings("native-auth"), caplog, logging.INFO)
    assert lines[0].endswith("store allowed")
    assert lines[1] == "Sending credentials from env to index `private`"
    assert lines[-1] == (
        f"Stored credentials for alice under `uv-credentials:{INDEX}` in MemoryKeyring"
    )
    assert len(lines) == 3  # three requests, one line per decision that matters


def test_vv_gives_the_reasons(caplog: pytest.LogCaptureFixture) -> None:
    _get_three(_settings(), caplog, logging.DEBUG)
    assert "  because credentials are not stored: preview feature `native-auth`" in caplog.text
