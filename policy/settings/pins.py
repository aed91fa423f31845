"""Project metadata uv's workspace loader reads: pins, and the index rules it enforces.

Pins are `[tool.uv.sources]` entries that tie a project to a named index.

uv reads sources from the project's own `pyproject.toml` and from its workspace root (a
member's entry beats the root's), whatever configuration files are in use: they are project
metadata, not settings, so `--no-config` and `--config-file` leave them alone. Only the
`{ index = "name" }` form pins; git, path and URL sources do not concern an index search.

A source may carry a `marker`; a list of sources gives one per marker. As `uv pip` does, the
first entry whose marker holds for the running interpreter decides (no marker always holds):
an index entry pins, any other entry does not, and when none holds the project is not pinned
at all. A marker that does not parse is a hard error at its value.

The workspace loader (project commands, not `uv pip`) also refuses a `[tool.uv]` whose
indexes share a name or mark more than one default: a hard error at the index list, where
settings discovery would have accepted the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from policy._compat import tomllib
from policy.settings.config_file import display_path
from policy.settings.discovery import workspace_start
from policy.settings.toml_errors import file_error, render_excerpt
from policy.settings.toml_spans import PathKey, Span, Spans, scan

SEVERAL_DEFAULTS = (
    "found multiple indexes with `default = true`; only one index may be marked as default"
)


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


def _entries(value: object) -> list[tuple[PathKey, dict[str, object]]]:
    """The source entries of one project, each with its path below the project's key."""
    if isinstance(value, dict):
        return [((), value)]
    if isinstance(value, list):
        return [((i,), entry) for i, entry in enumerate(value) if isinstance(entry, dict)]
    return []


def _marker_holds(marker: object) -> bool:
    """Whether `marker` holds for the running interpreter; ValueError when it cannot be read."""
    if not isinstance(marker, str):
        raise ValueError("invalid type: expected a marker string")
    # Deferred: only a project whose sources carry markers pays for packaging's parser.
    from packaging.markers import (
        InvalidMarker,
        Marker,
        UndefinedComparison,
        UndefinedEnvironmentName,
    )

    try:
        return Marker(marker).evaluate()
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName) as error:
        raise ValueError(str(error) or "invalid marker") from None


class _BadMarker(ValueError):
    """A source's marker that cannot be evaluated; `path` leads to it below the project's key."""

    def __init__(self, path: PathKey, cause: str) -> None:
        super().__init__(cause)
        self.path = path


def _pin(value: object) -> str | None:
    """The index the sources `value` pin their project to for this interpreter, if any."""
    for path, entry in _entries(value):
        if "marker" in entry:
            try:
                holds = _marker_holds(entry["marker"])
            except ValueError as problem:
                raise _BadMarker((*path, "marker"), str(problem)) from None
            if not holds:
                continue
        index = entry.get("index")
        return index if isinstance(index, str) else None
    return None


def _index_problem(indexes: object) -> str | None:
    if not isinstance(indexes, list):
        return None
    names: set[str] = set()
    defaults = 0
    for index in indexes:
        if not isinstance(index, dict):
            continue
        name = index.get("name")
        if isinstance(name, str):
            if name in names:
                return f"duplicate index name `{name}`"
            names.add(name)
        if index.get("default") is True:
            defaults += 1
            if defaults > 1:
                return SEVERAL_DEFAULTS
    return None


def _check_indexes(uv: dict[str, object], pyproject: Path, text: str, cwd: Path) -> None:
    problem = _index_problem(uv.get("index"))
    if problem is None:
        return
    spans: Spans = scan(text)
    span = spans.value(("tool", "uv", "index"))  # an inline `index = [...]`
    header = spans.header(("tool", "uv", "index"))
    if header is not None and header.line > 0:
        # toml_edit spans an array of tables by its first `[[...]]` header, brackets included.
        line = text.splitlines()[header.line - 1]
        start = line.find("[[")
        end = line.find("]]", start)
        if start >= 0 and end > start:
            span = Span(header.line, start + 1, end + 2 - start)
    cause = render_excerpt(text, span, problem) if span else problem
    raise file_error(display_path(pyproject, cwd), cause)


def _read(pyproject: Path, pins: Pins, cwd: Path) -> None:
    try:
        text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, RecursionError, tomllib.TOMLDecodeError):
        return  # settings discovery already reports a broken `pyproject.toml`
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    if isinstance(uv, dict):
        _check_indexes(uv, pyproject, text, cwd)
    sources = uv.get("sources") if isinstance(uv, dict) else None
    if not isinstance(sources, dict):
        return
    spans = None
    for name, value in sources.items():
        key: PathKey = ("tool", "uv", "sources", name)
        try:
            index = _pin(value)
        except _BadMarker as bad:
            span = scan(text).value((*key, *bad.path))
            cause = render_excerpt(text, span, str(bad)) if span else str(bad)
            raise file_error(display_path(pyproject, cwd), cause) from None
        if index is None:
            continue
        spans = spans or scan(text)
        span = spans.key(key)
        project = _normalize(name)
        pins.pins[project] = index
        pins.where[project] = f"{pyproject}:{span.line}" if span else str(pyproject)


def load_pins(cwd: Path) -> Pins:
    """The pins of the project at `cwd` (and of its workspace root), member entries last.

    Raises `ConfigError` for the workspace loader's hard errors (see the module docstring).
    """
    pins = Pins({}, {})
    project = next((d for d in (cwd, *cwd.parents) if (d / "pyproject.toml").is_file()), None)
    if project is None:
        return pins
    root = workspace_start(cwd)
    if root != project and (root / "pyproject.toml").is_file():
        _read(root / "pyproject.toml", pins, cwd)
    _read(project / "pyproject.toml", pins, cwd)
    return pins
