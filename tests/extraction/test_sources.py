"""Paragraphs read straight from the markup (extraction/sources.py): a site's body selector, an
article split over containers, the lead paragraph: what a reader sees on the page, no more."""

from __future__ import annotations

import lxml.html

from newscrawler.extraction.sources import from_selector, lead_paragraph, split_containers

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


LEAD = "The council voted on Tuesday night to close the north quay for a year of repairs."


def _lead_page(lead_html: str) -> str:
    text = "".join(
        f"<p>Paragraph {i} of the council's report on the quay and what it will cost.</p>" for i in range(8)
    )
    return (
        f'<html><head><meta property="og:description" content="{LEAD}"></head><body><article>'
        f'<h1>Quay closes</h1>{lead_html}<div class="article-body">{text}</div></article></body></html>'
    )


def test_a_lead_paragraph_inside_the_article_container_opens_the_body() -> None:
    tree = lxml.html.fromstring(_lead_page(f'<p class="article__teaser-text">{LEAD}</p>'))
    assert (
        lead_paragraph(tree, ["Paragraph 0 of the council's report on the quay and what it will cost."])
        == LEAD
    )


def test_a_deck_in_the_header_or_a_box_of_its_own_is_not_the_first_paragraph() -> None:
    first = ["Paragraph 0 of the council's report on the quay and what it will cost."]
    for deck in (
        f"<header><p>{LEAD}</p></header>",  # the header's deck
        f'<div class="article-lead"><p>{LEAD}</p></div>',  # a box of its own beside the body
        f'<p class="subtitle">{LEAD}</p>',  # a deck-like class
        f"<h2>{LEAD}</h2>",  # a heading, not a paragraph
    ):
        assert lead_paragraph(lxml.html.fromstring(_lead_page(deck)), first) is None, deck
    # After the body it is not a lead; already in the body it is not added twice.
    html = _lead_page("").replace("</div></article>", f"</div><p>{LEAD}</p></article>")
    assert lead_paragraph(lxml.html.fromstring(html), first) is None
    assert lead_paragraph(lxml.html.fromstring(_lead_page(f"<p>{LEAD}</p>")), [LEAD, *first]) is None
