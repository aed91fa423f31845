"""`PolicyRequestsAuth`: the policy for installers built on `requests` (pip, twine, Poetry).

It drives the same I/O-free request flow as the httpx driver (`policy.fetch.flow`), and
performs its lookup, store and wait steps with the same code as the httpx sync driver, so
both make the same decisions, keep the same cache and single flight, and store by the same
rule. requests has no generator-shaped auth interface, so the exchange is split in two:

- `__call__(prepared)` runs the flow up to its first request (lookups and the realm's probe
  wait happen here, in the calling thread); the flow edits requests' `PreparedRequest`
  itself (its headers, its URL), so nothing is converted on the way;
- the response hook it registers feeds each response back into the flow and, while the flow
  asks for another request (the retry after a 401/403/404, a redirect hop), sends it on the
  same connection adapter, as requests' own digest auth does.

Redirects are followed by the flow (at most 10 hops, each re-entering the policy, no
credentials across origins); the response requests sees is the last one, with the earlier
ones in `history`. A request that fails on the way out (connection refused, a timeout) never
reaches the hook: the session `requests_session` builds ends its exchange at once, so the
realm's probe is free for the next request. `requests` is an optional dependency
(`keyring-policy[requests]`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import requests
from requests.auth import AuthBase
from requests.structures import CaseInsensitiveDict
from requests.utils import rewind_body

from policy.fetch.auth import PolicyAuth
from policy.fetch.flow import DecideFn, Edge, Exchange
from policy.redact import strip_credentials
from policy.settings.models import Settings

if TYPE_CHECKING:
    from policy.credentials.lookup import CredentialSources


class PolicyRequestsAuth(AuthBase):
    """Authenticate every request of a `requests.Session` as `settings` and the policy say.

    `env`, `sources`, `follow_redirects` and `decide` are `PolicyAuth`'s; `stored` lists
    `{"service", "username", "backend"}` of what was stored in this process. Safe to share between
    threads: each request gets its own exchange, and lookups are made once per key.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        env: Mapping[str, str] | None = None,
        sources: CredentialSources | None = None,
        follow_redirects: bool = True,
        decide: DecideFn | None = None,
    ) -> None:
        self.policy = PolicyAuth(
            settings,
            env=dict(os.environ if env is None else env),
            sources=sources,
            follow_redirects=follow_redirects,
            decide=decide,
        )

    @property
    def stored(self) -> list[dict[str, str]]:
        """What was stored in the keyring by this process: service, username and the backend."""
        return self.policy.stored

    def __repr__(self) -> str:
        return f"PolicyRequestsAuth({self.policy!r})"

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        return _Exchange(self.policy, prepared).start()


class _Hop:
    """requests' `PreparedRequest` as the flow reads and edits it (a `FlowRequest`).

    Once sent, it is copied on the first edit: what went out stays as it went, in `history`.
    """

    __slots__ = ("extensions", "prepared", "sent")

    def __init__(
        self, prepared: requests.PreparedRequest, extensions: dict[str, Any] | None = None
    ) -> None:
        self.prepared = prepared
        self.extensions: dict[str, Any] = {} if extensions is None else extensions
        self.sent = False

    @property
    def method(self) -> str:
        return self.prepared.method or "GET"

    @property
    def url(self) -> str:
        return self.prepared.url or ""

    @property
    def headers(self) -> CaseInsensitiveDict[str | bytes]:
        return self.unsent().headers

    def unsent(self) -> requests.PreparedRequest:
        """The request to edit or send: a copy, body rewound, once this one has gone out."""
        if self.sent:
            self.prepared, self.sent = _copy(self.prepared), False
        return self.prepared


def _copy(prepared: requests.PreparedRequest) -> requests.PreparedRequest:
    copy: requests.PreparedRequest = prepared.copy()
    if getattr(prepared, "_body_position", None) is not None:
        rewind_body(copy)  # a streamed body is read again from where it started
    return copy


class _RequestsEdge:
    """The flow's two library-specific edits, on requests' `PreparedRequest`."""

    @staticmethod
    def strip_userinfo(request: _Hop) -> None:
        request.unsent().url = strip_credentials(request.url)

    @staticmethod
    def follow(request: _Hop, url: str, method: str, drop: tuple[str, ...], body: bool) -> _Hop:
        following = _copy(request.prepared) if body else request.prepared.copy()
        following.url = url
        if not body:  # a 303 (or 301/302 after POST) becomes a GET without a body
            following.method, following.body = method, None
        for name in drop:
            following.headers.pop(name, None)
        return _Hop(following, dict(request.extensions))


