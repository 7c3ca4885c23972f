"""Reach: the pages a plain HTTP client does not get, opt-in and per request.

- Rendering (scrapy-playwright): an article page that is an app shell (extraction/shell.py) is
  fetched once more through the system's Chromium (NEWSCRAWLER_RENDER=auto, the default); with
  ``always`` a site's article and listing pages go through it from the start.
- Impersonation (scrapy-impersonate, curl_cffi): a site's requests with a browser's TLS and
  headers, when the user names a browser for it (NEWSCRAWLER_IMPERSONATE, a site's
  ``impersonate``). Off by default.
- Proxies: a site's ``proxy`` (one URL or several, in turn), through Scrapy's HttpProxyMiddleware.

Every other request keeps Scrapy's own HTTP/1.1 handler. All of them pass the same downloader
middlewares (safety, politeness, retries) and download slots (DOWNLOAD_DELAY, AutoThrottle).
What a rendered page's scripts ask for passes the safety rules too: http(s) only, the page's
site only, never a private address; resources that carry no text are not loaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit
from weakref import WeakKeyDictionary

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy_impersonate import ImpersonateDownloadHandler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

from newscrawler.browsers import find_browser
from newscrawler.context import Kind, context_of
from newscrawler.plan import SiteRegistry, plan_of
from newscrawler.safety import (
    PublicOnlyResolver,
    address_refusal,
    host_port,
    resolves_privately,
    same_site,
)
from newscrawler.sites import Site
from newscrawler.stats import tally

logger = logging.getLogger(__name__)

# Resource types a rendered page never loads: they carry no text, and streams never go quiet.
NO_TEXT = frozenset(
    {"image", "media", "font", "stylesheet", "texttrack", "manifest", "websocket", "eventsource"}
)
# Chromium in a container, as root, with nothing phoning home (the probe's flags, docs/reach).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# A page is read once it has loaded and its network has been quiet for half a second (the app has
# its article), or QUIET_WAIT seconds after load: an app that polls, or retries an image for ever,
# never goes quiet, and is read as it stands.
GOTO = {"wait_until": "load"}
QUIET_WAIT = 10.0
# What a resource that carries no text gets instead: an empty answer (an image a valid 1x1 GIF),
# not an error, which a page's onerror handler could answer by asking again, for ever.
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
IN_PAGE_SCHEMES = ("http", "https", "data", "blob", "about")  # what a page may load at all


_HANDLERS: WeakKeyDictionary[Crawler, ReachDownloadHandler] = WeakKeyDictionary()


class BrowserMissing(IgnoreRequest):
    """A page needs a browser and this machine has none (counted needs_browser)."""


@dataclass(frozen=True)
class ReachPolicy:
    """The crawl-wide settings, and each site's own over them."""

    render: str  # auto, never, always
    impersonate: str | None  # a curl_cffi browser name
    browser: str | None  # the Chromium executable; None: none on this machine

    @classmethod
    def from_settings(cls, settings: Any) -> ReachPolicy:
        return cls(
            render=settings.get("NEWSCRAWLER_RENDER") or "auto",
            impersonate=settings.get("NEWSCRAWLER_IMPERSONATE") or None,
            browser=find_browser(settings.get("NEWSCRAWLER_BROWSER") or None),
        )

    def render_mode(self, site: Site) -> str:
        return site.render or self.render

    def impersonation(self, site: Site) -> str | None:
        return site.impersonate or self.impersonate


def proxy_context(site: Site, proxy: str) -> tuple[str, dict[str, Any]]:
    """A browser context of its own for a site's proxy: Chromium sends a context's requests through
    one proxy, with its credentials (never in the context's name, which is logged)."""
    parts = urlsplit(proxy)
    server = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    settings: dict[str, Any] = {"server": server}
    if parts.username:
        settings["username"] = unquote(parts.username)
        settings["password"] = unquote(parts.password or "")
    return f"{site.name}-proxy-{site.proxies.index(proxy) if proxy in site.proxies else 0}", {
        "proxy": settings
    }


