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
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler

from newscrawler.extraction.dates import Stamp, parse_any, parse_iso
from newscrawler.plan import CrawlPlan, plan_of
from newscrawler.stats import count
from newscrawler.urls import url_key, url_pattern


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
    TRAP = "trap"  # too long, or one more of a URL shape seen too often (calendars, session ids)
    HELD = "held"  # past `limit`: kept in reserve in case a scheduled one is not fetched
    SEEN = "seen"  # already scheduled (or decided) in this crawl


@dataclass(frozen=True)
class Bounds:
    """Per-site caps that make every crawl end (settings NEWSCRAWLER_*)."""

    max_url_length: int = 2000
    sitemap_depth: int = 4  # index -> index -> ... -> urlset
    sitemap_files: int = 1000
    listing_depth: int = 3  # home -> section -> older pages
    listing_pages: int = 300
    per_pattern: int = 50  # listing pages of one URL shape (a calendar's days)
    per_article_pattern: int = 5  # article URLs that differ only in query values

    @classmethod
    def from_settings(cls, settings: Any) -> Bounds:
        return cls(
            max_url_length=settings.getint("NEWSCRAWLER_MAX_URL_LENGTH"),
            sitemap_depth=settings.getint("NEWSCRAWLER_SITEMAP_MAX_DEPTH"),
            sitemap_files=settings.getint("NEWSCRAWLER_SITEMAP_MAX_FILES"),
            listing_depth=settings.getint("NEWSCRAWLER_LISTING_MAX_DEPTH"),
            listing_pages=settings.getint("NEWSCRAWLER_LISTING_MAX_PAGES"),
            per_pattern=settings.getint("NEWSCRAWLER_LISTING_MAX_PER_PATTERN"),
        )


