"""The `news` spider: discover a site's articles (robots, sitemaps, feeds, sections) and extract them.

scrapy crawl news -a url=https://site.example/          # any site, zero configuration
scrapy crawl news -a sites=dawn,reuters -a since=2d     # sites from the registry
scrapy crawl news -a limit=20 -O articles.jsonl

The callbacks are thin: `newscrawler.discovery` parses what listings say, the `Frontier`
decides what to fetch, `newscrawler.extraction` turns a page into an Article.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawler import discovery
from newscrawler.extraction.article import extract_from_page, is_article_page
from newscrawler.extraction.dates import parse_any
from newscrawler.extraction.page import Page
from newscrawler.frontier import Candidate, Decision, Frontier, changed_since
from newscrawler.plan import CrawlPlan
from newscrawler.sites import Site, site_for_url
from newscrawler.state import SITE_ARTICLES
from newscrawler.state.extension import get_store
from newscrawler.stats import count, failure_reason
from newscrawler.urls import url_key, without_session_id

# Articles first: a crawl reaches articles before it has walked every listing.
ARTICLE_PRIORITY = 100
SITEMAP_PRIORITY = 50  # sitemaps and feeds name articles directly


class NewsSpider(scrapy.Spider):
    name = "news"
    plan: CrawlPlan
    _frontier: Frontier | None = None
    _robots_read: set[str]  # sites whose robots.txt was read for sitemaps

    def __init__(self, plan: CrawlPlan | None = None, **kwargs: Any) -> None:
        super().__init__(**{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.plan = plan or CrawlPlan.parse(kwargs)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        plan = CrawlPlan.parse(kwargs, sites_file=crawler.settings.get("NEWSCRAWLER_SITES_FILE"))
        spider = super().from_crawler(crawler, *args, plan=plan, **kwargs)
        assert isinstance(spider, NewsSpider)
        spider._robots_read = set()
        crawler.signals.connect(spider.response_received, signal=signals.response_received)
        return spider

    # --- discovery ---

    @property
    def frontier(self) -> Frontier:
        """The crawl's frontier (the extension; a private one where it is not enabled)."""
        if self._frontier is None:
            self._frontier = self.crawler.get_extension(Frontier) or Frontier()
            self._frontier.configure(self.plan)
        return self._frontier

    def site_of(self, meta: dict[str, Any], url: str) -> Site:
        """The site a response belongs to: from its request, else by its host (`scrapy parse`)."""
        if "site" in meta:
            return self.plan.site(meta["site"])
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        for site in self.plan.sites:
            if host == site.domain.split(":")[0] or host.endswith("." + site.domain):
                return site
        return site_for_url(url)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        warmup = self.settings.getint("NEWSCRAWLER_TEMPLATE_WARMUP")
        for site in self.plan.sites:
            known = get_store(self.crawler).paragraph_counts(site.name, [SITE_ARTICLES]).get(SITE_ARTICLES, 0)
            self.frontier.allow_samples(site.name, warmup - known - (self.plan.limit or 0))
            meta = self._site_meta(site)
            if not self._robots_from_middleware:  # else Scrapy's robots.txt fetch is read (once)
                yield scrapy.Request(
                    urljoin(site.home, "/robots.txt"),
                    self.parse_robots,
                    errback=self.on_error,
                    meta={**meta, "start": True, "dont_obey_robotstxt": True, "handle_httpstatus_all": True},
                )
            requests = [
                *(
                    r
                    for url in site.sitemaps
                    for r in self._sitemap_request(url, meta, depth=0, declared=True)
                ),
                *(
                    self._request(url, self.parse_feed, meta, declared=True, discovery=True)
                    for url in site.feeds
                ),
                *self._listing_request(site.home, meta, depth=0, start=True),
            ]
            for request in requests:
                yield request

    def _request(
        self, url: str, callback: Any, origin: dict[str, Any], priority: int = 0, **extra: Any
    ) -> scrapy.Request:
        """A request for the same site as `origin` (the site's meta keys carried over)."""
        keys = ("site", "site_home", "download_slot", "download_delay")
        meta = {**{k: origin[k] for k in keys if k in origin}, **extra}
        return scrapy.Request(url, callback, errback=self.on_error, meta=meta, priority=priority)

    def _sitemap_request(
        self, url: str, origin: dict[str, Any], depth: int, **extra: Any
    ) -> Iterator[scrapy.Request]:
        refusal = self.frontier.sitemap_refusal(origin["site"], depth)
        if refusal:
            self._count("skipped", refusal, url, origin["site"])
            return
        yield self._request(
            url, self.parse_sitemap, origin, SITEMAP_PRIORITY, sitemap_depth=depth, discovery=True, **extra
        )

    def _listing_request(
        self, url: str, origin: dict[str, Any], depth: int, **extra: Any
    ) -> Iterator[scrapy.Request]:
        refusal = self.frontier.listing_refusal(origin["site"], url, depth)
        if refusal:
            self._count("skipped", refusal, url, origin["site"])
            return
        yield self._request(url, self.parse_listing, origin, -depth, depth_=depth, discovery=True, **extra)

    @staticmethod
    def _site_meta(site: Site) -> dict[str, Any]:
        meta: dict[str, Any] = {"site": site.name, "site_home": site.home, "download_slot": site.domain}
        if site.download_delay is not None:
            meta["download_delay"] = site.download_delay
        return meta

    @property
    def _robots_from_middleware(self) -> bool:
        return self.settings.getbool("ROBOTSTXT_OBEY")

    def response_received(self, response: Response, request: scrapy.Request, **_: Any) -> None:
        """Scrapy's RobotsTxtMiddleware fetched a site's robots.txt: read its Sitemap lines from
        that response rather than fetching robots.txt a second time."""
        if not self._robots_from_middleware or urlsplit(request.url).path != "/robots.txt":
            return
        netloc = urlsplit(request.url).netloc
        for site in self.plan.sites:
            if urlsplit(site.home).netloc == netloc and site.name not in self._robots_read:
                self._robots_read.add(site.name)
                assert self.crawler.engine is not None
                for r in self.parse_robots(response, self._site_meta(site)):
                    self.crawler.engine.crawl(r)

    def parse_robots(
        self, response: Response, meta: dict[str, Any] | None = None
    ) -> Iterator[scrapy.Request]:
        meta = meta or response.meta
        site = self.plan.site(meta["site"])
        found = []
        if response.status == 200 and isinstance(response, TextResponse):
            found = discovery.robots_sitemaps(response.body, response.url)
        urls = found or ([] if site.sitemaps else [urljoin(site.home, p) for p in discovery.USUAL_SITEMAPS])
        for url in urls:
            yield from self._sitemap_request(url, meta, depth=0, declared=bool(found), quiet_404=not found)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        site = response.meta["site"]
        found = discovery.read_sitemap(response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if found.error:
            reason = "sitemap_too_large" if found.error == "too_large_or_corrupt_gzip" else "bad_sitemap"
            self._count("errors", reason, response.url, site)
            return
        for bad in found.bad:
            self._count("skipped", "bad_url", bad, site)
        if found.kind == "sitemapindex":
            for entry in found.entries:
                when = parse_any(entry.listed, self.plan.started) if entry.listed else None
                if self.plan.since and when and when.has_time and when.utc() < self.plan.since:
                    continue  # nothing in that child sitemap changed since the window opened
                yield from self._sitemap_request(
                    entry.url, response.meta, response.meta.get("sitemap_depth", 0) + 1
                )
            return
        yield from self._articles(response.meta, found.entries, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        site = response.meta["site"]
        found = discovery.read_feed(response.body, response.url)
        if found.error:
            self._count("errors", "bad_feed", response.url, site)
        for bad in found.bad:
            self._count("skipped", "bad_url", bad, site)
        yield from self._articles(response.meta, found.entries, "feed")

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Home and section pages: feeds they announce, article-like links, sections and pagination."""
        if not isinstance(response, TextResponse):
            return
        depth = response.meta.get("depth_", 0)
        site = self.plan.site(response.meta["site"])
        links = discovery.listing_links(response.text, response.url, site.home, with_feeds=depth == 0)
        for feed in links.feeds:
            yield self._request(feed, self.parse_feed, response.meta, SITEMAP_PRIORITY, discovery=True)
        yield from self._articles(response.meta, [discovery.Entry(u) for u in links.articles], "links")
        for url in links.listings:
            yield from self._listing_request(without_session_id(url), response.meta, depth + 1)

    def _articles(
        self, origin: dict[str, Any], entries: Iterable[discovery.Entry], source: str
    ) -> Iterator[scrapy.Request]:
        site = self.plan.site(origin["site"])
        for entry in entries:
            url = without_session_id(entry.url)
            if not site.wants(url):
                continue
            listed = parse_any(entry.listed, self.plan.started) if entry.listed else None
            yield from self._offer(origin, Candidate(site.name, url, listed, source))

    def _offer(self, origin: dict[str, Any], c: Candidate) -> Iterator[scrapy.Request]:
        decision = self.frontier.offer(c)
        if decision is Decision.TOO_OLD:
            self._count("skipped", "too_old_listed", c.url, c.site)
        elif decision is Decision.TRAP:
            self._count("skipped", "trap", c.url, c.site)
        elif decision in (Decision.FETCH, Decision.REFETCH):
            yield from self._fetch(origin, c, refetch=decision is Decision.REFETCH)

    def _fetch(self, origin: dict[str, Any], c: Candidate, refetch: bool = False) -> Iterator[scrapy.Request]:
        """Request the article unless an earlier run wrote it and its listing shows no change;
        a skipped one gives its place under `limit` to the next listed article."""
        queue = [(c, refetch)]
        while queue:
            c, refetch = queue.pop(0)
            newest = self.frontier.newest_listing(c.url)
            listed = newest.iso() if newest is not None else (c.listed.iso() if c.listed else None)
            seen = get_store(self.crawler).last_fetch(url_key(c.url))
            if seen is not None and not changed_since(listed, *seen):
                if not refetch:  # counted once per article, however many listings name it
                    self._count("skipped", "known", c.url, c.site)
                freed = self.frontier.not_fetched(
                    c.site, c.url, known=True, decided_with=listed, source=c.source, requested=False
                )
                queue += [(n, n.url == c.url) for n in freed]
                continue
            yield self._article_request(origin, c, refetch, listed)

    def _article_request(
        self, origin: dict[str, Any], c: Candidate, refetch: bool = False, listed: str | None = None
    ) -> scrapy.Request:
        request = self._request(
            c.url,
            self.parse_article,
            origin,
            ARTICLE_PRIORITY,
            source=c.source,
            listed=listed or (c.listed.iso() if c.listed else None),
        )
        return request.replace(dont_filter=True) if refetch else request

    # --- articles ---

    def parse_article(self, response: Response) -> Iterator[Any]:
        site = self.site_of(response.meta, response.url)
        self.frontier.answered(site.name)
        self.crawler.stats.inc_value(f"newscrawler/{site.name}/fetched")  # type: ignore[union-attr]
        if not isinstance(response, TextResponse):
            self._count("dropped", "not_html", response.url, site.name)
            return
        page = Page.load(response.body, response.url)
        article = extract_from_page(page, downloaded=datetime.now(UTC), selectors=site.selectors)
        if not is_article_page(page, article):
            self._count("dropped", "not_article", response.url, site.name)
            return
        requested = response.request.url if response.request else response.url
        if article.canonicalUrl and self.frontier.same_as_seen(article.canonicalUrl, response.url, requested):
            self._count("dropped", "duplicate_url", response.url, site.name)
            return
        sample = False
        if not self.frontier.may_extract(site.name):
            if not self.frontier.may_sample(site.name):
                self._count("dropped", "over_limit", response.url, site.name)
                return
            sample = True  # read to learn the site's template; the clean pipeline drops it
        _apply_site_zone(article, site)
        article.metadata.update({"site": site.name, "source": response.meta.get("source")})
        newest = self.frontier.newest_listing(requested)
        listed = newest.iso() if newest is not None else response.meta.get("listed")
        if listed:
            article.metadata["listed"] = listed
        if sample:
            article.metadata["templateSample"] = True
            self.frontier.sampled(site.name)
        else:
            self.frontier.extracted(site.name)
        yield article

    def on_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        site = request.meta.get("site")
        if request.meta.get("source") is not None and site:
            # Not fetched: its place under `limit` goes to the next listed article.
            for c in self.frontier.not_fetched(site, request.url, source=request.meta.get("source", "")):
                yield from self._fetch(request.meta, c)
        if request.meta.get("quiet_404") and failure.check(HttpError):
            return  # a usual sitemap location that this site does not use
        found = failure_reason(failure)
        if found is not None:
            self._count(found[0], found[1], request.url, site)

    def _count(self, kind: str, reason: str, url: str, site: str | None) -> None:
        count(self.crawler, kind, reason, url, site)


def _apply_site_zone(article: Any, site: Site) -> None:
    if site.timezone:
        article.datePublished = with_zone(article.datePublished, site.timezone)
        article.dateModified = with_zone(article.dateModified, site.timezone)


def with_zone(value: str | None, zone: str) -> str | None:
    """A naive local time from a site whose registry entry names its time zone gets that offset."""
    if not value or len(value) <= 10:
        return value
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    if when.tzinfo is not None:
        return value
    return when.replace(tzinfo=ZoneInfo(zone)).isoformat()
