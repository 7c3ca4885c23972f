"""Test servers run as subprocesses (like Scrapy's own tests/mockserver/)."""

from __future__ import annotations

import contextlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> int:
    """Listen, say ``READY http://HOST:PORT`` (what tests/conftest.py LocalServer waits for), serve
    until stopped."""
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    print(f"READY http://{host}:{server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0
