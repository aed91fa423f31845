"""The Simple API fetcher: project pages (PEP 691 JSON, PEP 503 HTML) and their file lists.

The search across indexes (which ones, in which order, when to stop) is
`policy.fetch.search`; this module reads one page, under the bounds, and explains one failure.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import accumulate
from typing import Any
from urllib.parse import urldefrag, urljoin

import httpx

from policy import env as names
from policy.errors import FetchError
from policy.fetch.limits import PAGE_ENCODINGS, Deadline, Limits, bounded_body, exceeded
from policy.fetch.untrusted import escape
from policy.redact import redact_url, strip_credentials
from policy.settings.models import KeyringProvider, Settings

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
SIMPLE_HTML = "application/vnd.pypi.simple.v1+html"
ACCEPT = f"{SIMPLE_JSON}, {SIMPLE_HTML};q=0.2, text/html;q=0.01"
_HASH_NAMES = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})


def normalize(project: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", project).lower()


def project_url(index_url: str, project: str) -> str:
    """`<index>/<normalised project>/`."""
    return index_url.rstrip("/") + "/" + normalize(project) + "/"


@dataclass(frozen=True)
class ProjectFile:
    """One distribution file of a project page."""

    filename: str
    url: str
    hashes: dict[str, str] = field(default_factory=dict)
    requires_python: str | None = None
    yanked: bool = False


@dataclass(frozen=True)
class ProjectPage:
    """The page of one project on the index that answered."""

    project: str
    index: str
    url: str
    status: int
    files: tuple[ProjectFile, ...]


def _hashes_from_fragment(url: str) -> tuple[str, dict[str, str]]:
    bare, fragment = urldefrag(url)
    name, sep, value = fragment.partition("=")
    if sep and name.lower() in _HASH_NAMES and value:
        return bare, {name.lower(): value}
    return bare, {}


def _filename(url: str) -> str:
    return urldefrag(url)[0].rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


def parse_json(data: Any, base_url: str) -> tuple[ProjectFile, ...]:
    """The files of a PEP 691 JSON project page."""
    files = []
    for entry in data.get("files", []) if isinstance(data, dict) else []:
        if not isinstance(entry, dict) or "url" not in entry:
            continue
        url = urljoin(base_url, str(entry["url"]))
        url, fragment_hashes = _hashes_from_fragment(url)
        hashes = entry.get("hashes") if isinstance(entry.get("hashes"), dict) else {}
        files.append(
            ProjectFile(
                filename=str(entry.get("filename") or _filename(url)),
                url=url,
                hashes={str(k): str(v) for k, v in (hashes or fragment_hashes).items()},
                requires_python=entry.get("requires-python"),
                yanked=bool(entry.get("yanked", False)),
            )
        )
    return tuple(files)


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "a":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.anchors.append((self._open, "".join(self._text).strip()))
            self._open = None


def parse_html(text: str, base_url: str) -> tuple[ProjectFile, ...]:
    """The files of a PEP 503 HTML project page (stdlib `html.parser`)."""
    parser = _AnchorParser()
    parser.feed(text)
    parser.close()
    base = urljoin(base_url, parser.base) if parser.base else base_url
    files = []
    for attrs, label in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        url, hashes = _hashes_from_fragment(urljoin(base, href))
        files.append(
            ProjectFile(
                filename=label or _filename(url),
                url=url,
                hashes=hashes,
                requires_python=attrs.get("data-requires-python"),
                yanked="data-yanked" in attrs,
            )
        )
    return tuple(files)


_NOT_STRUCTURE = bytes(range(256)).translate(None, b'"[]{},')
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_FAST_PASSES = 8
# Per file of a real page: its object and the hashes and metadata objects in it, and about a
# dozen values. Beyond these, a page is an attempt to fill memory with tiny objects.
_CONTAINERS_PER_FILE = 4
_VALUES_PER_FILE = 32


def _structure(body: bytes) -> bytes:
    """The brackets and commas of a JSON text outside its strings (C-speed byte operations)."""
    if b"\\" in body:
        # `\\` first, so that what is left of `\"` is an escaped quote inside a string.
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Dropping a pair of adjacent quotes keeps every bracket on its side of the strings.
    plain = body.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in plain:
        plain = b"".join(plain.split(b'"')[::2])
    return plain


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects, without parsing it (linear time)."""
    brackets = _structure(body).translate(None, b",")
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def _nests_deeper(brackets: bytes, limit: int) -> bool:
    # Real pages nest about four deep: peeling the innermost pairs a few times empties them
    # at C speed. Each pass peels at least one level and at most two.
    peeled = brackets
    for passes in range(1, _FAST_PASSES + 1):
        peeled = peeled.replace(b"[]", b"").replace(b"{}", b"")
        if not peeled:
            if 2 * passes <= limit:
                return False
            break
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


