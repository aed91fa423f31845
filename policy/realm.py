"""Realms and URL shapes (pure): the one definition every other module imports.

Follows uv's `uv-auth` `realm.rs` and `IndexUrl::root`: a realm is scheme, host and port, a
scheme's default port being equal to none; URLs print as the `url` crate serialises them;
prefixes are compared by whole path segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit, urlunsplit

from policy.redact import strip_credentials

# The WHATWG "special" schemes with a default port: an explicit default port equals none.
# (The credentials file only admits http and https, so the others never reach it.)
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
_ROOT_SEGMENTS = frozenset({"simple", "+simple"})


def _port(parts: SplitResult) -> int | None:
    """The port, None for the scheme's default. Raises ValueError on a malformed port."""
    port = parts.port
    if port is not None and port == DEFAULT_PORTS.get(parts.scheme.lower()):
        return None
    return port


def _host(parts: SplitResult) -> str:
    """The lower-cased host, IPv6 literals in brackets (as they appear in a URL)."""
    host = (parts.hostname or "").lower()
    return f"[{host}]" if ":" in host else host


@dataclass(frozen=True)
class Realm:
    """uv's `Realm`: scheme, host and port; `None` is the scheme's default port."""

    scheme: str
    host: str
    port: int | None

    @classmethod
    def from_url(cls, url: str) -> Realm:
        """The realm of `url` (credentials ignored). Raises ValueError on a malformed URL."""
        return cls.from_parts(urlsplit(url.strip()))

    @classmethod
    def from_parts(cls, parts: SplitResult) -> Realm:
        """The realm of an already split URL. Raises ValueError on a malformed port."""
        return cls(parts.scheme.lower(), _host(parts), _port(parts))

    @property
    def host_port(self) -> str:
        """`host[:port]`, the port only when it is not the scheme's default."""
        return self.host if self.port is None else f"{self.host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host_port}"


@lru_cache(maxsize=4096)
def normalize_url(url: str, *, fragment: bool = True) -> str:
    """`url` without credentials, as uv's URL type prints it.

    Lower-cased scheme and host, no default port, `/` for an empty path; path, query and
    (unless `fragment` is False, as for a credentials-file service) fragment otherwise as
    given. Unparseable input comes back with only its credentials removed.
    """
    stripped = strip_credentials(url.strip())
    try:
        parts = urlsplit(stripped)
        realm = Realm.from_parts(parts)
    except ValueError:
        return stripped
    if not parts.netloc:
        return stripped
    path = parts.path or "/"
    kept = parts.fragment if fragment else ""
    return urlunsplit((realm.scheme, realm.host_port, path, parts.query, kept))


def root_url(url: str) -> str:
    """uv's `IndexUrl::root`: the URL without a trailing `simple` / `+simple` segment.

    The comparison ignores one trailing `/` and ASCII case (`/root/SIMPLE/` -> `/root`).
    Any other URL comes back unchanged.
    """
    parts = urlsplit(url)
    path = parts.path
    trimmed = path[:-1] if path.endswith("/") else path
    head, slash, last = trimmed.rpartition("/")
    if not slash or last.lower() not in _ROOT_SEGMENTS:
        return url
    return urlunsplit(parts._replace(path=head or "/"))


def is_path_prefix(prefix: str, path: str) -> bool:
    """Whether `prefix` is `path` or one of its leading whole segments (uv's rule).

    `/simple` and `/simple/` both match `/simple/foo`; neither matches `/simpleevil`.
    """
    if not path.startswith(prefix):
        return False
    if len(path) == len(prefix) or prefix.endswith("/"):
        return True
    return path[len(prefix)] == "/"


# Parsing dominates matching, and a process asks about the same few URLs for every request:
# these pure functions are memoised (the caches only ever hold derived values).
@lru_cache(maxsize=4096)
def location(url: str) -> tuple[Realm, str] | None:
    """The realm and path (`/` when empty) of `url`, credentials ignored; None if malformed."""
    try:
        parts = urlsplit(strip_credentials(url).strip())
        return Realm.from_parts(parts), parts.path or "/"
    except ValueError:
        return None


def split_origin(url: str) -> tuple[str, str]:
    """(`scheme://authority`, path) by plain string splitting: this runs for every request."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url, ""
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if found != -1 and found < end:
            end = found
    path = rest[end:]
    for mark in "?#":
        path = path.partition(mark)[0]
    return f"{scheme}://{rest[:end]}", path


@lru_cache(maxsize=1024)
def origin_realm(origin: str) -> str:
    """`str(Realm.from_url(origin))`; an unparseable origin is its own realm."""
    try:
        return str(Realm.from_url(origin))
    except ValueError:
        return origin  # unparseable: its own realm, matching nothing else


def realm_key(url: str) -> str:
    """`str(Realm.from_url(url))`: `scheme://host[:port]`, default ports left out (uv's realm).

    Memoised per origin, so a new URL on a known host costs a string split. An unparseable
    URL is its own realm, so it matches nothing else.
    """
    return origin_realm(split_origin(url)[0])


__all__ = [
    "DEFAULT_PORTS",
    "Realm",
    "is_path_prefix",
    "location",
    "normalize_url",
    "origin_realm",
    "realm_key",
    "root_url",
    "split_origin",
]
