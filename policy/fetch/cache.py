"""Credentials known in this process: per realm and username, per URL prefix, and single flight.

Three structures, after uv's `CredentialsCache` (`crates/uv-auth/src/cache.rs`):

- `CredentialsCache.get_realm` / realm entries keyed by (realm, username);
- a segment trie of URL prefixes where the *shallowest* stored prefix on a URL's path wins,
  so credentials seeded at an index root cover everything below it;
- `SingleFlight`: one expensive lookup per key per process. Concurrent callers, threads and
  asyncio tasks alike, wait for the one in flight and share its result; misses are kept too.

Nothing here does I/O or reads the environment; `seed` is given the mapping.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from policy.credentials.values import Credentials
from policy.realm import normalize_url, origin_realm, realm_key, root_url, split_origin
from policy.redact import strip_credentials
from policy.settings.models import IndexSettings

T = TypeVar("T")


def _clean(url: str) -> str:
    return strip_credentials(url) if "@" in url else url


def _components(url: str) -> tuple[str, ...]:
    """Realm, then the non-empty path segments: the trie's path for `url`."""
    origin, path = split_origin(url)
    return (origin_realm(origin), *(part for part in path.split("/") if part))


def _parent(url: str) -> str | None:
    """`url` without its last path segment, when that is all that tells it from its siblings."""
    bare = url.rstrip("/")
    if "?" in url or "#" in url or bare.count("/") < 3:
        return None
    return bare.rpartition("/")[0]


_BESIDE_LIMIT = 4096


@dataclass
class _Node:
    value: Credentials | None = None
    children: dict[str, _Node] = field(default_factory=dict)


class _UrlTrie:
    """Realm, then path segments; `get` returns the first value met on the way down."""

    def __init__(self) -> None:
        self._root = _Node()
        # A value met above a URL's last segment is the answer for every URL beside it
        # (an installer asks for one page per project under the same index): remembered
        # per parent URL until the next insert.
        self._beside: dict[str, Credentials] = {}

    def get(self, url: str) -> Credentials | None:
        parent = _parent(url)
        if parent is not None:
            found = self._beside.get(parent)
            if found is not None:
                return found
        components = _components(url)  # the realm, then the path segments
        node, depth, value = self._root, 0, None
        while value is None:
            if depth == len(components):
                return None
            child = node.children.get(components[depth])
            if child is None:
                return None
            node, depth, value = child, depth + 1, child.value
        if parent is not None and depth < len(components):  # found above the last segment
            if len(self._beside) >= _BESIDE_LIMIT:
                self._beside.clear()
            self._beside[parent] = value
        return value

    def insert(self, url: str, credentials: Credentials) -> None:
        self._beside.clear()
        node = self._root
        for component in _components(url):
            node = node.children.setdefault(component, _Node())
        node.value = credentials

    def replace_on_path(self, url: str, credentials: Credentials) -> None:
        """Set `url`'s node and overwrite every shallower value that differs from it.

        Credentials that just worked replace stale ones (a wrong seed at the index root would
        otherwise shadow them and cost one failed request per URL).
        """
        self._beside.clear()
        node = self._root
        for component in _components(url):
            node = node.children.setdefault(component, _Node())
            if node.value is not None and node.value != credentials:
                node.value = credentials
        node.value = credentials


