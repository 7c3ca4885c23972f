"""One contract for every crawl-state store: the same tests run against SQLite and Redis."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawler.state import StateStore
from newscrawler.state.redis import RedisState
from newscrawler.state.sqlite import SQLiteState
from newscrawler.text import signature

WHEN = "2024-05-01T10:00:00+00:00"
TEXT = "the council approved the new budget for the harbour district after a long debate on tuesday"
OTHER = "a storm closed the coastal road and the ferry to the islands for two days this week"

Opener = Callable[..., StateStore]


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """open_store(owner=None, lease_seconds=120) -> a store on one shared state."""
    opened: list[StateStore] = []
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")()

        def make(owner: str | None = None, lease_seconds: float = 120.0) -> StateStore:
            return RedisState(server.url, lease_seconds=lease_seconds, owner=owner)
    else:

        def make(owner: str | None = None, lease_seconds: float = 120.0) -> StateStore:
            return SQLiteState(tmp_path / "state.sqlite3", lease_seconds=lease_seconds, owner=owner)

    def opener(**kwargs: Any) -> StateStore:
        store = make(**kwargs)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


def claim(store: StateStore, key: str, text: str = TEXT, fp: int = 1, known: int = 0) -> int | None:
    return store.claim([key], f"https://news.example/{key}", fp, signature(text), WHEN, WHEN, known=known)


def test_a_claim_is_exclusive_until_confirmed_then_a_revision(open_store: Opener) -> None:
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    assert claim(a, "k") == 1
    assert claim(b, "k") is None, "another live worker's pending claim is not taken"
    a.confirm(["k"])
    assert claim(b, "k", fp=2, known=1) == 2, "a confirmed article claimed again is its next revision"
    seen = a.lookup("k")
    assert seen is not None and seen.revision == 2 and seen.fingerprint == 2


def test_a_claim_on_a_stale_lookup_is_refused(open_store: Opener) -> None:
    """Two crawls look the article up, both see nothing; the first writes it, the second
    must not write it again (as a 'revision') nor the same text under another URL."""
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    assert b.lookup("k") is None
    assert claim(a, "k", fp=5) == 1
    a.confirm(["k"])
    assert claim(b, "k", fp=5, known=0) is None, "written since b looked"
    assert claim(b, "k-amp", fp=5, known=0) is None, "its text, claimed since b looked"
    assert claim(b, "k", fp=6, known=1) == 2, "a revision of what b saw is still one"


def test_one_article_under_several_keys(open_store: Opener) -> None:
    a = open_store(owner="host-a:1")
    assert a.claim(["amp", "canonical"], "https://news.example/x", 7, signature(TEXT), None, WHEN) == 1
    a.confirm(["amp", "canonical"])
    for key in ("amp", "canonical"):
        seen = a.lookup(key)
        assert seen is not None and seen.url == "https://news.example/x"
    assert a.lookup("other") is None


def test_released_claims_are_forgotten_and_pending_ones_released_at_the_end(open_store: Opener) -> None:
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    claim(a, "lost")
    a.release(["lost"])
    assert a.lookup("lost") is None
    claim(a, "never-written")
    a.release_pending()
    assert b.lookup("never-written") is None
    assert claim(b, "never-written") == 1


def test_a_dead_workers_lease_expires_and_its_claims_go_to_another(open_store: Opener) -> None:
    dead = open_store(owner="host-dead:3", lease_seconds=1)
    claim(dead, "k")
    alive = open_store(owner="host-b:2")
    assert claim(alive, "k") is None, "the lease still runs"
    time.sleep(2.2)  # the dead worker never renews
    assert "host-dead:3" in alive.release_expired()
    assert alive.lookup("k") is None, "its pending claim is gone, so the article is fetched again"
    assert claim(alive, "k") == 1


def test_a_dead_crawls_claim_whose_line_is_in_its_output_stays_written(
    open_store: Opener, tmp_path: Path
) -> None:
    """Killed after storing a line and before confirming its claim: the line is at the end of the
    crawl's output, so the claim is confirmed (not written again); one with no line is released."""
    dead = open_store(owner="host-dead:3", lease_seconds=1)
    out = tmp_path / "out.jsonl"
    dead.record_outputs([str(out)])
    claim(dead, "written")
    claim(dead, "never-stored", OTHER, fp=2)
    out.write_text(
        json.dumps({"url": "https://news.example/written", "headline": "Ö"}, ensure_ascii=False) + "\n"
    )
    alive = open_store(owner="host-b:2")
    time.sleep(2.2)  # the dead crawl never renews
    assert "host-dead:3" in alive.release_expired()
    seen = alive.lookup("written")
    assert seen is not None and seen.url == "https://news.example/written"
    assert claim(alive, "written") is None, "not written again"
    assert alive.lookup("never-stored") is None and claim(alive, "never-stored", OTHER, fp=2) == 1


def test_a_renewed_lease_keeps_its_claims(open_store: Opener) -> None:
    slow = open_store(owner="host-slow:4", lease_seconds=1)
    claim(slow, "k")
    other = open_store(owner="host-b:2")
    for _ in range(4):
        time.sleep(0.5)
        slow.renew()
    assert other.release_expired() == []
    assert claim(other, "k") is None


def test_exact_and_near_duplicates_are_found(open_store: Opener) -> None:
    a = open_store(owner="host-a:1")
    claim(a, "first", TEXT, fp=42)
    a.confirm(["first"])
    assert a.find_text(42) == "https://news.example/first"
    assert a.find_text(43) is None
    near = TEXT.replace("tuesday", "wednesday")
    assert a.find_near(signature(near), 0.5) == "https://news.example/first"
    assert a.find_near(signature(OTHER), 0.8) is None
    assert a.find_near(signature(near), 0.5, claimed_before="first") is None, "not itself"


