"""A tiny redirecting server on 127.0.0.1 (stdlib, in a thread) for cross-origin redirect tests.

Every GET is answered with a 302 to `target` + the request path, and whether it carried an
Authorization header is recorded (never the header's value).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Redirector:
    """Where the redirector sends requests, and what it saw."""

    port: int = 0
    target: str = ""
    seen: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def redirector(target: str = "") -> Iterator[Redirector]:
    """Start a `Redirector` to `target` (set or change `.target` later); stop it afterwards."""
    state = Redirector(target=target)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.seen.append((self.path, "Authorization" in self.headers))
            self.send_response(302)
            self.send_header("Location", state.target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = int(server.server_address[1])
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(60)
