"""Real services for the integration tests: pypiserver with Basic auth, a private Secret Service.

A test that needs a service calls `require(...)`: it skips when the service is missing on a
developer's machine, and fails under `CI=true`, where `.ci/run` must have installed it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.wheels import build_wheel

HERE = Path(__file__).resolve().parent
USER = "alice"
PASSWORD = "s3cret-Pa55-w0rd"  # distinctive, so leak checks cannot match by accident


def require(available: bool, what: str) -> None:
    """Skip locally, fail under CI, when a real service is missing."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required under CI=true; .ci/run must install it")
    pytest.skip(f"{what} is not available on this machine")


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """Stop a child we started (by its own handle, never by name) and close its pipes."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def isolated_home(root: Path) -> dict[str, str]:
    """HOME and XDG directories under `root`, so no test touches the user's own files."""
    home = root / "home"
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_DIRS": str(root / "etc-xdg"),
        "XDG_RUNTIME_DIR": str(root / "run"),
    }
    for value in env.values():
        Path(value).mkdir(parents=True, exist_ok=True)
    os.chmod(env["XDG_RUNTIME_DIR"], 0o700)
    return env


@dataclass
class IndexServer:
    """A pypiserver subprocess on 127.0.0.1 requiring Basic auth, with a request log."""

    root: Path
    projects: Sequence[str] = ("peerpkg",)
    users: dict[str, str] = field(default_factory=lambda: {USER: PASSWORD})
    port: int = 0
    lifetime: float = 900.0
    _process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def simple_url(self) -> str:
        return f"{self.base}/simple/"

    @property
    def log_path(self) -> Path:
        return self.root / "requests.jsonl"

    def start(self) -> IndexServer:
        packages = self.root / "packages"
        packages.mkdir(parents=True, exist_ok=True)
        for project in self.projects:
            build_wheel(packages, project)
        users_file = self.root / "users.json"
        users_file.write_text(json.dumps(self.users))
        users_file.chmod(0o600)
        self.port = free_port()
        self.log_path.write_text("")
        self._process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "index_server.py"),
                "--port",
                str(self.port),
                "--htpasswd",
                str(self.root / "htpasswd"),
                "--packages",
                str(packages),
                "--log",
                str(self.log_path),
                "--users",
                str(users_file),
                "--lifetime",
                str(self.lifetime),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                assert self._process.stderr is not None  # stderr=PIPE
                raise RuntimeError(f"pypiserver died: {self._process.stderr.read()!r}")
            try:
                urllib.request.urlopen(f"{self.base}/health", timeout=1).close()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("pypiserver did not answer within 20 s")
        self.clear_log()
        return self

    def requests(self) -> list[dict[str, Any]]:
        """Every request logged since the last `clear_log()`."""
        text = self.log_path.read_text()
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def clear_log(self) -> None:
        self.log_path.write_text("")

    def stop(self) -> None:
        if self._process is not None:
            _terminate(self._process)


def pypiserver_available() -> bool:
    # find_spec, not import: pypiserver's import warns (cgi) and tests run with -W error.
    return all(importlib.util.find_spec(name) for name in ("pypiserver", "passlib"))


@contextmanager
def index_server(root: Path, **kwargs: Any) -> Iterator[IndexServer]:
    """Start an `IndexServer` under `root` and stop it afterwards."""
    require(pypiserver_available(), "pypiserver (pip install '.[test]')")
    server = IndexServer(root, **kwargs).start()
    try:
        yield server
    finally:
        server.stop()


def secret_service_available() -> bool:
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
        return False
    return importlib.util.find_spec("secretstorage") is not None


@dataclass
class SecretService:
    """A private D-Bus session bus with an unlocked gnome-keyring Secret Service."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self) -> SecretService:
        self.env = isolated_home(self.root)
        bus = subprocess.Popen(
            [
                "dbus-daemon",
                "--session",
                "--nofork",
                "--nopidfile",
                "--print-address=1",
                f"--address=unix:path={self.root / 'bus.sock'}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._processes.append(bus)
        assert bus.stdout is not None  # stdout=PIPE
        address = bus.stdout.readline().decode().strip()
        if not address:
            self.stop()
            raise RuntimeError("dbus-daemon printed no address")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **self.env},
        )
        self._processes.append(daemon)
        assert daemon.stdin is not None  # stdin=PIPE
        daemon.stdin.write(b"keyring-policy-tests\n")
        daemon.stdin.close()
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        probe = (
            "import secretstorage\n"
            "bus = secretstorage.dbus_init()\n"
            "collection = secretstorage.get_default_collection(bus)\n"
            "assert not collection.is_locked()\n"
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            done = subprocess.run(
                [sys.executable, "-c", probe],
                env={**os.environ, **self.env},
                capture_output=True,
                timeout=20,
                check=False,
            )
            if done.returncode == 0:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the Secret Service did not become ready within 20 s")

    def stop(self) -> None:
        for process in reversed(self._processes):
            _terminate(process)
        self._processes.clear()


@contextmanager
def secret_service(root: Path) -> Iterator[SecretService]:
    """Start a private Secret Service under `root`; yields it with `.env` to use."""
    require(secret_service_available(), "gnome-keyring-daemon, dbus-daemon and secretstorage")
    service = SecretService(root).start()
    try:
        yield service
    finally:
        service.stop()
