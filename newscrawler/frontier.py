"""The frontier: which article pages are scheduled, in flight, extracted or held back.

The spider offers every article URL that discovery finds; the frontier decides whether to
fetch it (once per URL key, within `since=` and `limit=`), keeps the newest listing date
per key for the incremental middleware, and tells the clean pipeline how many pages of a
site are still in flight. It is a Scrapy extension, reached with
``crawler.get_extension(Frontier)``.
"""

from __future__ import annotations

import enum
import ipaddress
import itertools
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler

from newscrawler.context import Ticket, ticket_of
from newscrawler.extraction.dates import Stamp, epoch_seconds, seconds_iso
from newscrawler.plan import CrawlPlan, plan_of
from newscrawler.safety import registrable_domain
from newscrawler.state.extension import get_store
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
    FETCH = "fetch"  # a new article, or one whose listing changed since it was written: fetch it
    REFETCH = "refetch"  # skipped as known earlier in this crawl, but a newer listing names it
    KNOWN = "known"  # written by an earlier run and its listing shows no change: not fetched
    TOO_OLD = "too_old"  # listed before `since`
    TRAP = "trap"  # too long, or one more of a URL shape seen too often (calendars, session ids)
    HELD = "held"  # past `limit`: kept in reserve in case a scheduled one is not fetched
    SEEN = "seen"  # already decided in this crawl (for this or an older listing date)


# What the state knows of a URL key fetched before: (its listing date, when it was fetched), ISO.
LastFetch = Callable[[str], "tuple[str | None, str] | None"]
# Records URL keys that lead to an article fetched before: (keys, listing date, fetch time).
Remember = Callable[[list[str], "str | None", str], None]


