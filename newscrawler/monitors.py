"""Monitors, run after every crawl once its output is final: is each site still giving what it gave?

They are Spidermon monitors (``NewsMonitorSuite``), run by Spidermon's ``MonitorRunner`` from the
crawl summary's ``output_closed``, not from Spidermon's own ``spider_closed`` hook, which fires
before the last feed is stored (so before "written" is final). Each monitor's decision is a pure
function of one site's figures, its recent runs (kept in the crawl state, ``record_run``) and its
thresholds (``NEWSCRAWLER_MONITOR_*`` settings, overridden per site by ``[<site>.monitors]`` in the
registry), so the unit tests call them on hand-made figures.

Results: one log line per failed check and a summary line, ``<output stem>.monitors.json``
(or ``NEWSCRAWLER_MONITORS_FILE``), Spidermon's actions (e-mail, Slack) when configured, and, with
``NEWSCRAWLER_MONITORS_FAIL_JOB``, exit status 6 (``EXIT_MONITORS_FAILED``).
"""

from __future__ import annotations

import json
import logging
import statistics
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter
from scrapy.http import Response
from scrapy.utils.misc import load_object
from spidermon import Monitor, MonitorSuite
from spidermon.runners import MonitorRunner
from spidermon.settings import ACTION

from newscrawler.context import site_of
from newscrawler.feeds import feed_uri_params
from newscrawler.items import Article
from newscrawler.output import article_stored
from newscrawler.plan import plan_of
from newscrawler.sites import THRESHOLDS, WATCHED_FIELDS, Site
from newscrawler.stats import KINDS, per_site

logger = logging.getLogger(__name__)

# Drop reasons that say nothing about a site's health (copies, our own limits): not watched.
QUIET_DROPS = frozenset(
    {
        "duplicate_url",
        "duplicate_text",
        "near_duplicate",
        "unchanged",
        "claimed_by_another_crawl",
        "over_limit",
        "template_sample",
        "state_error",
        "too_old",  # depends on the run's since= window, not on the site
    }
)
# Error reasons counted after a response was received (it is already among the responses).
_AFTER_RESPONSE = frozenset({"bad_sitemap", "bad_feed", "sitemap_too_large", "redirect_loop"})

# A threshold's setting: this prefix, then its name (newscrawler.sites.THRESHOLDS) in upper case.
SETTING_PREFIX = "NEWSCRAWLER_MONITOR_"
# Figures recorded per site and run (record_run); the next runs compare with them.
RECORDED = ("articles", "written", "known", "fetched", "requests", "median_body_chars", "dropped")


@dataclass
class Check:
    """One monitor's verdict on one site (site None: the whole crawl)."""

    monitor: str
    site: str | None
    value: float | None
    threshold: float | None
    passed: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- figures ---


def site_figures(
    stats: dict[str, Any], bodies: Mapping[str, Iterable[int]], responses: Mapping[str, int]
) -> dict[str, dict[str, Any]]:
    """This run's figures per site, from the crawl stats, the written bodies' lengths and the
    responses received per site."""
    figures = {}
    sites = per_site(stats)
    for name in set(sites) | set(responses):
        s = sites.get(name) or {"fetched": 0, "written": 0, **{k: {} for k in KINDS}}
        errors: dict[str, int] = s["errors"]
        robots = s["skipped"].get("robots_txt", 0)
        no_response = sum(
            n for r, n in errors.items() if not r.startswith("http_") and r not in _AFTER_RESPONSE
        )
        lengths = sorted(bodies.get(name, ()))
        known = s["skipped"].get("known", 0)
        figures[name] = {
            "articles": s["written"] + known,
            "written": s["written"],
            "known": known,
            "fetched": s["fetched"],
            # every page of the site asked for: answered, failed without an answer, refused by robots.txt
            "requests": responses.get(name, 0) + no_response + robots,
            "http_errors": sum(n for r, n in errors.items() if r.startswith("http_")),
            "blocked": errors.get("http_403", 0) + errors.get("http_429", 0),
            "timeouts": errors.get("timeout", 0),
            "robots_refused": robots,
            "too_old_listed": s["skipped"].get("too_old_listed", 0),
            "missing": {f: int(stats.get(f"newscrawler/{name}/missing/{f}", 0)) for f in WATCHED_FIELDS},
            "median_body_chars": statistics.median(lengths) if lengths else None,
            "dropped": dict(s["dropped"]),
        }
    return figures


def thresholds_for(settings: Any, site: Site | None) -> dict[str, Any]:
    """The settings' thresholds, with the site's own ``[<site>.monitors]`` over them."""
    values: dict[str, Any] = {}
    for key in THRESHOLDS:
        name = SETTING_PREFIX + key.upper()
        values[key] = settings.getdict(name) if key == "max_missing" else settings.getfloat(name)
    for key, value in (site.monitors if site is not None else {}).items():
        values[key] = {**values[key], **value} if key == "max_missing" else value
    return values


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _earlier(history: list[dict[str, Any]], t: dict[str, Any]) -> list[dict[str, Any]]:
    return history[: int(t["history"])]


