"""One page decoded and parsed once (extraction/page.py): text by its bytes, the JSON-LD objects
(broken ones repaired or skipped), the meta tags, and the article object that describes this page."""

from __future__ import annotations

import json

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.extraction import metaxpaths as mx
from newscrawler.extraction.page import MAX_BLOCK_CHARS, Page, decode, is_article_type, is_listing_type
from newscrawler.text import CONTROL

URL = "https://news.example/2026/11/28/quay"


def ld(*objects: object, raw: str | None = None) -> str:
    return "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects) + (
        f'<script type="application/LD+JSON">{raw}</script>' if raw else ""
    )


def html(head: str = "", body: str = "<p>Text.</p>") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_bytes_are_decoded_by_bom_then_valid_utf8_then_the_declared_charset() -> None:
    text = html('<meta charset="iso-8859-1"><title>Kälte in München</title>')
    assert "Kälte in München" in decode(text.encode("utf-8")), "valid UTF-8 wins over the declaration"
    assert "Kälte in München" in decode(text.encode("latin-1"))
    assert "Kälte" in decode(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert "Kälte" in decode(text.encode("utf-16")), "UTF-16 with its BOM"


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_utf8_pages_lose_exactly_the_control_characters(text: str) -> None:
    # decode strips them from the bytes (a tenth of the cost); the text must be as if from the str
    assert decode(text.encode("utf-8")) == CONTROL.sub("", text)


def test_pages_parse_into_html_elements_that_the_extractors_can_read() -> None:
    page = Page.load(
        html(body='<form><label>Name</label><input value="x"></form><p>Text <b>here</b>.</p>'), URL
    )
    assert page.tree is not None
    assert all(isinstance(el, lxml.html.HtmlElement) for el in page.tree.iter()), "forms too"
    assert page.xpath("//p")[0].text_content() == "Text here."


def test_attribute_first_queries_find_what_the_element_first_forms_find() -> None:
    # metaxpaths selects attributes first ("//@class[...]/..") for speed; the nodes must be the same
    body = (
        '<div itemprop="author"><span itemprop="name">Ann Lee</span></div>'
        '<p class="x byline y">By Ann</p><span class="author-name">Ann</span>'
        '<div class="authors"><a class="author">Bo</a></div><div class="author"></div>'
        '<time itemprop="datePublished" datetime="2026-01-02"></time><time pubdate datetime="2026-01-03"></time>'
        '<span itemprop="dateModified" datetime="2026-01-04">x</span><script class="date">1</script>'
        '<li class="meta-date">May 3</li>'
    )
    page = Page.load(html(body=body), URL)
    element_first = (
        '//*[@itemprop="author"]//*[@itemprop="name"]',
        '//*[@itemprop="author"]',
        '//a[@rel="author"]',
        '//*[contains(concat(" ",normalize-space(@class)," ")," byline ")]',
        '//*[contains(@class,"author-name") or contains(@class,"authorName") or contains(@class,"byline__name")]',
        '//*[contains(@class,"byline") or contains(@class,"Byline")]',
        '//*[contains(@class,"author")][not(descendant::*[contains(@class,"author")])]',
    )
    for new, old in zip(mx.BYLINE_XPATH, element_first, strict=True):
        assert page.xpath(new) == page.xpath(old), new
    assert page.xpath(mx.PUBLISHED_TIME_XPATH) == ["2026-01-02", "2026-01-03"]
    assert page.xpath(mx.MODIFIED_TIME_XPATH) == ["2026-01-04"]
    assert [el.tag for el in page.xpath(mx.DATE_CLASS_XPATH)] == ["p", "li"], "never the script"


def test_json_ld_objects_are_found_in_graphs_and_broken_blocks_are_repaired_or_skipped() -> None:
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "News"},
             {"@type": "NewsArticle", "headline": "Quay"}]}  # fmt: skip
    broken = '{"@type": "Person", "name": "Ann\nLee"};'  # a raw newline in a string, a semicolon
    page = Page.load(html(ld(graph, raw=broken) + ld(raw="{not json")), URL)
    types = [o.get("@type") for o in page.jsonld]
    assert types == [None, "WebSite", "NewsArticle", "Person"], (
        "the graph itself, its members, the repaired block"
    )
    assert page.jsonld[-1]["name"] == "Ann Lee"


def test_the_main_article_is_the_one_about_this_page() -> None:
    related = {"@type": "NewsArticle", "headline": "Another story", "url": "https://news.example/other",
               "articleBody": "..."}  # fmt: skip
    this = {"@type": "NewsArticle", "headline": "Quay", "mainEntityOfPage": {"@id": URL + "?utm_source=x"}}
    page = Page.load(html(ld(related, this)), URL)
    assert page.main_article()["headline"] == "Quay", "its URL key, not the first or the fullest"
    video = {"@type": "VideoObject", "name": "Clip", "headline": "Clip"}
    stub = {"@type": "ReportageNewsArticle", "headline": "Quay report"}
    assert Page.load(html(ld(video, stub)), URL).main_article()["headline"] == "Quay report"
    assert Page.load(html(ld({"@type": "WebPage"})), URL).main_article() == {}


def test_meta_tags_are_read_by_every_attribute_and_the_first_filled_one_wins() -> None:
    page = Page.load(html('<meta property="og:Title" content=" "><meta name="OG:title" content="Quay">'
                          '<meta itemprop="datePublished" content="2026-11-28">'), URL)  # fmt: skip
    assert page.meta_first("og:title") == "Quay"
    assert page.meta_first("missing", "datepublished") == "2026-11-28"
    assert page.meta_first("missing") is None


def test_a_page_that_does_not_parse_has_no_tree_and_queries_give_nothing() -> None:
    for junk in (b"", b"   ", "\x00\x01"):
        page = Page.load(junk, URL)
        assert page.tree is None and page.jsonld == [] and page.meta == {}
        assert page.xpath("//p") == [] and page.main_article() == {}
    assert Page.load(html(), URL).xpath("//p[") == [], "a bad query is no match, not an error"


def test_a_huge_script_block_is_dropped_and_the_text_kept() -> None:
    big = '<script>var data = "' + "x" * (MAX_BLOCK_CHARS + 10) + '";</script>'
    page = Page.load(html(big, "<article><p>The text stays.</p></article>"), URL)
    assert page.xpath("//article/p/text()") == ["The text stays."]


def test_article_and_listing_types_by_name_and_suffix() -> None:
    assert is_article_type({"@type": ["WebPage", "OpinionNewsArticle"]})
    assert is_article_type({"@type": "https://schema.org/NewsArticle"})
    assert is_article_type({"@type": "MadeUpPosting"}), "a publisher's own subtype"
    assert is_listing_type({"@type": "CollectionPage"}) and not is_listing_type({"@type": "NewsArticle"})
