"""The request flow: one I/O-free generator per request, shared by every HTTP driver.

`RequestFlow.flow(request)` carries the policy's decision out around one request, redirects
included. It does no I/O of its own: it yields steps and is sent back their results.

    the request     send it                          -> its response
    Lookup          ask the allowed sources (once    -> Credentials | None
                    per key per process)
    Store           store working credentials        -> None
    Wait            wait for the realm's first       -> None
                    unauthenticated request (probe)

A driver (`policy.fetch.auth.PolicyAuth` for httpx, `policy.fetch.requests_auth` for
requests) sends the requests with its HTTP library and performs the other steps, and finally
gets the last response as the generator's return value (`StopIteration.value`). The flow
reads and edits each library's own objects through two small protocols (`FlowRequest`,
`FlowResponse`: a method, a URL, case-insensitive headers, extensions; a status and
headers), so no driver converts a request or a response on the way; the two edits that
differ between libraries (removing userinfo from a URL, building a redirect's next hop) are
an `Edge`'s. `flow(request)` is the httpx form; `run(request, edge)` is any library's. Which
sources may be read and whether anything may be stored is `policy.decision.decide`'s answer
for each URL; this module only carries it out.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import threading
from collections.abc import Callable, Generator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import httpx

from policy.credentials.values import Credentials
from policy.errors import IncompleteCredentials, MissingCredentials
from policy.fetch.cache import CredentialsCache, ProbeGate, SingleFlight
from policy.fetch.hints import SENT_EXTENSION, Sent
from policy.fetch.limits import redirect_limit
from policy.index import match_index, search_indexes
from policy.provenance import CredentialSource
from policy.realm import normalize_url, realm_key, root_url, split_origin
from policy.redact import redact_url, strip_credentials
from policy.settings.models import AuthPolicy, Settings

if TYPE_CHECKING:
    from policy.decision import Decision

log = logging.getLogger("policy.fetch.flow")

MAX_REDIRECTS = 10
PROBE_WAIT = 60.0
"""Seconds a request waits at most for its realm's probe before going out anyway."""
_MEMO_LIMIT = 4096
RETRY_STATUSES = frozenset({401, 403, 404})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SENSITIVE_HEADERS = ("authorization", "proxy-authorization", "cookie")

DecideFn = Callable[[Settings, str, "str | None"], "Decision"]


class RequestHeaders(Protocol):
    """Case-insensitive request headers (httpx's `Headers`, requests' `CaseInsensitiveDict`)."""

    def __contains__(self, key: object, /) -> bool: ...
    def get(self, key: str, /) -> str | bytes | None: ...
    def __setitem__(self, key: str, value: str, /) -> None: ...


class ResponseHeaders(Protocol):
    def get(self, key: str, /) -> str | None: ...


class FlowRequest(Protocol):
    """What the flow reads and edits of a request; `str(url)` is the URL as sent."""

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> object: ...
    @property
    def headers(self) -> RequestHeaders: ...
    @property
    def extensions(self) -> MutableMapping[str, Any]: ...


class FlowResponse(Protocol):
    """What the flow reads of a response."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> ResponseHeaders: ...


R = TypeVar("R", bound=FlowRequest)


class Edge(Protocol[R]):
    """The two edits of a request that differ between HTTP libraries; rules stay in the flow."""

    def strip_userinfo(self, request: R) -> None:
        """Remove the userinfo from the request's URL (the flow has read it)."""

    def follow(self, request: R, url: str, method: str, drop: tuple[str, ...], body: bool) -> R:
        """A new request to `url` with `method`, the headers `drop` names removed, the body
        kept only when `body`; `request` stays as it was sent."""
        ...


class _HttpxEdge:
    @staticmethod
    def strip_userinfo(request: httpx.Request) -> None:
        request.url = request.url.copy_with(userinfo=b"")

    @staticmethod
    def follow(
        request: httpx.Request, url: str, method: str, drop: tuple[str, ...], body: bool
    ) -> httpx.Request:
        headers = httpx.Headers(request.headers)
        for name in drop:
            headers.pop(name, None)
        content = request.read() if body else b""
        return httpx.Request(
            method, url, headers=headers, content=content or None, extensions=request.extensions
        )


