"""What a fetch tells the user, with real parts: the hint under a 401/403 (text and JSON), and
that a plaintext keyring backend gets nothing stored automatically, with one warning saying why."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import services
from tests.support.services import PASSWORD, USER

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def _run(
    root: Path, uv_toml: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    project = root / "project"
    project.mkdir(exist_ok=True)
    (project / "uv.toml").write_text(uv_toml)
    base = {
        **services.isolated_home(root),
        "PATH": "/usr/bin:/bin",
        "UV_NO_SYSTEM_CONFIG": "1",
        "KEYRING_POLICY_TIMEOUT": "20",
        "NO_PROXY": "127.0.0.1",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "policy", *args],
        cwd=project,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _index(url: str, provider: str = "native") -> str:
    return (
        f'keyring-provider = "{provider}"\npreview-features = ["native-auth"]\n'
        f'[[index]]\nname = "peer"\nurl = "{url}"\ndefault = true\n'
    )


def test_wrong_env_password_hint_names_the_variables(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    done = _run(
        tmp_path,
        _index(index_server.simple_url),
        "fetch",
        "peerpkg",
        "--format",
        "json",
        env={"UV_INDEX_PEER_USERNAME": USER, "UV_INDEX_PEER_PASSWORD": "WRONG-pw"},
    )
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["status"] in (401, 403) and data["project"] == "peerpkg"
    assert data["hint"].startswith(
        "the credentials from `UV_INDEX_PEER_USERNAME` / `UV_INDEX_PEER_PASSWORD` were rejected"
    )
    assert data["hint"] in done.stderr  # the same hint as text
    assert "WRONG-pw" not in done.stdout + done.stderr


def test_missing_keyring_command_is_named(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    url = index_server.simple_url.replace("http://", f"http://{USER}@")
    done = _run(tmp_path, _index(url, "subprocess"), "fetch", "peerpkg")
    assert done.returncode == 1
    assert "no credentials were sent" not in done.stderr  # the username went out alone
    assert "the `keyring` command is not on PATH" in done.stderr, done.stderr


def test_plaintext_backend_gets_nothing_stored(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    # No Secret Service and keyrings.alt importable: keyring itself picks PlaintextKeyring.
    done = _run(
        tmp_path,
        _index(index_server.simple_url),
        "fetch",
        "peerpkg",
        "--format",
        "json",
        env={"UV_INDEX_PEER_USERNAME": USER, "UV_INDEX_PEER_PASSWORD": PASSWORD},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stored"] == []
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, done.stderr
    assert "keyrings.alt.file.PlaintextKeyring" in warnings[0]
    assert "KEYRING_POLICY_ALLOW_PLAINTEXT=1" in warnings[0]
    assert PASSWORD not in done.stdout + done.stderr
    assert not list((tmp_path / "home").rglob("keyring_pass.cfg"))
    config = _run(tmp_path, _index(index_server.simple_url), "config", "--format", "json")
    data = json.loads(config.stdout)
    assert data["keyring_backend"] == "keyrings.alt.file.PlaintextKeyring"
    assert data["keyring_backend_secure"] is False


def test_plaintext_backend_with_both_opt_ins_stores(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    done = _run(
        tmp_path,
        _index(index_server.simple_url) + 'keyring = "store"\n',
        "fetch",
        "peerpkg",
        "--format",
        "json",
        env={
            "UV_INDEX_PEER_USERNAME": USER,
            "UV_INDEX_PEER_PASSWORD": PASSWORD,
            "KEYRING_POLICY_ALLOW_PLAINTEXT": "1",
        },
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stored"] == [
        {
            "service": f"uv-credentials:{index_server.simple_url}",
            "username": USER,
            "backend": "keyrings.alt.file.PlaintextKeyring",
        }
    ]
    assert list((tmp_path / "home").rglob("keyring_pass.cfg"))


def test_v_says_which_index_which_source_and_why_nothing_was_stored(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    url = index_server.simple_url
    uv_toml = f'keyring-provider = "native"\n[[index]]\nname = "peer"\nurl = "{url}"\n'
    env = {"UV_INDEX_PEER_USERNAME": USER, "UV_INDEX_PEER_PASSWORD": PASSWORD}
    quiet = _run(tmp_path, uv_toml, "fetch", "peerpkg", env=env)
    verbose = _run(tmp_path, uv_toml, "-v", "fetch", "peerpkg", env=env)
    very = _run(tmp_path, uv_toml, "-vv", "fetch", "peerpkg", env=env)
    assert quiet.returncode == verbose.returncode == very.returncode == 0
    info = [line for line in verbose.stderr.splitlines() if line.startswith("INFO ")]
    assert info == [
        f"INFO Decision for {url}peerpkg/: index `peer`, authenticate auto, keyring read, "
        "store not allowed",
        "INFO Sending credentials from env to index `peer`",
        "INFO Not stored (index `peer`): preview feature `native-auth` is not enabled",
    ]
    assert "DEBUG   because" in very.stderr
    assert all(PASSWORD not in run.stderr for run in (quiet, verbose, very))
