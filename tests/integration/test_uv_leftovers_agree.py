"""The last configuration differences: real uv 0.13.9 and `keyring-policy config` side by side.

Each case lays out files and an environment, runs uv (`uv pip compile`, or `uv lock` where
uv's workspace loader is what speaks) and our `config` on them, and compares the exit status
and everything uv printed as `warning:` / `error:` before it stopped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.integration.test_uv_settings_agree import UV
from tests.support.services import require

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
PROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\n'
H = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    uv: tuple[str, ...] = ("pip", "compile", "requirements.in")
    ours: tuple[str, ...] = ()  # our flags, beside `config`
    dirs: tuple[str, ...] = ()


CASES = [
    # uv reads a `uv.toml` that is a directory, and fails (project, user and --config-file).
    Case("uv-toml-directory", {}, dirs=("uv.toml",)),
    Case("user-uv-toml-directory", {}, dirs=("home/.config/uv/uv.toml",)),
    Case(
        "config-file-directory",
        {},
        dirs=("conf.toml",),
        uv=("pip", "compile", "--config-file", "conf.toml", "requirements.in"),
        ours=("--config-file", "conf.toml"),
    ),
    Case(
        "config-file-missing",
        {},
        uv=("pip", "compile", "--config-file", "nope.toml", "requirements.in"),
        ours=("--config-file", "nope.toml"),
    ),
    # uv warns that `--config-file` wants a `uv.toml`, then reads the file as one.
    Case(
        "config-file-pyproject",
        {"other/pyproject.toml": PROJECT + '[tool.uv]\nkeyring-provider = "subprocess"\n'},
        uv=("pip", "compile", "--config-file", "other/pyproject.toml", "requirements.in"),
        ours=("--config-file", "other/pyproject.toml"),
    ),
    Case(
        "config-file-pyproject-uv-schema",
        {"other/pyproject.toml": 'keyring-provider = "subprocess"\n'},
        uv=("pip", "compile", "--config-file", "other/pyproject.toml", "requirements.in"),
        ours=("--config-file", "other/pyproject.toml"),
    ),
    # Blank entries in the list variables.
    Case("uv-index-equals", {}, env={"UV_INDEX": "="}),
    Case("uv-index-name-without-url", {}, env={"UV_INDEX": f"a={H}/a/ b="}),
    Case("uv-index-empty-name", {}, env={"UV_INDEX": f"={H}/a/"}),
    Case("uv-index-blank", {}, env={"UV_INDEX": "  "}),
    Case("uv-find-links-commas", {}, env={"UV_FIND_LINKS": ",,"}),
    Case("uv-find-links-gaps", {}, env={"UV_FIND_LINKS": f"{H}/a/,,{H}/b/"}),
    # The workspace loader's hard errors (project commands).
    Case(
        "workspace-duplicate-index-name",
        {
            "pyproject.toml": PROJECT + f'\n[[tool.uv.index]]\nname = "a"\nurl = "{H}/a/"\n\n'
            f'[[tool.uv.index]]\nname = "a"\nurl = "{H}/b/"\n'
        },
        uv=("lock",),
    ),
    Case(
        "workspace-several-defaults",
        {
            "pyproject.toml": PROJECT + f'\n[[tool.uv.index]]\nname = "a"\nurl = "{H}/a/"\n'
            f'default = true\n\n[[tool.uv.index]]\nname = "b"\nurl = "{H}/b/"\ndefault = true\n'
        },
        uv=("lock",),
    ),
]


def _messages(stderr: str) -> str:
    # What uv printed as warnings and the error, without resolver chatter after them.
    keep = [
        block
        for block in stderr.split("\nwarning: Requirements file")[0].split("\n\n")
        if block.startswith(("warning:", "error:")) or block.startswith("  ")
    ]
    return "\n\n".join(keep).rstrip("\n")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_outcome_as_uv(case: Case, tmp_path: Path) -> None:
    require(UV is not None, "the uv executable (pip install uv==0.13.9)")
    assert UV is not None
    for name, text in case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    for name in case.dirs:
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "requirements.in").write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        **case.env,
    }
    done = subprocess.run(
        [UV, "--offline", *case.uv, "--python", sys.executable],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    ours = subprocess.run(
        [sys.executable, "-m", "policy", "config", *case.ours],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO)]))},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    uv_failed = done.stderr.lstrip().startswith("error:") or "\nerror:" in done.stderr
    assert (ours.returncode == 2) is uv_failed, (done.stderr, ours.stderr)
    if uv_failed:
        assert _messages(ours.stderr) == _messages(done.stderr)
    else:
        # Only uv's own chatter differs (it resolves); the configuration warnings agree.
        def warned(stderr: str) -> list[str]:
            return [line for line in stderr.splitlines() if line.startswith("warning: The")]

        assert warned(ours.stderr) == warned(done.stderr)
