"""The requests driver at its edge, on a scripted transport adapter (the behaviour table runs it
against the real pypiserver): what requests' objects carry after the flow has had its say."""

from __future__ import annotations

import base64
import gc
import io
import logging
import socket
import weakref
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from requests.adapters import HTTPAdapter

from policy.credentials.backends.memory import MemoryKeyring
from policy.credentials.lookup import CredentialSources
from policy.errors import MissingCredentials
from policy.fetch.flow import HTTPX, next_hop
from policy.fetch.requests_auth import (
    REQUESTS,
    PolicyRequestsAuth,
    _Hop,
    requests_auth,
    requests_session,
)
from policy.settings.models import AuthPolicy, IndexSettings, KeyringProvider, Settings

SECRET = "Zq9-requests-Passw0rd"
IDX = "https://pkgs.example.com/simple/"
BASIC = "Basic " + base64.b64encode(f"alice:{SECRET}".encode()).decode()

Answer = tuple[int, dict[str, str]]


class Scripted(HTTPAdapter):
    """Answers each request with `script(prepared, body)`; records what was sent."""

    def __init__(self, script: Callable[[requests.PreparedRequest, bytes], Answer]) -> None:
        super().__init__()
        self.script = script
        self.sent: list[tuple[str, str, dict[str, str], bytes]] = []

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        body: Any = request.body
        if hasattr(body, "read"):
            body = body.read()
        data: bytes = body.encode() if isinstance(body, str) else (body or b"")
        headers = {name: str(value) for name, value in request.headers.items()}
        self.sent.append((request.method or "", request.url or "", headers, data))
        status, headers = self.script(request, data)
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response.url = request.url or ""
        response.request = request
        response.connection = self
        response.raw = io.BytesIO(b"")
        return response


def _session(
    script: Callable[[requests.PreparedRequest, bytes], Answer],
    settings: Settings | None = None,
    keyring: MemoryKeyring | None = None,
) -> tuple[requests.Session, Scripted]:
    env: dict[str, str] = {}
    keyring = keyring or MemoryKeyring()
    sources = CredentialSources(env=env, native=keyring, subprocess=keyring, timeout=5)
    session = requests_session(
        settings or Settings(indexes=(IndexSettings(name="private", url=IDX),)),
        env=env,
        sources=sources,
    )
    adapter = Scripted(script)
    session.mount("https://", adapter)
    return session, adapter


def _needs_auth(request: requests.PreparedRequest, body: bytes) -> Answer:
    return (200, {}) if request.headers.get("Authorization") == BASIC else (401, {})


def test_url_credentials_become_the_header_and_leave_the_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    session, adapter = _session(_needs_auth)
    response = session.get(f"https://alice:{SECRET}@pkgs.example.com/simple/foo/")
    assert response.status_code == 200
    [(_, url, headers, _)] = adapter.sent
    assert url == IDX + "foo/" and headers["Authorization"] == BASIC
    assert SECRET not in caplog.text + repr(requests_auth(session)) + repr(response.request.url)


def test_a_streamed_body_is_sent_again_on_the_retry() -> None:
    keyring = MemoryKeyring({("uv:pkgs.example.com", "alice"): SECRET})
    settings = Settings(keyring_provider=KeyringProvider.NATIVE)  # no index: probe, then retry
    session, adapter = _session(_needs_auth, settings, keyring)
    response = session.post(IDX + "upload/", data=io.BytesIO(b"payload-bytes"))
    assert response.status_code == 200
    assert [(s[0], s[3]) for s in adapter.sent] == [
        ("POST", b"payload-bytes"),
        ("POST", b"payload-bytes"),
    ]
    assert "Authorization" not in adapter.sent[0][2]
    assert [r.status_code for r in response.history] == [401]


def test_a_303_after_a_post_becomes_a_get_without_a_body() -> None:
    def script(request: requests.PreparedRequest, body: bytes) -> Answer:
        if request.method == "POST":
            return 303, {"Location": "/simple/done/"}
        return 200, {}

    session, adapter = _session(script)
    response = session.post(IDX + "upload/", data=b"form=1")
    assert response.status_code == 200 and response.url == IDX + "done/"
    assert [(s[0], s[1], s[3]) for s in adapter.sent] == [
        ("POST", IDX + "upload/", b"form=1"),
        ("GET", IDX + "done/", b""),
    ]
    assert "Content-Length" not in adapter.sent[1][2]


def test_a_cross_origin_redirect_drops_authorization_and_cookies() -> None:
    def script(request: requests.PreparedRequest, body: bytes) -> Answer:
        if request.url and request.url.startswith(IDX):
            return 302, {"Location": "https://files.example.net/foo.whl"}
        return 200, {}

    session, adapter = _session(script)
    response = session.get(
        f"https://alice:{SECRET}@pkgs.example.com/simple/foo/", headers={"Cookie": "s=1"}
    )
    assert response.status_code == 200
    first, second = adapter.sent
    assert first[2]["Authorization"] == BASIC and first[2]["Cookie"] == "s=1"
    assert second[1] == "https://files.example.net/foo.whl"
    assert "Authorization" not in second[2] and "Cookie" not in second[2]


