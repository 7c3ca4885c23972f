"""Authors: a wrong name is worse than none. One small page per kind of wrong author seen on
pages the extractor had never seen; each asserts the names a user gets."""

from __future__ import annotations

import json

import pytest

from newscrawler.extraction import extract_article
from newscrawler.extraction.authors import clean_authors

TEXT = "".join(
    f"<p>The council met on Monday to decide the future of the old bridge, after months of debate "
    f"between residents, engineers and the city's planners about its cost. Paragraph {i}.</p>"
    for i in range(4)
)


def page(head: str = "", body: str = "", site: str = "Daily Example") -> str:
    return (
        f"<html><head><title>Bridge to be rebuilt</title>"
        f'<meta property="og:type" content="article"><meta property="og:site_name" content="{site}">'
        f"{head}</head><body>{body}</body></html>"
    )


def names(html: str, url: str = "https://daily.example/news/bridge") -> list[str]:
    return [a.name for a in extract_article(html, url).authors]


def ld(author: object) -> str:
    obj = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge", "author": author}
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- place names taken from a dateline ---


def test_a_dateline_place_is_not_an_author() -> None:
    body = (
        '<div class="article-meta"><span class="author-location">KYIV</span></div>'
        f"<h1>Bridge to be rebuilt</h1><p>KYIV (AFP) — The council met on Monday.</p>{TEXT}"
    )
    assert names(page(body=body)) == []


def test_a_place_after_an_agency_is_not_an_author() -> None:
    assert names(page('<meta name="author" content="Reuters, London">', f"<h1>Bridge</h1>{TEXT}")) == [
        "Reuters"
    ]
    assert names(page('<meta name="author" content="dpa, Berlin">', f"<h1>Bridge</h1>{TEXT}")) == ["dpa"]


# --- section, menu and widget words ---


def test_breadcrumbs_and_a_login_widget_are_not_authors() -> None:
    body = (
        '<div class="breadcrumbs meta-author"><a href="/">Startseite</a> | <a href="/schweiz">Schweiz</a></div>'
        '<div class="header-author-login"><a href="/login">Anmelden</a></div>'
        f"<h1>Bridge to be rebuilt</h1>{TEXT}"
    )
    assert names(page(body=body)) == []


def test_the_article_section_is_not_an_author() -> None:
    head = '<meta property="article:section" content="Wirtschaft">'
    body = f'<h1>Bridge</h1><span class="story-author">Wirtschaft</span>{TEXT}'
    assert names(page(head, body)) == []


# --- the site, a desk or a broadcaster's regional name instead of the person ---


def test_the_site_gives_way_to_a_person_named_in_a_labelled_field() -> None:
    head = '<meta name="author" content="Deutsche Welle (www.daily.example)">'
    body = f"<h1>Bridge</h1>{TEXT}<ul><li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>"
    assert names(page(head, body)) == ["Roman Goncharenko"]


def test_the_site_gives_way_to_people_on_a_labelled_line() -> None:
    head = ld({"@type": "Organization", "name": "Daily Example"})
    body = (
        '<article><h1>Bridge</h1><ul class="list-informations"><li class="information-item">Von: '
        '<a href="/jane-doe">Jane Doe</a>, <a href="/john-roe">John Roe</a></li></ul>'
        f"{TEXT}</article>"
    )
    assert names(page(head, body)) == ["Jane Doe", "John Roe"]


def test_a_broadcasters_regional_name_gives_way_to_the_byline() -> None:
    head = ld({"@type": "Organization", "name": "MDR SACHSEN"})
    body = f'<h1>Bridge</h1><p class="byline">Von Jane Doe</p>{TEXT}'
    assert names(page(head, body, site="MDR"), "https://www.mdr.example/nachrichten/bridge") == ["Jane Doe"]


def test_a_desk_gives_way_to_the_byline() -> None:
    """A guard (it held before the rules above too): desk words still make an organisation."""
    head = '<meta name="author" content="Redaktion Sachsen">'
    body = f'<h1>Bridge</h1><p class="byline">Von Jane Doe</p>{TEXT}'
    assert names(page(head, body, site="MDR"), "https://www.mdr.example/nachrichten/bridge") == ["Jane Doe"]


def test_an_admin_account_gives_way_to_the_byline_opening_the_body() -> None:
    head = ld({"@id": "https://daily.example/author/admin/", "name": "Daily D"})
    body = f"<h1>Bridge</h1><p><strong>MTHOBISI SITHOLE</strong></p>{TEXT}"
    assert names(page(head, body)) == ["MTHOBISI SITHOLE"]


