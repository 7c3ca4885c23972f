"""The cost of capture (NEWSCRAWLER_WARC_DIR): the sample site crawled with and without it.

    python benchmarks/capture.py [--articles 300] [--rounds 3]

The sample site (sample_site.server) with --articles more articles published, crawled by
`scrapy crawl news` from the repository root, alternated without/with capture for --rounds rounds,
each with a fresh state. Per run: wall time, article pages fetched, pages captured. Then, in this
process, on the saved real pages of tests/fixtures: the time the reactor spends per page
(WarcCapture.process_response: building the Exchange and handing it over) and the time the
writer thread spends per page (records built, gzip'd and written). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's newscrawler


def crawl(url: str, tmp: Path, capture: bool) -> dict[str, float]:
    run = Path(tempfile.mkdtemp(dir=tmp))
    stats_file = run / "stats.json"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}/", "-O", str(run / "out.jsonl"),
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWLER_STATE_DIR={run / 'state'}",
        "-s", f"NEWSCRAWLER_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=WARNING",
        *(["-s", f"NEWSCRAWLER_WARC_DIR={run / 'warc'}"] if capture else []),
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    wall = time.monotonic() - started
    stats = json.loads(stats_file.read_text())
    fetched = sum(v for k, v in stats.items() if k.endswith("/fetched"))
    return {"wall": wall, "fetched": fetched, "captured": stats.get("newscrawler/warc/records", 0)}


def per_page_costs(tmp: Path) -> tuple[float, float]:
    """(reactor ms per page, writer thread ms per page) on the saved real pages."""
    from scrapy import Request, Spider
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from newscrawler.capture import WarcCapture, exchange_of
    from newscrawler.context import KEY, Context, Kind

    pages = [
        gzip.decompress(p.read_bytes())
        for p in sorted((REPO / "tests" / "fixtures" / "pages").glob("*.html.gz"))
    ]
    crawler = get_crawler(Spider, {"NEWSCRAWLER_WARC_DIR": str(tmp / "costs")})
    capture = WarcCapture.from_crawler(crawler)
    spider = Spider("news")
    capture.spider_opened(spider)
    ctx = Context("s", "http://s.example/", Kind.ARTICLE)
    pairs = []
    for n, body in enumerate(pages):
        request = Request(f"http://s.example/{n}.html", meta={KEY: ctx})
        pairs.append((request, HtmlResponse(request.url, body=body, request=request)))
    started = time.perf_counter()
    for request, response in pairs:
        capture.process_response(request, response)
    reactor = (time.perf_counter() - started) / len(pairs)
    capture.spider_closed(spider)
    started = time.perf_counter()
    for request, response in pairs:
        capture.files.write(exchange_of(request, response))
    capture.files.close()
    writer = (time.perf_counter() - started) / len(pairs)
    return reactor * 1000, writer * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site = subprocess.Popen(
        [sys.executable, "-m", "sample_site.server", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert site.stdout is not None
    url = site.stdout.readline().split(" ", 1)[1].strip()
    try:
        urlopen(f"{url}/__publish?n={args.articles}", timeout=30).read()
        with tempfile.TemporaryDirectory() as tmp:
            reactor_ms, writer_ms = per_page_costs(Path(tmp))
            print(
                f"per page: {reactor_ms:.3f} ms on the reactor, {writer_ms:.3f} ms on the writer thread",
                flush=True,
            )
            runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
            for _ in range(args.rounds):
                for capture in (False, True):
                    runs[capture].append(crawl(url, Path(tmp), capture))
                    print(capture, runs[capture][-1], flush=True)
    finally:
        site.terminate()
    print("| crawl | wall s (median) | article pages | pages captured | pages/s |")
    print("|---|---|---|---|---|")
    for capture, label in ((False, "without capture"), (True, "with NEWSCRAWLER_WARC_DIR")):
        wall = statistics.median(r["wall"] for r in runs[capture])
        fetched = statistics.median(r["fetched"] for r in runs[capture])
        captured = statistics.median(r["captured"] for r in runs[capture])
        print(f"| {label} | {wall:.2f} | {fetched:.0f} | {captured:.0f} | {fetched / wall:.1f} |")


if __name__ == "__main__":
    main()
