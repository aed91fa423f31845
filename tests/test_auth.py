"""PolicyAuth: the request generator driven by hand, and httpx clients on a MockTransport.

The policy itself is stood in for by a small `decide` so that these tests pin the fetcher's
behaviour alone; tests/integration/test_fetch.py runs the real policy and real services.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass, field
from typing import Any, cast

import httpx
import pytest

from policy.credentials.lookup import CredentialSources
from policy.credentials.values import Credentials
from policy.decision import Decision
from policy.errors import IncompleteCredentials, MissingCredentials
from policy.fetch.auth import PolicyAuth
from policy.fetch.flow import (
    DecideFn,
    Lookup,
    Step,
    Store,
    Wait,
    redirect_request,
    request_credentials,
)
from policy.provenance import CredentialSource
from policy.realm import root_url
from policy.redact import strip_credentials
from policy.settings.models import AuthPolicy, IndexSettings, KeyringProvider, Origin, Settings

PASSWORD = "t0p-Secret-pw"
INDEX = "https://pkgs.example/simple/"
GOOD = Credentials.basic("alice", PASSWORD, CredentialSource.NATIVE_KEYRING)


@dataclass(frozen=True)
class StandInDecision:
    url: str
    index: IndexSettings | None
    authenticate: AuthPolicy
    store: bool
    store_service: str | None
    preview_gate: bool = False
    provider: KeyringProvider = KeyringProvider.DISABLED
    sources: tuple[CredentialSource, ...] = ()
    keyring_lookups: tuple[Any, ...] = ()
    read_ahead: bool = False
    read: bool = False
    reasons: tuple[str, ...] = ()

    # The rules themselves are the real Decision's.
    may_store = Decision.may_store
    looks_up_first = Decision.looks_up_first


def stand_in_decide(store: bool = False) -> DecideFn:
    """A `decide` that answers with a `StandInDecision`: the fields the flow reads, no more."""

    def decide(settings: Settings, url: str, username: str | None = None) -> StandInDecision:
        clean = strip_credentials(url)
        index = next(
            (i for i in settings.indexes if clean.startswith(strip_credentials(root_url(i.url)))),
            None,
        )
        return StandInDecision(
            url=clean,
            index=index,
            authenticate=index.authenticate if index else AuthPolicy.AUTO,
            store=store and index is not None,
            store_service=f"uv-credentials:{strip_credentials(index.url)}" if index else None,
        )

    return cast("DecideFn", decide)  # the flow reads only the fields above


@dataclass
class StandInSources:
    answers: dict[str | None, Credentials] = field(default_factory=dict)
    held: set[tuple[str | None, str]] = field(default_factory=set)
    finds: list[tuple[str, str | None]] = field(default_factory=list)
    stores: list[tuple[str | None, str | None]] = field(default_factory=list)
    stored_in: str | None = "tests.StandIn"

    def find(self, decision: Any, username: str | None = None) -> Credentials | None:
        self.finds.append((decision.url, username))
        return self.answers.get(username)

    def keyring_holds(self, decision: Any, credentials: Credentials) -> bool:
        return (decision.store_service, credentials.username or "") in self.held

    def store(self, decision: Any, credentials: Credentials) -> str | None:
        self.stores.append((decision.store_service, credentials.username))
        return str(decision.store_service)


def make_auth(
    *indexes: IndexSettings,
    env: dict[str, str] | None = None,
    sources: StandInSources | None = None,
    store: bool = False,
) -> PolicyAuth:
    settings = Settings(
        keyring_provider=KeyringProvider.NATIVE,
        indexes=indexes or (IndexSettings(name="private", url=INDEX),),
    )
    return PolicyAuth(
        settings,
        env=env or {},
        sources=as_sources(sources or StandInSources()),
        decide=stand_in_decide(store),
    )


def as_sources(stand_in: StandInSources) -> CredentialSources:
    """The stand-in has the three methods the flow calls (`find`, `keyring_holds`, `store`)."""
    return cast("CredentialSources", stand_in)


def sent_request(step: Step) -> httpx.Request:
    """The step the flow yielded, which must be a request to send."""
    assert isinstance(step, httpx.Request), step
    return step


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def response(status: int, request: httpx.Request, **kw: Any) -> httpx.Response:
    return httpx.Response(status, request=request, **kw)


# ---------------------------------------------------------------- the generator by hand


def test_auto_sends_first_then_looks_up_on_401_and_retries_once() -> None:
    auth = make_auth()
    request = httpx.Request("GET", INDEX + "peerpkg/")
    flow = auth.flow(request)
    first = next(flow)
    assert isinstance(first, httpx.Request) and "Authorization" not in first.headers
    step = flow.send(response(401, first))
    assert isinstance(step, Lookup) and step.key == (INDEX, None) and step.username is None
    retry = flow.send(GOOD)
    assert isinstance(retry, httpx.Request)
    assert retry.headers["Authorization"] == basic("alice", PASSWORD)
    with pytest.raises(StopIteration) as done:
        flow.send(response(200, retry))
    assert done.value.value.status_code == 200


def test_auto_miss_returns_the_original_response() -> None:
    auth = make_auth()
    flow = auth.flow(httpx.Request("GET", INDEX + "peerpkg/"))
    first = sent_request(next(flow))
    assert isinstance(flow.send(response(401, first)), Lookup)
    with pytest.raises(StopIteration) as done:
        flow.send(None)
    assert done.value.value.status_code == 401


def test_known_username_looks_up_before_sending() -> None:
    auth = make_auth(IndexSettings(name="private", url="https://alice@pkgs.example/simple/"))
    flow = auth.flow(httpx.Request("GET", INDEX + "peerpkg/"))
    step = next(flow)
    assert isinstance(step, Lookup) and step.username == "alice"
    sent = flow.send(GOOD)
    assert isinstance(sent, httpx.Request)
    assert sent.headers["Authorization"] == basic("alice", PASSWORD)


def test_always_without_credentials_raises_before_sending() -> None:
    auth = make_auth(IndexSettings(name="p", url=INDEX, authenticate=AuthPolicy.ALWAYS))
    flow = auth.flow(httpx.Request("GET", "https://pkgs.example/simple/a/"))
    step = next(flow)
    assert isinstance(step, Lookup)
    with pytest.raises(MissingCredentials) as error:
        flow.send(None)
    assert str(error.value) == "Missing credentials for https://pkgs.example/simple/a/"


def test_always_with_a_bare_username_is_incomplete() -> None:
    auth = make_auth(IndexSettings(name="p", url=INDEX, authenticate=AuthPolicy.ALWAYS))
    flow = auth.flow(httpx.Request("GET", "https://bob@pkgs.example/simple/a/"))
    assert isinstance(next(flow), Lookup)
    with pytest.raises(IncompleteCredentials) as error:
        flow.send(None)
    assert str(error.value) == "Incomplete credentials for https://pkgs.example/simple/a/"


def test_never_sends_url_credentials_only_and_never_looks_up() -> None:
    auth = make_auth(
        IndexSettings(name="private", url=INDEX, authenticate=AuthPolicy.NEVER),
        env={"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": PASSWORD},
    )
    flow = auth.flow(httpx.Request("GET", INDEX + "a/"))
    sent = next(flow)
    assert isinstance(sent, httpx.Request) and "Authorization" not in sent.headers
    with pytest.raises(StopIteration):
        flow.send(response(401, sent))
    flow = auth.flow(httpx.Request("GET", f"https://bob:{PASSWORD}@pkgs.example/simple/a/"))
    sent = sent_request(next(flow))
    assert sent.headers["Authorization"] == basic("bob", PASSWORD)
    assert sent.url.userinfo == b""


def test_env_credentials_go_out_at_once_and_are_stored_after_success() -> None:
    env = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}
    auth = make_auth(env=env, store=True)
    flow = auth.flow(httpx.Request("GET", INDEX + "a/"))
    sent = next(flow)
    assert isinstance(sent, httpx.Request)
    assert sent.headers["Authorization"] == basic("alice", PASSWORD)
    step = flow.send(response(200, sent))
    assert isinstance(step, Store) and step.credentials.source is CredentialSource.ENV
    with pytest.raises(StopIteration):
        flow.send(None)


def test_second_success_does_not_store_again() -> None:
    env = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}
    auth = make_auth(env=env, store=True)
    steps: list[Step | None] = []
    for _ in range(2):
        flow = auth.flow(httpx.Request("GET", INDEX + "a/"))
        sent = sent_request(next(flow))
        try:
            steps.append(flow.send(response(200, sent)))
        except StopIteration:
            steps.append(None)
            continue
        with pytest.raises(StopIteration):
            flow.send(None)
    assert [type(s).__name__ for s in steps] == ["Store", "NoneType"]


def test_nothing_stored_from_a_failed_response() -> None:
    auth = make_auth(store=True)
    flow = auth.flow(httpx.Request("GET", INDEX + "a/"))
    sent = sent_request(next(flow))
    step = flow.send(response(403, sent))
    assert isinstance(step, Lookup)
    with pytest.raises(StopIteration) as done:
        flow.send(None)
    assert done.value.value.status_code == 403


def test_explicit_environment_credentials_are_final() -> None:
    """A wrong `UV_INDEX_<NAME>_PASSWORD` fails as it is: no other source is asked."""
    env = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": "WRONG"}
    auth = make_auth(env=env, store=True)
    flow = auth.flow(httpx.Request("GET", INDEX + "a/"))
    sent = sent_request(next(flow))
    with pytest.raises(StopIteration) as done:
        flow.send(response(403, sent))
    assert done.value.value.status_code == 403


# ---------------------------------------------------------------- through httpx clients


class Server:
    """A MockTransport handler: paths need alice's password; records what came."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None, int]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        header = request.headers.get("Authorization")
        status = 200 if header == basic("alice", PASSWORD) else 401 if header is None else 403
        if request.url.path.startswith("/moved/"):
            status = 302
            location = (
                "https://elsewhere.example/simple/a/"
                if request.url.path == "/moved/away/"
                else "/simple/a/"
            )
            self.seen.append((request.url.host, request.url.path, header, status))
            return httpx.Response(302, headers={"Location": location})
        self.seen.append((request.url.host, request.url.path, header, status))
        return httpx.Response(status, text="ok" if status == 200 else "no")


