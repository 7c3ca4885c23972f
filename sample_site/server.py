"""A small real HTTP server for the sample news site.

    python -m sample_site.server [--port 0] [--discovery all|sitemap|feed|links] [--broken]

Prints ``READY http://127.0.0.1:PORT`` once it listens. ``--discovery`` limits how the site
lists its articles, so each discovery path can be tested alone. ``GET /__requests`` returns how
often each path was requested (robots.txt keeps crawlers out of ``/__``). ``--broken`` serves article pages as a redesign
gone wrong would: the same URLs and headlines, a one-line teaser instead of the text (the monitors'
test). ``--rendered SECTION`` serves that section's article pages as a single-page app does: a
shell whose script fetches the article from ``/api/article`` after load (the rendering test).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from sample_site import pages
from sample_site.content import SECTIONS, SampleArticle, build_articles, edited, fresh_article

DISCOVERY = ("all", "sitemap", "feed", "links")


class Site:
    def __init__(
        self,
        discovery: str = "all",
        now: datetime | None = None,
        delay: float = 0.0,
        broken: bool = False,
        rendered: str | None = None,
    ) -> None:
        self.discovery = discovery
        self.delay = delay
        self.broken = broken
        self.rendered = rendered  # a section whose article pages are client-rendered
        self.articles = build_articles(now or datetime.now(UTC))
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def listed(self) -> list[SampleArticle]:
        return [a for a in self.articles if a.listed]

    @property
    def tracked(self) -> SampleArticle:
        """The article also served under ?utm_source= and /amp/ URLs."""
        return self.articles[1]

    def describe(self, a: SampleArticle) -> dict[str, object]:
        return {
            "path": a.path,
            "headline": a.headline,
            "author": a.author,
            "published": a.published.isoformat(),
            "modified": a.modified.isoformat() if a.modified else None,
            "paragraphs": a.paragraphs,
            "template": a.template,
            "listed": a.listed,
            "section": a.section,
        }

    def by_path(self, path: str) -> SampleArticle | None:
        for a in self.articles:
            if a.path == path:
                return a
        return None

    def render(self, path: str, query: dict[str, list[str]], base: str) -> tuple[int, str, str]:
        d = self.discovery
        sitemaps, feeds, links = d in ("all", "sitemap"), d in ("all", "feed"), d in ("all", "links")
        newest = max(a.modified or a.published for a in self.articles)
        if path == "/robots.txt":
            return 200, "text/plain", pages.robots(sitemaps, base)
        if path == "/":
            return 200, "text/html", pages.home(self.articles, feeds, links, self.tracked if links else None)
        if sitemaps and path == "/sitemap_index.xml":
            return 200, "application/xml", pages.sitemap_index(base, newest)
        if sitemaps and path == "/sitemap-articles.xml":
            return 200, "application/xml", pages.sitemap_articles(base, self.listed)
        if sitemaps and path == "/news-sitemap.xml":
            return 200, "application/xml", pages.news_sitemap(base, self.listed)
        if feeds and path == "/feed.xml":
            return 200, "application/rss+xml", pages.rss(base, self.listed, self.tracked)
        if path == pages.ABOUT_PATH:
            return 200, "text/html", pages.about()
        if self.rendered and path == "/static/app.js":
            return 200, "application/javascript", pages.APP_JS
        if self.rendered and path == "/api/article":
            found = self.by_path((query.get("path") or [""])[0])
            if found is None or found.section != self.rendered:
                return 404, "application/json", "{}"
            return 200, "application/json", pages.app_article(self._article_html(found, False))
        if path.startswith("/section/") and path.count("/") == 3:
            name = path.split("/")[2]
            if name in SECTIONS and links:
                raw = (query.get("page") or ["1"])[0]
                page = int(raw) if raw.isdigit() else 1
                return 200, "text/html", pages.section(name, self.articles, page)
        variant = path.startswith(("/amp/", "/m/"))  # AMP and mobile copies of the tracked article
        article = self.by_path(path[path.index("/", 1) :] if variant else path)
        if article is not None and (not variant or article is self.tracked):
            if self.delay:
                time.sleep(self.delay)
            if self.rendered and article.section == self.rendered and not variant:
                return 200, "text/html", pages.app_shell()
            return 200, "text/html", self._article_html(article, variant)
        return 404, "text/html", "<html><body><h1>Not found</h1></body></html>"

    def _article_html(self, article: SampleArticle, amp: bool) -> str:
        if self.broken:
            return pages.broken_article(article)
        others = [a for a in self.articles if a is not article]
        return pages.article_page(article, others, amp=amp)


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/__requests":
                with site.lock:
                    body = json.dumps(dict(site.requests)).encode()
                self._send(200, "application/json", body)
                return
            if parts.path in ("/__publish", "/__edit"):  # the site's newsroom, for the tests
                query = parse_qs(parts.query)
                with site.lock:
                    now = datetime.now(UTC)
                    if parts.path == "/__publish":
                        for _ in range(int(query.get("n", ["1"])[0])):
                            site.articles.insert(0, fresh_article(len(site.articles), now))
                    else:
                        edited(site.articles[int(query["index"][0])], now)
                self._send(200, "application/json", b"{}")
                return
            if parts.path == "/__articles":  # what each article page states, for the tests
                with site.lock:
                    body = json.dumps([site.describe(a) for a in site.articles]).encode()
                self._send(200, "application/json", body)
                return
            with site.lock:
                site.requests[parts.path] += 1
            host = self.headers.get("Host") or "127.0.0.1"
            status, ctype, text = site.render(parts.path, parse_qs(parts.query), f"http://{host}")
            self._send(status, f"{ctype}; charset=utf-8", text.encode("utf-8"))

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client went away
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet: tests read /__requests
            pass

    return Handler


def serve(
    port: int = 0,
    discovery: str = "all",
    host: str = "127.0.0.1",
    delay: float = 0.0,
    broken: bool = False,
    rendered: str | None = None,
) -> ThreadingHTTPServer:
    site = Site(discovery, delay=delay, broken=broken, rendered=rendered)
    server = ThreadingHTTPServer((host, port), make_handler(site))
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_site.server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--discovery", choices=DISCOVERY, default="all")
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds before each article page (slow site)"
    )
    parser.add_argument(
        "--broken", action="store_true", help="article pages with a teaser, not their text (a bad redesign)"
    )
    parser.add_argument(
        "--rendered", choices=SECTIONS, help="serve this section's article pages as app shells"
    )
    args = parser.parse_args(argv)
    try:
        server = serve(
            args.port, args.discovery, delay=args.delay, broken=args.broken, rendered=args.rendered
        )
    except OSError as exc:
        parser.exit(2, f"error: cannot listen on port {args.port}: {exc.strerror}\n")
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
