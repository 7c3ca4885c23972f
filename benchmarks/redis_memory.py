"""Redis memory of a distributed crawl: bytes per URL key, fingerprint, LSH band, article, request.

    python benchmarks/redis_memory.py [--n 100000] [--keys 1] [--paragraphs 10] [--queue 10000]
                                      [--signatures minhash|random] [--out result.json]

Starts a private redis-server (a free port on 127.0.0.1, ``--save "" --appendonly no``, its folder
in a temporary directory), opens ``RedisState`` on it and claims and confirms N synthetic articles
through the state's own Lua scripts, one article at a time as the pipeline does (no pipelining):
distinct random URLs (``--keys`` URL keys per article: 1 when the canonical URL is the URL, 2 when
they differ), distinct fingerprints, and signatures from ``newscrawler.text.signature`` over
distinct random 300-word texts (``--signatures random``: random 32-byte signatures instead,
faster, the same size). It also counts ``--paragraphs`` distinct paragraph hashes per article for
one site (``add_paragraphs``, as the clean pipeline does; a real site's boilerplate paragraphs
repeat and cost less).

Then it reads ``MEMORY USAGE <key> SAMPLES 0`` (exact) of each state structure: newscrawler:keys
(URL-key index), :fp (fingerprint index), :lsh (LSH buckets, 5 per article), :para:<site> and
:counted (paragraph counts), a random sample of 1,000 :a:<id> article hashes (extrapolated to N),
and INFO used_memory before and after. Then the scrapy-redis side: N sha1-hex request fingerprints
(40 characters, as RFPDupeFilter.request_fingerprint makes) SADDed to one set, and ``--queue``
requests pickled as scrapy-redis's PriorityQueue stores them (``Request.to_dict()`` with the
news spider's callback, errback, Referer and meta; ``picklecompat.dumps``; ZADD).

Prints a markdown table: component, items, bytes per item, MB per million items. Per-million
figures are extrapolated linearly from N (Redis hashes and sets grow by doubling their tables,
so the true figure at 1M can be off by the load factor, up to ~±20 % for the dict overhead). MB
are MiB. Takes one to two minutes for N = 100,000. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import string
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from scrapy import Request
from scrapy_redis import picklecompat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newscrawler.state.redis import RedisState  # noqa: E402
from newscrawler.text import BANDS, fingerprint, signature  # noqa: E402
from tests.mockserver.redis_server import RedisServer  # noqa: E402

SITE = "www.example-news.com"
WORDS = [
    "".join(random.Random(i).choices(string.ascii_lowercase, k=random.Random(-i).randint(3, 10)))
    for i in range(20000)
]


def article_url(rng: random.Random, i: int) -> str:
    slug = "-".join(rng.choice(WORDS) for _ in range(7))
    return f"https://{SITE}/2026/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{slug}-{i}/"


def usage(client: Any, key: str) -> int:
    return int(client.memory_usage(key, samples=0) or 0)


def size(client: Any, key: str) -> int:
    """Items in a hash, set or sorted set."""
    kind = client.type(key).decode()
    return (
        int({"hash": client.hlen, "set": client.scard, "zset": client.zcard}[kind](key))
        if kind != "none"
        else 0
    )


def measure(client: Any, name: str, key: str) -> tuple[str, int, int]:
    return name, size(client, key), usage(client, key)


def used_memory(client: Any) -> int:
    return int(client.info("memory")["used_memory"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to claim (and fingerprints to add)")
    parser.add_argument("--keys", type=int, default=1, choices=(1, 2), help="URL keys per article")
    parser.add_argument("--paragraphs", type=int, default=10, help="distinct paragraph hashes per article")
    parser.add_argument("--queue", type=int, default=10_000, help="requests to push to the queue")
    parser.add_argument("--signatures", choices=("minhash", "random"), default="minhash")
    parser.add_argument(
        "--listpack-value", type=int, help="CONFIG SET hash-max-listpack-value first (Redis default 64)"
    )
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    n = args.n
    rng = random.Random(1)
    tmp = Path(tempfile.mkdtemp(prefix="newscrawler-redis-memory-"))
    redis_server = RedisServer(tmp / "redis")
    url = redis_server.url
    rows: list[tuple[str, int, int]] = []  # component, items, bytes
    try:
        client: Any = redis.Redis.from_url(url)
        if args.listpack_value is not None:
            client.config_set("hash-max-listpack-value", args.listpack_value)
        state = RedisState(url)
        base = used_memory(client)
        fetched = datetime.now(UTC).isoformat()
        started = time.monotonic()
        for i in range(n):
            url_ = article_url(rng, i)
            keys = [url_] if args.keys == 1 else [url_, url_.rstrip("/") + "?utm_source=feed"]
            if args.signatures == "minhash":
                text = " ".join(rng.choices(WORDS, k=300))
                fp, sig = fingerprint(text), signature(text)
            else:
                fp, sig = rng.getrandbits(63), rng.randbytes(32)
            if state.claim(keys, url_, fp, sig, fetched, fetched) is None:
                raise RuntimeError("claim refused")
            state.confirm(keys)
            if args.paragraphs:
                state.add_paragraphs(SITE, url_, [rng.getrandbits(63) for _ in range(args.paragraphs)])
            if (i + 1) % 10_000 == 0:
                print(f"{i + 1} articles claimed, {time.monotonic() - started:.0f} s", flush=True)
        claim_s = time.monotonic() - started
        after = used_memory(client)
        p = state.prefix
        rows += [
            measure(client, f"{p}:keys (URL-key index, {args.keys}/article)", f"{p}:keys"),
            measure(client, f"{p}:fp (fingerprint index)", f"{p}:fp"),
            measure(client, f"{p}:lsh (LSH buckets, {BANDS} bands/article)", f"{p}:lsh"),
        ]
        ids = rng.sample(range(1, n + 1), min(1000, n))
        sample = sum(usage(client, f"{p}:a:{i}") for i in ids)
        encodings = Counter(client.object("encoding", f"{p}:a:{i}").decode() for i in ids)
        rows.append(
            (f"{p}:a:<id> (article hash; {len(ids)} sampled, extrapolated)", n, sample * n // len(ids))
        )
        if args.paragraphs:
            para = f"{p}:para:{SITE}"
            rows.append(measure(client, f"{p}:para:<site> ({args.paragraphs} paragraphs/article)", para))
            rows.append(measure(client, f"{p}:counted (articles with counted paragraphs)", f"{p}:counted"))
        state_total = after - base
        rows.append(("crawl state total (INFO used_memory after - before), per article", n, state_total))
        state.close()

        # scrapy-redis dupefilter: sha1 hex of the request, 40 characters, one set per round.
        before = used_memory(client)
        for start in range(0, n, 1000):
            urls = [article_url(rng, i) for i in range(start, min(n, start + 1000))]
            fps = [hashlib.sha1(f"GET {u}".encode()).hexdigest() for u in urls]
            client.sadd("news:dupefilter:bench", *fps)
        rows.append(measure(client, "news:dupefilter:<round> (sha1-hex set)", "news:dupefilter:bench"))
        dupefilter_used = used_memory(client) - before

        # scrapy-redis PriorityQueue: pickled request dicts in a sorted set.
        home = f"https://{SITE}/"
        total_pickle = 0
        for i in range(args.queue):
            request = Request(
                article_url(rng, i), headers={"Referer": f"{home}sitemap-0.xml"}, priority=100,
                meta={"site": SITE, "site_home": home, "download_slot": SITE,
                      "round": f"{SITE}:1795885624:db9ddc", "source": "sitemap", "listed": None, "depth": 3},
            )  # fmt: skip
            data = request.to_dict()
            data["callback"], data["errback"] = "parse_article", "on_error"  # as the news spider's requests
            blob = picklecompat.dumps(data)
            total_pickle += len(blob)
            client.execute_command("ZADD", "news:requests", -request.priority, blob)
        each = total_pickle / max(args.queue, 1)
        rows.append(measure(client, f"news:requests (pickled requests, {each:.0f} B each)", "news:requests"))
        final_used = used_memory(client)
        client.close()
    finally:
        redis_server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\narticle hash encodings (sample): {dict(encodings)}")
    print(
        f"{n} articles claimed+confirmed in {claim_s:.0f} s ({n / claim_s:.0f}/s), signatures: {args.signatures}"
    )
    print(f"used_memory: empty state {base / 2**20:.1f} MB, after the articles {after / 2**20:.1f} MB, "
          f"after dupefilter and queue {final_used / 2**20:.1f} MB (dupefilter alone {dupefilter_used / 2**20:.1f} MB)\n")  # fmt: skip
    print(f"| component | items at n={n} | bytes | bytes per item | MB per million items (extrapolated) |")
    print("|---|---:|---:|---:|---:|")
    results = []
    for name, items, size in rows:
        per = size / items if items else 0.0
        print(f"| {name} | {items} | {size} | {per:.0f} | {per * 1e6 / 2**20:.0f} |")
        results.append({"component": name, "items": items, "bytes": size, "bytes_per_item": round(per, 1)})
    if args.out:
        payload = {
            "n": n,
            "keys": args.keys,
            "paragraphs": args.paragraphs,
            "signatures": args.signatures,
            "listpack_value": args.listpack_value,
            "article_encodings": dict(encodings),
            "claim_seconds": round(claim_s, 1),
            "used_memory_base": base,
            "used_memory_after_state": after,
            "used_memory_final": final_used,
            "rows": results,
        }
        args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"result: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
