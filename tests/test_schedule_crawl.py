"""scripts/schedule-crawl's verdict on a finished scrapyd job, read from the job's log: the exit
status cron sees and the one line that says why."""

from __future__ import annotations

import importlib.machinery
import importlib.util

import pytest

from tests.conftest import REPO


def load_schedule_crawl():
    path = REPO / "scripts" / "schedule-crawl"
    loader = importlib.machinery.SourceFileLoader("schedule_crawl", str(path))
    spec = importlib.util.spec_from_loader("schedule_crawl", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


PREFIX = "2026-11-28 15:00:00 [newscrawler.extensions] INFO: "


@pytest.mark.parametrize(
    ("log", "status", "says"),
    [
        ("error: limit='abc': use a whole number, e.g. limit=20\n", 2, "refused to start: limit='abc'"),
        ("2026-11-28 15:00:00 [scrapy.utils.log] INFO: Scrapy 2.19.0 started\n", 1, "no newscrawler summary"),
        ("", 1, "no newscrawler summary"),
        (PREFIX + "newscrawler summary (finished): 0 articles written, 0 pages fetched, dropped: none"
         " | a.example: 0 written of 0 article pages fetched, errors connection_refused 2\n", 1, "every request failed"),
        (PREFIX + "newscrawler summary (finished): 0 articles written, 3 pages fetched, dropped: none"
         " | no site answered\n", 1, "every request failed"),
        (PREFIX + "newscrawler summary (finished): 4 articles written, 2 lost to output (written next run), "
         "9 pages fetched, dropped: none | a.example: 4 written of 6 article pages fetched, 2 lost to output\n",
         3, "lost to output"),
        ("x [newscrawler.state.extension] ERROR: error: database disk image is malformed\n"
         + PREFIX + "newscrawler summary (state_error): 0 articles written, 0 pages fetched, dropped: none"
         " | no site answered\n", 4, "database disk image is malformed"),
        (PREFIX + "newscrawler summary (shutdown): 2 articles written, 5 pages fetched, dropped: none"
         " | a.example: 2 written of 2 article pages fetched\n", 1, "stopped before the crawl ended"),
        (PREFIX + "newscrawler summary (finished): 0 articles written, 5 pages fetched, dropped: none"
         " | a.example: 0 written of 0 article pages fetched, skipped known 12\n", 0, "0 articles written"),
        ("x [newscrawler.watchdog] ERROR: error: the crawl stalled: the reactor has not run for 61 s\n"
         "error: exit status 7: the crawl stalled (the reactor has not run for 71 s) and did not stop when "
         "asked; stopped forcefully\n", 1, "exit status 7: the crawl stalled"),
        (PREFIX + "newscrawler summary (finished): 4 articles written, 2 lost to output (written next run), "
         "9 pages fetched, dropped: none | a.example: 4 written of 6 article pages fetched, 2 lost to output\n"
         "error: exit status 3: 2 articles could not be stored in the output; the next run writes them\n",
         3, "lost to output"),
        ("x [scrapy.core.scraper] ERROR: Spider error processing <GET http://a.example/x>\n"
         + PREFIX + "newscrawler summary (finished): 3 articles written, 5 pages fetched, dropped: none"
         " | a.example: 3 written of 4 article pages fetched\n", 0, "3 articles written"),
    ],
)  # fmt: skip
def test_wait_verdict_read_from_the_job_log(log: str, status: int, says: str) -> None:
    verdict, why = load_schedule_crawl().judge(log)
    assert (verdict, "\n" in why) == (status, False)
    assert says in why


def test_schedule_crawl_fails_a_scrapyd_job_whose_monitors_fail_it() -> None:
    judge = load_schedule_crawl().judge
    summary = (
        "2026-11-28 15:00:00 [newscrawler.extensions] INFO: newscrawler summary (finished): 0 articles written, "
        "9 pages fetched, dropped: not_article 6 | a.example: 0 written of 6 article pages fetched\n"
    )
    line = "2026-11-28 15:00:00 [newscrawler.monitors] {}: newscrawler monitors ({}): 1 of 5 checks failed: articles a.example\n"
    status, why = judge(summary + line.format("ERROR", "failed, fails the job"))
    assert status == 6 and why == "monitors failed: 1 of 5 checks failed: articles a.example"
    last = "error: exit status 6: a monitor failed (the `monitor failed:` lines above)\n"
    assert judge(summary + line.format("ERROR", "failed, fails the job") + last)[0] == 6, (
        "the crawl's last line"
    )
    assert judge(summary + line.format("WARNING", "failed"))[0] == 0, "not asked to fail the job"
