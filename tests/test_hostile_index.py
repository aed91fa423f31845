"""A hostile or broken index against the real `fetch` command: each case a clean `error:`.

The index is a stdlib server in a thread on 127.0.0.1 (`tests.support.hostile_server`);
`fetch` runs in a child process under a timeout, and where memory is the point under an
address-space limit set in the child, so an unbounded read fails the test as a MemoryError
("this is a bug") instead of as a slow machine.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.support.hostile_server import (
    SIMPLE_JSON,
    HostileIndex,
    Result,
    cli_env,
    drip,
    hostile_index,
    run_cli,
    send,
    stream_endless,
    stream_gzip,
)

MEMORY_LIMIT = 1 << 30
"""The child's address space: the fetch needs a fraction; an unbounded read needs more."""
DATA = b"a real wheel, honest" * 50
WHEEL = "peerpkg-1.0-py3-none-any.whl"
PASSWORD = "hostile-S3cret-pw"


@pytest.fixture
def index() -> Iterator[HostileIndex]:
    with hostile_index() as server:
        yield server


def fetch(
    index: HostileIndex, tmp_path: Path, *args: str, memory: bool = False, **env: str
) -> Result:
    result = run_cli(
        ["fetch", "peerpkg", "--index-url", index.simple, *args],
        cli_env(tmp_path, **env),
        tmp_path,
        memory_limit=MEMORY_LIMIT if memory else None,
        timeout=120,
    )
    assert "this is a bug" not in result.stderr and "Traceback" not in result.stderr
    return result


def _sender(
    body: bytes, content_type: str = "application/octet-stream"
) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: send(handler, body, content_type)


def serve_files(index: HostileIndex, files: list[tuple[str, bytes, dict[str, str]]]) -> None:
    """A JSON page listing `files` (name, body, hashes), each served at its own path."""
    entries: list[dict[str, Any]] = []
    for number, (name, body, hashes) in enumerate(files):
        path = f"/files/{number}"
        index.route(path, _sender(body))
        entries.append({"filename": name, "url": path, "hashes": hashes})
    index.json_page("peerpkg", entries)


def sha256(data: bytes) -> dict[str, str]:
    return {"sha256": hashlib.sha256(data).hexdigest()}


# ------------------------------------------------------------------ file names


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (".bashrc", "`.bashrc`: it is a hidden file name"),
        ("sitecustomize.py", "`sitecustomize.py`: it is not a wheel or sdist file name"),
        ("peerpkg-1.0.tar.gz\nfake: line", "`peerpkg-1.0.tar.gz\\nfake: line`: it holds control"),
        ("peerpkg-1.0\x1b[2J.tar.gz", "`peerpkg-1.0\\x1b[2J.tar.gz`: it holds control"),
        ("peerpkg-1.0\x00.tar.gz", "`peerpkg-1.0\\x00.tar.gz`: it holds control"),
        ("peerpkg-" + "9" * 260 + ".tar.gz", "it is longer than 255 bytes"),
        ("other-1.0.tar.gz", "it belongs to `other`, not `peerpkg`"),
    ],
)
def test_a_bad_file_name_is_refused_and_nothing_is_written(
    index: HostileIndex, tmp_path: Path, name: str, shown: str
) -> None:
    serve_files(index, [(name, DATA, sha256(DATA))])
    dest = tmp_path / "dest"
    result = fetch(index, tmp_path, "--download", "--dest", str(dest))
    assert result.code == 1, result.stderr
    assert result.stderr.startswith("error: Refusing to download a file named ")
    assert shown in result.stderr
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert not dest.exists() or list(dest.iterdir()) == []


def test_a_directory_of_that_name_is_an_error(index: HostileIndex, tmp_path: Path) -> None:
    serve_files(index, [(WHEEL, DATA, sha256(DATA))])
    (tmp_path / "dest" / WHEEL).mkdir(parents=True)
    result = fetch(index, tmp_path, "--download", "--dest", str(tmp_path / "dest"), "--overwrite")
    assert result.code == 1
    assert (
        result.stderr == f"error: `{tmp_path / 'dest' / WHEEL}` already exists and is a directory\n"
    )


