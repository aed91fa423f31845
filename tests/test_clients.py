"""`policy.fetch.clients`: ready clients whose redirects go through PolicyAuth."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from policy.fetch.auth import PolicyAuth
from policy.fetch.clients import DEFAULT_TIMEOUT, async_client, client, policy_auth
from policy.settings.models import Settings
from tests.test_auth import StandInSources, as_sources, stand_in_decide


def _auth(follow: bool = True) -> PolicyAuth:
    return PolicyAuth(
        Settings(),
        env={},
        sources=as_sources(StandInSources()),
        decide=stand_in_decide(),
        follow_redirects=follow,
    )


def _handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/a":
        return httpx.Response(302, headers={"Location": "/b"})
    return httpx.Response(200, text="b")


def test_client_follows_redirects_through_the_auth_with_timeouts() -> None:
    auth = _auth()
    with client(Settings(), auth=auth, transport=httpx.MockTransport(_handler)) as http:
        assert http.follow_redirects is False
        assert http.timeout == DEFAULT_TIMEOUT
        answer = http.get("https://h/a")
        assert answer.status_code == 200 and answer.url.path == "/b"
        assert [r.status_code for r in answer.history] == [302]
        assert policy_auth(http) is auth


def test_follow_redirects_false_is_respected() -> None:
    with client(
        Settings(), auth=_auth(), follow_redirects=False, transport=httpx.MockTransport(_handler)
    ) as http:
        assert http.get("https://h/a").status_code == 302


def test_async_client() -> None:
    async def main() -> int:
        async with async_client(
            Settings(), auth=_auth(), transport=httpx.MockTransport(_handler)
        ) as http:
            return (await http.get("https://h/a")).status_code

    assert asyncio.run(main()) == 200


def test_policy_auth_of_a_foreign_client() -> None:
    with httpx.Client() as http, pytest.raises(TypeError):
        policy_auth(http)