HTTPX: Edge[httpx.Request] = _HttpxEdge()
"""The edge of httpx's own `Request`."""


@dataclass(frozen=True)
class Lookup:
    """Step: look credentials up from the decision's sources for `username`, once per `key`."""

    key: tuple[str, str | None]
    decision: Decision
    username: str | None


@dataclass(frozen=True)
class Store:
    """Step: store `credentials` as the decision says, unless the keyring already holds them."""

    decision: Decision
    credentials: Credentials


@dataclass(frozen=True)
class Wait:
    """Step: wait for the realm's first unauthenticated request (the probe) to finish."""

    flight: Any


Step = httpx.Request | Lookup | Store | Wait
Flow = Generator[Step, Any, httpx.Response]
Exchange = Generator[R | Lookup | Store | Wait, Any, Any]
"""Any library's flow: yields its requests and the other steps, returns its last response."""


GIVEN_BY = "keyring_policy.given_by"
"""Request extension a caller sets to `"link"` when the URL was taken from a page: userinfo
in it is then recorded as chosen by the network (`CredentialSource.LINK`)."""


def has_userinfo(url: str) -> bool:
    """Whether `url` carries userinfo, by plain string splitting (most URLs have no `@`)."""
    if "@" not in url:
        return False
    authority = split_origin(url)[0].partition("://")[2]
    return bool(authority.rpartition("@")[0])


def request_credentials(request: FlowRequest) -> Credentials | None:
    """Credentials the caller's request itself carries: URL userinfo first, then a Basic header.

    Raises `InvalidCredentials` for URL credentials that are not UTF-8 once decoded.
    """
    url = str(request.url)
    return _request_credentials(request, url, has_userinfo(url))


def _request_credentials(request: FlowRequest, url: str, userinfo: bool) -> Credentials | None:
    if userinfo:
        source = CredentialSource.URL
        if request.extensions.get(GIVEN_BY) == "link":
            source = CredentialSource.LINK
        from_url = Credentials.from_url(url, source)
        if from_url is not None:
            return from_url
    if "Authorization" not in request.headers:  # cheaper than .get() for the usual case
        return None
    header = request.headers.get("Authorization")
    if not header:
        return None
    if isinstance(header, bytes):
        header = header.decode("latin-1")  # requests allows bytes; they go out as latin-1
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None  # not ours to judge; the header is sent as it is
    username, _, password = decoded.partition(":")
    return Credentials.basic(username or None, password or None, CredentialSource.URL)


def same_origin(a: object, b: object) -> bool:
    """Scheme, host and port (default ports equal): stricter than uv, which ignores the scheme."""
    return realm_key(str(a)) == realm_key(str(b))


def _is_success(status: int) -> bool:
    return 200 <= status < 300


def next_hop(
    request: R, response: FlowResponse, edge: Edge[R], *, authorization: bool = True
) -> tuple[R, bool] | None:
    """The next hop of a redirect and whether it stays in the origin; None when the response
    is no usable redirect (no Location, or not http/https).

    Credentials, cookies included, are removed when the hop leaves the origin; without
    `authorization`, the Authorization header is removed in any case (the flow attaches
    the carried credentials again).
    """
    if response.status_code not in _REDIRECT_STATUSES:
        return None
    location = response.headers.get("Location")
    if not location:
        return None
    current = str(request.url)
    try:
        target = httpx.URL(current).join(location)
    except httpx.InvalidURL:
        return None
    if target.scheme not in ("http", "https"):
        return None
    url = str(target)
    method = request.method
    if (response.status_code == 303 and method != "HEAD") or (
        response.status_code in (301, 302) and method == "POST"
    ):
        method = "GET"
    drop = ["Host"] if authorization else ["Host", "Authorization"]
    inside = same_origin(current, url)
    if not inside:
        log.debug("cross-origin redirect to %s: sensitive headers removed", redact_url(url))
        drop.extend(_SENSITIVE_HEADERS)
    body = method == request.method
    if not body:
        drop.extend(("Content-Length", "Transfer-Encoding"))
    following = edge.follow(request, url, method, tuple(drop), body)
    # What was sent on the last hop is not what this hop sends (the flow records that anew).
    following.extensions.pop(SENT_EXTENSION, None)
    return following, inside


