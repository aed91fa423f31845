"""Which backend the plugin wraps, and where keyring's own config file says so.

keyring picks its backend from `PYTHON_KEYRING_BACKEND`, else from `default-keyring` in the
`[backend]` section of `keyringrc.cfg` in its config root, else the viable backend of highest
priority. Enabling the plugin puts it in that file; the backend it replaced is remembered in a
section of our own in the same file (keyring ignores other sections), so the plugin keeps
delegating to what the user had chosen. `KEYRING_POLICY_WRAPS` overrides both.
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policy.env import KEYRING_POLICY_WRAPS

BACKEND_CLASS = "policy.keyring_backend.backend.PolicyKeyring"
"""The name keyring loads the plugin by (`PYTHON_KEYRING_BACKEND`, `default-keyring`)."""
CONFIG_SECTION = "keyring-policy"
CONFIG_WRAPS = "wraps"


class WrapError(Exception):
    """The backend to wrap cannot be used (it is the plugin itself, or it does not load)."""


def config_path() -> Path:
    """keyring's own config file (`keyringrc.cfg` in `keyring.util.platform_.config_root()`)."""
    from keyring.util import platform_

    return Path(platform_.config_root()) / "keyringrc.cfg"


def read_config(path: Path) -> configparser.RawConfigParser:
    """The file as keyring reads it; a missing file is an empty config."""
    config = configparser.RawConfigParser()
    config.read(path, encoding="utf-8")
    return config


def configured_wraps(env: Mapping[str, str], path: Path | None = None) -> str | None:
    """The class named by `KEYRING_POLICY_WRAPS`, else by our section of keyring's config."""
    named = env.get(KEYRING_POLICY_WRAPS, "").strip()
    if named:
        return named
    try:
        config = read_config(config_path() if path is None else path)
        value = config.get(CONFIG_SECTION, CONFIG_WRAPS, fallback="").strip()
    except (OSError, configparser.Error):
        return None
    return value or None


def is_plugin(cls: type) -> bool:
    """Whether `cls` is the plugin (or derives from it): wrapping it would recurse forever."""
    return any(f"{base.__module__}.{base.__qualname__}" == BACKEND_CLASS for base in cls.__mro__)


def load_wrapped(name: str | None) -> Any:
    """The backend named `name`, or the one keyring would choose if the plugin were absent.

    Raises `WrapError` for the plugin itself or a name that does not load.
    """
    from keyring import backend
    from keyring.backends import fail

    if name is None:
        candidates = [ring for ring in backend.get_all_keyring() if not is_plugin(type(ring))]
        # keyring's own detection, minus the environment and config file that point at us.
        limit = backend._limit or bool
        return max(filter(limit, candidates), default=fail.Keyring(), key=backend.by_priority)
    from keyring.core import load_keyring

    try:
        module_name, _, class_name = name.rpartition(".")
        cls = getattr(__import__(module_name, fromlist=[class_name]), class_name)
    except (ImportError, AttributeError, ValueError) as error:
        raise WrapError(f"cannot load the keyring backend `{name}` to wrap: {error}") from None
    if not isinstance(cls, type) or is_plugin(cls):
        raise WrapError(f"refusing to wrap `{name}`: it is keyring-policy's own backend")
    try:
        return load_keyring(name)
    except Exception as error:
        raise WrapError(
            f"cannot use the keyring backend `{name}` to wrap: {type(error).__name__}: {error}"
        ) from None


__all__ = [
    "BACKEND_CLASS",
    "CONFIG_SECTION",
    "CONFIG_WRAPS",
    "WrapError",
    "config_path",
    "configured_wraps",
    "is_plugin",
    "load_wrapped",
    "read_config",
]
