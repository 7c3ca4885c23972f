"""Archive throughput: FastWARC alone, FastWARC + trafilatura by hand, and `scrapy crawl archive`.

    python benchmarks/archive.py [--records 5000] [--rounds 2] [--warc-dir DIR] [--out result.json]

The WARC: --records response records (gzip per record), distinct copies of the real article pages
in ../shared/datasets/aeb/html, rewritten as benchmarks/crawl.py rewrites them (about a third of
the words swapped for other words of the same page, so no two copies are near-duplicates; each
copy's canonical and og:url its own URL), at URLs spread over 50 sites
(https://site-NN.bench.example/...). Generated once per --warc-dir and reused.

The readers, each a subprocess, alternated a,b,c,a,b,c... for --rounds rounds:
  (a) FastWARC iteration alone, each HTML response's payload read (the ceiling);
  (b) a hand-written loop: FastWARC + trafilatura.extract(favor_precision, with_metadata, JSON)
      per response, in one process (what a user writes by hand);
  (c) scrapy crawl archive -a warc=FILE -O out.jsonl with a fresh crawl state, from the repo root.
Per run: records/s (HTML responses / wall time from process start to exit), peak RSS and PSS
summed over the process tree (sampled every 0.2 s from /proc, as benchmarks/crawl.py does),
records written. Medians per reader, a markdown table, and the ratio c/b. MB are MiB.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import DATASETS, PLACEHOLDER, REPO, make_copy, memory_mb

GENERATOR_VERSION = 1
SITES = 50
READERS = {
    "a": "FastWARC iteration alone (the ceiling)",
    "b": "FastWARC + trafilatura by hand",
    "c": "scrapy crawl archive",
}

ITERATE = """
import sys
from fastwarc import ArchiveIterator
n = 0
for r in ArchiveIterator(sys.argv[1], parse_http=True):
    if str(r.record_type) == "response" and r.http_headers.status_code == 200:
        r.reader.read(); n += 1
print(n)
"""
BY_HAND = """
import json, sys
import trafilatura
from fastwarc import ArchiveIterator
n = 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for r in ArchiveIterator(sys.argv[1], parse_http=True, auto_decode="all"):
        if str(r.record_type) != "response" or r.http_headers.status_code != 200:
            continue
        url = r.headers.get("WARC-Target-URI")
        html = r.reader.read().decode("utf-8", "replace")
        doc = trafilatura.extract(html, url=url, output_format="json", with_metadata=True, favor_precision=True)
        if doc:
            out.write(doc.replace("\\n", " ") + "\\n"); n += 1
print(n)
"""


def _copy(job: tuple[int, str, str]) -> tuple[int, str, bytes]:
    copy_id, source, folder = job
    path, _title = make_copy((copy_id, source, folder))
    page = Path(folder) / path.lstrip("/")
    host = f"https://site-{copy_id % SITES:02d}.bench.example"
    html = page.read_text(encoding="utf-8").replace(PLACEHOLDER, host)
    page.unlink()
    return copy_id, host + path, html.encode("utf-8")


def build_warc(folder: Path, n: int) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    target = folder / f"bench-{n}.warc.gz"
    manifest = folder / f"bench-{n}.json"
    if (
        target.exists()
        and manifest.exists()
        and json.loads(manifest.read_text()).get("version") == GENERATOR_VERSION
    ):
        print(f"Reusing {target}", flush=True)
        return target
    sources = sorted((DATASETS / "aeb" / "html").glob("*.html.gz"))
    print(f"Generating {n} records from {len(sources)} real pages into {target}...", flush=True)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="bench-pages-", dir=folder))
    jobs = [(i, str(sources[i % len(sources)]), str(work)) for i in range(n)]
    with target.open("wb") as f, Pool(os.cpu_count() or 2) as pool:
        writer = WARCWriter(f, gzip=True)
        for _i, url, html in pool.imap(_copy, jobs, chunksize=8):
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=http)
            writer.write_record(record)
            record.raw_stream.close()
    size = target.stat().st_size
    print(f"  {n} records, {size / 2**20:.0f} MB gzip'd, in {time.monotonic() - started:.0f} s", flush=True)
    manifest.write_text(json.dumps({"version": GENERATOR_VERSION, "records": n}))
    return target


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict[str, Any]:
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    peak_rss, peak_pss = 0.0, 0.0
    while proc.poll() is None:
        rss, pss = memory_mb(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss or 0.0)
        time.sleep(0.2)
    out = proc.stdout.read() if proc.stdout else ""
    return {"wall_s": time.monotonic() - started, "peak_rss_mb": round(peak_rss), "peak_pss_mb": round(peak_pss),
            "status": proc.returncode, "stdout": out.strip()[-200:]}  # fmt: skip


def one(reader: str, warc: Path, n: int, work: Path) -> dict[str, Any]:
    env = dict(os.environ)
    out = work / f"{reader}-{time.time_ns()}.jsonl"
    if reader == "a":
        result = run([sys.executable, "-c", ITERATE, str(warc)], REPO, env)
        written = None
    elif reader == "b":
        result = run([sys.executable, "-c", BY_HAND, str(warc), str(out)], REPO, env)
        written = sum(1 for _ in out.open(encoding="utf-8"))
    else:
        env["NEWSCRAWLER_STATE_DIR"] = tempfile.mkdtemp(prefix="bench-state-", dir=work)
        cmd = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"warc={warc}", "-O", str(out),
               "-s", "NEWSCRAWLER_MONITORS_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]  # fmt: skip
        result = run(cmd, REPO, env)
        written = sum(1 for _ in out.open(encoding="utf-8")) if out.exists() else 0
    out.unlink(missing_ok=True)
    result.update({"reader": reader, "records_per_s": round(n / result["wall_s"], 1), "written": written})
    print(json.dumps(result), flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--warc-dir", type=Path, default=Path(tempfile.gettempdir()) / "newscrawler-bench-archive"
    )
    parser.add_argument("--only", default="abc")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    args.warc_dir.mkdir(parents=True, exist_ok=True)
    warc = build_warc(args.warc_dir, args.records)
    with tempfile.TemporaryDirectory(prefix="bench-archive-", dir=args.warc_dir) as tmp:
        results = [one(r, warc, args.records, Path(tmp)) for _ in range(args.rounds) for r in args.only]
    rows = [
        "| reader | records/s | wall | peak RSS | peak PSS | records written |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    medians: dict[str, float] = {}
    for reader in args.only:
        mine = [r for r in results if r["reader"] == reader]
        medians[reader] = statistics.median(r["records_per_s"] for r in mine)
        rows.append(
            f"| {READERS[reader]} | {medians[reader]:.1f} | {statistics.median(r['wall_s'] for r in mine):.1f} s | "
            f"{max(r['peak_rss_mb'] for r in mine)} MB | {max(r['peak_pss_mb'] for r in mine)} MB | "
            f"{mine[-1]['written'] if mine[-1]['written'] is not None else '-'} |"
        )
    print("\n".join(rows))
    if "b" in medians and "c" in medians:
        print(f"\nscrapy crawl archive / hand-written loop: {medians['c'] / medians['b']:.2f}x")
    if args.out:
        args.out.write_text(json.dumps({"results": results, "medians": medians}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