def test_realm_cache_no_wasted_401_after_first_success() -> None:
    server = Server()
    sources = StandInSources(answers={None: GOOD})
    auth = make_auth(sources=sources)
    with httpx.Client(transport=httpx.MockTransport(server), auth=auth) as client:
        assert client.get(INDEX + "peerpkg/").status_code == 200
        for name in ("a.whl", "b.whl", "c.whl"):
            assert client.get(f"https://pkgs.example/packages/{name}").status_code == 200
    assert [s[3] for s in server.seen] == [401, 200, 200, 200, 200]
    assert len(sources.finds) == 1


class StreamingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Consumes each request body as a network transport does (MockTransport caches it)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def _answer(self, request: httpx.Request, body: bytes) -> httpx.Response:
        self.bodies.append(body)
        ok = request.headers.get("Authorization") == basic("alice", PASSWORD)
        return httpx.Response(200 if ok else 401)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        stream = cast(Any, request.stream)
        return self._answer(request, b"".join(stream))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        stream = cast(Any, request.stream)
        return self._answer(request, b"".join([chunk async for chunk in stream]))


def test_a_streamed_body_is_read_first_so_the_retry_can_resend_it() -> None:
    def chunks() -> Any:
        yield b"a=1&"
        yield b"b=2"

    async def achunks() -> Any:
        yield b"a=1&"
        yield b"b=2"

    transport = StreamingTransport()
    auth = make_auth(sources=StandInSources(answers={None: GOOD}))
    with httpx.Client(transport=transport, auth=auth) as client:
        assert client.post(INDEX, content=chunks()).status_code == 200

    async def run() -> int:
        auth = make_auth(sources=StandInSources(answers={None: GOOD}))
        async with httpx.AsyncClient(transport=transport, auth=auth) as client:
            return (await client.post(INDEX, content=achunks())).status_code

    assert asyncio.run(run()) == 200
    assert transport.bodies == [b"a=1&b=2"] * 4


