"""Downloads from an untrusted index: checked names, checked hashes, no silent replacement.

The page decides what a file is called, so the name is checked before anything is written:
it must be a wheel or sdist file name (the packaging specifications, parsed by `packaging`)
of the requested project, and plain text (no control characters, no path separators, at most
255 bytes). The body goes to a temporary file in the destination, bounded in size and time;
the hash is checked (the strongest of sha512, sha384 and sha256 the page offers, names
case-insensitive), and only then is the file renamed into place. An existing file with the
same content is "already there"; with different content it is an error unless `overwrite`.
A file whose page offers no usable hash is downloaded but reported as unverified
(`require_hashes` makes that an error).

A file of a local `find-links` directory (a `file:` URL) is copied the same way: it must be a
regular file (a FIFO or a device is refused, never waited on) within the size bound.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import httpx
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from policy import env as names
from policy._compat import StrEnum
from policy.errors import FetchError, PolicyError
from policy.fetch.limits import Deadline, Limits, bounded_body, exceeded
from policy.fetch.search import local_path
from policy.fetch.simple import ProjectFile, network_failure
from policy.fetch.untrusted import escape
from policy.redact import redact_url

MAX_NAME_BYTES = 255
STRONGEST_FIRST = ("sha512", "sha384", "sha256")
"""The hashes a download is checked with, strongest first; md5, sha1 and sha224 do not count."""


class Outcome(StrEnum):
    """What happened to one file."""

    DOWNLOADED = "downloaded"
    ALREADY_THERE = "already-there"
    REPLACED = "replaced"


@dataclass(frozen=True)
class Downloaded:
    """One file in the destination, and how it got there."""

    name: str
    path: Path
    outcome: Outcome
    size: int
    algorithm: str | None
    """The hash checked, or None: the page offered no usable hash (unverified)."""

    @property
    def verified(self) -> bool:
        return self.algorithm is not None


def _refuse(name: str, why: str) -> FetchError:
    return FetchError(f"Refusing to download a file named `{escape(name)}`: {why}")


def check_filename(filename: str, project: str) -> str:
    """The file name to write, or `FetchError` naming the rejected name (escaped).

    Path traversal is reduced to the last component first, as before; what is left must be a
    wheel or sdist file name of `project`.
    """
    name = filename.rsplit("/", 1)[-1]
    if not name:
        raise _refuse(filename, "it is empty")
    if not name.isprintable() or "\\" in name:
        raise _refuse(name, "it holds control characters or a path separator")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise _refuse(name, f"it is longer than {MAX_NAME_BYTES} bytes")
    if name.startswith("."):
        raise _refuse(name, "it is a hidden file name")
    try:
        if name.endswith(".whl"):
            found = parse_wheel_filename(name)[0]
        else:
            found = parse_sdist_filename(name)[0]
    except (InvalidWheelFilename, InvalidSdistFilename):
        raise _refuse(
            name, f"it is not a wheel or sdist file name of `{canonicalize_name(project)}`"
        ) from None
    if found != canonicalize_name(project):
        raise _refuse(name, f"it belongs to `{found}`, not `{canonicalize_name(project)}`")
    return name


def choose_hash(hashes: dict[str, str]) -> tuple[str, str] | None:
    """(algorithm, expected hex digest) of the strongest usable hash; names case-insensitive."""
    lowered = {key.lower(): value for key, value in hashes.items()}
    for algorithm in STRONGEST_FIRST:
        if lowered.get(algorithm):
            return algorithm, lowered[algorithm].strip().lower()
    return None


def _same_content(path: Path, temporary: Path) -> bool:
    """Whether an existing regular file (not a link) holds exactly the downloaded bytes."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size != temporary.stat().st_size:
        return False
    with path.open("rb") as old, temporary.open("rb") as new:
        while True:
            a, b = old.read(1 << 16), new.read(1 << 16)
            if a != b:
                return False
            if not a:
                return True


def _describe(path: Path) -> str:
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISREG(mode):
        return "a file with different content"
    return "something that is not a regular file"


def _place(temporary: Path, target: Path, *, overwrite: bool) -> Outcome:
    """Move the checked temporary file to `target`; never replace silently."""
    if _same_content(target, temporary):
        temporary.unlink()
        return Outcome.ALREADY_THERE
    try:
        # A hard link fails if the name exists, so nothing appears in between unnoticed.
        os.link(temporary, target)
        temporary.unlink()
        return Outcome.DOWNLOADED
    except FileExistsError:
        pass
    except OSError:
        if not os.path.lexists(target):
            os.replace(temporary, target)  # a file system without hard links
            return Outcome.DOWNLOADED
    what = _describe(target)
    if not overwrite or what == "a directory":
        hint = "" if what == "a directory" else "; pass --overwrite to replace it"
        raise FetchError(f"`{target}` already exists and is {what}{hint}")
    os.replace(temporary, target)
    return Outcome.REPLACED


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


Body = tuple[int, Iterator[bytes]]
"""The announced size of a file (0 when unknown) and its content in chunks."""

_CHUNK = 64 * 1024


