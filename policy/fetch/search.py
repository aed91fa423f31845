"""The index search: which indexes uv would ask for a project, and the answer, sync and async.

uv's order, followed here:

1. Flat indexes (`find-links`, `format = "flat"`) are read first, in priority order: a local
   directory is listed, a URL is fetched as one HTML page of links. Any failure here stops
   everything, as uv's "Failed to read `--find-links` ..." does.
2. Simple API indexes are then searched with uv's default strategy (`first-index`): a 404 (or a
   code the index lists in `ignore-error-codes`) moves on, a 401 or 403 stops the search, and
   the first index that has the project wins. The implicit PyPI default comes last, unless a
   default index replaces it or `no-index` is on.
3. The files of the flat indexes are added to the page. When a flat index has the project, a
   simple index that failed does not fail the search (uv resolves from the flat files then).

Explicit indexes (`explicit = true`) are asked only for a project pinned to them; a pinned
project (`[tool.uv.sources]` `{ index = "name" }`, or `index=` here) is looked up on its index
alone.

The rules live in one generator, `_search`, that does no I/O: it yields `Get` and
`ListDirectory` steps and is sent their results, so `search_project` (httpx.Client) and
`async_search_project` (httpx.AsyncClient) are thin drivers over the same decisions.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Generator
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import httpx

from policy.errors import FetchError, PolicyError
from policy.fetch.limits import Limits
from policy.fetch.simple import (
    ACCEPT,
    ProjectFile,
    ProjectPage,
    async_get_page,
    decided_hint,
    get_page,
    network_failure,
    normalize,
    parse_page,
    project_url,
)
from policy.fetch.untrusted import escape
from policy.index import search_indexes
from policy.redact import redact_url, strip_credentials
from policy.settings.models import IndexFormat, IndexSettings, Settings

FLAT_ACCEPT = "text/html"
"""What uv asks a flat index URL for: one HTML page of links."""


class Get(NamedTuple):
    """Step: GET `url` with `accept` under the bounds; send back (response, body)."""

    url: str
    accept: str


class ListDirectory(NamedTuple):
    """Step: the file names in the local directory `path`; send back a tuple of names."""

    path: Path


Step = Get | ListDirectory
Page = tuple[httpx.Response, bytes]
Result = Page | tuple[str, ...]
Search = Generator[Step, Result, ProjectPage]


Hint = Callable[[str, str, httpx.Response], str]
"""(URL, index URL, 401/403 response) -> the hint, from the decision and what was sent."""


class Plan(NamedTuple):
    """The indexes one project is looked up on, in the order they are asked."""

    flat: tuple[IndexSettings, ...]
    simple: tuple[IndexSettings, ...]
    pinned: IndexSettings | None = None


def pinned_index(settings: Settings, project: str, index: str | None = None) -> str | None:
    """The index name `project` is pinned to: `index` if given, else `Settings.pins`."""
    return index if index is not None else settings.pins.get(normalize(project))


def plan(settings: Settings, project: str, index: str | None = None) -> Plan:
    """Which indexes uv would ask for `project` (no I/O).

    Raises `FetchError` when the project is pinned to a name no index has.
    """
    name = pinned_index(settings, project, index)
    if name is not None:
        for candidate in settings.indexes:
            if candidate.name == name:
                if candidate.format is IndexFormat.FLAT:
                    return Plan(flat=(candidate,), simple=(), pinned=candidate)
                return Plan(flat=(), simple=(candidate,), pinned=candidate)
        raise FetchError(f"Package `{normalize(project)}` references an undefined index: `{name}`")
    flat = tuple(i for i in settings.indexes if i.format is IndexFormat.FLAT and not i.explicit)
    simple = tuple(
        i for i in search_indexes(settings) if i.format is IndexFormat.SIMPLE and not i.explicit
    )
    return Plan(flat=flat, simple=simple)


def distribution_project(filename: str) -> str | None:
    """The normalised project name a wheel or sdist file name is for, or None."""
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        return normalize(parts[0]) if len(parts) in (5, 6) else None
    for suffix in (".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"):
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            name, dash, version = stem.rpartition("-")
            return normalize(name) if dash and name and version[:1].isdigit() else None
    return None


def _of_project(files: tuple[ProjectFile, ...], project: str) -> tuple[ProjectFile, ...]:
    wanted = normalize(project)
    return tuple(f for f in files if distribution_project(f.filename) == wanted)


def local_path(url: str) -> Path | None:
    """The local path a `file:` URL names (a flat index's directory, one of its files), or
    None for a remote URL."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    return Path(unquote(parts.path))


def _flat_failure(index_url: str, response: httpx.Response, hint: Hint) -> FetchError:
    # uv's wording: "Failed to read `--find-links` URL" with the status as the cause.
    shown = redact_url(index_url)
    status = response.status_code
    message = (
        f"Failed to read `--find-links` URL: {shown}\n"
        f"  cause: HTTP status client error ({status} {escape(response.reason_phrase)}) for url "
        f"({redact_url(strip_credentials(str(response.url)))})"
    )
    text = None
    if status in (401, 403):
        text = hint(index_url, index_url, response)
        message += f"\n  hint: {text}"
    return FetchError(message, status=status, url=shown, hint=text)


def _page(got: Result) -> Page:
    response, body = got[0], got[1]
    # The driver answers a `Get` with a page.
    assert isinstance(response, httpx.Response) and isinstance(body, bytes)
    return response, body


def _names(got: Result) -> tuple[str, ...]:
    # The driver answers a `ListDirectory` with file names.
    return tuple(name for name in got if isinstance(name, str))


def _read_flat(
    index: IndexSettings, project: str, limits: Limits, hint: Hint
) -> Generator[Step, Result, ProjectPage]:
    directory = local_path(index.url)
    if directory is not None:
        names = _names((yield ListDirectory(directory)))
        base = directory.as_uri() + "/"
        files = tuple(ProjectFile(filename=name, url=base + name) for name in sorted(names))
        shown = directory.as_uri()
        return ProjectPage(normalize(project), shown, shown, 200, _of_project(files, project))
    got = yield Get(index.url, FLAT_ACCEPT)
    response, body = _page(got)
    index_url = strip_credentials(index.url)
    if not response.is_success:
        raise _flat_failure(index_url, response, hint)
    files = parse_page(response, body, limits)  # an HTML page of links, under the bounds
    return ProjectPage(
        normalize(project),
        index_url,
        strip_credentials(str(response.url)),
        response.status_code,
        _of_project(files, project),
    )


def _continues(index: IndexSettings, status: int) -> bool:
    return status == 404 or status in (index.ignore_error_codes or ())


def _failure(url: str, index_url: str, response: httpx.Response, hint: Hint) -> FetchError:
    status, reason = response.status_code, escape(response.reason_phrase)
    message = f"Failed to fetch {redact_url(url)}: {status} {reason}"
    text = None
    if status in (401, 403):
        text = hint(url, index_url, response)
        message += f"\n  hint: {text}"
    return FetchError(message, status=status, url=redact_url(url), hint=text)


def _with_flat(page: ProjectPage, flat: list[ProjectPage]) -> ProjectPage:
    extra = tuple(f for p in flat for f in p.files)
    return replace(page, files=page.files + extra) if extra else page


def _search(
    settings: Settings, project: str, index: str | None, limits: Limits, hint: Hint
) -> Search:
    """The whole search as steps: the single place where its rules are written."""
    chosen = plan(settings, project, index)
    flat: list[ProjectPage] = []
    for flat_index in chosen.flat:
        page = yield from _read_flat(flat_index, project, limits, hint)
        flat.append(page)
    found = [page for page in flat if page.files]
    stop: FetchError | None = None
    for simple_index in chosen.simple:
        index_url = strip_credentials(simple_index.url)
        got = yield Get(project_url(simple_index.url, project), ACCEPT)
        response, body = _page(got)
        if response.is_success:
            page = ProjectPage(
                normalize(project),
                index_url,
                strip_credentials(str(response.url)),
                response.status_code,
                parse_page(response, body, limits),
            )
            return _with_flat(page, found)
        stop = _failure(project_url(index_url, project), index_url, response, hint)
        if not _continues(simple_index, response.status_code):
            break
    if found:
        return _with_flat(replace(found[0], files=()), found)
    if stop is not None:
        raise stop
    if chosen.flat:
        where = ", ".join(redact_url(strip_credentials(i.url)) for i in chosen.flat)
        raise FetchError(f"`{normalize(project)}` was not found on the flat indexes ({where})")
    raise FetchError(f"No index to search for `{project}`", status=None)


def _list(path: Path) -> tuple[str, ...]:
    try:
        with os.scandir(path) as entries:
            return tuple(entry.name for entry in entries if entry.is_file())
    except OSError as error:
        # uv's wording, with the OS error number as Rust prints it.
        reason = f"{error.strerror} (os error {error.errno})" if error.strerror else str(error)
        raise FetchError(
            f"Failed to read `--find-links` directory: {path}\n  cause: {reason}"
        ) from None


def _get(client: httpx.Client, step: Get, limits: Limits) -> Page:
    try:
        return get_page(client, step.url, limits, step.accept)
    except PolicyError:
        raise  # ours, even when raised through httpx as an `httpx.HTTPError` too
    except httpx.HTTPError as error:
        raise network_failure(step.url, error) from error


async def _aget(client: httpx.AsyncClient, step: Get, limits: Limits) -> Page:
    try:
        return await async_get_page(client, step.url, limits, step.accept)
    except PolicyError:
        raise
    except httpx.HTTPError as error:
        raise network_failure(step.url, error) from error


def _hint(client: httpx.Client | httpx.AsyncClient, settings: Settings) -> Hint:
    def hint(url: str, index_url: str, response: httpx.Response) -> str:
        return decided_hint(url, index_url, response, client, settings)

    return hint


def search_project(
    client: httpx.Client,
    settings: Settings,
    project: str,
    *,
    index: str | None = None,
    limits: Limits | None = None,
) -> ProjectPage:
    """The project page as uv's search finds it (flat indexes, then `first-index`).

    `index` pins the project to the index of that name, as `[tool.uv.sources]` does;
    `limits` bounds every page read (default: `Limits()`). Raises `FetchError` (message
    with redacted URLs) when the search fails.
    """
    bounds = Limits() if limits is None else limits
    flow = _search(settings, project, index, bounds, _hint(client, settings))
    result: Result
    try:
        step = next(flow)
        while True:
            if isinstance(step, ListDirectory):
                result = _list(step.path)
            else:
                result = _get(client, step, bounds)
            step = flow.send(result)
    except StopIteration as done:
        page: ProjectPage = done.value
        return page


async def async_search_project(
    client: httpx.AsyncClient,
    settings: Settings,
    project: str,
    *,
    index: str | None = None,
    limits: Limits | None = None,
) -> ProjectPage:
    """`search_project` for `httpx.AsyncClient`; directories are listed in a worker thread."""
    bounds = Limits() if limits is None else limits
    flow = _search(settings, project, index, bounds, _hint(client, settings))
    result: Result
    try:
        step = next(flow)
        while True:
            if isinstance(step, ListDirectory):
                result = await asyncio.to_thread(_list, step.path)
            else:
                result = await _aget(client, step, bounds)
            step = flow.send(result)
    except StopIteration as done:
        page: ProjectPage = done.value
        return page


__all__ = [
    "FLAT_ACCEPT",
    "Get",
    "ListDirectory",
    "Plan",
    "async_search_project",
    "distribution_project",
    "local_path",
    "pinned_index",
    "plan",
    "search_project",
]