def test_wrong_url_password_is_final_and_never_cached() -> None:
    """A wrong password in the URL fails as uv fails: the keyring's is not tried instead."""
    server = Server()
    sources = StandInSources(answers={"alice": GOOD})
    auth = make_auth(sources=sources)
    with httpx.Client(transport=httpx.MockTransport(server), auth=auth) as client:
        assert client.get("https://alice:WRONG@pkgs.example/simple/a/").status_code == 403
        assert client.get("https://pkgs.example/packages/x.whl").status_code == 401
    assert [s[3] for s in server.seen] == [403, 401]
    assert [user for _, user in sources.finds] == [None]  # only the anonymous request


def test_redirect_to_another_origin_carries_no_credentials() -> None:
    server = Server()
    env = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}
    auth = make_auth(env=env)
    with httpx.Client(transport=httpx.MockTransport(server), auth=auth) as client:
        final = client.get("https://pkgs.example/moved/away/")
        assert final.url.host == "elsewhere.example"
        same = client.get("https://pkgs.example/moved/here/")
        assert same.status_code == 200
    away = [s for s in server.seen if s[0] == "elsewhere.example"]
    assert away and all(header is None for _, _, header, _ in away)
    assert server.seen[-1] == ("pkgs.example", "/simple/a/", basic("alice", PASSWORD), 200)


