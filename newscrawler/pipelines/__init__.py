"""Item pipelines, in the order settings.py enables them: clean, validate, deduplicate."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawler.state import StateStore, open_state
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


def get_state(crawler: Crawler) -> StateStore:
    """One state per crawl, shared by the pipelines and the incremental middleware."""
    state = getattr(crawler, "_newscrawler_state", None)
    if state is None:
        state = open_state(crawler.settings)
        spider: Any = getattr(crawler, "spider", None)
        if spider is not None and getattr(spider, "fresh", False):
            logger.info("fresh=1: the crawl state was reset")
            state.reset()
        crawler._newscrawler_state = state  # type: ignore[attr-defined]
    return state
