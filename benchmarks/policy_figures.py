"""The figures measured for keyring-policy alone, each against its target."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import World
from benchmarks.runners import driver
from benchmarks.scenarios import PRIMARY, SCENARIOS, uv_toml
from tests.support.services import PASSWORD, USER

OVERHEAD_TARGET = 1.05
STARTUP_TARGET_MS = 30.0


def _config(world: World, provider: str) -> tuple[Path, dict[str, Any]]:
    """The first scenario's uv.toml (username in the URL) in a fresh run directory."""
    run = world.new_run_dir()
    scenario = SCENARIOS[0]
    config = run / "uv.toml"
    config.write_text(uv_toml(scenario, world.bases, world.passwords))
    spec = {
        "config": str(config),
        "provider": provider,
    }
    return run, spec


def _burst(world: World, tasks: int, configured: bool) -> dict[str, Any]:
    run = world.new_run_dir()
    provider = "native"  # no username anywhere: only the native provider reads
    index = f"{world.bases[PRIMARY]}/simple/"
    spec: dict[str, Any] = {
        "provider": provider,
        "projects": world.projects,
        "tasks": tasks,
        "base_url": None if configured else index.rstrip("/"),
    }
    config = run / "uv.toml"
    config.write_text(
        f'[[index]]\nname = "bench"\nurl = "{index}"\ndefault = true\n' if configured else ""
    )
    spec["config"] = str(config)
    result, _, _ = driver(world, "concurrent", spec, run, {})
    counts = world.counts()
    return {
        "tasks": tasks,
        "ok": bool(result.get("ok")),
        "lookups": counts["lookups"],
        "auth_failures": counts["auth_failures"],
        "requests": counts["requests"],
        "statuses": result.get("statuses"),
        "seconds": result.get("seconds"),
        "target": "lookups == 1",
        "met": bool(result.get("ok")) and counts["lookups"] == 1,
        # The second bound, on wasted round trips: at most one 401/403 per realm per process.
        "wasted_target": "401/403 <= 1",
        "wasted_met": counts["auth_failures"] <= 1,
        **({"error": result["error"]} if "error" in result else {}),
    }


def concurrent(world: World, tasks: int) -> dict[str, Any]:
    """`tasks` concurrent async fetches with nothing known yet: the keyring is read once.

    Twice: under a configured index (the native provider may read before the first request)
    and with no index configured (the first request must take the 401).
    """
    figure = _burst(world, tasks, configured=True)
    outside = _burst(world, tasks, configured=False)
    figure["no_index"] = outside
    figure["met"] = figure["met"] and outside["met"]
    figure["wasted_met"] = figure["wasted_met"] and outside["wasted_met"]
    return figure


def _fast_server(world: World) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.fast_server", USER, PASSWORD, "300"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    port = process.stdout.readline().strip()  # type: ignore[union-attr]
    return process, f"http://127.0.0.1:{port}"


def overhead(
    world: World, requests: int, rounds: int, profile: Path | None, http: str = "httpx"
) -> dict[str, Any]:
    """PolicyAuth vs a fixed httpx.BasicAuth, same client and server, `requests` each round.

    `http="requests"`: PolicyRequestsAuth vs requests' HTTPBasicAuth, the same way.
    """
    process, base = _fast_server(world)
    try:
        run = world.new_run_dir()
        index = f"{base}/simple/"
        spec = {
            "base": base,
            "user": USER,
            "password": PASSWORD,
            "requests": requests,
            "rounds": rounds,
            "provider": "disabled",
            "driver": http,
            "env": {"UV_INDEX_BENCH_USERNAME": USER, "UV_INDEX_BENCH_PASSWORD": PASSWORD},
        }
        config = run / "uv.toml"
        config.write_text(f'[[index]]\nname = "bench"\nurl = "{index}"\ndefault = true\n')
        spec["config"] = str(config)
        result, _, _ = driver(world, "overhead", spec, run, dict(spec["env"]), timeout=180)
        if result.get("ok") and profile and result["ratio"] >= OVERHEAD_TARGET:
            driver(
                world,
                "overhead",
                {**spec, "rounds": 1, "profile": str(profile)},
                run,
                dict(spec["env"]),
                timeout=180,
            )
            result["profile_file"] = str(profile)
    finally:
        process.terminate()
        process.wait(timeout=10)
    if not result.get("ok"):
        return {"ok": False, "met": False, "error": result.get("error", "driver failed")}
    return {
        "ok": True,
        "requests": requests,
        "rounds": rounds,
        "ratio": round(result["ratio"], 4),
        "round_ratios": [round(r, 3) for r in result["round_ratios"]],
        "median_request_ratios": [round(r, 3) for r in result["median_request_ratios"]],
        "overhead_us_per_request": round(result["overhead_us_per_request"], 1),
        "bare_s": [round(s, 4) for s in result["bare_s"]],
        "policy_s": [round(s, 4) for s in result["policy_s"]],
        "target": f"ratio < {OVERHEAD_TARGET}",
        "met": result["ratio"] < OVERHEAD_TARGET,
        **({"profile_file": result["profile_file"]} if "profile_file" in result else {}),
    }


