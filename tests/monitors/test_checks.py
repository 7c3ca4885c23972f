"""Monitors after every crawl (newscrawler/monitors.py): each decision on hand-made figures and
history, the Spidermon suite, and crawls of the sample site, whole and broken."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from spidermon import Monitor, MonitorSuite
from spidermon.core.actions import Action

from newscrawler import settings as project_settings
from newscrawler.monitors import (
    EMAIL_ACTION,
    SLACK_ACTION,
    MonitorInput,
    check_articles,
    check_body_length,
    check_drops,
    check_errors,
    check_field_coverage,
    failure_actions,
    run_suite,
    site_figures,
    thresholds_for,
)
from newscrawler.sites import RegistryError, load_registry
from newscrawler.spiders.news import NewsSpider
from newscrawler.state.sqlite import SQLiteState
from newscrawler.stats import EXIT_MONITORS_FAILED, EXIT_OK, exit_status
from tests.conftest import REPO, project_settings_dict
from tests.mockserver.smtp import SMTPSink

SETTINGS = Settings({k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()})
T = thresholds_for(SETTINGS, None)


def fig(**overrides: Any) -> dict[str, Any]:
    """A healthy site's figures for one run."""
    values: dict[str, Any] = {
        "articles": 40,
        "written": 40,
        "known": 0,
        "fetched": 42,
        "requests": 60,
        "http_errors": 1,
        "blocked": 0,
        "timeouts": 0,
        "robots_refused": 0,
        "missing": {"datePublished": 0, "authors": 5, "inLanguage": 0},
        "median_body_chars": 2400,
        "dropped": {"not_article": 1, "duplicate_url": 1},
    }
    values.update(overrides)
    return values


def runs(n: int, **overrides: Any) -> list[dict[str, Any]]:
    return [fig(**overrides) for _ in range(n)]


def failed(checks: list[Any]) -> dict[str, Any]:
    return {c.monitor: c for c in checks if not c.passed}


# --- each decision ---


def test_a_site_with_no_articles_fails_but_one_with_nothing_new_passes() -> None:
    assert failed(check_articles("s", fig(articles=0, written=0), [], T))["articles"].value == 0
    # A run after another finds only articles written before: the site still lists articles.
    assert failed(check_articles("s", fig(articles=30, written=0, known=30), [], T)) == {}
    quiet = failed(check_articles("s", fig(articles=0, written=0, too_old_listed=12), [], T))["articles"]
    assert (
        quiet.message
        == "s: 0 articles (0 written, 0 already written before), 12 listed but older than since=; at least 1 expected"
    )
    site = {**T, "min_articles": 0}  # a site that may well have nothing (registry override)
    assert failed(check_articles("s", fig(articles=0, written=0), [], site)) == {}


def test_far_fewer_articles_than_recent_runs_fails_once_there_are_three_earlier_runs() -> None:
    now = fig(articles=8, written=8)
    assert "articles_vs_recent" not in {c.monitor for c in check_articles("s", now, runs(2), T)}
    check = failed(check_articles("s", now, runs(3), T))["articles_vs_recent"]
    assert check.value == 8 and check.threshold == pytest.approx(12.0)  # 30% of the usual 40
    assert "fewer than 30% of the 40 of its last 3 runs" in check.message
    assert failed(check_articles("s", fig(articles=15), runs(5), T)) == {}
    # only the last NEWSCRAWLER_MONITOR_HISTORY runs count: old glory is forgotten
    assert failed(check_articles("s", now, runs(5, articles=10) + runs(5, articles=500), T)) == {}


def test_missing_fields_above_their_share_fail_per_field() -> None:
    checks = check_field_coverage(
        "s", fig(missing={"datePublished": 12, "authors": 30, "inLanguage": 0}), [], T
    )
    bad = failed(checks)
    assert set(bad) == {"missing/datePublished", "missing/authors"}
    assert (
        bad["missing/datePublished"].value == pytest.approx(0.3)
        and bad["missing/datePublished"].threshold == 0.2
    )
    assert "30% of 40 written articles have no datePublished" in bad["missing/datePublished"].message
    lenient = {**T, "max_missing": {**T["max_missing"], "authors": 1.0}}
    assert set(failed(check_field_coverage("s", fig(missing={"authors": 40}), [], lenient))) == set()
    assert check_field_coverage("s", fig(written=3, missing={"datePublished": 3}), [], T) == [], (
        "too few to judge"
    )


def test_a_collapsing_median_body_fails_against_the_sites_history() -> None:
    short = fig(median_body_chars=300)
    assert check_body_length("s", short, runs(2), T) == [], "too little history"
    check = failed(check_body_length("s", short, runs(3), T))["body_length"]
    assert check.threshold == 1200 and check.value == 300
    assert failed(check_body_length("s", fig(median_body_chars=1800), runs(3), T)) == {}


