"""The tests' pypiserver (tests/support/index_server.py) with a listen backlog fit for uv.

socketserver's default backlog is 5 connections. uv opens dozens at once, and the kernel drops
the rest until a SYN retry a second later, which would bill uv for the server's limit. This
runs the same app and request log with a backlog of 256. Same arguments as the original.
"""

from __future__ import annotations

from tests.support import index_server


class _Server(index_server._Server):
    request_queue_size = 256


if __name__ == "__main__":
    index_server._Server = _Server  # type: ignore[misc]
    raise SystemExit(index_server.main())
