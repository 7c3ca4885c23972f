"""The crawl plan: the `news` spider's arguments, checked once and frozen.

One parser serves the `scrapy crawl` command (which checks the arguments before Scrapy
starts), the spider, the pipelines and the state. A mistake is a ``UsageError`` with a
one-line message; an unknown argument names the valid ones.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from scrapy.exceptions import UsageError

from newscrawler.sites import RegistryError, Site, load_registry, site_for_url
from newscrawler.urls import is_http_url

# name -> what it takes, for the error message that lists them.
ARGUMENTS = {
    "url": "comma-separated start URLs",
    "sites": "comma-separated registry names",
    "since": "2d, 12h, 30m, 1w or an ISO date",
    "limit": "articles per site",
    "sites_file": "a TOML file of your own sites",
    "fresh": "1 to start with an empty crawl state",
    "languages": "comma-separated ISO 639-1 codes",
}


@dataclass(frozen=True)
class CrawlPlan:
    """What one crawl is asked to do."""

    sites: tuple[Site, ...]
    since: datetime | None = None  # articles published before this are not wanted
    until: datetime | None = None  # nor after this (the archive spider's until=; never set for news)
    limit: int | None = None  # articles per site
    languages: frozenset[str] | None = None  # ISO 639-1 codes wanted; None: all
    fresh: bool = False  # start with an empty crawl state
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    user_urls: tuple[str, ...] = ()  # the start URLs the user gave with url=
    job: str | None = None  # the scrapyd job id (scrapyd passes it as the _job argument)
    chosen: bool = False  # url= or sites= named the sites (else: the whole registry)
    sites_file: str | None = None  # the user's own registry file, merged over the bundled one

    def site(self, name: str) -> Site:
        for s in self.sites:
            if s.name == name:
                return s
        raise KeyError(name)

    def start_entries(self) -> list[dict[str, str]]:
        """The sites as a distributed crawl's start-key entries: the URL the user gave, or the
        registry name (with its home page, the ``url`` scrapy-redis expects)."""
        given = {site_for_url(u).name: u for u in self.user_urls}
        return [
            {"url": given[s.name]} if s.name in given else {"site": s.name, "url": s.home} for s in self.sites
        ]

    @classmethod
    def parse(
        cls, arguments: Mapping[str, Any], *, sites_file: str | None = None, now: datetime | None = None
    ) -> CrawlPlan:
        """Check the spider arguments (strings, as `-a name=value` gives them)."""
        args = {k: v for k, v in arguments.items() if not k.startswith("_")}  # scrapyd's _job, _version
        unknown = sorted(set(args) - set(ARGUMENTS))
        if unknown:
            raise UsageError(unknown_argument(unknown[0]))
        for name in ("url", "sites"):
            if name in args and not split_items(args[name]):  # a cron line with an unset variable
                raise UsageError(
                    f"{name}={args[name]!r} names no site; give at least one (the whole registry is crawled "
                    "only when neither url= nor sites= is given)"
                )
        now = now or datetime.now(UTC)
        sites_file = args.get("sites_file") or sites_file
        registry = load_sites(sites_file)
        chosen: list[Site] = []
        user_urls: list[str] = []
        for u in split_items(args.get("url")):
            if not is_http_url(u):
                raise UsageError(
                    f"url={masked_url(u)!r}: give an http(s) URL, e.g. url=https://www.dawn.com/"
                )
            if "@" in urlsplit(u).netloc:
                raise UsageError(
                    f"url={masked_url(u)!r}: a user name or password in a start URL is not used (it would be "
                    "sent to other hosts and printed in logs); give the URL without it"
                )
            chosen.append(site_for_url(u))
            user_urls.append(u)
        for n in (x.lower() for x in split_items(args.get("sites"))):
            if n not in registry:
                raise UsageError(f"unknown site {n!r}; known sites: {', '.join(sorted(registry))}")
            chosen.append(registry[n])
        since = args.get("since")
        return cls(
            sites=tuple(chosen or registry.values()),
            since=parse_since(str(since), now) if since else None,
            limit=parse_limit(args.get("limit")),
            languages=parse_languages(args.get("languages")),
            fresh=parse_flag("fresh", args.get("fresh")),
            started=now,
            user_urls=tuple(user_urls),
            job=str(arguments["_job"]) if arguments.get("_job") else None,
            chosen=bool(chosen),
            sites_file=sites_file,
        )

    def registry(self) -> SiteRegistry:
        """The sites this crawl can be asked about (see SiteRegistry)."""
        return SiteRegistry(self)


class SiteRegistry:
    """The sites a crawl knows, by name or URL: the plan's, then the registry's (a distributed
    worker is handed requests of sites that other workers were given), then one made from a
    home page."""

    def __init__(self, plan: CrawlPlan) -> None:
        self._known = {site.name: site for site in plan.sites}
        self._sites_file = plan.sites_file
        self._registry: dict[str, Site] | None = None

    def __iter__(self) -> Iterator[Site]:
        return iter(list(self._known.values()))

    def add(self, site: Site) -> None:
        self._known[site.name] = site

    def get(self, name: str, home: str | None = None) -> Site:
        """A site by name (KeyError when neither known, nor in the registry, nor ``home``'s)."""
        if name not in self._known:
            if self._registry is None:
                self._registry = load_sites(self._sites_file)
            if name in self._registry:
                self._known[name] = self._registry[name]
            elif home and site_for_url(home).name == name:
                self._known[name] = site_for_url(home)
            else:
                raise KeyError(name)
        return self._known[name]

    def for_url(self, url: str) -> Site:
        """The known site a URL is on, else one made from the URL (`scrapy parse URL`)."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        for site in self._known.values():
            if host == site.domain.split(":")[0] or host.endswith("." + site.domain):
                return site
        return site_for_url(url)

    def from_entry(self, data: bytes) -> Site | None:
        """A site pushed to a distributed crawl: a home page URL, or JSON with ``site`` (a
        registry name) and/or ``url``; None for an entry that names no site."""
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
                return self.get(name, url if isinstance(url, str) else None)
        except KeyError:
            return None
        return site_for_url(url) if isinstance(url, str) and is_http_url(url) else None


@runtime_checkable
class Planned(Protocol):
    """A spider that carries a crawl plan (the `news` spider does)."""

    plan: CrawlPlan


def plan_of(crawler: Any) -> CrawlPlan | None:
    """The running crawl's plan, or None for a spider without one."""
    spider = getattr(crawler, "spider", None)
    return spider.plan if isinstance(spider, Planned) else None


def unknown_argument(name: str, arguments: Mapping[str, str] = ARGUMENTS, spider: str = "news") -> str:
    """The message for an argument the spider does not take: a "did you mean", the valid ones."""
    close = difflib.get_close_matches(name, arguments, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    valid = ", ".join(f"{k} ({v})" for k, v in arguments.items())
    return f"unknown argument {name!r}{hint}; the {spider} spider takes: {valid}"


def masked_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(?<=://)([^/@:]*):[^/@]*@", r"\1:***@", url)


def split_items(value: Any) -> list[str]:
    return [x.strip() for x in str(value or "").split(",") if x.strip()]


def load_sites(sites_file: str | None) -> dict[str, Site]:
    """The bundled registry, with a sites_file's entries merged over it."""
    try:
        registry = load_registry()
        if sites_file:
            try:
                extra = Path(sites_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"sites_file={sites_file!r}: cannot read it ({exc.strerror})") from None
            registry.update(load_registry(extra, source=f"sites_file {sites_file}"))
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    return registry


def parse_since(value: str, now: datetime) -> datetime:
    """`2d`, `12h`, `30m`, `1w` or an ISO date/time; a clear error for anything else."""
    m = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", value, re.I)
    if m:
        n, unit = int(m[1]), m[2].lower()
        try:
            return now - timedelta(**{{"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[unit]: n})
        except OverflowError:
            raise UsageError(
                f"since={value!r}: that reaches before the year 1; use a shorter duration"
            ) from None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"since={value!r}: use a duration like 2d, 12h, 30m or an ISO date like 2024-05-01"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_limit(value: Any) -> int | None:
    if value is None or not str(value).strip():
        return None
    try:
        n = int(str(value))
    except ValueError:
        raise UsageError(f"limit={value!r}: use a whole number, e.g. limit=20") from None
    if n < 1:
        raise UsageError(f"limit={value!r}: must be at least 1")
    return n


def parse_flag(name: str, value: Any) -> bool:
    text = str(value).strip().lower() if value is not None else ""
    if text in ("", "0", "false", "no"):
        return False
    if text in ("1", "true", "yes"):
        return True
    raise UsageError(f"{name}={value!r}: use {name}=1 or {name}=0")


def parse_languages(value: Any) -> frozenset[str] | None:
    codes = {c.lower() for c in split_items(value)}
    if not codes:
        return None
    if any(not re.fullmatch(r"[a-z]{2}", c) for c in codes):
        raise UsageError(f"languages={value!r}: use two-letter ISO 639-1 codes, e.g. languages=en,ur")
    return frozenset(codes)
