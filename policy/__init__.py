"""keyring-policy: uv-compatible package-index authentication for any Python installer.

    import policy

    settings = policy.load_settings()
    with policy.client(settings) as http:
        http.get("https://pkgs.example.com/simple/foo/")

An installer built on `requests` uses `policy.requests_session(settings)` (or puts
`policy.PolicyRequestsAuth(settings)` on its own session) instead; `requests` is the optional
extra `keyring-policy[requests]`.

Public names are re-exported lazily (PEP 562), so `import policy` stays cheap, the `keyring`
package is imported only when the native provider is used, and `requests` only when its
adapter is.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policy.credentials.lookup import CredentialSources
    from policy.credentials.values import Credentials
    from policy.decision import Decision, decide
    from policy.errors import (
        ConfigError,
        CredentialsError,
        CredentialsFileError,
        CredentialStoreError,
        FetchError,
        IncompleteCredentials,
        KeyringUnavailable,
        MissingCredentials,
        PolicyError,
    )
    from policy.fetch.auth import PolicyAuth
    from policy.fetch.clients import async_client, client
    from policy.fetch.requests_auth import PolicyRequestsAuth, requests_session
    from policy.fetch.search import async_search_project, search_project
    from policy.fetch.simple import ProjectFile, ProjectPage
    from policy.provenance import CredentialSource
    from policy.realm import Realm
    from policy.settings.models import (
        AuthPolicy,
        IndexKeyring,
        IndexSettings,
        KeyringProvider,
        Overrides,
        Preview,
        Settings,
    )
    from policy.settings.origins import load_settings

_EXPORTS: dict[str, str] = {
    "PolicyAuth": "policy.fetch.auth",
    "client": "policy.fetch.clients",
    "async_client": "policy.fetch.clients",
    "PolicyRequestsAuth": "policy.fetch.requests_auth",
    "requests_session": "policy.fetch.requests_auth",
    "search_project": "policy.fetch.search",
    "async_search_project": "policy.fetch.search",
    "ProjectFile": "policy.fetch.simple",
    "ProjectPage": "policy.fetch.simple",
    "Credentials": "policy.credentials.values",
    "CredentialSource": "policy.provenance",
    "Decision": "policy.decision",
    "decide": "policy.decision",
    "ConfigError": "policy.errors",
    "CredentialsError": "policy.errors",
    "CredentialsFileError": "policy.errors",
    "CredentialStoreError": "policy.errors",
    "FetchError": "policy.errors",
    "IncompleteCredentials": "policy.errors",
    "KeyringUnavailable": "policy.errors",
    "MissingCredentials": "policy.errors",
    "PolicyError": "policy.errors",
    "Realm": "policy.realm",
    "CredentialSources": "policy.credentials.lookup",
    "AuthPolicy": "policy.settings.models",
    "IndexKeyring": "policy.settings.models",
    "IndexSettings": "policy.settings.models",
    "KeyringProvider": "policy.settings.models",
    "Overrides": "policy.settings.models",
    "Preview": "policy.settings.models",
    "Settings": "policy.settings.models",
    "load_settings": "policy.settings.origins",
}

__all__ = [
    "AuthPolicy",
    "ConfigError",
    "CredentialSource",
    "CredentialSources",
    "CredentialStoreError",
    "Credentials",
    "CredentialsError",
    "CredentialsFileError",
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
    "PolicyRequestsAuth",
    "Preview",
    "ProjectFile",
    "ProjectPage",
    "Realm",
    "Settings",
    "async_client",
    "async_search_project",
    "client",
    "decide",
    "load_settings",
    "requests_session",
    "search_project",
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
