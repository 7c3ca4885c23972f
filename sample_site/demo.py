"""`make demo`: serve the sample site, crawl it with the real `scrapy crawl news`, show the result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from newscrawler.extensions import summary_line
from newscrawler.report import ReportError, write_report

OUTPUT = Path("output/demo.jsonl")


def start_site(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sample_site.server", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("READY "):
        proc.kill()
        raise SystemExit(f"error: the sample site did not start ({line or 'no output'})")
    return proc, line.split(" ", 1)[1]


def main() -> int:
    site, url = start_site()
    print(f"Sample news site: {url}/")
    try:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        stats_file = OUTPUT.with_suffix(".stats.json")
        cmd = [
            sys.executable, "-m", "scrapy", "crawl", "news",
            "-a", f"url={url}/", "-a", "fresh=1", "-O", str(OUTPUT),
            "-s", f"NEWSCRAWLER_STATE_DIR={OUTPUT.parent / 'demo-state'}",  # the demo's own, started afresh
            "-s", "AUTOTHROTTLE_ENABLED=False",  # it is our own local site: no need to wait
            "-s", "LOG_LEVEL=WARNING",
            "-s", f"NEWSCRAWLER_STATS_FILE={stats_file}",
        ]  # fmt: skip
        print("Crawling:", " ".join(["scrapy", *cmd[3:]]))
        print("(fresh=1 and a state folder of its own, so every demo run writes every article again)")
        done = subprocess.run(cmd, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        if done.returncode != 0:
            return done.returncode
    finally:
        site.terminate()
        site.wait(timeout=10)
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    print()
    print(summary_line(stats))
    lines = OUTPUT.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0]) if lines else {}
    print(f"\n{len(lines)} articles in {OUTPUT}. The first one:")
    print(f"  headline:      {first.get('headline')}")
    print(f"  datePublished: {first.get('datePublished')}")
    print(f"  authors:       {', '.join(a['name'] for a in first.get('authors', []))}")
    print(f"  articleBody:   {(first.get('articleBody') or '')[:160]}…")
    try:  # the crawl report: plots of this crawl, from output/demo.jsonl and its stats file
        report, _ = write_report([OUTPUT])
        print(f"\nCrawl report (open it in a browser): {report}")
    except ReportError as exc:
        print(f"error: the crawl report: {exc}", file=sys.stderr)
        return 2
    print(
        "\nCrawl real sites next:\n"
        "  .venv/bin/scrapy crawl news -a sites=dawn,tribune -a since=1d -O dawn.jsonl\n"
        "  .venv/bin/scrapy crawl news -a url=https://www.example-news.com/ -a limit=20\n"
        "  .venv/bin/scrapy report dawn.jsonl -o dawn.report.html\n"
        "See README.md for every option."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
