"""One behaviour table, every driver: httpx sync, httpx async and requests against pypiserver.

Each scenario names the settings, the environment, what the keyring holds and the URLs to
get; it pins the statuses the caller sees, what reached the server (from its log: path,
status, and whether the password was correct, wrong or absent), how many keyring lookups
were made and what was stored. Every scenario runs through every driver, so a scenario added
here is a promise all three keep.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from policy.credentials.lookup import CredentialSources
from policy.errors import PolicyError
from policy.fetch.clients import async_client, client, policy_auth
from policy.settings.models import (
    AuthPolicy,
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Preview,
    Settings,
)
from tests.support import services
from tests.support.counting_keyring import CountingKeyring
from tests.support.redirector import Redirector, redirector
from tests.support.services import PASSWORD, USER

pytestmark = pytest.mark.integration

WRONG = "not-the-Pa55word"
PAGE = "/simple/peerpkg/"
WHEEL = "/packages/peerpkg-1.0-py3-none-any.whl"
Result = int | str  # a status code, or the name of the PolicyError raised


# --------------------------------------------------------------------- the drivers

Run = tuple[list[Result], list[dict[str, str]]]


def _one(get: Callable[[str], int], url: str) -> Result:
    try:
        return get(url)
    except PolicyError as error:
        return type(error).__name__


def _map(get: Callable[[str], int], urls: Sequence[str], parallel: bool) -> list[Result]:
    if not parallel:
        return [_one(get, url) for url in urls]
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda url: _one(get, url), urls))


def httpx_sync(
    settings: Settings,
    env: Mapping[str, str],
    sources: CredentialSources,
    urls: list[str],
    *,
    parallel: bool,
) -> Run:
    with client(settings, env=env, sources=sources) as http:
        results = _map(lambda url: http.get(url).status_code, urls, parallel)
        return results, policy_auth(http).stored


def httpx_async(
    settings: Settings,
    env: Mapping[str, str],
    sources: CredentialSources,
    urls: list[str],
    *,
    parallel: bool,
) -> Run:
    async def main() -> Run:
        async with async_client(settings, env=env, sources=sources) as http:

            async def one(url: str) -> Result:
                try:
                    return (await http.get(url)).status_code
                except PolicyError as error:
                    return type(error).__name__

            if parallel:
                results = list(await asyncio.gather(*(one(url) for url in urls)))
            else:
                results = [await one(url) for url in urls]
            return results, policy_auth(http).stored

    return asyncio.run(main())


def requests_driver(
    settings: Settings,
    env: Mapping[str, str],
    sources: CredentialSources,
    urls: list[str],
    *,
    parallel: bool,
) -> Run:
    from policy.fetch.requests_auth import requests_auth, requests_session

    with requests_session(settings, env=env, sources=sources) as session:
        results = _map(lambda url: session.get(url, timeout=30).status_code, urls, parallel)
        return results, requests_auth(session).stored


DRIVERS: dict[str, Callable[..., Run]] = {
    "httpx-sync": httpx_sync,
    "httpx-async": httpx_async,
    "requests": requests_driver,
}


# --------------------------------------------------------------------- the table

Seen = tuple[str, int, str | None]  # path, status, password: correct / wrong / empty / None


@dataclass(frozen=True)
class Scenario:
    """One behaviour. `{simple}`, `{base}`, `{wrong_base}` (the base with alice and a wrong
    password in its userinfo) and `{redirector}` are filled in per run."""

    provider: KeyringProvider = KeyringProvider.NATIVE
    index: dict[str, Any] | None = None
    """Keyword arguments of the one configured index (at `{simple}`); None: no index."""
    index_url: str = "{simple}"
    native_auth: bool = False
    env: dict[str, str] = field(default_factory=dict)
    keyring: dict[str, str] = field(default_factory=dict)
    """service -> alice's password in the keyring."""
    netrc: bool = False
    urls: tuple[str, ...] = ("{simple}peerpkg/",)
    parallel: bool = False
    results: tuple[Result, ...] = (200,)
    seen: tuple[Seen, ...] = ((PAGE, 200, "correct"),)
    gets: int | None = 0
    """Keyring reads; None where the count is not this scenario's point."""
    stored: tuple[str, ...] = ()
    """Services stored under (alice's username)."""
    redirector_auth: tuple[bool, ...] | None = None
    """Whether each request the redirector saw carried an Authorization header."""