class CredentialsCache:
    """Credentials per (realm, username) and per URL prefix, safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._realms: dict[tuple[str, str | None], Credentials] = {}
        self._urls = _UrlTrie()

    def _insert_realm(self, key: tuple[str, str | None], credentials: Credentials) -> None:
        current = self._realms.get(key)
        # Full credentials replace; a bare username only fills a gap or a bare username.
        if credentials.is_authenticated or current is None or not current.is_authenticated:
            self._realms[key] = credentials

    def insert(
        self,
        url: str,
        credentials: Credentials,
        *,
        replace_stale: bool = False,
        realm: bool = True,
    ) -> None:
        """Remember `credentials` for `url`'s prefix and, with `realm`, its realm (with and
        without username)."""
        if credentials.username is None and credentials.password is None:
            return
        url = _clean(url)
        with self._lock:
            if realm:
                key = realm_key(url)
                if credentials.username is not None:
                    self._insert_realm((key, credentials.username), credentials)
                self._insert_realm((key, None), credentials)
            if replace_stale:
                self._urls.replace_on_path(url, credentials)
            else:
                self._urls.insert(url, credentials)

    def get_realm(self, realm: str, username: str | None) -> Credentials | None:
        """Credentials for exactly (realm, username); a bare username asked for a password: None."""
        with self._lock:
            found = self._realms.get((realm, username))
        if found is not None and username is not None and not found.is_authenticated:
            return None
        return found

    def get_url(self, url: str, username: str | None) -> Credentials | None:
        """The shallowest stored prefix of `url`, if its username fits."""
        with self._lock:
            found = self._urls.get(_clean(url))
        if found is None:
            return None
        if username is not None and (found.username != username or not found.is_authenticated):
            return None
        return found

    def seed(
        self, indexes: tuple[IndexSettings, ...], env: Mapping[str, str]
    ) -> dict[str, Credentials]:
        """uv's `cache_index_credentials`: every index's env credentials, else its URL's.

        `UV_INDEX_<NAME>_*` beat credentials written in the index URL; they are stored at the
        index URL and, when it ends in `simple`, at its root too, recorded as configured for
        that index, and only there: not for the realm (a username or password given for one
        index is not another index's until it has worked). Returns them by index scope
        (`normalize_url` of the index URL).
        """
        from policy.credentials.index_env import index_env_credentials

        configured: dict[str, Credentials] = {}
        for index in indexes:
            credentials = index_env_credentials(index, env) or Credentials.from_url(index.url)
            if credentials is None:
                continue
            scope = normalize_url(index.url)
            credentials = credentials.given(scope, configured=True)
            configured.setdefault(scope, credentials)
            url = strip_credentials(index.url)
            root = root_url(url)
            if root != url:
                self.insert(root, credentials, realm=False)
            self.insert(url, credentials, realm=False)
        return configured

    def __repr__(self) -> str:
        with self._lock:
            return f"CredentialsCache({len(self._realms)} realm entries)"


@dataclass
class _Flight(Generic[T]):
    done: threading.Event = field(default_factory=threading.Event)
    result: T | None = None
    error: BaseException | None = None
    waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = field(
        default_factory=list
    )


class SingleFlight(Generic[T]):
    """At most one call per key for the life of this object; everyone else waits and shares.

    The result is kept, `None` (a miss) included. A call that raises is not kept: the error
    goes to the caller and to everyone waiting, and the next caller tries again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[Hashable, _Flight[T]] = {}
        self.calls = 0

    def _claim(self, key: Hashable) -> tuple[_Flight[T], bool]:
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return flight, False
            flight = _Flight()
            self._flights[key] = flight
            self.calls += 1
            return flight, True

    def _finish(
        self, key: Hashable, flight: _Flight[T], result: T | None, error: BaseException | None
    ) -> None:
        with self._lock:
            flight.result, flight.error = result, error
            if error is not None:
                del self._flights[key]
            flight.done.set()
            waiters, flight.waiters = flight.waiters, []
        for loop, future in waiters:
            loop.call_soon_threadsafe(_resolve, future)

    def _outcome(self, flight: _Flight[T]) -> T | None:
        if flight.error is not None:
            raise flight.error
        return flight.result

    def run(
        self, key: Hashable, call: Callable[[], T | None], timeout: float | None = None
    ) -> T | None:
        """Run `call` once for `key` (blocking), or wait for the call already in flight."""
        flight, leader = self._claim(key)
        if leader:
            try:
                result = call()
            except BaseException as error:
                self._finish(key, flight, None, error)
                raise
            self._finish(key, flight, result, None)
            return result
        if not flight.done.wait(timeout):
            raise TimeoutError("a credential lookup in flight did not finish in time")
        return self._outcome(flight)

    async def run_async(self, key: Hashable, call: Callable[[], T | None]) -> T | None:
        """As `run`, for asyncio: `call` runs in a worker thread, the loop never blocks."""
        flight, leader = self._claim(key)
        if leader:
            try:
                result = await asyncio.to_thread(call)
            except BaseException as error:
                self._finish(key, flight, None, error)
                raise
            self._finish(key, flight, result, None)
            return result
        loop = asyncio.get_running_loop()
        with self._lock:
            if not flight.done.is_set():
                future: asyncio.Future[None] = loop.create_future()
                flight.waiters.append((loop, future))
            else:
                future = loop.create_future()
                future.set_result(None)
        await future
        return self._outcome(flight)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class ProbeGate:
    """The first request without credentials to a realm goes alone; concurrent ones wait.

    A realm's first unauthenticated request (the probe) may come back 401 and find
    credentials; requests started meanwhile wait for it and then go out with whatever it
    found, so a burst of requests wastes one 401, not one each. Each key is gated once: once
    its probe has finished, nobody waits for it again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._probes: dict[Hashable, _Flight[None]] = {}

    def enter(self, key: Hashable) -> tuple[_Flight[None] | None, bool]:
        """(flight to wait for or None, whether the caller is the probe and must `leave`)."""
        with self._lock:
            flight = self._probes.get(key)
            if flight is None:
                self._probes[key] = _Flight()
                return None, True
            return (None if flight.done.is_set() else flight), False

    def leave(self, key: Hashable) -> None:
        """The probe for `key` has finished: wake everyone waiting."""
        with self._lock:
            flight = self._probes.get(key)
            if flight is None or flight.done.is_set():
                return
            flight.done.set()
            waiters, flight.waiters = flight.waiters, []
        for loop, future in waiters:
            loop.call_soon_threadsafe(_resolve, future)

    @staticmethod
    def wait(flight: _Flight[None], timeout: float) -> None:
        """Block until the probe has finished, at most `timeout` seconds."""
        flight.done.wait(timeout)

    async def wait_async(self, flight: _Flight[None], timeout: float) -> None:
        """As `wait`, without blocking the event loop."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if flight.done.is_set():
                return
            future: asyncio.Future[None] = loop.create_future()
            flight.waiters.append((loop, future))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(future, timeout)
