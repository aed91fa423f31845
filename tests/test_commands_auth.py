"""`keyring-policy auth`: uv's arguments, messages, exit codes and storage (in-process)."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy.cli import main as cli
from policy.cli.commands import auth
from policy.credentials.backends import MemoryKeyring
from policy.credentials.credentials_file import CredentialsFile, ServiceUrl
from policy.decision import native_target, service_names
from policy.realm import Realm, root_url

SECRET = "auth-S3cret-pw"
URL = "http://127.0.0.1:8080/simple/"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    for name, value in {
        "HOME": home,
        "XDG_DATA_HOME": home / "data",
        "XDG_CONFIG_HOME": home / "config",
        "XDG_CONFIG_DIRS": tmp_path / "etc",
    }.items():
        value.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(value))
    for name in (
        "UV_CREDENTIALS_DIR",
        "UV_PREVIEW",
        "UV_PREVIEW_FEATURES",
        "UV_CONFIG_FILE",
        "KEYRING_POLICY_TIMEOUT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    logger = logging.getLogger("policy")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    yield home
    logger.handlers[:], logger.propagate, logger.level = saved


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["auth", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def store_text(home: Path) -> str:
    return (home / "data" / "uv" / "credentials" / "credentials.toml").read_text()


def test_plaintext_round_trip(capsys: pytest.CaptureFixture[str], _isolated: Path) -> None:
    assert run(capsys, "login", URL, "--username", "alice", "--password", SECRET) == (
        0,
        "",
        "Stored credentials for alice@http://127.0.0.1:8080/\n",
    )
    assert 'service = "http://127.0.0.1:8080/"' in store_text(_isolated)
    assert run(capsys, "token", URL, "--username", "alice") == (0, SECRET + "\n", "")
    assert run(capsys, "token", URL) == (
        2,
        "",
        "error: Failed to fetch credentials for `http://127.0.0.1:8080/simple/`\n",
    )
    assert run(capsys, "token", "127.0.0.1:8080", "-u", "alice") == (
        2,
        "",
        "error: Failed to fetch credentials for `alice@https://127.0.0.1:8080/`\n",
    )
    assert run(capsys, "logout", URL, "--username", "alice") == (
        0,
        "",
        "Removed credentials for alice@http://127.0.0.1:8080/\n",
    )
    assert store_text(_isolated) == "credential = []\n"
    assert run(capsys, "logout", URL, "--username", "alice") == (
        2,
        "",
        "error: No matching entry found for `alice@http://127.0.0.1:8080/`\n",
    )


@pytest.mark.parametrize(
    ("service", "shown", "stored"),
    [
        ("127.0.0.1:8080", "alice@https://127.0.0.1:8080/", "https://127.0.0.1:8080/"),
        (
            "http://127.0.0.1:8080/some/deep/path/",
            "alice@http://127.0.0.1:8080/some/deep/path/",
            "http://127.0.0.1:8080/some/deep/path/",
        ),
        (
            "https://devpi.example.com/root/+simple",
            "alice@https://devpi.example.com/root",
            "https://devpi.example.com/root",
        ),
        (
            "https://registry.example.com/Simple",
            "alice@https://registry.example.com/",
            "https://registry.example.com/",
        ),
    ],
)
def test_login_service_forms(
    capsys: pytest.CaptureFixture[str], _isolated: Path, service: str, shown: str, stored: str
) -> None:
    assert run(capsys, "login", service, "-u", "alice", "--password", SECRET) == (
        0,
        "",
        f"Stored credentials for {shown}\n",
    )
    assert f'service = "{stored}"' in store_text(_isolated)


def test_url_credentials_never_land_in_the_service_key(
    capsys: pytest.CaptureFixture[str], _isolated: Path
) -> None:
    assert run(capsys, "login", f"http://alice:{SECRET}@127.0.0.1:8080/simple/") == (
        0,
        "",
        "Stored credentials for alice@http://127.0.0.1:8080/\n",
    )
    text = store_text(_isolated)
    assert 'service = "http://127.0.0.1:8080/"' in text
    assert text.count(SECRET) == 1  # the password field only


def test_token_login(capsys: pytest.CaptureFixture[str], _isolated: Path) -> None:
    assert run(capsys, "login", "http://127.0.0.1:8080/tok/", "--token", "TKN") == (
        0,
        "",
        "Stored credentials for http://127.0.0.1:8080/tok/\n",
    )
    assert 'username = "__token__"' in store_text(_isolated)
    assert run(capsys, "token", "http://127.0.0.1:8080/tok/") == (0, "TKN\n", "")


def test_password_from_stdin(
    capsys: pytest.CaptureFixture[str], _isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"  {SECRET}  \nsecond line\n"))
    assert run(capsys, "login", URL, "-u", "alice", "--password", "-")[0] == 0
    assert run(capsys, "token", URL, "-u", "alice") == (0, SECRET + "\n", "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [URL, "--username", "dave"],
            "error: No password provided; did you mean to provide `--password` or `--token`?\n",
        ),
        (
            [URL, "--password", "x"],
            "error: No username provided; did you mean to provide `--username` or `--token`?\n",
        ),
        (
            ["http://bob@127.0.0.1:8080/", "--username", "alice", "--password", "x"],
            "error: Cannot specify a username both via the URL and CLI; found `--username alice` "
            "and `bob`\n",
        ),
        (
            ["http://bob:y@127.0.0.1:8080/", "--password", "x"],
            "error: Cannot specify a password both via the URL and CLI\n",
        ),
        (
            ["http://:y@127.0.0.1:8080/", "--token", "x"],
            "error: Cannot include a password in the URL when using `--token`\n",
        ),
        (
            [URL, "--username", "alice", "--password", "x", "--token", "T"],
            "error: the argument '--username <USERNAME>' cannot be used with '--token <TOKEN>'\n\n"
            "For more information, try '--help'.\n",
        ),
        (
            ["http://example.com/simple/", "-u", "a", "--password", "x"],
            "error: invalid value 'http://example.com/simple/' for '<SERVICE>': "
            "HTTPS is required for "
            "non-local hosts\n\nFor more information, try '--help'.\n",
        ),
        (
            ["ftp://example.com/", "-u", "a", "--password", "x"],
            "error: invalid value 'ftp://example.com/' for '<SERVICE>': Unsupported scheme: ftp\n\n"
            "For more information, try '--help'.\n",
        ),
    ],
)
def test_login_errors(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run(capsys, "login", *argv) == (2, "", message)


def test_empty_password_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert run(capsys, "login", URL, "-u", "a", "--password", "-") == (
        2,
        "",
        "error: Password cannot be empty\n",
    )


def test_dir(
    capsys: pytest.CaptureFixture[str],
    _isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    assert run(capsys, "dir") == (0, f"{_isolated}/data/uv/credentials\n", "")
    monkeypatch.setenv("UV_CREDENTIALS_DIR", str(tmp_path / "creds"))
    assert run(capsys, "dir", URL) == (0, f"{tmp_path}/creds\n", "")
    assert run(capsys, "login", URL, "-u", "alice", "--password", SECRET)[0] == 0
    assert (tmp_path / "creds" / "credentials.toml").exists()
    assert not (tmp_path / "creds").joinpath("credentials.toml").stat().st_mode & 0o077


def test_broken_store_is_an_error(capsys: pytest.CaptureFixture[str], _isolated: Path) -> None:
    store = CredentialsFile(_isolated / "data" / "uv" / "credentials")
    store.directory.mkdir(parents=True)
    store.path.write_text(f'password = "{SECRET}"\n[[credential]\n')
    code, out, err = run(capsys, "token", URL, "-u", "alice")
    assert code == 2
    assert err.startswith("error: Failed to parse TOML credential file")
    assert SECRET not in out + err


# ------------------------------------------------------------------ native-auth


@pytest.fixture
def memory(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    keyring = MemoryKeyring()
    monkeypatch.setattr(auth, "_native_backend", lambda env: keyring)
    return keyring


@pytest.mark.parametrize("switch", [["--preview-features", "native-auth"], ["--preview"]])
def test_native_round_trip(
    capsys: pytest.CaptureFixture[str], memory: MemoryKeyring, _isolated: Path, switch: list[str]
) -> None:
    assert run(capsys, "login", URL, "-u", "alice", "--password", SECRET, *switch) == (
        0,
        "",
        "Stored credentials for alice@http://127.0.0.1:8080/\n",
    )
    assert memory.get("uv:http://127.0.0.1:8080", "alice").credentials is not None
    assert not (_isolated / "data" / "uv" / "credentials" / "credentials.toml").exists()
    assert run(capsys, *switch, "token", URL, "-u", "alice") == (0, SECRET + "\n", "")
    assert run(capsys, "token", URL, *switch) == (
        2,
        "",
        "error: Failed to fetch credentials for `http://127.0.0.1:8080/simple/`\n",
    )
    assert run(capsys, "logout", URL, "-u", "alice", *switch) == (
        0,
        "",
        "Removed credentials for alice@http://127.0.0.1:8080/\n",
    )
    assert run(capsys, "logout", URL, "-u", "alice", *switch) == (
        2,
        "",
        "error: Unable to remove credentials for `alice@http://127.0.0.1:8080/`\n"
        "  cause: No matching entry found in secure storage\n",
    )


def test_native_auth_from_the_environment(
    capsys: pytest.CaptureFixture[str], memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UV_PREVIEW_FEATURES", "native-auth")
    code, _, _ = run(
        capsys, "login", "https://example.com:8443/simple", "-u", "bob", "--password", "x"
    )
    assert code == 0
    assert memory.calls[-1] == ("set", "uv:example.com:8443", "bob")


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://example.com/simple", "example.com"),
        ("https://example.com:8443/api", "example.com:8443"),
        ("https://example.com:443/", "example.com"),
        ("http://localhost:1324", "http://localhost:1324"),
        ("http://u:p@127.0.0.1:80/x", "http://127.0.0.1"),
    ],
)
def test_native_target(url: str, target: str) -> None:
    assert native_target(Realm.from_url(url)) == target


def test_native_fetch_services() -> None:
    url = ServiceUrl.parse("http://127.0.0.1:8080/simple/").url
    assert service_names(url, Realm.from_url(url)) == [
        "http://127.0.0.1:8080/simple/",
        "127.0.0.1:8080",
        "http://127.0.0.1:8080",
    ]
    url = ServiceUrl.parse("https://example.com/simple/").url
    assert service_names(url, Realm.from_url(url)) == ["https://example.com/simple/", "example.com"]


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("https://h/simple/", "https://h/"),
        ("https://h/simple", "https://h/"),
        ("https://h/root/+simple", "https://h/root"),
        ("https://h/root/SIMPLE/", "https://h/root"),
        ("https://h/api/v1", "https://h/api/v1"),
        ("https://h/simpleton/", "https://h/simpleton/"),
    ],
)
def test_strip_index_suffix(url: str, root: str) -> None:
    assert root_url(url) == root


def test_unavailable_native_keyring_is_an_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyring.backends import fail

    from policy.credentials.backends import NativeKeyring

    monkeypatch.setattr(auth, "_native_backend", lambda env: NativeKeyring(fail.Keyring()))
    code, _, err = run(
        capsys,
        "login",
        URL,
        "-u",
        "alice",
        "--password",
        SECRET,
        "--preview-features",
        "native-auth",
    )
    assert code == 2
    assert err.startswith(
        "error: Unable to store credentials in the system keyring\n"
        "  cause: native keyring: no keyring backend is available"
    )
    assert SECRET not in err


# ------------------------------------------------------------------ what automatic storing wrote

INDEX_TOML = f'keyring-provider = "native"\n[[index]]\nname = "peer"\nurl = "{URL}"\n'
OURS = f"uv-credentials:{URL}"


@pytest.fixture
def project(_isolated: Path) -> Path:
    (_isolated.parent / "uv.toml").write_text(INDEX_TOML)
    return _isolated.parent


def test_token_finds_the_stored_entry_by_index_name(
    capsys: pytest.CaptureFixture[str], memory: MemoryKeyring, project: Path
) -> None:
    memory.set(OURS, "alice", SECRET)
    assert run(capsys, "token", "peer") == (0, SECRET + "\n", "")
    assert run(capsys, "token", URL, "-u", "alice") == (0, SECRET + "\n", "")
    code, out, err = run(capsys, "-v", "token", "peer")
    assert code == 0 and f"under `{OURS}`" in err and SECRET not in err
    code, out, _ = run(capsys, "--format", "json", "token", "peer")
    assert json.loads(out) == {
        "service": OURS,
        "username": "alice",
        "backend": "MemoryKeyring",
        "password": SECRET,
    }
    # uv's entry is found after ours, as the native provider reads them
    memory.delete(OURS, "alice")
    memory.set("uv:http://127.0.0.1:8080", "alice", "uv-" + SECRET)
    assert run(capsys, "token", "peer", "-u", "alice")[1] == "uv-" + SECRET + "\n"


def test_logout_removes_the_stored_entry_and_says_which(
    capsys: pytest.CaptureFixture[str], memory: MemoryKeyring, project: Path
) -> None:
    memory.set(OURS, "alice", SECRET)
    code, out, err = run(capsys, "logout", "peer")
    assert (code, out) == (0, "")
    assert err == f"Removed credentials for alice from the system keyring entry `{OURS}`\n"
    assert memory.get(OURS, "alice").credentials is None
    assert run(capsys, "logout", "peer")[0] == 2


def test_logout_under_native_auth_removes_both_names(
    capsys: pytest.CaptureFixture[str], memory: MemoryKeyring, project: Path
) -> None:
    memory.set(OURS, "alice", SECRET)
    memory.set("uv:http://127.0.0.1:8080", "alice", SECRET)
    code, out, err = run(
        capsys,
        "--preview-features",
        "native-auth",
        "--format",
        "json",
        "logout",
        "peer",
        "-u",
        "alice",
    )
    assert code == 0
    assert err.splitlines() == [
        "Removed credentials for alice@http://127.0.0.1:8080/",
        f"Removed credentials for alice from the system keyring entry `{OURS}`",
    ]
    assert [entry["service"] for entry in json.loads(out)["removed"]] == [
        "uv:http://127.0.0.1:8080",
        OURS,
    ]


def test_login_keeps_the_stored_entry_in_step(
    capsys: pytest.CaptureFixture[str], memory: MemoryKeyring, project: Path
) -> None:
    memory.set(OURS, "alice", "old-" + SECRET)
    code, _, err = run(
        capsys,
        "--preview-features",
        "native-auth",
        "login",
        "peer",
        "-u",
        "alice",
        "--password",
        SECRET,
    )
    assert code == 0 and SECRET not in err
    assert f"Updated the system keyring entry `{OURS}` too" in err
    held = memory.get(OURS, "alice").credentials
    assert held is not None and held.password_value == SECRET
    # another user's entry is left alone
    assert memory.get("uv:http://127.0.0.1:8080", "alice").credentials is not None


def test_list_shows_entries_never_passwords(
    capsys: pytest.CaptureFixture[str], memory: MemoryKeyring, project: Path
) -> None:
    assert run(capsys, "list") == (0, "No stored credentials for the configured indexes\n", "")
    memory.set(OURS, "alice", SECRET)
    memory.set("uv:http://127.0.0.1:8080", "bob", SECRET)
    CredentialsFile.from_env(dict(os.environ)).insert(URL, "carol", SECRET)
    code, out, err = run(capsys, "--format", "json", "list")
    assert code == 0 and SECRET not in out + err
    assert json.loads(out) == {
        "entries": [
            {"index": "peer", "service": URL, "username": "carol", "backend": "credentials-file"},
            {"index": "peer", "service": OURS, "username": "alice", "backend": "MemoryKeyring"},
            {
                "index": "peer",
                "service": "uv:http://127.0.0.1:8080",
                "username": "bob",
                "backend": "MemoryKeyring",
            },
        ]
    }
    code, out, _ = run(capsys, "list")
    assert code == 0 and SECRET not in out and f"peer  {OURS}  alice  (MemoryKeyring)" in out


def test_login_help_says_where_credentials_go(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["auth", "login", "--help"])
    out = capsys.readouterr().out
    assert "uv-credentials:<index-url>" in out and "[[index]]" in out and "examples:" in out


def test_dir_json(capsys: pytest.CaptureFixture[str], _isolated: Path) -> None:
    code, out, _ = run(capsys, "--format", "json", "dir")
    assert code == 0 and json.loads(out) == {
        "directory": str(_isolated / "data" / "uv" / "credentials")
    }
