"""Discovery budget: a `limit=` crawl fetches no more listing pages of a site once it has all
the articles it wants there (listings already queued when that happens are dropped here).

Known articles are not this module's concern any more: the spider asks the crawl state before
it requests an article (see `NewsSpider._fetch`), so a skip is a counted skip, never a request.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler

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
