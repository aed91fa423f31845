"""Turning the plugin on and off in keyring's own config file, and undoing that exactly.

`enable` saves the file's exact bytes (or the fact that there was none) beside it, then names
the plugin as keyring's `default-keyring` and remembers the backend it replaces as the one to
wrap. `disable` puts the saved bytes back, so the file ends byte for byte as it was. keyring's
own `PYTHON_KEYRING_BACKEND` still wins over the file; `status` says so.
"""

from __future__ import annotations

import base64
import configparser
import contextlib
import io
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from policy._compat import StrEnum
from policy.env import PYTHON_KEYRING_BACKEND
from policy.errors import ConfigError, PolicyError
from policy.keyring_backend.wrapped import (
    BACKEND_CLASS,
    CONFIG_SECTION,
    CONFIG_WRAPS,
    configured_wraps,
)

BACKUP_NAME = "keyringrc.cfg.keyring-policy-backup"
_MAX_CONFIG_BYTES = 1024 * 1024


class Outcome(StrEnum):
    """What `enable` / `disable` did."""

    ENABLED = "enabled"
    ALREADY_ENABLED = "already-enabled"
    DISABLED = "disabled"
    NOT_ENABLED = "not-enabled"


@dataclass(frozen=True)
class Status:
    """`keyring-policy keyring status`: stable keys `enabled`, `wraps`, `config_file`."""

    enabled: bool
    wraps: str | None
    config_file: Path
    in_config_file: bool
    environment: str | None
    backup: bool

    def to_json(self) -> dict[str, object]:
        return {
            "enabled": self.enabled,
            "wraps": self.wraps,
            "config_file": str(self.config_file),
            "in_config_file": self.in_config_file,
            "python_keyring_backend": self.environment,
            "backup": self.backup,
        }


def _read_bytes(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as file:
            raw = file.read(_MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PolicyError(f"cannot read keyring's config file {path}: {error.strerror}") from None
    if len(raw) > _MAX_CONFIG_BYTES:
        raise PolicyError(f"keyring's config file {path} is larger than 1 MiB; check it by hand")
    return raw


def _parse(path: Path, raw: bytes | None) -> configparser.RawConfigParser:
    config = configparser.RawConfigParser()
    if raw is None:
        return config
    try:
        config.read_string(raw.decode("utf-8"), source=str(path))
    except (UnicodeDecodeError, configparser.Error) as error:
        reason = str(error).splitlines()[0][:200]
        raise ConfigError(
            f"keyring's config file {path} cannot be read ({reason}); fix or move it, then "
            "run the command again"
        ) from None
    return config


def _default_keyring(config: configparser.RawConfigParser) -> str | None:
    return config.get("backend", "default-keyring", fallback="").strip() or None


def _write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def backup_path(config_file: Path) -> Path:
    """Where `enable` keeps the file's previous bytes."""
    return config_file.with_name(BACKUP_NAME)


def enable(config_file: Path, wraps: str | None = None) -> tuple[Outcome, str | None]:
    """Name the plugin in keyring's config file; returns what happened and what it wraps.

    `wraps` (`module.Class`) overrides the backend the file named before. Refuses the plugin
    itself. Idempotent: a second call changes nothing.
    """
    if wraps is not None and wraps.strip() == BACKEND_CLASS:
        raise ConfigError(f"refusing to wrap `{BACKEND_CLASS}`: it is keyring-policy's own backend")
    raw = _read_bytes(config_file)
    config = _parse(config_file, raw)
    current = _default_keyring(config)
    if current == BACKEND_CLASS:
        if wraps is None:
            return Outcome.ALREADY_ENABLED, configured_wraps({}, config_file)
    else:
        # The bytes before our first change: what `disable` restores.
        previous: dict[str, object] = {"existed": raw is not None}
        if raw is not None:
            previous["content"] = base64.b64encode(raw).decode("ascii")
            previous["mode"] = config_file.stat().st_mode & 0o777
        _write_atomic(backup_path(config_file), json.dumps(previous).encode())
    target = wraps.strip() if wraps is not None else current
    if target == BACKEND_CLASS:
        target = configured_wraps({}, config_file)
    if not config.has_section("backend"):
        config.add_section("backend")
    config.set("backend", "default-keyring", BACKEND_CLASS)
    if target:
        if not config.has_section(CONFIG_SECTION):
            config.add_section(CONFIG_SECTION)
        config.set(CONFIG_SECTION, CONFIG_WRAPS, target)
    elif config.has_section(CONFIG_SECTION):
        config.remove_option(CONFIG_SECTION, CONFIG_WRAPS)
    text = io.StringIO()
    config.write(text)
    _write_atomic(config_file, text.getvalue().encode("utf-8"))
    return Outcome.ENABLED, target


def disable(config_file: Path) -> Outcome:
    """Put keyring's config file back exactly as `enable` found it."""
    backup = backup_path(config_file)
    config = _parse(config_file, _read_bytes(config_file))
    ours = _default_keyring(config) == BACKEND_CLASS
    saved = _read_bytes(backup)
    if saved is None:
        if not ours:
            return Outcome.NOT_ENABLED
        raise PolicyError(
            f"keyring's config file {config_file} names keyring-policy's backend, but the copy "
            f"saved by `keyring enable` ({backup}) is gone; remove the `default-keyring` line "
            "by hand"
        )
    if not ours:
        raise PolicyError(
            f"keyring's config file {config_file} was changed since `keyring enable` (it no "
            f"longer names keyring-policy's backend); the earlier copy is kept in {backup}"
        )
    try:
        previous = json.loads(saved)
        existed = bool(previous["existed"])
        content = base64.b64decode(previous["content"]) if existed else b""
        mode = int(previous.get("mode", 0o600)) & 0o777
    except (ValueError, KeyError, TypeError):
        raise PolicyError(
            f"the copy saved by `keyring enable` ({backup}) is damaged; edit {config_file} by hand"
        ) from None
    if existed:
        _write_atomic(config_file, content, mode)
    else:
        config_file.unlink(missing_ok=True)
    backup.unlink()
    return Outcome.DISABLED


def status(config_file: Path, env: Mapping[str, str]) -> Status:
    """Whether keyring will load the plugin, and which backend it wraps (as configured)."""
    config = _parse(config_file, _read_bytes(config_file))
    in_file = _default_keyring(config) == BACKEND_CLASS
    named = env.get(PYTHON_KEYRING_BACKEND, "").strip() or None
    enabled = named == BACKEND_CLASS if named is not None else in_file
    return Status(
        enabled=enabled,
        wraps=configured_wraps(env, config_file) if enabled else None,
        config_file=config_file,
        in_config_file=in_file,
        environment=named,
        backup=backup_path(config_file).exists(),
    )


__all__ = ["BACKUP_NAME", "Outcome", "Status", "backup_path", "disable", "enable", "status"]
