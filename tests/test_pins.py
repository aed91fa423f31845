"""Project pins from `[tool.uv.sources]`, with where each was read."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from policy.errors import ConfigError
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


def _pins_of(tmp_path: Path, sources: str) -> dict[str, str]:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0"\n[tool.uv.sources]\n{sources}'
    )
    return load_settings(Overrides(), env={}, cwd=tmp_path).pins


HERE = f"sys_platform == '{sys.platform}'"


def test_the_first_entry_whose_marker_holds_decides(tmp_path: Path) -> None:
    assert _pins_of(
        tmp_path,
        "a = [\n"
        '  { index = "elsewhere", marker = "sys_platform == \'plan9\'" },\n'
        f'  {{ index = "here", marker = "{HERE}" }},\n]\n'
        f'b = {{ index = "single", marker = "{HERE}" }}\n'
        'c = { index = "never", marker = "python_version < \'2\'" }\n',
    ) == {"a": "here", "b": "single"}


def test_a_path_source_whose_marker_holds_pins_nothing(tmp_path: Path) -> None:
    # It is the source here: the index entry after it is for another environment.
    assert (
        _pins_of(
            tmp_path,
            f'a = [\n  {{ path = "../a", marker = "{HERE}" }},\n'
            '  { index = "x", marker = "sys_platform == \'plan9\'" },\n]\n',
        )
        == {}
    )


@pytest.mark.parametrize(
    ("marker", "column"),
    [
        ("\"sys_platform ~ 'x'\"", 39),
        ("\"os_nam == 'posix'\"", 39),
        ("3", 39),
        # The marker text comes back in the parser's message: a URL in it is masked there too.
        ("\"sys_platform ~ 'https://alice:s3cr3t-pa55@example.com/'\"", 39),
    ],
)
def test_a_marker_that_cannot_be_read_is_an_error_at_its_value(
    tmp_path: Path, marker: str, column: int
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\n[tool.uv.sources]\n'
        f'a = {{ index = "s3cr3t-pa55", marker = {marker} }}\n'
        '[[tool.uv.index]]\nname = "x"\nurl = "https://alice:s3cr3t-pa55@example.com/simple/"\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(Overrides(), env={}, cwd=tmp_path)
    message = str(raised.value)
    assert message.startswith("Failed to parse: pyproject.toml\n  cause: TOML parse error at ")
    assert f"line 5, column {column}" in message
    assert "s3cr3t-pa55@" not in message
