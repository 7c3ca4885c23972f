"""The numbers behind each plot of the crawl report (report/figures.py), from hand-made records and
stats: per site and day in the site's own zone, per run, per hour, field coverage, duplicates, drops,
monitors, the latest articles."""

from __future__ import annotations

from pathlib import Path

from newscrawler.report import (
    Run,
    articles_per_run,
    articles_per_site_day,
    coverage,
    drop_summary,
    duplicate_summary,
    hour_histogram,
    latest_articles,
    merge_stats,
    monitor_rows,
)
from tests.report.records import STATS, article


def test_articles_per_site_day_counts_the_day_in_the_sites_own_zone() -> None:
    records = [
        article("karachi.example", "2026-11-28T02:00:00+05:00"),  # still 27 November in UTC
        article("karachi.example", "2026-11-28T20:00:00+05:00"),
        article("karachi.example", "2026-11-27"),  # a bare day counts on that day
        article("london.example", "2026-11-27T23:59:00+00:00"),
        article("london.example", None),  # undated: left out
    ]
    assert articles_per_site_day(records) == {
        "karachi.example": {"2026-11-27": 1, "2026-11-28": 2},
        "london.example": {"2026-11-27": 1},
    }


def test_hour_histogram_uses_the_offset_each_date_gives() -> None:
    records = [
        article("karachi.example", "2026-11-28T09:15:00+05:00"),  # 04:15 UTC, but nine o'clock in Karachi
        article("karachi.example", "2026-11-28T09:59:59+05:00"),
        article("newyork.example", "2026-11-28T09:30:00-05:00"),  # 14:30 UTC
        article("newyork.example", "2026-11-28"),  # no time of day: not in the histogram
        article("newyork.example", "not a date"),
    ]
    hours = hour_histogram(records)
    assert set(hours) == {"karachi.example", "newyork.example"}
    assert hours["karachi.example"][9] == 2 and sum(hours["karachi.example"]) == 2
    assert hours["newyork.example"][9] == 1 and sum(hours["newyork.example"]) == 1


def test_coverage_is_the_share_of_articles_with_the_field_filled() -> None:
    records = [
        article("a.example", "2026-11-28", authors=[{"name": "Ann"}], isAccessibleForFree=False),
        article("a.example", "2026-11-28", authors=[], description="  "),
        article("a.example", None, description="A summary", mainImage={"url": "https://a.example/i.jpg"}),
        article("a.example", None, headline=""),
        article("b.example", "2026-11-28", inLanguage="en"),
    ]
    cover = coverage(records)
    assert list(cover) == ["a.example", "b.example"]
    a = cover["a.example"]
    assert a["authors"] == 0.25  # an empty list says nothing
    assert a["datePublished"] == 0.5
    assert a["description"] == 0.25  # blank text says nothing
    assert a["mainImage"] == 0.25
    assert a["isAccessibleForFree"] == 0.25  # false is an answer
    assert a["headline"] == 0.75
    assert a["inLanguage"] == 0.0
    assert cover["b.example"]["inLanguage"] == 1.0


def test_articles_per_run_counts_each_outputs_records_per_site() -> None:
    runs = [
        Run("monday", Path("monday.jsonl"), [article("a.example", None), article("a.example", None)]),
        Run("tuesday", Path("tuesday.jsonl"), [article("a.example", None), article("b.example", None)]),
    ]
    assert articles_per_run(runs) == {
        "monday": {"a.example": 2},
        "tuesday": {"a.example": 1, "b.example": 1},
    }


def test_duplicate_summary_names_each_kind_per_site() -> None:
    assert duplicate_summary(STATS) == {
        "a.example": {"same URL": 3, "near-duplicate": 2},
        "b.example": {"exact text": 1},
    }


def test_drop_summary_has_every_reason_a_page_was_not_written() -> None:
    assert drop_summary(STATS) == {
        "a.example": {"duplicate_url": 3, "near_duplicate": 2, "too_short": 1, "skipped/known": 7},
        "b.example": {"duplicate_text": 1, "errors/http_500": 2},
    }


def test_merge_stats_sums_the_counters_of_several_runs() -> None:
    merged = merge_stats([STATS, {"newscrawler/a.example/dropped/too_short": 4, "finish_reason": "x"}])
    assert merged["newscrawler/a.example/dropped/too_short"] == 5
    assert merged["newscrawler/a.example/written"] == 12
    assert "finish_reason" not in merged and "start_time" not in merged


def test_monitor_rows_put_failures_first() -> None:
    monitors = {
        "finished": "2026-11-28T18:30:00+00:00",
        "status": "failed",
        "results": [
            {"monitor": "articles written", "site": None, "value": 33, "threshold": 1, "passed": True, "message": ""},
            {"monitor": "field coverage", "site": "b.example", "value": 0.2, "threshold": 0.5, "passed": False, "message": "low"},
            {"monitor": "errors", "site": "a.example", "value": 0, "threshold": 0.1, "passed": True, "message": ""},
        ],
    }  # fmt: skip
    rows = monitor_rows([Run("r", Path("r.jsonl"), [], monitors=monitors)])
    assert [r["monitor"] for r in rows] == ["field coverage", "articles written", "errors"]
    assert [r["passed"] for r in rows] == [False, True, True]


def test_latest_articles_orders_by_the_instant_across_zones() -> None:
    records = [
        article("karachi.example", "2026-11-28T10:00:00+05:00", wordCount=300),  # 05:00 UTC
        article("london.example", "2026-11-28T06:00:00+00:00", articleBody="four words right here"),
        article("london.example", None),
        article("karachi.example", "2026-11-27"),
    ]
    rows = latest_articles(records, limit=3)
    assert [(r["site"], r["datePublished"]) for r in rows] == [
        ("london.example", "2026-11-28T06:00:00+00:00"),
        ("karachi.example", "2026-11-28T10:00:00+05:00"),
        ("karachi.example", "2026-11-27"),
    ]
    assert [r["words"] for r in rows[:2]] == [4, 300]