def test_error_rates_per_site() -> None:
    bad = failed(
        check_errors("s", fig(requests=100, http_errors=25, blocked=6, timeouts=11, robots_refused=60), [], T)
    )
    assert set(bad) == {"http_errors", "blocked", "timeouts", "robots_refused"}
    assert (
        bad["blocked"].message
        == "s: 6 of 100 requests (6%) refused with HTTP 403/429 (blocked?) (at most 5%)"
    )
    assert failed(check_errors("s", fig(requests=100, http_errors=10, blocked=2, timeouts=3), [], T)) == {}
    assert check_errors("s", fig(requests=4, timeouts=4), [], T) == [], "too few requests to judge"


def test_a_drop_reason_out_of_its_usual_range_fails() -> None:
    history = runs(4, fetched=40, dropped={"not_article": 2, "too_short": 4})
    now = fig(fetched=40, dropped={"not_article": 25, "too_short": 5, "near_duplicate": 30})
    bad = failed(check_drops("s", now, history, T))
    assert set(bad) == {"drops/not_article"}, "copies are not a site's health"
    assert bad["drops/not_article"].threshold == pytest.approx(0.05 + 0.25)
    assert "62% of 40 article pages dropped as not_article, usually 5%" in bad["drops/not_article"].message
    assert check_drops("s", now, history[:2], T) == [], "too little history"


def test_figures_come_from_the_crawl_stats() -> None:
    stats = {
        "newscrawler/a/fetched": 10,
        "newscrawler/a/written": 7,
        "newscrawler/a/skipped/known": 5,
        "newscrawler/a/skipped/robots_txt": 2,
        "newscrawler/a/errors/http_403": 1,
        "newscrawler/a/errors/http_500": 2,
        "newscrawler/a/errors/timeout": 3,
        "newscrawler/a/errors/bad_sitemap": 1,
        "newscrawler/a/dropped/too_short": 3,
        "newscrawler/a/missing/authors": 4,
    }
    f = site_figures(stats, {"a": [100, 300, 200]}, {"a": 20})["a"]
    assert (f["articles"], f["written"], f["known"], f["fetched"]) == (12, 7, 5, 10)
    # answered 20 (the 4xx/5xx and the bad sitemap among them), 3 timed out, 2 refused by robots.txt
    assert f["requests"] == 25
    assert (f["http_errors"], f["blocked"], f["timeouts"], f["robots_refused"]) == (3, 1, 3, 2)
    assert f["missing"] == {"datePublished": 0, "authors": 4, "inLanguage": 0}
    assert f["median_body_chars"] == 200 and f["dropped"] == {"too_short": 3}


def test_a_site_overrides_thresholds_in_the_registry() -> None:
    sites = load_registry(
        '[quiet]\nhome = "https://quiet.example/"\n[quiet.monitors]\nmin_articles = 0\n'
        "max_missing = {authors = 1.0}\n"
    )
    t = thresholds_for(SETTINGS, sites["quiet"])
    assert t["min_articles"] == 0 and t["max_missing"] == {
        "datePublished": 0.2,
        "authors": 1.0,
        "inLanguage": 0.2,
    }
    assert t["max_blocked"] == 0.05, "the rest from the settings"
    with pytest.raises(RegistryError, match=r"monitors.min_article: use one of"):
        load_registry('[x]\nhome = "https://x.example/"\n[x.monitors]\nmin_article = 0\n')
    with pytest.raises(RegistryError, match=r"monitors.max_blocked = 'lots' is not a number"):
        load_registry('[x]\nhome = "https://x.example/"\n[x.monitors]\nmax_blocked = "lots"\n')


# --- the Spidermon suite ---


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
                "tests.test_monitors.YourSuite",
            ],
            NEWSCRAWLER_MONITOR_ACTIONS=["tests.test_monitors.Notify"],
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


def test_a_failed_monitor_is_exit_status_6_only_when_it_should_fail_the_job() -> None:
    stats = {
        "downloader/response_status_count/200": 5,
        "monitors/status": "failed",
        "monitors/fail_job": False,
    }
    assert exit_status(stats) == EXIT_OK
    assert exit_status({**stats, "monitors/fail_job": True}) == EXIT_MONITORS_FAILED == 6
    assert exit_status({**stats, "monitors/status": "passed", "monitors/fail_job": True}) == EXIT_OK


# --- crawls of the sample site ---


def scrapy_crawl(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}/", "-o", f"{out}:jsonlines",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWLER_EXTRACT_PROCESSES=1", *extra],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def monitor_lines(log: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in log.splitlines() if "[newscrawler.monitors]" in line]


