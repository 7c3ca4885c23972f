"""Termination and balance of the frontier, proven on generated listings (hypothesis).

Listings name the same articles in every date style real sites print (fractions of a second,
``Z``, ``+00:00``, ``+0000``, ``-0430``, naive, a bare day, RFC 822 with named zones), from a
sitemap, a news sitemap and a feed, in any order. Each run drives a fresh Frontier over one real
SQLite crawl state, as a scheduled crawl does: every admission returns a bounded number of
verdicts, every URL ends in exactly one decision, in-flight pages return to none, and a repeat
run with the same listings fetches nothing.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request

from newscrawler.context import KEY, Context, Kind, Ticket
from newscrawler.extraction.dates import parse_any
from newscrawler.frontier import Candidate, Decision, Frontier, Verdict
from newscrawler.plan import CrawlPlan
from newscrawler.state.sqlite import SQLiteState
from newscrawler.text import hash64
from newscrawler.urls import url_key


def art(t: Ticket) -> Context:
    """An article request's context."""
    return Context(t.site, f"https://{t.site}/", Kind.ARTICLE, ticket=t)


NOW = datetime.now(UTC)
PROPERTY = settings(
    max_examples=500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
ZONES = {"GMT": 0, "UTC": 0, "EST": -5, "EDT": -4, "CET": 1, "PST": -8}


def render(when: datetime, style: str) -> str:
    """One instant as a listing prints it."""
    if style == "fraction_naive":
        return when.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    if style == "fraction_z":
        return when.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    if style == "utc_offset":
        return when.astimezone(UTC).replace(microsecond=0).isoformat()
    if style == "compact_offset":
        return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    if style == "minus_0430":
        return when.astimezone(timezone(timedelta(hours=-4, minutes=-30))).strftime(
            "%Y-%m-%dT%H:%M:%S.%f-04:30"
        )
    if style == "minus_0430_compact":
        return when.astimezone(timezone(timedelta(hours=-4, minutes=-30))).strftime(
            "%Y-%m-%dT%H:%M:%S.%f-0430"
        )
    if style == "naive":
        return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if style == "date":
        return when.astimezone(UTC).date().isoformat()
    zone = style.removeprefix("rfc822_")
    local = when.astimezone(timezone(timedelta(hours=ZONES[zone])))
    return local.strftime(f"%a, %d %b %Y %H:%M:%S {zone}")


STYLES = [
    "fraction_naive",
    "fraction_z",
    "utc_offset",
    "compact_offset",
    "minus_0430",
    "minus_0430_compact",
    "naive",
    "date",
    *(f"rfc822_{z}" for z in ZONES),
]
SOURCES = ("sitemap", "news_sitemap", "feed")


@st.composite
def listings(draw: st.DrawFn) -> list[tuple[int, str, str | None]]:
    """(article number, source, date as printed): each article listed 1-3 times, in any order."""
    out = []
    for n in range(draw(st.integers(1, 8))):
        base = NOW - timedelta(days=draw(st.integers(1, 30)), seconds=draw(st.floats(0, 86_400)))
        for source in draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3, unique=True)):
            if draw(st.booleans()):
                shift = timedelta(seconds=draw(st.sampled_from([0, 0.4, 59, 3600, -3600])))
                out.append((n, source, render(base + shift, draw(st.sampled_from(STYLES)))))
            else:
                out.append((n, source, None))
    return draw(st.permutations(out))


def candidate(n: int, source: str, printed: str | None) -> Candidate:
    listed = parse_any(printed, NOW) if printed else None
    return Candidate("s", f"https://s.example/2024/story-{n}/", listed, source)


class Crawl:
    """One run: listings admitted in order, pages answered (or failing) in between."""

    def __init__(self, state: SQLiteState, limit: int | None = None) -> None:
        plan = CrawlPlan.parse({"url": "https://s.example/", **({"limit": str(limit)} if limit else {})})
        self.state = state
        self.frontier = Frontier(plan, last_fetch=state.last_fetch)
        self.decisions: dict[str, list[Decision]] = {}
        self.open: list[Ticket] = []
        self.fetched: list[str] = []

    def take(self, verdicts: list[Verdict], bound: int) -> None:
        assert 1 <= len(verdicts) <= bound, "each call returns in bounded steps"
        for v in verdicts:
            self.decisions.setdefault(url_key(v.candidate.url), []).append(v.decision)
            if v.ticket is not None:
                self.frontier.request_scheduled(Request(v.ticket.url, meta={KEY: art(v.ticket)}))
                self.open.append(v.ticket)

    def admit(self, c: Candidate) -> None:
        self.take(self.frontier.admit(c), 1 + sum(len(q) for q in self.frontier._backlog.values()))

    def answer(self, ok: bool) -> None:
        t = self.open.pop(0)
        if ok:
            # What the dedupe pipeline records: the newest listing date when the page arrived.
            listed = self.frontier.newest_listing(t.url) or t.listed
            fetched = datetime.now(UTC).isoformat()
            revision = self.state.claim([url_key(t.url)], t.url, hash64(t.url), b"", listed, fetched, 99)
            assert revision is not None
            self.state.confirm([url_key(t.url)])
            self.fetched.append(t.url)
        self.take_all(self.frontier.finish(t.id, fetched=ok))

    def take_all(self, verdicts: list[Verdict]) -> None:
        if verdicts:
            self.take(verdicts, len(verdicts))

    def run(self, items: list[tuple[int, str, str | None]], outcomes: list[bool]) -> None:
        outcomes = list(outcomes)
        for item in items:
            self.admit(candidate(*item))
            if self.open and outcomes:
                self.answer(outcomes.pop(0))
        while self.open:
            self.answer(outcomes.pop(0) if outcomes else True)
        assert self.frontier.in_flight("s") == 0 and self.frontier.open_tickets() == 0

    def check_one_decision_each(self) -> None:
        for key, decisions in self.decisions.items():
            final = [d for d in decisions if d not in (Decision.SEEN, Decision.HELD, Decision.REFETCH)]
            assert len(final) <= 1, (key, decisions)
            assert final or Decision.HELD in decisions, (key, decisions)
            refetches = decisions.count(Decision.REFETCH)
            assert refetches <= 2, "a refetch needs a newer listing date (at most one per source)"


