"""Paragraphs read straight from the markup (extraction/sources.py) and live blogs (extraction/live.py):
what a reader sees on the page, no more."""

from __future__ import annotations

import lxml.html

from newscrawler.extraction.live import jsonld_updates, live_updates, with_updates
from newscrawler.extraction.sources import from_selector, split_containers

PART = "Paragraph {} of the story tells what the harbour board decided and why the islanders cared."


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>")


def test_a_sites_body_selector_gives_its_paragraphs_without_figures_and_asides() -> None:
    tree = _tree(
        "<div class='story'><p>First  paragraph.</p><figure><p>A caption</p></figure>"
        "<aside><p>Related: another story</p></aside><h2>A subheading</h2><p>Second paragraph.</p></div>"
    )
    assert from_selector(tree, "div.story") == ["First paragraph.", "A subheading", "Second paragraph."]
    assert from_selector(tree, "div[") == [], "a broken selector in the registry finds nothing"


def test_an_article_split_by_ads_over_containers_of_one_class_is_read_whole() -> None:
    parts = "<div class='ad'>Advertisement</div>".join(
        f"<div class='article-body'><p>{PART.format(i)}</p><p>{PART.format(i + 10)}</p></div>"
        for i in range(3)
    )
    tree = _tree(f"<main>{parts}</main><div class='row'><p>Footer text of the site.</p></div>")
    assert split_containers(tree) == [PART.format(i + k) for i in range(3) for k in (0, 10)]
    layout = _tree("".join(f"<div class='row'><p>{PART.format(i)}</p></div>" for i in range(3)))
    assert split_containers(layout) == [], "a generic layout class is no article's container"


def test_live_blog_updates_in_json_ld_are_plain_text_newest_first_each_once() -> None:
    update = {
        "@type": "BlogPosting",
        "headline": "<b>Quay</b> &amp; berths",
        "articleBody": "<p>The board voted.</p><p>Fishermen  cheered.</p>",
        "datePublished": "2024-05-03T10:00:00Z",
    }
    later = {**update, "headline": "Ferries resume", "datePublished": "2024-05-03T12:00:00Z"}
    ld = {"@type": "LiveBlogPosting", "liveBlogUpdate": [update, later, update]}
    updates = jsonld_updates(ld)
    assert [u["headline"] for u in updates] == ["Ferries resume", "Quay & berths"]
    assert updates[1]["articleBody"] == "The board voted.\nFishermen cheered."
    assert live_updates(None, ld, None) == updates


def test_a_body_that_already_holds_the_updates_is_left_as_it_is() -> None:
    updates = [{"headline": f"Update {i}", "articleBody": PART.format(i)} for i in range(3)]
    holds = ["The introduction.", *(PART.format(i) for i in range(3))]
    assert with_updates(holds, updates) == holds
    lacks = ["The introduction.", "Something else entirely that no update says."]
    assert with_updates(lacks, updates) == [
        "The introduction.",
        "Something else entirely that no update says.",
        *(line for i in range(3) for line in (f"Update {i}", PART.format(i))),
    ]
