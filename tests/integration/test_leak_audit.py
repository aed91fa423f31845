"""Leak audit: every command at -vv, with one real password in the URL, the environment, the
credentials file and the keyring at once. It may appear on `auth token`'s stdout and nowhere
else: not in any output, warning, error, log line, or in an Authorization value."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import services

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SECRET = services.PASSWORD
BASIC = base64.b64encode(f"{services.USER}:{SECRET}".encode()).decode()


def _audit_env(tmp_path: Path, server: services.IndexServer) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "LC_ALL"}}
    env = {
        **keep,
        **services.isolated_home(tmp_path),
        "PYTHONPATH": str(ROOT),
        "UV_NO_SYSTEM_CONFIG": "1",
        # A real keyring backend (a file under the isolated XDG_DATA_HOME), in-process.
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "UV_INDEX_PRIVATE_USERNAME": services.USER,
        "UV_INDEX_PRIVATE_PASSWORD": SECRET,
        "KEYRING_POLICY_TIMEOUT": "10",
    }
    project = tmp_path / "project"
    project.mkdir()
    (project / "uv.toml").write_text(
        'keyring-provider = "native"\n'
        'preview-features = ["native-auth"]\n\n'
        "[[index]]\n"
        'name = "private"\n'
        f'url = "http://{services.USER}:{SECRET}@127.0.0.1:{server.port}/simple/"\n'
    )
    return env


def _run(
    env: dict[str, str], cwd: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policy", "-vv", *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _assert_clean(done: subprocess.CompletedProcess[str], *, stdout_may_hold: bool = False) -> None:
    streams = [("stderr", done.stderr)] + ([] if stdout_may_hold else [("stdout", done.stdout)])
    for name, text in streams:
        assert SECRET not in text, f"{name} of {done.args[3:]} leaks the password"
        assert BASIC not in text, f"{name} of {done.args[3:]} leaks the Authorization value"


def test_no_command_leaks_the_password(tmp_path: Path, index_server: services.IndexServer) -> None:
    env = _audit_env(tmp_path, index_server)
    project = tmp_path / "project"
    url = f"http://{services.USER}:{SECRET}@127.0.0.1:{index_server.port}/simple/"

    # The credentials file holds the password too (uv's plaintext store).
    login = _run(env, project, "auth", "login", url, "--password", "-", stdin=SECRET + "\n")
    assert login.returncode in (0, 2), login.stderr  # 2: uv refuses a password given twice
    login = _run(
        env,
        project,
        "auth",
        "login",
        index_server.simple_url,
        "--username",
        services.USER,
        "--password",
        "-",
        stdin=SECRET + "\n",
    )
    assert login.returncode == 0, login.stderr

    runs = [
        _run(env, project, "config"),
        _run(env, project, "config", "--format", "json"),
        _run(env, project, "explain", url + "peerpkg/", "--format", "json"),
        _run(env, project, "explain", url + "peerpkg/"),
        _run(env, project, "fetch", "peerpkg", "--format", "json"),
        _run(env, project, "fetch", "peerpkg", "--download", "--dest", str(tmp_path / "dl")),
        # The keyring now holds the password (stored after the fetch): read it back from there.
        _run(
            {k: v for k, v in env.items() if not k.startswith("UV_INDEX_")},
            project,
            "fetch",
            "peerpkg",
            "--index-url",
            index_server.simple_url,
            "--format",
            "json",
        ),
        _run(env, project, "fetch", "no-such-project"),
        _run(env, project, "auth", "dir"),
        _run(env, project, "auth", "logout", index_server.simple_url, "--username", services.USER),
        _run(env, tmp_path, "demo"),
    ]
    for done in runs:
        _assert_clean(done)
    assert runs[4].returncode == 0, runs[4].stderr
    assert runs[-1].returncode == 0, runs[-1].stdout + runs[-1].stderr
    assert "stored" in runs[4].stdout


def test_auth_token_prints_the_password_on_stdout_only(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    env = _audit_env(tmp_path, index_server)
    project = tmp_path / "project"
    login = _run(
        env,
        project,
        "auth",
        "login",
        index_server.simple_url,
        "--username",
        services.USER,
        "--password",
        "-",
        stdin=SECRET + "\n",
    )
    assert login.returncode == 0, login.stderr
    token = _run(
        env, project, "auth", "token", index_server.simple_url, "--username", services.USER
    )
    assert token.returncode == 0, token.stderr
    assert token.stdout == SECRET + "\n"
    _assert_clean(token, stdout_may_hold=True)
