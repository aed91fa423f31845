"""A tiny threaded HTTP/1.1 server with Basic auth, for the PolicyAuth overhead figure.

pypiserver spends milliseconds per request, which would hide the cost of an auth class; this
one answers in microseconds so that the client's own work dominates. Run as a script:

    python -m benchmarks.fast_server USER PASSWORD [LIFETIME_SECONDS]

It binds 127.0.0.1 on a free port, prints the port on stdout, and stops after LIFETIME
seconds (default 300) or on SIGTERM. `GET /_stats` (no auth) returns the status counts.
"""

from __future__ import annotations

import base64
import json
import signal
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = b'<!DOCTYPE html><html><body><a href="/packages/x-1.0-py3-none-any.whl">x</a></body></html>'


def make_handler(expected: str, counts: Counter[int], lock: threading.Lock) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One write per response, sent at once: headers and body in separate unbuffered
        # writes meet Nagle's algorithm and delayed ACKs, 40 ms a request.
        wbufsize = -1
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, status: int, body: bytes, extra: dict[str, str]) -> None:
            with lock:
                counts[status] += 1
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/_stats":
                with lock:
                    body = json.dumps({str(k): v for k, v in counts.items()}).encode()
                    counts.clear()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if self.headers.get("Authorization") != expected:
                self._answer(401, b"unauthorized", {"WWW-Authenticate": 'Basic realm="bench"'})
                return
            self._answer(200, BODY, {})

    return Handler


def main(argv: list[str]) -> int:
    user, password = argv[0], argv[1]
    lifetime = float(argv[2]) if len(argv) > 2 else 300.0
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    counts: Counter[int] = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(expected, counts, threading.Lock()))
    server.daemon_threads = True

    def stop(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    timer = threading.Timer(lifetime, stop)
    timer.daemon = True
    timer.start()
    print(server.server_address[1], flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