def startup(world: World, runs: int, profile: Path | None) -> dict[str, Any]:
    """Import policy + load settings + decide, over importing pydantic and httpx alone."""
    run, spec = _config(world, "subprocess")
    spec["url"] = f"{world.bases[PRIMARY]}/simple/benchpkg00/"
    baseline, first_model, added, strict, errors = [], [], [], [], []
    for _ in range(runs):
        result, _, _ = driver(world, "startup", spec, run, {}, timeout=60)
        if not result.get("ok"):
            errors.append(result.get("error", "driver failed"))
            break
        baseline.append(result["baseline_ms"])
        first_model.append(result["first_model_ms"])
        added.append(result["policy_ms"])
        strict.append(result["policy_strict_ms"])
    if not added:
        return {"ok": False, "met": False, "error": errors[0] if errors else "no runs"}
    median = statistics.median(added)
    figure = {
        "ok": True,
        "runs": len(added),
        "added_ms": round(median, 1),
        "added_strict_ms": round(statistics.median(strict), 1),
        "baseline_ms": round(statistics.median(baseline), 1),
        "pydantic_first_model_ms": round(statistics.median(first_model), 1),
        "added_ms_each": [round(ms, 1) for ms in added],
        "added_ms_min": round(min(added), 1),
        "target": f"added < {STARTUP_TARGET_MS:g} ms",
        "met": median < STARTUP_TARGET_MS,
        "met_strict": statistics.median(strict) < STARTUP_TARGET_MS,
    }
    if profile and median >= STARTUP_TARGET_MS:
        driver(world, "startup", {**spec, "profile": str(profile)}, run, {}, timeout=60)
        figure["profile_file"] = str(profile)
    return figure


def keyring_import(world: World) -> dict[str, Any]:
    """With the subprocess or the disabled provider, `keyring` must never be imported."""
    netloc = world.netloc(PRIMARY)
    imported: dict[str, bool] = {}
    statuses: dict[str, Any] = {}
    errors = []
    for provider in ("subprocess", "disabled"):
        run, spec = _config(world, provider)
        extra = {}
        if provider == "disabled":  # no keyring at all: the credentials come from the env
            extra = {"UV_INDEX_BENCH_USERNAME": USER, "UV_INDEX_BENCH_PASSWORD": PASSWORD}
        spec["url"] = f"http://{USER}@{netloc}/simple/benchpkg00/"
        result, _, _ = driver(world, "keyring-import", spec, run, extra)
        statuses[provider] = result.get("status")
        if "error" in result:
            errors.append(f"{provider}: {result['error']}")
        for step, seen in result.get("imported", {}).items():
            imported[f"{provider}: {step}"] = seen
    ok = not errors and all(status == 200 for status in statuses.values())
    return {
        "ok": ok,
        "imported": imported,
        "fetch_status": statuses,
        "target": "keyring not imported",
        "met": bool(imported) and not any(imported.values()),
        **({"error": "; ".join(errors)} if errors else {}),
    }


MASKING_SIZES = (40_000, 400_000)
MASKING_LINEAR_LIMIT = 20.0
"""10x the input may cost at most 20x the time: linear with room for noise (quadratic is 100x)."""


def masking(repeats: int) -> dict[str, Any]:
    """The one masker on hostile inputs: time per call for 40 kB and 400 kB, and their ratio.

    Inputs are the shapes that made the old regex masker quadratic: a long value with one `:`,
    many `@` without a scheme, a URL whose userinfo is long, a TOML line holding such a URL.
    """
    from policy.redact import mask_text, mask_toml_line, redact_url

    def shapes(size: int) -> dict[str, Callable[[], object]]:
        colon = "x" * size + ":" + "y" * 10
        ats = "a@" * (size // 2)
        url = "https://user:" + "p" * size + "@host/simple/"
        toml = f'index-url = "{url}"'
        return {
            "one colon": lambda: mask_text(colon),
            "many @": lambda: mask_text(ats),
            "long userinfo": lambda: redact_url(url),
            "toml line": lambda: mask_toml_line(toml, 1),
        }

    per_size: dict[int, dict[str, float]] = {}
    for size in MASKING_SIZES:
        timings: dict[str, float] = {}
        for name, call in shapes(size).items():
            best = float("inf")
            for _ in range(repeats):
                started = time.perf_counter()
                call()
                best = min(best, time.perf_counter() - started)
            timings[name] = best * 1000
        per_size[size] = timings
    small, large = (per_size[size] for size in MASKING_SIZES)
    ratios = {name: large[name] / max(small[name], 1e-6) for name in small}
    return {
        "ok": True,
        "ms_40k": small,
        "ms_400k": large,
        "ratios": ratios,
        "target": f"400 kB / 40 kB time < {MASKING_LINEAR_LIMIT:g}",
        "met": all(ratio < MASKING_LINEAR_LIMIT for ratio in ratios.values()),
    }
