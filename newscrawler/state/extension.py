"""The crawl-state extension: opens the store when the spider opens; the crawl finisher
(newscrawler.extensions.CrawlFinisher) closes it at the end, after the monitors.

Pipelines and middleware reach the store with ``crawler.get_extension(CrawlState).store``.
`fresh=1` empties it on opening; while the crawl runs it renews the store's lease on its claims; claims this crawl left pending (claimed, never written)
are released on closing, so the next crawl writes those articles.
"""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from newscrawler.plan import plan_of
from newscrawler.state import StateError, StateStore, open_state

logger = logging.getLogger(__name__)

# Sent each time the crawl's lease was renewed (every NEWSCRAWLER_LEASE_SECONDS / 4): the one
# heartbeat of a crawl, which the distributed scheduler also beats its worker key on.
lease_renewed = object()


class CrawlState:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._store: StateStore | None = None
        self._renewal: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlState:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    @property
    def store(self) -> StateStore:
        """The open store; opened on first use if a component needs it before spider_opened."""
        if self._store is None:
            plan = plan_of(self.crawler)
            fresh = plan is not None and plan.fresh
            self._store = open_state(self.crawler.settings, fresh=fresh)
            if fresh:
                logger.info("fresh=1: the crawl state was reset")
        return self._store

    @property
    def opened(self) -> StateStore | None:
        """The store if this crawl opened it (and has not closed it), without opening it."""
        return self._store

    async def spider_opened(self, spider: Spider) -> None:
        try:
            self.store  # noqa: B018 - opening is the point
        except StateError as exc:
            logger.error("error: %s", exc)
            assert self.crawler.engine is not None
            await self.crawler.engine.close_spider_async(reason="state_error")
            return
        period = self.crawler.settings.getfloat("NEWSCRAWLER_LEASE_SECONDS") / 4
        self._renewal = LoopingCall(self._renew)
        self._renewal.start(max(period, 0.5), now=False)

    def _renew(self) -> None:
        """Keep this crawl's claims (a lease another crawl honours until it expires)."""
        if self._store is None:
            return
        try:
            self._store.renew()
        except StateError as exc:  # the store is gone (a Redis restarted empty): stop, loudly
            self._failed(exc)
            return
        except Exception as exc:
            logger.warning("could not renew the crawl state lease: %s", exc)
        self.crawler.signals.send_catch_log(lease_renewed)

    def _failed(self, exc: Exception) -> None:
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()
        logger.error("error: %s", exc)
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="state_error"))

    def close(self) -> None:
        """Called once by the crawl finisher, after the last feed is stored and its claims confirmed."""
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()
        if self._store is None:
            return
        self._store.release_pending()
        self._store.close()
        self._store = None


def get_store(crawler: Crawler) -> StateStore:
    """The crawl's store, for pipelines and middleware."""
    ext = crawler.get_extension(CrawlState)
    if ext is None:
        raise StateError("the CrawlState extension is not enabled (EXTENSIONS in settings.py)")
    return ext.store
