"""The frontier's decisions, the crawl plan's checks, and the incremental middleware's date rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy import Request
from scrapy.exceptions import UsageError

from newscrawler.extraction.dates import parse_iso
from newscrawler.frontier import Bounds, Candidate, Decision, Frontier, changed_since
from newscrawler.plan import CrawlPlan

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def cand(n: int, listed: str | None = None, site: str = "s") -> Candidate:
    return Candidate(site, f"https://s.example/story-{n}", parse_iso(listed) if listed else None, "sitemap")


def plan(**args: str) -> CrawlPlan:
    return CrawlPlan.parse({"url": "https://s.example/", **args}, now=NOW)


def test_each_url_key_is_fetched_once_whatever_its_variant() -> None:
    f = Frontier()
    assert f.offer(cand(1)) is Decision.FETCH
    assert f.offer(Candidate("s", "https://s.example/story-1?utm_source=x", None, "feed")) is Decision.SEEN
    assert f.offer(Candidate("s", "https://amp.s.example/story-1/", None, "links")) is Decision.SEEN


def test_in_flight_counts_what_the_engine_took_until_it_is_answered() -> None:
    f = Frontier()
    f.offer(cand(1))
    assert f.in_flight("s") == 0, "a request filtered out before the engine is never waited for"
    f.request_scheduled(Request(cand(1).url, meta={"site": "s", "source": "sitemap"}))
    f.request_scheduled(Request("https://s.example/sitemap.xml", meta={"site": "s"}))
    assert f.in_flight("s") == 1, "article requests only"
    f.answered("s")
    assert f.in_flight("s") == 0


def test_traps_are_bounded() -> None:
    f = Frontier(bounds=Bounds(max_url_length=100, per_article_pattern=2, per_pattern=3, listing_pages=5))
    assert f.offer(Candidate("s", "https://s.example/" + "a" * 100, None, "links")) is Decision.TRAP
    grown = [Candidate("s", f"https://s.example/story-1?page=1&x={'y' * i}", None, "links") for i in range(4)]
    assert [f.offer(c) for c in grown] == [Decision.FETCH, Decision.FETCH, Decision.TRAP, Decision.TRAP]
    days = [f.listing_refusal("s", f"https://s.example/calendar/2026/11/?d={d}", 1) for d in range(5)]
    assert days == [None, None, None, "trap", "trap"], "one URL shape, bounded"
    sections = [f.listing_refusal("s", f"https://s.example/section-{n}/", 1) for n in range(5)]
    assert sections[:2] == [None, None] and sections[2:] == ["listing_pages"] * 3, "pages per site, bounded"
    assert f.listing_refusal("s2", "https://t.example/a/", 4) == "listing_depth"
    assert f.sitemap_refusal("s", 5) == "sitemap_depth"


def test_since_refuses_old_listings_but_not_unlisted_ones() -> None:
    f = Frontier(plan(since="2d"))
    assert f.offer(cand(1, "2026-11-20T00:00:00+00:00")) is Decision.TOO_OLD
    assert f.offer(cand(2, "2026-11-27T00:00:00+00:00")) is Decision.FETCH
    assert f.offer(cand(3)) is Decision.FETCH


def test_limit_holds_the_rest_and_a_failed_one_gives_its_place_to_the_next() -> None:
    f = Frontier(plan(limit="2"))
    assert [f.offer(cand(i)) for i in range(4)] == [
        Decision.FETCH,
        Decision.FETCH,
        Decision.HELD,
        Decision.HELD,
    ]
    assert f.not_fetched("s", cand(0).url) == [cand(2)], "one place freed, one taken from the reserve"
    assert f.not_fetched("s", cand(1).url, known=True) == [cand(3)], "never listed with a date: not again"
    assert f.not_fetched("s", cand(2).url) == [], "the reserve is empty"


def test_limit_caps_what_is_extracted_per_site() -> None:
    f = Frontier(plan(limit="1"))
    assert f.may_extract("s")
    f.extracted("s")
    assert not f.may_extract("s") and f.may_extract("other")


def test_a_newer_listing_refetches_an_article_skipped_as_known() -> None:
    f = Frontier()
    assert f.offer(cand(1, "2026-11-20T00:00:00+00:00")) is Decision.FETCH
    assert f.not_fetched("s", cand(1).url, known=True, decided_with="2026-11-20T00:00:00+00:00") == []
    assert f.offer(cand(1, "2026-11-19T00:00:00+00:00")) is Decision.SEEN, "an older date changes nothing"
    assert f.offer(cand(1, "2026-11-27T00:00:00+00:00")) is Decision.REFETCH
    newest = f.newest_listing(cand(1).url)
    assert newest is not None and newest.iso() == "2026-11-27T00:00:00+00:00"


def test_a_newer_listing_that_arrives_while_the_known_article_is_being_skipped_is_not_lost() -> None:
    f = Frontier()
    assert f.offer(cand(1, "2026-11-20T00:00:00+00:00")) is Decision.FETCH  # from the feed
    assert f.offer(cand(1, "2026-11-27T00:00:00+00:00")) is Decision.SEEN  # the sitemap, meanwhile
    again = f.not_fetched(
        "s", cand(1).url, known=True, decided_with="2026-11-20T00:00:00+00:00", source="feed"
    )
    assert [c.url for c in again] == [cand(1).url], "skipped on the old date: fetched again for the new one"
    assert f.not_fetched("s", cand(1).url, known=True, decided_with="2026-11-27T00:00:00+00:00") == []


def test_a_canonical_url_seen_before_is_a_duplicate() -> None:
    f = Frontier()
    f.offer(cand(1))
    canonical = cand(1).url
    assert not f.same_as_seen(canonical, canonical, canonical), "its own canonical"
    assert f.same_as_seen(canonical, "https://s.example/copy", "https://s.example/copy")
    assert not f.same_as_seen("https://s.example/new", "https://s.example/x", "https://s.example/x")


@pytest.mark.parametrize(
    ("listed", "before", "fetched", "changed"),
    [
        (None, None, "2026-11-20T00:00:00+00:00", False),
        ("2026-11-21T00:00:00+00:00", None, "2026-11-20T00:00:00+00:00", True),
        ("2026-11-19T00:00:00+00:00", None, "2026-11-20T00:00:00+00:00", False),
        ("2026-11-21T00:00:00+00:00", "2026-11-22T00:00:00+00:00", "2026-11-20T00:00:00+00:00", False),
        ("2026-11-21T05:00:00+05:00", None, "2026-11-21T00:30:00+00:00", False),  # same instant, offset kept
        ("not a date", None, "2026-11-20T00:00:00+00:00", False),
    ],
)
def test_changed_since(listed: str | None, before: str | None, fetched: str, changed: bool) -> None:
    assert changed_since(listed, before, fetched) is changed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"limt": "1"}, "unknown argument 'limt' (did you mean limit?)"),
        ({"site": "dawn"}, "unknown argument 'site' (did you mean sites?)"),
        ({"colour": "red"}, "the news spider takes: url"),
        ({"fresh": "maybe"}, "fresh='maybe'"),
        ({"languages": "english"}, "two-letter"),
        ({"limit": "0"}, "at least 1"),
    ],
)
def test_plan_rejects_mistakes_with_one_line(args: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as err:
        CrawlPlan.parse(args)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_plan_is_parsed_once_into_typed_values() -> None:
    p = CrawlPlan.parse(
        {"url": "https://a.example/,https://b.example/", "since": "1d", "limit": "5", "fresh": "1",
         "languages": "en,UR", "_job": "abc"},
        now=NOW,
    )  # fmt: skip
    assert [s.name for s in p.sites] == ["a.example", "b.example"]
    assert p.since == NOW - timedelta(days=1) and p.limit == 5 and p.fresh
    assert p.languages == {"en", "ur"} and p.user_urls == ("https://a.example/", "https://b.example/")
