"""Which configuration files uv would read: the project walk, the user and the system file.

uv's rules (`uv-settings::FilesystemOptions::find`, `uv-dirs`): the walk starts at the
workspace root when the start directory is inside a workspace; in each directory a `uv.toml`
wins over a `pyproject.toml` beside it; a `pyproject.toml` without `[tool.uv]` is skipped and a
broken one is warned about and skipped. The XDG rules are uv's on macOS too (not the platform's
`~/Library`), so they are written out here rather than taken from a directory library.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePath

from policy import env as names
from policy._compat import tomllib
from policy.settings.config_file import (
    FileOptions,
    load_pyproject,
    load_uv_toml,
)


class Found:
    """The project file (if any) and the warnings met on the way."""

    def __init__(self) -> None:
        self.file: FileOptions | None = None
        self.warnings: list[str] = []


def _masked_warning(keys: tuple[str, ...]) -> str:
    listed = "".join(f"\n- {key}" for key in keys)
    return (
        "Found both a `uv.toml` file and a `[tool.uv]` section in an adjacent `pyproject.toml`. "
        "The following fields from `[tool.uv]` will be ignored in favor of the `uv.toml` file:"
        f"{listed}"
    )


def find_project_file(start: Path, cwd: Path) -> Found:
    """The first `uv.toml`, or `pyproject.toml` with `[tool.uv]`, from `start` upwards."""
    found = Found()
    for directory in (start, *start.parents):
        uv_toml = directory / "uv.toml"
        pyproject = directory / "pyproject.toml"
        # uv reads any `uv.toml` that exists: a directory of that name is its read error.
        if uv_toml.is_file() or uv_toml.is_dir():
            file = load_uv_toml(uv_toml, cwd)
            if pyproject.is_file():
                result = load_pyproject(pyproject, cwd)
                adjacent = result.file
                # uv warns about masked fields only when that `[tool.uv]` itself is valid.
                if adjacent is not None and result.tool_uv_keys:
                    found.warnings.append(_masked_warning(result.tool_uv_keys))
                if adjacent is not None and adjacent.tool is not None:
                    file = file._replace(tool=adjacent.tool, tool_where=adjacent.tool_where)
            found.file = file
            return found
        if pyproject.is_file():
            result = load_pyproject(pyproject, cwd)
            if result.warning is not None:
                found.warnings.append(result.warning)
            if result.file is not None:
                found.file = result.file
                return found
    return found


def _read_toml(path: Path) -> dict[str, object] | None:
    try:
        data: dict[str, object] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, tomllib.TOMLDecodeError):
        return None
    return data


def _workspace_table(data: dict[str, object] | None) -> dict[str, object] | None:
    tool = data.get("tool") if data else None
    uv = tool.get("uv") if isinstance(tool, dict) else None
    workspace = uv.get("workspace") if isinstance(uv, dict) else None
    return workspace if isinstance(workspace, dict) else None


def _is_member(root: Path, project: Path, workspace: dict[str, object]) -> bool:
    relative = PurePath(project.relative_to(root)).as_posix()

    def matches(key: str) -> bool:
        patterns = workspace.get(key)
        if not isinstance(patterns, list):
            return False
        return any(
            isinstance(p, str) and fnmatch.fnmatchcase(relative, p.rstrip("/")) for p in patterns
        )

    return matches("members") and not matches("exclude")


def workspace_start(cwd: Path) -> Path:
    """Where uv starts the walk: the workspace root when `cwd` is inside a project."""
    project = next((d for d in (cwd, *cwd.parents) if (d / "pyproject.toml").is_file()), None)
    if project is None:
        return cwd
    data = _read_toml(project / "pyproject.toml")
    if data is None or ("project" not in data and _workspace_table(data) is None):
        return cwd
    if _workspace_table(data) is not None:
        return project
    for directory in project.parents:
        candidate = directory / "pyproject.toml"
        if not candidate.is_file():
            continue
        workspace = _workspace_table(_read_toml(candidate))
        if workspace is not None and _is_member(directory, project, workspace):
            return directory
    return project


def _nonempty(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value if value else None


def user_config_file(env: Mapping[str, str]) -> Path | None:
    """`$XDG_CONFIG_HOME/uv/uv.toml`, `~/.config/uv/uv.toml`, or `%APPDATA%\\uv\\uv.toml`."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        appdata = _nonempty(env, names.APPDATA)
        return Path(appdata, "uv", "uv.toml") if appdata else None
    xdg = _nonempty(env, names.XDG_CONFIG_HOME)
    if xdg and Path(xdg).is_absolute():
        return Path(xdg, "uv", "uv.toml")
    home = _nonempty(env, names.HOME)
    return Path(home, ".config", "uv", "uv.toml") if home else None


def system_config_file(env: Mapping[str, str]) -> Path | None:
    """The first `<dir>/uv/uv.toml` in `$XDG_CONFIG_DIRS` (default `/etc/xdg`), else `/etc/uv`."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        drive = _nonempty(env, names.SYSTEMDRIVE)
        path = Path(f"{drive}\\", "ProgramData", "uv", "uv.toml") if drive else None
        return path if path and path.is_file() else None
    dirs = env.get(names.XDG_CONFIG_DIRS) or "/etc/xdg"
    for directory in dirs.split(":"):
        if not directory:
            break
        candidate = Path(directory, "uv", "uv.toml")
        if candidate.is_file():
            return candidate
    fallback = Path("/etc/uv/uv.toml")
    return fallback if fallback.is_file() else None


def load_optional(path: Path | None, cwd: Path) -> FileOptions | None:
    """A user or system file when it exists (missing or unreadable directories are silent)."""
    if path is None:
        return None
    try:
        if path.is_dir():
            pass  # uv fails to read a directory named `uv.toml` (its error, below)
        elif not path.is_file() or not os.access(path, os.R_OK):
            return None  # uv ignores a missing or unreadable user or system file
    except OSError:
        return None
    return load_uv_toml(path, cwd)