def test_redirect_request_drops_sensitive_headers_across_ports() -> None:
    request = httpx.Request(
        "GET", "http://127.0.0.1:8000/x", headers={"Authorization": "Basic x", "Cookie": "c=1"}
    )
    moved = httpx.Response(307, headers={"Location": "http://127.0.0.1:8001/y"}, request=request)
    following = redirect_request(request, moved)
    assert following is not None
    assert "Authorization" not in following.headers and "Cookie" not in following.headers
    weird = httpx.Response(302, headers={"Location": "ftp://127.0.0.1/y"}, request=request)
    assert redirect_request(request, weird) is None


def test_request_credentials_reads_url_then_header() -> None:
    assert request_credentials(httpx.Request("GET", "https://a:b@h/")) is not None
    header = httpx.Request("GET", "https://h/", headers={"Authorization": basic("c", "d")})
    found = request_credentials(header)
    assert found is not None and found.username == "c"
    bad = httpx.Request("GET", "https://h/", headers={"Authorization": "Basic !!!"})
    assert request_credentials(bad) is None


def test_async_64_concurrent_requests_one_lookup() -> None:
    server = Server()
    calls = []

    class Slow(StandInSources):
        def find(self, decision: Any, username: str | None = None) -> Credentials | None:
            import time

            calls.append(username)
            time.sleep(0.2)
            return GOOD

    auth = make_auth(sources=Slow())

    async def main() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(server), auth=auth) as client:
            answers = await asyncio.gather(*(client.get(INDEX + f"p{i}/") for i in range(64)))
            return [a.status_code for a in answers]

    assert asyncio.run(main()) == [200] * 64
    assert calls == [None]
    assert [status for *_, status in server.seen].count(401) == 1  # one probe, the rest waited


def test_threads_sharing_a_client_waste_one_401() -> None:
    from concurrent.futures import ThreadPoolExecutor

    server = Server()
    sources = StandInSources(answers={None: GOOD})
    with (
        httpx.Client(
            transport=httpx.MockTransport(server), auth=make_auth(sources=sources)
        ) as http,
        ThreadPoolExecutor(16) as pool,
    ):
        codes = list(pool.map(lambda i: http.get(f"{INDEX}p{i}/").status_code, range(64)))
    assert codes == [200] * 64
    assert [status for *_, status in server.seen].count(401) == 1
    assert len(sources.finds) == 1


def test_an_abandoned_probe_releases_its_realm() -> None:
    auth = make_auth()
    first = auth.flow(httpx.Request("GET", INDEX + "a/"))
    assert isinstance(next(first), httpx.Request)  # the probe is out
    second = auth.flow(httpx.Request("GET", INDEX + "b/"))
    assert isinstance(next(second), Wait)
    first.close()  # e.g. the caller's connection failed
    third = auth.flow(httpx.Request("GET", INDEX + "c/"))
    assert isinstance(next(third), httpx.Request)  # nobody waits for a dead probe


def test_no_secret_in_logs_or_repr(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="policy")
    server = Server()
    auth = make_auth(sources=StandInSources(answers={"alice": GOOD}))
    with httpx.Client(transport=httpx.MockTransport(server), auth=auth) as client:
        client.get(f"https://alice:{PASSWORD}x@pkgs.example/moved/away/")
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(auth) and PASSWORD not in repr(auth.cache)


def test_async_lookup_runs_off_the_event_loop() -> None:
    import threading

    release = threading.Event()
    loop_threads: set[int] = set()
    lookup_threads: set[int] = set()

    class Blocking(StandInSources):
        def find(self, decision: Any, username: str | None = None) -> Credentials | None:
            lookup_threads.add(threading.get_ident())
            release.wait(60)
            return GOOD

    auth = make_auth(sources=Blocking())

    async def main() -> tuple[int, int]:
        loop_threads.add(threading.get_ident())
        async with httpx.AsyncClient(transport=httpx.MockTransport(Server()), auth=auth) as http:
            fetch = asyncio.create_task(http.get(INDEX + "p/"))
            ticks = 0
            while not lookup_threads and ticks < 500:
                await asyncio.sleep(0.01)
                ticks += 1
            for _ in range(10):  # the loop keeps turning while the lookup blocks
                await asyncio.sleep(0.001)
                ticks += 1
            release.set()
            return (await asyncio.wait_for(fetch, 60)).status_code, ticks

    status, ticks = asyncio.run(main())
    assert status == 200 and ticks >= 10
    assert lookup_threads and not (lookup_threads & loop_threads)