@contextmanager
def _body(
    client: httpx.Client, url: str, name: str, bounds: Limits, deadline: Deadline
) -> Iterator[Body]:
    """The content of `url`, bounded: a local `file:` path, or the index's response."""
    path = local_path(url)
    if path is not None:
        with _local_file(path, url, name, bounds) as body:
            yield body
        return
    with client.stream("GET", url) as response:
        if not response.is_success:
            raise FetchError(
                f"Failed to download {redact_url(url)}: {response.status_code} "
                f"{escape(response.reason_phrase)}",
                status=response.status_code,
                url=redact_url(url),
            )
        total = int(response.headers.get("Content-Length", "0") or 0)
        yield (
            total,
            bounded_body(
                response,
                wire_limit=bounds.download_bytes,
                wire_variable=names.KEYRING_POLICY_MAX_DOWNLOAD_BYTES,
                body_limit=bounds.download_bytes,
                body_variable=names.KEYRING_POLICY_MAX_DOWNLOAD_BYTES,
                deadline=deadline,
                what=f"Download of `{name}`",
            ),
        )


@contextmanager
def _local_file(path: Path, url: str, name: str, bounds: Limits) -> Iterator[Body]:
    """A regular file of a local `find-links` directory, opened without waiting on a FIFO."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise FetchError(
            f"Cannot read `{path}`: {error.strerror or type(error).__name__}", url=redact_url(url)
        ) from None
    with os.fdopen(descriptor, "rb") as handle:
        found = os.fstat(handle.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise FetchError(f"Cannot read `{path}`: not a regular file", url=redact_url(url))
        if found.st_size > bounds.download_bytes:
            raise exceeded(
                f"Download of `{name}`",
                url,
                _human(bounds.download_bytes),
                names.KEYRING_POLICY_MAX_DOWNLOAD_BYTES,
            )
        yield found.st_size, _read_at_most(handle, found.st_size)


def _read_at_most(handle: BinaryIO, size: int) -> Iterator[bytes]:
    """At most `size` bytes in chunks: a file that grows while it is read gets no further."""
    while size > 0:
        chunk = handle.read(min(_CHUNK, size))
        if not chunk:
            return
        size -= len(chunk)
        yield chunk


def download(
    client: httpx.Client,
    file: ProjectFile,
    dest: Path,
    progress: TextIO | None = None,
    *,
    project: str,
    limits: Limits | None = None,
    overwrite: bool = False,
    require_hashes: bool = False,
) -> Downloaded:
    """Download `file` into `dest`: checked name, temporary file, hash check, then rename."""
    out = sys.stderr if progress is None else progress
    bounds = Limits() if limits is None else limits
    name = check_filename(file.filename, project)
    chosen = choose_hash(file.hashes)
    if chosen is None and require_hashes:
        raise FetchError(
            f"`{name}` has no sha256, sha384 or sha512 hash on the index page, and "
            "--require-hashes is set"
        )
    try:
        dest.mkdir(parents=True, exist_ok=True)
        descriptor, temporary_name = tempfile.mkstemp(
            prefix=".keyring-policy-", suffix=".part", dir=dest
        )
    except OSError as error:
        raise FetchError(
            f"Cannot write to the destination `{dest}`: {error.strerror or type(error).__name__}"
        ) from None
    temporary = Path(temporary_name)
    digest = hashlib.new(chosen[0]) if chosen else None
    interactive = out.isatty()
    done = 0
    deadline = Deadline(bounds.download_seconds, names.KEYRING_POLICY_DOWNLOAD_TIMEOUT)
    try:
        with (
            os.fdopen(descriptor, "wb") as sink,
            _body(client, file.url, name, bounds, deadline) as (total, chunks),
        ):
            for chunk in chunks:
                sink.write(chunk)
                done += len(chunk)
                if digest is not None:
                    digest.update(chunk)
                if interactive:
                    of = f"/{_human(total)}" if total else ""
                    out.write(f"\rDownloading {name}: {_human(done)}{of}")
                    out.flush()
        if digest is not None and chosen is not None and digest.hexdigest() != chosen[1]:
            raise FetchError(f"Hash mismatch for {redact_url(file.url)} ({chosen[0]})")
        outcome = _place(temporary, dest / name, overwrite=overwrite)
    except PolicyError:
        temporary.unlink(missing_ok=True)
        raise  # ours, even when raised through httpx as an `httpx.HTTPError` too
    except httpx.HTTPError as error:
        temporary.unlink(missing_ok=True)
        raise network_failure(file.url, error) from error
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise FetchError(
            f"Cannot write `{dest / name}`: {error.strerror or type(error).__name__}"
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    verb = {
        Outcome.DOWNLOADED: "Downloaded",
        Outcome.ALREADY_THERE: "Already there:",
        Outcome.REPLACED: "Replaced",
    }[outcome]
    note = "" if chosen else ", unverified: no sha256/sha384/sha512 hash on the page"
    out.write(("\r" if interactive else "") + f"{verb} {name} ({_human(done)}{note})\n")
    out.flush()
    return Downloaded(name, dest / name, outcome, done, chosen[0] if chosen else None)


def download_all(
    client: httpx.Client,
    files: Iterable[ProjectFile],
    dest: Path,
    progress: TextIO | None = None,
    *,
    project: str,
    limits: Limits | None = None,
    overwrite: bool = False,
    require_hashes: bool = False,
) -> list[Downloaded]:
    """Download each file in turn; two files of one name never overwrite each other."""
    results: list[Downloaded] = []
    written: set[str] = set()
    for file in files:
        result = download(
            client,
            file,
            dest,
            progress,
            project=project,
            limits=limits,
            # A name written in this run is never replaced by another file of the page.
            overwrite=overwrite and check_filename(file.filename, project) not in written,
            require_hashes=require_hashes,
        )
        written.add(result.name)
        results.append(result)
    return results


__all__ = [
    "STRONGEST_FIRST",
    "Downloaded",
    "Outcome",
    "check_filename",
    "choose_hash",
    "download",
    "download_all",
]
