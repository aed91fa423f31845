"""The cross-process negative cache: keyring misses remembered for a short time.

pip's subprocess provider starts one `keyring` process per lookup and forgets every answer, so
an index with nothing stored is asked again for every project. This cache lets the next process
answer "not found" without asking the backend. It holds nothing but, per (service, username),
a SHA-256 of the pair and an expiry time: never a password or anything derived from one. One
small JSON file in the user's cache directory, written atomically (temporary file + rename,
mode 0600) and read with a size cap; a file that is missing, too large or unreadable is an
empty cache (it is only a shortcut, never the truth).

Two processes writing at the same moment may lose one of their entries: the cost is one more
backend call later, never a wrong answer, so no lock is taken.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from policy.env import DEFAULT_MISS_TTL, HOME, KEYRING_POLICY_MISS_TTL, XDG_CACHE_HOME

log = logging.getLogger("policy.keyring_backend")

FILE_NAME = "keyring-misses.json"
MAX_BYTES = 256 * 1024
"""Read at most this much; a larger file is ignored (and replaced by the next write)."""
MAX_ENTRIES = 2048
"""Kept after pruning, the latest expiries first: the file stays well under `MAX_BYTES`."""
_KEY_PREFIX = b"keyring-policy miss v1\0"
_NO_USERNAME = b"\1"  # `get_credential(service, None)` is a different question from any user


def cache_dir(env: Mapping[str, str]) -> Path | None:
    """`$XDG_CACHE_HOME/keyring-policy`, else `~/.cache/keyring-policy`; None without a home.

    The XDG rule on every platform, as uv uses it for its own cache on Unix.
    """
    root = env.get(XDG_CACHE_HOME, "").strip()
    if root and os.path.isabs(root):
        return Path(root, "keyring-policy")
    home = env.get(HOME, "").strip()
    if not home:
        return None
    return Path(home, ".cache", "keyring-policy")


def miss_ttl(env: Mapping[str, str]) -> tuple[float, str | None]:
    """The TTL from `KEYRING_POLICY_MISS_TTL` and, for a bad value, the warning to give once.

    The plugin runs inside other people's installers: a bad value falls back to the default
    with a warning instead of failing their command.
    """
    raw = env.get(KEYRING_POLICY_MISS_TTL, "").strip()
    if not raw:
        return DEFAULT_MISS_TTL, None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        return DEFAULT_MISS_TTL, (
            f"ignoring `{KEYRING_POLICY_MISS_TTL}={raw[:40]}`: expected a number of seconds "
            f"(0 turns the cache off); using {DEFAULT_MISS_TTL:g}"
        )
    return value, None


def miss_key(service: str, username: str | None) -> str:
    """The hex SHA-256 naming one (service, username) in the file."""
    # hashlib, json and tempfile are imported on first use: keyring imports this module in
    # every program that uses keyring, and most never ask this backend anything.
    import hashlib

    digest = hashlib.sha256(_KEY_PREFIX)
    digest.update(service.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(
        _NO_USERNAME if username is None else b"u" + username.encode("utf-8", "surrogatepass")
    )
    return digest.hexdigest()


class MissCache:
    """Misses by (service, username), shared through one file; `ttl` 0 turns it off."""

    def __init__(
        self, directory: Path | None, ttl: float, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._path = None if directory is None or ttl <= 0 else directory / FILE_NAME
        self._ttl = ttl
        self._clock = clock  # wall time: the only clock two processes share

    @property
    def path(self) -> Path | None:
        """The file, or None when the cache is off."""
        return self._path

    def holds(self, service: str, username: str | None) -> bool:
        """Whether a miss for (service, username) was remembered and has not expired."""
        if self._path is None:
            return False
        expiry = self._read().get(miss_key(service, username))
        now = self._clock()
        # An expiry further away than one TTL comes from a clock that went back: ignore it.
        return expiry is not None and now < expiry <= now + self._ttl

    def remember(self, service: str, username: str | None) -> None:
        """Remember a miss for one TTL."""
        if self._path is not None:
            self._update(miss_key(service, username), self._clock() + self._ttl)

    def forget(self, service: str, username: str | None) -> None:
        """Drop a remembered miss (a password was just stored for it)."""
        if self._path is not None and miss_key(service, username) in self._read():
            self._update(miss_key(service, username), None)

    def _read(self) -> dict[str, float]:
        import json

        assert self._path is not None  # callers check
        try:
            # Non-blocking and regular files only: a FIFO or device planted at the path must
            # not hang every program that asks the keyring.
            fd = os.open(self._path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    return {}
                raw = file.read(MAX_BYTES + 1)
        except OSError:
            return {}
        if len(raw) > MAX_BYTES:
            log.debug(
                "ignoring the keyring miss cache %s: larger than %d bytes", self._path, MAX_BYTES
            )
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            return {}
        misses = data.get("misses") if isinstance(data, dict) else None
        if not isinstance(misses, dict):
            return {}
        return {
            key: float(expiry)
            for key, expiry in misses.items()
            if isinstance(key, str) and len(key) == 64 and isinstance(expiry, (int, float))
        }

    def _update(self, key: str, expiry: float | None) -> None:
        import json

        assert self._path is not None  # callers check
        now = self._clock()
        entries = {k: v for k, v in self._read().items() if now < v <= now + self._ttl}
        if expiry is None:
            entries.pop(key, None)
        else:
            entries[key] = expiry
        kept = dict(sorted(entries.items(), key=lambda item: -item[1])[:MAX_ENTRIES])
        try:
            self._write(json.dumps({"version": 1, "misses": kept}, separators=(",", ":")))
        except OSError as error:
            # A read-only or full cache directory costs a backend call later, nothing else.
            log.debug("could not write the keyring miss cache %s: %s", self._path, error)

    def _write(self, text: str) -> None:
        import tempfile

        assert self._path is not None  # callers check
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkstemp creates the file with mode 0600 in the same directory, so the rename is atomic.
        fd, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".misses-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, self._path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


__all__ = ["FILE_NAME", "MAX_BYTES", "MissCache", "cache_dir", "miss_key", "miss_ttl"]
