"""Crawl-state speed and size: fill the SQLite state with N article fingerprints and measure.

    python benchmarks/dedup.py [--n 1000000] [--dir /tmp/newscrawler-bench]

Each article goes in the way the dedupe pipeline writes it (claim, then confirm). Reports
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

from newscrawler.state.sqlite import SQLiteState
from newscrawler.text import NUM_PERM, signature


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def url(i: int) -> str:
    return f"https://news{i % 50}.example/2024/05/{i % 28 + 1:02d}/story-about-something-{i}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
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
    checkpoints = {args.n // 10, args.n // 4, args.n // 2, args.n}
    memory: list[tuple[int, float]] = [(0, rss_mb())]
    fetched = "2024-05-01T00:00:00+00:00"

    start = time.perf_counter()
    batch = 10_000
    for lo in range(0, args.n, batch):
        sigs = rng.integers(0, 256, size=(min(batch, args.n - lo), NUM_PERM), dtype=np.uint8)
        for j, sig in enumerate(sigs):
            i = lo + j
            key = url(i).removeprefix("https://")
            state.claim([key], url(i), int(rng.integers(-(2**63), 2**63 - 1)), sig.tobytes(), None, fetched)
            state.confirm([key])
            if i + 1 in checkpoints:
                memory.append((i + 1, rss_mb()))
        print(f"\r  inserted {lo + len(sigs):,}", end="", file=sys.stderr, flush=True)
    insert_s = time.perf_counter() - start
    print(file=sys.stderr)

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
    print(f"| insert rate (claim + confirm) | {args.n / insert_s:,.0f} /s | - |")
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