@dataclass(frozen=True)
class Verdict:
    """What became of one candidate: to fetch (with its ticket) or why not."""

    candidate: Candidate
    decision: Decision
    ticket: Ticket | None = None  # FETCH and REFETCH only: the request to make


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
    """Admission of article URLs and the in-flight pages of each site.

    ``admit(candidate)`` is the one decision on a listed article: it returns every verdict it
    reached (the candidate's, and those of articles from the reserve that a skipped one made room
    for), each candidate decided once per listing date. ``finish(ticket_id, fetched)`` is called
    once a request's outcome is final; a page not fetched frees its place under ``limit=``.
    """

    # Per site, how many candidates past `limit` are kept in reserve (times the limit).
    BACKLOG_FACTOR = 10

    def __init__(
        self,
        plan: CrawlPlan | None = None,
        crawler: Crawler | None = None,
        bounds: Bounds | None = None,
        last_fetch: LastFetch | None = None,
        remember: Remember | None = None,
    ) -> None:
        self.crawler = crawler
        self.bounds = bounds or Bounds()
        self.configure(plan)
        self._last_fetch = last_fetch
        self._remember = remember
        self._sitemaps: Counter[str] = Counter()  # sitemap files requested per site
        self._listings: Counter[str] = Counter()  # listing pages requested per site
        self._patterns: Counter[tuple[str, str]] = Counter()  # (site, URL shape) -> URLs requested
        self._samples: Counter[str] = Counter()  # extra articles a `limit=` crawl may read to learn a site
        self._sampled: Counter[str] = Counter()
        self.scheduled: Counter[str] = Counter()  # article places taken per site (fetched or to be)
        self._open: dict[str, Ticket] = {}  # tickets whose outcome is not final yet
        self._in_flight: dict[str, set[str]] = defaultdict(set)  # site -> tickets the engine took
        self._extracted: Counter[str] = Counter()  # articles handed to the pipelines
        self._seen: set[str] = set()  # URL keys decided on
        self._listing_keys: set[str] = set()  # URL keys of listing pages requested
        self._texts: dict[str, int] = {}  # URL key -> fingerprint of the text read under it
        self._copies: dict[str, list[tuple[str, int]]] = defaultdict(list)  # canonical key -> copies dropped
        self._listed: dict[str, Stamp] = {}  # the newest listing date of each key
        self._known: set[str] = set()  # keys skipped as known (re-decided only for a newer listing)
        self._backlog: dict[str, deque[Candidate]] = defaultdict(deque)
        self._tickets = itertools.count(1)
        # Unique across the workers of a distributed crawl, whose requests (and tickets) a worker
        # takes from the shared queue: the pipelines and the output know an article by its ticket.
        self._ticket_prefix = uuid.uuid4().hex[:12]

    def configure(self, plan: CrawlPlan | None) -> None:
        """Take `since` and `limit` from the plan (extensions may exist before the spider does)."""
        self.since = plan.since if plan else None
        self.limit = plan.limit if plan else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Frontier:
        frontier = cls(
            plan_of(crawler),
            crawler,
            Bounds.from_settings(crawler.settings),
            last_fetch=lambda key: get_store(crawler).last_fetch(key),
            remember=lambda keys, listed, fetched: get_store(crawler).remember_duplicate(
                keys, listed, fetched
            ),
        )
        crawler.signals.connect(frontier.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(frontier.request_dropped, signal=signals.request_dropped)
        return frontier

    def request_scheduled(self, request: Request, **_: Any) -> None:
        # In flight from when the engine takes it: a request that a spider middleware filtered
        # out on the way (Scrapy's URL length limit, say) never was, so nothing waits for it.
        # A redirect hop or a retry carries the same ticket: added once.
        ticket = ticket_of(request)
        if ticket is not None and ticket.id in self._open:
            self._in_flight[ticket.site].add(ticket.id)

    def request_dropped(self, request: Request, **_: Any) -> None:
        # The scheduler refused an article request (a duplicate fingerprint): its outcome is final.
        ticket = ticket_of(request)
        if ticket is None or ticket.id not in self._open:
            return
        hops = request.meta.get("redirect_urls") or []
        if hops and self.crawler is not None:
            if url_key(request.url) in {url_key(u) for u in hops}:
                # A redirect back to a URL of its own chain: a loop.
                count(self.crawler, "errors", "redirect_loop", hops[0], ticket.site)
            else:  # onto a page this crawl already requested: that page is the article
                count(self.crawler, "skipped", "redirect_to_seen", hops[0], ticket.site)
                if self._remember is not None:  # the next run knows these URLs lead to it
                    now = datetime.now(UTC).isoformat()
                    self._remember(sorted({url_key(u) for u in hops}), ticket.listed, now)
        verdicts = self.finish(ticket.id, fetched=False)
        if verdicts and self.crawler is not None:
            # No callback yields these: the spider requests them (a place freed by a drop).
            self.crawler.signals.send_catch_log(reserve_released, verdicts=verdicts)

    # --- admission ---

    def admit(self, c: Candidate) -> list[Verdict]:
        """Every decision this candidate leads to: its own first, then those of reserve articles
        taken into the place it left (when it was skipped as known). Bounded by the reserve."""
        verdict = self._decide(c)
        out = [verdict]
        if verdict.decision is Decision.KNOWN:
            out += self._refill(c.site)
        return out

    def _decide(self, c: Candidate) -> Verdict:
        if len(c.url) > self.bounds.max_url_length:
            return Verdict(c, Decision.TRAP)
        key = url_key(c.url)
        # Listings may name one URL with different dates (publication vs lastmod): the newest
        # decides whether a known article changed.
        when = epoch_seconds(c.listed)
        newest = self._listed.get(key)
        newer = when is not None and (newest is None or when > (epoch_seconds(newest) or 0))
        if newer and c.listed is not None:
            self._listed[key] = c.listed
        if key in self._seen:
            if newer and key in self._known:
                return self._recheck(c, key)
            return Verdict(c, Decision.SEEN)
        if self.since and c.listed and c.listed.utc() < self.since:
            self._seen.add(key)
            return Verdict(c, Decision.TOO_OLD)
        if self.limit is not None and self.scheduled[c.site] >= self._cap(c.site):
            if len(self._backlog[c.site]) < self.BACKLOG_FACTOR * self.limit:
                self._backlog[c.site].append(c)
            return Verdict(c, Decision.HELD)
        pattern = (c.site, "article:" + url_pattern(c.url)) if "?" in c.url else None
        if pattern is not None:
            if self._patterns[pattern] >= self.bounds.per_article_pattern:
                self._seen.add(key)
                return Verdict(c, Decision.TRAP)
            self._patterns[pattern] += 1
        self._seen.add(key)
        if self._unchanged(key):
            self._known.add(key)
            return Verdict(c, Decision.KNOWN)
        return self._ticket(c, key, Decision.FETCH)

    def _recheck(self, c: Candidate, key: str) -> Verdict:
        """A newer listing of an article skipped as known: fetched if the state now sees a change."""
        if self._unchanged(key):
            return Verdict(c, Decision.SEEN)  # its skip is already counted
        self._known.discard(key)
        return self._ticket(c, key, Decision.REFETCH)

    def _unchanged(self, key: str) -> bool:
        """An earlier run fetched it, and no listing date is newer than that fetch's."""
        seen = self._last_fetch(key) if self._last_fetch is not None else None
        if seen is None:
            return False
        when = epoch_seconds(self._listed.get(key))
        return not changed_since(seconds_iso(when) if when is not None else None, *seen)

    def _ticket(self, c: Candidate, key: str, decision: Decision) -> Verdict:
        self.scheduled[c.site] += 1
        newest = self._listed.get(key)
        when = epoch_seconds(newest)
        listed = seconds_iso(when) if when is not None else None
        ticket = Ticket(
            f"{self._ticket_prefix}-{next(self._tickets)}",
            c.site,
            c.url,
            listed,
            c.source,
            self.sample_slot(c.site),
        )
        self._open[ticket.id] = ticket
        return Verdict(c, decision, ticket)

    def _refill(self, site: str) -> list[Verdict]:
        """Places freed under `limit`: taken by reserve articles, in listing order."""
        out: list[Verdict] = []
        while self._backlog[site] and (self.limit is None or self.scheduled[site] < self._cap(site)):
            out.append(self._decide(self._backlog[site].popleft()))
        return out

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
        self.listing_requested(url)
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

    def newest_listing(self, url: str) -> str | None:
        """The newest listing date of the URL's key (UTC ISO, whole seconds), if any listed it."""
        when = epoch_seconds(self._listed.get(url_key(url)))
        return seconds_iso(when) if when is not None else None

    # --- what became of a request ---

    def finish(self, ticket_id: str, fetched: bool) -> list[Verdict]:
        """A request's outcome is final: its page arrived and was extracted (``fetched``), or it
        failed, was refused or dropped. Once per ticket; a second call changes nothing.

        A page not fetched frees its place under `limit`: returns the verdicts of the reserve
        articles that take it (the caller requests those to fetch)."""
        ticket = self._open.pop(ticket_id, None)
        if ticket is None:
            return []
        self._in_flight[ticket.site].discard(ticket_id)
        if fetched:
            return []
        self.scheduled[ticket.site] -= 1
        return self._refill(ticket.site)

    def take(self, ticket: Ticket) -> None:
        """An article page the crawl has without a request (a WARC record, `scrapy crawl archive`):
        open and in flight until ``finish``, so the clean pipeline's warm-up waits for it."""
        self._open[ticket.id] = ticket
        self._in_flight[ticket.site].add(ticket.id)

    def in_flight(self, site: str) -> int:
        return len(self._in_flight[site])

    def open_tickets(self) -> int:
        """Article requests decided on whose outcome is not final yet (all sites)."""
        return len(self._open)

    def may_extract(self, site: str) -> bool:
        return self.limit is None or self._extracted[site] < self.limit

    def extracted(self, site: str) -> None:
        self._extracted[site] += 1

    def canonical_use(self, canonical: str, page_url: str) -> str:
        """What a page's rel=canonical may be used for. A canonical is a hint about the same
        content, not an order: ``own`` (the page's own URL), ``trusted`` (another URL of the page's
        own site: one story under both; a later listing of it is not fetched), ``listing`` (the
        home page, ``/`` or a listing this crawl read: a template bug, ignored), ``offsite``
        (another site's URL: never used to skip or deduplicate)."""
        key = url_key(canonical)
        if key == url_key(page_url):
            return "own"
        if urlsplit(canonical).path in ("", "/") or key in self._listing_keys:
            return "listing"
        if site_id(canonical) != site_id(page_url):
            return "offsite"
        return "trusted"

    def copy_of_listed(self, canonical: str, page_url: str, text: int) -> bool:
        """A page under a trusted canonical that this crawl also lists (an AMP or mobile copy):
        True to drop it as a duplicate, the canonical page being the one written. Only while
        their texts (``text``: the extracted body's fingerprint) are not known to differ: two
        texts under one canonical are two articles, and dedupe keeps both. A copy dropped before
        its canonical page was read is remembered as known only once that page shows the same
        text; otherwise the next run fetches it again."""
        key = url_key(canonical)
        listed = key in self._seen
        self._seen.add(key)  # a later listing of the canonical is not fetched: this page stands for it
        if not listed:
            return False
        known = self._texts.get(key)
        if known is None:
            self._copies[key].append((page_url, text))
            return True
        if known == text:
            self._known_copy(page_url)
            return True
        return False

    def page_text(self, url: str, text: int) -> None:
        """A page was read under its own URL, with this text: settle the copies dropped before."""
        key = url_key(url)
        self._texts[key] = text
        for copy_url, copy_text in self._copies.pop(key, []):
            if copy_text == text:
                self._known_copy(copy_url)

    def _known_copy(self, url: str) -> None:
        if self._remember is not None:
            self._remember([url_key(url)], None, datetime.now(UTC).isoformat())

    def listing_requested(self, url: str) -> None:
        """A listing page (home, section, tag, author) this crawl reads: never an article's canonical."""
        self._listing_keys.add(url_key(url))


def site_id(url: str) -> str:
    """The site a URL belongs to, as far as trusting one page about another goes: its registrable
    domain (news.bbc.co.uk and www.bbc.co.uk are one site); an IP address with its port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return registrable_domain(host)
    return parts.netloc.lower()


# Sent with ``verdicts`` when a place freed outside a callback (a request the scheduler dropped)
# goes to reserve articles: the spider requests those to fetch and counts the others.
reserve_released = object()


def changed_since(listed: str | None, listed_before: str | None, fetched: str) -> bool:
    """The listing's date is newer than both what it said last time and when we fetched it,
    compared in whole seconds (``epoch_seconds``), as the state stores them."""
    new = epoch_seconds(listed)
    if new is None:
        return False
    marks = [m for m in (epoch_seconds(v) for v in (listed_before, fetched)) if m is not None]
    return all(new > m for m in marks)
