"""`policy.redact`: the one masker, for URLs, free text and lines of a TOML file."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from policy.redact import MASK, mask_text, mask_toml_line, redact_text, redact_url
from policy.settings.toml_errors import render_excerpt
from policy.settings.toml_spans import Span

HOST = "pkgs.example.com/simple/"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # uv's DisplaySafeUrl forms
        ("https://alice:pw123@h.example/simple/", "https://alice:****@h.example/simple/"),
        ("https://tok-en1234@h.example/", "https://****@h.example/"),
        ("https://:pw123@h.example/", "https://:****@h.example/"),
        ("https://alice:@h.example/", "https://alice:****@h.example/"),
        ("https://h.example/simple/", "https://h.example/simple/"),
        ("http://[::1]:3141/root/", "http://[::1]:3141/root/"),
        # `@` in the password: split at the LAST `@`
        ("https://user:p@ss@host/simple/", "https://user:****@host/simple/"),
        ("https://user:a@b@c@host/", "https://user:****@host/"),
        # `@` in the username (an e-mail address), with and without a password
        ("https://me@corp.example:pw99@host/", "https://me@corp.example:****@host/"),
        ("https://me@corp.example@host/", "https://****@host/"),
        # every URL-special character in the password
        ("https://u:p/ss/wd@host/x", "https://u:****@host/x"),
        ("https://u:0000/@host/", "https://u:****@host/"),
        ("https://u:p?q#r@host/", "https://u:****@host/"),
        ("https://u:p]x[y@host/", "https://u:****@host/"),
        ('https://u:p"q"r@host/', "https://u:****@host/"),
        ("https://u:p a s s@host/", "https://u:****@host/"),
        ("https://u:p:a:s:s@host/", "https://u:****@host/"),
        ("https://u:a://b@host/", "https://u:****@host/"),
        ("https://u:%40%2F@host/", "https://u:****@host/"),
        # no scheme: a `user:password@` word is still masked, a bare name is not a URL
        ("u:pw12@host/simple", "u:****@host/simple"),
        ("alice@https://h.example/simple/", "alice@https://h.example/simple/"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("no secrets here: a@b", "no secrets here: a@b"),
        ('http"s://u:pw@h', 'http"s://u:****@h'),
        (
            "invalid value 'http://u:hunter2@h:99999/' for '--index-url <INDEX_URL>'",
            "invalid value 'http://u:****@h:99999/' for '--index-url <INDEX_URL>'",
        ),
        # one line per unit: a URL on the next line is masked on its own
        (
            "first https://a:x1@h/\nsecond https://b:y2@h/",
            "first https://a:****@h/\nsecond https://b:****@h/",
        ),
        # two URLs with credentials on one line: over-masked, never a half password
        (
            '["https://a:x1@h1/", "https://b:y2@h2/"]',
            '["https://a:****@h2/"]',
        ),
        ('["https://h1/", "u:pw@h2"]', '["https://h1/", "u:****@h2"]'),
    ],
)
def test_mask_text(text: str, shown: str) -> None:
    assert mask_text(text) == shown


@pytest.mark.parametrize(
    ("text", "number", "shown"),
    [
        ('url = "https://alice:pw123@x.example/"', 1, 'url = "https://alice:****@x.example/"'),
        # an unescaped quote in the password breaks the line; still masked
        ('url = "https://u:pa"ss@h/simple"', 1, 'url = "https://u:****@h/simple"'),
        ("url = 'https://u:pa ss]@h/simple'", 1, "url = 'https://u:****@h/simple'"),
        # the URL continues in a multi-line string: neither half of the password shows
        ('url = """https://user:pass\\\nword@host/simple"""', 1, 'url = """https://user:****'),
        ('url = """https://user:pass\\\nword@host/simple"""', 2, '****@host/simple"""'),
        ("url = '''https://tok\nen@host/simple'''", 1, "url = '''https://****"),
        ("url = '''https://tok\nen@host/simple'''", 2, "****@host/simple'''"),
        # other lines of the file do not join a single-line string
        ('a = "https://h/"\nb = "x@y"', 1, 'a = "https://h/"'),
        ('# a comment with """\nurl = "https://u:pw12@h/"', 2, 'url = "https://u:****@h/"'),
        ("x = 1", 5, ""),
    ],
)
def test_mask_toml_line(text: str, number: int, shown: str) -> None:
    assert mask_toml_line(text, number)[0] == shown