def test_always_without_credentials_raises_and_sends_nothing() -> None:
    settings = Settings(
        keyring_provider=KeyringProvider.NATIVE,
        indexes=(IndexSettings(name="private", url=IDX, authenticate=AuthPolicy.ALWAYS),),
    )
    session, adapter = _session(_needs_auth, settings)
    with pytest.raises(MissingCredentials, match="Missing credentials for https://"):
        session.get(IDX + "foo/")
    assert adapter.sent == []


def test_requests_auth_names_a_foreign_session() -> None:
    with pytest.raises(TypeError, match=r"not made by policy\.requests_session"):
        requests_auth(requests.Session())


def test_repr_shows_no_secret() -> None:
    auth = PolicyRequestsAuth(
        Settings(indexes=(IndexSettings(name="private", url=f"https://alice:{SECRET}@h/simple/"),)),
        env={"UV_INDEX_PRIVATE_PASSWORD": SECRET},
    )
    assert SECRET not in repr(auth)


def test_a_finished_exchange_leaves_no_reference_cycle() -> None:
    """The request holds its exchange through the hook; once done, nothing points back, so
    a response and its request are freed at once, without waiting for the collector."""
    keyring = MemoryKeyring({("uv:pkgs.example.com", "alice"): SECRET})
    settings = Settings(keyring_provider=KeyringProvider.NATIVE)
    session, _ = _session(_needs_auth, settings, keyring)
    gc.collect()
    gc.disable()
    try:
        response = session.get(IDX + "foo/")  # 401, lookup, retry: the longest exchange
        assert [r.status_code for r in [*response.history, response]] == [401, 200]
        request = weakref.ref(response.request)
        first = weakref.ref(response.history[0].request)
        del response
        assert request() is None and first() is None
    finally:
        gc.enable()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: a connection there is refused at once


def test_a_request_that_fails_on_its_way_out_frees_the_realm_probe_at_once() -> None:
    """No response, no hook: the session itself ends the exchange, so the next request to the
    realm goes out at once instead of waiting for a probe that will never answer."""
    settings = Settings(keyring_provider=KeyringProvider.NATIVE)  # no index: a probe first
    keyring = MemoryKeyring()
    sources = CredentialSources(env={}, native=keyring, subprocess=keyring, timeout=5)
    session = requests_session(settings, env={}, sources=sources)
    realm = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(requests.ConnectionError) as failed:
        session.get(realm + "/simple/foo/", timeout=5)
    # The failed request, its hook and its exchange are all still alive, held by the error:
    # only an explicit end can have freed the probe.
    assert failed.value.request is not None
    assert requests_auth(session).policy.probes.enter(realm) == (None, False)


def test_the_history_shows_each_request_as_it_went_out() -> None:
    """The flow edits requests' own request; a retry edits a copy, never what was sent."""
    keyring = MemoryKeyring({("uv:pkgs.example.com", "alice"): SECRET})
    settings = Settings(keyring_provider=KeyringProvider.NATIVE)  # no index: probe, then retry
    session, adapter = _session(_needs_auth, settings, keyring)
    response = session.get(IDX + "foo/")
    [first] = response.history
    assert first.status_code == 401 and "Authorization" not in first.request.headers
    assert response.request.headers["Authorization"] == BASIC
    assert first.request is not response.request
    assert [("Authorization" in sent[2]) for sent in adapter.sent] == [False, True]


@given(
    method=st.sampled_from(("GET", "POST", "PUT", "HEAD")),
    status=st.sampled_from((301, 302, 303, 307, 308, 200, 401)),
    location=st.sampled_from(
        (
            "/simple/b/",
            "../b/",
            "https://pkgs.example.com/other/",
            "https://PKGS.example.com:443/x",
            "http://pkgs.example.com/x",
            "https://files.example.net/x.whl",
            "ftp://files.example.net/x",
            "",
        )
    ),
    body=st.booleans(),
)
def test_both_edges_make_the_same_next_hop(
    method: str, status: int, location: str, body: bool
) -> None:
    """One rule for a redirect's next hop, carried out on httpx's objects and on requests'."""
    url = IDX + "a/"
    headers = {"Authorization": BASIC, "Cookie": "s=1", "X-Kept": "1"}
    content = b"payload" if body else None
    answer = {"Location": location} if location else {}
    on_httpx = next_hop(
        httpx.Request(method, url, headers=headers, content=content),
        httpx.Response(status, headers=answer),
        HTTPX,
    )
    response = requests.Response()
    response.status_code = status
    response.headers.update(answer)
    prepared = requests.Request(method, url, headers=headers, data=content).prepare()
    on_requests = next_hop(_Hop(prepared), response, REQUESTS)

    assert (on_httpx is None) == (on_requests is None)
    if on_httpx is None or on_requests is None:
        return
    (a, a_inside), (b, b_inside) = on_httpx, on_requests
    assert (str(a.url), a.method, a_inside) == (b.url, b.method, b_inside)

    def sent(names: Any) -> set[str]:
        return {name.lower() for name in names} & {"authorization", "cookie", "x-kept"}

    assert sent(a.headers) == sent(b.prepared.headers)
    assert bool(a.read()) == bool(b.prepared.body)