# --- decisions: (site, this run's figures, earlier runs newest first, thresholds) -> checks ---


def check_articles(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """A site that gave no articles (none written, none listed that an earlier run wrote), or far
    fewer than in its recent runs (once it has ``min_history`` of them)."""
    n = fig["articles"]
    what = f"{n} articles ({fig['written']} written, {fig['known']} already written before)"
    if fig.get("too_old_listed"):  # a quiet site under a short since= window, or a stale listing
        what += f", {fig['too_old_listed']} listed but older than since="
    checks = [
        Check(
            "articles",
            site,
            n,
            t["min_articles"],
            n >= t["min_articles"],
            f"{site}: {what}; at least {t['min_articles']:g} expected",
        )
    ]
    earlier = [r["articles"] for r in _earlier(history, t) if r.get("articles") is not None]
    if len(earlier) >= t["min_history"]:
        usual = statistics.median(earlier)
        if usual > 0:
            low = usual * t["min_articles_share"]
            checks.append(
                Check(
                    "articles_vs_recent",
                    site,
                    n,
                    low,
                    n >= low,
                    f"{site}: {what}, fewer than {_pct(t['min_articles_share'])} of the {usual:g} "
                    f"of its last {len(earlier)} runs (median)",
                )
            )
    return checks


def check_field_coverage(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """Written articles without datePublished, authors or inLanguage, as a share of the written."""
    written = fig["written"]
    if written < t["min_sample"]:
        return []
    checks = []
    for name in WATCHED_FIELDS:
        limit = t["max_missing"].get(name)
        if limit is None:
            continue
        share = _share(fig["missing"].get(name, 0), written)
        checks.append(
            Check(
                f"missing/{name}",
                site,
                round(share, 4),
                float(limit),
                share <= float(limit),
                f"{site}: {_pct(share)} of {written} written articles have no {name} "
                f"(at most {_pct(float(limit))})",
            )
        )
    return checks


def check_body_length(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """The median article body (characters) collapsing against the site's recent runs: the body
    rule is catching a teaser, a cookie wall or a template instead of the text."""
    median = fig["median_body_chars"]
    if median is None or fig["written"] < t["min_sample"]:
        return []
    earlier = [r["median_body_chars"] for r in _earlier(history, t) if r.get("median_body_chars")]
    if len(earlier) < t["min_history"]:
        return []
    usual = statistics.median(earlier)
    low = usual * t["min_body_share"]
    return [
        Check(
            "body_length",
            site,
            median,
            low,
            median >= low,
            f"{site}: median article body {median:g} characters, under {_pct(t['min_body_share'])} "
            f"of the {usual:g} of its last {len(earlier)} runs",
        )
    ]


_ERROR_CHECKS = (
    ("http_errors", "max_http_errors", "answered with HTTP 4xx/5xx"),
    ("blocked", "max_blocked", "refused with HTTP 403/429 (blocked?)"),
    ("timeouts", "max_timeouts", "timed out"),
    ("robots_refused", "max_robots_refused", "refused by robots.txt"),
)


def check_errors(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """Per site: the share of its requests that got an HTTP error, were blocked, timed out or
    were refused by robots.txt."""
    requests = fig["requests"]
    if requests < t["min_sample"]:
        return []
    checks = []
    for figure, key, what in _ERROR_CHECKS:
        rate = _share(fig[figure], requests)
        checks.append(
            Check(
                figure,
                site,
                round(rate, 4),
                t[key],
                rate <= t[key],
                f"{site}: {fig[figure]} of {requests} requests ({_pct(rate)}) {what} (at most {_pct(t[key])})",
            )
        )
    return checks


def check_drops(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """Each drop reason's share of the article pages fetched, against the site's recent runs:
    ``not_article`` or ``too_short`` jumping means the pages changed, not the news."""
    fetched = fig["fetched"]
    earlier = [r for r in _earlier(history, t) if r.get("fetched")]
    if fetched < t["min_sample"] or len(earlier) < t["min_history"]:
        return []
    reasons = set(fig["dropped"]).union(*(r.get("dropped", {}) for r in earlier)) - QUIET_DROPS
    checks = []
    for reason in sorted(reasons):
        share = _share(fig["dropped"].get(reason, 0), fetched)
        usual = statistics.median(_share(r.get("dropped", {}).get(reason, 0), r["fetched"]) for r in earlier)
        high = usual + t["max_drop_jump"]
        checks.append(
            Check(
                f"drops/{reason}",
                site,
                round(share, 4),
                round(high, 4),
                share <= high,
                f"{site}: {_pct(share)} of {fetched} article pages dropped as {reason}, "
                f"usually {_pct(usual)} (last {len(earlier)} runs)",
            )
        )
    return checks


# --- Spidermon ---


@dataclass
class MonitorInput:
    """What the monitors judge, passed to the suite as ``data.newscrawler``; they add their checks."""

    figures: dict[str, dict[str, Any]]
    history: dict[str, list[dict[str, Any]]]
    thresholds: dict[str, dict[str, Any]]
    checks: list[Check] = field(default_factory=list)


Decision = Callable[[str, dict[str, Any], list[dict[str, Any]], dict[str, Any]], list[Check]]


class SiteMonitor(Monitor):  # type: ignore[misc]
    """Runs one decision over every site of the crawl; fails with one line per failed check."""

    def judge(self, decide: Decision) -> None:
        given: MonitorInput = self.data.newscrawler
        checks = [
            check
            for site in sorted(given.figures)
            for check in decide(
                site, given.figures[site], given.history.get(site, []), given.thresholds[site]
            )
        ]
        given.checks.extend(checks)
        failed = [c.message for c in checks if not c.passed]
        if failed:
            self.fail("\n".join(failed))


class ArticlesMonitor(SiteMonitor):
    """Sites that gave no articles, or far fewer than in their recent runs."""

    def test_articles(self) -> None:
        self.judge(check_articles)


class FieldCoverageMonitor(SiteMonitor):
    """Written articles missing datePublished, authors or inLanguage."""

    def test_field_coverage(self) -> None:
        self.judge(check_field_coverage)


class BodyLengthMonitor(SiteMonitor):
    """The median article body collapsing against the site's recent runs."""

    def test_body_length(self) -> None:
        self.judge(check_body_length)


class ErrorRateMonitor(SiteMonitor):
    """HTTP errors, blocking, timeouts and robots.txt refusals per site."""

    def test_error_rates(self) -> None:
        self.judge(check_errors)


class DropReasonMonitor(SiteMonitor):
    """Drop reasons out of their usual range for the site."""

    def test_drop_reasons(self) -> None:
        self.judge(check_drops)


class NewsMonitorSuite(MonitorSuite):  # type: ignore[misc]
    monitors: ClassVar[list[type[SiteMonitor]]] = [
        ArticlesMonitor,
        FieldCoverageMonitor,
        BodyLengthMonitor,
        ErrorRateMonitor,
        DropReasonMonitor,
    ]


# Spidermon's own actions, used when their settings are given (they need Spidermon's extras:
# jinja2 for both, slack-sdk for Slack).
EMAIL_ACTION = "spidermon.contrib.actions.email.smtp.SendSmtpEmail"
SLACK_ACTION = "spidermon.contrib.actions.slack.notifiers.SendSlackMessageSpiderFinished"


def failure_actions(settings: Any) -> list[str]:
    """Spidermon actions to run when a monitor failed: NEWSCRAWLER_MONITOR_ACTIONS, and e-mail or
    Slack when SPIDERMON_EMAIL_TO or SPIDERMON_SLACK_RECIPIENTS is set."""
    actions = list(settings.getlist("NEWSCRAWLER_MONITOR_ACTIONS"))
    if settings.getlist("SPIDERMON_EMAIL_TO") and EMAIL_ACTION not in actions:
        actions.append(EMAIL_ACTION)
    if settings.getlist("SPIDERMON_SLACK_RECIPIENTS") and SLACK_ACTION not in actions:
        actions.append(SLACK_ACTION)
    return actions


def run_suite(crawler: Crawler, given: MonitorInput) -> list[Check]:
    """Run the monitor suites (NEWSCRAWLER_MONITOR_SUITES) with Spidermon; every check, and a
    failed check for each failure of a monitor that is not ours (a suite you added) or that broke."""
    settings = crawler.settings
    suites = [load_object(path)(crawler=crawler) for path in settings.getlist("NEWSCRAWLER_MONITOR_SUITES")]
    actions = []
    for path in failure_actions(settings):
        try:
            action = load_object(path)
            action.from_crawler(crawler)  # its settings checked here: Spidermon would raise mid-suite
            actions.append(action)
        except Exception as exc:  # a missing setting or extra must not lose the results
            logger.error("error: monitor action %s cannot be used: %s", path, exc)
    suite = MonitorSuite(monitors=suites, monitors_failed_actions=actions, crawler=crawler)
    spider = crawler.spider
    result = MonitorRunner().run(
        suite,
        stats=crawler.stats.get_stats() if crawler.stats else {},
        crawler=crawler,
        spider=spider,
        stats_history=[],
        sc_spider_name=spider.name if spider else "news",
        job=None,
        meta={},
        newscrawler=given,
    )
    checks = list(given.checks)
    for failed in result.monitors_failed_results:
        if isinstance(failed.monitor, SiteMonitor) and failed.status == "FAIL":
            continue  # its checks say it, one per site
        last = (failed.error or "").strip().splitlines()[-1:] or [failed.status]
        checks.append(
            Check(failed.monitor.name, None, None, None, False, f"{failed.monitor.name}: {last[0]}")
        )
    for action in result.monitors_failed_action_results:
        if action.status not in (ACTION.STATUS.SUCCESS, ACTION.STATUS.SKIPPED):
            logger.error(
                "error: monitor action %s failed: %s", action.item.name, (action.error or "").strip()
            )
    return checks


# --- the extension ---


class CrawlMonitors:
    """Counts what the monitors need during the crawl; ``run`` is called by the crawl summary once
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

    def run(self, reason: str, store: Any | None) -> dict[str, Any]:
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
