"""The `news` spider: discover a site's articles (robots, sitemaps, feeds, sections) and extract them.

scrapy crawl news -a url=https://site.example/          # any site, zero configuration
scrapy crawl news -a sites=dawn,reuters -a since=2d     # sites from the registry
scrapy crawl news -a limit=20 -O articles.jsonl
REDIS_URL=redis://host:6379/0 scrapy crawl news    # one of many workers sharing a crawl

Callbacks only: `newscrawler.discovery` reads what listings say, the `Frontier` decides what
to fetch, the extraction pool turns a page into an Article. Each request carries a typed
`Context` (newscrawler.context); the sites come from the plan's `SiteRegistry`; with REDIS_URL
set, `DistributedSpider` (newscrawler.distributed) takes sites from Redis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawler import discovery
from newscrawler.config import redis_url
from newscrawler.context import KEY, Context, Kind, Ticket, context_of
from newscrawler.distributed import DistributedSpider, request_done
from newscrawler.extraction.dates import parse_any
from newscrawler.extraction.result import PageResult
from newscrawler.frontier import Candidate, Decision, Frontier, Verdict, reserve_released
from newscrawler.items import Article
from newscrawler.learning import TemplateLearning
from newscrawler.plan import CrawlPlan, SiteRegistry
from newscrawler.pool import ExtractionFailed, ExtractionPool
from newscrawler.reach import BrowserMissing, ReachPolicy
from newscrawler.sites import Site
from newscrawler.state import SITE_ARTICLES
from newscrawler.state.extension import get_store
from newscrawler.stats import count, failure_reason, tally
from newscrawler.text import fingerprint
from newscrawler.urls import without_session_id

# Articles first: a crawl reaches articles before it has walked every listing.
ARTICLE_PRIORITY = 100
SITEMAP_PRIORITY = 50  # sitemaps and feeds name articles directly
# Articles listed but not fetched, by the frontier's decision: counted as skipped/<reason>.
# What a page's second fetch, through the browser, keeps of the first's meta: where it was listed
# and redirected from, and its site's download slot and delay.
CARRIED = ("download_slot", "download_delay", "redirect_urls", "redirect_reasons", "dont_obey_robotstxt")
SKIPS = {Decision.KNOWN: "known", Decision.TOO_OLD: "too_old_listed", Decision.TRAP: "trap"}


class NewsSpider(DistributedSpider, scrapy.Spider):
    name = "news"
    plan: CrawlPlan
    sites: SiteRegistry
    _frontier: Frontier | None = None
    _extraction: ExtractionPool | None = None
    _robots_read: set[str]  # sites whose robots.txt was read for sitemaps
    reach: ReachPolicy  # rendering and impersonation, crawl-wide and per site
    _told_no_browser: bool

    def __init__(self, plan: CrawlPlan | None = None, **kwargs: Any) -> None:
        super().__init__(**{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.plan = plan or CrawlPlan.parse(kwargs)
        self.sites = self.plan.registry()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        plan = CrawlPlan.parse(kwargs, sites_file=crawler.settings.get("NEWSCRAWLER_SITES_FILE"))
        spider = super().from_crawler(crawler, *args, plan=plan, **kwargs)
        assert isinstance(spider, NewsSpider)
        spider._robots_read = set()
        crawler.signals.connect(spider.response_received, signal=signals.response_received)
        crawler.signals.connect(spider.reserve_released, signal=reserve_released)
        spider.distributed = redis_url(crawler.settings) is not None
        spider.reach = ReachPolicy.from_settings(crawler.settings)
        spider._told_no_browser = False
        return spider

    @property
    def frontier(self) -> Frontier:
        """The crawl's frontier (the extension; a private one where it is not enabled)."""
        if self._frontier is None:
            self._frontier = self.crawler.get_extension(Frontier) or Frontier()
            self._frontier.configure(self.plan)
        return self._frontier

    @property
    def extraction(self) -> ExtractionPool:
        """The extraction pool (the extension; extraction in this process where it is not enabled)."""
        if self._extraction is None:
            self._extraction = self.crawler.get_extension(ExtractionPool) or ExtractionPool(1)
        return self._extraction

    def site_of(self, response: Response) -> Site:
        """The site a response belongs to: from its request, else by its host (`scrapy parse`)."""
        ctx = context_of(response)
        return self.sites.get(ctx.site, ctx.home) if ctx is not None else self.sites.for_url(response.url)

    # --- requests ---

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.extraction.start()  # loads while the first pages are fetched; `scrapy shell` never starts it
        if self.distributed:
            for request in self.start_distributed():
                yield request
            return
        for site in self.plan.sites:
            for request in self.site_requests(site):
                yield request

    def site_requests(self, site: Site, round_: str | None = None) -> Iterator[scrapy.Request]:
        """A site's entry points: robots.txt (for its sitemaps), declared sitemaps and feeds, home."""
        warmup = self.settings.getint("NEWSCRAWLER_TEMPLATE_WARMUP")
        known = get_store(self.crawler).paragraph_counts(site.name, [SITE_ARTICLES]).get(SITE_ARTICLES, 0)
        self.frontier.allow_samples(site.name, warmup - known - (self.plan.limit or 0))
        origin = Context(site.name, site.home, Kind.LISTING, round=round_)
        if not self._robots_from_middleware:  # else Scrapy's robots.txt fetch is read (once)
            robots = replace(origin, kind=Kind.ROBOTS, start=True)
            yield self._request(
                urljoin(site.home, "/robots.txt"), self.parse_robots, robots,
                dont_obey_robotstxt=True, handle_httpstatus_all=True,
            )  # fmt: skip
        yield from (r for url in site.sitemaps for r in self._sitemap_request(url, origin, 0, declared=True))
        for url in site.feeds:
            yield self._request(url, self.parse_feed, replace(origin, kind=Kind.FEED, declared=True))
        yield from self._listing_request(site.home, origin, depth=0, start=True)

    def _request(
        self, url: str, callback: Any, ctx: Context, priority: int = 0, **meta: Any
    ) -> scrapy.Request:
        site = self.sites.get(ctx.site, ctx.home)
        meta = {KEY: ctx, "download_slot": site.domain, **meta}
        if site.download_delay is not None:
            meta["download_delay"] = site.download_delay
        return scrapy.Request(url, callback, errback=self.on_error, meta=meta, priority=priority)

    def _sitemap_request(
        self, url: str, origin: Context, depth: int, declared: bool = False, quiet_404: bool = False
    ) -> Iterator[scrapy.Request]:
        refusal = self.frontier.sitemap_refusal(origin.site, depth)
        if refusal:
            self._count("skipped", refusal, url, origin.site)
            return
        ctx = Context(
            origin.site, origin.home, Kind.SITEMAP, depth=depth, declared=declared,
            quiet_404=quiet_404, round=origin.round,
        )  # fmt: skip
        yield self._request(url, self.parse_sitemap, ctx, SITEMAP_PRIORITY)

    def _listing_request(
        self, url: str, origin: Context, depth: int, start: bool = False
    ) -> Iterator[scrapy.Request]:
        refusal = self.frontier.listing_refusal(origin.site, url, depth)
        if refusal:
            self._count("skipped", refusal, url, origin.site)
            return
        ctx = Context(origin.site, origin.home, Kind.LISTING, depth=depth, start=start, round=origin.round)
        yield self._request(url, self.parse_listing, ctx, -depth)

    def _requests_for(self, origin: Context, verdicts: Iterable[Verdict]) -> Iterator[scrapy.Request]:
        """The frontier's verdicts: a request for each article to fetch, a count for each skip."""
        for v in verdicts:
            c = v.candidate
            if v.ticket is not None:
                ctx = Context(origin.site, origin.home, Kind.ARTICLE, round=origin.round, ticket=v.ticket)
                request = self._request(v.ticket.url, self.parse_article, ctx, ARTICLE_PRIORITY)
                yield request.replace(dont_filter=True) if v.decision is Decision.REFETCH else request
            elif v.decision in SKIPS:
                self._count("skipped", SKIPS[v.decision], c.url, c.site)

    def reserve_released(self, verdicts: list[Verdict]) -> None:
        """Places freed by requests the scheduler dropped: the reserve articles that took them."""
        assert self.crawler.engine is not None
        for verdict in verdicts:
            site = self.sites.get(verdict.candidate.site)
            origin = Context(site.name, site.home, Kind.LISTING)
            for request in self._requests_for(origin, [verdict]):
                self.crawler.engine.crawl(request)

    # --- discovery ---

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
        for site in self.sites:
            if urlsplit(site.home).netloc == netloc and site.name not in self._robots_read:
                self._robots_read.add(site.name)
                assert self.crawler.engine is not None
                for r in self._from_robots(response, Context(site.name, site.home, Kind.ROBOTS)):
                    self.crawler.engine.crawl(r)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        ctx = context_of(response)
        assert ctx is not None
        yield from self._from_robots(response, ctx)

    def _from_robots(self, response: Response, ctx: Context) -> Iterator[scrapy.Request]:
        site = self.sites.get(ctx.site, ctx.home)
        found = []
        if response.status == 200 and isinstance(response, TextResponse):
            found = discovery.robots_sitemaps(response.body, response.url)
        urls = found or ([] if site.sitemaps else [urljoin(site.home, p) for p in discovery.USUAL_SITEMAPS])
        for url in urls:
            yield from self._sitemap_request(url, ctx, 0, declared=bool(found), quiet_404=not found)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        ctx = context_of(response)
        assert ctx is not None
        found = discovery.read_sitemap(response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if found.error:
            reason = "sitemap_too_large" if found.error == "too_large_or_corrupt_gzip" else "bad_sitemap"
            self._count("errors", reason, response.url, ctx.site)
            return
        for bad in found.bad:
            self._count("skipped", "bad_url", bad, ctx.site)
        if found.kind == "sitemapindex":
            for entry in found.entries:
                when = parse_any(entry.listed, self.plan.started) if entry.listed else None
                if self.plan.since and when and when.has_time and when.utc() < self.plan.since:
                    continue  # nothing in that child sitemap changed since the window opened
                yield from self._sitemap_request(entry.url, ctx, ctx.depth + 1)
            return
        yield from self._articles(ctx, found.entries, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        ctx = context_of(response)
        assert ctx is not None
        found = discovery.read_feed(response.body, response.url)
        if found.error:
            self._count("errors", "bad_feed", response.url, ctx.site)
        for bad in found.bad:
            self._count("skipped", "bad_url", bad, ctx.site)
        yield from self._articles(ctx, found.entries, "feed")

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Home and section pages: feeds they announce, article-like links, sections and pagination."""
        ctx = context_of(response)
        if not isinstance(response, TextResponse) or ctx is None:
            return
        site = self.sites.get(ctx.site, ctx.home)
        links = discovery.listing_links(response.text, response.url, site.home, with_feeds=ctx.depth == 0)
        for feed in links.feeds:
            feed_ctx = Context(ctx.site, ctx.home, Kind.FEED, round=ctx.round)
            yield self._request(feed, self.parse_feed, feed_ctx, SITEMAP_PRIORITY)
        yield from self._articles(ctx, [discovery.Entry(u) for u in links.articles], "links")
        for url in links.listings:
            yield from self._listing_request(without_session_id(url), ctx, ctx.depth + 1)

    def _articles(
        self, origin: Context, entries: Iterable[discovery.Entry], source: str
    ) -> Iterator[scrapy.Request]:
        site = self.sites.get(origin.site, origin.home)
        for entry in entries:
            url = without_session_id(entry.url)
            if not site.wants(url):
                continue
            listed = parse_any(entry.listed, self.plan.started) if entry.listed else None
            yield from self._requests_for(
                origin, self.frontier.admit(Candidate(site.name, url, listed, source))
            )

    # --- articles ---

    async def _extract(self, response: Response, site: Site) -> PageResult | None:
        """The page extracted (its article None for a page that is not one), or None when it
        could not be (counted)."""
        if not isinstance(response, TextResponse):
            self._count("dropped", "not_html", response.url, site.name)
            return None
        learning = self.crawler.get_extension(TemplateLearning)
        learned = learning.paths(site.name) if learning is not None else {}
        try:
            result: PageResult = await self.extraction.extract(
                response.body,
                response.url,
                site.selectors,
                datetime.now(UTC),
                learned,
                learning is not None and learning.should_observe(site.name),
                site.timezone,
            )
        except ExtractionFailed as exc:
            self.logger.error("Extraction failed twice for %s (%s)", response.url, exc)
            self._count("dropped", "extraction_failed", response.url, site.name)
            return None
        if result.article is not None and learning is not None and result.template_paths is not None:
            learning.observe(site.name, result.template_paths)
        for field in result.article.metadata.learned if result.article is not None else ():
            self.crawler.stats.inc_value(f"newscrawler/learned/{field}")
        return result

    def _no_article(self, response: Response, result: PageResult, site: Site) -> scrapy.Request | None:
        """A page with no article: the same page through the browser when it is an app shell
        (NEWSCRAWLER_RENDER), else counted: needs_browser, or not_article."""
        rendered = bool(response.meta.get("playwright"))
        if not result.client_rendered or rendered:
            self._count("dropped", "not_article", response.url, site.name)
            return None
        if self.reach.render_mode(site) == "never" or self.reach.browser is None:
            if self.reach.browser is None and not self._told_no_browser:
                self._told_no_browser = True
                self.logger.warning(
                    "%s needs a browser and there is none: install the chromium package or set "
                    "NEWSCRAWLER_BROWSER; such pages are counted needs_browser",
                    response.url,
                )
            self._count("dropped", "needs_browser", response.url, site.name)
            return None
        ctx = context_of(response)
        assert ctx is not None
        meta = {k: v for k, v in response.meta.items() if k in CARRIED}
        meta.update({KEY: replace(ctx, rendered=True), "playwright": True})
        return response.request.replace(url=response.url, meta=meta, dont_filter=True)  # type: ignore[union-attr]

    def article(self, response: Response) -> Article | None:
        """The response's Article, extracted here (for `scrapy shell`: ``spider.article(response)``)."""
        from newscrawler.extraction.article import extract_page

        site = self.site_of(response)
        return extract_page(
            response.body, response.url, site.selectors, datetime.now(UTC), zone=site.timezone
        )

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        site = self.site_of(response)
        ctx = context_of(response)
        if ctx is None or not ctx.rendered:
            self.crawler.stats.inc_value(f"newscrawler/{site.name}/fetched")
        ticket = ctx.ticket if ctx is not None else None
        again = None
        try:
            result = await self._extract(response, site)
            article = result.article if result is not None else None
            if result is not None and article is None:
                again = self._no_article(response, result, site)
        finally:
            # In flight until extracted: the clean pipeline's warm-up waits for pages in extraction.
            if ticket is not None and again is None:
                self.frontier.finish(ticket.id, fetched=True)
        if again is not None:
            yield again  # the same ticket, still in flight: its outcome is the rendered page's
            return
        if article is None or not self._own_address(article, response, site):
            return
        source = ticket.source if ticket is not None else None
        if ticket is None:  # a page fetched outside the crawl (`scrapy parse URL`)
            ticket = Ticket(f"page:{response.url}", site.name, response.url, None, "page")
        sample = self._sample(ticket, site, response.url)
        if sample is None:
            return
        article.metadata.site, article.metadata.source = site.name, source
        if response.meta.get("playwright"):
            article.metadata.rendered = True  # the browser's page, not the served one
        # Every URL the page answered under (the listed one, each redirect hop) is this article's:
        # a later listing naming any of them finds it known.
        hops = [u for u in [ticket.url, *response.meta.get("redirect_urls", ())] if u != response.url]
        article.metadata.redirectedFrom = list(dict.fromkeys(hops))
        article.metadata.listed = self.frontier.newest_listing(ticket.url) or ticket.listed
        article.ticket = replace(ticket, sample=sample)
        yield article

    def _own_address(self, article: Article, response: Response, site: Site) -> bool:
        """The page's canonical link, judged (ignored when it names a listing or another site);
        False for a copy of an article listed under its canonical (dropped, counted)."""
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
                return False
        self.frontier.page_text(response.url, text)
        return True

    def _sample(self, ticket: Ticket, site: Site, url: str) -> bool | None:
        """Whether the page is read only to learn the site's template (True), written (False), or
        over the `limit` and dropped (None, counted)."""
        if ticket.sample and self.frontier.may_sample(site.name):
            sample = True  # listed after the articles `limit` asks for: read to learn the template
        elif not self.frontier.may_extract(site.name):
            if not self.frontier.may_sample(site.name):
                self._count("dropped", "over_limit", url, site.name)
                return None
            sample = True  # read to learn the site's template; the clean pipeline drops it
        else:
            sample = False
        if sample:
            self.frontier.sampled(site.name)
        else:
            self.frontier.extracted(site.name)
        return sample

    # --- errors ---

    def on_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        yield from self._on_error(failure, request)
        # Download errors bypass spider middlewares: say here that this request is finished.
        self.crawler.signals.send_catch_log(request_done, request=request)

    def _on_error(self, failure: Failure, request: scrapy.Request) -> Iterator[scrapy.Request]:
        ctx = context_of(request)
        site = ctx.site if ctx is not None else None
        ticket = ctx.ticket if ctx is not None else None
        if ctx is not None and ticket is not None:
            # Not fetched: its place under `limit` goes to the next listed article.
            yield from self._requests_for(ctx, self.frontier.finish(ticket.id, fetched=ctx.rendered))
        if ctx is not None and ctx.quiet_404 and isinstance(failure.value, HttpError):
            return  # a usual sitemap location that this site does not use
        found = failure_reason(failure)
        if ctx is not None and ctx.rendered and ticket is not None:
            # Fetched already (counted); the browser got a challenge page, or could not render
            # it: a drop, with why.
            missing = isinstance(failure.value, BrowserMissing)
            if found != ("errors", "blocked"):
                found = ("dropped", "needs_browser" if missing else "render_failed")
            else:
                found = ("dropped", "blocked")
            if found[1] == "render_failed":
                self.logger.warning("rendering %s failed: %s", request.url, failure.getErrorMessage()[:300])
        elif (
            found in (("errors", "too_large"), ("errors", "blocked"))
            and ticket is not None
            and isinstance(failure.value, IgnoreRequest)
        ):
            # Downloaded, then refused: while decompressing (a gzip bomb), or as a challenge page
            # (BlockedPageMiddleware): an article page fetched and dropped for that reason, so the
            # summary's "fetched" adds up.
            self.crawler.stats.inc_value(f"newscrawler/{site}/fetched")
            found = ("dropped", found[1])
        if found is not None:
            self._count(found[0], found[1], request.url, site)

    def _count(self, kind: str, reason: str, url: str, site: str | None) -> None:
        count(self.crawler, kind, reason, url, site)
