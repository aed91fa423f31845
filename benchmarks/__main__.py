"""`python -m benchmarks`: keyring-policy, uv and pip side by side on one local index.

Prints a table on stdout, a progress line per scenario and tool on stderr, and writes the
full record to `benchmarks/results/latest.json` (or `--out`).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import plugin_bench, policy_figures
from benchmarks.harness import Deadline, Outcome, World, project_names, summarise
from benchmarks.report import render, write
from benchmarks.runners import TOOLS, Tool, pip_version, uv_version
from benchmarks.scenarios import SCENARIOS, Scenario

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2 projects, 1 run, small policy figures"
    )
    parser.add_argument("--runs", type=int, help="runs per tool and scenario (default 3)")
    parser.add_argument("--projects", type=int, help="projects to install (default 20)")
    parser.add_argument(
        "--tools",
        default=",".join(t.key for t in TOOLS),
        help="comma list of: " + ", ".join(t.key for t in TOOLS),
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(s.id for s in SCENARIOS),
        help="comma list of: " + ", ".join(s.id for s in SCENARIOS),
    )
    parser.add_argument(
        "--no-policy-figures", action="store_true", help="skip the keyring-policy-only figures"
    )
    parser.add_argument(
        "--no-plugin",
        action="store_true",
        help="skip pip and uv with and without keyring-policy's keyring backend",
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="do not profile a figure that misses its target"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=280.0,
        help="seconds for the whole run; later runs are skipped past it",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    args.runs = max(1, min(args.runs or (1 if args.quick else 3), 20))
    args.projects = max(1, min(args.projects or (2 if args.quick else 20), 99))
    return args


def progress(deadline: Deadline, message: str) -> None:
    sys.stderr.write(f"[{deadline.elapsed:5.1f}s] {message}\n")
    sys.stderr.flush()


def load_average() -> list[float]:
    """1-, 5- and 15-minute load: timings on a busy machine are slower and noisier."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []


def machine(load_at_start: list[float]) -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "uv": uv_version(),
        "pip": pip_version(),
        "load_average_start": load_at_start,
        "load_average_end": load_average(),
    }


def run_tool(
    world: World,
    tool: Tool,
    scenario: Scenario,
    runs: int,
    deadline: Deadline,
    unavailable: str | None,
) -> dict[str, Any]:
    head = {"tool": tool.key, "label": tool.label}
    if unavailable:
        return {**head, "status": unavailable}
    outcomes: list[Outcome] = []
    for _ in range(runs):
        if deadline.left() < 20:
            break
        outcomes.append(tool.run_once(world, scenario))
    if not outcomes:
        return {**head, "status": "skipped (time budget)"}
    result = {**head, **summarise(outcomes)}
    progress(
        deadline,
        f"{scenario.id} / {tool.label}: {result['status']}, "
        f"{result['lookups']} lookups, {result['auth_failures']} x 401/403, "
        f"{result['wall_s']:.2f} s",
    )
    return result


