"""Text from an index, made safe to print: control characters escaped.

A file name, a reason phrase or a header value comes from the server; printed as it is, a
newline forges an extra output line and an ANSI escape rewrites the terminal. `escape` shows
every character that is not printable (and the backslash itself, so the result is
unambiguous) as a Python escape: `\\n`, `\\x1b`, `\\u2028`.
"""

from __future__ import annotations


def _escape_char(char: str) -> str:
    if char == "\\":
        return "\\\\"
    if char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")


def escape(text: str) -> str:
    """`text` with every non-printable character (and `\\`) escaped; printable text unchanged."""
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(_escape_char(char) for char in text)
