"""Property tests: the sitemap and feed parsers never raise and never run long, on any bytes.

Inputs are real sitemaps and feeds (from the sample site's shapes) mutated by hypothesis:
bytes flipped, cut, spliced and repeated.
"""

from __future__ import annotations

import gzip
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawler import discovery

BASE = "https://news.example"
SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="{discovery.NEWS_NS}">'
    + "".join(
        f"<url><loc>{BASE}/2026/11/{d:02d}/story-{d}</loc><lastmod>2026-11-{d:02d}T08:00:00Z</lastmod>"
        f"<news:news><news:publication_date>2026-11-{d:02d}</news:publication_date></news:news></url>"
        for d in range(1, 20)
    )
    + "</urlset>"
).encode()
INDEX = (
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    + "".join(f"<sitemap><loc>{BASE}/s{i}.xml</loc></sitemap>" for i in range(5))
    + "</sitemapindex>"
).encode()
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
    + "".join(
        f"<item><title>t{i}</title><link>{BASE}/a{i}</link><pubDate>Fri, 27 Nov 2026 06:33:52 +0500</pubDate></item>"
        for i in range(10)
    )
    + "</channel></rss>"
).encode()
ATOM = (
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
    + "".join(
        f'<entry><title>a</title><id>urn:{i}</id><link rel="alternate" href="{BASE}/b{i}"/>'
        "<updated>2026-11-27T06:33:52+05:00</updated></entry>"
        for i in range(10)
    )
    + "</feed>"
).encode()
SEEDS = [SITEMAP, INDEX, RSS, ATOM, gzip.compress(SITEMAP)]
TIME_BOUND = 5.0  # seconds per parse; real files of this size take milliseconds


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "repeat"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i : i + draw(st.integers(1, 200))]
        elif op == "insert":
            data[i:i] = draw(
                st.binary(max_size=40) | st.sampled_from([b"<!ENTITY a 'b'>", b"&a;", b"]]>", b"\x00"])
            )
        else:
            j = min(len(data), i + draw(st.integers(1, 300)))
            data[i:i] = data[i:j] * draw(st.integers(1, 20))
    return bytes(data)


FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@FUZZ
@given(mutated())
def test_sitemap_parser_never_raises_and_returns_fetchable_urls_only(data: bytes) -> None:
    start = time.monotonic()
    found = discovery.read_sitemap(data, 1_000_000)
    assert time.monotonic() - start < TIME_BOUND
    assert found.kind in ("urlset", "sitemapindex", "invalid")
    assert all(e.url.startswith(("http://", "https://")) for e in found.entries)


@FUZZ
@given(mutated())
def test_feed_parser_never_raises_and_returns_fetchable_urls_only(data: bytes) -> None:
    start = time.monotonic()
    found = discovery.read_feed(data, f"{BASE}/feed")
    assert time.monotonic() - start < TIME_BOUND
    assert all(e.url.startswith(("http://", "https://")) for e in found.entries)


@FUZZ
@given(st.text(max_size=3000))
def test_listing_links_never_raise(text: str) -> None:
    links = discovery.listing_links(
        f"<html><body>{text}</body></html>", f"{BASE}/", f"{BASE}/", with_feeds=True
    )
    assert all(u.startswith(BASE) for u in links.articles + links.listings)
