"""Crawl-state speed and size: fill the SQLite state with N article fingerprints and measure.

    python benchmarks/dedup.py [--n 1000000] [--dir /tmp/newscrawler-bench]

The insert rate is timed on the pipeline's own path (claim, then confirm); the rest is filled
in bulk with the same rows. Reports
insert rate, lookup rate (half hits, half misses), near-duplicate query time, file size,
and resident memory at checkpoints as the state grows (it should stay flat).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from newscrawler.state.sqlite import SQLiteState, key_hash
from newscrawler.text import NUM_PERM, band_hashes, signature


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def url(i: int) -> str:
    return f"https://news{i % 50}.example/2024/05/{i % 28 + 1:02d}/story-about-something-{i}"


def bulk_insert(state: SQLiteState, ids: range, sigs: np.ndarray, fps: np.ndarray) -> None:
    """The same rows claim() and confirm() write, many per transaction."""
    db = state.db
    db.execute("BEGIN IMMEDIATE")
    for i in ids:
        sig = sigs[i].tobytes()
        cur = db.execute(
            "INSERT INTO articles (url, fingerprint, signature, revision, listed, fetched, owner) "
            "VALUES (?, ?, ?, 1, NULL, 1714521600, NULL)",
            (url(i), int(fps[i]), sig),
        )
        db.execute(
            "INSERT OR REPLACE INTO keys VALUES (?, ?)",
            (key_hash(url(i).removeprefix("https://")), cur.lastrowid),
        )
        db.executemany(
            "INSERT OR IGNORE INTO lsh VALUES (?, ?)", [(b, cur.lastrowid) for b in band_hashes(sig)]
        )
    db.execute("COMMIT")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--measure", type=int, default=20_000, help="articles inserted one by one, timed")
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to build the state (default: a temp dir)"
    )
    args = parser.parse_args(argv)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="newscrawler-bench-"))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    state = SQLiteState(folder / "state.sqlite3")
    rng = np.random.default_rng(1)
    checkpoints = {args.n // 10, args.n // 4, args.n // 2}
    memory: list[tuple[int, float]] = [(0, rss_mb())]
    fetched = "2024-05-01T00:00:00+00:00"

    # Filled in bulk first, then the insert rate is timed on the pipeline's own path (claim, then
    # confirm: two transactions per article) for the last articles, against the nearly full state.
    measured = min(args.measure, args.n)
    bulk = args.n - measured
    sigs = rng.integers(0, 256, size=(args.n, NUM_PERM), dtype=np.uint8)
    fps = rng.integers(-(2**63), 2**63 - 1, size=args.n, dtype=np.int64)
    for lo in range(0, bulk, 50_000):
        hi = min(lo + 50_000, bulk)
        bulk_insert(state, range(lo, hi), sigs, fps)
        memory += [(n, rss_mb()) for n in checkpoints if lo < n <= hi]
        print(f"\r  filled {hi:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    start = time.perf_counter()
    for i in range(bulk, args.n):
        key = url(i).removeprefix("https://")
        state.claim([key], url(i), int(fps[i]), sigs[i].tobytes(), None, fetched)
        state.confirm([key])
    insert_s = time.perf_counter() - start
    memory.append((args.n, rss_mb()))

    keys = [url(random.randrange(args.n)).removeprefix("https://") for _ in range(25_000)]
    keys += [f"missing.example/{i}" for i in range(25_000)]
    random.shuffle(keys)
    start = time.perf_counter()
    hits = sum(state.lookup(k) is not None for k in keys)
    lookup_s = time.perf_counter() - start

    texts = [" ".join(f"word{random.randrange(5000)}" for _ in range(400)) for _ in range(200)]
    near_ms = []
    for text in texts:
        sig = signature(text)
        t = time.perf_counter()
        state.find_near(sig, 0.8)
        near_ms.append((time.perf_counter() - t) * 1000)
    state.close()
    size_mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6

    print(f"\ncrawl state with {args.n:,} articles ({folder})")
    print("| measure | result | target |")
    print("|---|---|---|")
    print(f"| insert rate (claim + confirm, last {measured:,}) | {measured / insert_s:,.0f} /s | - |")
    print(
        f"| lookup rate ({hits:,} hits, {len(keys) - hits:,} misses) | {len(keys) / lookup_s:,.0f} /s | > 20,000 /s |"
    )
    print(f"| near-duplicate query, median | {statistics.median(near_ms):.3f} ms | < 1 ms |")
    print(f"| near-duplicate query, 95th percentile | {np.percentile(near_ms, 95):.3f} ms | - |")
    print(f"| file size | {size_mb:,.0f} MB | < 300 MB |")
    print(
        "| resident memory as the state grows | "
        + ", ".join(f"{n:,}: {m:.0f} MB" for n, m in memory)
        + " | flat |"
    )
    if args.dir is None:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
