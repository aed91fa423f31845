"""Project pins: `[tool.uv.sources]` entries that tie a project to a named index.

uv reads sources from the project's own `pyproject.toml` and from its workspace root (a
member's entry beats the root's), whatever configuration files are in use: they are project
metadata, not settings, so `--no-config` and `--config-file` leave them alone. Only the
`{ index = "name" }` form pins; git, path and URL sources do not concern an index search. A
list of sources (one per marker) pins to its first index entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from policy._compat import tomllib
from policy.settings.discovery import workspace_start
from policy.settings.toml_spans import scan


def _normalize(name: str) -> str:
    # PEP 503, as uv normalises the keys of `[tool.uv.sources]`.
    out = []
    for char in name.lower():
        out.append("-" if char in "-_." else char)
    text = "".join(out)
    while "--" in text:
        text = text.replace("--", "-")
    return text


class Pins(NamedTuple):
    """Normalised project name -> index name, and where each pin was read (`path:LINE`)."""

    pins: dict[str, str]
    where: dict[str, str]


def _index_of(value: object) -> str | None:
    if isinstance(value, dict):
        index = value.get("index")
        return index if isinstance(index, str) else None
    if isinstance(value, list):
        return next((i for i in map(_index_of, value) if i is not None), None)
    return None


def _read(pyproject: Path, pins: Pins) -> None:
    try:
        text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, RecursionError, tomllib.TOMLDecodeError):
        return  # settings discovery already reports a broken `pyproject.toml`
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    sources = uv.get("sources") if isinstance(uv, dict) else None
    if not isinstance(sources, dict):
        return
    spans = None
    for name, value in sources.items():
        index = _index_of(value)
        if index is None:
            continue
        spans = spans or scan(text)
        span = spans.key(("tool", "uv", "sources", name))
        project = _normalize(name)
        pins.pins[project] = index
        pins.where[project] = f"{pyproject}:{span.line}" if span else str(pyproject)


def load_pins(cwd: Path) -> Pins:
    """The pins of the project at `cwd` (and of its workspace root), member entries last."""
    pins = Pins({}, {})
    project = next((d for d in (cwd, *cwd.parents) if (d / "pyproject.toml").is_file()), None)
    if project is None:
        return pins
    root = workspace_start(cwd)
    if root != project and (root / "pyproject.toml").is_file():
        _read(root / "pyproject.toml", pins)
    _read(project / "pyproject.toml", pins)
    return pins
