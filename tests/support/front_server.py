"""A small HTTP server on 127.0.0.1 in front of the real pypiserver, for redirects and a
second index on the same host.

Routes (everything else is 404):

    /a/simple/...        forwarded to pypiserver's /simple/... with the Authorization header
    /c/simple/...        (indexes A and C: the real server checks the password)
    /b/simple/...        answered here, 200 with an empty project page, no authentication
                         (index B: anonymous, on the same host and port as A)
    /to?url=U            302 to U (U may carry userinfo: the network chooses it)

Every request is recorded (path, status, the Basic username and password it carried), so
that tests can see what was sent where. Tests only: the password is kept in memory.
"""

from __future__ import annotations

import base64
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    path: str
    status: int
    user: str | None
    password: str | None


@dataclass
class FrontServer:
    upstream: str
    seen: list[Seen] = field(default_factory=list)
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def record(self, path: str, status: int, header: str | None) -> None:
        user = password = None
        if header and header.lower().startswith("basic "):
            decoded = base64.b64decode(header.split(" ", 1)[1]).decode("utf-8", "replace")
            user, _, password = decoded.partition(":")
        with self._lock:
            self.seen.append(Seen(path, status, user, password))


def _handler(front: FrontServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(
            self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
        ) -> None:
            front.record(self.path, status, self.headers.get("Authorization"))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/to":
                target = parse_qs(parts.query).get("url", [""])[0]
                self._reply(302, headers={"Location": target})
            elif parts.path.startswith("/b/simple/"):
                page = b"<!DOCTYPE html><html><body></body></html>"
                self._reply(200, page, {"Content-Type": "text/html"})
            elif parts.path.startswith(("/a/simple/", "/c/simple/")):
                self._forward(parts.path[len("/a") :])
            else:
                self._reply(404)

        def _forward(self, path: str) -> None:
            request = urllib.request.Request(front.upstream + path)
            header = self.headers.get("Authorization")
            if header:
                request.add_header("Authorization", header)
            try:
                with urllib.request.urlopen(request, timeout=20) as answer:
                    body, status = answer.read(), answer.status
                    kind = answer.headers.get("Content-Type", "text/html")
            except urllib.error.HTTPError as error:
                body, status, kind = error.read(), error.code, "text/plain"
            self._reply(status, body, {"Content-Type": kind})

    return Handler


@contextmanager
def front_server(upstream: str) -> Iterator[FrontServer]:
    """Serve a `FrontServer` for `upstream` (the pypiserver base URL) on a free port."""
    front = FrontServer(upstream.rstrip("/"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(front))
    front.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield front
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