class Frontier:
    # Per site, how many candidates past `limit` are kept in reserve (times the limit).
    BACKLOG_FACTOR = 10

    def __init__(
        self, plan: CrawlPlan | None = None, crawler: Crawler | None = None, bounds: Bounds | None = None
    ) -> None:
        self.crawler = crawler
        self.bounds = bounds or Bounds()
        self.configure(plan)
        self._sitemaps: Counter[str] = Counter()  # sitemap files requested per site
        self._listings: Counter[str] = Counter()  # listing pages requested per site
        self._patterns: Counter[tuple[str, str]] = Counter()  # (site, URL shape) -> URLs requested
        self._samples: Counter[str] = Counter()  # extra articles a `limit=` crawl may read to learn a site
        self._sampled: Counter[str] = Counter()
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
        frontier = cls(plan_of(crawler), crawler, Bounds.from_settings(crawler.settings))
        crawler.signals.connect(frontier.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(frontier.request_dropped, signal=signals.request_dropped)
        return frontier

    def request_scheduled(self, request: Request, **_: Any) -> None:
        # In flight from when the engine takes it: a request that a spider middleware filtered
        # out on the way (Scrapy's URL length limit, say) never was, so nothing waits for it.
        site = request.meta.get("site")
        if request.meta.get("source") is not None and site:
            self._in_flight[site] += 1

    def request_dropped(self, request: Request, **_: Any) -> None:
        # The scheduler refused an article request (a duplicate fingerprint): it is not in flight.
        site = request.meta.get("site")
        if request.meta.get("source") is not None and site:
            self._in_flight[site] -= 1
            self.scheduled[site] -= 1
            if request.meta.get("redirect_urls") and self.crawler is not None:
                # A redirect back to a URL already requested: a loop, not a duplicate.
                count(self.crawler, "errors", "redirect_loop", request.meta["redirect_urls"][0], site)

    # --- discovery offers candidates ---

    def offer(self, c: Candidate) -> Decision:
        if len(c.url) > self.bounds.max_url_length:
            return Decision.TRAP
        key = url_key(c.url)
        # Listings may name one URL with different dates (publication vs lastmod): the newest
        # decides whether a known article changed (see the incremental middleware).
        newer = c.listed is not None and (key not in self._listed or c.listed.utc() > self._listed[key].utc())
        if newer and c.listed is not None:
            self._listed[key] = c.listed
        if key in self._seen:
            if newer and key in self._known:
                self._known.discard(key)
                self.scheduled[c.site] += 1
                return Decision.REFETCH
            return Decision.SEEN
        if self.since and c.listed and c.listed.utc() < self.since:
            self._seen.add(key)
            return Decision.TOO_OLD
        if self.limit is not None and self.scheduled[c.site] >= self._cap(c.site):
            if len(self._backlog[c.site]) < self.BACKLOG_FACTOR * self.limit:
                self._backlog[c.site].append(c)
            return Decision.HELD
        pattern = (c.site, "article:" + url_pattern(c.url)) if "?" in c.url else None
        if pattern is not None:
            if self._patterns[pattern] >= self.bounds.per_article_pattern:
                self._seen.add(key)
                return Decision.TRAP
            self._patterns[pattern] += 1
        self._seen.add(key)
        self.scheduled[c.site] += 1
        return Decision.FETCH

    # --- discovery requests (sitemaps, feeds, listing pages) ---

    def sitemap_refusal(self, site: str, depth: int) -> str | None:
        """Why a sitemap file may not be fetched (None: fetch it); counts it when allowed."""
        if self.has_enough(site):
            return "enough_articles"
        if depth > self.bounds.sitemap_depth:
            return "sitemap_depth"
        if self._sitemaps[site] >= self.bounds.sitemap_files:
            return "sitemap_files"
        self._sitemaps[site] += 1
        return None

    def listing_refusal(self, site: str, url: str, depth: int) -> str | None:
        """Why a listing page may not be fetched (None: fetch it); counts it when allowed."""
        if self.has_enough(site):
            return "enough_articles"
        if len(url) > self.bounds.max_url_length:
            return "trap"
        if depth > self.bounds.listing_depth:
            return "listing_depth"
        if self._listings[site] >= self.bounds.listing_pages:
            return "listing_pages"
        pattern = (site, url_pattern(url))
        if self._patterns[pattern] >= self.bounds.per_pattern:
            return "trap"
        self._patterns[pattern] += 1
        self._listings[site] += 1
        return None

    def has_enough(self, site: str) -> bool:
        """A `limit=` crawl that has all the articles it wants of a site stops discovering there."""
        if self.limit is None:
            return False
        if self._extracted[site] + self._sampled[site] >= self._cap(site):
            return True
        return self.scheduled[site] >= self._cap(site) and len(self._backlog[site]) >= self.limit

    def _cap(self, site: str) -> int:
        return (self.limit or 0) + self._samples[site]

    def allow_samples(self, site: str, n: int) -> None:
        """A `limit=` crawl of a site the state barely knows may read n more articles than it
        writes, to learn the site's template paragraphs (they are counted, then dropped as
        `template_sample`, and written by a later run), so that the first crawl is clean too."""
        if self.limit is not None:
            self._samples[site] = max(0, n)

    def sample_slot(self, site: str) -> bool:
        """The article just scheduled is past the `limit` articles the crawl writes: one of the extra
        ones read to learn the site's template. Writes go to the first listed (the newest), not to
        whichever page happens to be extracted first."""
        return self.limit is not None and self.scheduled[site] > self.limit

    def may_sample(self, site: str) -> bool:
        return self._sampled[site] < self._samples[site]

    def sampled(self, site: str) -> None:
        self._sampled[site] += 1

    def newest_listing(self, url: str) -> Stamp | None:
        return self._listed.get(url_key(url))

    # --- what became of a request ---

    def answered(self, site: str) -> None:
        """An article page arrived."""
        self._in_flight[site] -= 1

    def not_fetched(
        self,
        site: str,
        url: str,
        known: bool = False,
        decided_with: str | None = None,
        source: str = "",
        requested: bool = True,
    ) -> list[Candidate]:
        """An article request failed or was skipped: its place under `limit` is free again.

        ``known``: the incremental middleware skipped it as unchanged, judging by the listing
        date ``decided_with``. Returns the candidates now scheduled in its place, to be
        requested: the article itself first when a newer listing arrived while it was in flight.
        ``requested``: False when it was skipped before any request was made (nothing in flight).
        """
        if requested:
            self._in_flight[site] -= 1
        self.scheduled[site] -= 1
        out = []
        if known:
            key = url_key(url)
            newest = self._listed.get(key)
            before = parse_iso(decided_with) if decided_with else None
            if newest is not None and (before is None or newest.utc() > before.utc()):
                self.scheduled[site] += 1
                out.append(Candidate(site, url, newest, source))
            else:
                self._known.add(key)
        while self._backlog[site] and (self.limit is None or self.scheduled[site] < self._cap(site)):
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
