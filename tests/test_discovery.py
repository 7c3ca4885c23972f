"""Discovery parsing on raw bytes: sitemaps, news sitemaps, feeds, robots.txt, listing links."""

from __future__ import annotations

import gzip

from newscrawler import discovery

BASE = "https://news.example"


def urlset(*locs: str, extra: str = "") -> bytes:
    body = "".join(f"<url><loc>{loc}</loc>{extra}</url>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="{discovery.NEWS_NS}">{body}</urlset>'
    ).encode()


def test_sitemap_entries_with_lastmod_and_news_dates_first() -> None:
    body = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="{discovery.NEWS_NS}">'
        f"<url><loc>{BASE}/a</loc><lastmod>2026-11-20</lastmod>"
        "<news:news><news:publication_date>2026-11-19T08:00:00+05:00</news:publication_date></news:news></url>"
        f"<url><loc>{BASE}/b</loc><lastmod>2026-11-21T10:00:00Z</lastmod></url>"
        "</urlset>"
    ).encode()
    found = discovery.read_sitemap(body, 10**6)
    assert found.kind == "urlset" and found.error is None
    assert found.entries == [
        discovery.Entry(f"{BASE}/a", "2026-11-19T08:00:00+05:00"),
        discovery.Entry(f"{BASE}/b", "2026-11-21T10:00:00Z"),
    ]


def test_sitemap_index_and_gzip() -> None:
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{BASE}/s1.xml</loc></sitemap></sitemapindex>"
    ).encode()
    found = discovery.read_sitemap(gzip.compress(index), 10**6)
    assert found.kind == "sitemapindex" and [e.url for e in found.entries] == [f"{BASE}/s1.xml"]


def test_one_bad_entry_costs_only_itself() -> None:
    locs = [f"{BASE}/article-{i}" for i in range(29)]
    body = urlset(*locs[:10], "http://news.example:99999/x", "file:///etc/passwd", *locs[10:])
    found = discovery.read_sitemap(body, 10**6)
    assert [e.url for e in found.entries] == locs
    assert found.bad == ["http://news.example:99999/x", "file:///etc/passwd"]


def test_garbage_bomb_and_oversized_gzip_are_errors_not_exceptions() -> None:
    assert discovery.read_sitemap(bytes(range(256)) * 40, 10**6).error == "not_a_sitemap"
    assert discovery.read_sitemap(b"", 10**6).error == "not_a_sitemap"
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol2;</loc></url></urlset>'
    )
    found = discovery.read_sitemap(bomb, 10**6)
    assert found.error == "not_a_sitemap" and not found.entries, "an entity bomb is refused, and counted"
    big = gzip.compress(urlset(*(f"{BASE}/{i:08d}" for i in range(50_000))))
    assert discovery.read_sitemap(big, 100_000).error == "too_large_or_corrupt_gzip"
    assert discovery.read_sitemap(b"\x1f\x8b" + b"\x00" * 50, 10**6).error == "too_large_or_corrupt_gzip"


def test_rss_dates_keep_their_offset_and_atom_takes_the_alternate_link() -> None:
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>a</title><link>{BASE}/a</link><pubDate>Fri, 27 Nov 2026 06:33:52 +0500</pubDate></item>"
        "<item><title>b</title><link>/b</link></item>"
        "</channel></rss>"
    ).encode()
    found = discovery.read_feed(rss, f"{BASE}/feed")
    assert found.entries == [
        discovery.Entry(f"{BASE}/a", "2026-11-27T06:33:52+05:00"),
        discovery.Entry(f"{BASE}/b", None),
    ]
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        "<entry><title>a</title><id>urn:x</id>"
        f'<link rel="replies" href="{BASE}/a/comments/feed"/><link rel="alternate" href="{BASE}/a"/>'
        "<published>2026-11-27T06:33:52+05:00</published></entry></feed>"
    ).encode()
    assert [e.url for e in discovery.read_feed(atom, f"{BASE}/atom").entries] == [f"{BASE}/a"]


def test_feed_declared_utf16_but_sent_as_utf8_still_gives_its_entries() -> None:
    items = "".join(f"<item><title>t{i}</title><link>{BASE}/story-{i}</link></item>" for i in range(10))
    body = f'<?xml version="1.0" encoding="UTF-16"?>\n<rss version="2.0"><channel>{items}</channel></rss>'
    assert len(discovery.read_feed(body.encode("utf-8"), f"{BASE}/feed").entries) == 10


def test_garbage_is_not_a_feed() -> None:
    assert discovery.read_feed(bytes(range(256)) * 10, f"{BASE}/feed").error == "not_a_feed"


def test_robots_sitemaps() -> None:
    robots = b"User-agent: *\nDisallow: /x\nSitemap: /news.xml\nSitemap: https://cdn.example/s.xml\n"
    assert discovery.robots_sitemaps(robots, f"{BASE}/robots.txt") == [
        f"{BASE}/news.xml",
        "https://cdn.example/s.xml",
    ]


def test_listing_links_sorts_articles_sections_and_feeds_on_the_site_only() -> None:
    html = """<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>
    <a href="/2026/11/27/a-story/">story</a>
    <a href="/politics/">section</a>
    <a href="/politics/?page=2">page 2</a>
    <a href="/tag/elections/">tag</a>
    <a href="https://www.news.example/a-long-slug-about-the-budget-vote-today">www article</a>
    <a href="https://other.example/2026/11/27/elsewhere/">offsite</a>
    <a href="mailto:desk@news.example">mail</a>
    </body></html>"""
    links = discovery.listing_links(html, f"{BASE}/", f"{BASE}/", with_feeds=True)
    assert links.feeds == [f"{BASE}/feed.xml"]
    assert links.articles == [
        f"{BASE}/2026/11/27/a-story/",
        "https://www.news.example/a-long-slug-about-the-budget-vote-today",
    ]
    assert links.listings == [f"{BASE}/politics/", f"{BASE}/politics/?page=2"]
