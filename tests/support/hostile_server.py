"""A deliberately hostile or broken index: stdlib `http.server` in a thread on 127.0.0.1.

Each test mounts the routes it needs (`server.route(path, handler)`); a handler gets the
`BaseHTTPRequestHandler` and writes whatever it likes, including endless, dripping or
compressed bodies. `run_cli` runs the real command line in a child process, bounded by a
timeout and, optionally, by an address-space limit (`RLIMIT_AS`) set in the child.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.services import isolated_home

REPO = Path(__file__).resolve().parents[2]
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class HostileIndex:
    """Routes by exact path; unknown paths answer 404. `base` is `http://127.0.0.1:PORT`."""

    routes: dict[str, Handler] = field(default_factory=dict)
    base: str = ""
    stop_event: threading.Event = field(default_factory=threading.Event)

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def json_page(self, project: str, files: list[dict[str, Any]]) -> None:
        """A PEP 691 page for `project` at `/simple/<project>/`."""
        body = json.dumps({"meta": {"api-version": "1.1"}, "name": project, "files": files})
        self.route(f"/simple/{project}/", lambda h: send(h, body.encode(), SIMPLE_JSON))

    @property
    def simple(self) -> str:
        return f"{self.base}/simple/"


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    content_type: str = "application/octet-stream",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def stream_gzip(
    handler: BaseHTTPRequestHandler,
    total: int | None,
    content_type: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    """A gzip body of `total` zero bytes (None: endless), compressed while it is sent."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Connection", "close")
    handler.end_headers()
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    sent = 0
    try:
        while total is None or sent < total:
            handler.wfile.write(compressor.compress(block))
            sent += len(block)
        handler.wfile.write(compressor.flush())
    except OSError:
        pass  # the client hung up: that is the point


def stream_endless(handler: BaseHTTPRequestHandler, content_type: str) -> None:
    """An endless plain body (no Content-Length, closed by the client)."""
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Connection", "close")
    handler.end_headers()
    block = b" " * (1 << 16)
    try:
        while True:
            handler.wfile.write(block)
    except OSError:
        pass


def drip(handler: BaseHTTPRequestHandler, stop: threading.Event, every: float = 0.5) -> None:
    """One byte every `every` seconds, until the client hangs up or the server stops."""
    handler.send_response(200)
    handler.send_header("Content-Type", SIMPLE_JSON)
    handler.send_header("Content-Length", str(1 << 20))
    handler.end_headers()
    try:
        while not stop.is_set():
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(every)
    except OSError:
        pass


@contextmanager
def hostile_index() -> Iterator[HostileIndex]:
    """Start the server in a daemon thread; stop it (and every dripping handler) on exit."""
    index = HostileIndex()

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            handler = index.routes.get(self.path.split("?", 1)[0])
            if handler is None:
                send(self, b"not found", "text/plain", status=404)
                return
            handler(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    index.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield index
    finally:
        index.stop_event.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def cli_env(root: Path, **extra: str) -> dict[str, str]:
    """An isolated environment for the child: its own HOME, no system config, no proxy."""
    return {
        **isolated_home(root),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "UV_NO_SYSTEM_CONFIG": "1",
        "NO_PROXY": "127.0.0.1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        **extra,
    }


def _address_space(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_cli(
    args: list[str],
    env: dict[str, str],
    cwd: Path,
    *,
    memory_limit: int | None = None,
    timeout: float = 120,
) -> Result:
    """`python -m policy ARGS` in a child; `memory_limit` caps its address space (bytes)."""
    done = subprocess.run(
        [sys.executable, "-m", "policy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=None if memory_limit is None else _address_space(memory_limit),
    )
    return Result(done.returncode, done.stdout, done.stderr)
