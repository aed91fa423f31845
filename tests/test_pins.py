"""Project pins from `[tool.uv.sources]`, with where each was read."""

from __future__ import annotations

from pathlib import Path

from policy.settings.models import Overrides
from policy.settings.origins import load_settings

PYPROJECT = """\
[project]
name = "demo"
version = "0.1.0"

[tool.uv.sources]
Peer_Pkg = { index = "private" }
torch = [
  { index = "cpu", marker = "sys_platform != 'darwin'" },
  { index = "mac", marker = "sys_platform == 'darwin'" },
]
local = { path = "../local" }

[[tool.uv.index]]
name = "private"
url = "https://pkgs.example.com/simple/"
explicit = true
"""


def test_pins_with_provenance(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    settings = load_settings(Overrides(), env={}, cwd=tmp_path)
    assert settings.pins == {"peer-pkg": "private", "torch": "cpu"}
    assert settings.sources["pins.peer-pkg"] == f"{tmp_path / 'pyproject.toml'}:6"
    assert settings.sources["pins.torch"] == f"{tmp_path / 'pyproject.toml'}:7"


def test_pins_are_project_metadata_not_settings(tmp_path: Path) -> None:
    # uv applies sources with --no-config too; `uv pip` commands never read them.
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    assert load_settings(Overrides(no_config=True), env={}, cwd=tmp_path).pins
    assert load_settings(Overrides(pip=True), env={}, cwd=tmp_path).pins == {}


def test_a_member_pin_beats_the_workspace_roots(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "root"\nversion = "0"\n[tool.uv.workspace]\nmembers = ["m"]\n'
        '[tool.uv.sources]\na = { index = "root-a" }\nb = { index = "root-b" }\n'
    )
    member = tmp_path / "m"
    member.mkdir()
    (member / "pyproject.toml").write_text(
        '[project]\nname = "m"\nversion = "0"\n[tool.uv.sources]\nb = { index = "mine" }\n'
    )
    settings = load_settings(Overrides(), env={}, cwd=member)
    assert settings.pins == {"a": "root-a", "b": "mine"}


def test_broken_pyproject_has_no_pins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.uv.sources\n")
    assert load_settings(Overrides(), env={}, cwd=tmp_path).pins == {}
