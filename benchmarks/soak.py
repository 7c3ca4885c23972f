"""Memory soak: does the crawler's resident memory stay flat over a long crawl of one big site?

    python benchmarks/soak.py [--pages 20000] [--every 1000] [--out result.json] [--keep]

Serves N distinct article pages (sample_site.generated: real-looking text, far apart for the
near-duplicate filter) from a local server on 127.0.0.1, listed in a sitemap index of sitemaps of at
most 5,000 URLs, and crawls it with the real command

    scrapy crawl news -a url=http://127.0.0.1:PORT/ -s AUTOTHROTTLE_ENABLED=False
                      -s NEWSCRAWLER_STATE_DIR=<tmp> -O <tmp>/out.jsonl

in a subprocess. Every ``--every`` article pages served (the server counts them) it samples the
crawl process's RSS (psutil if installed, else /proc/<pid>/status VmRSS). Prints the table of
pages and RSS, the least-squares slope in MB per 1,000 pages over the second half of the samples,
and how many lines the crawl wrote. MB are MiB. Takes about N / 12 seconds. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # sample_site/ lives in the repository, it is not installed

from sample_site import pages  # noqa: E402
from sample_site.generated import generated_article  # noqa: E402

SITEMAP_SIZE = 5000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class SoakSite:
    """N generated articles; pages are rendered on request, only the paths are kept."""

    def __init__(self, n: int) -> None:
        self.now = datetime.now(UTC)
        self.paths = [generated_article(i, self.now).path for i in range(n)]
        self.index = {p: i for i, p in enumerate(self.paths)}
        self.articles_served = 0
        self.other_served = 0
        self.lock = threading.Lock()

    def render(self, path: str, base: str) -> tuple[int, str, str]:
        if path in self.index:
            i = self.index[path]
            with self.lock:
                self.articles_served += 1
            a = generated_article(i, self.now)
            others = [generated_article(j, self.now) for j in (i - 1, i + 1) if 0 <= j < len(self.paths)]
            return 200, "text/html", pages.modern(a, others)
        with self.lock:
            self.other_served += 1
        if path == "/robots.txt":
            return 200, "text/plain", f"User-agent: *\nSitemap: {base}/sitemap_index.xml\n"
        if path == "/":
            latest = "".join(f'<li><a href="{p}">Story {i}</a></li>' for i, p in enumerate(self.paths[:10]))
            return (
                200,
                "text/html",
                f"<!doctype html><html><head><title>Soak</title></head><body><ul>{latest}</ul></body></html>",
            )
        if path == "/sitemap_index.xml":
            n = (len(self.paths) + SITEMAP_SIZE - 1) // SITEMAP_SIZE
            maps = "".join(f"<sitemap><loc>{base}/sitemap-{k}.xml</loc></sitemap>" for k in range(n))
            return (
                200,
                "application/xml",
                f'<?xml version="1.0"?><sitemapindex xmlns="{SITEMAP_NS}">{maps}</sitemapindex>',
            )
        if path.startswith("/sitemap-") and path.endswith(".xml") and path[9:-4].isdigit():
            k = int(path[9:-4])
            chunk = self.paths[k * SITEMAP_SIZE : (k + 1) * SITEMAP_SIZE]
            urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in chunk)
            return (
                200,
                "application/xml",
                f'<?xml version="1.0"?><urlset xmlns="{SITEMAP_NS}">{urls}</urlset>',
            )
        return 404, "text/html", "<html><body>Not found</body></html>"


def serve(site: SoakSite) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://{self.headers.get('Host') or '127.0.0.1'}"
            status, ctype, text = site.render(self.path.split("?", 1)[0], base)
            body = text.encode("utf-8")
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def rss_mb(pid: int) -> float | None:
    try:
        import psutil  # type: ignore[import-untyped]

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:  # the process is gone
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of RSS (MB) against pages, in MB per 1,000 pages."""
    if len(points) < 2:
        return None
    xs, ys = [p for p, _ in points], [m for _, m in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return 1000 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20000, help="article pages to serve and crawl")
    parser.add_argument("--every", type=int, default=1000, help="sample RSS every this many article pages")
    parser.add_argument("--out", type=Path, help="write the result as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (output, state, log)")
    args = parser.parse_args(argv)

    print(f"Generating {args.pages} articles...", flush=True)
    site = SoakSite(args.pages)
    server = serve(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    tmp = Path(tempfile.mkdtemp(prefix="newscrawler-soak-"))
    out = tmp / "out.jsonl"
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWLER_STATE_DIR={tmp / 'state'}", "-O", str(out),
    ]  # fmt: skip
    print("Crawling:", " ".join(["scrapy", *cmd[3:]]), flush=True)
    started = time.monotonic()
    samples: list[tuple[int, float]] = []
    with (tmp / "crawl.log").open("w") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
        print(f"{'pages':>8} {'RSS MB':>8} {'elapsed s':>10}", flush=True)
        next_mark = 1  # a first sample at the first article page, once the crawl is under way
        while proc.poll() is None:
            time.sleep(0.1)
            served = site.articles_served
            if served >= next_mark:
                mb = rss_mb(proc.pid)
                if mb is not None:
                    samples.append((next_mark, mb))
                    print(f"{next_mark:>8} {mb:>8.1f} {time.monotonic() - started:>10.0f}", flush=True)
                next_mark = args.every if next_mark == 1 else next_mark + args.every
    elapsed = time.monotonic() - started
    server.shutdown()
    lines = sum(1 for _ in out.open(encoding="utf-8")) if out.exists() else 0
    half = [s for s in samples if s[0] >= args.pages / 2] or samples[len(samples) // 2 :]
    per_1000 = slope(half)
    result: dict[str, Any] = {
        "pages": args.pages,
        "articles_served": site.articles_served,
        "other_requests": site.other_served,
        "returncode": proc.returncode,
        "seconds": round(elapsed, 1),
        "pages_per_second": round(site.articles_served / elapsed, 1) if elapsed else None,
        "samples": [{"pages": p, "rss_mb": round(m, 1)} for p, m in samples],
        "slope_mb_per_1000_pages_second_half": round(per_1000, 2) if per_1000 is not None else None,
        "lines_written": lines,
    }
    print(
        f"\ncrawl exit status {proc.returncode}, {site.articles_served} article pages served in "
        f"{elapsed:.0f} s ({result['pages_per_second']}/s), {lines} lines written"
    )
    if per_1000 is not None:
        print(f"RSS slope over the second half ({len(half)} samples): {per_1000:+.2f} MB per 1,000 pages")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"result: {args.out}")
    if proc.returncode != 0 or args.keep:
        print(f"crawl log, output and state kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
