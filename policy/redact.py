"""The one place that masks secrets: URLs, free text, and lines of a TOML file.

Follows uv's `DisplaySafeUrl` for what is shown: `user:****@` when a password is present,
`****@` for a bare username (it may be a token), `:****@` for a bare password. Where the
userinfo ends, it is stricter than a URL parser, because a password may hold any character
(`/`, `]`, `"`, spaces, `@`, `://`):

- After `://`, the userinfo runs to the LAST `@` of the line (or of the multi-line TOML string
  the URL is written in). The username is what comes before the first `:`. A line that holds
  several URLs with credentials is masked from the first userinfo to the last `@`:
  over-masking is harmless, guessing a boundary inside a password is not.
- Without `://`, a word shaped like `user:password@` (no spaces, quotes or brackets) is masked.

Everything here is a handful of `str.find` scans per line: linear time whatever the input
(no regular expression, so no backtracking on a long value).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit, urlunsplit

MASK = "****"

# Characters that end a scheme-less `user:password@` word when scanning back from its `@`.
_WORD_END = frozenset(" \t\r\n\"'[]@")


def _secret_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) offsets of `text[start:end]` that hold a password or bare username.

    `text[start:end]` is one unit: a line, or a multi-line TOML string with its lines. An
    empty span stands for an empty password (`user:@host` still shows `user:****@`).
    """
    last_at = text.rfind("@", start, end)
    if last_at == -1:
        return []
    spans: list[tuple[int, int]] = []
    scheme = text.find("://", start, last_at)
    bare_end = last_at + 1 if scheme == -1 else scheme
    at = text.find("@", start, bare_end)
    while at != -1:
        word = at - 1
        while word >= start and text[word] not in _WORD_END:
            word -= 1
        colon = text.find(":", word + 1, at)
        if colon != -1 and colon + 1 < at:
            spans.append((colon + 1, at))
        at = text.find("@", at + 1, bare_end)
    if scheme != -1:
        info = scheme + 3
        colon = text.find(":", info, last_at)
        spans.append((colon + 1, last_at) if colon != -1 else (info, last_at))
    return spans


def _apply(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """`text[start:end]` with each span (clipped to it) replaced by `MASK`."""
    pieces: list[str] = []
    last = start
    for left, right in spans:
        if left == right and not start <= left <= end:
            continue
        if left != right and (right <= start or left >= end):
            continue
        left, right = max(left, start), min(right, end)
        pieces.append(text[last:left])
        pieces.append(MASK)
        last = right
    pieces.append(text[last:end])
    return "".join(pieces)


def _lines(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    while True:
        end = text.find("\n", start)
        if end == -1:
            yield start, len(text)
            return
        yield start, end
        start = end + 1


def mask_text(text: str) -> str:
    """`text` with the userinfo secrets of every URL masked, line by line."""
    if "@" not in text:
        return text
    return "\n".join(_apply(text, s, e, _secret_spans(text, s, e)) for s, e in _lines(text))


def redact_url(url: str) -> str:
    """Return `url` with any password (or a bare username) replaced by `****`."""
    return mask_text(url)


# --------------------------------------------------------------------------- TOML lines


def _multiline_strings(text: str) -> list[tuple[int, int]]:
    """(opening, closing) offsets of the `\"\"\"` and `'''` strings of a TOML text.

    A lenient scan (the text may be the broken file an error is about): comments and
    single-line strings are skipped so their quotes do not count; an unclosed multi-line
    string runs to the end of the text.
    """
    found: list[tuple[int, int]] = []
    size = len(text)
    i = 0
    while i < size:
        char = text[i]
        if char == "#":
            newline = text.find("\n", i)
            i = size if newline == -1 else newline + 1
        elif char in "\"'" and text.startswith(char * 3, i):
            close = text.find(char * 3, i + 3)
            while close != -1 and char == '"' and _escaped(text, close):
                close = text.find(char * 3, close + 1)
            close = size if close == -1 else close + 3
            found.append((i, close))
            i = close
        elif char in "\"'":
            i += 1
            while i < size and text[i] not in (char, "\n"):
                i += 2 if char == '"' and text[i] == "\\" else 1
            i += 1
        else:
            i += 1
    return found


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def mask_toml_line(text: str, number: int) -> tuple[str, list[tuple[int, int]]]:
    """Line `number` (1-based) of a TOML text, masked, and the masked spans within it.

    A line that is part of a multi-line string is masked together with the whole string, so
    a URL whose password continues on the next line never shows its first half. The spans
    are (start, end) offsets in the original line, each replaced by `MASK`.
    """
    if number < 1:
        return "", []
    line_start = 0
    for _ in range(number - 1):
        newline = text.find("\n", line_start)
        if newline == -1:
            return "", []
        line_start = newline + 1
    line_end = text.find("\n", line_start)
    line_end = len(text) if line_end == -1 else line_end
    unit_start, unit_end = line_start, line_end
    if "@" in text:
        for opening, closing in _multiline_strings(text):
            if opening < unit_end and closing > unit_start:
                unit_start = min(unit_start, text.rfind("\n", 0, opening) + 1)
                after = text.find("\n", closing)
                unit_end = max(unit_end, len(text) if after == -1 else after)
    line = text[line_start:line_end].rstrip("\r")
    line_end = line_start + len(line)
    spans = [
        (max(left, line_start) - line_start, min(right, line_end) - line_start)
        for left, right in _secret_spans(text, unit_start, unit_end)
        if (left == right and line_start <= left <= line_end)
        or (left != right and left < line_end and right > line_start)
    ]
    return _apply(line, 0, len(line), spans), spans


# --------------------------------------------------------------------------- plain URLs


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    return parts


def strip_credentials(url: str) -> str:
    """Return `url` without any userinfo (`https://u:p@h/x` -> `https://h/x`)."""
    parts = _split(url)
    if parts is None or "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each non-empty secret in `text` with `****`.

    A last line of defence for text that did not come from us (a keyring's stderr, an
    exception message from a backend) before it reaches a warning or a log.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


__all__ = [
    "MASK",
    "mask_text",
    "mask_toml_line",
    "redact_text",
    "redact_url",
    "strip_credentials",
]