REQUESTS: Edge[_Hop] = _RequestsEdge()


class _Exchange:
    """One request's run through the flow, from `__call__` to its last response."""

    __slots__ = ("_done", "_final", "_flow", "_policy", "_sent")

    def __init__(self, policy: PolicyAuth, prepared: requests.PreparedRequest) -> None:
        self._policy = policy
        self._flow: Exchange[_Hop] = policy.run(_Hop(prepared), REQUESTS)
        self._sent = prepared
        self._final: Any = None
        self._done = False

    def start(self) -> requests.PreparedRequest:
        try:
            hop = self._advance(None)
        except BaseException:
            self._finish()
            raise
        assert hop is not None  # the flow always sends at least once
        hop.sent = True
        # requests sends the request it prepared: the flow edited that very object.
        self._sent.hooks["response"].append(self._on_response)
        return self._sent

    def _advance(self, result: Any) -> _Hop | None:
        """Perform the flow's steps until it asks for a request (None once it returned)."""
        while True:
            try:
                step = self._flow.send(result)
            except StopIteration as stop:
                self._done = True
                self._final = stop.value
                return None
            if isinstance(step, _Hop):
                return step
            result = self._policy.perform_sync(step)

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        # Only the response to the request this exchange sent; requests' own redirect
        # handling copies the request (and this hook) onto later hops it sends itself.
        if self._done or response.request is not self._sent:
            return response
        try:
            while True:
                hop = self._advance(response)
                if hop is None:
                    final = self._final
                    return final if isinstance(final, requests.Response) else response
                response = self._send(response, hop, kwargs)
        finally:
            self._finish()

    def abandon(self) -> None:
        """The request failed on its way out: end the flow now (releasing its realm's probe)."""
        if not self._done:
            self._finish()

    def _finish(self) -> None:
        """Close the flow (releasing its realm's probe) and let go of requests' objects.

        The request holds this exchange through its hook; dropping the request and the
        responses here leaves no reference cycle behind for the garbage collector.
        """
        self._done = True
        self._flow.close()
        self._sent = _FINISHED
        self._final = None

    def _send(
        self, response: requests.Response, hop: _Hop, kwargs: dict[str, Any]
    ) -> requests.Response:
        """Send the flow's next request on the adapter that answered the last one."""
        prepared = hop.unsent()
        # Free the connection of the response the flow is done with.
        _ = response.content
        response.close()
        sent: requests.Response = response.connection.send(prepared, **kwargs)
        sent.history = [*response.history, response]
        sent.request = prepared
        hop.sent = True
        self._sent = prepared
        return sent


_FINISHED = requests.PreparedRequest()
"""Stands in for the request of a finished exchange (whose hook may still be called)."""


class _PolicySession(requests.Session):
    """A session that ends a request's exchange when sending it raises (no hook runs then)."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        try:
            return super().send(request, **kwargs)
        except BaseException:
            for hook in request.hooks.get("response", ()):
                exchange = getattr(hook, "__self__", None)
                if isinstance(exchange, _Exchange):
                    exchange.abandon()
            raise


def requests_session(
    settings: Settings,
    *,
    env: Mapping[str, str] | None = None,
    sources: CredentialSources | None = None,
    follow_redirects: bool = True,
) -> requests.Session:
    """A `requests.Session` whose auth is `PolicyRequestsAuth` (see `policy.client`).

    A request that fails before any response (connection refused, a timeout) releases its
    realm's probe at once; with another session it is released when the request is freed.
    """
    session = _PolicySession()
    session.auth = PolicyRequestsAuth(
        settings, env=env, sources=sources, follow_redirects=follow_redirects
    )
    return session


def requests_auth(session: requests.Session) -> PolicyRequestsAuth:
    """The `PolicyRequestsAuth` of a session made by `requests_session` (for `stored`)."""
    auth = session.auth
    if not isinstance(auth, PolicyRequestsAuth):
        raise TypeError("this session was not made by policy.requests_session")
    return auth


__all__ = ["PolicyRequestsAuth", "requests_auth", "requests_session"]
