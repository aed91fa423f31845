"""Index matching (pure): which configured index a URL belongs to.

Follows uv's `uv-auth` index rules (`index.rs`; realms are `policy.realm`), with one deliberate
difference: uv picks an arbitrary index when several contain the URL (it iterates a hash set),
while here the longest path-segment prefix wins and ties go to the first in priority order.
"""

from __future__ import annotations

from functools import lru_cache

from policy.realm import Realm, is_path_prefix, location, root_url
from policy.redact import strip_credentials
from policy.settings.models import IndexSettings, Settings

PYPI_URL = "https://pypi.org/simple"
"""uv's implicit default index, searched last unless a default index is configured."""

PYPI_INDEX = IndexSettings(url=PYPI_URL, default=True)


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


@lru_cache(maxsize=1024)
def _candidates(index_url: str) -> tuple[tuple[Realm, str, int], ...]:
    """(realm, path, segment count) of an index URL and of its root URL."""
    base = strip_credentials(index_url)
    found = []
    for candidate in (base, root_url(base)):
        found_at = location(candidate)
        if found_at is not None:
            found.append((*found_at, _segments(found_at[1])))
    return tuple(found)


def match_index(settings: Settings, url: str) -> IndexSettings | None:
    """The index `url` belongs to, or None (a direct URL, a file host outside every index).

    Candidates are every searched index's URL and root URL, credentials stripped, in the
    same realm as `url`; the one that is the longest path-segment prefix of `url`'s path
    wins, the first in priority order on a tie.
    """
    target = location(url)
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
    "match_index",
    "search_indexes",
]
