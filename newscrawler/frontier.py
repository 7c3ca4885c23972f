"""The frontier: which article pages are scheduled, in flight, extracted or held back.

The spider offers every article URL that discovery finds; the frontier decides whether to
fetch it (once per URL key, within `since=` and `limit=`), keeps the newest listing date
per key for the incremental middleware, and tells the clean pipeline how many pages of a
site are still in flight. It is a Scrapy extension, reached with
``crawler.get_extension(Frontier)``.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler

from newscrawler.extraction.dates import Stamp
from newscrawler.plan import CrawlPlan, plan_of
from newscrawler.urls import url_key


@dataclass(frozen=True)
class Candidate:
    """An article URL as a listing (sitemap, feed, section page) names it."""

    site: str
    url: str
    listed: Stamp | None  # the listing's date for it, if any
    source: str  # sitemap, feed or links


class Decision(enum.Enum):
    FETCH = "fetch"  # a new article: fetch it
    REFETCH = "refetch"  # skipped as known earlier in this crawl, but a newer listing names it
    TOO_OLD = "too_old"  # listed before `since`
    HELD = "held"  # past `limit`: kept in reserve in case a scheduled one is not fetched
    SEEN = "seen"  # already scheduled (or decided) in this crawl


class Frontier:
    # Per site, how many candidates past `limit` are kept in reserve (times the limit).
    BACKLOG_FACTOR = 10

    def __init__(self, plan: CrawlPlan | None = None) -> None:
        self.configure(plan)
        self.scheduled: Counter[str] = Counter()  # article requests per site (fetched or to be)
        self._in_flight: Counter[str] = Counter()  # article requests not yet answered
        self._extracted: Counter[str] = Counter()  # articles handed to the pipelines
        self._seen: set[str] = set()  # URL keys decided on
        self._listed: dict[str, Stamp] = {}  # the newest listing date of each key
        self._known: set[str] = set()  # keys the incremental middleware skipped as unchanged
        self._backlog: dict[str, deque[Candidate]] = defaultdict(deque)

    def configure(self, plan: CrawlPlan | None) -> None:
        """Take `since` and `limit` from the plan (extensions may exist before the spider does)."""
        self.since = plan.since if plan else None
        self.limit = plan.limit if plan else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Frontier:
        frontier = cls(plan_of(crawler))
        crawler.signals.connect(frontier._request_dropped, signal=signals.request_dropped)
        return frontier

    def _request_dropped(self, request: Request, **_: Any) -> None:
        # The scheduler refused an article request (a duplicate fingerprint): it is not in flight.
        site = request.meta.get("site")
        if request.meta.get("source") is not None and site:
            self._in_flight[site] -= 1
            self.scheduled[site] -= 1

    # --- discovery offers candidates ---

    def offer(self, c: Candidate) -> Decision:
        key = url_key(c.url)
        # Listings may name one URL with different dates (publication vs lastmod): the newest
        # decides whether a known article changed (see the incremental middleware).
        newer = c.listed is not None and (key not in self._listed or c.listed.utc() > self._listed[key].utc())
        if newer and c.listed is not None:
            self._listed[key] = c.listed
        if key in self._seen:
            if newer and key in self._known:
                self._known.discard(key)
                self._in_flight[c.site] += 1
                return Decision.REFETCH
            return Decision.SEEN
        if self.since and c.listed and c.listed.utc() < self.since:
            self._seen.add(key)
            return Decision.TOO_OLD
        if self.limit is not None and self.scheduled[c.site] >= self.limit:
            if len(self._backlog[c.site]) < self.BACKLOG_FACTOR * self.limit:
                self._backlog[c.site].append(c)
            return Decision.HELD
        self._seen.add(key)
        self.scheduled[c.site] += 1
        self._in_flight[c.site] += 1
        return Decision.FETCH

    def newest_listing(self, url: str) -> Stamp | None:
        return self._listed.get(url_key(url))

    # --- what became of a request ---

    def answered(self, site: str) -> None:
        """An article page arrived."""
        self._in_flight[site] -= 1

    def not_fetched(self, site: str, url: str, known: bool = False) -> list[Candidate]:
        """An article request failed or was skipped: its place under `limit` is free again.

        Returns the reserve candidates now scheduled in its place, to be requested.
        """
        self._in_flight[site] -= 1
        self.scheduled[site] -= 1
        if known:
            self._known.add(url_key(url))
        out = []
        while self._backlog[site] and (self.limit is None or self.scheduled[site] < self.limit):
            c = self._backlog[site].popleft()
            if self.offer(c) is Decision.FETCH:
                out.append(c)
        return out

    def in_flight(self, site: str) -> int:
        return max(0, self._in_flight[site])

    def may_extract(self, site: str) -> bool:
        return self.limit is None or self._extracted[site] < self.limit

    def extracted(self, site: str) -> None:
        self._extracted[site] += 1

    def same_as_seen(self, canonical: str, response_url: str, request_url: str) -> bool:
        """A page whose canonical URL is another page already decided on in this crawl."""
        c = url_key(canonical)
        if c == url_key(response_url):
            return False
        if c in self._seen and c != url_key(request_url):
            return True
        self._seen.add(c)
        return False
