"""The flow's plain-string userinfo test never misses what httpx or requests would send.

The flow looks for userinfo by splitting the URL string (every request passes there); a URL
it wrongly judged bare would keep its credentials in the URL, past the policy. Where it sees
userinfo the library does not (a malformed URL), nothing is taken from it as credentials.
"""

from __future__ import annotations

import httpx
from hypothesis import example, given
from hypothesis import strategies as st

from policy.credentials.values import Credentials
from policy.fetch.flow import has_userinfo
from policy.provenance import CredentialSource

# Characters that move the boundaries of a URL's parts, and some that do not.
TRICKY = st.text(alphabet="@:/?#%[]\\ab.-_~!$&'()*+,;=é", max_size=8)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP"]))
    userinfo = draw(st.one_of(st.none(), TRICKY))
    host = draw(st.sampled_from(["h", "pkgs.example.com", "127.0.0.1", "[::1]"]))
    port = draw(st.sampled_from(["", ":8080", ":"]))
    rest = draw(TRICKY)
    authority = host + port if userinfo is None else f"{userinfo}@{host}{port}"
    return f"{scheme}://{authority}/{rest}"


def _agrees(url: str, library_sees_userinfo: bool) -> None:
    if library_sees_userinfo:
        assert has_userinfo(url)
    elif has_userinfo(url):
        assert Credentials.from_url(url, CredentialSource.URL) is None


@given(urls())
@example("http://alice:pw@h/simple/")
@example("http://h/simple/?next=http://alice:pw@evil/")
@example("http://h/a@b/")
@example("http://a@b@h/")
@example("http://:@h/")
def test_has_userinfo_agrees_with_httpx(raw: str) -> None:
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL:
        return  # no request is ever made for it
    if not url.host:
        return  # nor for this one: httpx refuses to send a URL without a host
    _agrees(str(url), bool(url.userinfo))


@given(urls())
@example("http://alice:pw@h/simple/")
@example("http://h/a@b/")
def test_has_userinfo_agrees_with_requests(raw: str) -> None:
    # The requests driver hands the flow requests' own prepared URL.
    import requests
    from urllib3.util import parse_url

    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(raw, None)
    except (requests.exceptions.RequestException, ValueError):
        return  # requests refuses it before anything is sent
    assert prepared.url is not None
    _agrees(prepared.url, bool(parse_url(prepared.url).auth))
