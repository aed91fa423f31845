"""Realms, root URLs, segment prefixes (`policy.realm`) and index matching (`policy.index`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.index import PYPI_URL, match_index, search_indexes
from policy.realm import Realm, is_path_prefix, normalize_url, root_url
from policy.settings.models import IndexFormat, IndexSettings, Settings


def settings(*urls: str, default: bool = False, no_index: bool = False) -> Settings:
    indexes = tuple(IndexSettings(name=f"i{n}", url=url) for n, url in enumerate(urls))
    if default and indexes:
        indexes = (*indexes[:-1], indexes[-1].model_copy(update={"default": True}))
    return Settings(indexes=indexes, no_index=no_index)


# ------------------------------------------------------------------ Realm


@pytest.mark.parametrize(
    ("url", "realm", "shown"),
    [
        ("https://h.example/simple/", Realm("https", "h.example", None), "https://h.example"),
        ("https://h.example:443/x", Realm("https", "h.example", None), "https://h.example"),
        ("http://h.example:80", Realm("http", "h.example", None), "http://h.example"),
        ("https://h.example:80/", Realm("https", "h.example", 80), "https://h.example:80"),
        (
            "http://127.0.0.1:8080/simple/",
            Realm("http", "127.0.0.1", 8080),
            "http://127.0.0.1:8080",
        ),
        ("HTTPS://User:Pw@H.Example/", Realm("https", "h.example", None), "https://h.example"),
        ("http://[::1]:3141/root/", Realm("http", "[::1]", 3141), "http://[::1]:3141"),
    ],
)
def test_realm_from_url(url: str, realm: Realm, shown: str) -> None:
    assert Realm.from_url(url) == realm
    assert str(realm) == shown


def test_realms_differ_by_scheme_and_port() -> None:
    assert Realm.from_url("http://h/") != Realm.from_url("https://h/")
    assert Realm.from_url("https://h:8443/") != Realm.from_url("https://h/")
    assert Realm.from_url("https://other/") != Realm.from_url("https://h/")


def test_realm_rejects_a_malformed_port() -> None:
    with pytest.raises(ValueError):
        Realm.from_url("https://h:port/")


# ------------------------------------------------------------------ URLs


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("https://h/simple/", "https://h/"),
        ("https://h/simple", "https://h/"),
        ("https://h/root/+simple", "https://h/root"),
        ("https://h/root/SIMPLE/", "https://h/root"),
        ("https://h/api/v1/", "https://h/api/v1/"),
        ("https://h/simpleton/", "https://h/simpleton/"),
        ("https://h/", "https://h/"),
    ],
)
def test_root_url(url: str, root: str) -> None:
    assert root_url(url) == root


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTP://Alice:pw@Host.Example:80/Simple/", "http://host.example/Simple/"),
        ("https://h.example", "https://h.example/"),
        ("https://h.example:8443/a?b=c", "https://h.example:8443/a?b=c"),
        ("not a url", "not a url"),
    ],
)
def test_normalize_url(url: str, normal: str) -> None:
    assert normalize_url(url) == normal


@pytest.mark.parametrize(
    ("prefix", "path", "expected"),
    [
        ("/simple", "/simple/foo", True),
        ("/simple/", "/simple/foo", True),
        ("/simple", "/simple", True),
        ("/simple", "/simpleevil", False),
        ("/simple", "/simpleevil/foo", False),
        ("/", "/anything", True),
        ("/simple/foo/", "/simple/foo", False),
        ("/other", "/simple/foo", False),
    ],
)
def test_is_path_prefix(prefix: str, path: str, expected: bool) -> None:
    assert is_path_prefix(prefix, path) is expected


# ------------------------------------------------------------------ search order


def test_pypi_is_searched_last_without_a_default() -> None:
    found = search_indexes(settings("https://a/simple/", "https://b/simple/"))
    assert [index.url for index in found] == ["https://a/simple/", "https://b/simple/", PYPI_URL]


def test_a_default_index_replaces_pypi() -> None:
    found = search_indexes(settings("https://a/simple/", "https://b/simple/", default=True))
    assert [index.url for index in found] == ["https://a/simple/", "https://b/simple/"]


def test_no_index_drops_pypi() -> None:
    assert search_indexes(Settings(no_index=True)) == ()


def test_flat_indexes_are_kept_in_order() -> None:
    flat = IndexSettings(url="https://files/", format=IndexFormat.FLAT)
    found = search_indexes(Settings(indexes=(flat,)))
    assert [index.url for index in found] == ["https://files/", PYPI_URL]


# ------------------------------------------------------------------ matching


@pytest.mark.parametrize(
    ("urls", "request_url", "expected"),
    [
        # the index URL itself and pages below it
        (["https://h/simple/"], "https://h/simple/foo/", 0),
        (["https://h/simple/"], "https://h/simple/", 0),
        (["https://h/simple"], "https://h/simple", 0),
        # the root URL: files outside /simple/ still belong to the index
        (["https://h/simple/"], "https://h/packages/foo-1.0.whl", 0),
        (["https://h/root/+simple/"], "https://h/root/+f/ab/foo.whl", 0),
        # never a partial segment
        (["https://h/simple"], "https://h/simpleevil/foo/", 0),  # via the root URL `https://h/`
        (["https://h/a/simple"], "https://h/a/simpleevil/", 0),  # root `https://h/a`
        (["https://h/api/simple"], "https://h/apievil/", None),
        (["https://h/private/"], "https://h/privateevil/", None),
        # the longest prefix wins, whatever the order
        (["https://h/", "https://h/team/simple/"], "https://h/team/simple/foo/", 1),
        (["https://h/team/simple/", "https://h/"], "https://h/team/simple/foo/", 0),
        (["https://h/a/simple/", "https://h/a/b/simple/"], "https://h/a/b/simple/x/", 1),
        # ties: the first in priority order
        (["https://h/simple/", "https://h/simple"], "https://h/simple/foo/", 0),
        (["https://h/one/simple/", "https://h/one/+simple/"], "https://h/one/x", 0),
        # realms: scheme, host and port (default ports equal)
        (["https://h/simple/"], "http://h/simple/foo/", None),
        (["https://h/simple/"], "https://h:8443/simple/foo/", None),
        (["https://h:443/simple/"], "https://h/simple/foo/", 0),
        (["https://H/simple/"], "https://h/simple/foo/", 0),
        (["https://h/simple/"], "https://other/simple/foo/", None),
        # credentials on either side are ignored
        (["https://alice:pw@h/simple/"], "https://h/simple/foo/", 0),
        (["https://h/simple/"], "https://bob:pw@h/simple/foo/", 0),
    ],
)
def test_match_index(urls: list[str], request_url: str, expected: int | None) -> None:
    config = settings(*urls, default=True)
    found = match_index(config, request_url)
    assert found == (None if expected is None else config.indexes[expected])


def test_the_implicit_pypi_default_is_an_index() -> None:
    found = match_index(settings("https://h/simple/"), "https://pypi.org/simple/anyio/")
    assert found is not None and found.url == PYPI_URL
    assert (
        match_index(settings("https://h/simple/", default=True), "https://pypi.org/simple/anyio/")
        is None
    )


def test_unparseable_urls_match_nothing() -> None:
    assert match_index(settings("https://h/simple/"), "https://h:port/simple/") is None


HOSTS = st.sampled_from(["a.example", "b.example", "127.0.0.1"])
SCHEMES = st.sampled_from(["http", "https"])
PORTS = st.sampled_from([None, 80, 443, 8080])
SEGMENTS = st.lists(st.sampled_from(["simple", "+simple", "team", "x", "simpleevil"]), max_size=3)


@st.composite
def urls(draw: st.DrawFn) -> str:
    port = draw(PORTS)
    netloc = draw(HOSTS) + ("" if port is None else f":{port}")
    path = "/" + "/".join(draw(SEGMENTS)) + draw(st.sampled_from(["", "/"]))
    return f"{draw(SCHEMES)}://{netloc}{path}"


@given(st.lists(urls(), min_size=1, max_size=4), urls())
def test_matching_never_crosses_a_realm(index_urls: list[str], request_url: str) -> None:
    config = settings(*index_urls)
    found = match_index(config, request_url)
    if found is not None:
        assert Realm.from_url(found.url) == Realm.from_url(request_url)
        path = request_url.split("://", 1)[1].partition("/")[2]
        candidates = [found.url, root_url(found.url)]
        assert any(
            is_path_prefix("/" + c.split("://", 1)[1].partition("/")[2], "/" + path)
            for c in candidates
        )
