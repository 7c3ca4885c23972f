"""A forward HTTP proxy that asks for credentials, for the proxy tests.

    python -m tests.mockserver.proxy --user USER --password PASSWORD [--port 0]

Prints ``READY http://127.0.0.1:PORT``. Serves GET requests in absolute form
(``GET http://host:port/path``), as HTTP clients send them to a proxy, when they carry
``Proxy-Authorization: Basic`` with the credentials; 407 otherwise. ``GET /__requests`` (origin
form: asked of the proxy itself) returns ``{"forwarded": n, "refused": n}``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler
from urllib.error import HTTPError
from urllib.request import ProxyHandler, Request, build_opener

from tests.mockserver import serve

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailers",
              "transfer-encoding", "upgrade", "host"}  # fmt: skip


def make_handler(user: str, password: str) -> type[BaseHTTPRequestHandler]:
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    counts = {"forwarded": 0, "refused": 0}
    lock = threading.Lock()
    opener = build_opener(ProxyHandler({}))  # straight to the site: no proxy of the proxy

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/__requests":
                with lock:
                    self._send(200, {"Content-Type": "application/json"}, json.dumps(counts).encode())
                return
            if self.headers.get("Proxy-Authorization") != expected:
                with lock:
                    counts["refused"] += 1
                self._send(407, {"Proxy-Authenticate": 'Basic realm="test"'}, b"proxy credentials needed")
                return
            with lock:
                counts["forwarded"] += 1
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            try:
                with opener.open(Request(self.path, headers=headers), timeout=10) as upstream:
                    status, body, reply = upstream.status, upstream.read(), dict(upstream.headers)
            except HTTPError as exc:
                status, body, reply = exc.code, exc.read(), dict(exc.headers)
            self._send(status, {k: v for k, v in reply.items() if k.lower() not in HOP_BY_HOP}, body)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mockserver.proxy")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args(argv)
    return serve("127.0.0.1", args.port, make_handler(args.user, args.password))


if __name__ == "__main__":
    sys.exit(main())
