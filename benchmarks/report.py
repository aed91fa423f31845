"""The table on stdout and the JSON record."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

COLUMNS = (
    ("tool", 28),
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


def policy_lines(figures: dict[str, Any]) -> list[str]:
    if figures.get("status"):
        return [f"keyring-policy alone: {figures['status']}"]
    lines = ["keyring-policy alone:"]
    c = figures.get("concurrent", {})
    if c:

        def burst(b: dict[str, Any]) -> str:
            failed = "" if b["ok"] else f" (failed: {b.get('error') or b.get('statuses')})"
            return (
                f"lookups {b['lookups']}, 401/403 {b['auth_failures']}, "
                f"requests {b['requests']}{failed}"
            )

        lines.append(
            f"  {c['tasks']} concurrent async fetches, nothing known yet: configured index: "
            f"{burst(c)}; no index: {burst(c['no_index'])}"
            f"  [{c['target']}: {_mark(c)}; {c['wasted_target']}: "
            f"{'meets' if c['wasted_met'] else 'MISSES'}]"
        )
    o = figures.get("overhead", {})
    if o:
        text = (
            f"ratio {o['ratio']:.3f} (rounds {min(o['round_ratios']):.3f}-"
            f"{max(o['round_ratios']):.3f}, median request "
            f"{statistics.median(o['median_request_ratios']):.3f}; "
            f"{o['overhead_us_per_request']:+.1f} us/request; {o['requests']} interleaved "
            f"request pairs x {o['rounds']} rounds)"
            if o["ok"]
            else f"failed: {o.get('error')}"
        )
        lines.append(f"  PolicyAuth over httpx.BasicAuth: {text}  [ratio < 1.05: {_mark(o)}]")
    s = figures.get("startup", {})
    if s:
        text = (
            f"+{s['added_ms']:.1f} ms (min {s['added_ms_min']:.1f}) over httpx + pydantic "
            "with one model defined; "
            f"+{s['added_strict_ms']:.1f} ms over the bare imports ({s['baseline_ms']:.1f} "
            f"ms; pydantic's first model alone {s['pydantic_first_model_ms']:.1f} ms), "
            f"median of {s['runs']}"
            if s["ok"]
            else f"failed: {s.get('error')}"
        )
        lines.append(
            f"  start-up (import policy + load settings + decide): {text}  "
            f"[{s['target']}: {_mark(s)}]"
        )
    k = figures.get("keyring_import", {})
    if k:
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
        lines.append(f"  keyring package imported? {text}  [{_mark(k)}]")
    for name in ("overhead", "startup"):
        if figures.get(name, {}).get("profile_file"):
            lines.append(f"  profile of {name}: {figures[name]['profile_file']}")
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
    lines.append(f"\ntotal {record['duration_s']:.0f} s")
    return "\n".join(lines)


def write(record: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
