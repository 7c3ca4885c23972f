"""The frontier's decisions (newscrawler/frontier.py): one per listed article, the bounds, in-flight
pages, canonicals, and the rule that a listing date means a changed article."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy import Request

from newscrawler.context import KEY, Context, Kind, Ticket
from newscrawler.extraction.dates import parse_iso
from newscrawler.frontier import Bounds, Candidate, Decision, Frontier, changed_since
from newscrawler.plan import CrawlPlan
from newscrawler.urls import url_key

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def cand(n: int, listed: str | None = None, site: str = "s") -> Candidate:
    return Candidate(site, f"https://s.example/story-{n}", parse_iso(listed) if listed else None, "sitemap")


def plan(**args: str) -> CrawlPlan:
    return CrawlPlan.parse({"url": "https://s.example/", **args}, now=NOW)


def decide(f: Frontier, c: Candidate) -> Decision:
    return f.admit(c)[0].decision


def ticket(f: Frontier, c: Candidate) -> Ticket:
    verdicts = f.admit(c)
    assert verdicts[0].ticket is not None, verdicts
    return verdicts[0].ticket


def req(t: Ticket, url: str | None = None, **meta: object) -> Request:
    ctx = Context(t.site, "https://s.example/", Kind.ARTICLE, ticket=t)
    return Request(url or t.url, meta={KEY: ctx, **meta})


def test_each_url_key_is_fetched_once_whatever_its_variant() -> None:
    f = Frontier()
    assert decide(f, cand(1)) is Decision.FETCH
    assert decide(f, Candidate("s", "https://s.example/story-1?utm_source=x", None, "feed")) is Decision.SEEN
    assert decide(f, Candidate("s", "https://amp.s.example/story-1/", None, "links")) is Decision.SEEN


def test_in_flight_counts_what_the_engine_took_until_its_outcome_is_final() -> None:
    f = Frontier()
    t = ticket(f, cand(1))
    assert f.in_flight("s") == 0, "a request filtered out before the engine is never waited for"
    f.request_scheduled(req(t))
    f.request_scheduled(
        Request("https://s.example/sitemap.xml", meta={KEY: Context("s", "https://s.example/", Kind.SITEMAP)})
    )
    assert f.in_flight("s") == 1, "article requests only"
    f.request_scheduled(req(t, "https://s.example/r/story-1", redirect_urls=[t.url]))
    assert f.in_flight("s") == 1, "a redirect hop is the same page in flight"
    f.finish(t.id, fetched=True)
    assert f.in_flight("s") == 0
    f.finish(t.id, fetched=False)
    assert f.in_flight("s") == 0 and f.scheduled["s"] == 1, "a second outcome changes nothing"


def test_a_redirect_loop_dropped_by_the_scheduler_is_no_longer_in_flight() -> None:
    f = Frontier()
    t = ticket(f, cand(1))
    f.request_scheduled(req(t))
    f.request_scheduled(req(t, "https://s.example/r/story-1", redirect_urls=[t.url]))
    f.request_dropped(req(t, t.url, redirect_urls=[t.url, "https://s.example/r/story-1"]))
    assert f.in_flight("s") == 0 and f.open_tickets() == 0 and f.scheduled["s"] == 0


def test_traps_are_bounded() -> None:
    f = Frontier(bounds=Bounds(max_url_length=100, per_article_pattern=2, per_pattern=3, listing_pages=5))
    assert decide(f, Candidate("s", "https://s.example/" + "a" * 100, None, "links")) is Decision.TRAP
    grown = [Candidate("s", f"https://s.example/story-1?page=1&x={'y' * i}", None, "links") for i in range(4)]
    assert [decide(f, c) for c in grown] == [Decision.FETCH, Decision.FETCH, Decision.TRAP, Decision.TRAP]
    days = [f.listing_refusal("s", f"https://s.example/calendar/2026/11/?d={d}", 1) for d in range(5)]
    assert days == [None, None, None, "trap", "trap"], "one URL shape, bounded"
    sections = [f.listing_refusal("s", f"https://s.example/section-{n}/", 1) for n in range(5)]
    assert sections[:2] == [None, None] and sections[2:] == ["listing_pages"] * 3, "pages per site, bounded"
    assert f.listing_refusal("s2", "https://t.example/a/", 4) == "listing_depth"
    assert f.sitemap_refusal("s", 5) == "sitemap_depth"


def test_since_refuses_old_listings_but_not_unlisted_ones() -> None:
    f = Frontier(plan(since="2d"))
    assert decide(f, cand(1, "2026-11-20T00:00:00+00:00")) is Decision.TOO_OLD
    assert decide(f, cand(2, "2026-11-27T00:00:00+00:00")) is Decision.FETCH
    assert decide(f, cand(3)) is Decision.FETCH


def test_limit_holds_the_rest_and_a_failed_one_gives_its_place_to_the_next() -> None:
    f = Frontier(plan(limit="2"))
    verdicts = [f.admit(cand(i))[0] for i in range(4)]
    assert [v.decision for v in verdicts] == [Decision.FETCH, Decision.FETCH, Decision.HELD, Decision.HELD]
    first, second = (v.ticket for v in verdicts[:2])
    assert first is not None and second is not None
    taken = f.finish(first.id, fetched=False)
    assert [(v.candidate, v.decision) for v in taken] == [(cand(2), Decision.FETCH)], "one place, one reserve"
    assert f.finish(second.id, fetched=True) == [], "a fetched page keeps its place"
    assert taken[0].ticket is not None
    assert [v.candidate for v in f.finish(taken[0].ticket.id, fetched=False)] == [cand(3)]


def test_a_known_article_gives_its_place_to_the_reserve_in_the_same_decision() -> None:
    state = {url_key(cand(0).url): ("2026-11-20T00:00:00+00:00", "2026-11-21T00:00:00+00:00")}
    f = Frontier(plan(limit="1"), last_fetch=state.get)
    assert decide(f, cand(1)) is Decision.FETCH
    assert decide(f, cand(2)) is Decision.HELD
    f2 = Frontier(plan(limit="1"), last_fetch=state.get)
    assert [v.decision for v in f2.admit(cand(2))] == [Decision.FETCH]
    f3 = Frontier(plan(limit="1"), last_fetch=state.get)
    f3.admit(cand(0, "2026-11-20T00:00:00+00:00"))  # known, unchanged: the place stays free
    assert decide(f3, cand(1)) is Decision.FETCH


def test_limit_caps_what_is_extracted_per_site() -> None:
    f = Frontier(plan(limit="1"))
    assert f.may_extract("s")
    f.extracted("s")
    assert not f.may_extract("s") and f.may_extract("other")


def test_a_newer_listing_refetches_an_article_skipped_as_known() -> None:
    state = {url_key(cand(1).url): ("2026-11-20T00:00:00+00:00", "2026-11-21T00:00:00+00:00")}
    f = Frontier(last_fetch=state.get)
    assert decide(f, cand(1, "2026-11-20T00:00:00+00:00")) is Decision.KNOWN
    assert decide(f, cand(1, "2026-11-19T00:00:00+00:00")) is Decision.SEEN, "an older date changes nothing"
    assert decide(f, cand(1, "2026-11-20T12:00:00+00:00")) is Decision.SEEN, "not newer than the fetch"
    assert decide(f, cand(1, "2026-11-27T00:00:00+00:00")) is Decision.REFETCH
    assert decide(f, cand(1, "2026-11-28T00:00:00+00:00")) is Decision.SEEN, "fetched once in a crawl"
    assert f.newest_listing(cand(1).url) == "2026-11-28T00:00:00+00:00"


def test_a_fraction_of_a_second_is_not_a_newer_listing() -> None:
    """The repeat-run hang: a lastmod with microseconds was always newer than itself."""
    state = {url_key(cand(1).url): ("2024-02-28T13:06:44+00:00", "2024-03-01T00:00:00+00:00")}
    f = Frontier(last_fetch=state.get)
    assert decide(f, cand(1, "2024-02-28T13:06:44.083593")) is Decision.KNOWN
    assert decide(f, cand(1, "2024-02-28T13:06:44.983593Z")) is Decision.SEEN
    assert decide(f, cand(1, "2024-02-28T08:36:44.5-04:30")) is Decision.SEEN


def test_a_canonical_is_trusted_on_its_own_site_only_and_never_when_it_names_a_listing() -> None:
    f = Frontier()
    page = "https://www.dawn.com/news/1812345/story"
    f.listing_refusal("dawn", "https://www.dawn.com/trends/budget", 1)
    assert f.canonical_use(page, page) == "own"
    assert f.canonical_use("https://dawn.com/news/1812345/story/", page) == "own", "one URL key"
    assert f.canonical_use("https://epaper.dawn.com/1812345", page) == "trusted", "one registrable domain"
    assert not f.copy_of_listed("https://epaper.dawn.com/1812345", page, text=1), (
        "its canonical is not listed"
    )
    trusted = Candidate("dawn", "https://epaper.dawn.com/1812345", None, "feed")
    assert decide(f, trusted) is Decision.SEEN, "a trusted canonical read through a copy is not fetched again"
    for listing in ("https://www.dawn.com/", "/", "https://www.dawn.com/trends/budget"):
        assert f.canonical_use(listing, page) == "listing", listing
    assert f.canonical_use("https://tribune.com.pk/story/1", page) == "offsite"
    assert f.canonical_use("http://127.0.0.1:81/a/", "http://127.0.0.1:80/b/") == "offsite", "ports of an IP"


@pytest.mark.parametrize(
    ("listed", "before", "fetched", "changed"),
    [
        (None, None, "2026-11-20T00:00:00+00:00", False),
        ("2026-11-21T00:00:00+00:00", None, "2026-11-20T00:00:00+00:00", True),
        ("2026-11-19T00:00:00+00:00", None, "2026-11-20T00:00:00+00:00", False),
        ("2026-11-21T00:00:00+00:00", "2026-11-22T00:00:00+00:00", "2026-11-20T00:00:00+00:00", False),
        ("2026-11-21T05:00:00+05:00", None, "2026-11-21T00:30:00+00:00", False),  # same instant, offset kept
        ("2026-11-21T00:00:00.900000+00:00", "2026-11-21T00:00:00+00:00", "2026-11-20T00:00:00", False),
        ("2026-11-21", "2026-11-21T00:00:00Z", "2026-11-20T00:00:00", False),  # a bare day is its midnight
        ("not a date", None, "2026-11-20T00:00:00+00:00", False),
    ],
)
def test_changed_since(listed: str | None, before: str | None, fetched: str, changed: bool) -> None:
    assert changed_since(listed, before, fetched) is changed


def test_a_copy_of_a_listed_article_is_dropped_unless_its_text_is_another() -> None:
    remembered: list[list[str]] = []
    f = Frontier(remember=lambda keys, listed, fetched: remembered.append(keys))
    original, amp, mobile, other = (
        "https://www.dawn.com/news/1",
        "https://www.dawn.com/news/1/amp-view",
        "https://www.dawn.com/m/news/1",
        "https://www.dawn.com/print/news/1",
    )
    assert decide(f, Candidate("dawn", original, None, "sitemap")) is Decision.FETCH
    assert f.copy_of_listed(original, amp, text=7), "read before the original: dropped for now"
    assert remembered == [], "not known until the original shows the same text"
    f.page_text(original, 7)
    assert remembered == [[url_key(amp)]], "same text: the copy is known to the next run"
    assert f.copy_of_listed(original, mobile, text=7) and len(remembered) == 2
    assert not f.copy_of_listed(original, other, text=8), "another text under one canonical: an article"
    assert not f.copy_of_listed("https://www.dawn.com/news/2", amp, text=7), "its canonical is not listed"


def test_tickets_of_two_workers_never_share_an_id() -> None:
    """A distributed worker takes requests that other workers' frontiers admitted: the pipelines,
    the output and the lease middleware know each article by its ticket's id."""
    one, two = Frontier(), Frontier()
    ids = {ticket(f, cand(1)).id for f in (one, two)} | {ticket(one, cand(2)).id}
    assert len(ids) == 3
