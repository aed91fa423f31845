"""keyring-policy: uv-compatible package-index authentication for any Python installer.

    import policy

    settings = policy.load_settings()
    with policy.client(settings) as http:
        http.get("https://pkgs.example.com/simple/foo/")

Public names are re-exported lazily (PEP 562), so `import policy` stays cheap and the
`keyring` package is imported only when the native provider is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policy.auth import PolicyAuth
    from policy.clients import async_client, client
    from policy.credentials import Credentials, CredentialSource
    from policy.decision import Decision, decide
    from policy.errors import (
        ConfigError,
        CredentialsError,
        CredentialStoreError,
        FetchError,
        IncompleteCredentials,
        KeyringUnavailable,
        MissingCredentials,
        PolicyError,
    )
    from policy.index import Realm
    from policy.lookup import CredentialSources
    from policy.settings import (
        AuthPolicy,
        IndexKeyring,
        IndexSettings,
        KeyringProvider,
        Overrides,
        Preview,
        Settings,
    )
    from policy.sources import load_settings

_EXPORTS: dict[str, str] = {
    "PolicyAuth": "policy.auth",
    "client": "policy.clients",
    "async_client": "policy.clients",
    "Credentials": "policy.credentials",
    "CredentialSource": "policy.credentials",
    "Decision": "policy.decision",
    "decide": "policy.decision",
    "ConfigError": "policy.errors",
    "CredentialsError": "policy.errors",
    "CredentialStoreError": "policy.errors",
    "FetchError": "policy.errors",
    "IncompleteCredentials": "policy.errors",
    "KeyringUnavailable": "policy.errors",
    "MissingCredentials": "policy.errors",
    "PolicyError": "policy.errors",
    "Realm": "policy.index",
    "CredentialSources": "policy.lookup",
    "AuthPolicy": "policy.settings",
    "IndexKeyring": "policy.settings",
    "IndexSettings": "policy.settings",
    "KeyringProvider": "policy.settings",
    "Overrides": "policy.settings",
    "Preview": "policy.settings",
    "Settings": "policy.settings",
    "load_settings": "policy.sources",
}

__all__ = [
    "AuthPolicy",
    "ConfigError",
    "CredentialSource",
    "CredentialSources",
    "CredentialStoreError",
    "Credentials",
    "CredentialsError",
    "Decision",
    "FetchError",
    "IncompleteCredentials",
    "IndexKeyring",
    "IndexSettings",
    "KeyringProvider",
    "KeyringUnavailable",
    "MissingCredentials",
    "Overrides",
    "PolicyAuth",
    "PolicyError",
    "Preview",
    "Realm",
    "Settings",
    "async_client",
    "client",
    "decide",
    "load_settings",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'policy' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
