"""Where keys and values sit in a TOML document, for uv-style error excerpts.

`tomllib` parses but forgets positions, so this scanner walks a document that `tomllib` has
already accepted and records, for every key path, the span of the key and of its value (and of
the elements of one-line arrays). Paths use the parsed shape: `("index", 0, "url")` for the first
`[[index]]` table's `url`, `("preview-features", 1)` for an array element. A table header's
span is recorded under the table's path, as toml_edit reports a missing field at the header.
"""

from __future__ import annotations

from typing import NamedTuple

from policy._compat import tomllib

PathKey = tuple[str | int, ...]


class Span(NamedTuple):
    """A 1-based line and column and a length in characters (at least 1)."""

    line: int
    column: int
    length: int


class Spans(NamedTuple):
    """The spans of one document; `find` falls back to the nearest recorded ancestor."""

    keys: dict[PathKey, Span]
    values: dict[PathKey, Span]
    headers: dict[PathKey, Span]

    def key(self, path: PathKey) -> Span | None:
        """The span of the key at `path` (or of the nearest ancestor)."""
        return self._nearest(path, (self.keys, self.headers, self.values))

    def value(self, path: PathKey) -> Span | None:
        """The span of the value at `path` (or of the nearest ancestor)."""
        return self._nearest(path, (self.values, self.headers, self.keys))

    def header(self, path: PathKey) -> Span | None:
        """The span of the table header at `path` (or of the nearest ancestor)."""
        return self._nearest(path, (self.headers, self.values, self.keys))

    @staticmethod
    def _nearest(path: PathKey, tables: tuple[dict[PathKey, Span], ...]) -> Span | None:
        for end in range(len(path), 0, -1):
            for table in tables:
                span = table.get(path[:end])
                if span is not None:
                    return span
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.spans = Spans({}, {}, {})
        self.table: PathKey = ()
        self.array_counts: dict[PathKey, int] = {}

    def span(self, start: int, end: int) -> Span:
        line = _bisect(self.line_starts, start)
        line_end = self.text.find("\n", start)
        if line_end == -1:
            line_end = len(self.text)
        end = min(end, line_end) if line_end > start else end
        return Span(line + 1, start - self.line_starts[line] + 1, max(1, end - start))

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def skip_blank(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end == -1 else end
            else:
                return

    def key_parts(self) -> list[tuple[str, int, int]]:
        parts: list[tuple[str, int, int]] = []
        while True:
            self.skip_blank(newlines=False)
            start = self.pos
            char = self.peek()
            if char in ('"', "'"):
                self.string()
                raw = self.text[start + 1 : self.pos - 1]
                name = _unescape(raw) if char == '"' else raw
            else:
                while self.peek() and (self.peek().isalnum() or self.peek() in "-_"):
                    self.pos += 1
                name = self.text[start : self.pos]
            parts.append((name, start, self.pos))
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def string(self) -> None:
        quote = self.peek()
        if self.text.startswith(quote * 3, self.pos):
            end = self.text.find(quote * 3, self.pos + 3)
            while quote == '"' and end != -1 and _escaped(self.text, end):
                end = self.text.find(quote * 3, end + 1)
            end = len(self.text) if end == -1 else end + 3
            while end < len(self.text) and self.text[end] == quote:  # `""""` closes late
                end += 1
            self.pos = end
            return
        self.pos += 1
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote == '"' and char == "\\":
                self.pos += 2
                continue
            self.pos += 1
            if char == quote or char == "\n":
                return

    def value(self, path: PathKey) -> None:
        start = self.pos
        char = self.peek()
        if char in ('"', "'"):
            self.string()
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("]", ""):
                    self.pos += 1
                    break
                self.value((*path, index))
                index += 1
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
        elif char == "{":
            self.pos += 1
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("}", ""):
                    self.pos += 1
                    break
                self.key_value(path)
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
        else:
            while (
                self.peek()
                and self.peek() not in ",]}\n#"
                and not (self.peek() in " \t" and not _datetime_space(self.text, self.pos))
            ):
                self.pos += 1
        self.spans.values.setdefault(path, self.span(start, self.pos))

    def key_value(self, table: PathKey) -> None:
        parts = self.key_parts()
        path = table
        for name, start, end in parts:
            path = (*path, name)
            self.spans.keys.setdefault(path, self.span(start, end))
        self.skip_blank(newlines=False)
        if self.peek() == "=":
            self.pos += 1
        self.skip_blank(newlines=False)
        self.value(path)

    def header(self) -> None:
        start = self.pos
        double = self.text.startswith("[[", self.pos)
        self.pos += 2 if double else 1
        parts = self.key_parts()
        self.pos += 2 if double else 1
        path: PathKey = ()
        for number, (name, part_start, part_end) in enumerate(parts):
            path = (*path, name)
            self.spans.keys.setdefault(path, self.span(part_start, part_end))
            count = self.array_counts.get(path)
            if count is not None and (number < len(parts) - 1 or not double):
                path = (*path, count - 1)
        if double:
            count = self.array_counts.get(path, 0)
            self.array_counts[path] = count + 1
            path = (*path, count)
        self.spans.headers.setdefault(path, self.span(start, self.pos))
        self.table = path

    def run(self) -> Spans:
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.spans
            if self.peek() == "[":
                self.header()
            else:
                before = self.pos
                self.key_value(self.table)
                if self.pos == before:  # defensive: never loop on text we do not understand
                    self.pos += 1


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - 1 - backslashes >= 0 and text[index - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _datetime_space(text: str, index: int) -> bool:
    # `1979-05-27 07:32:00` is one value: a space between a date and a time.
    return (
        index >= 10
        and text[index - 3] == "-"
        and text[index + 1 : index + 2].isdigit()
        and text[index + 3 : index + 4] == ":"
    )


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    try:
        return str(tomllib.loads(f'k = "{raw}"')["k"])
    except tomllib.TOMLDecodeError:  # pragma: no cover - the document was valid
        return raw


def scan(text: str) -> Spans:
    """Record the spans of every key, value and table header of an already valid document."""
    return _Scanner(text).run()