def test_of_two_near_duplicates_claimed_by_two_crawls_only_the_later_claim_finds_the_other(
    open_store: Opener,
) -> None:
    """Each crawl checks after its claim; the later claim gives way, whichever URL sorts first
    (the earlier one may have checked before the later claim existed, and be written already)."""
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    near = TEXT.replace("tuesday", "wednesday")
    claim(a, "z-later-in-order", TEXT, fp=1)
    claim(b, "a-earlier-in-order", near, fp=2)
    assert a.find_near(signature(TEXT), 0.5, claimed_before="z-later-in-order") is None
    found = b.find_near(signature(near), 0.5, claimed_before="a-earlier-in-order")
    assert found == "https://news.example/z-later-in-order"


def test_a_replaced_article_leaves_no_stale_index_entries(open_store: Opener) -> None:
    a = open_store(owner="host-a:1")
    claim(a, "k", TEXT, fp=1)
    a.confirm(["k"])
    assert claim(a, "k", OTHER, fp=2, known=1) == 2  # a revision with another text
    a.confirm(["k"])
    assert a.find_text(1) is None and a.find_text(2) == "https://news.example/k"
    assert a.find_near(signature(TEXT), 0.9) is None


def test_last_fetch_covers_written_articles_and_dropped_copies(open_store: Opener) -> None:
    a = open_store(owner="host-a:1")
    claim(a, "written")
    a.confirm(["written"])
    a.remember_duplicate(["copy"], None, "2024-05-02T08:00:00+00:00")
    listed, fetched = a.last_fetch("written") or (None, "")
    assert listed == WHEN and fetched == WHEN
    assert a.last_fetch("copy") == (None, "2024-05-02T08:00:00+00:00")
    assert a.last_fetch("unknown") is None


def test_paragraphs_are_counted_once_per_article(open_store: Opener) -> None:
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    a.add_paragraphs("site", "article-1", [11, 12])
    b.add_paragraphs("site", "article-1", [11, 12])  # the same article seen again
    b.add_paragraphs("site", "article-2", [11])
    assert a.paragraph_counts("site", [11, 12, 13]) == {11: 2, 12: 1}
    assert a.paragraph_counts("other-site", [11]) == {}


def test_reset_forgets_everything(open_store: Opener) -> None:
    a = open_store(owner="host-a:1")
    claim(a, "k")
    a.confirm(["k"])
    a.add_paragraphs("site", "k", [1])
    a.observe_paths("site", {"articleBody": "main > div.story"})
    a.reset()
    assert a.lookup("k") is None and a.find_text(1) is None
    assert a.paragraph_counts("site", [1]) == {}
    assert a.path_votes("site", "articleBody") == []
    assert claim(a, "k") == 1


def test_a_sites_element_paths_are_learned_from_its_recent_pages_and_unlearned(open_store: Opener) -> None:
    from newscrawler.learning import learned_path
    from newscrawler.state import PATH_WINDOW

    store = open_store()
    for _ in range(4):
        store.observe_paths("dawn", {"articleBody": "main > div.story-body", "authors": "span.byline"})
    store.observe_paths("dawn", {"articleBody": None, "authors": "span.byline"})  # no body path agreed
    votes = open_store().path_votes("dawn", "articleBody")  # another worker, the same state
    assert votes == ["main > div.story-body"] * 4 + [None]
    assert learned_path(votes, after=4, share=0.7) == "main > div.story-body"
    assert learned_path(votes, after=5, share=0.7) is None
    assert store.path_votes("dawn", "authors") == ["span.byline"] * 5, "each field keeps its own"
    assert store.path_votes("other", "articleBody") == []
    # A new template: once its path holds the recent window, the old one is gone.
    for _ in range(PATH_WINDOW):
        store.observe_paths("dawn", {"articleBody": "article > div.text"})
    votes = store.path_votes("dawn", "articleBody")
    assert len(votes) == PATH_WINDOW
    assert learned_path(votes, after=4, share=0.7) == "article > div.text"


def test_runs_are_recorded_per_site_newest_first_and_forgotten_on_reset(open_store: Opener) -> None:
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    assert a.recent_runs("site", 5) == []
    for day in (1, 2, 3):
        a.record_run("site", f"2024-05-0{day}T10:00:00+00:00", {"written": day, "dropped": {"too_short": 1}})
    b.record_run("other", "2024-05-04T10:00:00+00:00", {"written": 9})
    runs = b.recent_runs("site", 2)
    assert [r["written"] for r in runs] == [3, 2], "the newest first, n at most"
    assert runs[0]["dropped"] == {"too_short": 1}
    assert runs[0]["finished"].startswith("2024-05-03T10:00:00")
    assert [r["written"] for r in a.recent_runs("other", 5)] == [9]
    a.reset()
    assert a.recent_runs("site", 5) == []


def test_only_the_last_runs_of_a_site_are_kept(open_store: Opener) -> None:
    from newscrawler.state import RUNS_KEPT

    a = open_store(owner="host-a:1")
    for i in range(RUNS_KEPT + 5):
        a.record_run("site", f"2024-05-01T10:{i // 60:02d}:{i % 60:02d}+00:00", {"n": i})
    runs = a.recent_runs("site", RUNS_KEPT + 10)
    assert len(runs) == RUNS_KEPT and runs[0]["n"] == RUNS_KEPT + 4
