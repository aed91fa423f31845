"""The benchmark's world: two local indexes, a counting keyring, isolated runs, the counts.

Everything runs on 127.0.0.1. Every tool gets a fresh HOME, cache and target per run, a dead
proxy for anything that is not 127.0.0.1, and a `keyring` on PATH that logs each call.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.scenarios import PRIMARY, SECOND
from tests.support.services import PASSWORD, USER, IndexServer, isolated_home

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
SECOND_PASSWORD = "other-Pa55-w0rd"  # the second index's password, stored nowhere
BACKEND = "benchmarks.counting_backend.CountingKeyring"
DEAD_PROXY = "http://127.0.0.1:9"


def project_names(count: int) -> list[str]:
    return [f"benchpkg{i:02d}" for i in range(count)]


@dataclass
class Deadline:
    """The whole run's time budget; every subprocess timeout is cut to what is left."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float:
        return self.seconds - self.elapsed

    def timeout(self, wanted: float) -> float:
        return max(1.0, min(wanted, self.left()))


@dataclass
class Outcome:
    """One tool run: exit status, wall time and what the keyring and the servers saw."""

    ok: bool
    wall_s: float
    lookups: int
    subprocesses: int
    native_calls: int
    auth_failures: int
    requests: int
    detail: str = ""
    keyring_argv: list[list[str]] = field(default_factory=list)
    statuses: dict[str, dict[str, int]] = field(default_factory=dict)
    fetch_s: float | None = None  # keyring-policy: from loading settings to the last byte


class World:
    """Servers, the counting keyring and a fresh directory per run."""

    def __init__(self, projects: Sequence[str], deadline: Deadline) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="kp-bench-"))
        self.projects = list(projects)
        self.deadline = deadline
        self.servers: dict[str, IndexServer] = {}
        self.passwords = {PRIMARY: PASSWORD, SECOND: SECOND_PASSWORD}
        self.bin = self.root / "bin"
        self.keyring_log = self.root / "keyring.jsonl"
        self.keyring_map = self.root / "keyring-map.json"
        self._runs = 0

    # -- set-up --------------------------------------------------------------------------
    def start(self) -> World:
        self.servers[PRIMARY] = IndexServer(self.root / "primary", projects=self.projects).start()
        self.servers[SECOND] = IndexServer(
            self.root / "second", projects=("teampkg",), users={USER: SECOND_PASSWORD}
        ).start()
        self.bin.mkdir()
        keyring = self.bin / "keyring"
        source = (HERE / "counting_cli.py").read_text()
        keyring.write_text(f"#!{sys.executable} -IS\n{source}")  # one shebang argument
        keyring.chmod(0o755)
        # Only the primary index's realm is stored, as a user who logged in there once.
        self.keyring_map.write_text(json.dumps({self.netloc(PRIMARY): {USER: PASSWORD}}))
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def netloc(self, server: str) -> str:
        return self.servers[server].base.partition("://")[2]

    @property
    def bases(self) -> dict[str, str]:
        return {name: server.base for name, server in self.servers.items()}

    # -- one run -------------------------------------------------------------------------
    def new_run_dir(self) -> Path:
        self._runs += 1
        run = self.root / "runs" / str(self._runs)
        run.mkdir(parents=True)
        return run

    def env(self, run: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
        """A small, explicit environment: nothing of the caller's leaks into a tool."""
        env = {
            "PATH": os.pathsep.join([str(self.bin), "/usr/local/bin", "/usr/bin", "/bin"]),
            "LANG": "C.UTF-8",
            "TMPDIR": str(run / "tmp"),
            **isolated_home(run),
            "HTTP_PROXY": DEAD_PROXY,
            "HTTPS_PROXY": DEAD_PROXY,
            "ALL_PROXY": DEAD_PROXY,
            "http_proxy": DEAD_PROXY,
            "https_proxy": DEAD_PROXY,
            "all_proxy": DEAD_PROXY,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "PYTHONPATH": str(REPO),
            "PYTHON_KEYRING_BACKEND": BACKEND,
            "COUNTING_KEYRING_LOG": str(self.keyring_log),
            "COUNTING_KEYRING_MAP": str(self.keyring_map),
            "UV_CACHE_DIR": str(run / "uv-cache"),
            "UV_PYTHON_DOWNLOADS": "never",
            "UV_NO_PROGRESS": "1",
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_NO_CACHE_DIR": "1",
        }
        (run / "tmp").mkdir(exist_ok=True)
        env.update(extra or {})
        return env

    def reset_counts(self) -> None:
        self.keyring_log.write_text("")
        for server in self.servers.values():
            server.clear_log()

    def run(
        self, argv: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = 120.0
    ) -> tuple[subprocess.CompletedProcess[str] | None, float]:
        """Run one tool once with a timeout; returns (process or None on timeout, seconds)."""
        self.reset_counts()
        started = time.perf_counter()
        try:
            done = subprocess.run(
                list(argv),
                env=env,
                cwd=cwd,
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                timeout=self.deadline.timeout(timeout),
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None, time.perf_counter() - started
        return done, time.perf_counter() - started

    def counts(self) -> dict[str, Any]:
        """What the counting keyring and both servers logged since `reset_counts`."""
        calls = [json.loads(line) for line in self.keyring_log.read_text().splitlines() if line]
        cli = [c for c in calls if c["kind"] == "cli"]
        native = [c for c in calls if c["kind"] == "native" and c["op"].startswith("get")]
        cli_gets = [c for c in cli if "get" in c["argv"]]
        requests = [r for server in self.servers.values() for r in server.requests()]
        statuses = {
            name: dict(sorted(Counter(str(r.get("status")) for r in server.requests()).items()))
            for name, server in self.servers.items()
        }
        return {
            "lookups": len(cli_gets) + len(native),
            "subprocesses": len({c["pid"] for c in cli}),
            "native_calls": len(native),
            "auth_failures": sum(1 for r in requests if r.get("status") in (401, 403)),
            "requests": len(requests),
            "statuses": statuses,
            "keyring_argv": [c["argv"] for c in cli][:8]
            + [[c["op"], c["service"], str(c["username"])] for c in native][:8],
        }


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    """Median figures over the runs (counts are the median too; `runs` keeps each one)."""

    def median(name: str) -> float:
        return float(statistics.median(getattr(o, name) for o in outcomes))

    counts = {
        name: round(median(name))
        for name in ("lookups", "subprocesses", "native_calls", "auth_failures", "requests")
    }
    return {
        "status": "ok" if all(o.ok for o in outcomes) else "failed",
        **counts,
        "wall_s": round(median("wall_s"), 3),
        "runs": [
            {
                "ok": o.ok,
                "wall_s": round(o.wall_s, 3),
                "lookups": o.lookups,
                "subprocesses": o.subprocesses,
                "auth_failures": o.auth_failures,
                "requests": o.requests,
                **({"detail": o.detail} if o.detail else {}),
                **({"fetch_s": round(o.fetch_s, 3)} if o.fetch_s is not None else {}),
            }
            for o in outcomes
        ],
        "keyring_calls_seen": outcomes[-1].keyring_argv,
        "statuses_by_index": outcomes[-1].statuses,
    }
