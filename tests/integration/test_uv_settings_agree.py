"""Real uv 0.13.9 and keyring-policy resolve the same provider and indexes.

uv runs with `--offline --show-settings` and every URL pointed at 127.0.0.1:9, so nothing ever
leaves the machine. Project files are checked in project mode (`uv lock`) and every file in pip
mode (`uv pip compile`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policy.redact import redact_url
from policy.settings.models import IndexSettings, KeyringProvider, Overrides
from policy.settings.origins import load_settings
from tests.real_world import FILES, is_project, place
from tests.support.services import require

pytestmark = pytest.mark.integration

UV = shutil.which("uv", path=str(Path(sys.executable).parent))

Row = tuple[str | None, str, bool, bool, str, str]


def _field(pattern: str, block: str) -> str | None:
    match = re.search(pattern, block)
    return match.group(1) if match else None


def _rows(section: str) -> list[Row]:
    rows = []
    for block in re.split(r"\bIndex \{", section)[1:]:
        rows.append(
            (
                _field(r'name: Some\(\s*IndexName\(\s*"([^"]*)"', block),
                _field(r'given: Some\(\s*"([^"]*)"', block) or "",
                _field(r"default: (true|false)", block) == "true",
                _field(r"explicit: (true|false)", block) == "true",
                (_field(r"format: (\w+)", block) or "").lower(),
                (_field(r"authenticate: (\w+)", block) or "").lower(),
            )
        )
    return rows


def _search_order(rows: list[Row]) -> list[Row]:
    seen: set[str] = set()
    regular: list[Row] = []
    defaults: list[Row] = []
    for row in rows:
        if row[0] is not None:
            if row[0] in seen:
                continue
            seen.add(row[0])
        (defaults if row[2] else regular).append(row)
    return regular + defaults


def uv_view(
    directory: Path, env: dict[str, str], pip: bool, args: list[str] | None = None
) -> tuple[str, list[Row], str, str]:
    """uv's provider and index rows (in search order, flat ones last), stdout and stderr."""
    assert UV is not None
    (directory / "requirements.in").write_text("")
    command = (
        [UV, "--offline", "pip", "compile", "--show-settings", "requirements.in"]
        if pip
        else [UV, "--offline", "lock", "--show-settings"]
    )
    command += args or []
    done = subprocess.run(
        command, cwd=directory, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    out = done.stdout
    assert "index_locations" in out, done.stderr
    locations = out[out.index("index_locations") :]
    simple, _, rest = locations.partition("flat_index:")
    flat, _, _ = rest.partition("no_index:")
    provider = _field(r"keyring_provider: (\w+)", out) or ""
    return provider.lower(), _search_order(_rows(simple)) + _rows(flat), out, done.stderr


def our_row(index: IndexSettings, given: dict[str, str]) -> Row:
    # uv's Debug output shows URLs redacted, as ours does.
    return (
        index.name,
        given.get(index.url, redact_url(index.url)),
        index.default,
        index.explicit,
        index.format.value,
        index.authenticate.value,
    )


CASES = [(path, pip) for path in FILES for pip in (False, True) if pip or is_project(path)]


@pytest.mark.parametrize(
    ("source", "pip"), CASES, ids=[f"{p.stem}-{'pip' if pip else 'project'}" for p, pip in CASES]
)
def test_uv_agrees(source: Path, pip: bool, tmp_path: Path) -> None:
    require(UV is not None, "the uv executable (pip install uv==0.13.9)")
    project = tmp_path / "proj"
    project.mkdir()
    place(source, project, local=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    provider, rows, _, _ = uv_view(project, env, pip)
    ours = load_settings(Overrides(pip=pip), env, project)
    # uv prints the URL as written; ours turns a relative path into a file URL.
    given = {
        index.url: row[1]
        for index, row in zip(ours.indexes, rows, strict=False)
        if not row[1].startswith("http")
    }
    expected_provider = provider
    if "[tool.keyring-policy]" in source.read_text():
        expected_provider = KeyringProvider.NATIVE.value  # our table, which uv ignores
    assert ours.keyring_provider.value == expected_provider
    assert [our_row(index, given) for index in ours.indexes] == rows
