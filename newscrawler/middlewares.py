"""Incremental crawling: article pages written in earlier runs are not fetched again,
unless their listing (sitemap lastmod) says they changed since. Listings are fetched
until a `limit=` crawl has all the articles it wants of their site."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Request
from scrapy.crawler import Crawler

from newscrawler.extraction.dates import parse_any
from newscrawler.frontier import Frontier
from newscrawler.state.extension import get_store
from newscrawler.stats import CountedIgnore, count
from newscrawler.urls import url_key


class KnownArticle(CountedIgnore):
    """The article was written before and its listing shows no change."""

    def __init__(self, message: str, listed: str | None) -> None:
        super().__init__(message)
        self.listed = listed  # the listing date the decision was made with


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("discovery"):
            self._enough(request)
            return
        if request.meta.get("source") is None:  # robots.txt
            return
        key = url_key(request.url)
        seen = get_store(self.crawler).last_fetch(key)
        if seen is None:
            return
        frontier = self.crawler.get_extension(Frontier)
        newest = frontier.newest_listing(request.url) if frontier is not None else None
        listed = newest.iso() if newest is not None else request.meta.get("listed")
        if changed_since(listed, *seen):
            request.meta["listed"] = listed
            return
        count(self.crawler, "skipped", "known", request.url, request.meta.get("site"))
        raise KnownArticle(f"already written: {request.url}", listed)

    def _enough(self, request: Request) -> None:
        """A `limit=` crawl with all the articles it wants of a site fetches no more of its listings."""
        frontier = self.crawler.get_extension(Frontier)
        site = request.meta.get("site")
        if frontier is not None and site and frontier.has_enough(site):
            count(self.crawler, "skipped", "enough_articles", request.url, site)
            raise CountedIgnore(f"enough articles of {site}: {request.url}")


def changed_since(listed: str | None, listed_before: str | None, fetched: str) -> bool:
    """The listing's date is newer than both what it said last time and when we fetched it."""
    if not listed:
        return False
    now = datetime.now(UTC)
    new = parse_any(listed, now)
    if new is None:
        return False
    marks = [s for s in (parse_any(v, now) for v in (listed_before, fetched) if v) if s is not None]
    return all(new.utc() > m.utc() for m in marks)
