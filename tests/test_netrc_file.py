"""netrc: file discovery from the env mapping, host and `default` matching, username filter."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from policy.credentials.netrc_file import NetrcSource, netrc_path
from policy.provenance import CredentialSource

SECRET = "netrc-S3cret"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_home_netrc_host_match_then_default(tmp_path: Path) -> None:
    _write(
        tmp_path / ".netrc",
        f"machine pkgs.example.com login alice password {SECRET}\n"
        "default login anon password anonpw\n",
    )
    source = NetrcSource({"HOME": str(tmp_path)})
    found = source.get("https://pkgs.example.com:8443/simple/x/")
    assert found is not None
    assert (found.username, found.password_value, found.source) == (
        "alice",
        SECRET,
        CredentialSource.NETRC,
    )
    other = source.get("https://other.example.com/simple/")
    assert other is not None
    assert other.username == "anon"


def test_username_filter(tmp_path: Path) -> None:
    _write(tmp_path / ".netrc", f"machine h.example login alice password {SECRET}\n")
    source = NetrcSource({"HOME": str(tmp_path)})
    assert source.get("https://h.example/", "alice") is not None
    assert source.get("https://h.example/", "bob") is None


def test_netrc_variable_wins_and_falls_through_when_missing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _write(home / ".netrc", "machine h.example login home password homepw\n")
    explicit = _write(tmp_path / "explicit", "machine h.example login env password envpw\n")
    assert netrc_path({"HOME": str(home), "NETRC": str(explicit)}) == explicit
    assert netrc_path({"HOME": str(home), "NETRC": str(tmp_path / "nope")}) == home / ".netrc"
    assert netrc_path({"HOME": str(home), "NETRC": "~/.netrc"}) == home / ".netrc"
    assert netrc_path({}) is None
    found = NetrcSource({"HOME": str(home), "NETRC": str(explicit)}).get("https://h.example/")
    assert found is not None
    assert found.username == "env"


def test_loaded_once_per_instance(tmp_path: Path) -> None:
    path = _write(tmp_path / ".netrc", "machine h.example login a password one\n")
    source = NetrcSource({"HOME": str(tmp_path)})
    assert source.get("https://h.example/") is not None
    path.unlink()
    assert source.get("https://h.example/") is not None


def test_broken_file_warns_once_without_its_contents(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write(
        tmp_path / ".netrc",
        f'machine h.example login alice password {SECRET} "{SECRET}\nbogus-token here\n',
    )
    source = NetrcSource({"HOME": str(tmp_path)})
    with caplog.at_level(logging.DEBUG, logger="policy"):
        assert source.get("https://h.example/") is None
        assert source.get("https://h.example/") is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Error reading netrc file" in warnings[0].getMessage()
    assert SECRET not in caplog.text


def test_no_file_is_a_quiet_miss(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="policy"):
        assert NetrcSource({"HOME": str(tmp_path)}).get("https://h.example/") is None
    assert "No netrc file found" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