# ---------------------------------------------------------------- with the real policy


def _real(
    settings: Settings, sources: StandInSources, env: dict[str, str] | None = None
) -> PolicyAuth:
    return PolicyAuth(settings, env=env or {}, sources=as_sources(sources))


def test_preview_gate_warns_once_per_auth(caplog: pytest.LogCaptureFixture) -> None:
    from policy.decision import PREVIEW_GATE_WARNING

    caplog.set_level(logging.WARNING, logger="policy")
    settings = Settings(
        keyring_provider=KeyringProvider.NATIVE,
        indexes=(IndexSettings(name="private", url=INDEX, default=True),),
    )
    for _ in range(2):
        auth = _real(settings, StandInSources(answers={None: GOOD}))
        with httpx.Client(transport=httpx.MockTransport(Server()), auth=auth) as http:
            for name in ("a", "b", "c"):
                assert http.get(f"{INDEX}{name}/").status_code == 200
    assert caplog.text.count(PREVIEW_GATE_WARNING) == 2  # one per PolicyAuth


def test_real_policy_stores_env_credentials_only_with_native_auth() -> None:
    from policy.settings.models import Preview

    env = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}
    for features, stored in (
        (frozenset(), []),
        (
            frozenset({"native-auth"}),
            [
                {
                    "service": f"uv-credentials:{INDEX}",
                    "username": "alice",
                    "backend": "tests.StandIn",
                }
            ],
        ),
    ):
        settings = Settings(
            keyring_provider=KeyringProvider.NATIVE,
            preview=Preview(features=features),
            indexes=(IndexSettings(name="private", url=INDEX, default=True),),
        )
        sources = StandInSources()
        auth = _real(settings, sources, env)
        with httpx.Client(transport=httpx.MockTransport(Server()), auth=auth) as http:
            assert http.get(INDEX + "a/").status_code == 200
            assert http.get("https://pkgs.example/packages/a.whl").status_code == 200
        assert auth.stored == stored
        assert sources.finds == []  # env credentials went out at once: nothing looked up


def test_real_policy_subprocess_username_is_looked_up_before_sending() -> None:
    settings = Settings(
        keyring_provider=KeyringProvider.SUBPROCESS,
        indexes=(IndexSettings(url="https://alice@pkgs.example/simple/", default=True),),
    )
    server = Server()
    sources = StandInSources(answers={"alice": GOOD})
    with httpx.Client(transport=httpx.MockTransport(server), auth=_real(settings, sources)) as http:
        assert http.get("https://alice@pkgs.example/simple/a/").status_code == 200
        assert http.get("https://pkgs.example/packages/a.whl").status_code == 200
    assert [status for *_, status in server.seen] == [200, 200]
    assert sources.finds == [("https://pkgs.example/simple/a/", "alice")]


@pytest.mark.parametrize("reverse", [False, True])
def test_index_routing_is_exact_for_nested_index_urls(reverse: bool) -> None:
    """The per-directory memo never hands a nested index's URLs the outer index's answers."""
    settings = Settings(
        indexes=(
            IndexSettings(
                name="special",
                url="https://pkgs.example/simple/special",
                authenticate=AuthPolicy.NEVER,
            ),
            IndexSettings(name="private", url=INDEX, default=True),
        )
    )
    env = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}
    server = Server()
    auth = _real(settings, StandInSources(), env)
    with httpx.Client(transport=httpx.MockTransport(server), auth=auth) as http:
        urls = [
            INDEX + "a/",
            INDEX + "b/",
            INDEX + "special",
            INDEX + "special/",
            INDEX + "special/x.whl",
            INDEX + "c/x.whl",
            INDEX + "specialist/",
        ]
        for url in reversed(urls) if reverse else urls:
            http.get(url)
    sent = {path: header is not None for _, path, header, _ in server.seen}
    assert sent == {
        "/simple/a/": True,
        "/simple/b/": True,
        "/simple/special": False,
        "/simple/special/": False,
        "/simple/special/x.whl": False,
        "/simple/c/x.whl": True,
        "/simple/specialist/": True,
    }


