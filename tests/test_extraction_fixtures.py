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


def test_languages_of_the_fixture_set_are_told_apart() -> None:
    """Extraction names at least eight languages across the saved pages, each as the page states it."""
    pages = [load(name) for name in CASES]
    found = {extract_article(html, expected["url"]).inLanguage for html, expected in pages}
    assert len(found - {None}) >= 8


@pytest.mark.parametrize("name", CASES)
def test_saved_page_extracts_as_expected(name: str) -> None:
    html, expected = load(name)
    article = extract_article(html, expected["url"])
    assert article.headline == expected["headline"]
    assert article.datePublished == expected["datePublished"]
    assert [a.name for a in article.authors] == expected["authors"]
    assert article.inLanguage == expected["inLanguage"]
    assert page_f1(expected["body"], article.articleBody or "") >= MIN_BODY_F1
    assert "\n\n" in (article.articleBody or ""), "paragraphs are separated by blank lines"
    assert article.wordCount and article.wordCount > 50


@pytest.mark.parametrize("name", [n for n in CASES if n.startswith("fundus-")])
def test_fundus_pages_extract_as_fundus_gold_has_them(name: str) -> None:
    """Extraction agrees with Fundus's own gold values, up to the differences docs/fields.md allows."""
    html, expected = load(name)
    gold = expected["gold"]
    article = extract_article(html, expected["url"])
    assert article.headline == gold["title"].replace("\u00a0", " ").replace("\u3000", " ").strip()
    assert [a.name for a in article.authors] == gold["authors"]
    assert article.inLanguage == gold["language"]
    assert (article.datePublished or "")[:16] == gold["published"][:16]
