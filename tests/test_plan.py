"""The crawl plan (newscrawler/plan.py): the spider's arguments, checked once into typed values; a
mistake is one line that says what to write instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy.exceptions import UsageError

from newscrawler.plan import CrawlPlan
from newscrawler.sites import load_registry

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"limt": "1"}, "unknown argument 'limt' (did you mean limit?)"),
        ({"site": "dawn"}, "unknown argument 'site' (did you mean sites?)"),
        ({"colour": "red"}, "the news spider takes: url"),
        ({"fresh": "maybe"}, "fresh='maybe'"),
        ({"languages": "english"}, "two-letter"),
        ({"limit": "0"}, "at least 1"),
        ({"url": ""}, "url='' names no site"),  # a cron line with an unset variable
        ({"url": ",,"}, "url=',,' names no site"),
        ({"sites": ""}, "sites='' names no site"),
        ({"since": "99999999d"}, "since='99999999d'"),
        ({"url": "http://user:hunter2@news.example/"}, "url='http://user:***@news.example/'"),
    ],
)
def test_plan_rejects_mistakes_with_one_line(args: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as err:
        CrawlPlan.parse(args)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert "hunter2" not in str(err.value)


def test_plan_is_parsed_once_into_typed_values() -> None:
    p = CrawlPlan.parse(
        {"url": "https://a.example/,https://b.example/", "since": "1d", "limit": "5", "fresh": "1",
         "languages": "en,UR", "_job": "abc"},
        now=NOW,
    )  # fmt: skip
    assert [s.name for s in p.sites] == ["a.example", "b.example"]
    assert p.since == NOW - timedelta(days=1) and p.limit == 5 and p.fresh
    assert p.languages == {"en", "ur"} and p.user_urls == ("https://a.example/", "https://b.example/")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"sites": "dawn,nosuchsite"}, "unknown site 'nosuchsite'; known sites: "),
        ({"since": "yesterday"}, "since='yesterday'"),
        ({"url": "ftp://example.com/"}, "give an http(s) URL"),
        ({"limit": "ten"}, "whole number"),
    ],
)
def test_argument_mistakes_are_clear_errors(args: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CrawlPlan.parse(args)


def test_since_accepts_durations_and_dates() -> None:
    now = datetime(2024, 5, 3, 12, tzinfo=UTC)
    assert CrawlPlan.parse({"sites": "dawn", "since": "12h"}, now=now).since == now - timedelta(hours=12)
    assert CrawlPlan.parse({"sites": "dawn", "since": "2d"}, now=now).since == now - timedelta(days=2)
    assert CrawlPlan.parse({"sites": "dawn", "since": "2024-05-01"}, now=now).since == datetime(
        2024, 5, 1, tzinfo=UTC
    )
    assert len(CrawlPlan.parse({}, now=now).sites) == len(load_registry()), (
        "no sites and no url: the registry"
    )
