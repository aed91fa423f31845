"""Whether any settings file could hold a per-index keyring rule, without reading settings.

Loading the settings brings pydantic and costs a program that asks the keyring once about
100 ms; pip's subprocess provider pays that in every `keyring` process. Only an `[[index]]`
table can carry `keyring = "skip"` or `"read"`, and only a file can hold one, so when no file
the settings could come from contains a `keyring = ...` assignment, there is no rule to apply
and the settings need not be loaded. The check is deliberately wider than uv's discovery (every
ancestor of the working directory, both file names, every system directory): a file it should
not have looked at only costs the full load, never a missed rule.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from policy.env import (
    APPDATA,
    HOME,
    SYSTEMDRIVE,
    UV_CONFIG_FILE,
    XDG_CONFIG_DIRS,
    XDG_CONFIG_HOME,
)

# `keyring = `, `"keyring" = `, `{ ..., keyring = ` (not `keyring-provider`); a dependency
# pin such as `keyring==25` matches too, which only costs the full load.
_ASSIGNMENT = re.compile(rb"""(?:^|[\s{,"'])keyring["']?\s*=""")
_MAX_BYTES = 1024 * 1024


def _candidates(env: Mapping[str, str], cwd: Path) -> Iterator[Path]:
    named = env.get(UV_CONFIG_FILE)
    if named:
        yield cwd / named
    for directory in (cwd, *cwd.parents):
        yield directory / "uv.toml"
        yield directory / "pyproject.toml"
    config_home = env.get(XDG_CONFIG_HOME)
    if config_home:
        yield Path(config_home, "uv", "uv.toml")
    if env.get(HOME):
        yield Path(env[HOME], ".config", "uv", "uv.toml")
    for system_dir in (env.get(XDG_CONFIG_DIRS) or "/etc/xdg").split(os.pathsep):
        if system_dir:
            yield Path(system_dir, "uv", "uv.toml")
    yield Path("/etc/uv/uv.toml")
    if sys.platform == "win32":  # pragma: no cover - Windows only
        if env.get(APPDATA):
            yield Path(env[APPDATA], "uv", "uv.toml")
        if env.get(SYSTEMDRIVE):
            yield Path(f"{env[SYSTEMDRIVE]}\\", "ProgramData", "uv", "uv.toml")


def may_hold_rules(env: Mapping[str, str], cwd: Path) -> bool:
    """False only when no settings file can hold an index's `keyring` key."""
    for path in _candidates(env, cwd):
        try:
            with open(path, "rb") as file:
                head = file.read(_MAX_BYTES)
        except OSError:
            continue  # missing, a directory, unreadable: the settings would not read it either
        if _ASSIGNMENT.search(head):
            return True
    return False


__all__ = ["may_hold_rules"]
