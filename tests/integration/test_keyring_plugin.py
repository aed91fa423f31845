"""The keyring plugin with real parts: keyring's backend suite on the real Secret Service, the
real `keyring` command in separate processes (the shared negative cache, a hanging backend),
and real pip and uv installing from the real pypiserver after `keyring-policy keyring enable`.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from keyring.testing.backend import BackendBasicTests

from policy.keyring_backend.backend import PolicyKeyring
from policy.keyring_backend.index_policy import IndexPolicy
from policy.keyring_backend.wrapped import BACKEND_CLASS
from policy.settings.models import Settings
from tests.support import keyring_rings, services

# keyring's SecretService backend opens a D-Bus connection per call and never closes it.
pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::ResourceWarning")]

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = services.PASSWORD
COUNTING = "tests.support.keyring_rings.CountingRing"
HANGING = "tests.support.keyring_rings.HangingRing"


# -- keyring's own suite around the real Secret Service ----------------------------------------


class TestAroundSecretService(BackendBasicTests):
    @pytest.fixture(autouse=True)
    def _init_properties(
        self,
        request: pytest.FixtureRequest,
        secret_service: services.SecretService,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ) -> Iterator[None]:
        for name, value in secret_service.env.items():
            monkeypatch.setenv(name, value)
        self.env = {**services.isolated_home(tmp_path), "KEYRING_POLICY_TIMEOUT": "10"}
        self.keyring = self.init_keyring()
        self.credentials_created: set[tuple[str, str]] = set()
        request.addfinalizer(self.cleanup)
        yield
        gc.collect()

    def init_keyring(self) -> PolicyKeyring:
        from keyring.backends.SecretService import Keyring

        return PolicyKeyring(Keyring(), env=self.env, policy=IndexPolicy(Settings()))


# -- the real `keyring` command, several processes ---------------------------------------------


@dataclass
class World:
    """An isolated home where keyring loads the plugin, wrapping a ring that logs its calls."""

    root: Path
    env: dict[str, str]

    @property
    def log(self) -> Path:
        return Path(self.env[keyring_rings.LOG_VAR])

    def calls(self) -> list[dict[str, Any]]:
        return keyring_rings.calls(self.log)

    def run(
        self, *argv: str, stdin: str = "", timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv),
            env=self.env,
            cwd=self.root,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,  # a safety net only: nothing here asserts on time
            check=False,
        )

    def store(self, service: str, username: str, password: str) -> None:
        Path(self.env[keyring_rings.STORE_VAR]).write_text(
            json.dumps({f"{service}\0{username}": password})
        )

    def enable(self, wraps: str) -> None:
        done = self.run(sys.executable, "-m", "policy", "keyring", "enable", "--wraps", wraps)
        assert done.returncode == 0, done.stderr


def _world(root: Path, **extra: str) -> World:
    # pip's subprocess provider skips a `keyring` in its own scripts directory, as a user's
    # pipx-installed `keyring` would not be there either: the command is linked from elsewhere.
    commands = root / "bin"
    commands.mkdir()
    (commands / "keyring").symlink_to(BIN / "keyring")
    env = {
        **services.isolated_home(root),
        "PATH": os.pathsep.join([str(commands), str(BIN), os.defpath]),
        "PYTHONPATH": str(REPO),
        keyring_rings.STORE_VAR: str(root / "ring.json"),
        keyring_rings.LOG_VAR: str(root / "ring-calls.jsonl"),
        "PIP_CONFIG_FILE": os.devnull,
        "NO_PROXY": "127.0.0.1,localhost",
        "KEYRING_POLICY_TIMEOUT": "20",
        **extra,
    }
    return World(root, env)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return _world(tmp_path, PYTHON_KEYRING_BACKEND=BACKEND_CLASS, KEYRING_POLICY_WRAPS=COUNTING)


def test_processes_share_the_negative_cache(world: World) -> None:
    keyring = str(BIN / "keyring")
    for _ in range(3):
        done = world.run(keyring, "get", "https://pkgs.example/simple/", "alice")
        assert done.returncode == 1, done.stderr
        assert done.stdout == ""
    assert [c["call"] for c in world.calls()] == ["get_password"]  # one call, three processes
    assert len({c["pid"] for c in world.calls()}) == 1
    stored = world.run(keyring, "set", "https://pkgs.example/simple/", "alice", stdin=SECRET)
    assert stored.returncode == 0, stored.stderr
    done = world.run(keyring, "get", "https://pkgs.example/simple/", "alice")
    assert done.stdout == SECRET + "\n"
    misses = Path(world.env["XDG_CACHE_HOME"], "keyring-policy", "keyring-misses.json")
    assert SECRET not in misses.read_text()


def test_a_hanging_backend_is_cut_short(tmp_path: Path) -> None:
    world = _world(
        tmp_path,
        PYTHON_KEYRING_BACKEND=BACKEND_CLASS,
        KEYRING_POLICY_WRAPS=HANGING,
        KEYRING_POLICY_TIMEOUT="0.5",
    )
    keyring = str(BIN / "keyring")
    first = world.run(keyring, "get", "https://pkgs.example/simple/", "alice", timeout=60)
    assert first.returncode == 1
    assert first.stderr.count("did not answer within 0.5 s") == 1
    assert "HangingRing" in first.stderr
    assert "KEYRING_POLICY_TIMEOUT" in first.stderr
    second = world.run(keyring, "get", "https://pkgs.example/simple/", "alice", timeout=60)
    assert second.returncode == 1
    assert second.stderr == ""  # remembered as a miss: the backend is not asked again
    assert len(world.calls()) == 1


# -- real pip and uv, the plugin enabled the way a user enables it -----------------------------


def _pip(world: World, index: str, provider: str, dest: Path) -> subprocess.CompletedProcess[str]:
    return world.run(
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "-d",
        str(dest),
        "--keyring-provider",
        provider,
        "--no-input",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--index-url",
        index,
        "peerpkg",
    )


def _pairs(calls: Iterable[dict[str, Any]]) -> Counter[tuple[str, str | None]]:
    return Counter((c["service"], c["username"]) for c in calls)


@pytest.mark.parametrize("provider", ["import", "subprocess"])
def test_pip_download_through_the_plugin(
    tmp_path: Path, index_server: services.IndexServer, provider: str
) -> None:
    world = _world(tmp_path)
    world.enable(COUNTING)
    host = index_server.base.removeprefix("http://")
    world.store(host, services.USER, SECRET)
    for run in ("first", "second"):
        dest = tmp_path / run
        done = _pip(world, index_server.simple_url, provider, dest)
        assert done.returncode == 0, done.stderr[-2000:]
        assert [p.name for p in dest.glob("*.whl")] == ["peerpkg-1.0-py3-none-any.whl"]
        assert SECRET not in done.stdout + done.stderr
    calls = world.calls()
    assert calls, "pip never reached the wrapped backend"
    found = [c for c in calls if c["service"] == host]
    missed = [c for c in calls if c["service"] != host]
    # The index URL holds nothing: asked once, then answered by the negative cache, also in
    # pip's second run; the host that holds the password is asked once per run.
    assert _pairs(missed) == {(index_server.simple_url, None): 1}
    assert len(found) == 2


def test_uv_pip_install_through_the_plugin(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    world = _world(tmp_path)
    world.enable(COUNTING)
    host = index_server.base.removeprefix("http://")
    world.store(host, services.USER, SECRET)
    index = index_server.simple_url.replace("http://", f"http://{services.USER}@")
    for run in ("first", "second"):
        done = world.run(
            str(BIN / "uv"),
            "pip",
            "install",
            "--no-config",
            "--python",
            sys.executable,
            "--target",
            str(tmp_path / run),
            "--no-deps",
            "--no-cache",
            "--keyring-provider",
            "subprocess",
            "--index-url",
            index,
            "peerpkg",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert (tmp_path / run / "peerpkg").exists()
        assert SECRET not in done.stdout + done.stderr
    calls = world.calls()
    missed = [c for c in calls if c["service"] != host]
    assert _pairs(missed) == {(index_server.simple_url, services.USER): 1}
    assert _pairs(c for c in calls if c["service"] == host) == {(host, services.USER): 2}


# -- the name installers judge the backend by -------------------------------------------------

_NAME = "import keyring; print(keyring.get_keyring().name)"


def _poetry_would_store(name: str) -> bool:
    """Poetry's judgement of the backend from its `name`: not keyring's `fail` or `null` (the
    first word), and not a plaintext file."""
    return name.split(" ")[0] not in ("fail", "null") and "plaintext" not in name.lower()


def test_the_name_of_an_enabled_plugin_shows_a_plaintext_backend(tmp_path: Path) -> None:
    world = _world(tmp_path)
    world.enable("keyrings.alt.file.PlaintextKeyring")
    done = world.run(sys.executable, "-c", _NAME)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "file PlaintextKeyring via keyring-policy\n"
    assert not _poetry_would_store(done.stdout.strip())


def test_the_name_of_an_enabled_plugin_around_the_secret_service(
    tmp_path: Path, secret_service: services.SecretService
) -> None:
    bus = secret_service.env["DBUS_SESSION_BUS_ADDRESS"]
    world = _world(tmp_path, DBUS_SESSION_BUS_ADDRESS=bus)
    world.enable("keyring.backends.SecretService.Keyring")
    done = world.run(sys.executable, "-c", _NAME)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "SecretService Keyring via keyring-policy\n"
    assert _poetry_would_store(done.stdout.strip())
