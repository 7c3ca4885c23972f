"""Property test: extract_fetched, what the spider runs for each page, never raises and never runs long,
on mutated real pages (extract_article swallows every error; extract_fetched must not need to)."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawler.extraction.article import extract_fetched
from newscrawler.items import Article

PAGES = sorted((Path(__file__).parent.parent / "fixtures" / "pages").glob("*.html.gz"))[:6]
SEEDS = [gzip.decompress(p.read_bytes()) for p in PAGES]
TIME_BOUND = 20.0  # seconds per page; real pages take well under one
URL = "https://news.example/2026/11/27/story"


@st.composite
def mutated_page(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "cut", "truncate", "insert", "untag"]))
        if op == "flip":
            for k in range(i, min(len(data), i + 64)):
                data[k] = draw(st.integers(0, 255)) if k == i else data[k] ^ 0x20
        elif op == "cut":
            del data[i : i + draw(st.integers(1, 20_000))]
        elif op == "truncate":
            del data[i:]
        elif op == "insert":
            data[i:i] = draw(
                st.sampled_from(
                    [b"<script type='application/ld+json'>{", b"</html>", b"<!--", b"\xff\xfe", b"<p>" * 500]
                )
            )
        else:
            data = bytearray(bytes(data).replace(b"<", b"", draw(st.integers(1, 200))))
        if not data:
            break
    return bytes(data)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_page())
def test_extract_fetched_never_raises_on_mutated_real_pages(html: bytes) -> None:
    start = time.monotonic()
    result = extract_fetched(html, URL, {}, None, {}, True, "Europe/Berlin")  # as the pool calls it
    assert time.monotonic() - start < TIME_BOUND
    article = result.article
    if article is not None:  # None: not an article page (a mutation may take its markings)
        assert isinstance(article, Article) and article.url == URL
        assert article.metadata.dateDownloaded
