"""The archive spider's arguments: checked before the crawl, each mistake one line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError

from newscrawler.archive.plan import ArchivePlan, parse_ccnews

NOW = datetime(2024, 3, 20, tzinfo=UTC)


def parse(**args: str) -> ArchivePlan:
    return ArchivePlan.parse(args, now=NOW)


def test_files_globs_and_urls(tmp_path: Path) -> None:
    for name in ("b.warc.gz", "a.warc.gz"):
        (tmp_path / name).write_bytes(b"")
    plan = parse(warc=f"{tmp_path}/*.warc.gz,https://archive.example/x.warc.gz")
    assert plan.warcs == (
        f"{tmp_path}/a.warc.gz",
        f"{tmp_path}/b.warc.gz",
        "https://archive.example/x.warc.gz",
    )
    assert [s.name for s in plan.sources()] == ["a.warc.gz", "b.warc.gz", "x.warc.gz"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"warc": "x.warc.gz", "limt": "3"},
            "unknown argument 'limt' (did you mean limit?); the archive spider takes",
        ),
        ({}, "give the archives to read"),
        ({"warc": "/nonexistent/x.warc.gz"}, "no such file"),
        ({"warc": "/nonexistent/*.warc.gz"}, "matches no file"),
        ({"warc": "s3://bucket/x.warc.gz"}, "a local path, a glob or an http(s) URL"),
        ({"warc": "https://u:secret@h.example/x.warc.gz"}, "u:***@"),
        ({"ccnews": "2024-13"}, "use a month"),
        ({"ccnews": "2024-03-12..2024-03-10"}, "ends before it starts"),
        ({"ccnews": "2012-01"}, "starts in 2016-08"),
        ({"ccnews": "2024-03", "since": "2024-03-12", "until": "2024-03-10"}, "is before since"),
        ({"ccnews": "2024-03", "sites": "nosuchsite"}, "unknown site 'nosuchsite'"),
        ({"ccnews": "2024-03", "limit": "0"}, "at least 1"),
        ({"warc": " , "}, "is empty"),
    ],
)
def test_a_mistake_is_one_line(args: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(**args)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert "secret" not in str(raised.value)


def test_ccnews_months_days_and_ranges() -> None:
    assert parse_ccnews("2024-02").first == date(2024, 2, 1) and parse_ccnews("2024-02").last == date(
        2024, 2, 29
    )
    assert parse_ccnews("2024-03-10").months() == [(2024, 3)]
    span = parse_ccnews("2023-12-30..2024-01-02")
    assert span.months() == [(2023, 12), (2024, 1)] and span.holds(date(2024, 1, 1))


def test_the_crawl_plan_carries_sites_dates_limit_and_fresh() -> None:
    plan = parse(
        ccnews="2024-03", url="https://www.dawn.com/", since="2024-03-10", until="2d", limit="5", fresh="1"
    )
    crawl = plan.crawl
    assert [s.name for s in crawl.sites] == ["dawn.com"] and crawl.chosen
    assert crawl.since == datetime(2024, 3, 10, tzinfo=UTC) and crawl.until == datetime(
        2024, 3, 18, tzinfo=UTC
    )
    assert crawl.limit == 5 and crawl.fresh
