"""The TemplateCounts contract, against SQLite and Redis."""

from __future__ import annotations

from tests.state.contract import Opener


def test_paragraphs_are_counted_once_per_article(open_store: Opener) -> None:
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    a.add_paragraphs("site", "article-1", [11, 12])
    b.add_paragraphs("site", "article-1", [11, 12])  # the same article seen again
    b.add_paragraphs("site", "article-2", [11])
    assert a.paragraph_counts("site", [11, 12, 13]) == {11: 2, 12: 1}
    assert a.paragraph_counts("other-site", [11]) == {}
