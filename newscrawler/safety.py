"""What the crawler will not fetch: only the web, only the site, never the inside of the machine.

A sitemap, feed, redirect or link can name any URL. Before any request is sent
(redirects included: Scrapy sends them through the downloader middlewares again):

- only ``http`` and ``https`` (a ``file://`` in a sitemap must never reach the output);
- article and listing pages stay on the site's registrable domain and its subdomains;
  sitemaps and feeds may live elsewhere only when robots.txt or the registry names them;
- no private, loopback, link-local or otherwise non-public address, whether the URL gives
  it literally or its host name resolves to one, except the exact host:port of a start URL
  the user gave and the hosts in NEWSCRAWLER_ALLOW_PRIVATE.

Refusals are counted (skipped/bad_scheme, offsite, private_address). The same address rule is
applied again by the DNS resolver when the connection is made (``PublicOnlyResolver``), so a
name that resolves differently the second time is still refused.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import os
import re
import socket
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, ClassVar
from urllib.parse import urlsplit

import tldextract
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred

from newscrawler.context import context_of, site_of
from newscrawler.stats import CountedIgnore, PrivateAddressRefused, count

_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list: no network


def registrable_domain(host: str) -> str:
    """`bbc.co.uk` for `www.bbc.co.uk`; an IP address or a bare name stays as it is."""
    found = _SUFFIXES(host)
    return found.top_domain_under_public_suffix or host


def same_site(host: str, home_host: str) -> bool:
    return registrable_domain(host.lower()) == registrable_domain(home_host.lower())


def is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0].strip("[]"))
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def _literal_address(url: str) -> bool:
    """The URL's host is an IP address: nothing to resolve."""
    try:
        ipaddress.ip_address((urlsplit(url).hostname or "").strip("[]"))
    except ValueError:
        return False
    return True


def host_port(url: str) -> tuple[str, str]:
    """(host, host:port) with the default port made explicit."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return host, f"{host}:{port}"


class Allowlist:
    """Private hosts the crawl may reach: the start URLs' host:port, and NEWSCRAWLER_ALLOW_PRIVATE."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.hosts: set[str] = set()  # host (any port)
        self.netlocs: set[str] = set()  # host:port
        for entry in entries:
            self.add(entry)

    def add(self, entry: str) -> None:
        entry = entry.strip().lower()
        if not entry:
            return
        if "://" in entry:
            self.netlocs.add(host_port(entry)[1])
        elif entry.rsplit(":", 1)[-1].isdigit() and not entry.startswith("["):
            self.netlocs.add(entry)
        else:
            self.hosts.add(entry.strip("[]"))

    def allows(self, host: str, netloc: str) -> bool:
        return host in self.hosts or netloc in self.netlocs

    def allows_host(self, host: str) -> bool:
        return host in self.hosts or any(n.rsplit(":", 1)[0] == host for n in self.netlocs)


def _entries(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


@lru_cache(maxsize=4096)
def _resolve(host: str) -> tuple[str, ...]:
    try:
        return tuple(sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)}))
    except (OSError, UnicodeError):
        return ()  # unresolvable: the download itself will fail and be counted (dns_error)