def test_native_reads_a_configured_index_ahead_but_never_the_implicit_pypi() -> None:
    configured = Settings(
        keyring_provider=KeyringProvider.NATIVE,
        indexes=(IndexSettings(name="private", url=INDEX, origin=Origin.PROJECT),),
    )
    sources = StandInSources(answers={None: GOOD})
    server = Server()
    with httpx.Client(
        transport=httpx.MockTransport(server), auth=_real(configured, sources)
    ) as http:
        assert http.get(INDEX + "a/").status_code == 200
    assert [status for *_, status in server.seen] == [200]  # no wasted 401
    assert sources.finds == [(INDEX + "a/", None)]

    implicit = Settings(keyring_provider=KeyringProvider.NATIVE)
    sources = StandInSources(answers={None: GOOD})
    public = httpx.MockTransport(lambda request: httpx.Response(200, request=request))
    with httpx.Client(transport=public, auth=_real(implicit, sources)) as http:
        assert http.get("https://pypi.org/simple/anyio/").status_code == 200
    assert sources.finds == []  # a public index costs no keyring read up front


# ---------------------------------------------------------------- provenance, by hand


def test_credentials_that_failed_on_the_retry_are_not_remembered() -> None:
    auth = make_auth()
    flow = auth.flow(httpx.Request("GET", INDEX + "a/"))
    sent = sent_request(next(flow))
    assert isinstance(flow.send(response(401, sent)), Lookup)
    retry = sent_request(flow.send(GOOD))
    assert retry.headers["Authorization"] == basic("alice", PASSWORD)
    with pytest.raises(StopIteration):
        flow.send(response(403, retry))
    later = sent_request(next(auth.flow(httpx.Request("GET", INDEX + "b/"))))
    assert "Authorization" not in later.headers


def test_the_credentials_that_just_failed_are_not_sent_again() -> None:
    auth = make_auth()
    flow = auth.flow(httpx.Request("GET", INDEX + "a/"))
    sent = sent_request(next(flow))
    flow.send(response(401, sent))
    retry = sent_request(flow.send(GOOD))
    with pytest.raises(StopIteration):
        flow.send(response(200, retry))
    # Revoked since: the cached credentials fail, and the lookup finds the very same ones.
    flow = auth.flow(httpx.Request("GET", INDEX + "b/"))
    sent = sent_request(next(flow))
    assert sent.headers["Authorization"] == basic("alice", PASSWORD)
    assert isinstance(flow.send(response(401, sent)), Lookup)
    with pytest.raises(StopIteration) as done:
        flow.send(GOOD)
    assert done.value.value.status_code == 401


def test_a_redirect_carries_the_credentials_value_not_the_header() -> None:
    """The next hop gets the same Credentials (source kept), never a header decoded as URL."""
    auth = make_auth(store=True)
    flow = auth.flow(httpx.Request("GET", INDEX + "a/"))
    sent = sent_request(next(flow))
    flow.send(response(401, sent))
    retry = sent_request(flow.send(GOOD))
    moved = {"Location": INDEX + "b/"}
    following = sent_request(flow.send(response(302, retry, headers=moved)))
    assert following.headers["Authorization"] == basic("alice", PASSWORD)
    with pytest.raises(StopIteration):
        flow.send(response(200, following))  # no Store step: the keyring gave them


def test_invalid_utf8_in_url_credentials_is_refused_before_sending() -> None:
    from policy.errors import InvalidCredentials

    auth = make_auth()
    for url, part in (
        ("https://alice:%FF@pkgs.example/simple/a/", "password"),
        ("https://%C3%28:pw@pkgs.example/simple/a/", "username"),
    ):
        with pytest.raises(InvalidCredentials) as error:
            next(auth.flow(httpx.Request("GET", url)))
        assert f"URL {part} contains invalid UTF-8" in str(error.value)
        assert "%FF" not in str(error.value) or part == "username"


def test_a_token_used_as_username_never_reaches_a_log(caplog: pytest.LogCaptureFixture) -> None:
    """`https://TOKEN@host/...`: the lookups' -vv lines show `****@service`."""
    from policy.credentials.backends.memory import MemoryKeyring
    from policy.decision import decide

    token = "tok-3f9a7c1e5b"
    settings = Settings(
        keyring_provider=KeyringProvider.NATIVE,
        indexes=(IndexSettings(name="private", url=INDEX),),
    )
    sources = CredentialSources(env={"HOME": "/nonexistent"}, native=MemoryKeyring(), timeout=0)
    with caplog.at_level(logging.DEBUG, logger="policy"):
        decision = decide(settings, INDEX + "a/", token)
        assert sources.find(decision, token) is None
    assert caplog.records
    assert not [r for r in caplog.records if token in r.getMessage()]