ENV_CREDENTIALS = {"UV_INDEX_PRIVATE_USERNAME": USER, "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}
ENV_WRONG = {"UV_INDEX_PRIVATE_USERNAME": USER, "UV_INDEX_PRIVATE_PASSWORD": WRONG}
REALM_ENTRY = {"uv:{base}": PASSWORD}
INDEX_ENTRY = {"uv-credentials:{simple}": PASSWORD}

SCENARIOS: dict[str, Scenario] = {
    # outside every index: the first request is the realm's probe; its 401 brings the lookup
    # and one retry; the file after it carries the credentials at once (the cache)
    "401-retry-then-cache": Scenario(
        keyring=REALM_ENTRY,
        urls=("{simple}peerpkg/", "{base}" + WHEEL),
        results=(200, 200),
        seen=((PAGE, 401, None), (PAGE, 200, "correct"), (WHEEL, 200, "correct")),
        gets=1,
    ),
    # netrc answers after the one 401 per realm; nothing wasted afterwards
    "netrc-one-401-per-realm": Scenario(
        provider=KeyringProvider.DISABLED,
        index={},
        netrc=True,
        urls=("{simple}peerpkg/", "{base}" + WHEEL),
        results=(200, 200),
        seen=((PAGE, 401, None), (PAGE, 200, "correct"), (WHEEL, 200, "correct")),
    ),
    # a configured index, native: its keyring entry is read before the first request
    "read-ahead": Scenario(index={}, keyring=INDEX_ENTRY, seen=((PAGE, 200, "correct"),), gets=1),
    "always": Scenario(
        index={"authenticate": AuthPolicy.ALWAYS},
        keyring=INDEX_ENTRY,
        gets=1,
    ),
    "always-without-credentials": Scenario(
        index={"authenticate": AuthPolicy.ALWAYS},
        results=("MissingCredentials",),
        seen=(),
        gets=2,
    ),
    "never": Scenario(
        index={"authenticate": AuthPolicy.NEVER},
        keyring=INDEX_ENTRY,
        results=(401,),
        seen=((PAGE, 401, None),),
    ),
    "keyring-skip": Scenario(
        index={"keyring": IndexKeyring.SKIP},
        keyring=INDEX_ENTRY,
        results=(401,),
        seen=((PAGE, 401, None),),
    ),
    "provider-disabled": Scenario(
        provider=KeyringProvider.DISABLED,
        index={},
        keyring=INDEX_ENTRY,
        results=(401,),
        seen=((PAGE, 401, None),),
    ),
    "store-after-success": Scenario(
        index={},
        native_auth=True,
        env=ENV_CREDENTIALS,
        stored=("uv-credentials:{simple}",),
        gets=2,
    ),
    "nothing-stored-on-failure": Scenario(
        index={},
        native_auth=True,
        env=ENV_WRONG,
        results=(403,),
        seen=((PAGE, 403, "wrong"),),
        gets=None,
    ),
    # credentials given in full are final: a wrong password in the URL is refused and
    # returned, never swapped for the keyring's right one; nothing is stored
    "explicit-url-password-final": Scenario(
        index={},
        native_auth=True,
        keyring=INDEX_ENTRY,
        urls=("{wrong_base}/simple/peerpkg/",),
        results=(403,),
        seen=((PAGE, 403, "wrong"),),
    ),
    "explicit-url-password-final-outside-indexes": Scenario(
        keyring=REALM_ENTRY,
        urls=("{wrong_base}/simple/peerpkg/",),
        results=(403,),
        seen=((PAGE, 403, "wrong"),),
    ),
    # and so is the index's configured pair (`UV_INDEX_<NAME>_*`)
    "explicit-index-pair-final": Scenario(
        index={},
        native_auth=True,
        env=ENV_WRONG,
        keyring=INDEX_ENTRY,
        results=(403,),
        seen=((PAGE, 403, "wrong"),),
    ),
    # a same-origin redirect (pypiserver adds the slash) keeps the credentials
    "redirect-same-origin": Scenario(
        provider=KeyringProvider.DISABLED,
        index={},
        env=ENV_CREDENTIALS,
        urls=("{simple}peerpkg",),
        seen=(("/simple/peerpkg", 301, "correct"), (PAGE, 200, "correct")),
    ),
    # a redirect to another origin re-enters the policy there: no credentials go with it
    "redirect-cross-origin": Scenario(
        provider=KeyringProvider.DISABLED,
        index={},
        index_url="{redirector}/simple/",
        env=ENV_CREDENTIALS,
        urls=("{redirector}/simple/peerpkg/",),
        results=(401,),
        seen=((PAGE, 401, None),),
        redirector_auth=(True,),
    ),
    # concurrent requests outside every index: one probe (one 401), one lookup
    "concurrent-one-lookup": Scenario(
        keyring=REALM_ENTRY,
        urls=("{simple}peerpkg/",) * 16,
        parallel=True,
        results=(200,) * 16,
        seen=((PAGE, 401, None),) + ((PAGE, 200, "correct"),) * 16,
        gets=1,
    ),
    # concurrent requests to a configured index: one lookup before any request, no 401
    "concurrent-index-read-ahead": Scenario(
        index={},
        keyring=INDEX_ENTRY,
        urls=("{simple}peerpkg/",) * 16,
        parallel=True,
        results=(200,) * 16,
        seen=((PAGE, 200, "correct"),) * 16,
        gets=1,
    ),
}


@pytest.fixture(scope="module")
def redirect_server() -> Iterator[Redirector]:
    with redirector() as server:
        yield server


def _settings(scenario: Scenario, fill: Callable[[str], str]) -> Settings:
    preview = Preview(features=frozenset({"native-auth"} if scenario.native_auth else set()))
    indexes: tuple[IndexSettings, ...] = ()
    if scenario.index is not None:
        indexes = (
            IndexSettings(
                name="private", url=fill(scenario.index_url), default=True, **scenario.index
            ),
        )
    return Settings(keyring_provider=scenario.provider, preview=preview, indexes=indexes)


@pytest.mark.parametrize("driver", list(DRIVERS))
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_behaviour(
    tmp_path: Path,
    index_server: services.IndexServer,
    redirect_server: Redirector,
    name: str,
    driver: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    scenario = SCENARIOS[name]
    redirect_server.target = index_server.base
    redirect_server.seen.clear()

    def fill(text: str) -> str:
        return text.format(
            simple=index_server.simple_url,
            base=index_server.base,
            wrong_base=index_server.base.replace("://", f"://{USER}:{WRONG}@", 1),
            redirector=redirect_server.base,
        )

    env = {**services.isolated_home(tmp_path), **scenario.env}
    if scenario.netrc:
        netrc = Path(env["HOME"]) / ".netrc"
        netrc.write_text(f"machine 127.0.0.1\nlogin {USER}\npassword {PASSWORD}\n")
        netrc.chmod(0o600)
    keyring = CountingKeyring({(fill(s), USER): p for s, p in scenario.keyring.items()})
    sources = CredentialSources(env=env, native=keyring, subprocess=keyring, timeout=10)
    index_server.clear_log()

    results, stored = DRIVERS[driver](
        _settings(scenario, fill),
        env,
        sources,
        [fill(url) for url in scenario.urls],
        parallel=scenario.parallel,
    )

    assert results == list(scenario.results)
    seen = [(r["path"], r["status"], r["password"]) for r in index_server.requests()]
    if scenario.parallel:
        assert Counter(seen) == Counter(scenario.seen)
    else:
        assert seen == list(scenario.seen)
    if scenario.gets is not None:
        assert keyring.gets == scenario.gets
    assert stored == [
        {"service": fill(s), "username": USER, "backend": "CountingKeyring"}
        for s in scenario.stored
    ]
    for service in scenario.stored:
        held = keyring.inner.get(fill(service), USER).credentials
        assert held is not None and held.password_value == PASSWORD
    for service in scenario.keyring:  # what the keyring held is never overwritten
        held = keyring.inner.get(fill(service), USER).credentials
        assert held is not None and held.password_value == PASSWORD
    if not scenario.stored and not scenario.keyring:
        assert keyring.inner.get(fill("uv-credentials:{simple}"), USER).credentials is None
    if scenario.redirector_auth is not None:
        assert [auth for _, auth in redirect_server.seen] == list(scenario.redirector_auth)
    for secret in (PASSWORD, WRONG):
        assert secret not in caplog.text