def redirect_request(request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
    """The next hop of an httpx redirect, credentials removed when it leaves the origin.

    None when the response is no usable redirect (no Location, or not http/https).
    """
    hop = next_hop(request, response, HTTPX)
    return None if hop is None else hop[0]


class RequestFlow:
    """The state of the request flow for one client: decisions, the cache, probes, single flight.

    `env` defaults to `os.environ` (read once, here). A driver subclasses it (or holds one)
    and performs the steps `flow` yields; `stored` lists `{"service", "username"}` of what
    the driver stored in this process.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        env: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
        decide: DecideFn | None = None,
    ) -> None:
        self._settings = settings
        self._env: Mapping[str, str] = dict(os.environ if env is None else env)
        if decide is None:
            from policy.decision import decide as decide_fn

            decide = decide_fn
        self._decide: DecideFn = decide
        self.follow_redirects = follow_redirects
        self.max_redirects = redirect_limit(self._env)
        self.cache = CredentialsCache()
        self._configured = self.cache.seed(search_indexes(settings), self._env)
        self.lookups: SingleFlight[Credentials] = SingleFlight()
        self.probes = ProbeGate()
        self.stored: list[dict[str, str]] = []
        self._store_lock = threading.Lock()
        self._store_attempts: set[tuple[str | None, str | None]] = set()
        self._warned_gate = False
        self._told: set[tuple[object, ...]] = set()  # -v lines already given (bounded)
        # decide() is pure for fixed settings: remember its answers (bounded).
        self._decisions: dict[tuple[str, str | None], Decision] = {}
        self._routes: dict[object, Decision] = {}
        self._index_urls = frozenset(
            normalize_url(url).split("?", 1)[0].rstrip("/")
            for index in search_indexes(settings)
            for url in (index.url, root_url(index.url))
        )
        self._attached: dict[int, tuple[Credentials, str, Sent]] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self._settings.keyring_provider.value!r})"

    # ------------------------------------------------------------------ the request logic

    def flow(self, request: httpx.Request) -> Flow:
        """The whole exchange for one httpx request, redirects included (see `run`)."""
        return self.run(request, HTTPX)

    def run(self, request: R, edge: Edge[R]) -> Exchange[R]:
        """The whole exchange for one request, redirects included; returns the last response.

        The credentials a hop carried go on to the next hop as the same value (provenance
        kept), and only within the origin; they are never read back from a header.
        """
        hops = 0
        carried: Credentials | None = None
        while True:
            response, sent = yield from self._attempt(request, edge, carried, hops)
            if (
                response.status_code not in _REDIRECT_STATUSES
                or not self.follow_redirects
                or hops >= self.max_redirects
            ):
                return response
            # The Authorization header goes: the flow attaches `carried` again.
            hop = next_hop(request, response, edge, authorization=False)
            if hop is None:
                return response
            following, inside = hop
            log.debug("redirect %d to %s", response.status_code, redact_url(str(following.url)))
            carried = sent if inside else None
            request, hops = following, hops + 1

    def _decision(self, url: str, username: str | None) -> Decision:
        key = (url, username)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decide(self._settings, url, username)
            if len(self._decisions) >= _MEMO_LIMIT:
                self._decisions.clear()
            self._decisions[key] = decision
        if decision.preview_gate and not self._warned_gate:
            with self._store_lock:
                warn, self._warned_gate = not self._warned_gate, True
            if warn:
                from policy.decision import PREVIEW_GATE_WARNING

                log.warning("%s", PREVIEW_GATE_WARNING)
        return decision

    def _route(self, url: str) -> Decision:
        """A decision for `url`'s index (or realm), to read its index-level answers from.

        `authenticate`, `index`, `store` and the preview gate are properties of the index;
        which sources and keyring entries to ask depends on the URL and username too, so
        `_lookup` and the store ask `decide` again, exactly, when they are needed. This keeps
        `decide` off the path of a request whose credentials are already known.
        """
        # Indexes match by whole path segments, so every URL directly under one parent path
        # belongs to the same index, unless the URL is itself an index URL (or root).
        bare = url.rstrip("/")
        parent: str | None = None
        if (
            bare.count("/") >= 3
            and "?" not in url
            and "#" not in url
            and bare not in self._index_urls
        ):
            parent = bare.rpartition("/")[0]
        decision = self._routes.get(parent) if parent is not None else None
        if decision is None:
            index = match_index(self._settings, url)
            key: object = id(index) if index is not None else realm_key(url)
            decision = self._routes.get(key)
            if decision is None:
                decision = self._decision(url, None)
                self._routes[key] = decision
                _tell_route(url, decision)
            if parent is not None:
                if len(self._routes) >= _MEMO_LIMIT:
                    self._routes.clear()
                self._routes[parent] = decision
        return decision

    def _known(self, decision: Decision, url: str, username: str | None) -> Credentials | None:
        """Cached credentials for `url`: its URL prefix, its index's, then its realm's."""
        found = self.cache.get_url(url, username)
        if found is None and decision.index is not None:
            found = self.cache.get_url(_clean(decision.index.url), username)
        if found is None:
            found = self.cache.get_realm(realm_key(url), username)
        return found

    def _attach(self, request: FlowRequest, credentials: Credentials) -> None:
        # The header and the provenance record of one credentials value, made once: a value
        # from the cache is the same object on every request. Holding the value keeps its id.
        made = self._attached.get(id(credentials))
        if made is None or made[0] is not credentials:
            made = (
                credentials,
                credentials.authorization_header(),
                Sent(credentials.source, credentials.password is not None, credentials.username),
            )
            if len(self._attached) >= _MEMO_LIMIT:
                self._attached.clear()
            self._attached[id(credentials)] = made
        request.headers["Authorization"] = made[1]
        # Provenance travels with the request, for the hint if the index refuses it.
        request.extensions[SENT_EXTENSION] = made[2]

    @staticmethod
    def _scope(decision: Decision, url: str) -> str:
        """What credentials are given or found for: the index URL, else the realm."""
        if decision.index is not None:
            return normalize_url(decision.index.url)
        return realm_key(url)

    def _lookup_key(
        self, decision: Decision, url: str, username: str | None
    ) -> tuple[str, str | None]:
        return self._scope(decision, url), username

    @staticmethod
    def _given(
        request: R, edge: Edge[R], carried: Credentials | None, hops: int
    ) -> tuple[Credentials | None, str]:
        """What this hop itself carries, its provenance recorded, and the URL it goes to
        (userinfo removed).

        The first hop: the caller's URL userinfo or Basic header. A later hop: userinfo in
        the `Location` (chosen by the network), else what the previous hop carried.
        """
        url = str(request.url)
        userinfo = has_userinfo(url)
        if hops == 0:
            given = _request_credentials(request, url, userinfo)
        elif userinfo:
            given = Credentials.from_url(url, CredentialSource.LOCATION)
        else:
            given = carried
        if userinfo:
            edge.strip_userinfo(request)
            url = str(request.url)
        return given, url

    def _provenance(self, given: Credentials, scope: str, hops: int) -> Credentials:
        """`given` recorded for `scope`; configured only when exactly the index's own."""
        if given.scope is not None:
            return given  # carried from an earlier hop: its provenance stands
        own = self._configured.get(scope)
        configured = (
            hops == 0
            and given.source is CredentialSource.URL
            and own is not None
            and _same(given, own)
        )
        return given.given(scope, configured=configured)

    def _attempt(
        self, request: R, edge: Edge[R], carried: Credentials | None, hops: int
    ) -> Generator[R | Lookup | Store | Wait, Any, tuple[Any, Credentials | None]]:
        """One URL: attach what is known, look up when needed, retry once on 401/403/404.

        Returns the response and the credentials the request finally carried.
        """
        given, url = self._given(request, edge, carried, hops)
        decision = self._route(url)
        scope = self._scope(decision, url)
        if (
            given is not None
            and given is carried
            and not given.is_authenticated
            and given.scope != scope
        ):
            given = None  # a bare username (maybe a token) stays with its index
        if given is not None:
            given = self._provenance(given, scope, hops)

        if decision.authenticate == AuthPolicy.NEVER:
            # Sent as it is: only what the request itself carries (uv sends URL userinfo).
            if given is not None:
                self._attach(request, given)
            response = yield request
            return response, given

        candidate = given if given is not None and given.is_authenticated else None
        if candidate is None:
            partial = given or self._known(decision, url, None)
            if partial is not None and not partial.is_authenticated:
                candidate = self._known(decision, url, partial.username) or partial
            else:
                candidate = partial
        cached = candidate is not None and candidate is not given  # nothing new to remember
        probe: str | None = None
        if candidate is None and decision.authenticate == AuthPolicy.AUTO:
            gate = realm_key(url)
            flight, owner = self.probes.enter(gate)
            if owner:
                probe = gate
            elif flight is not None:
                yield Wait(flight)
                known = self._known(decision, url, None)
                if known is not None and known.is_authenticated:
                    candidate, cached = known, True
        try:
            return (
                yield from self._exchange(
                    request, url, decision, scope, given, candidate, cached, hops > 0
                )
            )
        finally:
            if probe is not None:
                self.probes.leave(probe)

    def _exchange(
        self,
        request: R,
        url: str,
        decision: Decision,
        scope: str,
        given: Credentials | None,
        candidate: Credentials | None,
        cached: bool,
        redirected: bool,
    ) -> Generator[R | Lookup | Store | Wait, Any, tuple[Any, Credentials | None]]:
        """Send with `candidate`, looking up first or after a 401/403/404 as the policy says."""
        # A username is looked up only for the index (or realm) it was given or found for:
        # credentials that worked elsewhere in the realm may be sent, never lent their name.
        username = None
        if candidate is not None and candidate.scope == scope:
            username = candidate.username
        looked = False
        if candidate is None or not candidate.is_authenticated:
            if decision.looks_up_first(username):
                found = yield from self._found(url, username, scope)
                looked = True
                if found is not None and (found.is_authenticated or candidate is None):
                    candidate, cached = found, False
            if decision.authenticate == AuthPolicy.ALWAYS:
                if candidate is None:
                    raise MissingCredentials(f"Missing credentials for {redact_url(url)}")
                if not candidate.is_authenticated:
                    raise IncompleteCredentials(f"Incomplete credentials for {redact_url(url)}")

        if candidate is not None:
            self._attach(request, candidate)
            if _verbose():
                self._tell_once(
                    ("sent", (scope, None), candidate.source),
                    "Sending credentials from %s to %s",
                    candidate.source.value,
                    _where(decision, url),
                )
        response: FlowResponse = yield request
        if _is_success(response.status_code):
            if candidate is not None:
                store = self._succeeded(
                    decision, scope, url, candidate, remember=not cached, redirected=redirected
                )
                if store is not None:
                    yield store
            return response, candidate
        if response.status_code not in RETRY_STATUSES or looked:
            return response, candidate
        if _explicit(candidate, given):
            # What the user gave is final: a wrong password fails loudly, never swapped.
            log.debug(
                "%s answered %d to the credentials given", redact_url(url), response.status_code
            )
            return response, candidate

        found = yield from self._found(url, username, scope)
        if found is None or not found.is_authenticated or _same(found, candidate):
            return response, candidate
        if _verbose():
            self._tell_once(
                ("retry", (scope, None), found.source),
                "Retrying %s with credentials from %s",
                _where(decision, url),
                found.source.value,
            )
        log.debug("retrying %s with credentials from %s", redact_url(url), found.source.value)
        self._attach(request, found)
        retried: FlowResponse = yield request
        if _is_success(retried.status_code):
            store = self._succeeded(decision, scope, url, found, redirected=redirected)
            if store is not None:
                yield store
        return retried, found

    def _found(
        self, url: str, username: str | None, scope: str
    ) -> Generator[Lookup, Any, Credentials | None]:
        """Perform the lookup step; what it finds is recorded as found for `scope`."""
        found: Credentials | None = yield self._lookup(url, username)
        return None if found is None else found.given(scope)

    def _lookup(self, url: str, username: str | None) -> Lookup:
        """The lookup step, with the exact decision for this URL and username."""
        exact = self._decision(url, username)
        return Lookup(self._lookup_key(exact, url, username), exact, username)

    def _tell_once(self, key: tuple[object, ...], message: str, *args: object) -> None:
        """One -v line per (index or realm, event): the decisions that matter, not every file.

        Callers ask `_verbose()` first, so that without -v not even the words are made.
        """
        if key in self._told:  # once told, cost no lock
            return
        with self._store_lock:
            if key in self._told:
                return
            if len(self._told) >= _MEMO_LIMIT:
                self._told.clear()
            self._told.add(key)
        log.info(message, *args)

    def _succeeded(
        self,
        decision: Decision,
        scope: str,
        url: str,
        credentials: Credentials,
        *,
        remember: bool = True,
        redirected: bool = False,
    ) -> Store | None:
        """Remember what worked; the store step when the decision allows. Never from a failure."""
        if remember:
            # A username alone stays with its URL prefix: it may be a token of that index.
            self.cache.insert(
                url, credentials, replace_stale=True, realm=credentials.is_authenticated
            )
        if not decision.may_store(credentials, redirected=redirected):
            if _verbose():
                self._tell_once(
                    ("store", (scope, None), credentials.source),
                    "Not stored (%s): %s",
                    _where(decision, url),
                    _why_not_stored(decision, credentials, redirected=redirected),
                )
            return None
        decision = self._decision(url, credentials.username)  # exactly, for this URL
        if not decision.may_store(credentials, redirected=redirected):
            return None
        attempt = (decision.store_service, credentials.username)
        with self._store_lock:
            if attempt in self._store_attempts:
                return None
            self._store_attempts.add(attempt)
        return Store(decision, credentials)


def _verbose() -> bool:
    """Whether -v lines are shown: only then are their words and keys worth making."""
    return log.isEnabledFor(logging.INFO)


def _clean(url: str) -> str:
    return strip_credentials(url) if "@" in url else url


def _same(a: Credentials, b: Credentials | None) -> bool:
    return (
        b is not None
        and a.username == b.username
        and a.password_value == b.password_value
        and a.token_value == b.token_value
    )


def _where(decision: Decision, url: str) -> str:
    """The index's name, else its URL, else the request's realm; never a credential."""
    index = decision.index
    if index is not None:
        return f"index `{index.name}`" if index.name else f"index {redact_url(index.url)}"
    return f"{realm_key(url)} (no configured index)"


def _tell_route(url: str, decision: Decision) -> None:
    """-v: which index a URL belongs to and what the policy will do there; -vv: why."""
    log.info(
        "Decision for %s: %s, authenticate %s, keyring %s, store %s",
        redact_url(url),
        _where(decision, url),
        decision.authenticate.value,
        "read" if decision.read else "not read",
        "allowed" if decision.store else "not allowed",
    )
    for reason in decision.reasons:
        log.debug("  because %s", reason)


def _why_not_stored(
    decision: Decision, credentials: Credentials, *, redirected: bool = False
) -> str:
    if decision.store:
        if redirected and credentials.configured:
            return "they reached the index through a redirect; only a direct request stores"
        if credentials.configured:
            return "they were given for another index"
        return (
            f"credentials from {credentials.source.value} are never stored; only those given "
            "in the index URL or `UV_INDEX_<NAME>_*` are"
        )
    for reason in decision.reasons:
        if reason.startswith("credentials are not stored"):
            return reason.removeprefix("credentials are not stored: ")
    return "the policy does not store for this URL"


def _explicit(candidate: Credentials | None, given: Credentials | None) -> bool:
    """Credentials the user gave in full (a URL's userinfo, an index's configured pair)."""
    return (
        candidate is not None
        and bool(candidate.username)
        and candidate.is_authenticated
        and (candidate is given or candidate.configured)
    )
