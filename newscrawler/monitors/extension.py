"""The monitors' extension: ``CrawlMonitors`` counts what they judge during the crawl, and its
``run`` judges the crawl once the output is final (called by the crawl finisher,
newscrawler.extensions.CrawlFinisher), saves and logs the results, and records the run.
"""

from __future__ import annotations

import json
import logging
from array import array
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter
from scrapy.http import Response

from newscrawler.context import site_of
from newscrawler.feeds import feed_uri_params
from newscrawler.items import Article
from newscrawler.monitors.checks import Check, site_figures, thresholds_for
from newscrawler.monitors.suite import MonitorInput, run_suite
from newscrawler.output import article_stored
from newscrawler.plan import plan_of
from newscrawler.sites import WATCHED_FIELDS, Site
from newscrawler.state import RunHistory

logger = logging.getLogger("newscrawler.monitors")  # the package's name in log lines

# Figures recorded per site and run (record_run); the next runs compare with them.
RECORDED = ("articles", "written", "known", "fetched", "requests", "median_body_chars", "dropped")


class CrawlMonitors:
    """Counts what the monitors need during the crawl; ``run`` is called by the crawl finisher once
    the output is final. NEWSCRAWLER_MONITORS_ENABLED = False turns it off."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.bodies: dict[str, array[int]] = {}  # site -> body lengths (characters) of written articles
        self.responses: dict[str, int] = {}  # site -> responses received

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlMonitors:
        if not crawler.settings.getbool("NEWSCRAWLER_MONITORS_ENABLED"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.article_stored, signal=article_stored)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def article_stored(self, item: Any) -> None:
        site = item.metadata.site if isinstance(item, Article) else None
        if not site or self.crawler.stats is None:
            return
        for name in WATCHED_FIELDS:
            if not getattr(item, name, None):
                self.crawler.stats.inc_value(f"newscrawler/{site}/missing/{name}")
        self.bodies.setdefault(site, array("I")).append(len(getattr(item, "articleBody", None) or ""))

    def response_received(self, response: Response, request: Any, **_: Any) -> None:
        site = site_of(request) if request is not None else None
        if site:
            self.responses[site] = self.responses.get(site, 0) + 1

    def _sites(self) -> dict[str, Site]:
        plan = plan_of(self.crawler)
        sites = {s.name: s for s in plan.sites} if plan else {}
        sites.update(getattr(self.crawler.spider, "_sites", None) or {})  # sites pushed to a worker
        return sites

    def run(self, reason: str, store: RunHistory | None) -> dict[str, Any]:
        """Judge the crawl, log and save the results, record this run for the next; the report."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        finished = datetime.now(UTC).isoformat(timespec="seconds")
        figures = site_figures(stats, self.bodies, self.responses)
        sites = self._sites()
        settings = self.crawler.settings
        thresholds = {name: thresholds_for(settings, sites.get(name)) for name in figures}
        history: dict[str, list[dict[str, Any]]] = {}
        for name in figures:
            try:
                history[name] = store.recent_runs(name, int(thresholds[name]["history"])) if store else []
            except Exception as exc:
                logger.warning(
                    "monitors: the run history of %s cannot be read (%s): judged without it", name, exc
                )
                history[name] = []
        checks = run_suite(self.crawler, MonitorInput(figures, history, thresholds))
        failed = [c for c in checks if not c.passed]
        report = {
            "finished": finished,
            "status": "failed" if failed else "passed",
            "results": [c.to_dict() for c in checks],
        }
        fail_job = settings.getbool("NEWSCRAWLER_MONITORS_FAIL_JOB")
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("monitors/status", report["status"])
            self.crawler.stats.set_value("monitors/failed", len(failed))
            self.crawler.stats.set_value("monitors/fail_job", fail_job)
        path = self.report_path(finished)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            except OSError as exc:
                logger.error("error: cannot write the monitors' results to %s: %s", path, exc)
                path = None
        log_results(checks, path, fail_job)
        if reason == "finished" and store is not None:  # a stopped crawl's figures are no one's usual
            for name, fig in figures.items():
                try:
                    store.record_run(name, finished, {k: fig[k] for k in RECORDED})
                except Exception as exc:
                    logger.warning("monitors: this run of %s cannot be recorded (%s)", name, exc)
        return report

    def report_path(self, finished: str) -> Path | None:
        """NEWSCRAWLER_MONITORS_FILE (with %(name)s, %(time)s, %(job)s as in feed URIs), else next
        to the first local output file: ``<stem>.monitors.json``."""
        spider = self.crawler.spider
        template = self.crawler.settings.get("NEWSCRAWLER_MONITORS_FILE")
        if template:
            if spider is None:  # no crawl, no placeholders to fill
                return Path(str(template)).expanduser()
            params = feed_uri_params({"name": spider.name, "time": finished.replace(":", "-")}, spider)
            return Path(str(template) % params).expanduser()
        feeds = self.crawler.get_extension(FeedExporter)
        for slot in feeds.slots if feeds is not None else []:
            parts = urlsplit(slot.uri)
            if parts.scheme in ("", "file"):  # a local file, not s3:// or ftp://
                return Path(parts.path if parts.scheme else slot.uri).with_suffix(".monitors.json")
        return None


def log_results(checks: list[Check], path: Path | None, fail_job: bool) -> None:
    """One line per failed check, then the summary line (ERROR when it fails the job)."""
    failed = [c for c in checks if not c.passed]
    for check in failed:
        logger.warning("monitor failed: %s: %s", check.monitor, check.message)
    where = f"; results in {path}" if path else ""
    if not failed:
        logger.info("newscrawler monitors (passed): %d checks passed%s", len(checks), where)
        return
    names = ", ".join(sorted({f"{c.monitor}" + (f" {c.site}" if c.site else "") for c in failed}))
    logger.log(
        logging.ERROR if fail_job else logging.WARNING,
        "newscrawler monitors (failed%s): %d of %d checks failed: %s%s",
        ", fails the job" if fail_job else "",
        len(failed),
        len(checks),
        names,
        where,
    )
