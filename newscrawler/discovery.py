"""Discovery: article and listing URLs from robots.txt, sitemaps, feeds and listing pages.

Pure functions of raw bytes (or page text) and a base URL; no network and no Scrapy
request objects, so each is unit-tested on saved bytes. The spider's callbacks call them
and turn what they return into requests. A bad entry costs that entry only: it is
returned in ``bad`` for the spider to count, and its neighbours are kept.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from parsel import Selector
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from newscrawler.urls import is_http_url

# Where sites usually keep sitemaps when robots.txt names none.
USUAL_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Article URLs carry a date or a long slug; listings and sections don't.
ARTICLE_URL = re.compile(
    r"/20\d\d[/-]\d{1,2}[/-]\d{1,2}/|/20\d\d/\d{1,2}/|\d{5,}|/[a-z0-9]+(?:-[a-z0-9]+){4,}", re.I
)
NOT_ARTICLE = re.compile(
    r"/(?:tag|tags|author|authors|category|topic|topics|search|login|subscribe|account|video|videos|"
    r"gallery|live|page)/|\.(?:jpg|jpeg|png|gif|pdf|mp3|mp4|zip|xml|rss)$",
    re.I,
)
SECTION_URL = re.compile(r"^/(?:section/|category/|news/)?[a-z][a-z0-9-]{1,30}/?$", re.I)


@dataclass(frozen=True)
class Entry:
    """One URL a listing names, with the date the listing gives for it (raw text, or ISO)."""

    url: str
    listed: str | None = None


@dataclass
class SitemapFile:
    kind: Literal["urlset", "sitemapindex", "invalid"]
    entries: list[Entry] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)  # entries that are not fetchable http(s) URLs
    error: str | None = None  # why the whole file is unusable: too_large, not_a_sitemap


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, made absolute."""
    try:
        return [u for u in sitemap_urls_from_robots(body, base_url=base_url) if u]
    except (ValueError, UnicodeError):
        return []


def read_sitemap(body: bytes, max_size: int) -> SitemapFile:
    """A sitemap or sitemap index (gzipped or not): its entries, with `news:` dates first."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError, ValueError, zlib.error):  # corrupt, or expands past max_size
            return SitemapFile("invalid", error="too_large_or_corrupt_gzip")
    try:
        sitemap = Sitemap(body)
        kind = sitemap.type
        raw = list(sitemap)
    except (etree.XMLSyntaxError, StopIteration, RuntimeError, ValueError, AttributeError, TypeError):
        return SitemapFile("invalid", error="not_a_sitemap")
    if kind not in ("urlset", "sitemapindex") or b"<!ENTITY" in body[:65536]:
        # No sitemap declares entities; one that does is an expansion bomb or worse.
        return SitemapFile("invalid", error="not_a_sitemap")
    news_dates = _news_publication_dates(body) if NEWS_NS.encode() in body else {}
    out = SitemapFile("urlset" if kind == "urlset" else "sitemapindex")
    for item in raw:
        loc = str(item.get("loc", "")).strip()
        if not is_http_url(loc):
            out.bad.append(loc)
            continue
        out.entries.append(Entry(loc, news_dates.get(loc) or item.get("lastmod") or None))
    return out


def _news_publication_dates(body: bytes) -> dict[str, str]:
    """Google News <news:publication_date> by <loc>; Scrapy's Sitemap drops the news: fields."""
    out: dict[str, str] = {}
    try:
        parser = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True)
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return out
    if root is None:
        return out
    for url in root:
        loc = url.find("{*}loc")
        date = url.find(f"{{{NEWS_NS}}}news/{{{NEWS_NS}}}publication_date")
        if loc is not None and loc.text and date is not None and date.text:
            out[loc.text.strip()] = date.text.strip()
    return out


@dataclass
class FeedFile:
    entries: list[Entry] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    error: str | None = None  # not_a_feed when nothing in it parses


def read_feed(body: bytes, base_url: str) -> FeedFile:
    """RSS or Atom entries: each entry's article link (Atom's rel=alternate) and its date."""
    parsed = _parse_feed(body, base_url)
    if parsed is None:
        return FeedFile(error="not_a_feed")
    if not parsed.entries and parsed.get("bozo") and _DECLARED_ENCODING.match(body):
        # An encoding declaration the bytes contradict (UTF-16 declared, UTF-8 sent): read the bytes.
        try:
            text = _DECLARED_ENCODING.sub(rb"\1", body, count=1).decode("utf-8")
        except UnicodeDecodeError:
            text = None
        retried = _parse_feed(text, base_url) if text else None
        if retried is not None and retried.entries:
            parsed = retried
    out = FeedFile()
    for entry in parsed.entries:
        link = entry.get("link") or (entry.get("id") if entry.get("guidislink") else None)
        if not link:
            continue
        url = urljoin(base_url, str(link).strip())
        if not is_http_url(url):
            out.bad.append(url)
            continue
        when = entry.get("published") or entry.get("updated") or entry.get("created")
        out.entries.append(Entry(url, rfc822_to_iso(when) if when else None))
    if not out.entries and not out.bad and not parsed.get("version"):
        out.error = "not_a_feed"
    return out


_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?)\s+encoding=["'][^"']*["']""")


def _parse_feed(data: bytes | str, base_url: str) -> Any:
    try:
        return feedparser.parse(data, response_headers={"content-location": base_url})
    except Exception:  # feedparser is lenient; anything it still raises is a broken feed
        return None


def rfc822_to_iso(value: str) -> str:
    """RSS dates ("Fri, 27 Nov 2026 06:33:52 +0500") as ISO 8601 with their offset; others as given."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
    return when.isoformat()


@dataclass
class ListingLinks:
    feeds: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)  # sections and pagination


def listing_links(text: str, url: str, home: str, *, with_feeds: bool) -> ListingLinks:
    """From a home or section page: announced feeds, article-like links, section and page links.

    Only links on the site's own host (www. or not) are returned.
    """
    sel = Selector(text=text, base_url=url)
    out = ListingLinks()
    if with_feeds:
        for href in sel.xpath(
            '//link[@rel="alternate"][contains(@type,"rss") or contains(@type,"atom")]/@href'
        ).getall():
            feed = urljoin(url, href.strip())
            if is_http_url(feed):
                out.feeds.append(feed)
    home_host = urlsplit(home).netloc.lower().removeprefix("www.")
    for href in sel.xpath("//a/@href").getall():
        link = urljoin(url, href.strip())
        if not is_http_url(link):
            continue
        parts = urlsplit(link)
        if parts.netloc.lower().removeprefix("www.") != home_host:
            continue
        if ARTICLE_URL.search(parts.path) and not NOT_ARTICLE.search(parts.path):
            out.articles.append(link)
        elif SECTION_URL.match(parts.path) or "page=" in parts.query or "/page/" in parts.path:
            out.listings.append(link)
    return out
