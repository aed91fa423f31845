"""Bounds on what an index may make the fetcher do: size, nesting, redirects, time.

An index is a server on the network and everything it sends is untrusted. Each bound has a
default and a `KEYRING_POLICY_*` environment variable (names in `policy.env`); exceeding one
is a `LimitExceeded` error that names the bound and its variable. `bounded_body` reads a
response body under the size and time bounds, decompressing gzip and deflate itself in
slices, so memory stays bounded whatever the server sends (a gzip bomb included).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass

import httpx

from policy import env as names
from policy.errors import ConfigError, FetchError
from policy.redact import redact_url

MiB = 1 << 20
PAGE_ENCODINGS = "gzip, deflate"
"""The `Accept-Encoding` of page requests: the encodings `bounded_body` decodes in slices."""
_SLICE = 1 << 16


class LimitExceeded(FetchError):
    """A response went past one of the bounds; the message names the bound and its variable."""


@dataclass(frozen=True)
class Limits:
    """The bounds of one run; `Limits.from_env(env)` reads the overrides."""

    page_bytes: int = 32 * MiB
    decompressed_bytes: int = 64 * MiB
    nesting: int = 64
    files: int = 100_000
    request_seconds: float = 120.0
    redirects: int = 10
    download_bytes: int = 4096 * MiB
    download_seconds: float = 3600.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Limits:
        """The defaults, overridden by the `KEYRING_POLICY_*` variables that are set."""
        default = cls()
        return cls(
            page_bytes=_integer(env, names.KEYRING_POLICY_MAX_PAGE_BYTES, default.page_bytes),
            decompressed_bytes=_integer(
                env, names.KEYRING_POLICY_MAX_DECOMPRESSED_BYTES, default.decompressed_bytes
            ),
            nesting=_integer(env, names.KEYRING_POLICY_MAX_NESTING, default.nesting),
            files=_integer(env, names.KEYRING_POLICY_MAX_FILES, default.files),
            request_seconds=names.parse_seconds(
                env, names.KEYRING_POLICY_REQUEST_TIMEOUT, default.request_seconds
            ),
            redirects=_integer(env, names.KEYRING_POLICY_MAX_REDIRECTS, default.redirects, 0),
            download_bytes=_integer(
                env, names.KEYRING_POLICY_MAX_DOWNLOAD_BYTES, default.download_bytes
            ),
            download_seconds=names.parse_seconds(
                env, names.KEYRING_POLICY_DOWNLOAD_TIMEOUT, default.download_seconds
            ),
        )


def redirect_limit(env: Mapping[str, str]) -> int:
    """Redirect hops a request may follow (`KEYRING_POLICY_MAX_REDIRECTS`, default 10)."""
    return _integer(env, names.KEYRING_POLICY_MAX_REDIRECTS, Limits.redirects, 0)


def _integer(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigError(
            f"Failed to parse environment variable `{name}` with invalid value `{raw}`: "
            f"expected an integer of at least {minimum}"
        )
    return value


def _size(value: int) -> str:
    return f"{value / MiB:g} MiB" if value >= MiB and value % (MiB // 4) == 0 else f"{value} bytes"


def exceeded(what: str, url: str, limit: str, variable: str) -> LimitExceeded:
    """The error for a bound that was passed: what happened, the bound, how to raise it."""
    shown = redact_url(url)
    return LimitExceeded(
        f"{what} from {shown}: more than {limit}; if the index is trusted, raise the limit "
        f"with `{variable}`",
        url=shown,
    )


def request_seconds(env: Mapping[str, str]) -> float:
    """Total seconds per request (`KEYRING_POLICY_REQUEST_TIMEOUT`, default 120; 0: none)."""
    return names.parse_seconds(env, names.KEYRING_POLICY_REQUEST_TIMEOUT, Limits.request_seconds)


class Deadline:
    """A total time for one request (0 seconds: none), on top of httpx's per-read timeouts."""

    def __init__(self, seconds: float, variable: str) -> None:
        self.seconds = seconds
        self.variable = variable
        self._end = time.monotonic() + seconds if seconds else None

    def check(self, url: str) -> None:
        if self._end is not None and time.monotonic() > self._end:
            raise exceeded(
                "Gave up waiting for the response", url, f"{self.seconds:g} s", self.variable
            )


