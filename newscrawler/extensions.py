"""Crawl-level extensions: progress lines, the closing summary line, and the end of the crawl
(CrawlFinisher: the summary, the monitors, the stats file, then the crawl state closed)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from newscrawler.items import Article
from newscrawler.monitors import CrawlMonitors
from newscrawler.output import OutputLedger, article_stored, output_closed
from newscrawler.state.extension import CrawlState
from newscrawler.stats import (
    ARCHIVE_RECORDS,
    DUPLICATE_REASONS,
    answered,
    blocked_pages,
    idle_worker,
    per_site,
    totals,
)

logger = logging.getLogger(__name__)


class Progress:
    """Every NEWSCRAWLER_PROGRESS_INTERVAL seconds, a log line: written, dropped, duplicates, pages/min."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: LoopingCall | None = None
        self.pages_before = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("NEWSCRAWLER_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.task = LoopingCall(self.log)
        self.task.start(self.interval, now=False)

    def log(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        pages = stats.get("response_received_count", 0)
        rate = (pages - self.pages_before) * 60 / self.interval
        self.pages_before = pages
        dropped = totals(stats, "dropped")
        duplicates = sum(v for k, v in dropped.items() if k in DUPLICATE_REASONS)
        written = sum(s["written"] for s in per_site(stats).values())
        logger.info(
            "progress: %d articles written, %d dropped (%d duplicates), %d skipped as known, %.0f pages/min",
            written,
            sum(dropped.values()),
            duplicates,
            totals(stats, "skipped").get("known", 0),
            rate,
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()


class CrawlSummary:
    """Counts written articles per site; at the end of the crawl (CrawlFinisher) logs one summary
    line and writes the stats file."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.article_stored, signal=article_stored)
        return ext

    def article_stored(self, item: Any) -> None:
        site = item.metadata.site if isinstance(item, Article) else None
        if site and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawler/{site}/written")

    def log_summary(self, reason: str) -> None:
        """The summary line: once the output is final, only then is "written" final."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        logger.info("%s", summary_line(stats, reason))

    def write_stats_file(self) -> None:
        """NEWSCRAWLER_STATS_FILE, for monitoring and `make demo`: the crawl's stats as JSON."""
        path = self.crawler.settings.get("NEWSCRAWLER_STATS_FILE")
        if path:
            stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(json.dumps(stats, default=str, indent=1), encoding="utf-8")


class CrawlFinisher:
    """The end of a crawl, in one place and in this order, once the output is final (the output
    ledger's ``output_closed``, or ``spider_closed`` when the ledger is off):

    1. the summary line (CrawlSummary);
    2. the monitors (CrawlMonitors), with the crawl state still open for their run history;
    3. the stats file (CrawlSummary), with the monitors' status in it;
    4. the crawl state closed (CrawlState), its pending claims released, whatever failed before.

    Each step is a public method of an extension found with ``crawler.get_extension``; one that
    is disabled is left out. No step depends on the order of signal handlers.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.reason = "finished"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlFinisher:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.finish, signal=output_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason
        if self.crawler.get_extension(OutputLedger) is None:
            self.finish()
        # else: finished on output_closed, after the last feed is stored

    def finish(self) -> None:
        summary = self.crawler.get_extension(CrawlSummary)
        state = self.crawler.get_extension(CrawlState)
        try:
            if summary is not None:
                summary.log_summary(self.reason)
            self.run_monitors(state)
            if summary is not None:
                summary.write_stats_file()
        finally:
            if state is not None:
                state.close()

    def run_monitors(self, state: CrawlState | None) -> None:
        """The monitors judge the final output, with the crawl state still open (its run history)."""
        monitors = self.crawler.get_extension(CrawlMonitors)
        if monitors is None:
            return
        try:
            monitors.run(self.reason, state.opened if state is not None else None)
        except Exception:
            logger.exception("error: the monitors failed to run")


def _reasons(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def summary_line(stats: dict[str, Any], reason: str = "finished") -> str:
    """Articles written, pages fetched, pages dropped by reason, per site: one line."""
    sites = per_site(stats)
    parts = []
    for name, s in sorted(sites.items()):
        text = f"{name}: {s['written']} written of {s['fetched']} article pages fetched"
        blocked = blocked_pages(s)
        if blocked:
            text += f", {blocked} pages blocked (challenge or block pages)"
        if s["lost_to_output"]:
            text += f", {s['lost_to_output']} lost to output"
        for kind in ("dropped", "skipped", "errors"):
            if s[kind]:
                text += f", {kind} {_reasons(s[kind])}"
        parts.append(text)
    written = sum(s["written"] for s in sites.values())
    lost = stats.get("newscrawler/lost_to_output", 0)
    missing = stats.get("newscrawler/lost_to_feed", 0)
    line = (
        f"newscrawler summary ({reason}{_answered_note(stats)}): "
        f"{written} articles written, "
        + (f"{lost} lost to output (written next run), " if lost else "")
        + (f"{missing} missing from a feed (stored in the others), " if missing else "")
        + _read(stats)
        + f"dropped: {_reasons(totals(stats, 'dropped')) or 'none'}"
    )
    if stats.get("newscrawler/template_paragraphs_removed"):
        line += f", template paragraphs removed {stats['newscrawler/template_paragraphs_removed']}"
    return line + " | " + ("; ".join(parts) or _nothing(stats))


def _read(stats: dict[str, Any]) -> str:
    """What the crawl read: pages fetched, or WARC records (`scrapy crawl archive`)."""
    if ARCHIVE_RECORDS in stats:
        return f"{stats[ARCHIVE_RECORDS]} WARC records read, "
    return f"{stats.get('response_received_count', 0)} pages fetched, "


def _nothing(stats: dict[str, Any]) -> str:
    """Why the summary names no site: none answered, or they answered with no article page."""
    if idle_worker(stats):
        return "nothing left to take"
    return "sites answered, but no article page was found" if answered(stats) else "no site answered"


def _answered_note(stats: dict[str, Any]) -> str:
    if answered(stats):
        return ""
    return ", nothing left to take" if idle_worker(stats) else ", no site answered"
