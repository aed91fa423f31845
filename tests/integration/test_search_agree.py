"""The index search, side by side with real uv 0.13.9 on the test pypiserver.

Each case runs uv (`uv pip compile` for flat indexes, `uv lock` for explicit indexes and
sources) and `keyring-policy fetch` on the same configuration, with the same logging fake
`keyring` on PATH, and compares the index pages requested (file downloads aside: uv fetches
metadata, `fetch` does not), the keyring calls, success, and the error's first line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.test_fetch import Sandbox
from tests.integration.test_uv_settings_agree import UV
from tests.support import services
from tests.support.services import PASSWORD, require

pytestmark = pytest.mark.integration


@pytest.fixture
def sandbox(tmp_path: Path, index_server: services.IndexServer) -> Sandbox:
    return Sandbox(tmp_path, index_server)


@dataclass
class Seen:
    ok: bool
    pages: list[tuple[str, str | None]]  # (path, user) of every index page request
    keyring_calls: list[list[str]]
    error: str


def _pages(sandbox: Sandbox) -> list[tuple[str, str | None]]:
    return [
        (r["path"], r["user"])
        for r in sandbox.server.requests()
        if r["path"].endswith("/") and r["method"] == "GET"
    ]


def _error(stderr: str) -> str:
    return next((line for line in stderr.splitlines() if line.startswith("error:")), "")


def run_uv(sandbox: Sandbox, *args: str) -> Seen:
    require(UV is not None, "the uv executable (pip install uv==0.13.9)")
    assert UV is not None
    sandbox.server.clear_log()
    sandbox.log.write_text("")
    env = {
        **sandbox.env,
        "UV_CACHE_DIR": str(sandbox.root / "uv-cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    done = subprocess.run(
        [UV, *args, "--python", sys.executable],
        cwd=sandbox.project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    calls = [line for line in sandbox.log.read_text().splitlines() if line]

    return Seen(
        done.returncode == 0,
        _pages(sandbox),
        [json.loads(c) for c in calls],
        _error(done.stderr),
    )


def run_ours(sandbox: Sandbox, *args: str) -> Seen:
    run = sandbox.fetch(*args)
    assert PASSWORD not in run.stdout + run.stderr
    return Seen(
        run.code == 0,
        [(r["path"], r["user"]) for r in run.requests if r["path"].endswith("/")],
        run.keyring_calls,
        _error(run.stderr),
    )


def _project(sandbox: Sandbox, body: str) -> None:
    (sandbox.project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\n'
        'dependencies = ["peerpkg"]\n\n' + body
    )


def _indexes(server: services.IndexServer, sources: bool) -> str:
    text = (
        "[[tool.uv.index]]\n"
        'name = "private"\n'
        f'url = "http://alice@127.0.0.1:{server.port}/simple/"\n'
        "explicit = true\n\n"
        "[[tool.uv.index]]\n"
        'name = "other"\n'
        f'url = "http://127.0.0.1:{server.port}/other/"\n'
        "default = true\n"
    )
    return text + ('\n[tool.uv.sources]\npeerpkg = { index = "private" }\n' if sources else "")


def test_explicit_index_unpinned_is_never_requested(sandbox: Sandbox) -> None:
    sandbox.keyring([(sandbox.server.simple_url, "alice", PASSWORD)])
    _project(sandbox, _indexes(sandbox.server, sources=False))
    uv = run_uv(sandbox, "lock", "--keyring-provider", "subprocess")
    ours = run_ours(sandbox, "--keyring-provider", "subprocess")
    assert not uv.ok and not ours.ok
    # Only the default index was asked (uv sends the realm's username there too).
    assert {p for p, _ in uv.pages} == {p for p, _ in ours.pages} == {"/other/peerpkg/"}
    assert not any(p.startswith("/simple/") for p, _ in ours.pages)


def test_explicit_index_pinned_by_sources_is_used(sandbox: Sandbox) -> None:
    sandbox.keyring([(sandbox.server.simple_url, "alice", PASSWORD)])
    _project(sandbox, _indexes(sandbox.server, sources=True))
    uv = run_uv(sandbox, "lock", "--keyring-provider", "subprocess")
    ours = run_ours(sandbox, "--keyring-provider", "subprocess")
    assert uv.ok and ours.ok, ours.error
    assert uv.pages == ours.pages == [("/simple/peerpkg/", "alice")]
    assert uv.keyring_calls == ours.keyring_calls == [["get", sandbox.server.simple_url, "alice"]]


def test_fetch_index_pins_on_the_command_line(sandbox: Sandbox) -> None:
    # Same result as the `[tool.uv.sources]` pin above, without editing the project.
    sandbox.keyring([(sandbox.server.simple_url, "alice", PASSWORD)])
    _project(sandbox, _indexes(sandbox.server, sources=False))
    run = sandbox.fetch("--keyring-provider", "subprocess", "--index", "private")
    assert run.code == 0, run.stderr
    assert run.json["index"] == sandbox.server.simple_url and run.json["pinned"] == "private"
    assert [r["path"] for r in run.requests] == ["/simple/peerpkg/"]


FLAT = "http://alice@127.0.0.1:{port}/packages/"


@pytest.mark.parametrize(
    ("case", "find_links", "keyring"),
    [
        ("url-with-username", FLAT, True),
        ("url-without-credentials", "http://127.0.0.1:{port}/packages/", True),
        ("url-not-found", "http://127.0.0.1:{port}/other/x/", False),
        ("local-directory", "../wheels", False),
        ("missing-directory", "../nowheels", False),
    ],
)
def test_flat_index_like_uv(sandbox: Sandbox, case: str, find_links: str, keyring: bool) -> None:
    server = sandbox.server
    wheels = sandbox.root / "wheels"
    wheels.mkdir()
    for wheel in (server.root / "packages").iterdir():
        (wheels / wheel.name).write_bytes(wheel.read_bytes())
    (wheels / "README.txt").write_text("not a distribution")
    sandbox.keyring([(f"http://127.0.0.1:{server.port}/packages/", "alice", PASSWORD)])
    (sandbox.project / "requirements.in").write_text("peerpkg\n")
    link = find_links.replace("{port}", str(server.port))
    flags = ["--no-index", "--find-links", link, "--keyring-provider", "subprocess"]
    uv = run_uv(sandbox, "pip", "compile", "requirements.in", *flags)
    ours = run_ours(sandbox, *flags)
    assert uv.ok == ours.ok, (uv.error, ours.error)
    assert uv.keyring_calls == ours.keyring_calls
    assert uv.pages == ours.pages
    if ours.ok:
        return
    if case == "missing-directory":
        # uv prints the path as given, resolved; so do we.
        assert (
            uv.error
            == ours.error
            == (f"error: Failed to read `--find-links` directory: {sandbox.root / 'nowheels'}")
        )
    else:
        assert ours.error == uv.error


def test_flat_and_failing_simple_index_like_uv(sandbox: Sandbox) -> None:
    # uv 0.13.9 resolves from the flat files although the default index answered 401.
    server = sandbox.server
    wheels = sandbox.root / "wheels"
    wheels.mkdir()
    for wheel in (server.root / "packages").iterdir():
        (wheels / wheel.name).write_bytes(wheel.read_bytes())
    (sandbox.project / "requirements.in").write_text("peerpkg\n")
    flags = ["--default-index", server.simple_url, "--find-links", "../wheels"]
    uv = run_uv(sandbox, "pip", "compile", "requirements.in", *flags)
    ours = run_ours(sandbox, *flags)
    assert uv.ok and ours.ok, ours.error
    assert uv.pages == ours.pages == [("/simple/peerpkg/", None)]


BEARER = "Bearer-t0ken-s3cret"


def test_bearer_entry_of_the_credentials_file_like_uv(sandbox: Sandbox) -> None:
    # uv 0.13.9 reads a `scheme = "bearer"` entry (no username) for an index without one: the
    # first request goes out bare, the retry carries `Authorization: Bearer <token>`. The
    # test server knows no tokens, so both then fail on the same requests.
    server = sandbox.server
    store = Path(sandbox.env["XDG_DATA_HOME"]) / "uv" / "credentials"
    store.mkdir(parents=True)
    (store / "credentials.toml").write_text(
        f'[[credential]]\nservice = "{server.base}/"\nscheme = "bearer"\ntoken = "{BEARER}"\n'
    )
    (sandbox.project / "requirements.in").write_text("peerpkg\n")
    flags = ["--default-index", server.simple_url]
    uv = run_uv(sandbox, "pip", "compile", "requirements.in", *flags)
    uv_auth = [r["auth"] for r in server.requests()]
    ours = run_ours(sandbox, *flags)
    our_auth = [r["auth"] for r in server.requests()]
    assert not uv.ok and not ours.ok
    assert uv_auth == our_auth == [None, "bearer"]
    assert BEARER not in ours.error


def _marker_sources(server: services.IndexServer, first: str, second: str) -> str:
    # Two explicit indexes split by marker.
    return (
        '[[tool.uv.index]]\nname = "private"\n'
        f'url = "http://alice@127.0.0.1:{server.port}/simple/"\nexplicit = true\n\n'
        '[[tool.uv.index]]\nname = "second"\n'
        f'url = "http://127.0.0.1:{server.port}/other/"\nexplicit = true\n\n'
        "[tool.uv.sources]\npeerpkg = [\n"
        f'  {{ index = "second", marker = "{first}" }},\n'
        f'  {{ index = "private", marker = "{second}" }},\n]\n'
    )


HERE = f"sys_platform == '{sys.platform}'"
ELSEWHERE = "sys_platform == 'plan9'"
ALSO_ELSEWHERE = "sys_platform == 'aix'"  # uv wants the markers of one project disjoint


@pytest.mark.parametrize(
    ("first", "second", "page"),
    [
        (ELSEWHERE, HERE, "/simple/peerpkg/"),  # the second entry's marker holds
        (HERE, ELSEWHERE, "/other/peerpkg/"),  # the first one's does
        (ELSEWHERE, ALSO_ELSEWHERE, "/fallback/peerpkg/"),  # none: not pinned at all
    ],
)
def test_source_markers_are_evaluated_like_uv_pip(
    sandbox: Sandbox, first: str, second: str, page: str
) -> None:
    # `uv lock` resolves for every environment and asks both indexes; `uv pip` (like `fetch`,
    # which fetches for this interpreter) takes the first entry whose marker holds here.
    sandbox.keyring([(sandbox.server.simple_url, "alice", PASSWORD)])
    _project(sandbox, _marker_sources(sandbox.server, first, second))
    # A local default index for the unpinned case (`uv pip` would otherwise ask PyPI).
    fallback = ["--default-index", f"{sandbox.server.base}/fallback/"]
    uv = run_uv(
        sandbox,
        "pip",
        "install",
        "-r",
        "pyproject.toml",
        "--dry-run",
        "--keyring-provider",
        "subprocess",
        *fallback,
    )
    ours = run_ours(sandbox, "--keyring-provider", "subprocess", *fallback)
    assert uv.ok == ours.ok == (page == "/simple/peerpkg/"), ours.error
    assert {p for p, _ in uv.pages} == {p for p, _ in ours.pages} == {page}, uv.error
    if ours.ok:
        assert uv.keyring_calls == ours.keyring_calls


def test_a_source_marker_that_does_not_parse_is_uvs_error(sandbox: Sandbox) -> None:
    _project(sandbox, _marker_sources(sandbox.server, "sys_platform === 'win32'", HERE))
    uv = run_uv(sandbox, "pip", "install", "-r", "pyproject.toml", "--dry-run")
    ours = run_ours(sandbox, "--keyring-provider", "subprocess")
    assert not uv.ok and not ours.ok
    assert uv.error == ours.error == "error: Failed to parse: pyproject.toml"
    assert ours.pages == []
    run = sandbox.fetch("--keyring-provider", "subprocess")
    position = "cause: TOML parse error at line 19, column 32"  # as uv reports it
    assert position in run.stderr
    assert "sys_platform === 'win32'" in run.stderr and "Traceback" not in run.stderr
