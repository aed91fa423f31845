"""The README's worked example runs: a twine-like upload to pypiserver over the requests
driver, credentials from the index's environment variables, then found on the index."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support import services
from tests.support.services import PASSWORD, USER
from tests.support.wheels import build_wheel

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def _run(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "examples" / "upload.py"), *args],
        cwd=project,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_twine_like_upload_through_the_requests_driver(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "uv.toml").write_text(
        f'[[index]]\nname = "private"\nurl = "{index_server.simple_url}"\n'
        f'publish-url = "{index_server.base}/"\n'
    )
    wheel = build_wheel(tmp_path, "uploadedpkg", "2.0")
    env = {
        **services.isolated_home(tmp_path),
        "UV_NO_SYSTEM_CONFIG": "1",
        "UV_INDEX_PRIVATE_USERNAME": USER,
        "UV_INDEX_PRIVATE_PASSWORD": PASSWORD,
    }
    index_server.clear_log()
    done = _run(project, env, "private", str(wheel))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("uploadedpkg-2.0-py3-none-any.whl: 200")
    assert PASSWORD not in done.stdout + done.stderr
    [post] = [r for r in index_server.requests() if r["method"] == "POST"]
    assert (post["path"], post["user"], post["password"]) == ("/", USER, "correct")
    page = httpx.get(index_server.simple_url + "uploadedpkg/", auth=(USER, PASSWORD))
    assert "uploadedpkg-2.0-py3-none-any.whl" in page.text

    # without credentials the index refuses, and the example says so with exit 1
    del env["UV_INDEX_PRIVATE_PASSWORD"], env["UV_INDEX_PRIVATE_USERNAME"]
    refused = _run(project, env, "private", str(build_wheel(tmp_path, "otherpkg")))
    assert refused.returncode == 1
    assert refused.stdout.startswith("otherpkg-1.0-py3-none-any.whl: 401")
