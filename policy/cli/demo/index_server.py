"""A tiny PEP 503 index with Basic auth on 127.0.0.1, for `keyring-policy demo`.

It needs nothing beyond the standard library, so the demo runs right after `pip install`.
Files live under `/packages/`, outside the `/simple/` index path, as on pypiserver, so the demo
shows credentials following the realm. Every request is recorded (method, path, status and
whether credentials came), never the credentials themselves.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import threading
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True)
class RecordedRequest:
    """One request the demo index answered."""

    method: str
    path: str
    status: int
    had_credentials: bool


def _tiny_wheel(project: str, version: str) -> bytes:
    module = project.replace("-", "_")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{module}/__init__.py", f'__version__ = "{version}"\n')
        archive.writestr(
            f"{module}-{version}.dist-info/METADATA",
            f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n",
        )
    return buffer.getvalue()


class DemoIndex:
    """Serve `projects` at `http://127.0.0.1:<port>/simple/` for one `username`/`password`."""

    def __init__(
        self,
        username: str,
        password: str,
        projects: tuple[str, ...] = ("demo-pkg",),
        version: str = "1.0",
    ) -> None:
        self._expected = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._files = {
            f"{p.replace('-', '_')}-{version}-py3-none-any.whl": _tiny_wheel(p, version)
            for p in projects
        }
        self._projects = {p: f"{p.replace('-', '_')}-{version}-py3-none-any.whl" for p in projects}
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """The index URL (`.../simple/`)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/simple/"

    def __enter__(self) -> DemoIndex:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def take_requests(self) -> list[RecordedRequest]:
        """The requests recorded since the last call."""
        with self._lock:
            taken, self.requests = self.requests, []
        return taken

    def _status_for(self, authorization: str | None) -> int:
        if not authorization:
            return 401
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "basic" and hmac.compare_digest(value.strip(), self._expected):
            return 200
        return 403

    def _page(self, path: str) -> tuple[int, bytes, str]:
        if path == "/simple/":
            links = "".join(f'<a href="/simple/{p}/">{p}</a>\n' for p in self._projects)
            body = f"<!DOCTYPE html><html><body>\n{links}</body></html>\n"
            return 200, body.encode(), "text/html"
        for project, filename in self._projects.items():
            if path == f"/simple/{project}/":
                digest = hashlib.sha256(self._files[filename]).hexdigest()
                link = f'<a href="/packages/{filename}#sha256={digest}">{filename}</a>'
                body = f"<!DOCTYPE html><html><body>\n{link}\n</body></html>\n"
                return 200, body.encode(), "text/html"
        filename = path.removeprefix("/packages/")
        if path.startswith("/packages/") and filename in self._files:
            return 200, self._files[filename], "application/octet-stream"
        return 404, b"not found\n", "text/plain"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                authorization = self.headers.get("Authorization")
                status = index._status_for(authorization)
                body, content_type = b"", "text/plain"
                if status == 200:
                    status, body, content_type = index._page(self.path.split("?", 1)[0])
                with index._lock:
                    index.requests.append(
                        RecordedRequest("GET", self.path, status, authorization is not None)
                    )
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="demo"')
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Silence the default access log (the demo prints its own)."""

        return Handler
