"""The index search (unit): which indexes are asked, in which order, and what comes back.

The behaviour each test pins was observed with uv 0.13.9 against the test pypiserver (the
integration twin, tests/integration/test_search_agree.py, runs uv and us side by side).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.errors import FetchError
from policy.fetch import search
from policy.fetch.search import async_search_project, plan, search_project
from policy.fetch.simple import SIMPLE_JSON, normalize
from policy.settings.models import IndexFormat, IndexSettings, Settings

PASSWORD = "Sup3r-s3cret-pw"
WHEEL = "peerpkg-1.0-py3-none-any.whl"
LINKS = (
    f'<a href="/packages/{WHEEL}#sha256=ab">{WHEEL}</a>'
    '<a href="/packages/other-2.0.tar.gz">other-2.0.tar.gz</a>'
    '<a href="/packages/peerpkg_extra-1.0.tar.gz">peerpkg_extra-1.0.tar.gz</a>'
)


def _json(files: list[str]) -> httpx.Response:
    body = {"files": [{"filename": f, "url": f"/packages/{f}", "hashes": {}} for f in files]}
    return httpx.Response(200, json=body, headers={"Content-Type": SIMPLE_JSON})


def _index(url: str, **extra: object) -> IndexSettings:
    return IndexSettings(url=url, **extra)  # type: ignore[arg-type]


def _run(settings: Settings, handler: object, index: str | None = None) -> tuple[object, list[str]]:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        assert callable(handler)
        response: httpx.Response = handler(request)
        return response

    with httpx.Client(transport=httpx.MockTransport(record)) as client:
        try:
            return search_project(client, settings, "peerpkg", index=index), seen
        except FetchError as error:
            return error, seen


def test_explicit_index_is_never_asked_for_an_unpinned_project() -> None:
    # uv 0.13.9 (`uv lock`, explicit index + default index): only the default is requested.
    settings = Settings(
        indexes=(
            _index("https://explicit/simple/", name="private", explicit=True),
            _index("https://default/simple/", name="main", default=True),
        )
    )
    page, seen = _run(settings, lambda r: _json([WHEEL]))
    assert seen == ["https://default/simple/peerpkg/"]
    assert getattr(page, "index", None) == "https://default/simple/"


@pytest.mark.parametrize("how", ["settings", "argument"])
def test_a_pinned_project_is_asked_on_its_index_alone(how: str) -> None:
    settings = Settings(
        indexes=(
            _index("https://explicit/simple/", name="private", explicit=True),
            _index("https://default/simple/", name="main", default=True),
        ),
        pins={"peerpkg": "private"} if how == "settings" else {},
    )
    page, seen = _run(
        settings, lambda r: httpx.Response(404), index="private" if how == "argument" else None
    )
    assert seen == ["https://explicit/simple/peerpkg/"]
    assert isinstance(page, FetchError) and page.status == 404


def test_pins_use_the_normalised_project_name() -> None:
    settings = Settings(
        indexes=(_index("https://explicit/simple/", name="private", explicit=True),),
        pins={"peer-pkg": "private"},
    )
    assert plan(settings, "Peer_Pkg").pinned is not None


def test_a_pin_to_an_undefined_index_is_an_error() -> None:
    error, seen = _run(Settings(pins={"peerpkg": "nowhere"}), lambda r: _json([]))
    assert seen == []
    assert str(error) == "Package `peerpkg` references an undefined index: `nowhere`"


def test_flat_page_is_read_first_and_its_files_are_filtered() -> None:
    settings = Settings(
        indexes=(_index("https://h/packages/", format=IndexFormat.FLAT),), no_index=True
    )
    page, seen = _run(settings, lambda r: httpx.Response(200, text=LINKS))
    assert seen == ["https://h/packages/"]
    assert [f.filename for f in getattr(page, "files", ())] == [WHEEL]
    assert getattr(page, "index", None) == "https://h/packages/"


def test_flat_files_are_added_and_a_failing_simple_index_is_tolerated() -> None:
    # uv 0.13.9: find-links with the project + a default index that answers 401 resolves.
    settings = Settings(
        indexes=(
            _index("https://h/simple/", default=True),
            _index("https://h/packages/", format=IndexFormat.FLAT),
        )
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/packages/":
            return httpx.Response(200, text=LINKS)
        return httpx.Response(401)

    page, seen = _run(settings, handler)
    assert seen == ["https://h/packages/", "https://h/simple/peerpkg/"]
    assert [f.filename for f in getattr(page, "files", ())] == [WHEEL]


def test_a_failing_flat_index_stops_everything_in_uvs_words() -> None:
    settings = Settings(
        indexes=(
            _index("https://h/simple/", default=True),
            _index(f"https://alice:{PASSWORD}@h/packages/", format=IndexFormat.FLAT),
        )
    )
    error, seen = _run(settings, lambda r: httpx.Response(404))
    assert seen == [f"https://alice:{PASSWORD}@h/packages/"]
    assert str(error).startswith(
        "Failed to read `--find-links` URL: https://h/packages/\n"
        "  cause: HTTP status client error (404 Not Found) for url (https://h/packages/)"
    )
    assert PASSWORD not in str(error)


def test_local_directory(tmp_path: Path) -> None:
    (tmp_path / WHEEL).write_bytes(b"w")
    (tmp_path / "README.txt").write_text("x")
    (tmp_path / "peerpkg-0.9.tar.gz").mkdir()  # a directory is not a file
    settings = Settings(
        indexes=(_index(tmp_path.as_uri(), format=IndexFormat.FLAT),), no_index=True
    )
    page, seen = _run(settings, lambda r: httpx.Response(500))
    assert seen == []
    assert [f.filename for f in getattr(page, "files", ())] == [WHEEL]


def test_missing_local_directory_is_uvs_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowheels"
    settings = Settings(indexes=(_index(missing.as_uri(), format=IndexFormat.FLAT),))
    error, _ = _run(settings, lambda r: httpx.Response(500))
    assert str(error) == (
        f"Failed to read `--find-links` directory: {missing}\n"
        "  cause: No such file or directory (os error 2)"
    )


def test_nothing_on_the_flat_index_only() -> None:
    settings = Settings(
        indexes=(_index("https://h/packages/", format=IndexFormat.FLAT),), no_index=True
    )
    error, _ = _run(settings, lambda r: httpx.Response(200, text=""))
    assert str(error) == "`peerpkg` was not found on the flat indexes (https://h/packages/)"


def test_async_twin_agrees(tmp_path: Path) -> None:
    (tmp_path / WHEEL).write_bytes(b"w")
    settings = Settings(
        indexes=(
            _index("https://explicit/simple/", name="private", explicit=True),
            _index("https://default/simple/", default=True),
            _index(tmp_path.as_uri(), format=IndexFormat.FLAT),
        )
    )
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return _json(["peerpkg-2.0.tar.gz"])

    async def main() -> object:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await async_search_project(client, settings, "peerpkg")

    page = asyncio.run(main())
    sync_page, sync_seen = _run(settings, handler)
    assert page == sync_page
    assert seen[: len(seen) // 2] == sync_seen == ["https://default/simple/peerpkg/"]


@given(
    name=st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,10}[A-Za-z0-9])?", fullmatch=True),
    version=st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True),
)
def test_a_distribution_file_names_its_project(name: str, version: str) -> None:
    wheel_name = name.replace("-", "_").replace(".", "_")
    normal = normalize(name)
    assert search.distribution_project(f"{wheel_name}-{version}-py3-none-any.whl") == normal
    assert search.distribution_project(f"{name}-{version}.tar.gz") == normal
    assert search.distribution_project(f"{name}.txt") is None


@pytest.mark.parametrize("asynchronous", [False, True])
def test_pages_are_read_under_the_bounds_sync_and_async(asynchronous: bool) -> None:
    from policy.fetch.limits import LimitExceeded, Limits

    settings = Settings(indexes=(_index("https://h/simple/", default=True),))
    big = _json([f"peerpkg-1.{n}.tar.gz" for n in range(200)])
    limits = Limits(page_bytes=1024)

    async def run_async() -> object:
        transport = httpx.MockTransport(lambda r: big)
        async with httpx.AsyncClient(transport=transport) as client:
            return await async_search_project(client, settings, "peerpkg", limits=limits)

    with pytest.raises(LimitExceeded):
        if asynchronous:
            asyncio.run(run_async())
        else:
            with httpx.Client(transport=httpx.MockTransport(lambda r: big)) as client:
                search_project(client, settings, "peerpkg", limits=limits)