def test_names_on_the_page_are_printed_escaped(index: HostileIndex, tmp_path: Path) -> None:
    serve_files(index, [("peerpkg-1.0\x1b[2J\r.tar.gz", DATA, {})])
    result = fetch(index, tmp_path)
    assert result.code == 0, result.stderr
    assert "  peerpkg-1.0\\x1b[2J\\r.tar.gz\n" in result.stdout and "\x1b" not in result.stdout


# ------------------------------------------------------------------ existing files, duplicates


def test_existing_files_are_never_silently_replaced(index: HostileIndex, tmp_path: Path) -> None:
    serve_files(index, [(WHEEL, DATA, sha256(DATA))])
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / WHEEL).write_bytes(DATA)
    same = fetch(index, tmp_path, "--download", "--dest", str(dest), "--format", "json")
    assert same.code == 0, same.stderr
    payload = json.loads(same.stdout)
    assert payload["downloaded"] == [WHEEL] and payload["already_there"] == [WHEEL]
    (dest / WHEEL).write_bytes(b"my own build")
    different = fetch(index, tmp_path, "--download", "--dest", str(dest))
    assert different.code == 1
    assert different.stderr == (
        f"error: `{dest / WHEEL}` already exists and is a file with different content; "
        "pass --overwrite to replace it\n"
    )
    assert (dest / WHEEL).read_bytes() == b"my own build"
    replaced = fetch(index, tmp_path, "--download", "--dest", str(dest), "--overwrite")
    assert replaced.code == 0 and (dest / WHEEL).read_bytes() == DATA
    assert sorted(p.name for p in dest.iterdir()) == [WHEEL]


def test_two_files_with_one_basename_do_not_overwrite_each_other(
    index: HostileIndex, tmp_path: Path
) -> None:
    # One name, two URLs (and the second a path that would climb out of --dest).
    serve_files(index, [(WHEEL, DATA, {}), (WHEEL, b"something else", {})])
    dest = tmp_path / "dest"
    result = fetch(index, tmp_path, "--download", "--dest", str(dest), "--overwrite")
    assert result.code == 1
    assert "already exists and is a file with different content" in result.stderr
    assert (dest / WHEEL).read_bytes() == DATA


# ------------------------------------------------------------------ hashes


def test_an_upper_case_hash_name_is_checked(index: HostileIndex, tmp_path: Path) -> None:
    serve_files(index, [(WHEEL, DATA, {"SHA256": "0" * 64})])
    result = fetch(index, tmp_path, "--download", "--dest", str(tmp_path / "dest"))
    assert result.code == 1
    assert result.stderr.startswith("error: Hash mismatch for ") and "(sha256)" in result.stderr
    assert list((tmp_path / "dest").iterdir()) == []


