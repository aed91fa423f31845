"""`fetch` and PolicyAuth against the real pypiserver (Basic auth, request log on 127.0.0.1).

What goes over the wire is counted from the server's log; keyring calls from a logging fake
`keyring` command first on PATH (subprocess provider) or a counting in-memory backend (native
provider, in-process). uv 0.13.9's keyring calls and 401/403 counts for the same scenarios
(from the project's uv reference run) are written into PARITY below.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from policy.credentials.backends.base import KeyringBackend
from policy.credentials.backends.memory import MemoryKeyring
from policy.credentials.lookup import CredentialSources
from policy.fetch.clients import async_client, client
from policy.settings.models import (
    AuthPolicy,
    IndexKeyring,
    IndexSettings,
    KeyringProvider,
    Settings,
)
from tests.support import services
from tests.support.counting_keyring import CountingKeyring
from tests.support.services import PASSWORD, USER

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]

FAKE_KEYRING = r'''#!{python}
"""A logging stand-in for the `keyring` command (keyring 25.x `get` output)."""
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_KEYRING_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
mode = "password"
if "--mode" in args:
    if os.environ.get("FAKE_KEYRING_OLD"):
        sys.stderr.write("keyring: error: unrecognized arguments: --mode creds\n")
        sys.exit(2)
    i = args.index("--mode")
    mode = args[i + 1]
    del args[i:i + 2]
if not args or args[0] != "get":
    sys.exit(2)
service = args[1]
username = args[2] if len(args) > 2 else None
with open(os.environ["FAKE_KEYRING_MAP"]) as f:
    entries = json.load(f)
for s, u, p in entries:
    if s == service and (username is None or u == username):
        print(p if mode == "password" else u + "\n" + p)
        sys.exit(0)
sys.exit(1)
'''


def failures(server: services.IndexServer) -> int:
    return sum(1 for r in server.requests() if r["status"] in (401, 403))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    keyring_calls: list[list[str]]
    failures: int
    requests: list[dict[str, Any]]

    @property
    def json(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.stdout)
        return payload


@dataclass
class Sandbox:
    """An isolated HOME, a project directory, a fake `keyring` on PATH, and `fetch` runs."""

    root: Path
    server: services.IndexServer
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.project = self.root / "project"
        self.project.mkdir()
        self.bin = self.root / "bin"
        self.bin.mkdir()
        self.log = self.root / "keyring.log"
        self.map = self.root / "keyring.json"
        self.map.write_text("[]")
        self.env = {
            **services.isolated_home(self.root),
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "FAKE_KEYRING_LOG": str(self.log),
            "FAKE_KEYRING_MAP": str(self.map),
            "UV_NO_SYSTEM_CONFIG": "1",
            "KEYRING_POLICY_TIMEOUT": "20",
            "NO_PROXY": "127.0.0.1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }

    def keyring(self, entries: list[tuple[str, str, str]] | None) -> None:
        """Put the fake `keyring` on PATH answering `entries` (None: no `keyring` at all)."""
        script = self.bin / "keyring"
        if entries is None:
            script.unlink(missing_ok=True)
            return
        script.write_text(FAKE_KEYRING.replace("{python}", sys.executable))
        script.chmod(0o755)
        self.map.write_text(json.dumps(entries))

    def fetch(self, *args: str, env: dict[str, str] | None = None) -> Run:
        self.server.clear_log()
        self.log.write_text("")
        done = subprocess.run(
            [sys.executable, "-m", "policy", "fetch", "peerpkg", "--format", "json", *args],
            cwd=self.project,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        calls = [json.loads(line) for line in self.log.read_text().splitlines() if line]
        return Run(
            done.returncode,
            done.stdout,
            done.stderr,
            calls,
            failures(self.server),
            self.server.requests(),
        )


@pytest.fixture
def sandbox(tmp_path: Path, index_server: services.IndexServer) -> Sandbox:
    return Sandbox(tmp_path, index_server)


# --------------------------------------------------------------------- keyring-call parity
# uv 0.13.9 on the same scenarios (`uv pip install peerpkg`): the `keyring` argv it ran, in
# order, and how many 401/403 responses it caused ({idx}, {host}, {sh} stand for the index
# URL, host:port and http://host:port). `fetch --download` must make the same calls and
# cause no more 401/403 responses.

IDX, HOST, SH = "{idx}", "{host}", "{sh}"
HOSTKEY = [(HOST, "alice", "good")]


@dataclass(frozen=True)
class Scenario:
    sid: str
    uv_calls: list[list[str]]
    uv_failures: int
    ok: bool
    keyring: list[tuple[str, str, str]] | None = field(default_factory=lambda: HOSTKEY)
    url: str | None = None  # --index-url (a*, b*), else uv.toml below
    subprocess: bool = True  # with --index-url: also --keyring-provider subprocess
    uv_toml: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    old_keyring: bool = False
    netrc: bool = False


def toml(
    authenticate: str | None = None,
    url: str = "http://127.0.0.1:{port}/simple/",
    provider: str | None = "subprocess",
    name: str = "private",
) -> str:
    text = f'keyring-provider = "{provider}"\n' if provider else ""
    text += f'[[index]]\nname = "{name}"\nurl = "{url}"\ndefault = true\n'
    return text + (f'authenticate = "{authenticate}"\n' if authenticate else "")


ENVCREDS = {"UV_INDEX_PRIVATE_USERNAME": "alice", "UV_INDEX_PRIVATE_PASSWORD": "good"}
U = "http://alice@127.0.0.1:{port}/simple/"
UP = "http://alice:good@127.0.0.1:{port}/simple/"
PLAIN = "http://127.0.0.1:{port}/simple/"

PARITY = [
    Scenario("a1", [["get", IDX, "alice"], ["get", HOST, "alice"]], 3, True, url=U),
    Scenario("a2", [["get", IDX, "alice"]], 3, True, url=U, keyring=[(IDX, "alice", "good")]),
    Scenario(
        "a3",
        [["get", IDX, "alice"], ["get", HOST, "alice"], ["get", SH, "alice"]],
        3,
        True,
        url=U,
        keyring=[(SH, "alice", "good")],
    ),
    Scenario(
        "a4",
        [["get", IDX, "alice"], ["get", HOST, "alice"], ["get", SH, "alice"]],
        1,
        False,
        url=U,
        keyring=[],
    ),
    Scenario("a5", [], 0, True, url=UP),
    Scenario("a7", [], 1, False, url=U, keyring=None),
    Scenario(
        "a8",
        [["get", IDX, "alice"], ["get", HOST, "alice"]],
        1,
        False,
        url=U,
        keyring=[(HOST, "alice", "WRONG")],
    ),
    Scenario(
        "a9",
        [["get", IDX, "bob"], ["get", HOST, "bob"], ["get", SH, "bob"]],
        1,
        False,
        url="http://bob@127.0.0.1:{port}/simple/",
    ),
    Scenario("b1", [], 1, False, url=PLAIN),
    Scenario("b2", [], 1, False, url=PLAIN, keyring=[(IDX, "alice", "good")]),
    Scenario(
        "g01",
        [["get", IDX, "--mode", "creds"], ["get", HOST, "--mode", "creds"]],
        0,
        True,
        uv_toml=toml("always"),
    ),
    Scenario(
        "g02",
        [["get", IDX, "--mode", "creds"]],
        0,
        True,
        uv_toml=toml("always"),
        keyring=[(IDX, "alice", "good")],
    ),
    Scenario(
        "g03",
        [
            ["get", IDX, "--mode", "creds"],
            ["get", HOST, "--mode", "creds"],
            ["get", SH, "--mode", "creds"],
        ],
        0,
        False,
        uv_toml=toml("always"),
        old_keyring=True,
    ),
    Scenario("g04", [], 0, False, uv_toml=toml("always", provider=None)),
    Scenario("g05", [], 0, True, uv_toml=toml("always", provider=None), env=ENVCREDS),
    Scenario("g06", [], 0, True, uv_toml=toml(provider=None), env=ENVCREDS),
    Scenario("g07", [], 1, False, uv_toml=toml("never", provider=None), env=ENVCREDS),
    Scenario("g08", [], 1, False, uv_toml=toml("never", url=UP, provider=None)),
    Scenario("g09", [], 1, False, uv_toml=toml("never", url=U)),
    Scenario(
        "g10",
        [["get", IDX, "alice"], ["get", HOST, "alice"]],
        4,
        True,
        uv_toml=toml(),
        env={"UV_INDEX_PRIVATE_USERNAME": "alice"},
    ),
    Scenario(
        "g11", [], 1, False, uv_toml=toml(provider=None), env={"UV_INDEX_PRIVATE_PASSWORD": "good"}
    ),
    Scenario(
        "g12",
        [],
        0,
        True,
        uv_toml=toml(provider=None, name="my-private.idx"),
        env={
            "UV_INDEX_MY_PRIVATE_IDX_USERNAME": "alice",
            "UV_INDEX_MY_PRIVATE_IDX_PASSWORD": "good",
        },
    ),
    Scenario(
        "g13",
        [],
        1,
        False,
        uv_toml=toml(provider=None, name="my-private"),
        env={"UV_INDEX_my-private_USERNAME": "alice", "UV_INDEX_my-private_PASSWORD": "good"},
    ),
    Scenario(
        "g15",
        [["get", IDX, "alice"], ["get", HOST, "alice"]],
        0,
        True,
        uv_toml=toml("always", url=U),
    ),
    Scenario(
        "g16",
        [
            ["get", IDX, "--mode", "creds"],
            ["get", HOST, "--mode", "creds"],
            ["get", SH, "--mode", "creds"],
        ],
        0,
        False,
        uv_toml=toml("always"),
        keyring=[],
    ),
    Scenario(
        "g17", [["get", IDX, "alice"], ["get", HOST, "alice"]], 3, True, uv_toml=None, url=None
    ),
    Scenario(
        "g18-1",
        [],
        4,
        True,
        url=PLAIN,
        netrc=True,
        keyring=[(HOST, "alice", "WRONG")],
        subprocess=False,
    ),
    Scenario("g18-2", [], 3, True, url=U, netrc=True, keyring=[(HOST, "alice", "WRONG")]),
]


def _fill(text: str, server: services.IndexServer) -> str:
    host = f"127.0.0.1:{server.port}"
    return (
        text.replace("{idx}", server.simple_url)
        .replace("{host}", host)
        .replace("{sh}", f"http://{host}")
        .replace("{port}", str(server.port))
        .replace("good", PASSWORD)
    )


@pytest.mark.parametrize("scenario", PARITY, ids=[s.sid for s in PARITY])
def test_keyring_call_parity_with_uv(sandbox: Sandbox, scenario: Scenario) -> None:
    server = sandbox.server
    entries = (
        None
        if scenario.keyring is None
        else [(_fill(s, server), u, _fill(p, server)) for s, u, p in scenario.keyring]
    )
    sandbox.keyring(entries)
    args = ["--download"]
    if scenario.url is not None:
        args += ["--index-url", _fill(scenario.url, server)]
        if scenario.subprocess:
            args += ["--keyring-provider", "subprocess"]
    if scenario.sid == "g17":
        (sandbox.project / "pyproject.toml").write_text(
            '[project]\nname = "demo"\nversion = "0.1.0"\n\n[tool.uv]\n'
            + _fill(toml(url=U), server).replace("[[index]]", "[[tool.uv.index]]")
        )
    elif scenario.uv_toml is not None:
        (sandbox.project / "uv.toml").write_text(_fill(scenario.uv_toml, server))
    if scenario.netrc:
        netrc = Path(sandbox.env["HOME"]) / ".netrc"
        netrc.write_text(f"machine 127.0.0.1\nlogin alice\npassword {PASSWORD}\n")
        netrc.chmod(0o600)
    extra = {"FAKE_KEYRING_OLD": "1"} if scenario.old_keyring else {}
    extra.update({k: _fill(v, server) for k, v in scenario.env.items()})
    run = sandbox.fetch(*args, env=extra)

    expected_calls = [[_fill(a, server) for a in call] for call in scenario.uv_calls]
    print(
        f"parity {scenario.sid}: 401/403 ours {run.failures}, uv {scenario.uv_failures}; "
        f"keyring calls {len(run.keyring_calls)}"
    )
    assert run.keyring_calls == expected_calls, run.stderr
    assert run.failures <= scenario.uv_failures, run.requests
    assert (run.code == 0) is scenario.ok, run.stderr
    assert PASSWORD not in run.stdout + run.stderr
    if scenario.ok:
        assert run.json["files"] == ["peerpkg-1.0-py3-none-any.whl"]
        assert run.json["downloaded"] == ["peerpkg-1.0-py3-none-any.whl"]
        assert run.json["status"] == 200 and run.json["index"] == server.simple_url
    else:
        assert "error:" in run.stderr
        page = [r for r in run.requests if r["path"] == "/simple/peerpkg/"]
        if page and page[-1]["status"] in (401, 403):
            # The hint tells missing credentials from wrong ones (uv's does not).
            last = page[-1]
            hint = (
                "no credentials were sent"
                if last["auth"] is None
                else "without a password"
                if last["password"] == "empty"
                else "were rejected"
            )
            assert hint in run.stderr, run.stderr
            assert f"/simple/peerpkg/: {last['status']}" in run.stderr


def test_failure_names_the_redacted_url_and_status(sandbox: Sandbox) -> None:
    sandbox.keyring([])
    run = sandbox.fetch(
        "--index-url", f"http://alice:WRONG-pw@127.0.0.1:{sandbox.server.port}/simple/"
    )
    assert run.code == 1
    assert (
        f"error: Failed to fetch http://alice:****@127.0.0.1:{sandbox.server.port}"
        "/simple/peerpkg/: 403"
        in run.stderr
        or f"error: Failed to fetch http://127.0.0.1:{sandbox.server.port}/simple/peerpkg/: 403"
        in run.stderr
    )
    assert "WRONG-pw" not in run.stderr
    assert "rejected" in run.stderr


def test_download_into_dest_with_a_progress_line_and_text_output(sandbox: Sandbox) -> None:
    dest = sandbox.root / "dest"
    env = {"UV_INDEX_PRIVATE_USERNAME": USER, "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}
    index = "private=" + sandbox.server.simple_url
    run = sandbox.fetch("--download", "--dest", str(dest), "--index", index, env=env)
    assert run.code == 0, run.stderr
    assert run.json["downloaded"] == ["peerpkg-1.0-py3-none-any.whl"]
    assert (dest / "peerpkg-1.0-py3-none-any.whl").stat().st_size > 0
    assert [p.name for p in dest.iterdir()] == ["peerpkg-1.0-py3-none-any.whl"]
    assert "Downloaded peerpkg-1.0-py3-none-any.whl" in run.stderr
    assert run.failures == 0
    done = subprocess.run(
        [sys.executable, "-m", "policy", "fetch", "peerpkg", "--index", index],
        cwd=sandbox.project,
        env={**sandbox.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"peerpkg: 1 file(s) from {sandbox.server.simple_url} (200)")
    assert PASSWORD not in done.stdout + done.stderr + run.stdout + run.stderr


def test_download_from_a_local_find_links_directory(sandbox: Sandbox) -> None:
    # The flat index is a directory: its files are copied, checked like any download, and
    # reported unverified (a directory offers no hashes); the index server is never asked.
    wheels = sandbox.root / "wheels"
    wheels.mkdir()
    for wheel in (sandbox.server.root / "packages").iterdir():
        (wheels / wheel.name).write_bytes(wheel.read_bytes())
    dest = sandbox.root / "dest"
    run = sandbox.fetch(
        "--no-index", "--find-links", str(wheels), "--download", "--dest", str(dest)
    )
    assert run.code == 0, run.stderr
    name = "peerpkg-1.0-py3-none-any.whl"
    assert run.json["downloaded"] == [name]
    assert (dest / name).read_bytes() == (wheels / name).read_bytes()
    assert "unverified" in run.stderr
    assert run.requests == []


def test_no_wasted_401_after_the_first_success(sandbox: Sandbox) -> None:
    """uv wastes one 401 per file with netrc credentials (g18); we waste one per realm."""
    netrc = Path(sandbox.env["HOME"]) / ".netrc"
    netrc.write_text(f"machine 127.0.0.1\nlogin alice\npassword {PASSWORD}\n")
    netrc.chmod(0o600)
    run = sandbox.fetch("--download", "--index-url", sandbox.server.simple_url)
    assert run.code == 0, run.stderr
    statuses = [(r["path"], r["status"]) for r in run.requests]
    assert statuses == [
        ("/simple/peerpkg/", 401),
        ("/simple/peerpkg/", 200),
        ("/packages/peerpkg-1.0-py3-none-any.whl", 200),
    ]


# --------------------------------------------------------------------- decision rows in-process


def _native_settings(server: services.IndexServer, **index: Any) -> Settings:
    return Settings(
        keyring_provider=KeyringProvider.NATIVE,
        indexes=(IndexSettings(name="private", url=server.simple_url, default=True, **index),),
    )


def _sources(tmp_path: Path, keyring: KeyringBackend) -> tuple[CredentialSources, dict[str, str]]:
    env = services.isolated_home(tmp_path)
    return CredentialSources(env=env, native=keyring, subprocess=keyring, timeout=10), env


@pytest.mark.parametrize(
    ("index", "statuses", "gets"),
    [
        # native, auto: the index's keyring entry is read before the first request (in-process,
        # once), so nothing is wasted; everything carries the credentials
        ({}, [200, 200], 1),
        # keyring = "read": the same, read but never stored
        ({"keyring": IndexKeyring.READ}, [200, 200], 1),
        # per-index keyring = "skip": the keyring is never read; the 401 stands
        ({"keyring": IndexKeyring.SKIP}, [401], 0),
        # authenticate = "always": the keyring first, no 401 at all
        ({"authenticate": AuthPolicy.ALWAYS}, [200, 200], 1),
        # authenticate = "never": nothing looked up
        ({"authenticate": AuthPolicy.NEVER}, [401], 0),
    ],
)
def test_decision_rows_on_the_wire(
    tmp_path: Path,
    index_server: services.IndexServer,
    index: dict[str, Any],
    statuses: list[int],
    gets: int,
) -> None:
    keyring = CountingKeyring({(f"uv-credentials:{index_server.simple_url}", USER): PASSWORD})
    sources, env = _sources(tmp_path, keyring)
    settings = _native_settings(index_server, **index)
    index_server.clear_log()
    with client(settings, env=env, sources=sources) as http:
        page = http.get(index_server.simple_url + "peerpkg/")
        if page.status_code == 200:
            http.get(f"{index_server.base}/packages/peerpkg-1.0-py3-none-any.whl")
    assert [r["status"] for r in index_server.requests()] == statuses
    assert keyring.gets == gets


def test_disabled_provider_never_reads_the_keyring(
    tmp_path: Path, index_server: services.IndexServer
) -> None:
    keyring = CountingKeyring({(f"uv-credentials:{index_server.simple_url}", USER): PASSWORD})
    sources, env = _sources(tmp_path, keyring)
    settings = Settings(indexes=(IndexSettings(url=index_server.simple_url, default=True),))
    index_server.clear_log()
    with client(settings, env=env, sources=sources) as http:
        assert http.get(index_server.simple_url + "peerpkg/").status_code == 401
    assert keyring.gets == 0


@pytest.mark.parametrize("configured", [True, False], ids=["index", "no-index"])
def test_64_concurrent_async_fetches_one_keyring_lookup(
    tmp_path: Path, index_server: services.IndexServer, configured: bool
) -> None:
    """Configured index: its entry is read first, no 401 at all. A URL outside every index
    (only uv's host-level entry is read): one probe gets the 401, the other 63 wait for it."""
    service = (
        f"uv-credentials:{index_server.simple_url}" if configured else f"uv:{index_server.base}"
    )
    keyring = CountingKeyring({(service, USER): PASSWORD})
    sources, env = _sources(tmp_path, keyring)
    settings = (
        _native_settings(index_server)
        if configured
        else Settings(keyring_provider=KeyringProvider.NATIVE)
    )
    index_server.clear_log()

    async def main() -> list[int]:
        async with async_client(
            settings, env=env, sources=sources, limits=httpx.Limits(max_connections=8)
        ) as http:
            answers = await asyncio.gather(
                *(http.get(index_server.simple_url + "peerpkg/") for _ in range(64))
            )
            return [answer.status_code for answer in answers]

    assert asyncio.run(main()) == [200] * 64
    assert keyring.gets == 1
    logged = index_server.requests()
    assert [r["status"] for r in logged].count(401) == (0 if configured else 1)
    assert sum(1 for r in logged if r["status"] == 200) == 64
    assert all(r["password"] in (None, "correct") for r in logged)


# --------------------------------------------------------------------- redirects


class _Recorder(BaseHTTPRequestHandler):
    """GET /simple/...: 302 to `target` (if set), else 200; records the Authorization header."""

    target: ClassVar[str | None] = None
    seen: ClassVar[list[tuple[str, bool]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, "Authorization" in self.headers))
        if self.target and self.path.startswith("/simple/"):
            self.send_response(302)
            self.send_header("Location", self.target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><body></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def recorders() -> Iterator[tuple[Any, Any]]:
    made = []
    for _ in range(2):
        handler = type("Recorder", (_Recorder,), {"seen": [], "target": None})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        made.append((server, handler, thread))
    try:
        yield made[0], made[1]
    finally:
        for server, _, thread in made:
            server.shutdown()
            server.server_close()
            thread.join(60)


def test_cross_origin_redirect_never_carries_authorization(
    tmp_path: Path, recorders: tuple[Any, Any]
) -> None:
    (origin, origin_handler, _), (other, other_handler, _) = recorders
    origin_port, other_port = origin.server_address[1], other.server_address[1]
    origin_handler.target = f"http://127.0.0.1:{other_port}/elsewhere"
    env = {
        **services.isolated_home(tmp_path),
        "UV_INDEX_PRIVATE_USERNAME": USER,
        "UV_INDEX_PRIVATE_PASSWORD": PASSWORD,
    }
    settings = Settings(
        indexes=(
            IndexSettings(
                name="private", url=f"http://127.0.0.1:{origin_port}/simple/", default=True
            ),
        )
    )
    with client(
        settings,
        env=env,
        sources=CredentialSources(
            env=env, native=MemoryKeyring(), subprocess=MemoryKeyring(), timeout=5
        ),
    ) as http:
        response = http.get(f"http://127.0.0.1:{origin_port}/simple/peerpkg/")
    assert response.status_code == 200
    assert response.url.port == other_port
    assert origin_handler.seen == [("/simple/peerpkg/", True)]
    assert other_handler.seen and all(not has_auth for _, has_auth in other_handler.seen)


def test_cross_origin_redirect_to_the_index_server_gets_401(
    tmp_path: Path, recorders: tuple[Any, Any], index_server: services.IndexServer
) -> None:
    (origin, origin_handler, _), _ = recorders
    origin_handler.target = index_server.base
    env = {
        **services.isolated_home(tmp_path),
        "UV_INDEX_PRIVATE_USERNAME": USER,
        "UV_INDEX_PRIVATE_PASSWORD": PASSWORD,
    }
    settings = Settings(
        indexes=(
            IndexSettings(
                name="private", url=f"http://127.0.0.1:{origin.server_address[1]}/simple/"
            ),
        )
    )
    index_server.clear_log()
    with client(settings, env=env, sources=CredentialSources(env=env, timeout=5)) as http:
        response = http.get(f"http://127.0.0.1:{origin.server_address[1]}/simple/peerpkg/")
    assert response.status_code == 401
    assert all(r["auth"] is None for r in index_server.requests())


# --------------------------------------------------------------------- the seed's flow


def _secret_env(secret_service: services.SecretService, sandbox: Sandbox) -> dict[str, str]:
    return {
        "DBUS_SESSION_BUS_ADDRESS": secret_service.env["DBUS_SESSION_BUS_ADDRESS"],
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
    }


def _keyring_script(env: dict[str, str], script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _held(env: dict[str, str], service: str) -> str:
    return _keyring_script(
        env,
        (
            "import keyring\n"
            f"p = keyring.get_password({service!r}, {USER!r})\n"
            f"print('none' if p is None else 'correct' if p == {PASSWORD!r} else 'other')\n"
        ),
    )


def _forget(env: dict[str, str], service: str) -> None:
    _keyring_script(
        env,
        (
            "import keyring, keyring.errors\n"
            "try:\n"
            f"    keyring.delete_password({service!r}, {USER!r})\n"
            "except keyring.errors.PasswordDeleteError:\n"
            "    pass\n"
        ),
    )


def test_seed_flow_stores_once_then_reads_from_the_keyring(
    sandbox: Sandbox, secret_service: services.SecretService
) -> None:
    server = sandbox.server
    service = f"uv-credentials:{server.simple_url}"
    keyring_env = _secret_env(secret_service, sandbox)
    sandbox.env.update(keyring_env)
    (sandbox.project / "uv.toml").write_text(
        'keyring-provider = "native"\npreview-features = ["native-auth"]\n'
        f'[[index]]\nname = "private"\nurl = "{server.simple_url}"\ndefault = true\n'
    )
    _forget(sandbox.env, service)
    try:
        first = sandbox.fetch(
            "--download",
            env={"UV_INDEX_PRIVATE_USERNAME": USER, "UV_INDEX_PRIVATE_PASSWORD": PASSWORD},
        )
        assert first.code == 0, first.stderr
        assert first.json["stored"] == [
            {
                "service": service,
                "username": USER,
                "backend": "keyring.backends.SecretService.Keyring",
            }
        ]
        assert first.failures == 0
        assert _held(sandbox.env, service) == "correct"

        second = sandbox.fetch("--download")
        assert second.code == 0, second.stderr
        assert second.json["stored"] == []
        assert second.failures == 0  # the index's keyring entry is read before sending
        assert PASSWORD not in first.stderr + second.stderr + first.stdout + second.stdout
    finally:
        _forget(sandbox.env, service)


def test_seed_flow_without_native_auth_stores_nothing_and_warns(
    sandbox: Sandbox, secret_service: services.SecretService
) -> None:
    server = sandbox.server
    service = f"uv-credentials:{server.simple_url}"
    sandbox.env.update(_secret_env(secret_service, sandbox))
    (sandbox.project / "uv.toml").write_text(
        'keyring-provider = "native"\n'
        f'[[index]]\nname = "private"\nurl = "{server.simple_url}"\ndefault = true\n'
    )
    _forget(sandbox.env, service)
    run = sandbox.fetch(
        env={"UV_INDEX_PRIVATE_USERNAME": USER, "UV_INDEX_PRIVATE_PASSWORD": PASSWORD}
    )
    assert run.code == 0, run.stderr
    assert run.json["stored"] == []
    assert "warning: The `native` keyring provider is experimental" in run.stderr
    assert run.stderr.count("keyring provider is experimental") == 1
    assert _held(sandbox.env, service) == "none"


def test_seed_flow_never_stores_wrong_credentials(
    sandbox: Sandbox, secret_service: services.SecretService
) -> None:
    server = sandbox.server
    service = f"uv-credentials:{server.simple_url}"
    sandbox.env.update(_secret_env(secret_service, sandbox))
    (sandbox.project / "uv.toml").write_text(
        'keyring-provider = "native"\npreview-features = ["native-auth"]\n'
        f'[[index]]\nname = "private"\nurl = "{server.simple_url}"\ndefault = true\n'
    )
    _forget(sandbox.env, service)
    run = sandbox.fetch(
        env={"UV_INDEX_PRIVATE_USERNAME": USER, "UV_INDEX_PRIVATE_PASSWORD": "WRONG-pw"}
    )
    assert run.code == 1
    assert "403" in run.stderr and "WRONG-pw" not in run.stderr
    assert _held(sandbox.env, service) == "none"
