"""Redacted views of URLs, used by every message, log line, `repr` and JSON output.

Follows uv's `DisplaySafeUrl`: `user:****@` when a password is present, `****@` for a bare
username (it may be a token), `:****@` for a bare password.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit, urlunsplit

MASK = "****"


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    return parts


def _hostport(parts: SplitResult) -> str:
    netloc = parts.netloc
    return netloc.rpartition("@")[2] if "@" in netloc else netloc


def redact_url(url: str) -> str:
    """Return `url` with any password (or a bare username) replaced by `****`."""
    parts = _split(url)
    if parts is None:
        # Not parseable: hide everything between `//` and the last `@`, if any.
        head, sep, tail = url.partition("//")
        if sep and "@" in tail.split("/", 1)[0]:
            return f"{head}//{MASK}@{tail.split('@', 1)[1]}"
        return url
    if "@" not in parts.netloc:
        return url
    userinfo = parts.netloc.rpartition("@")[0]
    username, has_password, _ = userinfo.partition(":")
    if has_password and username:
        shown = f"{username}:{MASK}"
    elif has_password:
        shown = f":{MASK}"
    else:
        shown = MASK
    return urlunsplit(parts._replace(netloc=f"{shown}@{_hostport(parts)}"))


def strip_credentials(url: str) -> str:
    """Return `url` without any userinfo (`https://u:p@h/x` -> `https://h/x`)."""
    parts = _split(url)
    if parts is None or "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=_hostport(parts)))


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each non-empty secret in `text` with `****`.

    A last line of defence for text that did not come from us (a keyring's stderr, an
    exception message from a backend) before it reaches a warning or a log.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
