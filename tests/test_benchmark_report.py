"""The benchmark's report: every figure renders, measured or not (no services needed)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.report import policy_lines, render

SKIPPED = {"ok": False, "met": False, "error": "skipped (time budget)"}


def measured() -> dict[str, Any]:
    """The four figures as `benchmarks.policy_figures` records them after a full run."""
    burst = {
        "tasks": 64,
        "ok": True,
        "lookups": 1,
        "auth_failures": 0,
        "requests": 64,
        "statuses": {"200": 64},
        "target": "lookups == 1",
        "met": True,
        "wasted_target": "401/403 <= 1",
        "wasted_met": True,
    }
    return {
        "concurrent": {**burst, "no_index": {**burst, "auth_failures": 1, "requests": 65}},
        "overhead": {
            "ok": True,
            "requests": 2000,
            "rounds": 5,
            "ratio": 1.006,
            "round_ratios": [0.993, 1.009],
            "median_request_ratios": [1.022],
            "overhead_us_per_request": 0.8,
            "target": "ratio < 1.05",
            "met": True,
        },
        "startup": {
            "ok": True,
            "runs": 11,
            "added_ms": 31.0,
            "added_ms_min": 23.7,
            "added_strict_ms": 67.8,
            "baseline_ms": 100.0,
            "pydantic_first_model_ms": 34.9,
            "target": "added < 30 ms",
            "met": False,
        },
        "keyring_import": {
            "ok": True,
            "imported": {"subprocess: decide": False, "disabled: fetch": False},
            "target": "keyring not imported",
            "met": True,
        },
    }


def record(policy: dict[str, Any]) -> dict[str, Any]:
    return {
        "started": "2026-11-23T22:25:08+00:00",
        "duration_s": 61.2,
        "runs": 1,
        "machine": {
            "platform": "Linux",
            "cpus": 2,
            "python": "3.11.7",
            "uv": "uv 0.13.9",
            "pip": "pip 26.3",
            "load_average_start": [0.0],
            "load_average_end": [1.9],
        },
        "scenarios": [],
        "policy": policy,
    }


def test_measured_figures_show_their_targets_and_verdicts() -> None:
    lines = policy_lines(measured())
    assert lines[0] == "keyring-policy alone:"
    concurrent, overhead, startup, keyring_import = lines[1:]
    assert concurrent.startswith("  64 concurrent async fetches, nothing known yet: ")
    assert "no index: lookups 1, 401/403 1, requests 65" in concurrent
    assert concurrent.endswith("[lookups == 1: meets; 401/403 <= 1: meets]")
    assert overhead.endswith("[ratio < 1.05: meets]")
    assert startup.endswith("[added < 30 ms: MISSES]")
    assert keyring_import.startswith("  keyring package imported? no, in all 2 checks")


@pytest.mark.parametrize("name", ["concurrent", "overhead", "startup", "keyring_import"])
def test_a_figure_without_a_target_is_reported_not_measured(name: str) -> None:
    """A figure skipped past the time budget has no `target` (a busy machine gets there)."""
    figures = {**measured(), name: SKIPPED}
    lines = policy_lines(figures)
    assert len(lines) == 5
    assert sum("not measured: skipped (time budget)" in line for line in lines) == 1
    text = render(record(figures))
    assert "not measured: skipped (time budget)" in text


def test_every_figure_skipped_still_renders() -> None:
    figures = {name: dict(SKIPPED) for name in measured()}
    text = render(record(figures))
    assert text.count("not measured: skipped (time budget)") == 4
    assert text.endswith("total 61 s")


def test_a_failed_driver_is_reported_with_its_error() -> None:
    figures = {**measured(), "overhead": {"ok": False, "met": False, "error": "driver failed"}}
    assert "  PolicyAuth over httpx.BasicAuth: not measured: driver failed" in policy_lines(figures)


def test_the_requests_overhead_renders_beside_the_httpx_one() -> None:
    figures = {**measured(), "overhead_requests": dict(measured()["overhead"])}
    lines = policy_lines(figures)
    httpx_line = next(line for line in lines if "PolicyAuth over httpx.BasicAuth" in line)
    requests_line = lines[lines.index(httpx_line) + 1]
    assert requests_line.startswith("  PolicyRequestsAuth over requests' HTTPBasicAuth: ratio")
    assert requests_line.endswith("[ratio < 1.05: meets]")
    skipped = policy_lines({**measured(), "overhead_requests": SKIPPED})
    assert "  PolicyRequestsAuth over requests' HTTPBasicAuth: not measured: skipped" in "\n".join(
        skipped
    )


def test_the_masking_figure_names_its_worst_input_and_verdict() -> None:
    masking = {
        "ok": True,
        "ms_40k": {"one colon": 0.5, "toml line": 1.0},
        "ms_400k": {"one colon": 5.5, "toml line": 30.0},
        "ratios": {"one colon": 11.0, "toml line": 30.0},
        "target": "400 kB / 40 kB time < 20",
        "met": False,
    }
    lines = policy_lines({**measured(), "masking": masking})
    assert lines[-1] == (
        "  masking hostile 40 kB / 400 kB inputs: slowest 400 kB input 30.00 ms; worst "
        "10x-input ratio 30.0 (toml line)  [400 kB / 40 kB time < 20: MISSES]"
    )
