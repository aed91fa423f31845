"""The benchmark's smoke run: `python -m benchmarks --quick` works and writes the JSON shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.services import pypiserver_available, require

REPO = Path(__file__).resolve().parent.parent
FIGURES = ("lookups", "subprocesses", "auth_failures", "requests")

# The run has a 50 s budget: tools and figures past it are skipped, not run. A step already
# started finishes, which on a busy machine can take a while, so the timeouts are a generous
# safety net against a hang rather than a measure of speed.
BUDGET_S = 50
pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


def _optional(available: bool, what: str) -> bool:
    """A peer tool the smoke run can do without locally, but not under CI=true."""
    if not available and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required under CI=true; .ci/run must install it")
    return available


def _tools() -> list[str]:
    from benchmarks.runners import uv_path

    tools = ["policy-native", "policy-subprocess"]
    tools += ["policy-requests-native", "policy-requests-subprocess"]
    if _optional(uv_path() is not None, "uv"):
        tools.append("uv")
    if _optional(
        subprocess.run(
            [sys.executable, "-m", "pip", "--version"], capture_output=True, timeout=60
        ).returncode
        == 0,
        "pip",
    ):
        tools += ["pip", "pip-no-username"]
    return tools


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require(pypiserver_available(), "pypiserver (pip install '.[test]')")
    out = tmp_path_factory.mktemp("bench") / "latest.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--budget",
            str(BUDGET_S),
            "--tools",
            ",".join(_tools()),
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"wrote {out}" in done.stdout
    assert "url-username" in done.stdout  # the table
    assert "url-username" in done.stderr  # a progress line per scenario
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def test_record_describes_the_run(record: dict[str, Any]) -> None:
    assert record["schema"] == 1
    assert record["quick"] is True
    assert record["runs"] == 1
    assert record["projects"] == 2
    assert {"platform", "cpus", "python", "uv", "pip"} <= set(record["machine"])
    assert isinstance(record["duration_s"], float) and record["duration_s"] > 0


def test_every_scenario_has_a_row_per_tool(record: dict[str, Any]) -> None:
    ids = [scenario["id"] for scenario in record["scenarios"]]
    assert ids == ["url-username", "second-index", "always-no-username", "env-credentials"]
    for scenario in record["scenarios"]:
        tools = [result["tool"] for result in scenario["results"]]
        assert tools[:2] == ["policy-native", "policy-subprocess"]
        for result in scenario["results"]:
            assert result["label"]
            if result["status"] in ("ok", "failed"):
                assert all(isinstance(result[name], int) for name in FIGURES)
                assert isinstance(result["wall_s"], float)
                assert len(result["runs"]) == 1
            else:
                assert result["status"] == "skipped (time budget)"


def test_the_counting_keyring_sees_uv(record: dict[str, Any]) -> None:
    """uv's known behaviour proves the counting `keyring` and the request logs work."""
    rows = {
        (s["id"], r["tool"]): r
        for s in record["scenarios"]
        for r in s["results"]
        if r["status"] != "skipped (time budget)"  # a busy machine may not get that far
    }
    if ("url-username", "uv") not in rows:
        pytest.skip("uv is not available on this machine, or its run was past the budget")
    with_username = rows[("url-username", "uv")]
    assert with_username["status"] == "ok"
    assert with_username["lookups"] == with_username["subprocesses"] == 1
    assert with_username["keyring_calls_seen"][0][0] == "get"
    if ("env-credentials", "uv") in rows:
        assert rows[("env-credentials", "uv")]["lookups"] == 0
    if ("second-index", "uv") in rows:
        assert rows[("second-index", "uv")]["lookups"] == 4  # 1 hit + 3 service forms missed


def test_policy_figures_have_their_targets(record: dict[str, Any]) -> None:
    policy = record["policy"]
    assert set(policy) == {
        "concurrent",
        "overhead",
        "overhead_requests",
        "startup",
        "keyring_import",
        "masking",
    }
    for figure in policy.values():
        assert isinstance(figure["met"], bool)
    for comparison in record["comparisons"]:
        assert {"name", "measured", "met"} <= set(comparison)
        assert {"uv", "httpx"} & set(comparison)


def test_the_requests_driver_counts_as_the_httpx_one(record: dict[str, Any]) -> None:
    """Same flow, same lookups and wasted round trips, in every scenario both finished."""
    parity = [c for c in record["comparisons"] if "httpx" in c]
    for comparison in parity:
        assert comparison["met"], comparison
