"""Downloader middlewares: the discovery budget, error stats, a cheaper meta-refresh check,
challenge and block pages, and politeness (robots.txt Crawl-delay, Retry-After).

Discovery budget: a `limit=` crawl fetches no more listing pages of a site once it has all
the articles it wants there (listings already queued when that happens are dropped here).

Known articles are not this module's concern: the frontier asks the crawl state before an
article is requested (`Frontier.admit`), so a skip is a counted skip, never a request.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.http import HtmlResponse, Response

from newscrawler.context import context_of, site_of
from newscrawler.extraction.blocked import blocked
from newscrawler.frontier import Frontier
from newscrawler.plan import plan_of
from newscrawler.stats import BlockedPage, CountedIgnore, count

logger = logging.getLogger(__name__)


class DiscoveryBudgetMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiscoveryBudgetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        ctx = context_of(request)
        if ctx is None or not ctx.kind.discovery:
            return
        frontier = self.crawler.get_extension(Frontier)
        site = ctx.site
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


class BlockedPageMiddleware:
    """Challenge and block pages (newscrawler.extraction.blocked: Cloudflare, captcha walls,
    DataDome, "Access denied"...) end their request with ``BlockedPage``, whatever their status:
    the spider's errback counts an article page fetched and ``dropped/blocked``, any other page
    ``errors/blocked``; never ``not_article``, never ``http_403``. The first of each site is logged
    with its URL and kind.

    Ordered 587: after HttpCompressionMiddleware (590) in the response chain, so it reads the
    decoded body; before MetaRefresh (580), which would follow a challenge's refresh tag, and
    before Politeness (560) and Retry (550), which would retry a 429/503 challenge.

    Before the WARC capture (585) too: a challenge page is not the page, and is not archived.

    A robots.txt answered with a challenge page is read as an empty one (no rules, no Sitemap
    lines: the site's usual sitemap locations are tried), never as rules, and counted
    ``errors/blocked``: nothing else would count it, as no errback of ours sees Scrapy's request.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.logged: set[str] = set()  # sites whose first blocked page was logged

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockedPageMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        found = blocked(response.status, response.body, headers)
        if found is None:
            return response
        site = site_of(request) or self._site_by_host(request.url)
        if (site or "") not in self.logged:
            self.logged.add(site or "")
            logger.warning(
                "blocked: %s answered %s with a %s page (%s) instead of %s; its blocked pages are "
                "counted, not retried (NEWSCRAWLER_IMPERSONATE, README: Blocked sites)",
                site or urlsplit(request.url).netloc, response.status, found.kind, found.evidence, request.url,
            )  # fmt: skip
        if urlsplit(request.url).path == "/robots.txt":
            count(self.crawler, "errors", "blocked", request.url, site)
            request.meta["dont_retry"] = True  # a 503 challenge is not worth retrying either
            headers = response.headers.copy()
            headers.pop(b"Retry-After", None)  # nor is the pause it may ask for
            return response.replace(body=b"", headers=headers)
        raise BlockedPage(request.url, found.kind)

    def _site_by_host(self, url: str) -> str | None:
        """The crawl's site on this host (Scrapy's own robots.txt requests carry no context)."""
        plan = plan_of(self.crawler)
        netloc = urlsplit(url).netloc.lower().removeprefix("www.")
        for site in plan.sites if plan is not None else ():
            if urlsplit(site.home).netloc.lower().removeprefix("www.") == netloc:
                return site.name
        return None


class PolitenessMiddleware:
    """What a site asks of crawlers, honoured up to caps: robots.txt ``Crawl-delay`` and
    ``Retry-After`` on 429/503.

    - Crawl-delay: the site's download slot waits at least that long between requests (at most
      NEWSCRAWLER_MAX_CRAWL_DELAY; a registry ``download_delay`` is a floor too). Set on the slot
      as AutoThrottle sets its delay, so AutoThrottle never goes below it.
    - Retry-After (seconds or an HTTP date) up to NEWSCRAWLER_MAX_RETRY_AFTER: the site's slot
      pauses that long and the request is retried (within RETRY_TIMES). A longer wait, or one more 429/503 once the
      retries are used: the site is counted ``rate_limited`` and left for the next run (its
      remaining requests are refused, counted, not sent).
    Before Scrapy's RetryMiddleware in the response chain, which would retry at once.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.max_crawl_delay = settings.getfloat("NEWSCRAWLER_MAX_CRAWL_DELAY")
        self.max_retry_after = settings.getfloat("NEWSCRAWLER_MAX_RETRY_AFTER")
        self.retry_times = settings.getint("RETRY_TIMES")
        self.user_agent = settings.get("USER_AGENT") or "*"
        self.floors: dict[str, float] = {}  # netloc -> least delay between requests
        self.paused: dict[str, tuple[float, float]] = {}  # slot key -> (its delay before, pause end)
        self.rate_limited: set[str] = set()  # netlocs left for the next run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        return cls(crawler)

    def _slot(self, request: Request) -> tuple[str, Any]:
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        if downloader is None:
            return "", None
        key = downloader.get_slot_key(request)
        return key, downloader.slots.get(key)

    def process_request(self, request: Request) -> None:
        netloc = urlsplit(request.url).netloc
        if netloc in self.rate_limited:
            count(self.crawler, "skipped", "rate_limited", request.url, site_of(request))
            raise CountedIgnore(
                f"{netloc} asked us to wait longer than NEWSCRAWLER_MAX_RETRY_AFTER: {request.url}"
            )
        floor = max(self.floors.get(netloc, 0.0), float(request.meta.get("download_delay") or 0.0))
        if floor <= 0:
            return
        # A floor is kept exactly: Scrapy's random jitter (0.5x to 1.5x the delay) would go below it.
        key, slot = self._slot(request)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, floor), 0.0
        elif key and self.crawler.engine is not None:  # the slot is made after this: its settings
            per_slot = self.crawler.engine.downloader.per_slot_settings.setdefault(key, {})
            per_slot.update(delay=max(float(per_slot.get("delay", 0.0)), floor), jitter=0.0)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        netloc = urlsplit(request.url).netloc
        if urlsplit(request.url).path == "/robots.txt" and response.status == 200:
            self._read_crawl_delay(netloc, response.body)
        if response.status in (429, 503):
            return self._retry_after(request, response)
        key, slot = self._slot(request)
        if key in self.paused and slot is not None and time.monotonic() >= self.paused[key][1]:
            slot.delay = self.paused.pop(key)[0]  # the pause is over: the slot's own delay again
        return response

    def _read_crawl_delay(self, netloc: str, body: bytes) -> None:
        try:
            parser = Protego.parse(body.decode("utf-8", "replace"))
            asked = parser.crawl_delay(self.user_agent)
        except Exception:  # a robots.txt Protego cannot read asks nothing
            return
        if asked:
            self.floors[netloc] = min(float(asked), self.max_crawl_delay)
            self.crawler.stats.set_value(f"newscrawler/crawl_delay/{netloc}", self.floors[netloc])

    def _retry_after(self, request: Request, response: Response) -> Request | Response:
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return response  # Scrapy's RetryMiddleware decides, as for any 429/503
        tries = int(request.meta.get("retry_times", 0))
        netloc = urlsplit(request.url).netloc
        if wait > self.max_retry_after or tries >= self.retry_times:
            self.rate_limited.add(netloc)
            count(self.crawler, "errors", "rate_limited", request.url, site_of(request))
            raise CountedIgnore(
                f"{netloc} answered {response.status} with Retry-After {wait:g} s: {request.url}"
            )
        key, slot = self._slot(request)
        if slot is not None:
            # The slot's next request waits until then (plus its usual, jittered, delay); a slot
            # without a delay never checks that, so it gets a token one until a good response.
            until = time.monotonic() + wait
            slot.lastseen = max(slot.lastseen, until)
            if not slot.delay or key in self.paused:
                old = self.paused.get(key, (slot.delay, until))[0]
                self.paused[key] = (old, max(until, self.paused.get(key, (0.0, 0.0))[1]))
                slot.delay = 0.001
        retry = request.replace(dont_filter=True)
        retry.meta["retry_times"] = tries + 1
        self.crawler.stats.inc_value("newscrawler/retry_after")
        return retry


def retry_after_seconds(value: bytes | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
