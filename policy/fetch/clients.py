"""Ready-to-use httpx clients that authenticate through the policy.

    settings = load_settings(Overrides(), os.environ, Path.cwd())
    with policy.fetch.clients.client(settings) as http:
        http.get("https://pkgs.example.com/simple/foo/")

Redirects are followed by `PolicyAuth` itself (at most 10 hops), so that every hop re-enters
the policy and credentials never cross to another origin; httpx's own redirect handling stays
off. Timeouts are always set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from policy.fetch.auth import PolicyAuth
from policy.settings.models import Settings

if TYPE_CHECKING:
    from policy.credentials.lookup import CredentialSources

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def _prepare(settings: Settings, kwargs: dict[str, Any]) -> dict[str, Any]:
    env: Mapping[str, str] | None = kwargs.pop("env", None)
    sources: CredentialSources | None = kwargs.pop("sources", None)
    follow = bool(kwargs.pop("follow_redirects", True))
    auth = kwargs.pop("auth", None)
    if auth is None:
        auth = PolicyAuth(settings, env=env, sources=sources, follow_redirects=follow)
    elif isinstance(auth, PolicyAuth):
        auth.follow_redirects = follow
    kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
    # PolicyAuth follows redirects; httpx must hand every 3xx to it.
    return {**kwargs, "auth": auth, "follow_redirects": False}


def client(settings: Settings, **kwargs: Any) -> httpx.Client:
    """An `httpx.Client` with `PolicyAuth`; `env=` and `sources=` go to `PolicyAuth`."""
    return httpx.Client(**_prepare(settings, kwargs))


def async_client(settings: Settings, **kwargs: Any) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` with `PolicyAuth`; `env=` and `sources=` go to `PolicyAuth`."""
    return httpx.AsyncClient(**_prepare(settings, kwargs))


def policy_auth(http: httpx.Client | httpx.AsyncClient) -> PolicyAuth:
    """The `PolicyAuth` of a client made here (for `stored`)."""
    auth = http.auth
    if not isinstance(auth, PolicyAuth):
        raise TypeError("this client was not made by policy.fetch.clients")
    return auth