def new_state(folder: str) -> SQLiteState:
    return SQLiteState(Path(folder) / "state.sqlite3")


@PROPERTY
@given(items=listings(), outcomes=st.lists(st.booleans(), max_size=30), order=st.randoms())
def test_repeat_runs_end_and_fetch_nothing_unchanged(
    items: list[tuple[int, str, str | None]], outcomes: list[bool], order: object
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        state = new_state(folder)
        first = Crawl(state)
        first.run(items, outcomes)
        first.check_one_decision_each()
        fetched_once = {url_key(u) for u in first.fetched}
        for _ in range(2):  # the second and the third run, listings in another order
            again = list(items)
            order.shuffle(again)  # type: ignore[attr-defined]
            repeat = Crawl(state)
            repeat.run(again, [])
            repeat.check_one_decision_each()
            refetched = {url_key(u) for u in repeat.fetched} & fetched_once
            assert not refetched, f"unchanged articles fetched again: {sorted(refetched)}"
            fetched_once |= {url_key(u) for u in repeat.fetched}  # failed ones are fetched now
        state.close()


@PROPERTY
@given(items=listings(), outcomes=st.lists(st.booleans(), max_size=30), limit=st.integers(1, 4))
def test_limit_runs_end_balanced(
    items: list[tuple[int, str, str | None]], outcomes: list[bool], limit: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        state = new_state(folder)
        crawl = Crawl(state, limit)
        crawl.run(items, outcomes)
        crawl.check_one_decision_each()
        assert len(crawl.fetched) <= limit + crawl.frontier._samples["s"]
        assert crawl.frontier.scheduled["s"] == len(crawl.fetched), "places taken == pages fetched"
        state.close()


@PROPERTY
@given(
    events=st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(["hop", "fetched", "failed", "dropped", "again"])),
        max_size=60,
    )
)
def test_in_flight_returns_to_zero_for_every_outcome(events: list[tuple[int, str]]) -> None:
    """Hops and retries (request_scheduled again), responses, errors, scheduler drops and a second
    outcome for a finished request, in any order: in flight only between first schedule and outcome."""
    f = Frontier()
    tickets = []
    for n in range(6):
        verdicts = f.admit(candidate(n, "sitemap", None))
        assert verdicts[0].ticket is not None
        tickets.append(verdicts[0].ticket)
        f.request_scheduled(Request(tickets[-1].url, meta={KEY: art(tickets[-1])}))
    finished: set[int] = set()
    fetched = 0
    for n, event in events:
        t = tickets[n]
        if event == "hop":
            f.request_scheduled(Request(t.url + "r/", meta={KEY: art(t), "redirect_urls": [t.url]}))
        elif event == "dropped":
            f.request_dropped(Request(t.url, meta={KEY: art(t)}))
            finished.add(n)
        elif event == "again" and n in finished:
            f.finish(t.id, fetched=False)
        elif event in ("fetched", "failed"):
            if n not in finished and event == "fetched":
                fetched += 1
            f.finish(t.id, fetched=event == "fetched")
            finished.add(n)
        assert f.in_flight("s") == 6 - len(finished)
    for t in tickets:
        f.finish(t.id, fetched=False)
    assert f.in_flight("s") == 0 and f.open_tickets() == 0
    assert f.scheduled["s"] == fetched, "a place is kept by a page fetched, freed by any other outcome"


def test_every_style_of_one_instant_is_one_listing_date() -> None:
    when = datetime(2024, 2, 28, 13, 6, 44, 83593, tzinfo=UTC)
    stamps = Counter()
    for style in STYLES:
        if style == "date":
            continue
        c = candidate(1, "sitemap", render(when, style))
        assert c.listed is not None, style
        stamps[Frontier().admit(c)[0].ticket.listed] += 1  # type: ignore[union-attr]
    assert list(stamps) == ["2024-02-28T13:06:44+00:00"], stamps
