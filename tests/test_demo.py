"""`keyring-policy demo` runs the whole flow on its embedded defaults and shows no secret."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from policy.cli.demo import run as demo


def test_demo_steps_behave_as_narrated(monkeypatch: pytest.MonkeyPatch) -> None:
    passwords: list[str] = []
    real_init = demo.Demo.__init__

    def remember(self: demo.Demo, out: io.StringIO) -> None:
        real_init(self, out)
        passwords.append(self.password)

    monkeypatch.setattr(demo.Demo, "__init__", remember)
    out = io.StringIO()
    assert demo.run_demo(out) == 0, out.getvalue()
    text = out.getvalue()
    assert passwords and passwords[0] not in text
    steps = re.split(r"\n(?=\d\. )", text)
    assert len(steps) == 5  # the header and four steps
    first, second, without_preview, never = steps[1:]
    assert "stored     alice under uv-credentials:http://127.0.0.1:" in first
    assert " 401 " not in first
    assert " 401 " not in second and "stored     nothing" in second
    assert "credentials sent" in second
    assert "preview-features native-auth" in without_preview
    assert "stored     nothing (keyring holds: nothing)" in without_preview
    assert " 401 " in never and "read keyring: no" in never
    assert "every step behaved as expected" in text


def test_demo_command_cleans_up_after_itself(tmp_path: Path) -> None:
    # The demo gets a temporary directory of its own (TMPDIR), so that what other processes on
    # the machine do in the shared one cannot change what this test sees.
    temp = tmp_path / "tmp"
    cwd = tmp_path / "cwd"
    temp.mkdir()
    cwd.mkdir()
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(temp)}
    done = subprocess.run(
        [sys.executable, "-m", "policy", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert f"{temp}{os.sep}keyring-policy-demo-" in done.stdout  # it did use TMPDIR
    assert list(temp.iterdir()) == []
    assert list(cwd.iterdir()) == []


def test_demo_json_has_every_step_and_no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    passwords: list[str] = []
    real_init = demo.Demo.__init__

    def remember(self: demo.Demo, out: io.StringIO) -> None:
        real_init(self, out)
        passwords.append(self.password)

    monkeypatch.setattr(demo.Demo, "__init__", remember)
    out = io.StringIO()
    assert demo.run_demo(out, as_json=True) == 0
    text = out.getvalue()
    assert passwords[0] not in text
    data = json.loads(text)
    assert data["ok"] is True and "isolated" in data["keyring"]
    assert [step["as_expected"] for step in data["steps"]] == [True] * 4
    assert data["steps"][0]["stored"] and not data["steps"][1]["stored"]
