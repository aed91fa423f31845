"""The project's per-index keyring policy, as the plugin applies it to a keyring service name.

Imported by the plugin on first use only (it brings pydantic and the settings): keyring imports
the plugin's module in every program that uses keyring, and most never call it.

A service name is what the installer asks the keyring about: an index URL or a request URL
(pip, uv, Poetry, twine), a bare `host[:port]` (pip, uv), or uv's native names
(`uv-credentials:<url>`, `uv:<host>` / `uv:<scheme://host>`). A URL belongs to the index
`match_index` finds for it; a bare host to every configured index on that host and port, and
then the stricter answer needs all of them to agree, so that one index's `skip` never hides
another index's credentials.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from policy.index import match_index
from policy.realm import Realm
from policy.redact import redact_url
from policy.settings.models import IndexKeyring, IndexSettings, Settings
from policy.settings.origins import load_settings

_NATIVE_PREFIXES = ("uv-credentials:", "uv:")
_NO_STORE = frozenset({IndexKeyring.READ, IndexKeyring.SKIP})


@dataclass(frozen=True)
class ServiceRule:
    """What the policy allows for one service name; `why` says which index decided."""

    lookup: bool
    store: bool
    why: str = ""


ANYTHING = ServiceRule(lookup=True, store=True)


def _label(index: IndexSettings) -> str:
    return f"index `{index.name}`" if index.name else f"index {redact_url(index.url)}"


def _indexes_for(settings: Settings, service: str) -> list[IndexSettings]:
    for prefix in _NATIVE_PREFIXES:
        if service.startswith(prefix):
            service = service[len(prefix) :]
            break
    if "://" in service:
        index = match_index(settings, service)
        return [] if index is None else [index]
    host_port = service.strip().lower()
    found = []
    for index in settings.indexes:
        try:
            realm = Realm.from_url(index.url)
        except ValueError:
            continue
        if host_port and realm.host_port == host_port:
            found.append(index)
    return found


def rule_for(settings: Settings, service: str) -> ServiceRule:
    """The rule for one service name (pure)."""
    indexes = _indexes_for(settings, service)
    if not indexes:
        return ANYTHING
    if all(index.keyring is IndexKeyring.SKIP for index in indexes):
        return ServiceRule(
            lookup=False, store=False, why=f'{_label(indexes[0])} has `keyring = "skip"`'
        )
    if all(index.keyring in _NO_STORE for index in indexes):
        strict = next(index for index in indexes if index.keyring is IndexKeyring.READ)
        return ServiceRule(lookup=True, store=False, why=f'{_label(strict)} has `keyring = "read"`')
    return ANYTHING


class IndexPolicy:
    """The settings of one working directory, loaded once, answering per service name."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> IndexPolicy:
        """Read `uv.toml` / `pyproject.toml` as `load_settings` does; raises `ConfigError`."""
        return cls(load_settings(env=dict(os.environ) if env is None else env, cwd=cwd))

    def rule(self, service: str) -> ServiceRule:
        return rule_for(self._settings, service)


__all__ = ["ANYTHING", "IndexPolicy", "ServiceRule", "rule_for"]