class SafetyMiddleware:
    """The downloader middleware that applies the rules above to every request."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allow = Allowlist(
            _entries(crawler.settings.get("NEWSCRAWLER_ALLOW_PRIVATE"))
            + _entries(os.environ.get("NEWSCRAWLER_ALLOW_PRIVATE"))
        )
        PublicOnlyResolver.allowed = self.allow

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        reason = self.refusal(request)
        if reason is None and not _literal_address(request.url):  # a name: where does it resolve?
            reason = await self._resolves_privately(request)
        if reason is not None:
            count(self.crawler, "skipped", reason, request.url, site_of(request))
            raise CountedIgnore(f"{reason}: {request.url}")

    def refusal(self, request: Request) -> str | None:
        """Why the request may not be sent, judged on the URL alone (None: it may, so far)."""
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "bad_scheme"
        host, netloc = host_port(request.url)
        # A start request, or one no crawl component made (`scrapy parse URL`); Scrapy's own
        # robots.txt fetches follow a request that passed here, and are judged like any other.
        ctx = context_of(request)
        user_given = ctx.start if ctx is not None else not request.meta.get("dont_obey_robotstxt")
        home = ctx.home if ctx is not None else None
        # A start URL the user (or the registry) gave: its exact host:port may be private. So may
        # a request on its site's own home host:port: in a distributed crawl another worker may
        # have sent the site's start requests.
        if (user_given and not request.meta.get("redirect_urls")) or (home and host_port(home)[1] == netloc):
            self.allow.netlocs.add(netloc)
        if home and ctx is not None and not ctx.declared:
            home_host = urlsplit(home).hostname or ""
            if not same_site(host, home_host):
                return "offsite"
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return None
        if not is_public(str(literal)) and not self.allow.allows(host, netloc):
            return "private_address"
        return None

    async def _resolves_privately(self, request: Request) -> str | None:
        return await resolves_privately(request.url, self.allow)


async def resolves_privately(url: str, allow: Allowlist) -> str | None:
    """ "private_address" when the URL's host name resolves to a non-public address that ``allow``
    does not let the crawl reach (None: it may)."""
    host, netloc = host_port(url)
    if allow.allows(host, netloc):
        return None
    addresses = await asyncio.to_thread(_resolve, host)
    if any(not is_public(a) for a in addresses):
        return "private_address"
    return None


def address_refusal(url: str, allow: Allowlist) -> str | None:
    """Why a URL may not be fetched on its scheme or literal address alone: "bad_scheme",
    "private_address" (None: it may, so far; a host name is judged by ``resolves_privately``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "bad_scheme"
    host, netloc = host_port(url)
    if _literal_address(url) and not is_public(host) and not allow.allows(host, netloc):
        return "private_address"
    return None


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing non-public answers at connection time.

    Scrapy builds one resolver per process, before any crawler exists; the allow-list is
    therefore the class's, set by the crawl's SafetyMiddleware.
    """

    allowed: ClassVar[Allowlist] = Allowlist()

    def getHostByName(self, name: str, timeout: Any = ()) -> Deferred[str]:
        d = super().getHostByName(name, timeout)

        def check(address: str) -> str:
            if not is_public(address) and not self.allowed.allows_host(name.lower()):
                raise PrivateAddressRefused(f"{name} resolves to {address}, a non-public address")
            return address

        d.addCallback(check)
        return d


# --- secrets never reach the logs (scrapyd serves job logs to anyone with API access) ---

# user:password@ and :password@ (redis://:password@host has no user)
_URI_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]*:)[^@\s'\"]+@", re.I)
_URI_CLOUD = re.compile(r"(\b(?:s3|gs|gcs|azure)://)[^/\s@'\":]+(?::[^\s@'\"]+)?@", re.I)  # key id and secret
_SECRET_SETTING = re.compile(
    r"""(['"]?\b\w*(?:KEY|SECRET|PASSWORD|PASSWD|PASS|TOKEN|CREDENTIAL|AUTH)\w*['"]?\s*[:=]\s*)(['"])(?:(?!\2).)*\2""",
    re.I,
)


def mask_secrets(text: str) -> str:
    """Passwords in URIs (ftp://user:***@host) and the values of secret-named settings."""
    text = _URI_CLOUD.sub(r"\1***@", text)
    text = _URI_PASSWORD.sub(r"\1***@", text)
    return _SECRET_SETTING.sub(r"\1\2***\2", text)


_factory_installed = False


def _masked_message(message: Callable[[], str]) -> str:
    return mask_secrets(message())


def install_log_masking() -> None:
    """Mask secrets in every log record from here on, whichever handler writes it.

    A record factory, not a handler filter: Scrapy replaces its root handler during start-up,
    and records must be masked before any handler formats them.
    """
    global _factory_installed
    if _factory_installed:
        return
    _factory_installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        # Masked when a handler formats it, not here: most records (Scrapy's DEBUG lines, each
        # scraped item in full) are created and then dropped by the log level, and formatting and
        # masking all of them cost a tenth of a crawl's CPU.
        record.getMessage = functools.partial(_masked_message, record.getMessage)  # type: ignore[method-assign]
        return record

    logging.setLogRecordFactory(factory)