def _too_many_files(url: str, limit: int) -> FetchError:
    return exceeded(
        "Project page lists too many files", url, f"{limit} files", names.KEYRING_POLICY_MAX_FILES
    )


def _load_json(body: bytes, url: str, limits: Limits) -> Any:
    """Parse a JSON page once its shape is known to fit the bounds (memory, recursion)."""
    structure = _structure(body)
    brackets = structure.translate(None, b",")
    values = len(structure) - len(brackets)
    if (
        len(brackets) // 2 > _CONTAINERS_PER_FILE * limits.files + 64
        or values > _VALUES_PER_FILE * limits.files + 64
    ):
        raise _too_many_files(url, limits.files)
    if _nests_deeper(brackets, limits.nesting):
        raise exceeded(
            "Project page nested too deeply",
            url,
            f"{limits.nesting} levels",
            names.KEYRING_POLICY_MAX_NESTING,
        )
    try:
        return json.loads(body)
    except RecursionError:
        raise exceeded(
            "Project page nested too deeply",
            url,
            "what the JSON parser can hold",
            names.KEYRING_POLICY_MAX_NESTING,
        ) from None


def parse_page(
    response: httpx.Response, body: bytes | None = None, limits: Limits | None = None
) -> tuple[ProjectFile, ...]:
    """The file list of a project page response, JSON or HTML by its content type.

    `body` is the page as read under the bounds (default: the response's content).
    """
    content = response.content if body is None else body
    bounds = Limits() if limits is None else limits
    content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    base = strip_credentials(str(response.url))
    if content_type == SIMPLE_JSON or content_type.endswith("+json"):
        try:
            return parse_json(_load_json(content, base, bounds), base)
        except ValueError as error:
            raise FetchError(
                f"Invalid JSON project page at {redact_url(base)}",
                status=response.status_code,
                url=base,
            ) from error
    # Every file is an anchor: more `<a` than files allowed is refused before parsing.
    if content.count(b"<a") + content.count(b"<A") > bounds.files:
        raise _too_many_files(base, bounds.files)
    return parse_html(content.decode(response.encoding or "utf-8", errors="replace"), base)


def _too_many_redirects(url: str, limits: Limits) -> FetchError:
    """The flow followed as many hops as it may, and the page answered with one more."""
    return exceeded(
        "Too many redirects",
        url,
        f"{limits.redirects} redirects",
        names.KEYRING_POLICY_MAX_REDIRECTS,
    )


def _page_body(
    response: httpx.Response, limits: Limits, deadline: Deadline, raws: list[bytes] | None = None
) -> bytes:
    """A project page's decoded body under the page bounds (`raws`: wire bytes read already)."""
    return b"".join(
        bounded_body(
            response,
            wire_limit=limits.page_bytes,
            wire_variable=names.KEYRING_POLICY_MAX_PAGE_BYTES,
            body_limit=limits.decompressed_bytes,
            body_variable=names.KEYRING_POLICY_MAX_DECOMPRESSED_BYTES,
            deadline=deadline,
            what="Project page",
            raws=raws,
        )
    )


def get_page(
    client: httpx.Client, url: str, limits: Limits, accept: str = ACCEPT
) -> tuple[httpx.Response, bytes]:
    """GET a project page under the bounds: the (closed) response and its decoded body.

    The body of an error response is not read: only its status and reason are used.
    """
    deadline = Deadline(limits.request_seconds, names.KEYRING_POLICY_REQUEST_TIMEOUT)
    headers = {"Accept": accept, "Accept-Encoding": PAGE_ENCODINGS}
    with client.stream("GET", url, headers=headers) as response:
        if response.is_redirect:
            raise _too_many_redirects(url, limits)
        if not response.is_success:
            return response, b""
        body = _page_body(response, limits, deadline)
    return response, body


async def async_get_page(
    client: httpx.AsyncClient, url: str, limits: Limits, accept: str = ACCEPT
) -> tuple[httpx.Response, bytes]:
    """`get_page` for `httpx.AsyncClient`: the same bounds, the wire bytes counted as they come."""
    deadline = Deadline(limits.request_seconds, names.KEYRING_POLICY_REQUEST_TIMEOUT)
    headers = {"Accept": accept, "Accept-Encoding": PAGE_ENCODINGS}
    async with client.stream("GET", url, headers=headers) as response:
        if response.is_redirect:
            raise _too_many_redirects(url, limits)
        if not response.is_success:
            return response, b""
        raws: list[bytes] | None = None
        if not response.is_stream_consumed:  # else read already (an in-memory transport)
            raws, received = [], 0
            async for raw in response.aiter_raw():
                raws.append(raw)
                received += len(raw)
                if received > limits.page_bytes:
                    break  # bounded_body below reports it, in its words
                deadline.check(str(response.url))
        body = _page_body(response, limits, deadline, raws)
    return response, body


