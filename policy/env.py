"""Every environment variable keyring-policy reads, in one place.

The `UV_*` names are uv's own (`crates/uv-static/src/env_vars.rs`), so one environment serves
both tools. Nothing here reads `os.environ`: callers pass an environment mapping in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

UV_KEYRING_PROVIDER = "UV_KEYRING_PROVIDER"
UV_PREVIEW = "UV_PREVIEW"
UV_PREVIEW_FEATURES = "UV_PREVIEW_FEATURES"
UV_INDEX = "UV_INDEX"
UV_DEFAULT_INDEX = "UV_DEFAULT_INDEX"
UV_INDEX_URL = "UV_INDEX_URL"
UV_EXTRA_INDEX_URL = "UV_EXTRA_INDEX_URL"
UV_FIND_LINKS = "UV_FIND_LINKS"
UV_NO_INDEX = "UV_NO_INDEX"
UV_CONFIG_FILE = "UV_CONFIG_FILE"
UV_NO_CONFIG = "UV_NO_CONFIG"
UV_NO_SYSTEM_CONFIG = "UV_NO_SYSTEM_CONFIG"
UV_CREDENTIALS_DIR = "UV_CREDENTIALS_DIR"

XDG_CONFIG_HOME = "XDG_CONFIG_HOME"
XDG_CONFIG_DIRS = "XDG_CONFIG_DIRS"
XDG_DATA_HOME = "XDG_DATA_HOME"
XDG_CACHE_HOME = "XDG_CACHE_HOME"
APPDATA = "APPDATA"
SYSTEMDRIVE = "SYSTEMDRIVE"
HOME = "HOME"
NETRC = "NETRC"

# This project's own variables.
KEYRING_POLICY_TIMEOUT = "KEYRING_POLICY_TIMEOUT"
"""Deadline in seconds for every keyring call (default 15; 0 disables the deadline)."""

DEFAULT_KEYRING_TIMEOUT = 15.0

KEYRING_POLICY_ALLOW_PLAINTEXT = "KEYRING_POLICY_ALLOW_PLAINTEXT"
"""Set (`1`) together with `keyring = "store"` on an index: store there even when the keyring
backend keeps passwords in plain or merely encoded text."""

# The opt-in keyring plugin (`policy.keyring_backend`).
PYTHON_KEYRING_BACKEND = "PYTHON_KEYRING_BACKEND"
"""keyring's own choice of backend class (`module.Class`)."""
KEYRING_POLICY_MISS_TTL = "KEYRING_POLICY_MISS_TTL"
"""Seconds a keyring miss is remembered across processes (default 30; 0 turns it off)."""
DEFAULT_MISS_TTL = 30.0
KEYRING_POLICY_WRAPS = "KEYRING_POLICY_WRAPS"
"""The backend class the plugin wraps (`module.Class`), over what keyring's config file says."""

# Bounds on what an index may send (defaults in `policy.fetch.limits`).
KEYRING_POLICY_MAX_PAGE_BYTES = "KEYRING_POLICY_MAX_PAGE_BYTES"
KEYRING_POLICY_MAX_DECOMPRESSED_BYTES = "KEYRING_POLICY_MAX_DECOMPRESSED_BYTES"
KEYRING_POLICY_MAX_NESTING = "KEYRING_POLICY_MAX_NESTING"
KEYRING_POLICY_MAX_FILES = "KEYRING_POLICY_MAX_FILES"
KEYRING_POLICY_REQUEST_TIMEOUT = "KEYRING_POLICY_REQUEST_TIMEOUT"
KEYRING_POLICY_MAX_REDIRECTS = "KEYRING_POLICY_MAX_REDIRECTS"
KEYRING_POLICY_MAX_DOWNLOAD_BYTES = "KEYRING_POLICY_MAX_DOWNLOAD_BYTES"
KEYRING_POLICY_DOWNLOAD_TIMEOUT = "KEYRING_POLICY_DOWNLOAD_TIMEOUT"

_NON_ALNUM = re.compile(r"[^A-Za-z0-9]")


def index_env_stem(index_name: str) -> str:
    """uv's `IndexName::to_env_var`: upper-case ASCII alphanumerics, everything else `_`."""
    return _NON_ALNUM.sub("_", index_name).upper()


def index_username_var(index_name: str) -> str:
    """`UV_INDEX_<NAME>_USERNAME` for an index name."""
    return f"UV_INDEX_{index_env_stem(index_name)}_USERNAME"


def index_password_var(index_name: str) -> str:
    """`UV_INDEX_<NAME>_PASSWORD` for an index name."""
    return f"UV_INDEX_{index_env_stem(index_name)}_PASSWORD"


BOOLISH_TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
BOOLISH_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})


def parse_boolish(name: str, value: str) -> bool:
    """uv's `parse_boolish_environment_variable`; raises `ConfigError` naming the variable."""
    from policy.errors import ConfigError

    lowered = value.lower()
    if lowered in BOOLISH_TRUE:
        return True
    if lowered in BOOLISH_FALSE:
        return False
    raise ConfigError(
        f"Failed to parse environment variable `{name}` with invalid value `{value}`: "
        "expected a boolish value"
    )


def parse_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A number of seconds from variable `name` (unset or blank: `default`; `0`: no deadline).

    Raises `ConfigError` naming the variable for anything else than a finite number >= 0.
    """
    from policy.errors import ConfigError

    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ConfigError(
            f"Failed to parse environment variable `{name}` with invalid value `{raw}`: "
            "expected a number of seconds (0 for no deadline)"
        )
    return value
