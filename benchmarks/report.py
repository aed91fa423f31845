"""The table on stdout and the JSON record."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

COLUMNS = (
    ("tool", 36),  # "keyring-policy requests (subprocess)"
    ("status", 18),
    ("lookups", 8),
    ("subprocs", 9),
    ("401/403", 8),
    ("requests", 9),
    ("wall s", 7),
)


def _row(values: list[str]) -> str:
    return "  ".join(
        value.ljust(width) if i < 2 else value.rjust(width)
        for i, (value, (_, width)) in enumerate(zip(values, COLUMNS, strict=True))
    )


def scenario_table(scenario: dict[str, Any]) -> list[str]:
    lines = [
        f"{scenario['id']}: {scenario['title']} ({scenario['projects']} projects)",
        _row([name for name, _ in COLUMNS]),
        _row(["-" * width for _, width in COLUMNS]),
    ]
    for result in scenario["results"]:
        if result["status"] in ("ok", "failed"):
            figures = [
                str(result[k]) for k in ("lookups", "subprocesses", "auth_failures", "requests")
            ] + [f"{result['wall_s']:.2f}"]
        else:
            figures = ["-"] * 5
        lines.append(_row([result["label"], result["status"], *figures]))
    for note in scenario.get("notes", []):
        lines.append(f"  note: {note}")
    return lines


def _mark(figure: dict[str, Any]) -> str:
    if "met" not in figure:
        return ""
    return "meets" if figure["met"] else "MISSES"


def _not_measured(figure: dict[str, Any]) -> str:
    """A figure skipped for lack of time or whose driver failed carries no `target`."""
    return f"not measured: {figure.get('error') or 'no result'}"


def _concurrent(c: dict[str, Any]) -> str:
    def burst(b: dict[str, Any]) -> str:
        failed = "" if b.get("ok") else f" (failed: {b.get('error') or b.get('statuses')})"
        return (
            f"lookups {b.get('lookups')}, 401/403 {b.get('auth_failures')}, "
            f"requests {b.get('requests')}{failed}"
        )

    wasted = "meets" if c.get("wasted_met") else "MISSES"
    outside = f"; no index: {burst(c['no_index'])}" if "no_index" in c else ""
    return (
        f"configured index: {burst(c)}{outside}"
        f"  [{c['target']}: {_mark(c)}; {c.get('wasted_target', '401/403')}: {wasted}]"
    )


def _overhead(o: dict[str, Any]) -> str:
    text = (
        f"ratio {o['ratio']:.3f} (rounds {min(o['round_ratios']):.3f}-"
        f"{max(o['round_ratios']):.3f}, median request "
        f"{statistics.median(o['median_request_ratios']):.3f}; "
        f"{o['overhead_us_per_request']:+.1f} us/request; {o['requests']} interleaved "
        f"request pairs x {o['rounds']} rounds)"
        if o.get("ok")
        else f"failed: {o.get('error')}"
    )
    return f"{text}  [{o['target']}: {_mark(o)}]"


def _startup(s: dict[str, Any]) -> str:
    text = (
        f"+{s['added_ms']:.1f} ms (min {s['added_ms_min']:.1f}) over httpx + pydantic "
        "with one model defined; "
        f"+{s['added_strict_ms']:.1f} ms over the bare imports ({s['baseline_ms']:.1f} "
        f"ms; pydantic's first model alone {s['pydantic_first_model_ms']:.1f} ms), "
        f"median of {s['runs']}"
        if s.get("ok")
        else f"failed: {s.get('error')}"
    )
    return f"{text}  [{s['target']}: {_mark(s)}]"


def _keyring_import(k: dict[str, Any]) -> str:
    seen = k.get("imported") or {}
    if not seen:
        text = f"failed: {k.get('error')}"
    elif any(seen.values()):
        text = "imported after " + ", ".join(step for step, v in seen.items() if v)
    else:
        text = (
            f"no, in all {len(seen)} checks (subprocess and disabled providers; after "
            "load_settings, decide and an authenticated fetch)"
        )
    return f"{text}  [{_mark(k)}]"


def _masking(m: dict[str, Any]) -> str:
    worst = max(m["ratios"], key=lambda name: m["ratios"][name])
    slowest = max(m["ms_400k"].values())
    text = (
        f"slowest 400 kB input {slowest:.2f} ms; worst 10x-input ratio "
        f"{m['ratios'][worst]:.1f} ({worst})"
    )
    return f"{text}  [{m['target']}: {_mark(m)}]"


# Each figure of keyring-policy alone: its title and how a measured one reads.
FIGURES: tuple[tuple[str, str, Callable[[dict[str, Any]], str]], ...] = (
    ("concurrent", "concurrent async fetches, nothing known yet", _concurrent),
    ("overhead", "PolicyAuth over httpx.BasicAuth", _overhead),
    ("overhead_requests", "PolicyRequestsAuth over requests' HTTPBasicAuth", _overhead),
    ("startup", "start-up (import policy + load settings + decide)", _startup),
    ("keyring_import", "keyring package imported?", _keyring_import),
    ("masking", "masking hostile 40 kB / 400 kB inputs", _masking),
)


def policy_lines(figures: dict[str, Any]) -> list[str]:
    if figures.get("status"):
        return [f"keyring-policy alone: {figures['status']}"]
    lines = ["keyring-policy alone:"]
    for name, title, measured in FIGURES:
        figure = figures.get(name)
        if not figure:
            continue
        if name == "concurrent" and "tasks" in figure:
            title = f"{figure['tasks']} {title}"
        # A figure without a target was never measured (skipped past the time budget, or
        # its driver failed before measuring): say why instead of formatting its numbers.
        text = measured(figure) if "target" in figure else _not_measured(figure)
        lines.append(f"  {title}{' ' if title.endswith('?') else ': '}{text}")
    for name in ("overhead", "overhead_requests", "startup"):
        if figures.get(name, {}).get("profile_file"):
            lines.append(f"  profile of {name}: {figures[name]['profile_file']}")
    return lines


# The loads of keyring measured with keyring-policy's backend installed and not.
LOADS = ("get_keyring", "keyring get")


def _instructions_part(counts: dict[str, int] | None) -> str:
    """The instruction counts of `get_keyring` (callgrind), when they were measured."""
    if not counts:
        return ""
    absent, added = counts["absent"], counts["installed"] - counts["absent"]
    return (
        f"; instructions of get_keyring (callgrind): {added / 1e6:+.1f} M of "
        f"{absent / 1e6:.1f} M ({added / absent:+.2%})"
    )


def plugin_lines(record: dict[str, Any]) -> list[str]:
    """pip and uv with and without keyring-policy's keyring backend (`benchmarks.plugin_bench`)."""
    if not record:
        return []
    if "status" in record:
        return ["", f"keyring-policy's keyring backend: {record['status']}"]
    header = (
        f"{'tool':<36}  {'backend':<15}  {'status':<22}  {'calls':>6}  {'max/pair':>8}  "
        f"{'keyring procs':>13}  {'401/403':>7}  {'wall s':>7}"
    )
    lines = [
        "",
        "keyring-policy's keyring backend: pip and uv without it (plain) and with it "
        "(real backend calls; `keyring` processes)",
    ]

    def table(rows: list[dict[str, Any]]) -> list[str]:
        out = [header, "-" * len(header)]
        for row in rows:
            if "wall_s" not in row:
                out.append(f"{row['label']:<36}  {row['backend']:<15}  {row['status']}")
                continue
            out.append(
                f"{row['label']:<36}  {row['backend']:<15}  {row['status']:<22}  "
                f"{row['backend_calls']:>6}  {row.get('max_calls_per_pair', '-')!s:>8}  "
                f"{row['keyring_processes']:>13}  {row['auth_failures']:>7}  "
                f"{row['wall_s']:>7.2f}"
            )
        return out

    for scenario in record["scenarios"]:
        lines += ["", f"{scenario['id']}: {scenario['title']}", *table(scenario["results"])]
    hang = record["hang"]
    if hang.get("results"):
        lines += [
            "",
            f"a backend that hangs ({hang['scenario']}; KEYRING_POLICY_TIMEOUT="
            f"{hang['keyring_policy_timeout_s']:g} s, harness timeout {hang['kill_s']:g} s)",
            *table(hang["results"]),
        ]
    load = record["load"]
    if "met" in load:
        parts = [
            f"{name}: {load[name]['installed_ms']:.1f} ms installed vs "
            f"{load[name]['absent_ms']:.1f} ms not installed ({load[name]['added_ms']:+.1f} ms)"
            for name in LOADS
        ]
        lines += [
            "",
            "loading keyring with the backend installed but not enabled (median of "
            f"{load['get_keyring']['repeats']}, interleaved): "
            + "; ".join(parts)
            + f"; the module's own import {load['module_import_ms']:.2f} ms"
            + _instructions_part(load.get("instructions"))
            + f"  [added < 3 ms: {'meets' if load['met'] else 'MISSES'}]",
        ]
    elif load:
        lines += ["", f"loading keyring: {load.get('status')}"]
    for check in record.get("targets", []):
        if check["name"].startswith("second-index"):
            mark = "meets" if check["met"] else "MISSES"
            lines.append(f"  {check['name']}: {check['measured']}  [{mark}]")
    return lines


def render(record: dict[str, Any]) -> str:
    machine = record["machine"]
    lines = [
        f"keyring-policy benchmark, {record['started']} on {machine['platform']}, "
        f"{machine['cpus']} CPUs, Python {machine['python']}; "
        f"{machine['uv']}; {machine['pip']}; median of {record['runs']} run(s); "
        f"load average {machine['load_average_start'][:1]} -> "
        f"{machine['load_average_end'][:1]}",
        "",
    ]
    for scenario in record["scenarios"]:
        lines += [*scenario_table(scenario), ""]
    lines += policy_lines(record["policy"])
    lines += plugin_lines(record.get("plugin", {}))
    lines.append(f"\ntotal {record['duration_s']:.0f} s")
    return "\n".join(lines)


def write(record: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
