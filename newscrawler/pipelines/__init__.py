"""Item pipelines, in the order settings.py enables them: clean, validate, deduplicate."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawler.stats import count


class Drop(DropItem):
    """A counted drop: stats ``newscrawler/dropped/<reason>``, logged once per reason."""

    def __init__(self, reason: str, url: str | None) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason
        self.url = url


def count_drop(crawler: Crawler, reason: str, url: str | None, site: str | None) -> Drop:
    count(crawler, "dropped", reason, url, site)
    return Drop(reason, url)
