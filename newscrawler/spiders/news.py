"""The `news` spider: discover a site's articles (robots, sitemaps, feeds, sections) and extract them.

scrapy crawl news -a url=https://site.example/          # any site, zero configuration
scrapy crawl news -a sites=dawn,reuters -a since=2d     # sites from the registry
scrapy crawl news -a limit=20 -O articles.jsonl
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from newscrawler.extraction.article import extract_from_page, is_article_page
from newscrawler.extraction.dates import Stamp, parse_any
from newscrawler.extraction.page import Page
from newscrawler.middlewares import KnownArticle
from newscrawler.sites import RegistryError, Site, load_registry, site_for_url
from newscrawler.stats import count
from newscrawler.urls import url_key

# Where sites usually keep sitemaps when robots.txt names none.
USUAL_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Article URLs carry a date or a long slug; listings and sections don't.
ARTICLE_URL = re.compile(
    r"/20\d\d[/-]\d{1,2}[/-]\d{1,2}/|/20\d\d/\d{1,2}/|\d{5,}|/[a-z0-9]+(?:-[a-z0-9]+){4,}", re.I
)
NOT_ARTICLE = re.compile(
    r"/(?:tag|tags|author|authors|category|topic|topics|search|login|subscribe|account|video|videos|"
    r"gallery|live|page)/|\.(?:jpg|jpeg|png|gif|pdf|mp3|mp4|zip|xml|rss)$",
    re.I,
)
SECTION_URL = re.compile(r"^/(?:section/|category/|news/)?[a-z][a-z0-9-]{1,30}/?$", re.I)
MAX_LISTING_DEPTH = 3  # home -> section -> older pages


def parse_since(value: str, now: datetime) -> datetime:
    """`2d`, `12h`, `30m`, `1w` or an ISO date/time; a clear error for anything else."""
    m = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", value, re.I)
    if m:
        n, unit = int(m[1]), m[2].lower()
        return now - timedelta(**{{"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[unit]: n})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"since={value!r}: use a duration like 2d, 12h, 30m or an ISO date like 2024-05-01"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_arguments(
    url: str | None = None,
    sites: str | None = None,
    since: str | None = None,
    limit: str | int | None = None,
    sites_file: str | None = None,
    now: datetime | None = None,
) -> tuple[list[Site], datetime | None, int | None]:
    """Check the spider arguments; a UsageError with a one-line message for any mistake."""
    now = now or datetime.now(UTC)
    try:
        registry = load_registry()
        if sites_file:
            try:
                extra = Path(sites_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"sites_file={sites_file!r}: cannot read it ({exc.strerror})") from None
            registry.update(load_registry(extra))
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    chosen: list[Site] = []
    for u in (x.strip() for x in (url or "").split(",") if x.strip()):
        if urlsplit(u).scheme not in ("http", "https") or not urlsplit(u).hostname:
            raise UsageError(f"url={u!r}: give an http(s) URL, e.g. url=https://www.dawn.com/")
        chosen.append(site_for_url(u))
    for n in (x.strip().lower() for x in (sites or "").split(",") if x.strip()):
        if n not in registry:
            raise UsageError(f"unknown site {n!r}; known sites: {', '.join(sorted(registry))}")
        chosen.append(registry[n])
    since_at = parse_since(since, now) if since else None
    try:
        max_items = int(limit) if limit is not None and str(limit).strip() else None
    except ValueError:
        raise UsageError(f"limit={limit!r}: use a whole number, e.g. limit=20") from None
    if max_items is not None and max_items < 1:
        raise UsageError(f"limit={limit!r}: must be at least 1")
    return chosen or list(registry.values()), since_at, max_items


def parse_flag(name: str, value: str | None) -> bool:
    if value is None or value.strip().lower() in ("", "0", "false", "no"):
        return False
    if value.strip().lower() in ("1", "true", "yes"):
        return True
    raise UsageError(f"{name}={value!r}: use {name}=1 or {name}=0")


def parse_languages(value: str | None) -> set[str] | None:
    if not value:
        return None
    codes = {c.strip().lower() for c in value.split(",") if c.strip()}
    bad = sorted(c for c in codes if not re.fullmatch(r"[a-z]{2}", c))
    if bad:
        raise UsageError(f"languages={value!r}: use two-letter ISO 639-1 codes, e.g. languages=en,ur")
    return codes


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        url: str | None = None,
        sites: str | None = None,
        since: str | None = None,
        limit: str | None = None,
        sites_file: str | None = None,
        fresh: str | None = None,
        languages: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.started = datetime.now(UTC)
        self.sites, self.since, self.limit = parse_arguments(
            url, sites, since, limit, sites_file, self.started
        )
        self.fresh = parse_flag("fresh", fresh)
        self.languages = parse_languages(languages)
        self.scheduled: Counter[str] = Counter()  # article requests per site
        self.in_flight: Counter[str] = Counter()  # article requests not yet answered, per site
        self.extracted: Counter[str] = Counter()  # articles handed to the pipelines, per site
        self.seen_keys: set[str] = set()
        self.listed_at: dict[str, Stamp] = {}  # the newest listing date of each article key
        self.skipped_known: set[str] = set()  # keys the incremental middleware skipped
        # Articles past `limit`, per site, in listing order: taken up when a scheduled one is not fetched.
        self.backlog: dict[str, deque[tuple[dict[str, Any], str, str | None, str]]] = defaultdict(deque)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        kwargs.setdefault("sites_file", crawler.settings.get("NEWSCRAWLER_SITES_FILE"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, NewsSpider)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    def request_dropped(self, request: scrapy.Request, **_: Any) -> None:
        """The scheduler refused an article request (a duplicate fingerprint): not in flight any more."""
        site = request.meta.get("site")
        if request.meta.get("source") is not None and site:
            self.in_flight[site] -= 1
            self.scheduled[site] -= 1

    # --- discovery ---

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            meta: dict[str, Any] = {"site": site.name, "download_slot": site.domain}
            if site.download_delay is not None:
                meta["download_delay"] = site.download_delay
            yield scrapy.Request(
                urljoin(site.home, "/robots.txt"),
                self.parse_robots,
                errback=self.on_error,
                meta={**meta, "dont_obey_robotstxt": True, "handle_httpstatus_all": True},
            )
            for url in site.sitemaps:
                yield scrapy.Request(url, self.parse_sitemap, errback=self.on_error, meta=meta)
            for url in site.feeds:
                yield scrapy.Request(url, self.parse_feed, errback=self.on_error, meta=meta)
            yield scrapy.Request(
                site.home, self.parse_listing, errback=self.on_error, meta={**meta, "depth_": 0}
            )

    def _site(self, meta: dict[str, Any]) -> Site:
        return next(s for s in self.sites if s.name == meta["site"])

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response.meta)
        found = []
        if response.status == 200 and isinstance(response, TextResponse):
            found = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        urls = found or ([] if site.sitemaps else [urljoin(site.home, p) for p in USUAL_SITEMAPS])
        for url in urls:
            yield scrapy.Request(
                url,
                self.parse_sitemap,
                errback=self.on_error,
                meta=self._meta(response.meta, quiet_404=not found),
            )

    @staticmethod
    def _meta(meta: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """The site's meta keys carried from a listing to the requests it yields."""
        keys: tuple[str, ...] = ("site", "download_slot", "download_delay")
        return {**{k: meta[k] for k in keys if k in meta}, **extra}

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError:
                self._count_drop("bad_sitemap", response.url, response.meta.get("site"), "errors")
                return
        try:
            sitemap = Sitemap(body)
        except (etree.XMLSyntaxError, ValueError, AttributeError):
            self._count_drop("bad_sitemap", response.url, response.meta.get("site"), "errors")
            return
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                when = parse_any(entry.get("lastmod", ""), self.started)
                if self.since and when and when.has_time and when.utc() < self.since:
                    continue  # nothing in that child sitemap changed since the window opened
                yield scrapy.Request(
                    entry["loc"], self.parse_sitemap, errback=self.on_error, meta=self._meta(response.meta)
                )
            return
        news_dates = _news_publication_dates(body)
        for entry in sitemap:
            loc = entry["loc"]
            listed = news_dates.get(loc) or entry.get("lastmod")
            yield from self._article_request(self._meta(response.meta), loc, listed, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        response.selector.remove_namespaces()
        for item in response.xpath("//item | //entry"):
            link = (
                item.xpath("link/@href").get()
                or item.xpath("link/text()").get()
                or item.xpath("guid/text()").get()
            )
            if not link:
                continue
            when = item.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get()
            yield from self._article_request(
                self._meta(response.meta), urljoin(response.url, link.strip()), when, "feed"
            )

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Home and section pages: feeds they announce, article-like links, sections and pagination."""
        if not isinstance(response, TextResponse):
            return
        site = self._site(response.meta)
        depth = response.meta.get("depth_", 0)
        if depth == 0:
            for href in response.xpath(
                '//link[@rel="alternate"][contains(@type,"rss") or contains(@type,"atom")]/@href'
            ).getall():
                yield scrapy.Request(
                    response.urljoin(href),
                    self.parse_feed,
                    errback=self.on_error,
                    meta=self._meta(response.meta),
                )
        home_host = urlsplit(site.home).netloc
        for href in response.xpath("//a/@href").getall():
            url = response.urljoin(href.strip())
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc.removeprefix(
                "www."
            ) != home_host.removeprefix("www."):
                continue
            if ARTICLE_URL.search(parts.path) and not NOT_ARTICLE.search(parts.path):
                yield from self._article_request(self._meta(response.meta), url, None, "links")
            elif depth < MAX_LISTING_DEPTH and (
                SECTION_URL.match(parts.path) or "page=" in parts.query or "/page/" in parts.path
            ):
                yield scrapy.Request(
                    url,
                    self.parse_listing,
                    errback=self.on_error,
                    meta=self._meta(response.meta, depth_=depth + 1),
                )

    def _article_request(
        self, origin: dict[str, Any], url: str, listed: str | None, source: str
    ) -> Iterator[scrapy.Request]:
        """origin: the site's meta from the listing that names the article."""
        site = self._site(origin)
        if not site.wants(url):
            return
        key = url_key(url)
        when = parse_any(listed, self.started) if listed else None
        # Sitemaps and feeds may list one URL with different dates (publication vs lastmod):
        # the newest decides whether a known article changed (see IncrementalMiddleware).
        newer = when is not None and (key not in self.listed_at or when.utc() > self.listed_at[key].utc())
        if newer and when is not None:
            self.listed_at[key] = when
        if key in self.seen_keys:
            if newer and key in self.skipped_known:  # skipped as unchanged, but this listing is newer
                self.skipped_known.discard(key)
                self.in_flight[site.name] += 1
                yield scrapy.Request(
                    url,
                    self.parse_article,
                    errback=self.on_error,
                    dont_filter=True,
                    meta=self._meta(origin, source=source, listed=when.iso() if when else None),
                )
            return
        if self.since and when and when.utc() < self.since:
            self.seen_keys.add(key)
            self._count_drop("too_old_listed", url, site.name, "skipped")
            return
        if self.limit is not None and self.scheduled[site.name] >= self.limit:
            # Kept in reserve: an article skipped as known or failing frees its place for the next one.
            if len(self.backlog[site.name]) < 10 * self.limit:
                self.backlog[site.name].append((origin, url, listed, source))
            return
        self.seen_keys.add(key)
        self.scheduled[site.name] += 1
        self.in_flight[site.name] += 1
        yield scrapy.Request(
            url,
            self.parse_article,
            errback=self.on_error,
            meta=self._meta(origin, source=source, listed=when.iso() if when else None),
        )

    # --- articles ---

    def parse_article(self, response: Response) -> Iterator[Any]:
        site = self._site(response.meta)
        self.in_flight[site.name] -= 1
        stats = self.crawler.stats
        stats.inc_value(f"newscrawler/{site.name}/fetched")
        if not isinstance(response, TextResponse):
            self._count_drop("not_html", response.url, site.name)
            return
        page = Page.load(response.body, response.url)
        article = extract_from_page(page, downloaded=datetime.now(UTC), body_selector=site.body_selector)
        if not is_article_page(page, article):
            self._count_drop("not_article", response.url, site.name)
            return
        if article.canonicalUrl and url_key(article.canonicalUrl) != url_key(response.url):
            canonical = url_key(article.canonicalUrl)
            if canonical in self.seen_keys and canonical != url_key(
                response.request.url if response.request else ""
            ):
                self._count_drop("duplicate_url", response.url, site.name)
                return
            self.seen_keys.add(canonical)
        if self.limit is not None and self.extracted[site.name] >= self.limit:
            self._count_drop("over_limit", response.url, site.name)
            return
        if site.timezone:
            article.datePublished = with_zone(article.datePublished, site.timezone)
            article.dateModified = with_zone(article.dateModified, site.timezone)
        article.metadata.update({"site": site.name, "source": response.meta.get("source")})
        newest = self.listed_at.get(url_key(response.request.url if response.request else response.url))
        listed = newest.iso() if newest is not None else response.meta.get("listed")
        if listed:
            article.metadata["listed"] = listed
        self.extracted[site.name] += 1
        yield article

    def on_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        site = request.meta.get("site")
        if request.meta.get("source") is not None and site:
            self.in_flight[site] -= 1
            self.scheduled[site] -= 1  # not fetched: its place under `limit` goes to the next article
            yield from self._next_from_backlog(site)
        if failure.check(KnownArticle):
            self.skipped_known.add(url_key(request.url))
            return  # written in an earlier run and unchanged: counted by the middleware
        if request.meta.get("quiet_404"):
            return
        if failure.check(IgnoreRequest):
            self._count_drop("ignored_by_robots_or_filters", request.url, site, "skipped")
            return
        reason = failure.type.__name__ if failure.type else "error"
        self._count_drop(reason, request.url, site, "errors")

    def _next_from_backlog(self, site: str) -> Iterator[scrapy.Request]:
        while self.backlog[site] and (self.limit is None or self.scheduled[site] < self.limit):
            before = self.scheduled[site]
            yield from self._article_request(*self.backlog[site].popleft())
            if self.scheduled[site] > before:
                return

    def _count_drop(self, reason: str, url: str, site: str | None = None, kind: str = "dropped") -> None:
        count(self.crawler, kind, reason, url, site)


def _news_publication_dates(body: bytes) -> dict[str, str]:
    """Google News <news:publication_date> by <loc>; Scrapy's Sitemap drops the news: fields."""
    out: dict[str, str] = {}
    try:
        parser = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False)
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return out
    if root is None:
        return out
    for url in root:
        loc = url.find("{*}loc")
        date = url.find(f"{{{NEWS_NS}}}news/{{{NEWS_NS}}}publication_date")
        if loc is not None and loc.text and date is not None and date.text:
            out[loc.text.strip()] = date.text.strip()
    return out


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
