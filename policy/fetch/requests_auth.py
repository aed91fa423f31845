"""`PolicyRequestsAuth`: the policy for installers built on `requests` (pip, twine, Poetry).

It drives the same I/O-free request flow as the httpx driver (`policy.fetch.flow`), and
performs its lookup, store and wait steps with the same code as the httpx sync driver, so
both make the same decisions, keep the same cache and single flight, and store by the same
rule. requests has no generator-shaped auth interface, so the exchange is split in two:

- `__call__(prepared)` runs the flow up to its first request (lookups and the realm's probe
  wait happen here, in the calling thread) and copies what the flow attached onto requests'
  `PreparedRequest`;
- the response hook it registers feeds each response back into the flow and, while the flow
  asks for another request (the retry after a 401/403/404, a redirect hop), sends it on the
  same connection adapter, as requests' own digest auth does.

Conversion between requests' objects and the flow's happens here, at the edge, and nowhere
else. Redirects are followed by the flow (at most 10 hops, each re-entering the policy, no
credentials across origins); the response requests sees is the last one, with the earlier
ones in `history`. `requests` is an optional dependency (`keyring-policy[requests]`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx
import requests
from requests.auth import AuthBase
from requests.utils import rewind_body

from policy.fetch.auth import PolicyAuth
from policy.fetch.flow import DecideFn, Flow
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


class _Exchange:
    """One request's run through the flow, from `__call__` to its last response."""

    def __init__(self, policy: PolicyAuth, prepared: requests.PreparedRequest) -> None:
        self._policy = policy
        self._prepared = prepared
        self._request = _to_flow_request(prepared)
        self._had_userinfo = bool(self._request.url.userinfo)
        self._flow: Flow = policy.flow(self._request)
        self._responses: dict[int, requests.Response] = {}
        self._final: httpx.Response | None = None
        self._done = False

    def start(self) -> requests.PreparedRequest:
        try:
            request = self._advance(None)
        except BaseException:
            self._finish()
            raise
        assert request is not None  # the flow always sends at least once
        self._request = request
        if self._had_userinfo:  # the flow moved URL credentials into the header
            self._prepared.url = str(request.url)
        # Before the first send the flow only sets (or keeps) the Authorization header.
        authorization = request.headers.get("Authorization")
        if authorization is not None:
            self._prepared.headers["Authorization"] = authorization
        else:
            self._prepared.headers.pop("Authorization", None)
        self._prepared.register_hook("response", self._on_response)
        return self._prepared

    def _advance(self, result: Any) -> httpx.Request | None:
        """Perform the flow's steps until it asks for a request (None once it returned)."""
        while True:
            try:
                step = self._flow.send(result)
            except StopIteration as stop:
                self._done = True
                self._final = stop.value
                return None
            if isinstance(step, httpx.Request):
                return step
            result = self._policy.perform_sync(step)

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        # Only the response to the request this exchange prepared; requests' own redirect
        # handling copies the request (and this hook) onto later hops it sends itself.
        if self._done or response.request is not self._prepared:
            return response
        try:
            while True:
                answer = _to_flow_response(response, self._request)
                self._responses[id(answer)] = response
                following = self._advance(answer)
                if following is None:
                    return self._responses.get(id(self._final), response)
                response = self._send(response, following, kwargs)
        finally:
            self._finish()

    def _finish(self) -> None:
        """Close the flow (releasing its realm's probe) and let go of requests' objects.

        The request holds this exchange through its hook; dropping the request and the
        responses here leaves no reference cycle behind for the garbage collector.
        """
        self._done = True
        self._flow.close()
        self._prepared = _FINISHED
        self._responses.clear()
        self._final = None

    def _send(
        self, response: requests.Response, request: httpx.Request, kwargs: dict[str, Any]
    ) -> requests.Response:
        """Send the flow's next request on the adapter that answered the last one."""
        prepared = _next_prepared(self._prepared, request)
        # Free the connection of the response the flow is done with.
        _ = response.content
        response.close()
        sent: requests.Response = response.connection.send(prepared, **kwargs)
        sent.history = [*response.history, response]
        sent.request = prepared
        self._prepared, self._request = prepared, request
        return sent


_FINISHED = requests.PreparedRequest()
"""Stands in for the request of a finished exchange (whose hook may still be called)."""


def _to_flow_request(prepared: requests.PreparedRequest) -> httpx.Request:
    body = prepared.body
    # A streamed body stays with requests (rewound for a retry); the flow needs none. The
    # stream is given, so httpx adds no headers of its own (Host, Content-Length).
    content = body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else b""
    return httpx.Request(
        prepared.method or "GET",
        prepared.url or "",
        headers=[(name, _text(value)) for name, value in prepared.headers.items()],
        stream=httpx.ByteStream(content),
    )


def _text(value: str | bytes) -> str:
    # requests allows bytes header values; they go on the wire as latin-1, as here.
    return value if isinstance(value, str) else value.decode("latin-1")


def _to_flow_response(response: requests.Response, request: httpx.Request) -> httpx.Response:
    # The flow reads the status and the headers; the body stays with requests.
    return httpx.Response(
        response.status_code,
        headers=list(response.headers.items()),
        request=request,
        stream=httpx.ByteStream(b""),
    )


def _apply_headers(prepared: requests.PreparedRequest, request: httpx.Request) -> None:
    """Drop the headers the flow dropped; take the Authorization the flow decided on."""
    headers = prepared.headers
    kept = {name.lower() for name in request.headers}
    for name in [name for name in headers if name.lower() not in kept]:
        del headers[name]
    authorization = request.headers.get("Authorization")
    if authorization is not None:
        headers["Authorization"] = authorization


def _next_prepared(
    previous: requests.PreparedRequest, request: httpx.Request
) -> requests.PreparedRequest:
    """requests' form of the flow's next request (a retry or a redirect hop)."""
    prepared: requests.PreparedRequest = previous.copy()
    prepared.url = str(request.url)
    if request.method != previous.method:  # a 303 (or 301/302 after POST) becomes a GET
        prepared.method = request.method
        prepared.body = None
    elif getattr(previous, "_body_position", None) is not None:
        rewind_body(prepared)
    _apply_headers(prepared, request)
    return prepared


def requests_session(
    settings: Settings,
    *,
    env: Mapping[str, str] | None = None,
    sources: CredentialSources | None = None,
    follow_redirects: bool = True,
) -> requests.Session:
    """A `requests.Session` whose auth is `PolicyRequestsAuth` (see `policy.client`)."""
    session = requests.Session()
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
