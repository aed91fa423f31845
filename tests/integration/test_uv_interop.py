"""Interop with the real uv 0.13.9: `credentials.toml` and the native store, both ways; and
eight concurrent `auth login` processes losing no entry."""

from __future__ import annotations

import gc
import os
import stat
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from policy.credentials.backends import NativeKeyring
from policy.credentials.credentials_file import CredentialsFile
from policy.credentials.lookup import CredentialSources
from policy.decision import decide
from policy.provenance import CredentialSource
from policy.settings.models import NATIVE_AUTH, IndexSettings, KeyringProvider, Preview, Settings
from tests.support import services

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::ResourceWarning")]

ROOT = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).parent / "uv"
SECRET = services.PASSWORD


@pytest.fixture(autouse=True)
def _collect_keyring_sockets() -> Iterator[None]:
    yield
    gc.collect()  # keyring's SecretService backend leaves D-Bus sockets open


@dataclass
class Runner:
    env: dict[str, str]
    cwd: Path

    def run(
        self, argv: Sequence[str], stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv),
            env=self.env,
            cwd=self.cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def uv(self, *args: str) -> subprocess.CompletedProcess[str]:
        services.require(UV.exists(), "uv 0.13.9 (pip install '.[test]')")
        return self.run([str(UV), *args])

    def ours(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run([sys.executable, "-m", "policy", *args])


def _base_env(home: dict[str, str]) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if k in {"PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    }
    return {
        **keep,
        **home,
        "PYTHONPATH": str(ROOT),
        "UV_NO_CONFIG": "1",
        "UV_OFFLINE": "1",
        "NO_PROXY": "*",
    }


@pytest.fixture
def text_store(tmp_path: Path) -> Runner:
    env = _base_env(services.isolated_home(tmp_path))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return Runner(env, tmp_path)


@pytest.fixture
def native(
    tmp_path: Path, secret_service: services.SecretService, monkeypatch: pytest.MonkeyPatch
) -> Runner:
    for name, value in secret_service.env.items():
        monkeypatch.setenv(name, value)  # for the in-process reads below
    return Runner(_base_env(secret_service.env), tmp_path)


def store_path(runner: Runner) -> Path:
    return Path(runner.env["XDG_DATA_HOME"]) / "uv" / "credentials" / "credentials.toml"


# ------------------------------------------------------------------ credentials.toml


def test_uv_login_reads_here(text_store: Runner) -> None:
    url = "http://127.0.0.1:8631/simple/"
    done = text_store.uv("auth", "login", url, "--username", "alice", "--password", SECRET)
    assert done.returncode == 0, done.stderr
    assert text_store.ours("auth", "dir").stdout == text_store.uv("auth", "dir").stdout
    ours = text_store.ours("auth", "token", url, "--username", "alice")
    assert (ours.returncode, ours.stdout) == (0, SECRET + "\n")
    found = CredentialsFile.from_env(text_store.env).get(url + "peerpkg/", None)
    assert found is not None
    assert (found.username, found.password_value) == ("alice", SECRET)
    assert found.source is CredentialSource.CREDENTIALS_FILE
    # and our logout of uv's entry leaves a file uv reads
    done = text_store.ours("auth", "logout", url, "--username", "alice")
    assert done.stderr == "Removed credentials for alice@http://127.0.0.1:8631/\n"
    gone = text_store.uv("auth", "token", url, "--username", "alice")
    assert gone.returncode == 2
    assert "Failed to fetch credentials" in gone.stderr


def test_our_login_reads_in_uv(text_store: Runner) -> None:
    url = "http://127.0.0.1:8632/simple/"
    done = text_store.run(
        [sys.executable, "-m", "policy", "auth", "login", url, "-u", "alice", "--password", "-"],
        stdin=SECRET + "\n",
    )
    assert (done.returncode, done.stderr) == (
        0,
        "Stored credentials for alice@http://127.0.0.1:8632/\n",
    )
    assert (
        text_store.ours("auth", "login", "https://tok.example.com/t/", "--token", "TKN").returncode
        == 0
    )
    assert stat.S_IMODE(store_path(text_store).stat().st_mode) == 0o600
    uv_token = text_store.uv("auth", "token", url, "--username", "alice")
    assert (uv_token.returncode, uv_token.stdout) == (0, SECRET + "\n")
    assert text_store.uv("auth", "token", "https://tok.example.com/t/").stdout == "TKN\n"
    # uv rewrites the file; we still read it
    assert text_store.uv("auth", "logout", "https://tok.example.com/t/").returncode == 0
    assert text_store.ours("auth", "token", url, "-u", "alice").stdout == SECRET + "\n"


def test_same_messages_and_exit_codes_as_uv(text_store: Runner, tmp_path: Path) -> None:
    # The same sequence against two separate stores: uv's and ours.
    theirs_runner = Runner(_base_env(services.isolated_home(tmp_path / "uv")), tmp_path)
    url = "http://127.0.0.1:8633/simple/"
    cases: list[list[str]] = [
        ["login", url, "--username", "dave"],
        ["login", url, "--password", "x"],
        ["login", url, "--username", "carol", "--password", "pw"],
        ["token", url, "--username", "carol"],
        ["token", url],
        ["logout", url, "--username", "carol"],
        ["logout", url, "--username", "carol"],
        ["login", "http://127.0.0.1:8633/tok/", "--token", "T"],
        ["token", "http://127.0.0.1:8633/tok/"],
    ]
    for case in cases:
        theirs = theirs_runner.uv("auth", *case)
        ours = text_store.ours("auth", *case)
        assert (ours.returncode, ours.stdout, ours.stderr) == (
            theirs.returncode,
            theirs.stdout,
            theirs.stderr,
        ), case


def test_eight_concurrent_logins_lose_no_entry(text_store: Runner) -> None:
    # Only ours: uv 0.13.9 itself releases `credentials.toml.lock` between its read and its
    # write (seen with strace), so concurrent `uv auth login`s can drop each other's entries.
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "policy",
                "auth",
                "login",
                f"https://host{n}.example.com/",
                "--username",
                f"user{n}",
                "--password",
                f"pw-{n}",
            ],
            env=text_store.env,
            cwd=text_store.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    entries = CredentialsFile.from_env(text_store.env).load()
    assert sorted((e.service, e.username) for e in entries) == [
        (f"https://host{n}.example.com/", f"user{n}") for n in range(8)
    ]
    uv_token = text_store.uv("auth", "token", "https://host5.example.com/", "-u", "user5")
    assert uv_token.stdout == "pw-5\n"


# ------------------------------------------------------------------ the native store


def native_settings() -> Settings:
    return Settings(
        keyring_provider=KeyringProvider.NATIVE, preview=Preview(features=frozenset({NATIVE_AUTH}))
    )


def _secret_service_backend() -> NativeKeyring:
    from keyring.backends.SecretService import Keyring

    return NativeKeyring(Keyring(), timeout=10)


def test_uv_native_login_reads_here(native: Runner) -> None:
    port = 8641
    url = f"http://127.0.0.1:{port}/simple/"
    done = native.uv(
        "auth",
        "login",
        url,
        "--username",
        "alice",
        "--password",
        SECRET,
        "--preview-features",
        "native-auth",
    )
    assert done.returncode == 0, done.stderr
    try:
        ours = native.ours("auth", "token", url, "-u", "alice", "--preview-features", "native-auth")
        assert (ours.returncode, ours.stdout) == (0, SECRET + "\n")
        backend = _secret_service_backend()
        service = f"uv:http://127.0.0.1:{port}"
        for username in ("alice", None):
            found = backend.get(service, username).credentials
            assert found is not None
            assert (found.username, found.password_value) == ("alice", SECRET)
        # the real policy (native provider, index configured) finds it, with and without a
        # username
        settings = native_settings().model_copy(
            update={"indexes": (IndexSettings(name="private", url=url),)}
        )
        for username in ("alice", None):
            decision = decide(settings, url + "peerpkg/", username)
            sources = CredentialSources(env=native.env, native=backend)
            found = sources.find(decision, username)
            assert found is not None
            assert found.source is CredentialSource.NATIVE_KEYRING
            assert found.password_value == SECRET
        assert not store_path(native).exists()
    finally:
        native.uv("auth", "logout", url, "--username", "alice", "--preview-features", "native-auth")


def test_our_native_login_reads_in_uv(native: Runner) -> None:
    url = "http://127.0.0.1:8642/simple/"
    done = native.ours(
        "auth",
        "login",
        url,
        "--username",
        "bob",
        "--password",
        SECRET,
        "--preview-features",
        "native-auth",
    )
    assert (done.returncode, done.stderr) == (
        0,
        "Stored credentials for bob@http://127.0.0.1:8642/\n",
    )
    try:
        theirs = native.uv(
            "auth", "token", url, "--username", "bob", "--preview-features", "native-auth"
        )
        assert (theirs.returncode, theirs.stdout) == (0, SECRET + "\n")
    finally:
        out = native.ours("auth", "logout", url, "-u", "bob", "--preview-features", "native-auth")
        assert out.stderr == "Removed credentials for bob@http://127.0.0.1:8642/\n"
    again = native.ours("auth", "logout", url, "-u", "bob", "--preview-features", "native-auth")
    theirs = native.uv("auth", "logout", url, "-u", "bob", "--preview-features", "native-auth")
    assert (again.returncode, again.stderr) == (theirs.returncode, theirs.stderr)
