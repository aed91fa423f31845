"""uv-style configuration error text: the TOML excerpt with a caret, and the wrappers around it.

    Failed to parse: uv.toml
      cause: TOML parse error at line 1, column 20
               |
             1 | keyring-provider = "bogus"
               |                    ^^^^^^^
             unknown variant `bogus`, expected one of `disabled`, `subprocess`, `native`

The excerpt never shows a secret: credentials inside URLs on the offending line, and in the
message, are masked (by `policy.redact`) before they are printed.
"""

from __future__ import annotations

import re

from policy.errors import ConfigError
from policy.redact import MASK, mask_text, mask_toml_line
from policy.settings.toml_spans import Span

_TOMLLIB_POSITION = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOMLLIB_END = re.compile(r"^(?P<message>.*) \(at end of document\)$")


def _moves(spans: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Per masked span, (old start, old end, new start, new end) on the line."""
    moves = []
    shift = 0
    for start, end in spans:
        moves.append((start, end, start + shift, start + shift + len(MASK)))
        shift += len(MASK) - (end - start)
    return moves


def _moved(position: int, moves: list[tuple[int, int, int, int]]) -> int:
    shift = 0
    for old_start, old_end, new_start, new_end in moves:
        if position < old_start:
            break
        if position < old_end:
            return min(new_start + position - old_start, new_end)
        shift = new_end - old_end
    return position + shift


def render_excerpt(text: str, span: Span, message: str) -> str:
    """toml_edit's error layout: position, the offending line, a caret under the span."""
    masked, spans = mask_toml_line(text, span.line)
    moves = _moves(spans)
    start = _moved(span.column - 1, moves)
    end = _moved(span.column - 1 + span.length, moves)
    gutter = " " * len(str(span.line))
    # toml_edit's caret is as wide as the span's UTF-8 bytes (`"café"` gets 7 carets).
    caret = "^" * max(1, len(masked[start:end].encode("utf-8")))
    return (
        f"TOML parse error at line {span.line}, column {span.column}\n"
        f"{gutter} |\n"
        f"{span.line} | {masked}\n"
        f"{gutter} | {' ' * start}{caret}\n"
        f"{mask_text(message)}"
    )


def syntax_error(text: str, error: Exception) -> str:
    """The excerpt for a `tomllib` syntax error, using its line and column."""
    message = str(error)
    match = _TOMLLIB_POSITION.match(message)
    if match:
        span = Span(int(match["line"]), int(match["col"]), 1)
        span, wording = _toml_edit_wording(match["message"], text, span)
        return render_excerpt(text, span, wording)
    end = _TOMLLIB_END.match(message)
    lines = text.split("\n")
    last = len(lines)
    while last > 1 and not lines[last - 1].strip():
        last -= 1
    final = lines[last - 1].rstrip("\r")
    span = Span(last, len(final) + 1, 1)
    wording = end["message"] if end else message
    if wording == 'Expected "\'"':
        wording = "invalid literal string, expected `'`"
    elif wording == "Invalid value" and final.count("[") > final.count("]"):
        wording = "unclosed array, expected `]`"
    return render_excerpt(text, span, wording)


_SAME_PLACE = {
    "Expected ']' at the end of a table declaration": "unclosed table, expected `]`",
    "Expected ']]' at the end of an array declaration": "unclosed table, expected `]]`",
    "Unclosed inline table": "unclosed inline table, expected `}`",
    "Expected '=' after a key in a key/value pair": "key with no value, expected `=`",
}


def _toml_edit_wording(message: str, text: str, span: Span) -> tuple[Span, str]:
    # uv's TOML parser (toml_edit) words the common mistakes differently from tomllib, and
    # points at the key for duplicates; follow it where the cause is unambiguous.
    line = text.split("\n")[span.line - 1]
    indent = len(line) - len(line.lstrip())
    if message in _SAME_PLACE:
        return span, _SAME_PLACE[message]
    if message == "Illegal character '\\n'" and line[: span.column - 1].count('"') % 2 == 1:
        return span, 'invalid basic string, expected `"`'
    if message == "Cannot overwrite a value":
        key = line[indent:].split("=", 1)[0].rstrip()
        return Span(span.line, indent + 1, max(1, len(key))), "duplicate key"
    if message.startswith("Cannot declare (") and message.endswith(") twice"):
        inner = line.lstrip().lstrip("[")
        brackets = len(line.lstrip()) - len(inner)
        key = inner.split("]", 1)[0].strip()
        start = indent + brackets + len(inner) - len(inner.lstrip())
        return Span(span.line, start + 1, max(1, len(key))), "duplicate key"
    if message == "Invalid statement" and line[span.column - 1 : span.column] == "=":
        return span, "unquoted keys cannot be empty, expected letters, numbers, `-`, `_`"
    if message == "Invalid value" and line[span.column - 1 : span.column] == "=":
        return span, "extra `=`, expected nothing"
    return span, message


def indent(text: str, prefix: str) -> str:
    """Indent every line but the first by `prefix`'s width; empty lines stay empty."""
    first, *rest = text.split("\n")
    pad = " " * len(prefix)
    return "\n".join([prefix + first, *[(pad + line) if line else line for line in rest]])


def file_error(display_path: str, cause: str) -> ConfigError:
    """`Failed to parse: PATH` with the indented cause (uv's hard error for a uv.toml file)."""
    return ConfigError(f"Failed to parse: {display_path}\n{indent(cause, '  cause: ')}")


def discovery_warning(display_path: str, cause: str) -> str:
    """uv's warning for a `pyproject.toml` that is skipped during discovery."""
    body = "\n".join(("  " + line) if line else line for line in cause.split("\n"))
    return f"Failed to parse `{display_path}` during settings discovery:\n{body}"
