"""Which keyring entries an `auth` target names, in the order the native provider reads them.

A target is a service URL or the name of a configured `[[index]]`. Its entries are this
project's `uv-credentials:<index-url>` (what automatic storing writes) for every configured
index at or under the target, then uv's `uv:` names for the target (what
`uv auth login --preview-features native-auth` writes). Pure: no keyring, no file.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy.decision import STORE_PREFIX, UV_PREFIX, native_target, service_names
from policy.realm import Realm, is_path_prefix, location, normalize_url
from policy.settings.models import IndexFormat, IndexSettings, Settings


@dataclass(frozen=True)
class Entry:
    """One keyring service name to ask, and the index it belongs to (None: a uv host entry)."""

    service: str
    index: str | None
    ours: bool  # a `uv-credentials:` entry (written by automatic storing)


def index_named(settings: Settings, target: str) -> IndexSettings | None:
    """The configured index called `target`, if any (index names cannot contain `/` or `:`)."""
    for index in settings.indexes:
        if index.name is not None and index.name == target:
            return index
    return None


def configured_indexes(settings: Settings) -> tuple[IndexSettings, ...]:
    """The configured Simple API indexes (the ones automatic storing can write for)."""
    return tuple(index for index in settings.indexes if index.format is IndexFormat.SIMPLE)


def ours_for(settings: Settings, url: str) -> list[Entry]:
    """`uv-credentials:` entries of the configured indexes at or under `url`, or containing it."""
    target = location(url)
    if target is None:
        return []
    realm, path = target
    found: list[Entry] = []
    for index in configured_indexes(settings):
        at = location(index.url)
        if at is None or at[0] != realm:
            continue
        if is_path_prefix(path, at[1]) or is_path_prefix(at[1], path):
            service = STORE_PREFIX + normalize_url(index.url)
            if all(entry.service != service for entry in found):
                found.append(Entry(service, index.name, ours=True))
    return found


def uv_entries(url: str) -> list[Entry]:
    """uv's native-store names for `url`, as `uv auth token` reads them."""
    return [
        Entry(UV_PREFIX + name, None, ours=False)
        for name in service_names(url, Realm.from_url(url))
    ]


def uv_login_entry(url: str) -> Entry:
    """The one `uv:` entry `uv auth login` writes and `uv auth logout` removes for `url`."""
    return Entry(UV_PREFIX + native_target(Realm.from_url(url)), None, ours=False)


def listed(settings: Settings) -> list[Entry]:
    """Every entry `auth list` asks about: each configured index's two names, deduplicated."""
    found: list[Entry] = []
    for index in configured_indexes(settings):
        for entry in (
            Entry(STORE_PREFIX + normalize_url(index.url), index.name, ours=True),
            Entry(
                UV_PREFIX + native_target(Realm.from_url(normalize_url(index.url))),
                index.name,
                ours=False,
            ),
        ):
            if all(other.service != entry.service for other in found):
                found.append(entry)
    return found