def test_the_site_alone_is_still_named_when_no_one_else_is() -> None:
    """A guard: the site is the last resort, as Fundus's gold has it, not dropped."""
    head = ld({"@type": "Organization", "name": "Daily Example"})
    assert names(page(head, f"<h1>Bridge</h1>{TEXT}")) == ["Daily Example"]


def test_the_site_as_a_template_organisation_gives_way_to_an_agency() -> None:
    """JSON-LD ``author`` typed Organization and naming the site is the template's default; an
    agency a later source names wrote the story."""
    head = ld({"@type": "Organization", "name": "Daily Example"}) + '<meta name="author" content="Reuters">'
    assert names(page(head, f"<h1>Bridge</h1>{TEXT}")) == ["Reuters"]


def test_the_site_as_a_plain_author_string_is_kept_beside_an_agency() -> None:
    """A guard: the site given as a plain name (not a template's Organization) stays first."""
    head = ld("Daily Example") + '<meta name="author" content="Daily Example, Reuters">'
    assert names(page(head, f"<h1>Bridge</h1>{TEXT}")) == ["Daily Example"]


# --- an editor is not an author ---


def test_a_name_the_page_labels_as_editor_is_not_an_author() -> None:
    """JSON-LD ``author`` holds the editor; the visible byline names the reporter."""
    head = ld({"@type": "Person", "name": "Heryadi"})
    body = (
        f'<h1>Bridge</h1><div class="info"><div class="byline">Naufal Zuhdi</div></div>{TEXT}'
        '<div class="info-author">Editor : <a class="author" href="/author/112/heryadi">Heryadi</a></div>'
    )
    assert names(page(head, body)) == ["Naufal Zuhdi"]


def test_edited_by_names_no_author() -> None:
    head = ld([{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}])
    body = f"<h1>Bridge</h1>{TEXT}<p>Edited by John Roe</p>"
    assert names(page(head, body)) == ["Jane Doe"]


def test_an_editors_note_names_no_one() -> None:
    """A guard: "Editor's note: …" labels no editor."""
    head = ld({"@type": "Person", "name": "Jane Doe"})
    body = f"<h1>Bridge</h1>{TEXT}<p>Editor's note: Jane Doe reported from the harbour.</p>"
    assert names(page(head, body)) == ["Jane Doe"]


# --- initials in brackets after a name ---


def test_bracketed_initials_are_removed_entirely() -> None:
    assert names(page('<meta name="author" content="Jane Doe (jd/dpa)">', f"<h1>Bridge</h1>{TEXT}")) == [
        "Jane Doe"
    ]
    assert names(page(ld("Jane Doe (jd)"), f"<h1>Bridge</h1>{TEXT}")) == ["Jane Doe"]
    assert names(page(ld(["Jane Doe (jd", "John Roe"]), f"<h1>Bridge</h1>{TEXT}")) == ["Jane Doe", "John Roe"]


# --- the authors of related-article teasers ---


def test_teaser_bylines_are_not_the_articles() -> None:
    teasers = (
        '<div class="more-stories"><div class="teaser-item"><a href="/x">Other story</a>'
        '<span class="byline">By John Roe</span></div></div>'
    )
    related = '<aside class="related"><div><a href="/y">Third story</a><span class="byline">By Ann Poe</span></div></aside>'
    body = f'{teasers}<article><h1>Bridge</h1><p class="byline">By Jane Doe</p>{TEXT}</article>{related}'
    assert names(page(body=body)) == ["Jane Doe"]


def test_a_page_whose_only_bylines_are_teasers_has_no_author() -> None:
    related = (
        '<section class="related-articles"><article><h3><a href="/y">Third story</a></h3>'
        '<span class="byline">By Ann Poe</span></article></section>'
    )
    assert names(page(body=f"<article><h1>Bridge</h1>{TEXT}</article>{related}")) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By John Smith and Jane Doe"], ["John Smith", "Jane Doe"]),
        (["Von Anna Müller, dpa"], ["Anna Müller"]),
        (["Par Jean Dupont et Marie Curie"], ["Jean Dupont", "Marie Curie"]),
        (["John Smith, Senior Correspondent"], ["John Smith"]),
        (["john.smith@example.com", "John Smith"], ["John Smith"]),
        (["John Smith", "JOHN SMITH", "John Smith"], ["John Smith"]),
        (["Reuters"], ["Reuters"]),
        (["Associated Press", "Maria Lopez"], ["Maria Lopez"]),
        (["Daily Example", "Maria Lopez"], ["Maria Lopez"]),
    ],
)
def test_authors_are_people_only(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw, ["Daily Example"]) == expected
