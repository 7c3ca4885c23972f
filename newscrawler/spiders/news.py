"""The `news` spider: discover a site's articles (robots, sitemaps, feeds, sections) and extract them.

scrapy crawl news -a url=https://site.example/          # any site, zero configuration
scrapy crawl news -a sites=dawn,reuters -a since=2d     # sites from the registry
scrapy crawl news -a limit=20 -O articles.jsonl
REDIS_URL=redis://host:6379/0 scrapy crawl news    # one of many workers sharing a crawl

With REDIS_URL set (see ``newscrawler.distributed``) the sites come from a Redis key, read
through scrapy-redis's ``RedisMixin``: a first batch in ``start()`` (scrapy-redis 0.9.1 reads
them in ``start_requests``, which Scrapy 2.13+ no longer calls), more whenever the worker is
idle. Sites given with url= or sites= are pushed there first, so every worker shares them.

The callbacks are thin: `newscrawler.discovery` parses what listings say, the `Frontier`
decides what to fetch, `newscrawler.extraction` turns a page into an Article.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy_redis.spiders import RedisMixin
from twisted.python.failure import Failure

from newscrawler import discovery
from newscrawler.distributed import push_sites, redis_url, request_done
from newscrawler.extraction.dates import parse_any
from newscrawler.frontier import (
    Candidate,
    Decision,
    Frontier,
    Ticket,
    Verdict,
    reserve_released,
    ticket_of,
)
from newscrawler.items import Article
from newscrawler.learning import TemplateLearning
from newscrawler.plan import CrawlPlan, load_sites
from newscrawler.pool import ExtractionFailed, ExtractionPool
from newscrawler.sites import Site, site_for_url
from newscrawler.state import SITE_ARTICLES
from newscrawler.state.extension import get_store
from newscrawler.stats import count, failure_reason, tally
from newscrawler.text import fingerprint
from newscrawler.urls import is_http_url, without_session_id

# Articles first: a crawl reaches articles before it has walked every listing.
ARTICLE_PRIORITY = 100
SITEMAP_PRIORITY = 50  # sitemaps and feeds name articles directly
# Articles listed but not fetched, by the frontier's decision: counted as skipped/<reason>.
SKIPS = {Decision.KNOWN: "known", Decision.TOO_OLD: "too_old_listed", Decision.TRAP: "trap"}


class NewsSpider(RedisMixin, scrapy.Spider):  # type: ignore[misc]
    name = "news"
    plan: CrawlPlan
    distributed = False  # REDIS_URL is set: sites and requests are shared through Redis
    _frontier: Frontier | None = None
    _extraction: ExtractionPool | None = None
    _robots_read: set[str]  # sites whose robots.txt was read for sitemaps
    _sites: dict[str, Site]  # the sites this worker has seen: the plan's, then pushed ones
    _registry: dict[str, Site] | None = None

    def __init__(self, plan: CrawlPlan | None = None, **kwargs: Any) -> None:
        super().__init__(**{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.plan = plan or CrawlPlan.parse(kwargs)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        plan = CrawlPlan.parse(kwargs, sites_file=crawler.settings.get("NEWSCRAWLER_SITES_FILE"))
        spider = super().from_crawler(crawler, *args, plan=plan, **kwargs)
        assert isinstance(spider, NewsSpider)
        spider._robots_read = set()
        spider._sites = {site.name: site for site in plan.sites}
        crawler.signals.connect(spider.response_received, signal=signals.response_received)
        crawler.signals.connect(spider.reserve_released, signal=reserve_released)
        spider.distributed = redis_url(crawler.settings) is not None
        return spider

    # --- discovery ---

    @property
    def frontier(self) -> Frontier:
        """The crawl's frontier (the extension; a private one where it is not enabled)."""
        if self._frontier is None:
            self._frontier = self.crawler.get_extension(Frontier) or Frontier()
            self._frontier.configure(self.plan)
        return self._frontier

    def site(self, name: str, home: str | None = None) -> Site:
        """A site by name: one this worker knows, else the registry's, else one made from its home
        page (a distributed crawl hands a worker requests of sites that others were given)."""
        if name not in self._sites:
            if self._registry is None:
                self._registry = load_sites(self.settings.get("NEWSCRAWLER_SITES_FILE"))
            if name in self._registry:
                self._sites[name] = self._registry[name]
            elif home and site_for_url(home).name == name:
                self._sites[name] = site_for_url(home)
            else:
                raise KeyError(name)
        return self._sites[name]

    def site_of(self, meta: dict[str, Any], url: str) -> Site:
        """The site a response belongs to: from its request, else by its host (`scrapy parse`)."""
        if "site" in meta:
            return self.site(meta["site"], meta.get("site_home"))
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        for site in self._sites.values():
            if host == site.domain.split(":")[0] or host.endswith("." + site.domain):
                return site
        return site_for_url(url)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.distributed:
            # Here, not in from_crawler: add-ons (the Distributed one sets REDIS_START_URLS_AS_SET)
            # apply their settings after the spider is made.
            self.setup_redis(self.crawler)  # scrapy-redis: the start key, and its spider_idle hook
            if self.plan.chosen:
                added = push_sites(self.redis_url, self.redis_key, self.plan.start_entries())
                self.logger.info("Pushed %d of %d sites to %s", added, len(self.plan.sites), self.redis_key)
            for request in self.next_requests():  # RedisMixin: a first batch of pushed sites
                yield request
            return
        for site in self.plan.sites:
            for request in self._site_requests(site):
                yield request

    def _site_requests(self, site: Site, round_: str | None = None) -> Iterator[scrapy.Request]:
        """A site's entry points: robots.txt (for its sitemaps), declared sitemaps and feeds, home."""
        warmup = self.settings.getint("NEWSCRAWLER_TEMPLATE_WARMUP")
        known = get_store(self.crawler).paragraph_counts(site.name, [SITE_ARTICLES]).get(SITE_ARTICLES, 0)
        self.frontier.allow_samples(site.name, warmup - known - (self.plan.limit or 0))
        meta = self._site_meta(site)
        if round_:
            meta["round"] = round_
        if not self._robots_from_middleware:  # else Scrapy's robots.txt fetch is read (once)
            yield scrapy.Request(
                urljoin(site.home, "/robots.txt"),
                self.parse_robots,
                errback=self.on_error,
                meta={**meta, "start": True, "dont_obey_robotstxt": True, "handle_httpstatus_all": True},
            )
        yield from (
            r for url in site.sitemaps for r in self._sitemap_request(url, meta, depth=0, declared=True)
        )
        for url in site.feeds:
            yield self._request(url, self.parse_feed, meta, declared=True, discovery=True)
        yield from self._listing_request(site.home, meta, depth=0, start=True)

    # --- distributed: sites pushed to Redis (scrapy-redis RedisMixin hooks) ---

    @property
    def redis_url(self) -> str:
        return redis_url(self.settings) or ""

    def make_request_from_data(self, data: bytes) -> list[scrapy.Request]:
        """A pushed site's entry points, as one new round (its own request fingerprints)."""
        site = self._site_from_entry(data)
        if site is None:
            self._count("skipped", "bad_site_entry", data.decode("utf-8", "replace")[:200], None)
            return []
        self._sites[site.name] = site
        self.logger.info("Crawling %s (%s), pushed to %s", site.name, site.home, self.redis_key)
        return list(self._site_requests(site, f"{site.name}:{int(time.time())}:{uuid.uuid4().hex[:6]}"))

    def _site_from_entry(self, data: bytes) -> Site | None:
        text = data.decode("utf-8", "replace").strip()
        try:
            entry = json.loads(text) if text.startswith("{") else {"url": text}
        except ValueError:
            return None
        if not isinstance(entry, dict):
            return None
        name, url = entry.get("site"), entry.get("url")
        try:
            if isinstance(name, str) and name:
                return self.site(name, url if isinstance(url, str) else None)
        except KeyError:
            return None
        return site_for_url(url) if isinstance(url, str) and is_http_url(url) else None

    def spider_idle(self) -> None:
        """Idle: take more pushed sites; whether the worker may leave is the scheduler's call."""
        assert self.crawler.engine is not None
        found = False
        for request in self.next_requests():
            self.crawler.engine.crawl(request)
            found = True
        if found:
            raise DontCloseSpider

    def _request(
        self, url: str, callback: Any, origin: dict[str, Any], priority: int = 0, **extra: Any
    ) -> scrapy.Request:
        """A request for the same site as `origin` (the site's meta keys carried over)."""
        keys = ("site", "site_home", "download_slot", "download_delay", "round")
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
        # Distributed, another worker may fetch a site's robots.txt: each reads it as a request.
        return self.settings.getbool("ROBOTSTXT_OBEY") and not self.distributed

    def response_received(self, response: Response, request: scrapy.Request, **_: Any) -> None:
        """Scrapy's RobotsTxtMiddleware fetched a site's robots.txt: read its Sitemap lines from
        that response rather than fetching robots.txt a second time."""
        if not self._robots_from_middleware or urlsplit(request.url).path != "/robots.txt":
            return
        netloc = urlsplit(request.url).netloc
        for site in list(self._sites.values()):
            if urlsplit(site.home).netloc == netloc and site.name not in self._robots_read:
                self._robots_read.add(site.name)
                assert self.crawler.engine is not None
                for r in self.parse_robots(response, self._site_meta(site)):
                    self.crawler.engine.crawl(r)

    def parse_robots(
        self, response: Response, meta: dict[str, Any] | None = None
    ) -> Iterator[scrapy.Request]:
        meta = meta or response.meta
        site = self.site(meta["site"], meta.get("site_home"))
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
        site = self.site(response.meta["site"], response.meta.get("site_home"))
        links = discovery.listing_links(response.text, response.url, site.home, with_feeds=depth == 0)
        for feed in links.feeds:
            yield self._request(feed, self.parse_feed, response.meta, SITEMAP_PRIORITY, discovery=True)
        yield from self._articles(response.meta, [discovery.Entry(u) for u in links.articles], "links")
        for url in links.listings:
            yield from self._listing_request(without_session_id(url), response.meta, depth + 1)

    def _articles(
        self, origin: dict[str, Any], entries: Iterable[discovery.Entry], source: str
    ) -> Iterator[scrapy.Request]:
        site = self.site(origin["site"], origin.get("site_home"))
        for entry in entries:
            url = without_session_id(entry.url)
            if not site.wants(url):
                continue
            listed = parse_any(entry.listed, self.plan.started) if entry.listed else None
            yield from self._requests_for(
                origin, self.frontier.admit(Candidate(site.name, url, listed, source))
            )

    def _requests_for(self, origin: dict[str, Any], verdicts: Iterable[Verdict]) -> Iterator[scrapy.Request]:
        """The frontier's verdicts: a request for each article to fetch, a count for each skip."""
        for v in verdicts:
            c = v.candidate
            if v.ticket is not None:
                yield self._article_request(origin, v.ticket, refetch=v.decision is Decision.REFETCH)
            elif v.decision in SKIPS:
                self._count("skipped", SKIPS[v.decision], c.url, c.site)

    def reserve_released(self, verdicts: list[Verdict]) -> None:
        """Places freed by requests the scheduler dropped: the reserve articles that took them."""
        assert self.crawler.engine is not None
        for verdict in verdicts:
            site = self.site(verdict.candidate.site)
            for request in self._requests_for(self._site_meta(site), [verdict]):
                self.crawler.engine.crawl(request)

    def _article_request(
        self, origin: dict[str, Any], ticket: Ticket, refetch: bool = False
    ) -> scrapy.Request:
        request = self._request(
            ticket.url, self.parse_article, origin, ARTICLE_PRIORITY, source=ticket.source, ticket=ticket
        )
        return request.replace(dont_filter=True) if refetch else request

    # --- articles ---

    @property
    def extraction(self) -> ExtractionPool:
        """The extraction pool (the extension; extraction in this process where it is not enabled)."""
        if self._extraction is None:
            self._extraction = self.crawler.get_extension(ExtractionPool) or ExtractionPool(1)
        return self._extraction

    async def _extract(self, response: Response, site: Site) -> Article | None:
        """The page's Article, or None for a page that is not one (counted)."""
        if not isinstance(response, TextResponse):
            self._count("dropped", "not_html", response.url, site.name)
            return None
        learning = self.crawler.get_extension(TemplateLearning)
        learned = learning.paths(site.name) if learning is not None else {}
        try:
            article = await self.extraction.extract(
                response.body,
                response.url,
                site.selectors,
                datetime.now(UTC),
                learned,
                learning is not None and learning.should_observe(site.name),
            )
        except ExtractionFailed as exc:
            self.logger.error("Extraction failed twice for %s (%s)", response.url, exc)
            self._count("dropped", "extraction_failed", response.url, site.name)
            return None
        if article is None:
            self._count("dropped", "not_article", response.url, site.name)
            return None
        paths = article.metadata.pop("templatePaths", None)
        if learning is not None and paths is not None:
            learning.observe(site.name, paths)
        for field in article.metadata.get("learned", ()):
            self.crawler.stats.inc_value(f"newscrawler/learned/{field}")  # type: ignore[union-attr]
        return article  # type: ignore[no-any-return]

    def article(self, response: Response) -> Article | None:
        """The response's Article, extracted here (for `scrapy shell`: ``spider.article(response)``)."""
        from newscrawler.extraction.article import extract_page

        site = self.site_of(response.meta, response.url)
        return extract_page(response.body, response.url, site.selectors, datetime.now(UTC))

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        site = self.site_of(response.meta, response.url)
        self.crawler.stats.inc_value(f"newscrawler/{site.name}/fetched")  # type: ignore[union-attr]
        ticket = ticket_of(response.request) if response.request else None
        try:
            article = await self._extract(response, site)
        finally:
            # In flight until extracted: the clean pipeline's warm-up waits for pages in extraction.
            if ticket is not None:
                self.frontier.finish(ticket.id, fetched=True)
        if article is None:
            return
        requested = ticket.url if ticket is not None else response.url
        text = fingerprint(article.articleBody or "")
        canonical = article.canonicalUrl
        if canonical:
            use = self.frontier.canonical_use(canonical, response.url)
            if use in ("listing", "offsite"):  # never used to skip or deduplicate (see dedupe)
                tally(self.crawler, "canonical_ignored", site.name)
            if use == "listing":  # a template bug: the home page is no article's address
                article.canonicalUrl = None
            if use == "trusted" and self.frontier.copy_of_listed(canonical, response.url, text):
                self._count("dropped", "duplicate_url", response.url, site.name)
                return
        self.frontier.page_text(response.url, text)
        sample = False
        if ticket is not None and ticket.sample and self.frontier.may_sample(site.name):
            sample = True  # listed after the articles `limit` asks for: read to learn the template
        elif not self.frontier.may_extract(site.name):
            if not self.frontier.may_sample(site.name):
                self._count("dropped", "over_limit", response.url, site.name)
                return
            sample = True  # read to learn the site's template; the clean pipeline drops it
        _apply_site_zone(article, site)
        article.metadata.update({"site": site.name, "source": response.meta.get("source")})
        # Every URL the page answered under (the listed one, each redirect hop) is this article's:
        # a later listing naming any of them finds it known.
        hops = [u for u in [requested, *response.meta.get("redirect_urls", ())] if u != response.url]
        if hops:
            article.metadata["redirectedFrom"] = list(dict.fromkeys(hops))
        listed = self.frontier.newest_listing(requested) or (ticket.listed if ticket is not None else None)
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
        yield from self._on_error(failure, request)
        # Download errors bypass spider middlewares: say here that this request is finished.
        self.crawler.signals.send_catch_log(request_done, request=request)

    def _on_error(self, failure: Failure, request: scrapy.Request) -> Iterator[scrapy.Request]:
        site = request.meta.get("site")
        ticket = ticket_of(request)
        if ticket is not None:
            # Not fetched: its place under `limit` goes to the next listed article.
            yield from self._requests_for(request.meta, self.frontier.finish(ticket.id, fetched=False))
        if request.meta.get("quiet_404") and failure.check(HttpError):
            return  # a usual sitemap location that this site does not use
        found = failure_reason(failure)
        if found == ("errors", "too_large") and ticket is not None and failure.check(IgnoreRequest):
            # Downloaded, then refused while decompressing (a gzip bomb): an article page fetched
            # and dropped for its size, so the summary's "fetched" adds up.
            self.crawler.stats.inc_value(f"newscrawler/{site}/fetched")  # type: ignore[union-attr]
            found = ("dropped", "too_large")
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
