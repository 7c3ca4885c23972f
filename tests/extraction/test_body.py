"""Article text (extraction/body.py): the whole body of pages that are not one plain block of
paragraphs: a gallery, a short story, a list of links, a page rendered by script, ruby readings."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import lxml.html

from newscrawler.extraction import extract_article
from newscrawler.extraction.body import flatten_ruby

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


def test_a_gallery_keeps_its_captions_as_text_without_counters_and_credits() -> None:
    html = gzip.decompress((PAGES / "synthetic-gallery.html.gz").read_bytes())
    expected = json.loads((PAGES / "synthetic-gallery.json").read_text(encoding="utf-8"))
    body = extract_article(html, expected["url"]).articleBody or ""
    assert body == expected["body"]
    assert "1/4" not in body and "Photo:" not in body


def test_a_short_story_precise_mode_cut_to_a_notice_is_read_whole() -> None:
    html = gzip.decompress((PAGES / "aeb-f8ff621a0b.html.gz").read_bytes())
    expected = json.loads((PAGES / "aeb-f8ff621a0b.json").read_text(encoding="utf-8"))
    body = extract_article(html, expected["url"]).articleBody or ""
    assert len(body) > 0.9 * len(expected["body"])
    assert "non-commercial use" not in body and "barrons.com" not in body


def test_a_list_of_links_to_other_stories_is_not_article_text() -> None:
    text = "".join(
        f"<p>Paragraph {i} of the council's report on the new bridge and its costs.</p>" for i in range(12)
    )
    links = '<ul><li><a href="/a">Iran war: the US loses a valuable spy plane</a></li><li><a href="/b">Pope row: Rome takes sides</a></li></ul>'
    own = "<ul><li>The bridge opens in May next year</li><li>It cost four million pounds to build</li></ul>"
    html = f"<html><body><article><h1>Bridge</h1>{text}{links}<p>The end of the report.</p>{own}</article></body></html>"
    body = extract_article(html, "https://courier.example/bridge").articleBody or ""
    assert "spy plane" not in body and "Rome takes sides" not in body
    assert "four million pounds" in body


def test_an_article_rendered_by_script_is_read_from_the_html_in_its_state() -> None:
    """A client-rendered page ships its article only as an HTML string in a script's JSON."""
    paras = [
        f"Paragraph {i} of the council's long report on the harbour bridge and what it cost."
        for i in range(8)
    ]
    content = (
        '<div class="img-box"><div class="caption"><p>The bridge at dawn. Photo agency</p></div></div>'
        + "".join(f"<p>{p}</p>" for p in paras[:4])
        + "<h3>What comes next</h3>"
        + "".join(f"<p>{p}</p>" for p in paras[4:])
    )
    state = json.dumps({"detail": {"title": "Bridge", "contentHtml": content}}).replace("<", "\\u003c")
    html = (
        "<html><head><title>Bridge</title></head><body><div id='app'></div>"
        f"<script>window.__STATE__ = {state};</script></body></html>"
    )
    body = (extract_article(html, "https://courier.example/bridge").articleBody or "").split("\n\n")
    assert body == [*paras[:4], "What comes next", *paras[4:]]


def test_ruby_readings_stay_inside_their_paragraph() -> None:
    text = "尹氏は野党が政府高官や検事らへの<ruby><rb>弾劾</rb><rp>（</rp><rt>だんがい</rt><rp>）</rp></ruby>訴追案を提出した。"
    more = "".join(
        f"<p>韓国の大統領は３日夜、緊急談話を出した。これは{i}番目の段落です。</p>" for i in range(10)
    )
    html = f"<html><body><article><h1>戒厳</h1><p>{text}</p>{more}</article></body></html>"
    body = (extract_article(html, "https://news.example.jp/a/1").articleBody or "").split("\n\n")
    assert "尹氏は野党が政府高官や検事らへの弾劾（だんがい）訴追案を提出した。" in body
    tree = lxml.html.fromstring(html)
    assert flatten_ruby(tree) is not tree and tree.find(".//ruby") is not None, "the page stays intact"


STORY = [
    "The council voted on Tuesday night to close the north quay for a year of repairs to its wall.",
    "Work starts in May, and the ferries will use the south pier until the quay opens again.",
]
