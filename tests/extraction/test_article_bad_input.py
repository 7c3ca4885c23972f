"""Hostile or broken pages (issue #9): deep JSON-LD, a huge JSON-LD block, a wrong charset declaration."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newscrawler.extraction import extract_article
from newscrawler.extraction.page import MAX_HTML_CHARS

NOW = datetime(2024, 5, 3, 18, 0, tzinfo=UTC)
URL = "https://daily.example/2024/05/03/bridge"
HEADLINE = "Council approves the new bridge"
SENTENCE = "The council decided on Monday to build the new bridge, and the works will take until next spring to finish."
BODY = "".join(f"<p>Paragraph {i}. {SENTENCE} {SENTENCE}</p>" for i in range(6))
GOOD_LD = {"@type": "NewsArticle", "headline": HEADLINE, "datePublished": "2024-05-03T09:30:00+02:00"}


def _page(extra_head: str, body: str = BODY, charset: str = "utf-8") -> str:
    ld = f'<script type="application/ld+json">{json.dumps(GOOD_LD)}</script>'
    return (
        f'<html lang="en"><head><meta charset="{charset}"><title>{HEADLINE} | Daily</title>{extra_head}{ld}'
        f"</head><body><article><h1>{HEADLINE}</h1>{body}</article></body></html>"
    )


def _ld(raw: str) -> str:
    return f'<script type="application/ld+json">{raw}</script>'


DEEP = 100_000


@pytest.mark.parametrize(
    "raw",
    [
        "[" * DEEP + "]" * DEEP,
        '{"a":' * DEEP + "1" + "}" * DEEP,
        # Deep, but within reach of json.loads: the extractors' own walks must not overflow.
        json.dumps({"@type": "NewsArticle", "author": [[[]]]})
        .replace("[[[]]]", "[" * 950 + '"Deep Author"' + "]" * 950)
        .replace('"author"', '"keywords"'),
        '{"@type": "NewsArticle", "image": ' + "[" * 950 + '"x.jpg"' + "]" * 950 + "}",
        '{"@type": ' + "[" * 950 + '"WebSite"' + "]" * 950 + "}",
    ],
    ids=["deep-list", "deep-object", "deep-keywords", "deep-image", "deep-type"],
)
def test_deeply_nested_jsonld_is_skipped_and_the_article_still_comes_out(raw: str) -> None:
    a = extract_article(_page(_ld(raw)), URL, downloaded=NOW)
    assert a.headline == HEADLINE
    assert a.datePublished == "2024-05-03T09:30:00+02:00"
    assert SENTENCE in (a.articleBody or "")


def test_a_huge_jsonld_block_in_the_head_does_not_eat_the_body() -> None:
    huge = {
        "@type": "ItemList",
        "itemListElement": [{"name": f"item {i} " + "x" * 60} for i in range(100_000)],
    }
    raw = json.dumps(huge)
    assert len(raw) > MAX_HTML_CHARS * 3  # 6-8 MB, past the cut on its own
    a = extract_article(_page(_ld(raw)), URL, downloaded=NOW)
    assert a.headline == HEADLINE
    assert (a.articleBody or "").count(SENTENCE) == 12
    assert (a.wordCount or 0) > 200


def test_a_huge_inline_script_does_not_eat_the_body() -> None:
    script = "<script>var blob = '" + "A" * 7_000_000 + "';</script>"
    a = extract_article(_page(script), URL, downloaded=NOW)
    assert (a.articleBody or "").count(SENTENCE) == 12


RUSSIAN = (
    "Правительство России в понедельник объявило о новых мерах поддержки малого бизнеса, "
    "сообщили в министерстве экономики."
)
FRENCH = "Le maire a déclaré : « Nous n’attendrons pas » — et le vote du conseil était très clair, selon la préfète."
# 350 kB of ASCII configuration before the text: a charset guess from the page's start sees only ASCII.
ASCII_HEAD = (
    "<script>var config = {" + ",".join(f'"k{i}": "value {i}"' for i in range(20_000)) + "};</script>"
)


@pytest.mark.parametrize(
    ("text", "encoding", "head"),
    [
        (RUSSIAN, "cp1251", ""),
        (RUSSIAN, "cp1251", ASCII_HEAD),
        (FRENCH, "cp1252", ""),
        (FRENCH, "cp1252", ASCII_HEAD),
    ],
    ids=["cp1251", "cp1251-after-ascii-head", "cp1252-quotes", "cp1252-after-ascii-head"],
)
def test_a_page_declared_utf8_but_in_an_8bit_charset_is_read_by_its_bytes(
    text: str, encoding: str, head: str
) -> None:
    body = "".join(f"<p>{text} {text} {i}</p>" for i in range(6))
    html = _page(head, body=body, charset="utf-8").encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        html.decode("utf-8")  # the declaration is plainly wrong
    a = extract_article(html, URL, downloaded=NOW)
    assert text in (a.articleBody or "")
    assert "\ufffd" not in (a.articleBody or "")
