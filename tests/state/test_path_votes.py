"""The PathVotes contract, against SQLite and Redis (template learning)."""

from __future__ import annotations

from tests.state.contract import Opener


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
