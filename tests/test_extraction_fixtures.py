"""Regression fixtures: saved real pages in, the record the page states out."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newscrawler.extraction import extract_article
from newscrawler.extraction.metric import page_f1

PAGES = Path(__file__).parent / "fixtures" / "pages"
CASES = sorted(p.name.removesuffix(".json") for p in PAGES.glob("*.json"))
# Body quality bar per page (shingle F1 against the gold body); the benchmark tracks the average.
MIN_BODY_F1 = 0.9


def load(name: str) -> tuple[bytes, dict]:
    html = gzip.decompress((PAGES / f"{name}.html.gz").read_bytes())
    return html, json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


def test_fixture_set_covers_both_datasets_and_many_languages() -> None:
    expected = [load(name)[1] for name in CASES]
    assert sum(e["source"] == "aeb" for e in expected) >= 10
    assert sum(e["source"] == "fundus-dev" for e in expected) >= 10
    assert len({e["inLanguage"] for e in expected}) >= 8


@pytest.mark.parametrize("name", CASES)
def test_saved_page_extracts_as_expected(name: str) -> None:
    html, expected = load(name)
    article = extract_article(html, expected["url"])
    assert article.headline == expected["headline"]
    assert article.datePublished == expected["datePublished"]
    assert [a["name"] for a in article.authors] == expected["authors"]
    assert article.inLanguage == expected["inLanguage"]
    assert page_f1(expected["body"], article.articleBody or "") >= MIN_BODY_F1
    assert "\n\n" in (article.articleBody or ""), "paragraphs are separated by blank lines"
    assert article.wordCount and article.wordCount > 50


@pytest.mark.parametrize("name", [n for n in CASES if n.startswith("fundus-")])
def test_fundus_fixtures_agree_with_gold_where_the_definitions_agree(name: str) -> None:
    """The expected values are Fundus's own, up to the differences docs/fields.md allows."""
    _, expected = load(name)
    gold = expected["gold"]
    assert expected["headline"] == gold["title"].replace("\u00a0", " ").replace("\u3000", " ").strip()
    assert expected["authors"] == gold["authors"]
    assert expected["inLanguage"] == gold["language"]
    assert expected["datePublished"][:16] == gold["published"][:16]
