"""The Spidermon side of the monitors: one Spidermon monitor per decision (newscrawler.monitors.checks),
the suite, the failure actions (e-mail, Slack) and ``run_suite``, which runs the suites with
Spidermon's ``MonitorRunner`` and gathers every check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object
from spidermon import Monitor, MonitorSuite
from spidermon.runners import MonitorRunner
from spidermon.settings import ACTION

from newscrawler.monitors.checks import (
    Check,
    check_articles,
    check_body_length,
    check_drops,
    check_errors,
    check_field_coverage,
)

logger = logging.getLogger("newscrawler.monitors")  # the package's name in log lines


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
