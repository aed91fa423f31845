"""Realms and index matching (pure): which configured index a URL belongs to.

Follows uv's `uv-auth` realm and index rules (`realm.rs`, `index.rs`), with one deliberate
difference: uv picks an arbitrary index when several contain the URL (it iterates a hash set),
while here the longest path-segment prefix wins and ties go to the first in priority order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit, urlunsplit

from policy.redact import strip_credentials
from policy.settings.models import IndexSettings, Settings

PYPI_URL = "https://pypi.org/simple"
"""uv's implicit default index, searched last unless a default index is configured."""

PYPI_INDEX = IndexSettings(url=PYPI_URL, default=True)

# The WHATWG "special" schemes with a default port: an explicit default port equals none.
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
_ROOT_SEGMENTS = frozenset({"simple", "+simple"})


def _split(url: str) -> tuple[SplitResult, int | None]:
    """`urlsplit` plus the port with the scheme's default port turned into None.

    Raises ValueError for an unparseable URL or port, as `urlsplit` does.
    """
    parts = urlsplit(url.strip())
    port = parts.port
    if port is not None and port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        port = None
    return parts, port


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
        parts, port = _split(url)
        return cls(parts.scheme.lower(), _host(parts), port)

    @property
    def host_port(self) -> str:
        """`host[:port]`, the port only when it is not the scheme's default."""
        return self.host if self.port is None else f"{self.host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host_port}"


@lru_cache(maxsize=4096)
def normalize_url(url: str) -> str:
    """`url` without credentials, as uv's URL type prints it.

    Lower-cased scheme and host, no default port, `/` for an empty path; path, query and
    fragment otherwise as given. Unparseable input comes back with only its credentials removed.
    """
    stripped = strip_credentials(url.strip())
    try:
        parts, port = _split(stripped)
    except ValueError:
        return stripped
    if not parts.netloc:
        return stripped
    realm = Realm(parts.scheme.lower(), _host(parts), port)
    path = parts.path or "/"
    return urlunsplit((realm.scheme, realm.host_port, path, parts.query, parts.fragment))


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


def search_indexes(settings: Settings) -> tuple[IndexSettings, ...]:
    """The configured indexes in priority order, plus PyPI unless a default replaces it.

    As in uv, PyPI is the last resort only when no index is marked default and `no-index`
    is off.
    """
    indexes = tuple(settings.indexes)
    if settings.no_index or any(index.default for index in indexes):
        return indexes
    return (*indexes, PYPI_INDEX)


def _segments(path: str) -> int:
    return sum(1 for segment in path.split("/") if segment)


# Parsing dominates matching, and a process asks about the same few index URLs for every
# request: these pure functions are memoised (the caches only ever hold derived values).
@lru_cache(maxsize=4096)
def _location(url: str) -> tuple[Realm, str] | None:
    """The realm and path (`/` when empty) of `url`, credentials ignored; None if malformed."""
    try:
        parts, port = _split(strip_credentials(url))
    except ValueError:
        return None
    return Realm(parts.scheme.lower(), _host(parts), port), parts.path or "/"


@lru_cache(maxsize=1024)
def _candidates(index_url: str) -> tuple[tuple[Realm, str, int], ...]:
    """(realm, path, segment count) of an index URL and of its root URL."""
    base = strip_credentials(index_url)
    found = []
    for candidate in (base, root_url(base)):
        location = _location(candidate)
        if location is not None:
            found.append((*location, _segments(location[1])))
    return tuple(found)


def match_index(settings: Settings, url: str) -> IndexSettings | None:
    """The index `url` belongs to, or None (a direct URL, a file host outside every index).

    Candidates are every searched index's URL and root URL, credentials stripped, in the
    same realm as `url`; the one that is the longest path-segment prefix of `url`'s path
    wins, the first in priority order on a tie.
    """
    target = _location(url)
    if target is None:
        return None
    realm, path = target
    best: IndexSettings | None = None
    best_length = -1
    for index in search_indexes(settings):
        for candidate_realm, prefix, length in _candidates(index.url):
            if length > best_length and candidate_realm == realm and is_path_prefix(prefix, path):
                best, best_length = index, length
    return best


__all__ = [
    "PYPI_INDEX",
    "PYPI_URL",
    "Realm",
    "is_path_prefix",
    "match_index",
    "normalize_url",
    "root_url",
    "search_indexes",
]
