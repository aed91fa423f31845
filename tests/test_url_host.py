"""The `url` crate's host check (uv's "invalid international domain name"), unit level.

The table was read off uv 0.13.9 (`uv pip compile --index URL`); the integration twin in
tests/integration/test_uv_errors_agree.py runs uv itself on the same values.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.errors import ConfigError
from policy.settings.models import Overrides
from policy.settings.origins import load_settings
from policy.settings.url_host import INVALID_DOMAIN, INVALID_IPV4, host_error

PASSWORD = "Hunter2-s3cret-pw"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://<domain>-<account>.d.codeartifact.<region>.amazonaws.com/", INVALID_DOMAIN),
        ("https://a%3Cb.example/", INVALID_DOMAIN),
        ("https://a%2Fb.example/", INVALID_DOMAIN),
        ("https://ex%00.example/", INVALID_DOMAIN),
        ("https://xn--zz.example/", INVALID_DOMAIN),
        ("https://a^b.example/", INVALID_DOMAIN),
        ("file://<x>/tmp", INVALID_DOMAIN),
        ("https://1.2.3.256/", INVALID_IPV4),
        ("https://a.1/", INVALID_IPV4),
        ("https://-a_b.example/", None),
        ("https://caf\u00e9.example/", None),
        ("https://xn--caf-dma.example/", None),
        ("https://a..b/", None),
        ("https://0x7f.1/", None),
        ("http://[::1]:8080/simple/", None),
        (f"https://alice:{PASSWORD}@pkgs.example.com:8443/simple/", None),
        ("file:///tmp/wheels", None),
        ("s3://<bucket>/simple/", None),  # not a special scheme: no host check
    ],
)
def test_host_error(url: str, expected: str | None) -> None:
    assert host_error(url) == expected


@given(st.lists(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True), min_size=1))
def test_dns_names_are_accepted(labels: list[str]) -> None:
    domain = ".".join([*labels, "example"])
    assert host_error(f"https://{domain}/simple/") is None


@pytest.mark.parametrize("file", ["uv.toml", "pyproject.toml"])
def test_the_error_never_shows_the_password(tmp_path: Path, file: str) -> None:
    body = f'index-url = "https://alice:{PASSWORD}@pkgs.<company>.example/simple/"\n'
    if file == "pyproject.toml":
        body = '[project]\nname = "d"\nversion = "0"\n[tool.uv]\n' + body
    (tmp_path / file).write_text(body)
    env = {"HOME": str(tmp_path / "home"), "UV_NO_SYSTEM_CONFIG": "1"}
    if file == "uv.toml":
        with pytest.raises(ConfigError) as raised:
            load_settings(Overrides(), env, tmp_path)
        text = str(raised.value)
    else:
        text = "\n".join(load_settings(Overrides(), env, tmp_path).warnings)
    assert INVALID_DOMAIN in text and "alice:****@" in text
    assert PASSWORD not in text


def test_a_flag_error_never_shows_the_password(tmp_path: Path) -> None:
    url = f"https://alice:{PASSWORD}@<host>/simple/"
    with pytest.raises(ConfigError) as raised:
        load_settings(Overrides(no_config=True, index=(url,)), {}, tmp_path)
    assert str(raised.value).startswith("invalid value 'https://alice:****@<host>/simple/'")
    assert PASSWORD not in str(raised.value)
