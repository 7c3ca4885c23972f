"""The archive spider's arguments, checked once and frozen, as `news`'s are (newscrawler.plan).

    scrapy crawl archive -a warc=PATH|GLOB|URL[,...] [-a sites=..|url=..] [-a since=.. -a until=..]
    scrapy crawl archive -a ccnews=2024-03 | 2024-03-10 | 2024-03-10..2024-03-12

A mistake (an unknown argument, a file that does not exist, a glob that matches nothing, a
malformed month) is a ``UsageError`` with one line, before anything is read. The crawl plan that
the pipelines, the state and the monitors read (``plan_of``) is ``ArchivePlan.crawl``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import UsageError

from newscrawler.archive.selection import Selection
from newscrawler.archive.sources import DaySpan, expand, is_remote, source_for
from newscrawler.plan import (
    CrawlPlan,
    load_sites,
    masked_url,
    parse_flag,
    parse_languages,
    parse_limit,
    parse_since,
    split_items,
    unknown_argument,
)
from newscrawler.sites import Site, site_for_url
from newscrawler.urls import is_http_url

ARGUMENTS = {
    "warc": "comma-separated WARC files, globs or http(s) URLs, gzip'd or not",
    "ccnews": "CC-NEWS days: a month 2024-03, a day 2024-03-10, or 2024-03-10..2024-03-12",
    "sites": "comma-separated registry names: only their records",
    "url": "comma-separated home pages: only records on their sites",
    "since": "records archived and articles published from: 2d, 12h or an ISO date",
    "until": "records archived and articles published up to: an ISO date or 2d",
    "limit": "articles per site",
    "languages": "comma-separated ISO 639-1 codes",
    "sites_file": "a TOML file of your own sites",
    "fresh": "1 to start with an empty crawl state",
}
SPAN = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


@dataclass(frozen=True)
class ArchivePlan:
    crawl: CrawlPlan  # sites (those chosen), since, until, limit, languages, fresh
    warcs: tuple[str, ...]  # WARC locations: paths (globs expanded) and URLs
    ccnews: DaySpan | None
    selection: Selection

    def sources(self) -> list[Any]:
        """The warc= files as Sources (CC-NEWS files are listed during the crawl)."""
        return [source_for(w) for w in self.warcs]

    @classmethod
    def parse(
        cls, arguments: Mapping[str, Any], *, sites_file: str | None = None, now: datetime | None = None
    ) -> ArchivePlan:
        """Check the spider arguments (strings, as `-a name=value` gives them)."""
        args = {k: v for k, v in arguments.items() if not k.startswith("_")}
        unknown = sorted(set(args) - set(ARGUMENTS))
        if unknown:
            raise UsageError(unknown_argument(unknown[0], ARGUMENTS, "archive"))
        for name in ("warc", "ccnews", "url", "sites"):
            if name in args and not split_items(args[name]):
                raise UsageError(f"{name}={args[name]!r} is empty; a cron line with an unset variable?")
        if "warc" not in args and "ccnews" not in args:
            raise UsageError("give the archives to read: -a warc=PATH|GLOB|URL[,...] or -a ccnews=2024-03")
        now = now or datetime.now(UTC)
        sites_file = args.get("sites_file") or sites_file
        registry = load_sites(sites_file)
        chosen = _chosen(args, registry)
        since = parse_since(str(args["since"]), now) if args.get("since") else None
        until = parse_since(str(args["until"]), now) if args.get("until") else None
        if since is not None and until is not None and until < since:
            raise UsageError(f"until={args['until']!r} is before since={args['since']!r}")
        crawl = CrawlPlan(
            sites=tuple(chosen),
            since=since,
            until=until,
            limit=parse_limit(args.get("limit")),
            languages=parse_languages(args.get("languages")),
            fresh=parse_flag("fresh", args.get("fresh")),
            started=now,
            job=str(arguments["_job"]) if arguments.get("_job") else None,
            chosen=bool(chosen),
            sites_file=sites_file,
        )
        return cls(
            crawl=crawl,
            warcs=tuple(w for item in split_items(args.get("warc")) for w in _warcs(item)),
            ccnews=parse_ccnews(str(args["ccnews"])) if args.get("ccnews") else None,
            selection=Selection.of(tuple(chosen), registry, since, until),
        )


def _chosen(args: Mapping[str, Any], registry: dict[str, Site]) -> list[Site]:
    chosen: list[Site] = []
    for u in split_items(args.get("url")):
        if not is_http_url(u) or "@" in urlsplit(u).netloc:
            raise UsageError(
                f"url={masked_url(u)!r}: give a site's http(s) address, e.g. url=https://www.dawn.com/"
            )
        chosen.append(site_for_url(u))
    for n in (x.lower() for x in split_items(args.get("sites"))):
        if n not in registry:
            raise UsageError(f"unknown site {n!r}; known sites: {', '.join(sorted(registry))}")
        chosen.append(registry[n])
    return chosen


def _warcs(item: str) -> list[str]:
    """One warc= item, checked: a URL, or local files that exist (a glob that matches some)."""
    scheme = urlsplit(item).scheme
    if is_remote(item):
        if "@" in urlsplit(item).netloc:
            raise UsageError(f"warc={masked_url(item)!r}: a user name or password in the URL would be logged")
        return [item]
    if len(scheme) > 1:  # s3:, ftp:, file: (a drive letter is one character)
        raise UsageError(f"warc={item!r}: give a local path, a glob or an http(s) URL")
    found = expand(item)
    if not found:
        raise UsageError(f"warc={item!r}: the pattern matches no file")
    for path in found:
        if not Path(path).is_file():
            raise UsageError(f"warc={path!r}: no such file")
    return found


def parse_ccnews(value: str) -> DaySpan:
    """`2024-03` (a month), `2024-03-10` (a day), `A..B` (days or months, both included)."""
    first, sep, last = value.strip().partition("..")
    start, end = _day(first, value, last=False), _day(last if sep else first, value, last=True)
    if end < start:
        raise UsageError(f"ccnews={value!r}: the range ends before it starts")
    if start < date(2016, 8, 1):
        raise UsageError(f"ccnews={value!r}: CC-NEWS starts in 2016-08")
    return DaySpan(start, end)


def _day(text: str, value: str, last: bool) -> date:
    found = SPAN.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError
        year, month = int(found[1]), int(found[2])
        if found[3]:
            return date(year, month, int(found[3]))
        if not last:
            return date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    except ValueError:
        raise UsageError(
            f"ccnews={value!r}: use a month (2024-03), a day (2024-03-10) or a range (2024-03-10..2024-03-12)"
        ) from None