async def settle(page: Any) -> None:
    """After load: until the page's network is quiet, or QUIET_WAIT seconds (then as it stands)."""
    with contextlib.suppress(PlaywrightTimeout):
        await page.wait_for_load_state("networkidle", timeout=QUIET_WAIT * 1000)


class ReachMiddleware:
    """Sets, per site, what a request needs: its proxy (before HttpProxyMiddleware), the browser
    (``render = "always"``), or the impersonated browser."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = ReachPolicy.from_settings(crawler.settings)
        self.timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        self._turns: dict[str, Iterator[str]] = {}
        self._registry: SiteRegistry | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReachMiddleware:
        return cls(crawler)

    def _site(self, request: Request) -> Site | None:
        if self._registry is None:
            plan = plan_of(self.crawler)
            if plan is None:
                return None
            self._registry = plan.registry()
        ctx = context_of(request)
        try:
            return self._registry.get(ctx.site, ctx.home) if ctx else self._registry.for_url(request.url)
        except KeyError:
            return None

    def process_request(self, request: Request) -> None:
        site = self._site(request)
        if site is None:
            return
        meta = request.meta
        if site.proxies and "proxy" not in meta:
            meta["proxy"] = next(self._turns.setdefault(site.name, itertools.cycle(site.proxies)))
        ctx = context_of(request)
        if (
            self.policy.render_mode(site) == "always"
            and self.policy.browser
            and ctx is not None
            and ctx.kind in (Kind.ARTICLE, Kind.LISTING)
        ):
            meta["playwright"] = True
        if meta.get("playwright"):
            meta.setdefault("playwright_page_goto_kwargs", dict(GOTO))
            meta.setdefault("playwright_page_methods", [PageMethod(settle)])
            if meta.get("proxy") and "playwright_context" not in meta:
                meta["playwright_context"], meta["playwright_context_kwargs"] = proxy_context(
                    site, meta["proxy"]
                )
            return
        browser = self.policy.impersonation(site)
        if browser and "impersonate" not in meta:
            meta["impersonate"] = browser
            meta.setdefault("impersonate_args", {"timeout": meta.get("download_timeout", self.timeout)})


@dataclass(frozen=True)
class PageRules:
    """What a rendered page may load: its own host:port (the crawl already judged it), other
    public hosts of its site's registrable domain."""

    site: str | None
    home_host: str
    netloc: str

    async def refusal(self, url: str) -> str | None:
        allow = PublicOnlyResolver.allowed  # the crawl's private allow-list (start URLs, settings)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return "bad_scheme"
        if host_port(url)[1] == self.netloc:
            return None
        reason = address_refusal(url, allow)
        if reason is None and self.home_host and not same_site(parts.hostname or "", self.home_host):
            reason = "offsite"
        return reason or await resolves_privately(url, allow)


class ReachDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """One handler for http(s): the browser for ``meta["playwright"]``, curl_cffi for
    ``meta["impersonate"]``, Scrapy's HTTP/1.1 handler for everything else. The browser starts
    with the first page to render, not with the crawl. One instance per crawl serves both schemes
    (Scrapy asks once per scheme): one browser, one NEWSCRAWLER_RENDER_CONCURRENCY."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReachDownloadHandler:
        handler = _HANDLERS.get(crawler)
        if handler is None:
            handler = _HANDLERS[crawler] = cls(crawler)
        return handler

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        self.policy = ReachPolicy.from_settings(crawler.settings)
        settings = crawler.settings
        if not settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"):
            self.config.launch_options = {
                "executable_path": self.policy.browser,
                "headless": True,
                "args": list(CHROMIUM_ARGS),
            }
        if settings.get("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") is None:
            self.config.navigation_timeout_ms = settings.getfloat("NEWSCRAWLER_RENDER_TIMEOUT") * 1000
        self.abort_request = self._refused
        self._renders = asyncio.Semaphore(settings.getint("NEWSCRAWLER_RENDER_CONCURRENCY"))
        self._start = asyncio.Lock()
        self._started = False
        self._pages: dict[Any, PageRules] = {}
        self._impersonator: ImpersonateDownloadHandler | None = None
        self._closed = False

    async def _maybe_launch_in_thread(self) -> None:
        """Not at the crawl's start (scrapy-playwright's way): most crawls render nothing."""

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            await self._launch_once()
            # The proxy's credentials belong to the browser context: as a header they would reach the site.
            request.headers.pop(b"Proxy-Authorization", None)
            async with self._renders:
                self.crawler.stats.inc_value("newscrawler/rendered")
                return await super().download_request(request)  # type: ignore[no-any-return]
        if request.meta.get("impersonate"):
            if self._impersonator is None:
                self._impersonator = ImpersonateDownloadHandler.from_crawler(self.crawler)
            # The impersonated browser's own User-Agent: ours beside Chrome's TLS would give it away.
            # robots.txt is still read for newscrawler's name (RobotsTxtMiddleware, before this).
            headers = request.headers.copy()
            headers.pop(b"User-Agent", None)
            response: Response = await self._impersonator.download_request(request.replace(headers=headers))
            return response
        return await HTTP11DownloadHandler.download_request(self, request)

    async def _launch_once(self) -> None:
        async with self._start:
            if self._started:
                return
            if self.policy.browser is None:
                raise BrowserMissing("no Chromium on this machine (NEWSCRAWLER_BROWSER)")
            await self._launch()
            self._started = True

    async def close(self) -> None:
        if self._closed:  # asked once per scheme
            return
        self._closed = True
        if self._impersonator is not None:
            await self._impersonator.close()
        await super().close()

    async def _create_page(self, request: Request, spider: Any) -> Any:
        page = await super()._create_page(request, spider)
        ctx = context_of(request)
        host, netloc = host_port(request.url)
        rules = PageRules(
            ctx.site if ctx else None, (urlsplit(ctx.home).hostname or "") if ctx else host, netloc
        )
        self._pages[page] = rules
        page.on("close", lambda _: self._pages.pop(page, None))
        page.on("request", lambda r: self._scheme_seen(rules, r.url))
        told: set[str] = set()  # Chromium may say it twice of one frame
        page.on("console", lambda m: self._console(rules, m.text, told))
        return page

    def _make_request_handler(self, *args: Any, **kwargs: Any) -> Any:
        """scrapy-playwright's route handler, after ours: a resource that carries no text is answered
        empty here, never fetched."""
        route_on = super()._make_request_handler(*args, **kwargs)

        async def route(route: Any, pw_request: Any) -> None:
            if pw_request.resource_type not in NO_TEXT:
                await route_on(route, pw_request)
                return
            self.crawler.stats.inc_value("newscrawler/render/not_loaded")
            image = pw_request.resource_type == "image"
            with contextlib.suppress(PlaywrightError):  # the page closed meanwhile
                await route.fulfill(
                    status=200,
                    body=GIF if image else b"",
                    content_type="image/gif" if image else "text/plain",
                )

        return route

    async def _refused(self, pw_request: Any) -> bool:
        """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST: True for what a rendered page may not load."""
        try:
            rules = self._pages.get(pw_request.frame.page)
        except Exception:  # a service worker's request has no frame
            rules = None
        rules = rules or PageRules(None, "", "")
        reason = await rules.refusal(pw_request.url)
        if reason is not None:
            self._refusal(rules, reason, pw_request.url)
            return True
        return False

    def _scheme_seen(self, rules: PageRules, url: str) -> None:
        """A request that never reaches the route (file:, ftp:): Chromium refuses it; counted."""
        if urlsplit(url).scheme not in IN_PAGE_SCHEMES:
            self._refusal(rules, "bad_scheme", url)

    def _console(self, rules: PageRules, text: str, told: set[str]) -> None:
        """A file: frame never makes a request event: Chromium refuses it and says so."""
        if text.startswith("Not allowed to load local resource:") and text not in told:
            told.add(text)
            self._refusal(rules, "bad_scheme", text.split(":", 1)[1].strip())

    def _refusal(self, rules: PageRules, reason: str, url: str) -> None:
        key = f"newscrawler/render_refused/{reason}"
        if not self.crawler.stats.get_value(key):
            logger.info("refused in a rendered page (%s), e.g. %s", reason, url)
        tally(self.crawler, f"render_refused/{reason}", rules.site)
