"""Crawl-level extensions: the default feed location and the closing summary line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


class FeedLocation:
    """Builds FEEDS from NEWSCRAWLER_FEED_URI unless the user gave -o/-O or FEEDS themselves.

    An add-on, so that `-s NEWSCRAWLER_FEED_URI=...` and the environment variable of the
    same name both work, and scrapyd jobs (another working directory) can write elsewhere.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if (settings.getpriority("FEEDS") or 0) > 0:
            return  # -o/-O or an explicit FEEDS setting wins
        uri = settings.get("NEWSCRAWLER_FEED_URI")
        if uri:
            settings.set("FEEDS", {uri: {"format": "jsonlines"}}, priority="addon")


class CrawlSummary:
    """One log line at the end: articles written, pages fetched, drops by reason, per site."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        logger.info("%s", summary_line(stats, reason))
        path = self.crawler.settings.get("NEWSCRAWLER_STATS_FILE")
        if path:  # for monitoring and `make demo`: the crawl's stats as JSON
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(json.dumps(stats, default=str, indent=1), encoding="utf-8")


def summary_line(stats: dict[str, Any], reason: str = "finished") -> str:
    sites: dict[str, dict[str, int]] = {}
    dropped: dict[str, int] = {}
    site_drops: dict[str, dict[str, int]] = {}
    for key, value in stats.items():
        parts = key.split("/")
        if parts[0] != "newscrawler" or len(parts) < 3:
            continue
        if len(parts) == 3 and parts[1] == "dropped":
            dropped[parts[2]] = value
        elif len(parts) == 3:
            sites.setdefault(parts[1], {})[parts[2]] = value
        elif len(parts) == 4 and parts[2] == "dropped":
            site_drops.setdefault(parts[1], {})[parts[3]] = value
            sites.setdefault(parts[1], {})

    def site_part(name: str, v: dict[str, int]) -> str:
        text = f"{name}: {v.get('written', 0)} written, {v.get('fetched', 0)} article pages fetched"
        if site_drops.get(name):
            text += ", dropped " + ", ".join(f"{k} {n}" for k, n in sorted(site_drops[name].items()))
        return text

    per_site = "; ".join(site_part(name, v) for name, v in sorted(sites.items()))
    drops = ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())) or "none"
    total = sum(v.get("written", 0) for v in sites.values())
    pages = stats.get("response_received_count", 0)
    return (
        f"newscrawler summary ({reason}): {total} articles written, {pages} pages fetched, "
        f"dropped: {drops} | {per_site or 'no site answered'}"
    )
