"""Capture: with NEWSCRAWLER_WARC_DIR set, every page the crawl fetched is written as WARC records.

``WarcCapture`` is a downloader middleware between HttpCompressionMiddleware (590) and Scrapy's
MetaRefresh (580), so it sees each response after it was decoded and after redirects were followed
(a 3xx hop is not captured; the page it led to is, under its own URL), before the retry and
politeness middlewares decide about it: a 503 that is retried is captured once per try, as it was
fetched. Requests the safety middleware, robots.txt or the frontier refused were never fetched and
are never captured.

What is captured: article pages; with NEWSCRAWLER_WARC_LISTINGS every response (robots.txt,
sitemaps, feeds, home and section pages too). The records are built and written on one writer
thread (newscrawler.warc.WarcFiles), so the reactor only hands the response over; at most
``MAX_PENDING`` wait, so memory stays flat when the disk is slower than the network.

Failure is loud and never costs an article: a write that fails (disk full, directory gone) is one
``error:`` line, each page not captured is counted as ``newscrawler/warc/failed``, the crawl goes on
(its articles are written as usual) and its exit status is 3 (an output failed). A directory that
cannot be written to at all is refused before the crawl (``scrapy crawl``: ``error:``, exit 2).

Stats: ``newscrawler/warc/records`` (pages captured), ``.../bytes``, ``.../files`` (closed),
``.../failed``, ``.../recovered`` (.open files of a killed crawl, cut back and closed at the start).
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newscrawler import settings as defaults
from newscrawler.context import Kind, context_of
from newscrawler.warc import Exchange, WarcFiles, info_fields, recover

logger = logging.getLogger(__name__)

MAX_PENDING = 64  # pages handed to the writer thread and not yet written
STATS = "newscrawler/warc"


def exchange_of(request: Request, response: Response) -> Exchange:
    """The WARC view of a fetched page: its request as sent and its response as decoded."""
    return Exchange(
        url=response.url,
        status=response.status,
        headers=_pairs(response.headers),
        body=response.body,
        fetched=datetime.now(UTC),
        method=request.method,
        request_headers=_pairs(request.headers),
        request_body=request.body,
        ip=str(response.ip_address) if response.ip_address is not None else None,
        protocol=response.protocol or "HTTP/1.1",
    )


def _pairs(headers: Any) -> list[tuple[str, str]]:
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in headers.items()
        for value in values
    ]


class WarcCapture:
    def __init__(self, crawler: Crawler, directory: str, max_bytes: int, listings: bool) -> None:
        self.crawler = crawler
        self.directory = directory
        self.listings = listings
        settings = crawler.settings
        info = info_fields(
            isPartOf=settings.get("BOT_NAME"),
            robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            **{"http-header-user-agent": settings.get("USER_AGENT")},
        )
        self.files = WarcFiles(directory, max_bytes, info)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="warc-capture")
        self.pending: deque[tuple[str, Future[int]]] = deque()  # (url, its write) in order
        self.recovering: Future[list[Path]] | None = None  # recover() of the directory, at the start
        self.closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCapture:
        directory = crawler.settings.get("NEWSCRAWLER_WARC_DIR")
        if not directory:
            raise NotConfigured
        capture = cls(
            crawler,
            str(directory),
            crawler.settings.getint("NEWSCRAWLER_WARC_MAX_BYTES", defaults.NEWSCRAWLER_WARC_MAX_BYTES),
            crawler.settings.getbool("NEWSCRAWLER_WARC_LISTINGS"),
        )
        crawler.signals.connect(capture.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(capture.spider_closed, signal=signals.spider_closed)
        return capture

    def spider_opened(self, spider: Spider) -> None:
        # On the writer thread, before the first page: a killed crawl's file may be large.
        self.recovering = self.writer.submit(recover, self.directory)

    def _recovered(self) -> None:
        future, self.recovering = self.recovering, None
        if future is None:
            return
        try:
            recovered = future.result()
        except Exception as exc:
            self._failed("(closing the .open files of a killed crawl)", exc)
            return
        for path in recovered:
            logger.warning("warning: closed %s, left open by a crawl that was killed", path)
        self.crawler.stats.inc_value(f"{STATS}/recovered", len(recovered))

    def wanted(self, request: Request) -> bool:
        """Article pages; every fetched response when NEWSCRAWLER_WARC_LISTINGS is on."""
        if self.listings:
            return True
        ctx = context_of(request)
        return ctx is not None and ctx.kind is Kind.ARTICLE

    def process_response(self, request: Request, response: Response) -> Response:
        if self.closed or not self.wanted(request):
            return response
        self._settle(block=1 if len(self.pending) >= MAX_PENDING else 0)
        exchange = exchange_of(request, response)
        self.pending.append((response.url, self.writer.submit(self.files.write, exchange)))
        return response

    def _settle(self, block: int = 0) -> None:
        """Count the writes that are done, waiting for the first ``block`` of them."""
        if self.recovering is not None and (block or self.recovering.done()):
            self._recovered()
        stats = self.crawler.stats
        while self.pending and (block > 0 or self.pending[0][1].done()):
            block -= 1
            url, future = self.pending.popleft()
            try:
                size = future.result()
            except Exception as exc:  # OSError mostly; anything else fails the page the same way
                self._failed(url, exc)
                continue
            stats.inc_value(f"{STATS}/records")
            stats.inc_value(f"{STATS}/bytes", size)

    def _failed(self, url: str, exc: BaseException) -> None:
        stats = self.crawler.stats
        if not stats.get_value(f"{STATS}/failed"):
            logger.error(
                "error: WARC capture failed in %s (%s); pages not captured are counted as "
                "newscrawler/warc/failed (their articles are written as usual), e.g. %s",
                self.directory,
                exc,
                url,
            )
        stats.inc_value(f"{STATS}/failed")

    def spider_closed(self, spider: Spider) -> None:
        """Every page handed over is written (or counted failed), then the last file is closed."""
        self.closed = True
        self._settle(block=len(self.pending) + 1)
        try:
            self.writer.submit(self.files.close).result()
        except Exception as exc:
            self._failed("(closing the last file)", exc)
        self.writer.shutdown(wait=True)
        stats = self.crawler.stats
        stats.set_value(f"{STATS}/files", len(self.files.closed))
        logger.info(
            "WARC capture: %d pages in %d files in %s",
            stats.get_value(f"{STATS}/records", 0),
            len(self.files.closed),
            self.directory,
        )
