"""Item pipelines, in the order settings.py enables them: clean, validate, deduplicate."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawler.stats import count

logger = logging.getLogger(__name__)


class Drop(DropItem):
    """A counted drop: stats ``newscrawler/dropped/<reason>``, logged once per reason."""

    def __init__(self, reason: str, url: str | None) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason
        self.url = url


def count_drop(crawler: Crawler, reason: str, url: str | None, site: str | None) -> Drop:
    count(crawler, "dropped", reason, url, site)
    return Drop(reason, url)


def state_failed(crawler: Crawler, exc: BaseException, url: str | None, site: str | None) -> Drop:
    """The crawl state failed while handling an article: one error line, a counted drop."""
    stats = crawler.stats
    if stats is not None and not stats.get_value("newscrawler/dropped/state_error"):
        logger.error(
            "error: the crawl state failed (%s); the article is not written and the next run retries it", exc
        )
    return count_drop(crawler, "state_error", url, site)
