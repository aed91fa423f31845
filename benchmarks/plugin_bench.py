"""pip and uv with and without keyring-policy's keyring backend, side by side.

Every run uses the real `keyring` package: the real `keyring` command (behind a launcher that
logs each process) and pip's in-process `keyring` import. The backend that holds the password
is the counting backend (`benchmarks/counting_backend.py`), so **backend calls** are the calls
a real keyring (Secret Service, macOS Keychain) would have to answer:

- without: `PYTHON_KEYRING_BACKEND` names the counting backend itself;
- with: `keyring-policy keyring enable --wraps <counting backend>` in the run's fresh HOME,
  exactly what a user runs once, so keyring loads keyring-policy's backend from its config file.

Also here: a backend that hangs (with: a miss after `KEYRING_POLICY_TIMEOUT`; without: the tool
hangs until the harness kills it), and the cost of loading keyring with the backend installed
but not enabled against not installed, interleaved.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import BACKEND, REPO, World
from benchmarks.runners import uv_install_argv, uv_path
from benchmarks.scenarios import Scenario, credential_env, pip_args, uv_toml
from tests.support.services import isolated_home

PLUGIN = "policy.keyring_backend.backend.PolicyKeyring"
HANGING = "benchmarks.hanging_backend.HangingKeyring"
HANG_TIMEOUT_S = 1.0
"""`KEYRING_POLICY_TIMEOUT` in the hanging-backend runs."""
HANG_KILL_S = 20.0
"""The harness's timeout in the hanging-backend runs: a tool still running then is killed."""

LAUNCHER = """\
import json, os, sys, time
with open(os.environ["COUNTING_KEYRING_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"kind": "cli", "argv": sys.argv[1:], "pid": os.getpid(),
                          "t": time.time()}) + "\\n")
from keyring.cli import main
sys.exit(main())
"""


@dataclass(frozen=True)
class Variant:
    """One column pair: a tool and keyring provider, run without and with the backend."""

    key: str
    label: str

    def argv(self, world: World, scenario: Scenario, run: Path) -> list[str]:
        if self.key == "uv":
            config = run / "uv.toml"
            config.write_text(uv_toml(scenario, world.bases, world.passwords))
            return uv_install_argv(config, run, world.projects)
        provider = self.key.removeprefix("pip-")
        return [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-d",
            str(run / "downloads"),
            "--keyring-provider",
            provider,
            "--no-input",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "-q",
            # pip sends `alice:` with an empty password when the URL has a username, and
            # pypiserver's 403 stops it before any keyring lookup: the URL goes without one.
            *pip_args(scenario, world.bases, world.passwords, drop_username=True),
            *world.projects,
        ]

    def ok(self, world: World, run: Path, done: subprocess.CompletedProcess[str]) -> bool:
        if done.returncode != 0:
            return False
        if self.key == "uv":
            return True
        return len(list((run / "downloads").glob("*.whl"))) == len(world.projects)


VARIANTS = (
    Variant("pip-subprocess", "pip --keyring-provider subprocess"),
    Variant("pip-import", "pip --keyring-provider import"),
    Variant("uv", "uv (keyring-provider subprocess)"),
)


def _launcher_dir(world: World) -> Path:
    """A `keyring` that logs its process, then runs the real `keyring` command."""
    directory = world.root / "real-keyring-bin"
    if not directory.exists():
        directory.mkdir()
        launcher = directory / "keyring"
        launcher.write_text(f"#!{sys.executable}\n{LAUNCHER}")
        launcher.chmod(0o755)
    return directory