def _sent_credentials(request: httpx.Request) -> tuple[bool, bool]:
    """(credentials sent, password sent) for a request, from its Authorization header."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if not header:
        return False, False
    if scheme.lower() != "basic":
        return True, True
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return True, True
    return True, bool(decoded.partition(":")[2])


def failure_hint(index_url: str, response: httpx.Response) -> str:
    """A hint that tells missing credentials from wrong ones (uv gives the same for both)."""
    shown = redact_url(index_url)
    sent, with_password = _sent_credentials(response.request)
    status, reason = response.status_code, escape(response.reason_phrase)
    if not sent:
        return (
            f"An index URL ({shown}) could not be queried due to a lack of valid "
            f"authentication credentials ({status} {reason}): no credentials "
            "were sent; provide them in the index URL, UV_INDEX_<NAME>_USERNAME / _PASSWORD, "
            "netrc, the credentials file or the keyring"
        )
    if not with_password:
        return (
            f"An index ({shown}) returned {status} {reason}: a username was "
            "sent without a password; no allowed source had the password for it"
        )
    return (
        f"An index ({shown}) returned {status} {reason}: the credentials "
        "that were sent were rejected; check that the index URL is correct and the "
        "credentials are valid"
    )


def network_failure(url: str, error: httpx.HTTPError) -> FetchError:
    """A network error as a `FetchError` naming the redacted URL and the error type only."""
    # httpx's message may quote the URL as given (with credentials): show only the type.
    shown = redact_url(strip_credentials(url))
    what = _NETWORK_FAILURES.get(type(error).__name__, type(error).__name__)
    return FetchError(f"Failed to fetch {shown}: {what}", url=shown)


_NETWORK_FAILURES = {
    "ConnectError": "could not connect (ConnectError); is the index up and the URL right?",
    "ConnectTimeout": "timed out connecting (ConnectTimeout)",
    "ReadTimeout": "timed out waiting for the response (ReadTimeout)",
}


def decided_hint(
    url: str,
    index_url: str,
    response: httpx.Response,
    client: httpx.Client | httpx.AsyncClient,
    settings: Settings,
) -> str:
    """The hint from the decision and what was sent; a client without `PolicyAuth` that set
    its own header gets the hint that only tells missing from wrong credentials."""
    from policy.decision import decide
    from policy.fetch.auth import PolicyAuth
    from policy.fetch.hints import SENT_EXTENSION, Facts, Sent
    from policy.fetch.hints import failure_hint as hint_from

    sent = response.request.extensions.get(SENT_EXTENSION)
    auth = client.auth
    if not isinstance(auth, PolicyAuth) or (
        not isinstance(sent, Sent) and "Authorization" in response.request.headers
    ):
        return failure_hint(index_url, response)
    sent_username = sent.username if isinstance(sent, Sent) else None
    decision = decide(settings, url, sent_username)
    known = bool(sent_username) or any(lookup.username for lookup in decision.keyring_lookups)
    command = (
        auth.keyring_command_found() if decision.provider is KeyringProvider.SUBPROCESS else None
    )
    facts = Facts(response.status_code, sent if isinstance(sent, Sent) else None, known, command)
    return hint_from(decision, facts)


def _version_key(filename: str, project: str) -> tuple[Any, ...]:
    stem = normalize(project).replace("-", "_")
    name = filename
    for suffix in (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    parts = name.split("-")
    version = parts[1] if len(parts) > 1 and normalize(parts[0]).replace("-", "_") == stem else ""
    if not version and name.lower().startswith(stem):
        version = name[len(stem) :].lstrip("-_")
    numbers = tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.+!]", version) if p)
    return numbers, version


def newest_files(page: ProjectPage) -> tuple[ProjectFile, ...]:
    """The files of the newest version on the page (yanked files left out)."""
    candidates = [f for f in page.files if not f.yanked]
    if not candidates:
        return ()
    keys = {f.filename: _version_key(f.filename, page.project) for f in candidates}
    best = max(keys.values())
    return tuple(f for f in candidates if keys[f.filename] == best)


__all__ = [
    "ACCEPT",
    "ProjectFile",
    "ProjectPage",
    "async_get_page",
    "decided_hint",
    "failure_hint",
    "get_page",
    "json_depth",
    "network_failure",
    "newest_files",
    "normalize",
    "parse_html",
    "parse_json",
    "parse_page",
    "project_url",
]
