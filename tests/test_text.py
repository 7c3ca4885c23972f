"""URL keys, the one hash, and the MinHash-LSH near-duplicate index's building blocks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.state.sqlite import key_hash
from newscrawler.text import (
    BANDS,
    NUM_PERM,
    SHINGLE,
    band_hashes,
    fingerprint,
    hash64,
    normalise,
    signature,
    signature_similarity,
)
from newscrawler.urls import is_http_url, url_key, url_pattern, without_session_id

STORY = " ".join(
    f"Sentence {i} of the story says the council met on day {i} and voted on item {i * 7} of the budget."
    for i in range(40)
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.x.example/news/story?utm_source=tw&fbclid=1", "https://x.example/news/story"),
        ("http://m.x.example/news/story/", "https://x.example/news/story"),
        ("https://amp.x.example/amp/news/story", "https://x.example/news/story"),
        ("https://x.example/news/story.amp", "https://x.example/news/story"),
        ("https://x.example/news/story#comments", "https://x.example/news/story"),
        ("https://x.example/news/story;jsessionid=ABC123", "https://x.example/news/story"),
        ("https://x.example/news/story?b=2&a=1", "https://x.example/news/story?a=1&b=2"),
    ],
)
def test_url_variants_share_one_key(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://x.example/news/story", "https://x.example:8080/news/story"),  # another server
        ("https://x.example/news/story?id=1", "https://x.example/news/story?id=2"),
        ("https://x.example/news/story-1", "https://y.example/news/story-1"),
    ],
)
def test_different_pages_keep_different_keys(a: str, b: str) -> None:
    assert url_key(a) != url_key(b)


def test_http_urls_only() -> None:
    assert is_http_url("https://x.example/a")
    assert not is_http_url("file:///etc/passwd")
    assert not is_http_url("http://x.example:99999/")
    assert not is_http_url("http:///nohost")
    assert url_pattern("https://x.example/cal/2026/11/?d=5&s=x") == "/cal/N/N/?d&s"
    assert (
        without_session_id("https://x.example/a/;jsessionid=AB12?sid=9&page=2")
        == "https://x.example/a/?page=2"
    )


def test_one_hash_stable_signed_64_bits() -> None:
    assert hash64("abc") == hash64("abc") != hash64("abd")
    assert -(2**63) <= hash64("abc") < 2**63
    assert key_hash("https://x.example/a") == hash64("https://x.example/a")
    assert (
        fingerprint("The  Council, met!")
        == fingerprint("the council met")
        == hash64(normalise("the council met"))
    )


def test_minhash_near_copy_shares_a_band_and_scores_high_unrelated_does_not() -> None:
    edited = STORY.replace("Sentence 3 ", "Sentence three ") + " An editor's note was added."
    other = " ".join(f"Word{i} about football scores in league {i % 5}" for i in range(60))
    a, b, c = signature(STORY), signature(edited), signature(other)
    assert len(a) == 32
    assert signature_similarity(a, b) >= 0.8
    assert set(band_hashes(a)) & set(band_hashes(b)), "a near copy is an LSH candidate"
    assert signature_similarity(a, c) < 0.3
    assert not set(band_hashes(a)) & set(band_hashes(c))
    assert len(band_hashes(a)) == BANDS


@given(st.lists(st.text(min_size=1, max_size=12), max_size=40).map(" ".join))
@settings(max_examples=200, deadline=None)
def test_signature_is_datasketchs_minhash(text: str) -> None:
    # Signatures are kept in the crawl state: ours must equal the datasketch MinHash that wrote
    # earlier states, or a later crawl would miss its near-duplicates.
    from datasketch import MinHash

    words = normalise(text).split()
    grams = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    m = MinHash(num_perm=NUM_PERM, seed=7)
    m.update_batch([g.encode("utf-8") for g in grams if g])
    assert signature(text) == bytes((m.hashvalues & 0xFF).astype("uint8").tobytes())
