"""A static file server for the archive tests: serves a folder (WARC files, a CC-NEWS layout) on
127.0.0.1 with HTTP Range, and drops the connection once midway through the first download of
each ``.warc.gz`` file (``--drop-after`` bytes), as a long download over the internet may.

    python -m tests.mockserver.warc_server --dir DIR [--drop-after N]   # prints READY <url>

``/__requests`` lists each request as [path, Range header or null].
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

LOCK = threading.Lock()
REQUESTS: list[tuple[str, str | None]] = []
DROPPED: set[str] = set()


def handler(root: Path, drop_after: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/__requests":
                with LOCK:
                    body = json.dumps(REQUESTS).encode()
                self._head(200, len(body), "application/json")
                self.wfile.write(body)
                return
            with LOCK:
                REQUESTS.append((path, self.headers.get("Range")))
            target = (root / path.lstrip("/")).resolve()
            if root not in target.parents or not target.is_file():
                self._head(404, 0)
                return
            data = target.read_bytes()
            start = 0
            wanted = self.headers.get("Range", "")
            if wanted.startswith("bytes="):
                start = int(wanted[6:].split("-")[0])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
            else:
                self._head(200, len(data))
            body = data[start:]
            with LOCK:
                drop = drop_after and path.endswith(".warc.gz") and path not in DROPPED
                if drop:
                    DROPPED.add(path)
            if drop and len(body) > drop_after:
                self.wfile.write(body[:drop_after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.close()  # midway: the client has a Content-Length it will not get
                return
            self.wfile.write(body)

        def _head(self, status: int, length: int, ctype: str = "application/octet-stream") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(length))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--drop-after", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(Path(args.dir).resolve(), args.drop_after))
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
