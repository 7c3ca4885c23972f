"""Downloader middlewares: the discovery budget, error stats, and a cheaper meta-refresh check.

Discovery budget: a `limit=` crawl fetches no more listing pages of a site once it has all
the articles it wants there (listings already queued when that happens are dropped here).

Known articles are not this module's concern any more: the spider asks the crawl state before
it requests an article (see `NewsSpider._fetch`), so a skip is a counted skip, never a request.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.http import Response

from newscrawler.frontier import Frontier
from newscrawler.stats import CountedIgnore, count


class DiscoveryBudgetMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiscoveryBudgetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("discovery"):
            return
        frontier = self.crawler.get_extension(Frontier)
        site = request.meta.get("site")
        if frontier is not None and site and frontier.has_enough(site):
            count(self.crawler, "skipped", "enough_articles", request.url, site)
            raise CountedIgnore(f"enough articles of {site}: {request.url}")


class DownloaderErrorStats(DownloaderStats):
    """Scrapy's downloader stats, with exception counts kept for real errors: a request refused
    on purpose (CountedIgnore: off-site, private, enough articles) is counted under its own
    reason by whoever refused it, not as a downloader exception."""

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        if isinstance(exception, CountedIgnore):
            return None
        super().process_exception(request, exception)
        return None


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    """Scrapy's meta-refresh redirects, without decoding every page in the crawl's process.

    Scrapy looks for the tag in the first 4,096 characters of ``response.text``, which decodes the
    whole body and keeps the text with the response until it is extracted, a worker process that
    reads the bytes. A page whose first 16 KB (4,096 characters of UTF-8 at most) never say
    "refresh" has no such tag there; only the rest, and pages in UTF-16 or UTF-32 (where the bytes
    of the word are interleaved with zeros), go through Scrapy's check."""

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        head = response.body[:16384]
        if b"\x00" not in head[:512] and b"refresh" not in head.lower():
            return response
        return super().process_response(request, response)
