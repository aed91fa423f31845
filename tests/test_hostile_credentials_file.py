"""A credentials file that is not a plain file: FIFO, device, huge, symlinked (real CLI).

Every run is a child process under a timeout, so a read that blocks fails the test instead
of hanging the suite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hostile_server import (
    HostileIndex,
    Result,
    cli_env,
    hostile_index,
    run_cli,
    send,
)

SECRET = "fifo-S3cret-pw"
URL = "http://127.0.0.1:8080/simple/"


@pytest.fixture
def sandbox(tmp_path: Path) -> tuple[dict[str, str], Path]:
    credentials = tmp_path / "creds"
    credentials.mkdir()
    return cli_env(tmp_path, UV_CREDENTIALS_DIR=str(credentials)), credentials


@pytest.fixture
def unauthorized() -> Iterator[HostileIndex]:
    """An index that answers 401 to everything under /simple/."""
    with hostile_index() as index:
        index.route("/simple/peerpkg/", lambda h: send(h, b"no", "text/plain", status=401))
        yield index


def auth(env: dict[str, str], cwd: Path, *args: str) -> Result:
    """`auth ...`: its errors exit 2, as uv's `auth` commands do."""
    return run_cli(["auth", *args], env, cwd, timeout=60)


def test_a_fifo_is_an_error_naming_the_file_not_a_hang(
    sandbox: tuple[dict[str, str], Path], unauthorized: HostileIndex
) -> None:
    env, credentials = sandbox
    path = credentials / "credentials.toml"
    os.mkfifo(path)
    result = auth(env, credentials, "token", URL, "-u", "alice")
    assert result.code == 2, result.stderr
    assert result.stderr == (
        f"error: The credentials file `{path}` is a FIFO, not a regular file; replace it with "
        "a regular file or point `UV_CREDENTIALS_DIR` elsewhere\n"
    )
    login = auth(env, credentials, "login", URL, "-u", "alice", "--password", SECRET)
    assert login.code == 2 and "is a FIFO" in login.stderr and SECRET not in login.stderr
    # The fetch's lookup after the 401: a warning naming the file, then the clean 401 error.
    fetched = run_cli(
        ["fetch", "peerpkg", "--index-url", unauthorized.simple], env, credentials, timeout=60
    )
    assert fetched.code == 1, fetched.stderr
    assert f"warning: Failed to load credentials from {path}: " in fetched.stderr
    assert "is a FIFO" in fetched.stderr
    assert "this is a bug" not in fetched.stderr and "401" in fetched.stderr


def test_a_symlink_to_dev_zero_is_an_error_not_an_endless_read(
    sandbox: tuple[dict[str, str], Path], unauthorized: HostileIndex
) -> None:
    env, credentials = sandbox
    path = credentials / "credentials.toml"
    path.symlink_to("/dev/zero")
    result = auth(env, credentials, "token", URL, "-u", "alice")
    assert result.code == 2, result.stderr
    assert result.stderr.startswith(
        f"error: The credentials file `{path}` is a character device (through the symlink to "
        "`/dev/zero`), not a regular file"
    )
    fetched = run_cli(
        ["fetch", "peerpkg", "--index-url", unauthorized.simple], env, credentials, timeout=60
    )
    assert fetched.code == 1 and "is a character device" in fetched.stderr
    assert "this is a bug" not in fetched.stderr


def test_a_huge_file_is_refused(sandbox: tuple[dict[str, str], Path]) -> None:
    env, credentials = sandbox
    path = credentials / "credentials.toml"
    with path.open("wb") as handle:
        handle.truncate(2 << 20)
    result = auth(env, credentials, "token", URL, "-u", "alice")
    assert result.code == 2
    assert f"error: The credentials file `{path}` is {2 << 20} bytes, more than" in result.stderr


def test_a_directory_is_refused(sandbox: tuple[dict[str, str], Path]) -> None:
    env, credentials = sandbox
    (credentials / "credentials.toml").mkdir()
    result = auth(env, credentials, "token", URL, "-u", "alice")
    assert result.code == 2 and "is a directory, not a regular file" in result.stderr


def test_login_writes_through_a_symlink_and_keeps_it(
    sandbox: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, credentials = sandbox
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "credentials.toml"
    target.write_text("credential = []\n")
    link = credentials / "credentials.toml"
    link.symlink_to(target)
    for user in ("alice", "bob"):
        result = auth(env, credentials, "login", URL, "-u", user, "--password", SECRET + user)
        assert result.code == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target
    text = target.read_text()
    assert 'username = "alice"' in text and 'username = "bob"' in text
    assert not target.stat().st_mode & 0o077
    token = auth(env, credentials, "token", URL, "-u", "bob")
    assert (token.code, token.stdout) == (0, SECRET + "bob\n")
    # No temporary file is left behind in either directory.
    assert sorted(p.name for p in dotfiles.iterdir()) == ["credentials.toml"]
    assert sorted(p.name for p in credentials.iterdir()) == [
        "credentials.toml",
        "credentials.toml.lock",
    ]
    logout = auth(env, credentials, "logout", URL, "-u", "alice")
    assert logout.code == 0 and link.is_symlink()
    assert 'username = "alice"' not in target.read_text()


def test_a_dangling_symlink_is_created_at_its_target(
    sandbox: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, credentials = sandbox
    target = tmp_path / "credentials.toml"
    link = credentials / "credentials.toml"
    link.symlink_to(target)
    result = auth(env, credentials, "login", URL, "-u", "alice", "--password", SECRET)
    assert result.code == 0, result.stderr
    assert link.is_symlink() and 'username = "alice"' in target.read_text()
