"""Credentials from a netrc file, as uv's `uv-netrc` finds and matches them.

The file is `$NETRC` if that names an existing file, else `~/.netrc`, both taken from the
environment mapping given (not `os.environ`). It is parsed lazily, once per instance; a file
that fails to parse gives one warning and turns this source off. Matching is by host only
(`machine`, else `default`); a requested username must equal the entry's `login`.
"""

from __future__ import annotations

import logging
import netrc
import threading
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from policy.credentials.values import Credentials
from policy.env import HOME, NETRC
from policy.provenance import CredentialSource

log = logging.getLogger("policy.netrc")


def netrc_path(env: Mapping[str, str]) -> Path | None:
    """The netrc file uv would read, or None when there is none."""
    home = env.get(HOME)
    explicit = env.get(NETRC)
    if explicit:
        path = Path(explicit)
        if explicit.startswith("~") and home:
            path = Path(home) / explicit[1:].lstrip("/")
        if path.is_file():
            return path
    if home:
        path = Path(home) / ".netrc"
        if path.is_file():
            return path
    return None


class NetrcSource:
    """The netrc file of one environment, loaded on first use."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self._lock = threading.Lock()
        self._loaded = False
        self._netrc: netrc.netrc | None = None

    def _load(self) -> netrc.netrc | None:
        with self._lock:
            if self._loaded:
                return self._netrc
            self._loaded = True
            path = netrc_path(self._env)
            if path is None:
                log.debug("No netrc file found")
                return None
            try:
                # An explicit file argument: stdlib skips its ~/.netrc ownership checks, as uv
                # does not make them either.
                self._netrc = netrc.netrc(str(path))
            except netrc.NetrcParseError as error:
                # The parser's own message may quote a token of the file (a password): name the
                # file and the line only.
                log.warning(
                    "Error reading netrc file %s: parse error at line %s; netrc is not used",
                    path,
                    error.lineno,
                )
            except (OSError, UnicodeDecodeError) as error:
                log.warning(
                    "Error reading netrc file %s: %s; netrc is not used", path, type(error).__name__
                )
            return self._netrc

    def get(self, url: str, username: str | None = None) -> Credentials | None:
        """Credentials for the host of `url`, filtered by `username` when one is given."""
        parsed = self._load()
        if parsed is None:
            return None
        host = urlsplit(url).hostname
        if not host:
            return None
        entry = parsed.authenticators(host)
        if entry is None:
            return None
        login, _, password = entry
        if username is not None and login != username:
            return None
        log.debug("Found credentials in netrc file for %s", host)
        return Credentials.basic(login or None, password, CredentialSource.NETRC)
