"""Crawl accounting (newscrawler/stats.py): the exit status a crawl ends with."""

from __future__ import annotations

from newscrawler.stats import EXIT_MONITORS_FAILED, EXIT_OK, exit_status


def test_a_failed_monitor_is_exit_status_6_only_when_it_should_fail_the_job() -> None:
    stats = {
        "downloader/response_status_count/200": 5,
        "monitors/status": "failed",
        "monitors/fail_job": False,
    }
    assert exit_status(stats) == EXIT_OK
    assert exit_status({**stats, "monitors/fail_job": True}) == EXIT_MONITORS_FAILED == 6
    assert exit_status({**stats, "monitors/status": "passed", "monitors/fail_job": True}) == EXIT_OK
