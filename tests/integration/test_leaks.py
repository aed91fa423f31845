"""The password never appears in any output, log record, warning or exception text, at -vv, on
every credential-source and `auth` path (the only exception: `auth token`'s stdout)."""

from __future__ import annotations

import gc
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy.credentials.backends import MemoryKeyring, NativeKeyring, SubprocessKeyring
from policy.credentials.credentials_file import CredentialsFile
from policy.credentials.lookup import CredentialSources
from policy.credentials.values import Credentials
from policy.decision import decide
from policy.provenance import CredentialSource
from policy.settings.models import (
    NATIVE_AUTH,
    AuthPolicy,
    IndexSettings,
    KeyringProvider,
    Preview,
    Settings,
)
from tests.support import fake_keyring, services

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::ResourceWarning")]

ROOT = Path(__file__).resolve().parents[2]
SECRET = services.PASSWORD
URL = "http://127.0.0.1:8651/simple/"


@pytest.fixture(autouse=True)
def _collect_keyring_sockets() -> Iterator[None]:
    yield
    gc.collect()


def _env(home: dict[str, str], **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "LC_ALL"}}
    return {**keep, **home, "PYTHONPATH": str(ROOT), "UV_NO_CONFIG": "1", **extra}


def ours(
    env: dict[str, str], *args: str, stdin: str | None = None, allow_stdout: bool = False
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "policy", "-vv", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert SECRET not in done.stderr, (args, done.stderr)
    if not allow_stdout:
        assert SECRET not in done.stdout, (args, done.stdout)
    return done


@pytest.fixture
def in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[dict[str, str]]:
    """`keyring-policy -vv ...` in this process (fast), with a private home; restores logging."""
    home = services.isolated_home(tmp_path)
    for name, value in _env(home).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    logger = logging.getLogger("policy")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    yield home
    logger.handlers[:], logger.propagate, logger.level = saved


def run_in_process(
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str | None = None,
    allow_stdout: bool = False,
) -> tuple[int, str, str]:
    import io

    from policy.cli import main as cli

    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = cli.main(["-vv", *args])
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    assert SECRET not in err, (args, err)
    if not allow_stdout:
        assert SECRET not in out, (args, out)
    return code, out, err


def test_auth_commands_never_print_the_password(
    in_process: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str, stdin: str | None = None) -> int:
        return run_in_process(capsys, *args, stdin=stdin)[0]

    assert run("auth", "login", URL, "-u", "alice", "--password", SECRET) == 0
    assert run("auth", "login", URL, "-u", "bob", "--password", "-", stdin=SECRET + "\n") == 0
    url_with_password = f"http://carol:{SECRET}@127.0.0.1:8651/simple/"
    assert run("auth", "login", url_with_password) == 0
    token = run_in_process(capsys, "auth", "token", URL, "-u", "alice", allow_stdout=True)
    assert token[:2] == (0, SECRET + "\n")
    # failures, each with the password somewhere in the arguments
    assert run("auth", "login", url_with_password, "--password", SECRET) == 2
    assert run("auth", "login", url_with_password, "-u", "x") == 2
    assert run("auth", "login", f"http://carol:{SECRET}@example.com/") == 2
    assert run("auth", "login", f"ftp://carol:{SECRET}@example.com/") == 2
    assert run("auth", "login", f"http://:{SECRET}@127.0.0.1:8651/", "--token", "T") == 2
    assert run("auth", "logout", URL, "-u", "alice") == 0
    assert run("auth", "logout", url_with_password) == 0
    # a broken file that holds the password
    store = CredentialsFile.from_env(in_process)
    store.path.write_text(store.path.read_text() + f'\n[[credential]\npassword = "{SECRET}"\n')
    assert run("auth", "token", URL, "-u", "bob") == 2


def test_native_auth_commands_never_print_the_password(
    tmp_path: Path, secret_service: services.SecretService
) -> None:
    env = _env(secret_service.env)
    flags = ("--preview-features", "native-auth")
    assert (
        ours(env, "auth", "login", URL, "-u", "leak-a", "--password", SECRET, *flags).returncode
        == 0
    )
    token = ours(env, "auth", "token", URL, "-u", "leak-a", *flags, allow_stdout=True)
    assert token.stdout == SECRET + "\n"
    assert ours(env, "auth", "logout", URL, "-u", "leak-a", *flags).returncode == 0
    assert ours(env, "auth", "logout", URL, "-u", "leak-a", *flags).returncode == 2
    # no D-Bus session: the keyring library falls back; whatever it says, no password
    no_bus = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    no_bus["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    failed = ours(no_bus, "auth", "login", URL, "-u", "leak-b", "--password", SECRET, *flags)
    assert failed.returncode == 2
    assert "no keyring backend is available" in failed.stderr


def _settings(provider: KeyringProvider, authenticate: AuthPolicy = AuthPolicy.AUTO) -> Settings:
    return Settings(
        keyring_provider=provider,
        preview=Preview(features=frozenset({NATIVE_AUTH})),
        indexes=(IndexSettings(name="private", url=URL, authenticate=authenticate),),
    )


def _text_of(result: object) -> str:
    return f"{result!r} {result!s}"


def test_lookup_paths_never_log_the_password(
    tmp_path: Path,
    secret_service: services.SecretService,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name, value in secret_service.env.items():
        monkeypatch.setenv(name, value)
    home = services.isolated_home(tmp_path)
    bin_dir = tmp_path / "bin"
    fake_keyring.install(bin_dir)
    env = {
        **home,
        "PATH": f"{bin_dir}{os.pathsep}{os.defpath}",
        "FAKE_KEYRING_ANSWERS": json.dumps(
            {"127.0.0.1:8651 alice": SECRET, "127.0.0.1:8651": f"alice\n{SECRET}"}
        ),
    }
    from keyring.backends.SecretService import Keyring

    native = NativeKeyring(Keyring(), timeout=10)
    store_service = f"uv-credentials:{URL}"
    seen: list[object] = []
    with (
        caplog.at_level(logging.DEBUG, logger="policy"),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        # the keyring command: hit with and without a username, then every failure mode
        for mode in ("answer", "garbage", "traceback", "old", "hang"):
            env["FAKE_KEYRING_MODE"] = mode
            command = SubprocessKeyring(env=env, timeout=1.0 if mode == "hang" else 10)
            sources = CredentialSources(env=env, subprocess=command, native=MemoryKeyring())
            for username, authenticate in (("alice", AuthPolicy.AUTO), (None, AuthPolicy.ALWAYS)):
                decision = decide(
                    _settings(KeyringProvider.SUBPROCESS, authenticate), URL + "peerpkg/", username
                )
                seen.append(sources.find(decision, username))
            if mode == "hang":
                break
        # the real Secret Service: store, holds, read with and without a username
        sources = CredentialSources(env=home, native=native)
        decision = decide(_settings(KeyringProvider.NATIVE), URL + "peerpkg/", "alice")
        assert decision.store_service == store_service
        credentials = Credentials.basic("alice", SECRET, CredentialSource.ENV)
        credentials = credentials.given(URL, configured=True)  # what the index was given
        try:
            seen.append(sources.store(decision, credentials))
            seen.append(sources.keyring_holds(decision, credentials))
            seen.append(sources.find(decision, None))
            seen.append(sources.find(decision, "alice"))
            seen.append(native.get(store_service, "alice"))
        finally:
            native.delete(store_service, "alice")
        # netrc and the credentials file
        Path(home["HOME"], ".netrc").write_text(
            f"machine 127.0.0.1 login alice password {SECRET}\n"
        )
        seen.append(CredentialSources(env=home, native=MemoryKeyring()).find(decision, "alice"))
        Path(home["HOME"], ".netrc").unlink()
        CredentialsFile.from_env(home).insert("http://127.0.0.1:8651/", "alice", SECRET)
        seen.append(CredentialSources(env=home, native=MemoryKeyring()).find(decision, None))
        # a broken netrc and a broken credentials file, both holding the password
        Path(home["HOME"], ".netrc").write_text(
            f"machine 127.0.0.1 login alice password {SECRET}\n{SECRET} toplevel\n"
        )
        store = CredentialsFile.from_env(home)
        store.path.write_text(f'[[credential]\npassword = "{SECRET}"\n')
        seen.append(CredentialSources(env=home, native=MemoryKeyring()).find(decision, None))
    assert any(isinstance(s, Credentials) and s.password_value == SECRET for s in seen)
    assert caplog.records
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(record.args)
    assert SECRET not in caplog.text
    for warning in caught:
        assert SECRET not in str(warning.message)
    for item in seen:
        assert SECRET not in _text_of(item)