def _decompressor(encoding: str, url: str) -> zlib._Decompress | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        # 32 + MAX_WBITS: a gzip or zlib header, detected from the data.
        return zlib.decompressobj(32 + zlib.MAX_WBITS)
    raise FetchError(
        f"The response from {redact_url(url)} has an unsupported Content-Encoding "
        f"(not gzip or deflate)",
        url=redact_url(url),
    )


def bounded_body(
    response: httpx.Response,
    *,
    wire_limit: int,
    wire_variable: str,
    body_limit: int,
    body_variable: str,
    deadline: Deadline,
    what: str,
    raws: Iterable[bytes] | None = None,
) -> Iterator[bytes]:
    """The decoded body of a streamed response, in slices, held to the bounds.

    `wire_limit` bounds the bytes received, `body_limit` the bytes after decompression; the
    deadline is checked after every read. Decompression runs in slices of at most 64 KiB of
    output, so a small compressed body can never expand in memory past one slice. `raws` are
    the raw chunks when the caller read them itself (an async stream, under the same bounds).
    """
    url = str(response.url)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > wire_limit:
        raise exceeded(f"{what} too large", url, _size(wire_limit), wire_variable)
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if raws is not None:
        decompressor, raws = _decompressor(encoding, url), iter(raws)
    elif response.is_stream_consumed:
        # Already read into memory (an in-memory transport): httpx has decoded it.
        decompressor, raws = None, iter([response.content])
    else:
        decompressor, raws = _decompressor(encoding, url), response.iter_raw()
    received = produced = 0
    for raw in raws:
        received += len(raw)
        if received > wire_limit:
            raise exceeded(f"{what} too large", url, _size(wire_limit), wire_variable)
        deadline.check(url)
        pending = raw
        while pending:
            if decompressor is None:
                chunk, pending = pending, b""
            else:
                try:
                    chunk = decompressor.decompress(pending, _SLICE)
                except zlib.error:
                    raise FetchError(
                        f"The response from {redact_url(url)} is not valid {encoding} data",
                        url=redact_url(url),
                    ) from None
                pending = decompressor.unconsumed_tail
                if decompressor.eof:
                    pending = b""  # trailing bytes after the stream are ignored, as httpx does
            produced += len(chunk)
            if produced > body_limit:
                raise exceeded(
                    f"{what} too large after decompression", url, _size(body_limit), body_variable
                )
            if chunk:
                yield chunk
    if decompressor is not None and not decompressor.eof and received:
        raise FetchError(
            f"The response from {redact_url(url)} ended inside its {encoding} data",
            url=redact_url(url),
        )


ABANDONED_BODY_BYTES = 1 << 16
"""What is read of a body nobody uses (a 401 before the retry, a redirect) before closing."""


class _Abandoned(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The body of a response the flow has moved past: read and dropped, bounded, never kept.

    httpx reads such a response in full before sending the next request; this stream lets
    it read at most `ABANDONED_BODY_BYTES`, under the request's deadline, and hands back
    nothing, so a 401 with an endless or compressed body costs neither memory nor time.
    """

    def __init__(
        self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, deadline: Deadline, url: str
    ) -> None:
        self._stream = stream
        self._deadline = deadline
        self._url = url

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._stream, httpx.SyncByteStream)
        received = 0
        for chunk in self._stream:
            received += len(chunk)
            self._deadline.check(self._url)
            if received > ABANDONED_BODY_BYTES:
                break  # closing without reading the rest only costs the connection
        yield b""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        received = 0
        async for chunk in self._stream:
            received += len(chunk)
            self._deadline.check(self._url)
            if received > ABANDONED_BODY_BYTES:
                break
        yield b""

    def close(self) -> None:
        assert isinstance(self._stream, httpx.SyncByteStream)
        self._stream.close()

    async def aclose(self) -> None:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        await self._stream.aclose()


def abandon(response: httpx.Response, seconds: float) -> None:
    """Bound the body of a response that is not the answer (see `_Abandoned`)."""
    if response.is_stream_consumed or response.is_closed:
        return
    stream = response.stream
    if isinstance(stream, (httpx.SyncByteStream, httpx.AsyncByteStream)):
        response.stream = _Abandoned(
            stream, Deadline(seconds, names.KEYRING_POLICY_REQUEST_TIMEOUT), str(response.url)
        )
        # The bytes are dropped, not decoded: a compressed body is never expanded.
        response.headers.pop("Content-Encoding", None)
