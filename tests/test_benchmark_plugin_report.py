"""The benchmark's keyring-backend section renders, measured, skipped or not measured."""

from __future__ import annotations

from typing import Any

from benchmarks.plugin_bench import targets
from benchmarks.report import plugin_lines


def _row(tool: str, backend: str, calls: int, per_pair: int, status: str = "ok") -> dict[str, Any]:
    return {
        "tool": tool,
        "label": tool,
        "backend": backend,
        "status": status,
        "backend_calls": calls,
        "max_calls_per_pair": per_pair,
        "keyring_processes": 41,
        "auth_failures": 21,
        "requests": 61,
        "wall_s": 1.8,
    }


def _record() -> dict[str, Any]:
    load = {"absent_ms": 60.0, "installed_ms": 61.2, "added_ms": 1.2, "plugin_module_loaded": True}
    record: dict[str, Any] = {
        "scenarios": [
            {
                "id": "second-index",
                "title": "two indexes",
                "results": [
                    _row("pip-subprocess", "plain", 41, 20),
                    _row("pip-subprocess", "keyring-policy", 4, 1),
                ],
            }
        ],
        "hang": {
            "scenario": "url-username",
            "keyring_policy_timeout_s": 1.0,
            "kill_s": 20.0,
            "results": [
                _row("uv", "plain", 1, 1, status="killed at 20 s"),
                _row("uv", "keyring-policy", 1, 1, status="returned (exit 1)"),
            ],
        },
        "load": {
            "get_keyring": {**load, "repeats": 21},
            "keyring get": {**load, "repeats": 21},
            "module_import_ms": 1.1,
            "met": True,
        },
    }
    record["targets"] = targets(record)
    return record


def test_the_measured_section_renders_with_its_targets() -> None:
    record = _record()
    assert [check["met"] for check in record["targets"]] == [True, True, True, True]
    text = "\n".join(plugin_lines(record))
    assert "pip-subprocess" in text
    assert "killed at 20 s" in text
    assert "returned (exit 1)" in text
    assert "KEYRING_POLICY_TIMEOUT=1 s, harness timeout 20 s" in text
    assert "+1.2 ms" in text
    assert "[added < 3 ms: meets]" in text
    assert "instructions" not in text  # not counted (no valgrind, or --quick)
    record["load"]["instructions"] = {"absent": 491_800_000, "installed": 493_600_000}
    text = "\n".join(plugin_lines(record))
    assert "instructions of get_keyring (callgrind): +1.8 M of 491.8 M (+0.37%)" in text
    assert "real backend calls per (service, username) <= 1: 1  [meets]" in text


def test_a_missed_target_says_so() -> None:
    record = _record()
    record["scenarios"][0]["results"][1]["max_calls_per_pair"] = 2
    record["targets"] = targets(record)
    assert "<= 1: 2  [MISSES]" in "\n".join(plugin_lines(record))


def test_skipped_and_not_measured_render() -> None:
    assert plugin_lines({}) == []
    assert plugin_lines({"status": "not measured (--no-plugin)"})[-1] == (
        "keyring-policy's keyring backend: not measured (--no-plugin)"
    )
    record = _record()
    record["scenarios"][0]["results"][0] = {
        "tool": "pip-import",
        "label": "pip-import",
        "backend": "plain",
        "status": "skipped (time budget)",
    }
    record["load"] = {"status": "skipped (time budget)"}
    text = "\n".join(plugin_lines(record))
    assert "skipped (time budget)" in text
    assert "loading keyring: skipped (time budget)" in text