@pytest.mark.slow
def test_a_crawl_of_the_sample_site_passes_every_monitor_and_is_recorded(
    demo_site: Any, tmp_path: Path, private_state: Path
) -> None:
    site = demo_site()
    done = scrapy_crawl(site.url, tmp_path / "out.jsonl")
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "out.monitors.json").read_text(encoding="utf-8"))
    assert set(report) == {"finished", "status", "results"} and report["status"] == "passed"
    name = site.url.removeprefix("http://")
    assert {r["monitor"] for r in report["results"]} >= {
        "articles",
        "missing/authors",
        "http_errors",
        "blocked",
    }
    for result in report["results"]:
        assert set(result) == {"monitor", "site", "value", "threshold", "passed", "message"}
        assert result["passed"] and result["site"] == name
    assert monitor_lines(done.stderr)[-1].startswith("INFO: newscrawler monitors (passed): ")
    store = SQLiteState(private_state / "state.sqlite3")
    try:
        [run] = store.recent_runs(name, 5)
    finally:
        store.close()
    assert run["articles"] == run["written"] > 20 and run["finished"].startswith(report["finished"][:16])


@pytest.mark.slow
def test_a_site_whose_pages_broke_fails_its_monitors_and_the_job(demo_site: Any, tmp_path: Path) -> None:
    site = demo_site(broken=True)  # article pages lost their text: every one dropped as not_article
    done = scrapy_crawl(site.url, tmp_path / "out.jsonl", "-s", "NEWSCRAWLER_MONITORS_FAIL_JOB=True")
    assert done.returncode == 6, done.stderr[-3000:]
    name = site.url.removeprefix("http://")
    report = json.loads((tmp_path / "out.monitors.json").read_text(encoding="utf-8"))
    assert report["status"] == "failed"
    [articles] = [r for r in report["results"] if r["monitor"] == "articles"]
    assert articles == {
        "monitor": "articles",
        "site": name,
        "value": 0,
        "threshold": 1.0,
        "passed": False,
        "message": f"{name}: 0 articles (0 written, 0 already written before); at least 1 expected",
    }
    lines = monitor_lines(done.stderr)
    assert f"WARNING: monitor failed: articles: {articles['message']}" in lines
    assert lines[-1].startswith("ERROR: newscrawler monitors (failed, fails the job): 1 of ")
    assert lines[-1].endswith(f"articles {name}; results in {tmp_path / 'out.monitors.json'}")


@pytest.mark.slow
def test_a_failed_monitor_sends_spidermons_email_when_configured(demo_site: Any, tmp_path: Path) -> None:
    site = demo_site(broken=True)
    with SMTPSink() as smtp:
        done = scrapy_crawl(
            site.url, tmp_path / "out.jsonl",
            "-s", "SPIDERMON_EMAIL_TO=ops@example.com", "-s", "SPIDERMON_EMAIL_SENDER=crawler@example.com",
            "-s", "SPIDERMON_SMTP_HOST=127.0.0.1", "-s", f"SPIDERMON_SMTP_PORT={smtp.port}",
            "-s", "SPIDERMON_SMTP_USER=crawler", "-s", "SPIDERMON_SMTP_PASSWORD=secret",
            "-s", "SPIDERMON_SMTP_ENFORCE_TLS=False",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert not [line for line in done.stderr.splitlines() if "ERROR" in line], done.stderr[-3000:]
    [message] = smtp.messages
    assert "Subject: newscrawler: monitors failed" in message
    assert smtp.envelopes == [["MAIL FROM:<crawler@example.com>", "RCPT TO:<ops@example.com>"]]


@pytest.mark.slow
def test_a_run_is_judged_against_earlier_runs_then_recorded(
    demo_site: Any, tmp_path: Path, private_state: Path
) -> None:
    site = demo_site()
    name = site.url.removeprefix("http://")
    store = SQLiteState(private_state / "state.sqlite3")
    for day in (1, 2, 3):  # the site used to give 200 articles a run
        store.record_run(
            name, f"2026-11-0{day}T10:00:00+00:00", {"articles": 200, "written": 200, "fetched": 210}
        )
    store.close()
    elsewhere = tmp_path / "reports" / "%(name)s-latest.json"
    done = scrapy_crawl(site.url, tmp_path / "out.jsonl", "-s", f"NEWSCRAWLER_MONITORS_FILE={elsewhere}")
    assert done.returncode == 0, "a failed monitor fails the job only when asked to"
    report = json.loads((tmp_path / "reports" / "news-latest.json").read_text(encoding="utf-8"))
    assert not (tmp_path / "out.monitors.json").exists()
    [recent] = [r for r in report["results"] if r["monitor"] == "articles_vs_recent"]
    assert not recent["passed"] and recent["threshold"] == 60 and 20 < recent["value"] < 60
    store = SQLiteState(private_state / "state.sqlite3")
    try:
        history = store.recent_runs(name, 10)
    finally:
        store.close()
    assert [r["articles"] for r in history] == [recent["value"], 200, 200, 200], "recorded after judging"
