"""A real pypiserver with Basic auth on 127.0.0.1 that logs one JSON line per request.

Run as a script (the tests start it as a subprocess):

    python tests/support/index_server.py --port P --htpasswd F --packages DIR --log FILE

The log records method, path, status, whether an Authorization header came, the Basic
username, and whether the password was `correct`, `wrong` or `empty`; never the password.
It binds 127.0.0.1 only and stops by itself after --lifetime seconds.
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


def classify_authorization(header: str | None, users: dict[str, str]) -> dict[str, Any]:
    """What the request's Authorization header carried, without its secret."""
    if not header:
        return {"auth": None, "user": None, "password": None}
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return {"auth": scheme.lower(), "user": None, "password": None}
    try:
        user, _, password = base64.b64decode(value).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return {"auth": "basic", "user": None, "password": "wrong"}
    state = "empty" if not password else "correct" if users.get(user) == password else "wrong"
    return {"auth": "basic", "user": user, "password": state}


class _RequestLog:
    def __init__(
        self, app: Callable[..., Iterable[bytes]], path: str, users: dict[str, str]
    ) -> None:
        self.app, self.path, self.users = app, path, users
        self.lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        record: dict[str, Any] = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            **classify_authorization(environ.get("HTTP_AUTHORIZATION"), self.users),
        }

        def recording_start(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            record["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, recording_start)
        finally:
            with self.lock, open(self.path, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops the connections uv opens in parallel (the kernel
    # retries them a second later), which would bill a client for the server's limit.
    request_queue_size = 256


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def write_htpasswd(path: str, users: dict[str, str]) -> None:
    """The htpasswd file pypiserver checks, made with passlib (pypiserver's own dependency)."""
    from passlib.apache import HtpasswdFile

    htpasswd = HtpasswdFile(path, new=True)
    for user, password in users.items():
        htpasswd.set_password(user, password)
    htpasswd.save()


def main() -> int:
    import pypiserver
    from pypiserver.config import Config

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--htpasswd", required=True)
    parser.add_argument("--packages", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--users", required=True, help="JSON file {user: password}")
    parser.add_argument("--lifetime", type=float, default=900.0)
    options = parser.parse_args()
    with open(options.users, encoding="utf-8") as users_file:
        users: dict[str, str] = json.load(users_file)
    write_htpasswd(options.htpasswd, users)

    config = Config.from_args(
        [
            "run",
            "-i",
            "127.0.0.1",
            "-p",
            str(options.port),
            "-a",
            "download,list,update",
            "-P",
            options.htpasswd,
            "--disable-fallback",
            options.packages,
        ]
    )
    app = pypiserver.setup_routes_from_config(pypiserver.app_from_config(config), config)
    logged = _RequestLog(app, options.log, users)
    server = make_server(
        "127.0.0.1", options.port, logged, server_class=_Server, handler_class=_QuietHandler
    )

    def stop(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    timer = threading.Timer(options.lifetime, stop)
    timer.daemon = True
    timer.start()
    print(f"ready {time.time()}", flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