def test_md5_only_is_reported_unverified_and_refused_with_require_hashes(
    index: HostileIndex, tmp_path: Path
) -> None:
    md5 = {"md5": hashlib.md5(DATA).hexdigest()}
    serve_files(index, [(WHEEL, DATA, md5)])
    result = fetch(index, tmp_path, "--download", "--format", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["unverified"] == [WHEEL]
    text = fetch(index, tmp_path, "--download")
    assert f"unverified {WHEEL}: the index gives no sha256, sha384 or sha512 hash" in text.stdout
    strict = fetch(index, tmp_path, "--download", "--require-hashes")
    assert strict.code == 1 and "--require-hashes" in strict.stderr
    verified = sha256(DATA) | md5
    index.routes.clear()
    serve_files(index, [(WHEEL, DATA, verified)])
    ok = fetch(index, tmp_path, "--download", "--require-hashes", "--format", "json")
    assert ok.code == 0 and json.loads(ok.stdout)["unverified"] == []


# ------------------------------------------------------------------ bounds


def test_a_gzip_bomb_is_cut_off_with_bounded_memory(index: HostileIndex, tmp_path: Path) -> None:
    index.route("/simple/peerpkg/", lambda h: stream_gzip(h, 4 << 30, SIMPLE_JSON))
    result = fetch(index, tmp_path, memory=True)
    assert result.code == 1, result.stderr
    assert "Project page too large after decompression" in result.stderr
    assert "more than 64 MiB" in result.stderr
    assert "KEYRING_POLICY_MAX_DECOMPRESSED_BYTES" in result.stderr


def test_an_endless_gzip_body_is_cut_off(index: HostileIndex, tmp_path: Path) -> None:
    index.route("/simple/peerpkg/", lambda h: stream_gzip(h, None, SIMPLE_JSON))
    result = fetch(index, tmp_path, memory=True, KEYRING_POLICY_MAX_DECOMPRESSED_BYTES="1000000")
    assert result.code == 1
    assert "more than 1000000 bytes" in result.stderr
    assert "KEYRING_POLICY_MAX_DECOMPRESSED_BYTES" in result.stderr


def test_an_endless_body_is_cut_off_with_bounded_memory(
    index: HostileIndex, tmp_path: Path
) -> None:
    index.route("/simple/peerpkg/", lambda h: stream_endless(h, SIMPLE_JSON))
    result = fetch(index, tmp_path, memory=True)
    assert result.code == 1, result.stderr
    assert "Project page too large" in result.stderr and "more than 32 MiB" in result.stderr
    assert "KEYRING_POLICY_MAX_PAGE_BYTES" in result.stderr


def test_an_endless_download_is_cut_off(index: HostileIndex, tmp_path: Path) -> None:
    index.route("/files/0", lambda h: stream_endless(h, "application/octet-stream"))
    index.json_page("peerpkg", [{"filename": WHEEL, "url": "/files/0", "hashes": {}}])
    result = fetch(
        index, tmp_path, "--download", memory=True, KEYRING_POLICY_MAX_DOWNLOAD_BYTES="5000000"
    )
    assert result.code == 1
    assert f"Download of `{WHEEL}` too large" in result.stderr
    assert "KEYRING_POLICY_MAX_DOWNLOAD_BYTES" in result.stderr


def test_deep_json_is_refused_before_parsing(index: HostileIndex, tmp_path: Path) -> None:
    body = b'{"files": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    index.route("/simple/peerpkg/", lambda h: send(h, body, SIMPLE_JSON))
    result = fetch(index, tmp_path)
    assert result.code == 1
    assert "Project page nested too deeply" in result.stderr and "64 levels" in result.stderr
    assert "KEYRING_POLICY_MAX_NESTING" in result.stderr


def test_a_dripping_server_is_cut_off_by_the_total_deadline(
    index: HostileIndex, tmp_path: Path
) -> None:
    index.route("/simple/peerpkg/", lambda h: drip(h, index.stop_event))
    # Each byte comes well within httpx's read timeout; only the total deadline ends it.
    result = fetch(index, tmp_path, KEYRING_POLICY_REQUEST_TIMEOUT="2")
    assert result.code == 1
    assert "Gave up waiting for the response" in result.stderr and "more than 2 s" in result.stderr
    assert "KEYRING_POLICY_REQUEST_TIMEOUT" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("KEYRING_POLICY_MAX_PAGE_BYTES", "lots"), ("KEYRING_POLICY_REQUEST_TIMEOUT", "-1")],
)
def test_a_bad_limit_is_a_usage_error_naming_the_variable(
    index: HostileIndex, tmp_path: Path, name: str, value: str
) -> None:
    env = cli_env(tmp_path, **{name: value})
    result = run_cli(["fetch", "peerpkg", "--index-url", index.simple], env, tmp_path)
    assert result.code == 2
    assert result.stderr.startswith(
        f"error: Failed to parse environment variable `{name}` with invalid value `{value}`"
    )


def test_a_redirect_loop_stops_at_the_hop_limit(index: HostileIndex, tmp_path: Path) -> None:
    hits: list[str] = []

    def loop(handler: BaseHTTPRequestHandler) -> None:
        hits.append(handler.path)
        send(handler, b"", "text/plain", status=302, headers={"Location": "/simple/peerpkg/"})

    index.route("/simple/peerpkg/", loop)
    result = fetch(index, tmp_path, KEYRING_POLICY_MAX_REDIRECTS="3")
    assert result.code == 1
    assert "Too many redirects" in result.stderr and "more than 3 redirects" in result.stderr
    assert "KEYRING_POLICY_MAX_REDIRECTS" in result.stderr
    assert len(hits) == 4