def test_excerpt_of_a_multi_line_string_never_shows_the_password() -> None:
    text = 'index-url = """https://alice:sec\\\nret-pw@h.example/simple"""\n'
    excerpt = render_excerpt(text, Span(1, 13, 3), "invalid index URL")
    assert "sec" not in excerpt
    assert "alice:****" in excerpt


def test_long_values_are_masked_correctly() -> None:
    # A 40 kB value with one `:` and no `@` (the input that made the old regex quadratic),
    # and long userinfo: correctness only, no clock.
    long = "https://h.example/" + "a" * 40_000 + ":" + "b" * 40_000
    assert mask_text(long) == long
    assert mask_toml_line(f'url = "{long}"', 1)[0] == f'url = "{long}"'
    secret = "p" * 40_000
    assert redact_url(f"https://u:{secret}@h/") == "https://u:****@h/"
    assert mask_text("x:" + "y" * 40_000 + "@h") == "x:****@h"
    assert mask_text("@" * 40_000) == "@" * 40_000


def test_redact_text_replaces_longest_secrets_first() -> None:
    assert redact_text("token abcdef and abc", ["abc", "abcdef", ""]) == "token **** and ****"


# ------------------------------------------------------------------ properties

# Printable text, the URL-special characters and spaces included; no `*` (so a match of the
# password in the output cannot be made of the mask itself) and no newline (one TOML line).
_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="*\n\r"
) | st.sampled_from("@:/][\"' ?#%")
usernames = st.text(_CHARS, max_size=12)
passwords = st.text(_CHARS, min_size=4, max_size=20)


def _never_shown(template: str, username: str, password: str, masked: str) -> None:
    """The password never appears, when it is not already part of the rest of the text.

    Every unmasked piece of the output is a piece of the text with the password removed, so
    if the password is not in that text, it can only appear in the output by leaking.
    """
    rest = template.format(username=username, password="")
    assume(password not in rest)
    assert password not in masked
    assert MASK in masked


@given(usernames, passwords)
@example("alice", "p@ss@word")
@example("me@corp", "0000/")
@example("u", 'a"b]c d')
def test_a_password_in_a_url_is_never_shown(username: str, password: str) -> None:
    template = "https://{username}:{password}@" + HOST
    url = template.format(username=username, password=password)
    _never_shown(template, username, password, redact_url(url))
    _never_shown(template, username, password, mask_text(f"error: {url} failed"))


@given(usernames, passwords, st.sampled_from(['"', "'", '"""', "'''"]))
@example("alice", 'pa"ss', '"')
@example("alice", "p]a ss", "'")
@example("", "erro", '"')
def test_a_password_in_a_toml_line_is_never_shown(username: str, password: str, quote: str) -> None:
    template = f"url = {quote}https://{{username}}:{{password}}@{HOST}{quote}  # note"
    line = template.format(username=username, password=password)
    _never_shown(template, username, password, mask_toml_line(line, 1)[0])
    # The excerpt's own frame ("TOML parse error ...", carets) is not the password's text:
    # check the quoted source line, which is what could leak.
    shown = render_excerpt(line, Span(1, 7, 5), "bad").splitlines()[2]
    _never_shown("1 | " + template, username, password, shown)


@given(usernames, passwords, st.integers(min_value=1, max_value=19))
def test_a_password_split_over_a_multi_line_string_is_never_shown(
    username: str, password: str, cut: int
) -> None:
    assume(cut < len(password))
    head, tail = password[:cut], password[cut:]
    text = f'url = """https://{username}:{head}\\\n{tail}@{HOST}"""\n'
    rest = text.replace(head, "").replace(tail, "")
    shown = mask_toml_line(text, 1)[0] + "\n" + mask_toml_line(text, 2)[0]
    for part in (head, tail):
        if len(part) >= 4 and part not in rest and part not in username:
            assert part not in shown
