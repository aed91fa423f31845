"""Spans of keys, values and headers in valid TOML documents."""

from __future__ import annotations

from policy.redact import mask_text
from policy.settings.toml_errors import render_excerpt
from policy.settings.toml_spans import Span, scan

DOC = '''# leading comment
keyring-provider = "subprocess"   # trailing comment
"quoted.key" = 1
extra-index-url = [
  "https://a.example/]#",  # a bracket and a hash inside a string
  'https://b.example/',
]
note = """
[[index]]
not a header
"""
when = 1979-05-27 07:32:00
inline = { api = "x", files = ["y"] }

[[tool.uv.index]]
name = "first"

[[tool.uv.index]]
name = "second"
[tool.uv.index.cache-control]
api = "max-age=1"

[pip]
a.b = true
'''


def test_keys_and_values() -> None:
    spans = scan(DOC)
    assert spans.key(("keyring-provider",)) == Span(2, 1, 16)
    assert spans.value(("keyring-provider",)) == Span(2, 20, 12)
    assert spans.key(("quoted.key",)) == Span(3, 1, 12)
    assert spans.value(("extra-index-url", 0)) == Span(5, 3, 22)
    assert spans.value(("extra-index-url", 1)) == Span(6, 3, 20)
    assert spans.value(("when",)) == Span(12, 8, 19)
    assert spans.value(("inline", "files", 0)) == Span(13, 32, 3)


def test_multiline_string_is_not_a_header() -> None:
    spans = scan(DOC)
    assert ("index", 0) not in spans.headers
    assert spans.key(("note",)) == Span(8, 1, 4)


def test_array_tables_count_and_subtables() -> None:
    spans = scan(DOC)
    assert spans.header(("tool", "uv", "index", 0)) == Span(15, 1, 17)
    assert spans.value(("tool", "uv", "index", 1, "name")) == Span(19, 8, 8)
    assert spans.key(("tool", "uv", "index", 1, "cache-control", "api")) == Span(21, 1, 3)
    assert spans.key(("pip", "a", "b")) == Span(24, 3, 1)


def test_missing_paths_fall_back_to_the_nearest_ancestor() -> None:
    spans = scan(DOC)
    assert spans.value(("tool", "uv", "index", 1, "url")) == spans.header(
        ("tool", "uv", "index", 1)
    )
    assert spans.value(("nothing",)) is None


def test_excerpt_masks_and_keeps_the_caret_under_the_value() -> None:
    line = 'url = "https://alice:pw123@x.example/"'
    text = render_excerpt(line + "\n", Span(1, 7, 32), "bad")
    assert "pw123" not in text
    assert text.splitlines()[2] == '1 | url = "https://alice:****@x.example/"'
    assert text.splitlines()[3] == "  |       " + "^" * 31


def test_mask_secrets_forms() -> None:
    assert mask_text("https://tok@h/") == "https://****@h/"
    assert mask_text("https://:pw@h/") == "https://:****@h/"
    assert mask_text('http"s://u:pw@h') == 'http"s://u:****@h'
    assert mask_text("no secrets here: a@b") == "no secrets here: a@b"