def compare(scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bar against uv: our lookups and wasted round trips at or below uv's, per scenario."""
    checks = []
    for scenario in scenarios:
        by_tool = {r["tool"]: r for r in scenario["results"]}
        uv = by_tool.get("uv")
        if not uv or uv["status"] != "ok":
            continue
        for key in ("policy-native", "policy-subprocess"):
            ours = by_tool.get(key)
            if not ours or ours["status"] != "ok":
                continue
            for figure in ("lookups", "auth_failures"):
                checks.append(
                    {
                        "name": f"{scenario['id']}: {key} {figure} <= uv",
                        "measured": ours[figure],
                        "uv": uv[figure],
                        "met": ours[figure] <= uv[figure],
                    }
                )
    return checks + driver_parity(scenarios)


def driver_parity(scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requests driver runs the same flow: its lookups and 401/403s equal httpx's."""
    checks = []
    for scenario in scenarios:
        by_tool = {r["tool"]: r for r in scenario["results"]}
        for provider in ("native", "subprocess"):
            httpx_row = by_tool.get(f"policy-{provider}")
            requests_row = by_tool.get(f"policy-requests-{provider}")
            if not httpx_row or not requests_row:
                continue
            if httpx_row["status"] != "ok" or requests_row["status"] != "ok":
                continue
            for figure in ("lookups", "auth_failures"):
                checks.append(
                    {
                        "name": f"{scenario['id']}: policy-requests-{provider} {figure} "
                        f"== policy-{provider}",
                        "measured": requests_row[figure],
                        "httpx": httpx_row[figure],
                        "met": requests_row[figure] == httpx_row[figure],
                    }
                )
    return checks


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    deadline = Deadline(args.budget)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    load_at_start = load_average()
    wanted_tools = [t for t in TOOLS if t.key in args.tools.split(",")]
    wanted = [s for s in SCENARIOS if s.id in args.scenarios.split(",")]
    world = World(project_names(args.projects), deadline)
    results: dict[str, dict[str, dict[str, Any]]] = {s.id: {} for s in wanted}
    policy_record: dict[str, Any] = {}
    plugin_record: dict[str, Any] = {}
    try:
        world.start()
        progress(deadline, f"indexes up: {world.bases}")
        for scenario in wanted:
            for tool in wanted_tools:
                if not tool.applies(scenario):
                    continue
                results[scenario.id][tool.key] = run_tool(
                    world, tool, scenario, args.runs, deadline, tool.available()
                )
        if args.no_policy_figures:
            policy_record = {"status": "not measured (--no-policy-figures)"}
        else:
            policy_record = policy_alone(world, args, deadline)
        if args.no_plugin:
            plugin_record = {"status": "not measured (--no-plugin)"}
        else:
            plugin_record = plugin_bench.measure(
                world,
                [s for s in wanted if not args.quick or s.id == "second-index"] or wanted[:1],
                quick=args.quick,
                left=deadline.left,
                progress=lambda message: progress(deadline, message),
            )
    finally:
        world.stop()

    scenarios = []
    for scenario in wanted:
        with_pip = any(t.key.startswith("pip") for t in wanted_tools)
        notes = [scenario.pip_note] if scenario.pip_note and with_pip else []
        scenarios.append(
            {
                "id": scenario.id,
                "title": scenario.title,
                "projects": args.projects,
                "notes": notes,
                "results": [
                    results[scenario.id][t.key]
                    for t in wanted_tools
                    if t.key in results[scenario.id]
                ],
            }
        )
    record = {
        "schema": 1,
        "started": started,
        "duration_s": round(deadline.elapsed, 1),
        "quick": args.quick,
        "runs": args.runs,
        "projects": args.projects,
        "machine": machine(load_at_start),
        "scenarios": scenarios,
        "policy": policy_record,
        "plugin": plugin_record,
        "comparisons": compare(scenarios),
    }
    print(render(record))
    write(record, args.out)
    print(f"wrote {args.out}")
    return 0


def policy_alone(world: World, args: argparse.Namespace, deadline: Deadline) -> dict[str, Any]:
    profile_dir = None if args.no_profile or args.quick else args.out.parent
    figures: dict[str, Any] = {}
    steps = (
        ("concurrent", lambda: policy_figures.concurrent(world, 8 if args.quick else 64)),
        (
            "overhead",
            lambda: policy_figures.overhead(
                world,
                200 if args.quick else 2000,
                1 if args.quick else 5,
                profile_dir / "profile-overhead.txt" if profile_dir else None,
            ),
        ),
        (
            "overhead_requests",
            lambda: policy_figures.overhead(
                world,
                200 if args.quick else 2000,
                1 if args.quick else 5,
                profile_dir / "profile-overhead-requests.txt" if profile_dir else None,
                http="requests",
            ),
        ),
        (
            "startup",
            lambda: policy_figures.startup(
                world,
                2 if args.quick else 11,
                profile_dir / "profile-startup.txt" if profile_dir else None,
            ),
        ),
        ("keyring_import", lambda: policy_figures.keyring_import(world)),
        ("masking", lambda: policy_figures.masking(3 if args.quick else 7)),
    )
    for name, measure in steps:
        if deadline.left() < 10:
            figures[name] = {"ok": False, "met": False, "error": "skipped (time budget)"}
            continue
        started = time.monotonic()
        figures[name] = measure()
        progress(
            deadline,
            f"keyring-policy {name}: met={figures[name].get('met')} "
            f"({time.monotonic() - started:.1f} s)",
        )
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
