"""The demo's embedded index and file keyring behave like the real things they stand for."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx

from policy.cli.demo.index_server import DemoIndex
from policy.cli.demo.keyring_file import DemoFileKeyring

PASSWORD = "demo-Pa55-w0rd"


def test_index_requires_basic_auth_and_serves_files_outside_simple() -> None:
    with DemoIndex("alice", PASSWORD, projects=("demo-pkg",)) as index:
        anonymous = httpx.get(index.url + "demo-pkg/", timeout=5)
        wrong = httpx.get(index.url + "demo-pkg/", auth=("alice", "nope"), timeout=5)
        page = httpx.get(index.url + "demo-pkg/", auth=("alice", PASSWORD), timeout=5)
        href = page.text.split('href="', 1)[1].split("#", 1)[0]
        wheel = httpx.get(httpx.URL(index.url).join(href), auth=("alice", PASSWORD), timeout=5)
        missing = httpx.get(index.url + "nope/", auth=("alice", PASSWORD), timeout=5)
        recorded = index.take_requests()
    assert (anonymous.status_code, wrong.status_code, page.status_code) == (401, 403, 200)
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    assert href.startswith("/packages/")
    assert wheel.status_code == 200 and wheel.content[:2] == b"PK"
    assert missing.status_code == 404
    assert [r.status for r in recorded] == [401, 403, 200, 200, 404]
    assert [r.had_credentials for r in recorded] == [False, True, True, True, True]
    assert PASSWORD not in repr(recorded)


def test_file_keyring_round_trip_is_private(tmp_path: Path) -> None:
    keyring = DemoFileKeyring(tmp_path / "keyring.json")
    assert keyring.get_password("svc", "alice") is None
    assert keyring.get_credential("svc", None) is None
    keyring.set_password("svc", "alice", PASSWORD)
    assert keyring.get_password("svc", "alice") == PASSWORD
    credential = keyring.get_credential("svc", None)
    assert (credential.username, credential.password) == ("alice", PASSWORD)
    assert keyring.entries() == [("svc", "alice")]
    assert stat.S_IMODE((tmp_path / "keyring.json").stat().st_mode) == 0o600
    keyring.delete_password("svc", "alice")
    assert keyring.get_password("svc", "alice") is None
