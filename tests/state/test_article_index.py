"""The ArticleIndex contract, against SQLite and Redis: claims (the claim rule of
``state/rules.py``), lookups, exact and near duplicates."""

from __future__ import annotations

import time

from newscrawler.text import signature
from tests.state.contract import OTHER, TEXT, WHEN, Opener, claim


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


def test_only_its_owner_confirms_a_pending_claim(open_store: Opener) -> None:
    """A crawl that hung past its lease comes back and confirms what it claimed: the article is
    another crawl's pending claim by then, which that crawl alone confirms or releases."""
    hung = open_store(owner="host-hung:5", lease_seconds=1)
    claim(hung, "k")
    other = open_store(owner="host-b:2")
    time.sleep(2.2)  # the hung crawl does not renew
    assert claim(other, "k", known=1) == 2, "a dead owner's pending claim is taken over"
    hung.confirm(["k"])
    other.release_pending()  # the other crawl ends without writing it
    assert other.lookup("k") is None, "still pending when released: the next crawl writes it"
