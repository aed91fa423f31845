"""The secure-backend rule: a keyring that keeps passwords in plain or encoded text is named and
refused for automatic storing, unless the user opts in twice; the demo's keyring still works."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from policy.cli.demo.keyring_file import DemoFileKeyring
from policy.credentials.backends import MemoryKeyring, NativeKeyring
from policy.credentials.backends.safety import BackendSafety, classify, plaintext_allowed
from policy.credentials.lookup import CredentialSources
from policy.credentials.values import Credentials
from policy.decision import decide
from policy.provenance import CredentialSource
from policy.settings.models import (
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Preview,
    Settings,
)

SECRET = "safety-Pa55-w0rd"
URL = "https://pkgs.example.com/simple/"


def _plaintext(tmp_path: Path) -> Any:
    from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]

    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring_pass.cfg")  # never the real home
    return ring


def test_classify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends.chainer import ChainerBackend
    from keyring.backends.SecretService import Keyring as SecretService

    plain = _plaintext(tmp_path)
    assert classify(plain) == ("keyrings.alt.file.PlaintextKeyring", BackendSafety.PLAINTEXT)
    assert classify(SecretService()) == (
        "keyring.backends.SecretService.Keyring",
        BackendSafety.SECURE,
    )
    assert classify(DemoFileKeyring(tmp_path / "demo.json"))[1] is BackendSafety.ISOLATED

    # A subclass would register itself with keyring for every later test: patch instead.
    monkeypatch.setattr(ChainerBackend, "backends", property(lambda self: [plain]))
    label, safety = classify(ChainerBackend())
    assert safety is BackendSafety.PLAINTEXT and "keyrings.alt.file.PlaintextKeyring" in label


@pytest.mark.parametrize(
    ("keyring", "variable", "allowed"),
    [
        ("store", "1", True),
        ("store", "true", True),
        ("store", None, False),
        ("store", "0", False),
        ("auto", "1", False),
        (None, "1", False),
    ],
)
def test_opt_in_needs_both(keyring: str | None, variable: str | None, allowed: bool) -> None:
    env = {} if variable is None else {"KEYRING_POLICY_ALLOW_PLAINTEXT": variable}
    assert plaintext_allowed(keyring, env) is allowed


def _settings(keyring: IndexKeyring = IndexKeyring.AUTO) -> Settings:
    return Settings(
        keyring_provider=KeyringProvider.NATIVE,
        preview=Preview(features=frozenset({"native-auth"})),
        indexes=(IndexSettings(name="private", url=URL, keyring=keyring),),
    )


def _store(ring: Any, settings: Settings, env: dict[str, str]) -> str | None:
    sources = CredentialSources(env=env, native=NativeKeyring(ring, timeout=5))
    working = Credentials.basic("alice", SECRET, CredentialSource.ENV).given(URL, configured=True)
    return sources.store(decide(settings, URL + "foo/"), working)


def test_plaintext_backend_is_refused_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ring = _plaintext(tmp_path)
    sources = CredentialSources(env={}, native=NativeKeyring(ring, timeout=5))
    working = Credentials.basic("alice", SECRET, CredentialSource.ENV).given(URL, configured=True)
    with caplog.at_level(logging.DEBUG, logger="policy"):
        for _ in range(3):
            assert sources.store(decide(_settings(), URL + "foo/"), working) is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "keyrings.alt.file.PlaintextKeyring" in warnings[0]
    assert "KEYRING_POLICY_ALLOW_PLAINTEXT=1" in warnings[0] and "Secret Service" in warnings[0]
    assert SECRET not in caplog.text
    assert not (tmp_path / "keyring_pass.cfg").exists()


def test_plaintext_backend_with_both_opt_ins_stores(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ring = _plaintext(tmp_path)
    env = {"KEYRING_POLICY_ALLOW_PLAINTEXT": "1"}
    with caplog.at_level(logging.INFO, logger="policy"):
        stored = _store(ring, _settings(IndexKeyring.STORE), env)
    assert stored == f"uv-credentials:{URL}"
    assert ring.get_password(stored, "alice") == SECRET
    assert "keyrings.alt.file.PlaintextKeyring (plain text, as opted in)" in caplog.text
    assert SECRET not in caplog.text
    # one opt-in alone is not enough
    assert _store(_plaintext(tmp_path / "a"), _settings(IndexKeyring.STORE), {}) is None
    assert _store(_plaintext(tmp_path / "b"), _settings(), env) is None


def test_secure_and_demo_backends_store(tmp_path: Path) -> None:
    assert _store(DemoFileKeyring(tmp_path / "demo.json"), _settings(), {}) is not None
    memory = MemoryKeyring()
    sources = CredentialSources(env={}, native=memory)
    working = Credentials.basic("alice", SECRET, CredentialSource.ENV).given(URL, configured=True)
    assert sources.store(decide(_settings(), URL + "foo/"), working) is not None
    assert sources.stored_in == "MemoryKeyring"
