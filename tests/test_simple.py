"""The Simple API fetcher: page parsing, the index search strategy, hints, downloads."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.errors import FetchError, PolicyError
from policy.fetch import download, simple
from policy.fetch.clients import client
from policy.fetch.search import search_project
from policy.settings.models import AuthPolicy, IndexSettings, Settings

HTML = """<!DOCTYPE html><html><body>
<a href="../../packages/peerpkg-1.0-py3-none-any.whl#sha256=abc" data-requires-python="&gt;=3.8">
peerpkg-1.0-py3-none-any.whl</a>
<a href="https://files.example/peerpkg-1.1.tar.gz" data-yanked="">peerpkg-1.1.tar.gz</a>
</body></html>"""


def test_parse_html_resolves_relative_links_hashes_and_attributes() -> None:
    files = simple.parse_html(HTML, "http://127.0.0.1:8080/simple/peerpkg/")
    assert files[0] == simple.ProjectFile(
        "peerpkg-1.0-py3-none-any.whl",
        "http://127.0.0.1:8080/packages/peerpkg-1.0-py3-none-any.whl",
        {"sha256": "abc"},
        ">=3.8",
        False,
    )
    assert files[1].yanked and files[1].url == "https://files.example/peerpkg-1.1.tar.gz"


def test_parse_json_pep691() -> None:
    data = {
        "meta": {"api-version": "1.1"},
        "name": "peerpkg",
        "files": [
            {
                "filename": "peerpkg-1.0.tar.gz",
                "url": "/f/peerpkg-1.0.tar.gz",
                "hashes": {"sha256": "def"},
                "yanked": "bad release",
            },
            {"url": "peerpkg-2.0-py3-none-any.whl"},
            "junk",
        ],
    }
    files = simple.parse_json(data, "https://h/simple/peerpkg/")
    assert [f.url for f in files] == [
        "https://h/f/peerpkg-1.0.tar.gz",
        "https://h/simple/peerpkg/peerpkg-2.0-py3-none-any.whl",
    ]
    assert files[0].hashes == {"sha256": "def"} and files[0].yanked
    assert files[1].filename == "peerpkg-2.0-py3-none-any.whl"


def test_normalize_and_project_url() -> None:
    assert simple.normalize("Peer_Pkg.x") == "peer-pkg-x"
    assert simple.project_url("https://h/simple", "Peer_Pkg") == "https://h/simple/peer-pkg/"


def _settings(*urls: str) -> Settings:
    return Settings(
        indexes=tuple(
            IndexSettings(name=f"i{n}", url=url, default=(n == len(urls) - 1))
            for n, url in enumerate(urls)
        )
    )


def _page(files: list[str]) -> httpx.Response:
    body = {
        "meta": {"api-version": "1.0"},
        "name": "p",
        "files": [{"filename": f, "url": f"/packages/{f}", "hashes": {}} for f in files],
    }
    return httpx.Response(200, json=body, headers={"Content-Type": simple.SIMPLE_JSON})


def test_search_moves_on_after_404_and_asks_for_json() -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers["Accept"]))
        if request.url.host == "first":
            return httpx.Response(404)
        return _page(["p-1.0.tar.gz"])

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        page = search_project(
            client, _settings("https://first/simple/", "https://second/simple/"), "P"
        )
    assert page.index == "https://second/simple/" and page.status == 200
    assert [h for h, _ in seen] == ["first", "second"]
    assert simple.SIMPLE_JSON in seen[0][1]


@pytest.mark.parametrize(
    ("status", "header", "hint"),
    [
        (401, None, "no credentials were sent"),
        (403, "alice:", "a username was sent without a password"),
        (403, "alice:WRONG", "were rejected"),
        (401, "alice:WRONG", "were rejected"),
    ],
)
def test_401_403_stop_the_search_with_a_hint(status: int, header: str | None, hint: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(status)

    headers = (
        {"Authorization": "Basic " + base64.b64encode(header.encode()).decode()} if header else {}
    )
    with (
        httpx.Client(transport=httpx.MockTransport(handler), headers=headers) as client,
        pytest.raises(FetchError) as error,
    ):
        first = (
            "https://u:WRONG@first/simple/" if header == "alice:WRONG" else "https://first/simple/"
        )
        search_project(client, _settings(first, "https://second/simple/"), "p")
    assert seen == ["first"]
    message = str(error.value)
    assert message.startswith(f"Failed to fetch https://first/simple/p/: {status}")
    assert hint in message and "WRONG" not in message
    assert error.value.status == status


def test_all_404_is_an_error_naming_the_last_url() -> None:
    with (
        httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404))) as client,
        pytest.raises(FetchError) as error,
    ):
        search_project(client, _settings("https://only/simple/"), "p")
    assert "https://only/simple/p/: 404" in str(error.value)


def test_newest_files() -> None:
    files = tuple(
        simple.ProjectFile(name, f"https://h/{name}")
        for name in ("p-1.0.tar.gz", "p-1.10-py3-none-any.whl", "p-1.10.tar.gz", "p-1.9.tar.gz")
    )
    page = simple.ProjectPage("p", "https://h/simple/", "https://h/simple/p/", 200, files)
    assert [f.filename for f in simple.newest_files(page)] == [
        "p-1.10-py3-none-any.whl",
        "p-1.10.tar.gz",
    ]


def test_json_roundtrip_of_html_page_content_type() -> None:
    request = httpx.Request("GET", "https://h/simple/p/")
    html = httpx.Response(200, text=HTML, headers={"Content-Type": "text/html"}, request=request)
    assert len(simple.parse_page(html)) == 2
    broken = httpx.Response(
        200, content=b"{", request=request, headers={"Content-Type": simple.SIMPLE_JSON}
    )
    with pytest.raises(FetchError):
        simple.parse_page(broken)
    assert json.dumps([f.filename for f in simple.parse_page(html)])


def test_network_errors_become_fetch_errors_without_credentials(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}")

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(FetchError) as error:
            search_project(client, _settings("https://u:S3CRET@h/simple/"), "p")
        assert str(error.value) == (
            "Failed to fetch https://h/simple/p/: could not connect (ConnectError); "
            "is the index up and the URL right?"
        )
        with pytest.raises(FetchError, match="ConnectError"):
            download.download(
                client,
                simple.ProjectFile("p-1.0.tar.gz", "https://h/p-1.0.tar.gz"),
                tmp_path,
                io.StringIO(),
                project="p",
            )
    assert list(tmp_path.iterdir()) == []


def test_control_characters_in_a_reason_phrase_are_escaped() -> None:
    # httpx keeps only ASCII of a reason phrase, which still leaves ESC and the C0 controls.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, extensions={"reason_phrase": b"Oops\x1b[2J\rfake"})

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(FetchError) as error,
    ):
        search_project(client, _settings("https://h/simple/"), "p")
    assert str(error.value) == "Failed to fetch https://h/simple/p/: 500 Oops\\x1b[2J\\rfake"


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\n'),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet='[]{}"\\k', max_size=3), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(_JSON, st.integers(min_value=0, max_value=20), st.booleans())
def test_json_depth_is_the_nesting_whatever_the_strings_hold(
    value: object, limit: int, ascii_only: bool
) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert simple.json_depth(body) == _depth(value)
    brackets = simple._structure(body).translate(None, b",")
    assert simple._nests_deeper(brackets, limit) == (_depth(value) > limit)


def test_a_policy_error_raised_through_httpx_stays_itself() -> None:
    # PolicyAuth raises its errors as httpx errors too; the fetcher must not relabel them.
    settings = Settings(
        indexes=(
            IndexSettings(
                name="i", url="https://h/simple/", default=True, authenticate=AuthPolicy.ALWAYS
            ),
        )
    )
    transport = httpx.MockTransport(lambda r: httpx.Response(200))
    with client(settings, transport=transport, env={}) as http, pytest.raises(PolicyError) as error:
        search_project(http, settings, "p")
    assert str(error.value) == "Missing credentials for https://h/simple/p/"
