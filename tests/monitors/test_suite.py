"""The Spidermon suite (monitors/suite.py): one result per site and check, a suite of your own run
beside ours, and the failure actions (e-mail, Slack) when configured."""

from __future__ import annotations

from typing import ClassVar

from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from spidermon import Monitor, MonitorSuite
from spidermon.core.actions import Action

from newscrawler.monitors import (
    EMAIL_ACTION,
    SLACK_ACTION,
    MonitorInput,
    failure_actions,
    run_suite,
)
from newscrawler.spiders.news import NewsSpider
from tests.conftest import project_settings_dict
from tests.monitors.figures import T, fig, runs


class AlwaysFails(Monitor):  # type: ignore[misc]
    __test__ = False  # a monitor for Spidermon to run, not a test for pytest

    def test_something_of_yours(self) -> None:
        self.fail("your own check failed")


class YourSuite(MonitorSuite):  # type: ignore[misc]
    monitors: ClassVar[list[type[Monitor]]] = [AlwaysFails]


class Notify(Action):  # type: ignore[misc]
    """Stands for e-mail or Slack: records that Spidermon ran it, and with what."""

    sent: ClassVar[list[str]] = []

    def run_action(self) -> None:
        Notify.sent.append(self.data.newscrawler.checks[0].monitor)


def test_the_suite_runs_with_spidermon_one_result_per_site_and_check() -> None:
    crawler = get_crawler(
        NewsSpider,
        project_settings_dict(
            NEWSCRAWLER_MONITOR_SUITES=[
                "newscrawler.monitors.NewsMonitorSuite",
                "tests.monitors.test_suite.YourSuite",
            ],
            NEWSCRAWLER_MONITOR_ACTIONS=["tests.monitors.test_suite.Notify"],
        ),
    )
    crawler.spider = crawler._create_spider(url="https://a.example/")
    given = MonitorInput(
        figures={"a.example": fig(), "b.example": fig(articles=0, written=0, known=0)},
        history={"a.example": runs(3)},
        thresholds={"a.example": T, "b.example": T},
    )
    checks = run_suite(crawler, given)
    bad = [(c.monitor, c.site) for c in checks if not c.passed]
    assert ("articles", "b.example") in bad
    assert ("articles", "a.example") not in bad
    assert any(c.site is None and "your own check failed" in c.message for c in checks if not c.passed)
    assert {c.site for c in checks} == {"a.example", "b.example", None}
    assert Notify.sent == ["articles"], "the failure actions ran once"


def test_email_and_slack_are_spidermon_actions_used_when_configured() -> None:
    assert failure_actions(Settings({})) == []
    configured = Settings(
        {"SPIDERMON_EMAIL_TO": ["ops@example.com"], "SPIDERMON_SLACK_RECIPIENTS": ["#news"]}
    )
    assert failure_actions(configured) == [EMAIL_ACTION, SLACK_ACTION]
