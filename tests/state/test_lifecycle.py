"""The Lifecycle contract, against SQLite and Redis."""

from __future__ import annotations

from tests.state.contract import Opener, claim


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
