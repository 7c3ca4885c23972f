"""A scheduled user's repeat run: the same real-world site crawled twice with one crawl state.

    python benchmarks/repeat_run.py [--pages 80] [--repo .] [--timeout 300] [--site-dir DIR]
                                    [--dates every|whole]

The site: --pages distinct copies of the real article pages in ../shared/datasets (made as
benchmarks/crawl.py makes them), served by a local Python server whose sitemap lists each page the
way real sites do: under a URL that answers 301 (an old slug, a `?p=N` shortlink, a chain of two
hops) for three pages in four, and with `<lastmod>` values in every style real CMSs print
(fractions of a second naive and with `Z` or `-04:30`, `+0000`, naive, a bare day).

`scrapy crawl news` runs twice from --repo (this repository by default; point it at a checkout of
an older commit to compare) with one fresh crawl state. Printed per run: exit status, lines
written, requests for article pages and their redirect hops, and wall time; a run still going
after --timeout seconds is killed and reported as a hang. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import crawl as bench_site  # noqa: E402  (the real-page copies of the throughput benchmark)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
STYLES = (
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%S+0000",
    "-0430",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
)


WHOLE_SECONDS = ("%Y-%m-%dT%H:%M:%S+00:00",)  # --dates whole: the redirects alone


def lastmod(i: int, base: datetime, styles: tuple[str, ...] = STYLES) -> str:
    when = base - timedelta(hours=i, microseconds=83593 * (i + 1))
    style = styles[i % len(styles)]
    if style == "-0430":
        return when.astimezone(timezone(timedelta(hours=-4, minutes=-30))).strftime(
            "%Y-%m-%dT%H:%M:%S.%f-04:30"
        )
    return when.astimezone(UTC).strftime(style)


def listed_path(i: int, path: str) -> str:
    """How the sitemap names page i: three in four under a redirect."""
    return [path, "/old-slug" + path, f"/p/{i}", "/hop" + path][i % 4]


class Site:
    def __init__(self, site_dir: Path) -> None:
        self.dir = site_dir
        self.paths: list[str] = []
        self.base = ""
        self.sitemap = ""
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()

    def publish(self, paths: list[str], base: str, styles: tuple[str, ...] = STYLES) -> None:
        """The pages and the sitemap naming them (once the port, which the pages name, is known)."""
        self.paths, self.base = paths, base
        now = datetime.now(UTC) - timedelta(days=1)
        urls = "".join(
            f"<url><loc>{base}{listed_path(i, p)}</loc><lastmod>{lastmod(i, now, styles)}</lastmod></url>"
            for i, p in enumerate(paths)
        )
        self.sitemap = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'

    def reply(self, path: str, query: str) -> tuple[int, str, bytes, str | None]:
        if path == "/robots.txt":
            return 200, "text/plain", f"User-agent: *\nSitemap: {self.base}/sitemap.xml\n".encode(), None
        if path == "/sitemap.xml":
            return 200, "application/xml", self.sitemap.encode(), None
        if path == "/":
            return (
                200,
                "text/html",
                b"<html><head><title>Bench News</title></head><body><h1>Bench</h1></body></html>",
                None,
            )
        if path.startswith("/old-slug/"):
            return 301, "text/html", b"", self.base + path[len("/old-slug") :]
        if path.startswith("/hop/"):
            return 301, "text/html", b"", self.base + "/old-slug" + path[len("/hop") :]
        if path.startswith("/p/") and path[3:].isdigit() and int(path[3:]) < len(self.paths):
            return 301, "text/html", b"", self.base + self.paths[int(path[3:])]
        file = self.dir / path.lstrip("/")
        if path.startswith("/news/") and file.is_file():
            return 200, "text/html; charset=utf-8", file.read_bytes(), None
        return 404, "text/html", b"<html><body>Not found</body></html>", None


def serve(site: Site) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            with site.lock:
                site.requests[path] += 1
            status, ctype, body, location = site.reply(path, query)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def article_requests(counts: Counter[str]) -> int:
    return sum(n for p, n in counts.items() if p.startswith(("/news/", "/old-slug/", "/p/", "/hop/")))


def run(repo: Path, base: str, state: Path, out: Path, timeout: float) -> dict[str, object]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={base}/", "-O", str(out),
           "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWLER_STATE_DIR={state}", "-s", "LOG_LEVEL=INFO"]  # fmt: skip
    started = time.monotonic()
    try:
        res = subprocess.run(
            cmd, cwd=repo, capture_output=True, text=True, timeout=timeout, env=dict(os.environ)
        )
        status: object = res.returncode
    except subprocess.TimeoutExpired:
        status = f"hung (killed after {timeout:g} s)"
    lines = out.read_text().count("\n") if out.exists() else 0
    return {"exit": status, "written": lines, "seconds": round(time.monotonic() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=80)
    parser.add_argument("--repo", type=Path, default=HERE.parent)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument(
        "--dates", choices=("every", "whole"), default="every", help="whole: lastmods in whole seconds only"
    )
    parser.add_argument(
        "--site-dir", type=Path, default=Path(tempfile.gettempdir()) / "newscrawler-repeat-site"
    )
    opts = parser.parse_args(argv)

    site = Site(opts.site_dir)
    server = serve(site)  # a port first: the copies name their own URLs
    port = server.server_address[1]
    opts.site_dir.mkdir(parents=True, exist_ok=True)
    styles = STYLES if opts.dates == "every" else WHOLE_SECONDS
    site.publish(bench_site.build_site(opts.site_dir, opts.pages, port), f"http://127.0.0.1:{port}", styles)
    results = []
    with tempfile.TemporaryDirectory() as work:
        for n in (1, 2):
            before = Counter(site.requests)
            result = run(
                opts.repo.resolve(), site.base, Path(work) / "state", Path(work) / f"{n}.jsonl", opts.timeout
            )
            result["article requests"] = article_requests(site.requests - before)
            results.append(result)
            print(f"run {n}: {json.dumps(result)}", flush=True)
    server.shutdown()
    print(
        "\n| run | exit | written | article requests (pages + redirect hops) | wall s |\n|---|---|---|---|---|\n"
        + "\n".join(
            f"| {n} | {r['exit']} | {r['written']} | {r['article requests']} | {r['seconds']} |"
            for n, r in enumerate(results, 1)
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