def test_an_endless_gzip_body_on_a_redirect_is_dropped(index: HostileIndex, tmp_path: Path) -> None:
    # httpx reads a response the flow moves past in full; the flow bounds it first.
    index.route(
        "/simple/peerpkg/",
        lambda h: stream_gzip(h, None, "text/html", 302, {"Location": "/real/peerpkg/"}),
    )
    index.route("/real/peerpkg/", _sender(json.dumps({"files": []}).encode(), SIMPLE_JSON))
    result = fetch(index, tmp_path, "--format", "json", memory=True)
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["files"] == []


def test_a_gzip_bomb_on_a_401_before_the_retry_is_dropped(
    index: HostileIndex, tmp_path: Path
) -> None:
    page = json.dumps({"files": [{"filename": WHEEL, "url": "/files/0"}]}).encode()

    def guarded(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("Authorization"):
            send(handler, page, SIMPLE_JSON)
        else:
            stream_gzip(handler, 4 << 30, "text/html", 401)

    index.route("/simple/peerpkg/", guarded)
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login alice password {PASSWORD}\n")
    netrc.chmod(0o600)
    result = fetch(index, tmp_path, "--format", "json", memory=True, NETRC=str(netrc))
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["files"] == [WHEEL]
    assert PASSWORD not in result.stdout + result.stderr


def test_a_page_of_tiny_objects_is_refused_before_parsing(
    index: HostileIndex, tmp_path: Path
) -> None:
    # 60 MB of `{}` (gzip: under 1 MB sent) is under the size bounds; parsed: 20 million dicts.
    body = gzip.compress(b'{"files": [' + b"{}," * 20_000_000 + b"{}]}", 1)
    index.route(
        "/simple/peerpkg/",
        lambda h: send(h, body, SIMPLE_JSON, headers={"Content-Encoding": "gzip"}),
    )
    result = fetch(index, tmp_path, memory=True)
    assert result.code == 1, result.stderr
    assert "Project page lists too many files" in result.stderr
    assert "more than 100000 files" in result.stderr and "KEYRING_POLICY_MAX_FILES" in result.stderr


def test_an_html_page_with_too_many_anchors_is_refused(index: HostileIndex, tmp_path: Path) -> None:
    anchors = "".join(f'<a href="/f/{n}">peerpkg-1.{n}.tar.gz</a>' for n in range(11))
    index.route("/simple/peerpkg/", _sender(anchors.encode(), "text/html"))
    assert fetch(index, tmp_path, KEYRING_POLICY_MAX_FILES="11").code == 0
    result = fetch(index, tmp_path, KEYRING_POLICY_MAX_FILES="10")
    assert result.code == 1
    assert "lists too many files" in result.stderr and "more than 10 files" in result.stderr


def _loop(handler: BaseHTTPRequestHandler) -> None:
    send(handler, b"", "text/plain", status=302, headers={"Location": handler.path})


@pytest.mark.parametrize(
    ("case", "env"),
    [
        ("endless", {}),
        ("bomb", {}),
        ("deep", {}),
        ("drip", {"KEYRING_POLICY_REQUEST_TIMEOUT": "1"}),
        ("loop", {"KEYRING_POLICY_MAX_REDIRECTS": "2"}),
    ],
)
def test_bound_errors_never_show_the_password(
    index: HostileIndex, tmp_path: Path, case: str, env: dict[str, str]
) -> None:
    deep = b"[" * 100 + b"]" * 100
    handlers: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
        "endless": lambda h: stream_endless(h, SIMPLE_JSON),
        "bomb": lambda h: stream_gzip(h, 4 << 30, SIMPLE_JSON),
        "deep": _sender(deep, SIMPLE_JSON),
        "drip": lambda h: drip(h, index.stop_event),
        "loop": _loop,
    }
    index.route("/simple/peerpkg/", handlers[case])
    url = index.simple.replace("http://", f"http://alice:{PASSWORD}@")
    result = run_cli(
        ["-vv", "fetch", "peerpkg", "--index-url", url, "--format", "json"],
        cli_env(tmp_path, **env),
        tmp_path,
        memory_limit=MEMORY_LIMIT,
    )
    assert result.code == 1, result.stderr
    assert "KEYRING_POLICY_" in result.stderr and "this is a bug" not in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