def _environment(
    world: World, scenario: Scenario, run: Path, plugin: bool, wrapped: str
) -> dict[str, str]:
    env = world.env(run, credential_env(scenario, world.passwords))
    env["PATH"] = os.pathsep.join([str(_launcher_dir(world)), "/usr/local/bin", "/usr/bin", "/bin"])
    if plugin:
        del env["PYTHON_KEYRING_BACKEND"]
        enabled = subprocess.run(
            [sys.executable, "-m", "policy", "keyring", "enable", "--wraps", wrapped],
            env=env,
            cwd=run,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if enabled.returncode != 0:
            raise RuntimeError(f"keyring-policy keyring enable failed: {enabled.stderr[-300:]}")
    else:
        env["PYTHON_KEYRING_BACKEND"] = wrapped
    return env


def run_once(
    world: World,
    scenario: Scenario,
    variant: Variant,
    *,
    plugin: bool,
    hang: bool = False,
) -> dict[str, Any]:
    """One run; the figures of the table."""
    run = world.new_run_dir()
    env = _environment(world, scenario, run, plugin, HANGING if hang else BACKEND)
    if hang:
        env["KEYRING_POLICY_TIMEOUT"] = f"{HANG_TIMEOUT_S:g}"
    argv = variant.argv(world, scenario, run)
    done, wall = world.run(argv, env, run, HANG_KILL_S if hang else 180.0)
    counts = world.counts()
    if done is None:
        status = f"killed at {HANG_KILL_S:g} s" if hang else "timed out"
    elif hang:
        status = f"returned (exit {done.returncode})"
    else:
        status = "ok" if variant.ok(world, run, done) else "failed"
    result = {
        "tool": variant.key,
        "label": variant.label,
        "backend": "keyring-policy" if plugin else "plain",
        "status": status,
        "backend_calls": counts["native_calls"],
        "keyring_processes": counts["subprocesses"],
        "auth_failures": counts["auth_failures"],
        "requests": counts["requests"],
        "wall_s": round(wall, 3),
    }
    if done is not None and status == "failed":
        result["detail"] = (done.stderr or done.stdout).strip()[-300:]
    return result


# -- the cost of loading -----------------------------------------------------------------------

LOAD_CODE = {
    "get_keyring": "import keyring; keyring.get_keyring()",
    "keyring get": (
        "import sys; sys.argv = ['keyring', 'get', 'kp-bench-service', 'alice']\n"
        "from keyring.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    ),
}


def _site_packages() -> Path:
    import keyring

    return Path(keyring.__file__).resolve().parent.parent


def _shadow_site(root: Path, installed: bool) -> Path:
    """The venv's site-packages as links, with or without keyring-policy's distribution.

    Installed means its `dist-info` and its package side by side, as a wheel installs them.
    The editable install's own path entry is left out on purpose: put on `sys.path` ahead of
    the standard library it slows every later import (1 % more instructions in keyring's
    start-up, some 2 ms, counted with callgrind), a cost no real installation has (a wheel
    adds no entry; an editable install's `.pth` appends its entry after the standard library).
    """
    site = _site_packages()
    shadow = root / ("site-installed" if installed else "site-absent")
    shadow.mkdir()
    for entry in site.iterdir():
        name = entry.name
        if name.endswith(".pth"):
            continue  # `-S` skips them anyway; the package is linked below
        if name.startswith("keyring_policy-") and not installed:
            continue
        (shadow / name).symlink_to(entry)
    if installed:
        (shadow / "policy").symlink_to(REPO / "policy")
    return shadow


def _load_argv(shadow: Path, code: str) -> list[str]:
    """The same `sys.path` for both variants: only the shadow site differs."""
    prelude = f"import sys; sys.path[:0] = {[str(shadow)]!r}\n"
    return [sys.executable, "-S", "-c", prelude + code]


def load_cost(world: World, repeats: int, *, instructions: bool = False) -> dict[str, Any]:
    """Median wall time of loading keyring, plugin installed (not enabled) vs not installed.

    With `instructions`, also the instructions `get_keyring` executes in each case, counted by
    valgrind's callgrind: a figure that other processes on the machine do not move.
    """
    root = world.root / "load-cost"
    root.mkdir()
    home = isolated_home(root)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **home}
    shadows = {installed: _shadow_site(root, installed) for installed in (False, True)}
    figures: dict[str, Any] = {}
    for name, code in LOAD_CODE.items():
        times: dict[bool, list[float]] = {False: [], True: []}
        loaded = None
        for round_ in range(repeats + 1):
            order = (False, True) if round_ % 2 == 0 else (True, False)
            for installed in order:
                argv = _load_argv(shadows[installed], code)
                started = time.perf_counter()
                subprocess.run(
                    argv, env=env, cwd=root, capture_output=True, timeout=60, check=False
                )
                if round_:  # the first round warms the file system cache
                    times[installed].append(time.perf_counter() - started)
        check = subprocess.run(
            _load_argv(
                shadows[True], code + "\nprint('policy.keyring_backend.backend' in sys.modules)"
            ),
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        loaded = check.stdout.strip().endswith("True")
        absent = statistics.median(times[False]) * 1000
        present = statistics.median(times[True]) * 1000
        figures[name] = {
            "absent_ms": round(absent, 1),
            "installed_ms": round(present, 1),
            "added_ms": round(present - absent, 1),
            "plugin_module_loaded": loaded,
            "repeats": repeats,
        }
    figures["module_import_ms"] = _module_import_ms(shadows[True], env, root, repeats)
    if instructions:
        counts = {
            installed: _instructions(
                _load_argv(shadows[installed], LOAD_CODE["get_keyring"]), env, root
            )
            for installed in (False, True)
        }
        if None not in counts.values():
            figures["instructions"] = {"absent": counts[False], "installed": counts[True]}
    figures["met"] = all(
        figures[name]["added_ms"] < 3.0 and figures[name]["plugin_module_loaded"]
        for name in LOAD_CODE
    )
    return figures


def _instructions(argv: list[str], env: dict[str, str], cwd: Path) -> int | None:
    """Instructions the process executes under callgrind (children not followed); None if
    valgrind is missing or fails. The runs before have written the bytecode."""
    if shutil.which("valgrind") is None:
        return None
    try:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={os.devnull}", *argv],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


def _module_import_ms(shadow: Path, env: dict[str, str], cwd: Path, repeats: int) -> float:
    """In-process: importing the backend's module once keyring is loaded (less noisy)."""
    code = (
        "import time, keyring.backend\n"
        "t = time.perf_counter()\n"
        "import policy.keyring_backend.backend\n"
        "print((time.perf_counter() - t) * 1000)"
    )
    samples = []
    for _ in range(repeats):
        done = subprocess.run(
            _load_argv(shadow, code),
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        try:
            samples.append(float(done.stdout.strip()))
        except ValueError:
            continue
    return round(statistics.median(samples), 2) if samples else -1.0


# -- the whole section -------------------------------------------------------------------------


def _pairs_max(world: World) -> int:
    """The most real backend calls any one (service, username) got in the last run."""
    calls = [json.loads(line) for line in world.keyring_log.read_text().splitlines() if line]
    pairs = Counter(
        (c["service"], c["username"])
        for c in calls
        if c["kind"] == "native" and c["op"].startswith("get")
    )
    return max(pairs.values(), default=0)


def _variants() -> list[Variant]:
    return [v for v in VARIANTS if v.key != "uv" or uv_path() is not None]


def measure(
    world: World,
    scenarios: list[Scenario],
    *,
    quick: bool,
    left: Callable[[], float],
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Every figure of the section; steps past the time budget are marked skipped."""
    record: dict[str, Any] = {"scenarios": [], "hang": {}, "load": {}}
    for scenario in scenarios:
        rows = []
        for variant in _variants():
            for plugin in (False, True):
                if left() < 30:
                    rows.append(_skipped(variant, plugin))
                    continue
                row = run_once(world, scenario, variant, plugin=plugin)
                row["max_calls_per_pair"] = _pairs_max(world)
                rows.append(row)
                progress(
                    f"plugin / {scenario.id} / {row['label']} / {row['backend']}: "
                    f"{row['status']}, {row['backend_calls']} backend calls, "
                    f"{row['keyring_processes']} keyring processes, {row['wall_s']:.2f} s"
                )
        record["scenarios"].append({"id": scenario.id, "title": scenario.title, "results": rows})
    hang_scenario = next((s for s in scenarios if s.id == "url-username"), scenarios[0])
    rows = []
    for variant in _variants():
        for plugin in (False, True):
            if quick or left() < HANG_KILL_S + 20:
                rows.append(_skipped(variant, plugin))
                continue
            row = run_once(world, hang_scenario, variant, plugin=plugin, hang=True)
            rows.append(row)
            progress(
                f"plugin / hanging backend / {row['label']} / {row['backend']}: {row['status']}"
            )
    record["hang"] = {
        "scenario": hang_scenario.id,
        "keyring_policy_timeout_s": HANG_TIMEOUT_S,
        "kill_s": HANG_KILL_S,
        "results": rows,
    }
    if left() < 30:
        record["load"] = {"status": "skipped (time budget)"}
    else:
        # Counting instructions runs keyring twice under valgrind: about 30 s.
        count = not quick and left() > 120
        record["load"] = load_cost(world, 3 if quick else 21, instructions=count)
        progress(f"plugin / load cost: met={record['load']['met']}")
    record["targets"] = targets(record)
    return record


def _skipped(variant: Variant, plugin: bool) -> dict[str, Any]:
    return {
        "tool": variant.key,
        "label": variant.label,
        "backend": "keyring-policy" if plugin else "plain",
        "status": "skipped (time budget)",
    }


def targets(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The section's targets, each with what was measured."""
    checks = []
    for scenario in record["scenarios"]:
        if scenario["id"] != "second-index":
            continue
        for row in scenario["results"]:
            if row["backend"] == "keyring-policy" and "max_calls_per_pair" in row:
                checks.append(
                    {
                        "name": f"second-index: {row['label']} with the backend, real backend "
                        "calls per (service, username) <= 1",
                        "measured": row["max_calls_per_pair"],
                        "met": row["max_calls_per_pair"] <= 1 and row["status"] == "ok",
                    }
                )
    for row in record["hang"].get("results", []):
        if row["status"].startswith("skipped"):
            continue
        with_backend = row["backend"] == "keyring-policy"
        checks.append(
            {
                "name": f"hanging backend: {row['label']} "
                + ("returns" if with_backend else "is killed (shown, not a target)"),
                "measured": row["status"],
                "met": row["status"].startswith("returned") if with_backend else True,
            }
        )
    load = record["load"]
    if "met" in load:
        checks.append(
            {
                "name": "loading keyring with the backend installed, not enabled: < 3 ms added",
                "measured": {name: load[name]["added_ms"] for name in LOAD_CODE},
                "met": load["met"],
            }
        )
    return checks
