"""The sample site behind a bot wall, as Cloudflare's managed challenge puts one (issue #22).

    python -m tests.mockserver.challenge [--port 0] [--status 403] [--open PREFIX ...]

Run it from the repository root; it prints ``READY http://127.0.0.1:PORT`` once it listens. It
serves the sample site (sample_site/server.py) to clients that send Chrome's client hints
(``sec-ch-ua`` naming Chromium or Chrome, ``sec-ch-ua-mobile``, ``sec-ch-ua-platform``) and its
fetch metadata (``sec-fetch-site``, ``sec-fetch-mode``, ``sec-fetch-dest``), as curl_cffi's
``impersonate="chrome"`` sends them. Every other request, robots.txt included (Cloudflare
challenges it too), gets a "Just a moment..." challenge page (tests/fixtures/blocked/) with
``--status``: with 403 or 503 Cloudflare's headers come along (``server: cloudflare`` on every
answer, ``cf-mitigated: challenge`` on the challenge), as Cloudflare sends them; with 200 the page comes alone, as a wall
behind another CDN serves it, so that only the page tells what it is.

``--open`` path prefixes are served to every client (a site that lets search engines read its
sitemaps, ``--open /sitemap``), so that a crawl without a browser's headers still learns the
article URLs and asks for them. Test endpoints, never challenged: the sample site's
(``/__requests``, ``/__articles``...) and ``GET /__challenged``, ``{"/path": n}`` requests answered
with the challenge page.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
from collections import Counter
from email.message import Message
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from sample_site.server import Site, make_handler
from tests.mockserver import serve

PAGE = (Path(__file__).parent.parent / "fixtures" / "blocked" / "cloudflare_challenge.html").read_bytes()
# What curl_cffi's impersonate="chrome" sends and a plain HTTP client does not.
BROWSER_HEADERS = (
    "sec-ch-ua",
    "sec-ch-ua-mobile",
    "sec-ch-ua-platform",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
)


def looks_like_chrome(headers: Message) -> bool:
    """Chrome's client hints and fetch metadata, all of them, and a brand that is Chrome's."""
    if any(not headers.get(name) for name in BROWSER_HEADERS):
        return False
    return "chrom" in (headers.get("sec-ch-ua") or "").lower()


def make_wall(site: Site, status: int, open_prefixes: tuple[str, ...]) -> type[BaseHTTPRequestHandler]:
    site_handler = make_handler(site)
    challenged: Counter[str] = Counter()
    lock = threading.Lock()

    class Wall(site_handler):  # type: ignore[valid-type,misc]
        def version_string(self) -> str:
            return "cloudflare" if status != 200 else super().version_string()

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/__challenged":
                with lock:
                    body = json.dumps(dict(challenged)).encode()
                self._send(200, "application/json", body)
                return
            if path.startswith("/__") or path.startswith(open_prefixes) or looks_like_chrome(self.headers):
                super().do_GET()
                return
            with lock:
                challenged[path] += 1
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.send_header("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate")
            if status != 200:
                self.send_header("cf-mitigated", "challenge")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(PAGE)

    return Wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mockserver.challenge")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--status", type=int, default=403, help="the challenge page's HTTP status")
    parser.add_argument("--open", nargs="*", default=[], help="path prefixes served to any client")
    args = parser.parse_args(argv)
    return serve("127.0.0.1", args.port, make_wall(Site(), args.status, tuple(args.open)))


if __name__ == "__main__":
    sys.exit(main())
