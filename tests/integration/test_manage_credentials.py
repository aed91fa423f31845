"""Store, see, rotate and remove credentials with `keyring-policy` alone, against a real
Secret Service (gnome-keyring in a private D-Bus) and a real pypiserver."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import services
from tests.support.services import PASSWORD, USER

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::ResourceWarning")]

REPO = Path(__file__).resolve().parents[2]
ROTATED = "r0tated-Pa55-w0rd"
BACKEND = "keyring.backends.SecretService.Keyring"


class Tool:
    """`python -m policy ...` in a project directory with the private Secret Service."""

    def __init__(self, root: Path, bus: services.SecretService) -> None:
        self.project = root / "project"
        self.project.mkdir()
        self.env = {
            **services.isolated_home(root),
            "PATH": "/usr/bin:/bin",
            "DBUS_SESSION_BUS_ADDRESS": bus.env["DBUS_SESSION_BUS_ADDRESS"],
            "PYTHON_KEYRING_BACKEND": BACKEND,
            "UV_NO_SYSTEM_CONFIG": "1",
            "KEYRING_POLICY_TIMEOUT": "20",
            "NO_PROXY": "127.0.0.1",
            "PYTHONPATH": str(REPO),
        }
        self.seen: list[str] = []

    def __call__(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "policy", *args],
            cwd=self.project,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        # `auth token` prints the password: that is its job; nothing else may
        self.seen += [done.stderr] if args[:2] == ("auth", "token") else [done.stdout, done.stderr]
        return done


def test_store_see_rotate_remove(
    tmp_path: Path, secret_service: services.SecretService, index_server: services.IndexServer
) -> None:
    tool = Tool(tmp_path, secret_service)
    url = index_server.simple_url
    ours = f"uv-credentials:{url}"
    (tool.project / "uv.toml").write_text(
        'keyring-provider = "native"\npreview-features = ["native-auth"]\n'
        f'[[index]]\nname = "peer"\nurl = "{url}"\ndefault = true\n'
    )
    try:
        # store: a fetch with the credentials in the environment stores them
        first = tool(
            "fetch",
            "peerpkg",
            "--format",
            "json",
            env={"UV_INDEX_PEER_USERNAME": USER, "UV_INDEX_PEER_PASSWORD": PASSWORD},
        )
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["stored"] == [
            {"service": ours, "username": USER, "backend": BACKEND}
        ]

        # see: the entry is listed and its password can be read back, by index name
        listed = tool("auth", "list", "--format", "json")
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["entries"] == [
            {"index": "peer", "service": ours, "username": USER, "backend": BACKEND}
        ]
        token = tool("auth", "token", "peer")
        assert (token.returncode, token.stdout) == (0, PASSWORD + "\n")

        # rotate: `auth login` replaces the stored password too, and the fetch uses the new one
        login = tool("auth", "login", "peer", "-u", USER, "--password", ROTATED)
        assert login.returncode == 0, login.stderr
        assert f"Updated the system keyring entry `{ours}` too" in login.stderr
        assert tool("auth", "token", "peer").stdout == ROTATED + "\n"
        rejected = tool("fetch", "peerpkg")
        assert rejected.returncode == 1  # the rotated (wrong for this server) password is sent
        again = tool("auth", "login", url, "-u", USER, "--password", PASSWORD)
        assert again.returncode == 0, again.stderr
        assert tool("fetch", "peerpkg").returncode == 0

        # remove: both entries go, and the tool says which
        logout = tool("auth", "logout", "peer", "-u", USER)
        assert logout.returncode == 0, logout.stderr
        assert f"Removed credentials for {USER}@{index_server.base}/" in logout.stderr
        assert f"from the system keyring entry `{ours}`" in logout.stderr
        assert json.loads(tool("auth", "list", "--format", "json").stdout) == {"entries": []}
        assert tool("auth", "token", "peer").returncode == 2
        assert tool("fetch", "peerpkg").returncode == 1
    finally:
        tool("auth", "logout", "peer", "-u", USER)
    assert all(PASSWORD not in text and ROTATED not in text for text in tool.seen)
