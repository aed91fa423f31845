"""`CredentialSources`: the decision's sources in order, one warning per failing backend."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from policy.credentials.backends import KeyringBackend, LookupResult, MemoryKeyring, NativeKeyring
from policy.credentials.backends.base import Password
from policy.credentials.credentials_file import CredentialsFile
from policy.credentials.lookup import CredentialSources
from policy.credentials.values import Credentials
from policy.decision import Decision, decide
from policy.errors import KeyringUnavailable
from policy.provenance import CredentialSource
from policy.settings.models import (
    NATIVE_AUTH,
    AuthPolicy,
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Preview,
    Settings,
)

SECRET = "lookup-S3cret-pw"
URL = "https://pkgs.example.com/simple/peerpkg/"
INDEX = "https://pkgs.example.com/simple/"


NATIVE = Settings(
    keyring_provider=KeyringProvider.NATIVE,
    preview=Preview(features=frozenset({NATIVE_AUTH})),
    indexes=(IndexSettings(name="private", url=INDEX),),
)
SUBPROCESS = Settings(
    keyring_provider=KeyringProvider.SUBPROCESS, indexes=(IndexSettings(name="private", url=INDEX),)
)


def native_decision(username: str | None = None, **index: Any) -> Decision:
    settings = NATIVE.model_copy(
        update={"indexes": (IndexSettings(name="private", url=INDEX, **index),)}
    )
    return decide(settings, URL, username)


class Broken(KeyringBackend):
    """Always unavailable; counts calls."""

    name = "native"

    def __init__(self) -> None:
        self.calls = 0

    def get(self, service: str, username: str | None, *, creds_mode: bool = False) -> LookupResult:
        self.calls += 1
        return LookupResult.unavailable(self.name, service, "the collection is locked")

    def set(self, service: str, username: str, password: Password) -> None:
        raise KeyringUnavailable("the collection is locked")

    def delete(self, service: str, username: str) -> bool:
        raise KeyringUnavailable("the collection is locked")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "XDG_DATA_HOME": str(home / "data")}


def _sources(env: dict[str, str], **kwargs: Any) -> CredentialSources:
    kwargs.setdefault("subprocess", MemoryKeyring(source=CredentialSource.SUBPROCESS_KEYRING))
    return CredentialSources(env=env, timeout=1, **kwargs)


def test_netrc_beats_the_file_beats_the_keyring(env: dict[str, str]) -> None:
    native = MemoryKeyring({(f"uv-credentials:{INDEX}", "alice"): "k"})
    decision = native_decision()
    sources = _sources(env, native=native)
    found = sources.find(decision, None)
    assert found is not None
    assert found.source is CredentialSource.NATIVE_KEYRING

    CredentialsFile.from_env(env).insert("https://pkgs.example.com/", "alice", "f")
    found = _sources(env, native=native).find(decision, None)
    assert found is not None
    assert found.source is CredentialSource.CREDENTIALS_FILE

    Path(env["HOME"], ".netrc").write_text("machine pkgs.example.com login alice password n\n")
    found = _sources(env, native=native).find(decision, None)
    assert found is not None
    assert (found.source, found.password_value) == (CredentialSource.NETRC, "n")


def test_only_the_decisions_sources_are_consulted(env: dict[str, str]) -> None:
    native = MemoryKeyring({("uv:pkgs.example.com", "alice"): SECRET})
    found = _sources(env, native=native).find(native_decision("alice"), "alice")
    assert found is not None
    assert found.source is CredentialSource.NATIVE_KEYRING
    assert native.calls == [
        ("get", f"uv-credentials:{INDEX}", "alice"),
        ("get", "uv:pkgs.example.com", "alice"),
    ]
    native.calls.clear()
    # `keyring = "skip"`: no keyring at all; `authenticate = "never"`: no source at all
    skip = native_decision("alice", keyring=IndexKeyring.SKIP)
    assert _sources(env, native=native).find(skip, "alice") is None
    assert native.calls == []
    Path(env["HOME"], ".netrc").write_text("machine pkgs.example.com login alice password n\n")
    found = _sources(env, native=native).find(skip, "alice")
    assert found is not None
    assert found.source is CredentialSource.NETRC
    never = native_decision("alice", authenticate=AuthPolicy.NEVER)
    assert _sources(env, native=native).find(never, "alice") is None
    assert native.calls == []


def test_keyring_lookups_in_order_and_by_kind(env: dict[str, str]) -> None:
    native = MemoryKeyring()
    command = MemoryKeyring(
        {("pkgs.example.com", "alice"): SECRET}, source=CredentialSource.SUBPROCESS_KEYRING
    )
    decision = decide(SUBPROCESS, URL, "alice")
    found = _sources(env, native=native, subprocess=command).find(decision, "alice")
    assert found is not None
    assert found.source is CredentialSource.SUBPROCESS_KEYRING
    assert native.calls == []
    assert [c[1] for c in command.calls] == [INDEX, "pkgs.example.com"]


def test_unavailable_backend_warns_once_naming_the_fix(
    env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    broken = Broken()
    sources = _sources(env, native=broken)
    decision = native_decision()
    with caplog.at_level(logging.DEBUG, logger="policy"):
        assert sources.find(decision, "alice") is None
        assert sources.find(decision, "bob") is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "the system keyring" in warnings[0]
    assert "the collection is locked" in warnings[0]
    assert 'keyring-provider = "disabled"' in warnings[0]
    assert 'keyring = "skip"' in warnings[0]
    assert "KEYRING_POLICY_TIMEOUT" in warnings[0]
    # A failing backend is not asked for its other service names in the same lookup.
    assert broken.calls == 2


def test_a_hanging_native_keyring_is_bounded(env: dict[str, str]) -> None:
    import threading

    from keyring.backends.null import Keyring as LibNull

    release = threading.Event()
    answered = threading.Event()

    class Hanging(LibNull):
        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]  # keyring's, unannotated

        def get_password(self, service: str, username: str, password: str | None = None) -> None:
            release.wait(30)
            answered.set()

    sources = CredentialSources(
        env={**env, "KEYRING_POLICY_TIMEOUT": "0.3"}, native=NativeKeyring(Hanging(), timeout=0.3)
    )
    assert sources.find(native_decision("alice"), "alice") is None
    assert not answered.is_set()  # the lookup gave up while the backend still hung
    release.set()


def test_broken_credentials_file_warns_once(
    env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    store = CredentialsFile.from_env(env)
    store.directory.mkdir(parents=True)
    store.path.write_text(f'[[credential]\npassword = "{SECRET}"\n')
    sources = _sources(env, native=MemoryKeyring())
    with caplog.at_level(logging.DEBUG, logger="policy"):
        sources.find(native_decision(), None)
        sources.find(native_decision(), None)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Failed to load credentials from" in warnings[0]
    assert SECRET not in caplog.text


def test_ambiguous_file_entries_are_a_quiet_miss(
    env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    store = CredentialsFile.from_env(env)
    store.insert("https://pkgs.example.com/", "alice", "a")
    store.insert("https://pkgs.example.com/", "bob", "b")
    with caplog.at_level(logging.DEBUG, logger="policy"):
        assert _sources(env, native=MemoryKeyring()).find(native_decision(), None) is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_store_and_keyring_holds(env: dict[str, str]) -> None:
    native = MemoryKeyring()
    sources = _sources(env, native=native)
    service = f"uv-credentials:{INDEX}"
    decision = native_decision("alice")
    assert (decision.store, decision.store_service) == (True, service)
    creds = Credentials.basic("alice", SECRET, CredentialSource.ENV).given(INDEX, configured=True)
    assert sources.keyring_holds(decision, creds) is False
    assert sources.store(decision, creds) == service
    assert sources.keyring_holds(decision, creds) is True
    assert (
        sources.keyring_holds(decision, Credentials.basic("alice", "other", CredentialSource.ENV))
        is False
    )
    gated = decide(NATIVE.model_copy(update={"preview": Preview()}), URL, "alice")
    assert gated.store is False
    assert sources.store(gated, creds) is None
    assert sources.store(decision, Credentials.basic("alice", None, CredentialSource.ENV)) is None


def test_store_failure_is_one_warning(
    env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    sources = _sources(env, native=Broken())
    decision = native_decision("alice")
    creds = Credentials.basic("alice", SECRET, CredentialSource.URL).given(INDEX, configured=True)
    with caplog.at_level(logging.DEBUG, logger="policy"):
        assert sources.store(decision, creds) is None
        assert sources.store(decision, creds) is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Could not store credentials" in warnings[0]
    assert SECRET not in caplog.text


def test_timeout_zero_means_no_deadline(env: dict[str, str]) -> None:
    sources = CredentialSources(env={**env, "KEYRING_POLICY_TIMEOUT": "0"})
    native = sources.backend("native")
    assert isinstance(native, NativeKeyring)
    assert native._timeout is None
    explicit = CredentialSources(env=env, timeout=0).backend("native")
    assert isinstance(explicit, NativeKeyring)
    assert explicit._timeout is None


def test_verbose_output_tells_a_miss_from_an_unavailable_backend(
    env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    decision = native_decision("alice")
    with caplog.at_level(logging.INFO, logger="policy"):
        _sources(env, native=MemoryKeyring()).find(decision, "alice")
        _sources(env, native=Broken()).find(decision, "alice")
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert info[0].startswith("Not found: no entry in the system keyring for uv-credentials:")
    assert info[1].startswith("Not found: no entry in the system keyring for uv:pkgs.example.com")
    assert info[2].startswith("Keyring unavailable: the system keyring could not answer")


@pytest.mark.parametrize("username", ["alice", None])
def test_real_decision_finds_what_uv_auth_login_stored(
    env: dict[str, str], username: str | None
) -> None:
    index = "http://127.0.0.1:8080/simple/"
    settings = Settings(
        keyring_provider=KeyringProvider.NATIVE,
        preview=Preview(features=frozenset({"native-auth"})),
        indexes=(IndexSettings(name="private", url=index),),
    )
    decision = decide(settings, index + "peerpkg/", username)
    native = MemoryKeyring({("uv:http://127.0.0.1:8080", "alice"): SECRET})
    found = _sources(env, native=native).find(decision, username)
    assert found is not None
    assert (found.username, found.password_value) == ("alice", SECRET)
    assert native.calls[0][1] == f"uv-credentials:{index}"
    assert decision.store_service == f"uv-credentials:{index}"
