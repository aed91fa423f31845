"""How each tool runs one scenario once: argv, environment, and what counts as success."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import Outcome, World
from benchmarks.scenarios import (
    Scenario,
    credential_env,
    has_url_username,
    pip_args,
    uv_toml,
)

DRIVER = [sys.executable, "-m", "benchmarks.policy_driver"]


@dataclass(frozen=True)
class Tool:
    """One column of the table: a label, whether it can run here, and how to run once."""

    key: str
    label: str
    available: Callable[[], str | None]  # None when available, else why not
    run_once: Callable[[World, Scenario], Outcome]
    applies: Callable[[Scenario], bool] = lambda scenario: True


def _outcome(
    world: World,
    done: subprocess.CompletedProcess[str] | None,
    wall: float,
    ok: Callable[[subprocess.CompletedProcess[str]], bool],
) -> Outcome:
    counts = world.counts()
    if done is None:
        return Outcome(False, wall, **counts, detail="timed out")
    success = ok(done)
    detail = "" if success else (done.stderr or done.stdout).strip()[-300:]
    return Outcome(success, wall, **counts, detail=detail)


def _write_config(world: World, scenario: Scenario, run: Path) -> Path:
    config = run / "uv.toml"
    config.write_text(uv_toml(scenario, world.bases, world.passwords))
    return config


# --- uv -----------------------------------------------------------------------------------


def uv_path() -> Path | None:
    beside = Path(sys.executable).parent / "uv"
    if beside.exists():
        return beside
    found = shutil.which("uv")
    return Path(found) if found else None


def uv_version() -> str:
    uv = uv_path()
    if uv is None:
        return "uv"
    done = subprocess.run(
        [str(uv), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    return done.stdout.strip() or "uv"


def _uv_available() -> str | None:
    return None if uv_path() else "uv not found"


def uv_install_argv(config: Path, run: Path, projects: list[str]) -> list[str]:
    """`uv pip install` of `projects` into `run/target` with only `config`'s settings."""
    return [
        str(uv_path()),
        "pip",
        "install",
        "--config-file",
        str(config),
        "--python",
        sys.executable,
        "--target",
        str(run / "target"),
        "--no-deps",
        *projects,
    ]


def _uv_once(world: World, scenario: Scenario) -> Outcome:
    run = world.new_run_dir()
    config = _write_config(world, scenario, run)
    argv = uv_install_argv(config, run, world.projects)
    env = world.env(run, credential_env(scenario, world.passwords))
    done, wall = world.run(argv, env, run)
    return _outcome(world, done, wall, lambda d: d.returncode == 0)


# --- pip ----------------------------------------------------------------------------------


def pip_version() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return " ".join(done.stdout.split()[:2]) or "pip"


def _pip_available() -> str | None:
    return None if importlib.util.find_spec("pip") else "pip not installed"


def _pip_once(world: World, scenario: Scenario, *, drop_username: bool = False) -> Outcome:
    run = world.new_run_dir()
    dest = run / "downloads"
    argv = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "-d",
        str(dest),
        "--keyring-provider",
        "subprocess",
        "--no-input",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "-q",
        *pip_args(scenario, world.bases, world.passwords, drop_username=drop_username),
        *world.projects,
    ]
    done, wall = world.run(argv, world.env(run), run)

    def ok(d: subprocess.CompletedProcess[str]) -> bool:
        return d.returncode == 0 and len(list(dest.glob("*.whl"))) == len(world.projects)

    return _outcome(world, done, wall, ok)


# --- keyring-policy -------------------------------------------------------------------------


def _policy_available() -> str | None:
    return None  # the library is this repository: always there


def driver(
    world: World,
    mode: str,
    spec: dict[str, Any],
    run: Path,
    extra_env: dict[str, str],
    timeout: float = 120.0,
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str] | None, float]:
    """Run the driver once in a fresh interpreter; returns its JSON, the process, the time."""
    done, wall = world.run(
        [*DRIVER, mode, "--spec", json.dumps(spec)], world.env(run, extra_env), run, timeout
    )
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1]) if done else {}
    except (json.JSONDecodeError, IndexError):
        result = {"ok": False, "error": (done.stderr if done else "")[-300:]}
    return result, done, wall


def _requests_available() -> str | None:
    return None if importlib.util.find_spec("requests") else "requests not installed"


def _policy_once(provider: str, http: str = "httpx") -> Callable[[World, Scenario], Outcome]:
    def once(world: World, scenario: Scenario) -> Outcome:
        run = world.new_run_dir()
        spec = {
            "config": str(_write_config(world, scenario, run)),
            "provider": provider,
            "driver": http,
            "projects": world.projects,
            "dest": str(run / "downloads"),
        }
        result, done, wall = driver(
            world, "fetch", spec, run, credential_env(scenario, world.passwords)
        )
        outcome = _outcome(world, done, wall, lambda d: bool(result.get("ok")))
        if isinstance(result.get("seconds"), float):
            outcome.fetch_s = result["seconds"]
        if not outcome.ok:
            outcome.detail = json.dumps({k: v for k, v in result.items() if k != "ok"})[:300]
        return outcome

    return once


TOOLS: tuple[Tool, ...] = (
    Tool("policy-native", "keyring-policy (native)", _policy_available, _policy_once("native")),
    Tool(
        "policy-subprocess",
        "keyring-policy (subprocess)",
        _policy_available,
        _policy_once("subprocess"),
    ),
    # The same installer on requests (PolicyRequestsAuth): its counts must equal httpx's.
    Tool(
        "policy-requests-native",
        "keyring-policy requests (native)",
        _requests_available,
        _policy_once("native", "requests"),
    ),
    Tool(
        "policy-requests-subprocess",
        "keyring-policy requests (subprocess)",
        _requests_available,
        _policy_once("subprocess", "requests"),
    ),
    Tool("uv", "uv", _uv_available, _uv_once),
    Tool("pip", "pip", _pip_available, _pip_once),
    Tool(
        "pip-no-username",
        "pip (no username in URL)",
        _pip_available,
        lambda world, scenario: _pip_once(world, scenario, drop_username=True),
        applies=has_url_username,
    ),
)
