"""Peak memory of `scrapy report` on a large crawl output.

    python benchmarks/report_memory.py [--mb 200] [--keep DIR] [--repo DIR]

Writes a JSONL file of about --mb MB: article records shaped as newscrawler writes them (headline,
authors, dates, a body of 600-1,500 words drawn from the words of the saved pages in
../shared/datasets, metadata), 30 sites. Then runs `python -m newscrawler.report` on it in a child
process and prints the child's peak resident memory (ru_maxrss) against the file's size, and the
time it took. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATASETS = HERE.parent.parent / "shared" / "datasets"


def vocabulary() -> list[str]:
    words: set[str] = set()
    for page in sorted((DATASETS / "aeb" / "html").glob("*.html.gz"))[:40]:
        text = re.sub(r"<[^>]+>", " ", gzip.decompress(page.read_bytes()).decode("utf-8", "replace"))
        words.update(w for w in text.split() if w.isalpha() and len(w) < 15)
    return sorted(words) or ["news", "report", "city", "council", "minister", "said"]


def write_jsonl(path: Path, megabytes: int) -> int:
    rng = random.Random(7)
    words = vocabulary()
    n = 0
    with path.open("w", encoding="utf-8") as f:
        while f.tell() < megabytes << 20:
            paragraphs = [
                " ".join(rng.choices(words, k=rng.randint(40, 90))) for _ in range(rng.randint(12, 20))
            ]
            site = f"site{n % 30}.example"
            record = {
                "url": f"https://{site}/2026/11/{n}/story-{n}/",
                "canonicalUrl": f"https://{site}/2026/11/{n}/story-{n}/",
                "headline": " ".join(rng.choices(words, k=10)),
                "description": " ".join(rng.choices(words, k=30)),
                "articleBody": "\n\n".join(paragraphs),
                "authors": [{"name": "Jane Doe"}],
                "datePublished": f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:00:00+05:00",
                "inLanguage": "en",
                "wordCount": sum(len(p.split()) for p in paragraphs),
                "metadata": {
                    "site": site,
                    "source": "sitemap",
                    "revision": 1,
                    "dateDownloaded": "2026-11-28T12:00:00+00:00",
                },
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temporary folder")
    parser.add_argument("--repo", type=Path, default=HERE.parent, help="the checkout whose report runs")
    opts = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = opts.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        data = folder / "big.jsonl"
        records = write_jsonl(data, opts.mb)
        size = data.stat().st_size / 2**20
        started = time.monotonic()
        res = subprocess.run(
            [sys.executable, "-m", "newscrawler.report", str(data), "-o", str(folder / "report.html")],
            capture_output=True, text=True, cwd=opts.repo,
        )  # fmt: skip
        took = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if res.returncode != 0:
            print(res.stderr[-2000:], file=sys.stderr)
            return 1
        print(f"{records} records, {size:.0f} MB JSONL: report in {took:.1f} s, peak RSS {peak:.0f} MB "
              f"({peak / size:.2f}x the input)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
