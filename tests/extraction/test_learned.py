"""Template learning, the pure half: the CSS path of the element that holds a page's body."""

from __future__ import annotations

import lxml.html

from newscrawler.extraction import extract_article
from newscrawler.extraction.article import observe_article
from newscrawler.extraction.learned import body_path, path_text

PARAS = [f"Paragraph {i} of the story tells what the council decided about item {i} today." for i in range(6)]


def page(story_class: str, extra: str = "") -> lxml.html.HtmlElement:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return lxml.html.fromstring(
        f"<html><body><nav><p>Home News Sport</p></nav><main id='content'><article class='story'>"
        f"<div class='{story_class}'>{body}</div>{extra}</article></main>"
        f"<aside class='related'><p>Another story people read a lot this week</p></aside></body></html>"
    )


def test_the_path_names_the_bodys_element_by_stable_classes_and_finds_it_on_another_page() -> None:
    tree = page("article-body x9f3k2")
    path = body_path(tree, "\n\n".join(PARAS))
    assert path == "main#content > article.story > div.article-body"
    other = page("article-body q7w8e1", extra="<p>A caption the rules might keep.</p>")
    assert path_text(other, path) == "\n\n".join(PARAS)


def test_no_path_when_the_body_is_not_in_one_element() -> None:
    tree = lxml.html.fromstring("<html><body><div><p>Only a short line here.</p></div></body></html>")
    assert body_path(tree, "A body that this page does not hold in any element at all, anywhere.") is None


def test_a_path_that_matches_nothing_gives_nothing() -> None:
    assert path_text(page("article-body"), "div.gone > p") == ""
    assert path_text(page("article-body"), "div[") == ""


# --- a site's template, learned from its pages and used on the next ones ---

STORY = [
    f"Paragraph {i} of the report says the harbour board approved plan number {i} after a long debate."
    for i in range(8)
]
JSONLD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Quay plan approved",'
    ' "author": {"@type": "Person", "name": "Jane Doe"}, "datePublished": "2024-05-01T10:00:00Z"}</script>'
)


def site_page(structured: bool = True, wrapper: str = "") -> str:
    """One page of a site's template. Without ``structured`` the page has no JSON-LD, so its byline
    and date are only visible text that no generic rule recognises; ``wrapper`` puts the story
    in a container whose class the generic rules take for chrome."""
    paras = "".join(f"<p>{p}</p>" for p in STORY)
    if wrapper:
        paras = f"<div class='{wrapper}'>{paras}</div>"
    return (
        f"<html><head><title>Quay plan approved</title>{JSONLD if structured else ''}</head><body>"
        "<main><article class='story'><h1>Quay plan approved</h1>"
        "<div class='meta-line'><span class='who'>Jane Doe</span> <span class='when'>1 May 2024</span></div>"
        f"<div class='story-body'>{paras}</div></article>"
        "<aside class='related'><p>Another story people read a lot this week</p></aside></main></body></html>"
    )


def observed(html: str) -> dict[str, str | None]:
    return observe_article(html, URL)[1]


URL = "https://news.example/news/quay-plan-approved"


def test_a_page_says_where_it_keeps_body_byline_and_date() -> None:
    assert observed(site_page()) == {
        "articleBody": "main > article.story > div.story-body",
        "authors": "main > article.story > div.meta-line > span.who",
        "datePublished": "main > article.story > div.meta-line > span.when",
    }


def test_learned_paths_fill_in_what_the_generic_rules_miss_on_the_sites_next_pages() -> None:
    learned = {k: v for k, v in observed(site_page()).items() if v}
    bare = site_page(structured=False, wrapper="comments")
    generic = extract_article(bare, URL)
    assert not generic.authors
    assert len(generic.articleBody or "") < 100, "the generic rules take the story's container for comments"
    taught = extract_article(bare, URL, learned=learned)
    assert taught.articleBody == "\n\n".join(STORY)
    assert [a.name for a in taught.authors] == ["Jane Doe"]
    assert taught.datePublished == generic.datePublished == "2024-05-01", "htmldate finds a visible date"
    assert taught.metadata.learned == ["articleBody", "authors"]


def test_a_learned_date_element_gives_the_date_where_no_generic_rule_finds_one() -> None:
    html = site_page(structured=False).replace("1 May 2024", "1 de mayo de 2024")  # an English page
    assert extract_article(html, URL).datePublished is None
    article = extract_article(html, URL, learned={"datePublished": "div.meta-line > span.when"})
    assert article.datePublished is not None and article.datePublished.startswith("2024-05-01")
    assert article.metadata.learned == ["datePublished"]


def test_learned_paths_never_replace_what_the_generic_rules_found() -> None:
    learned = {k: v for k, v in observed(site_page()).items() if v}
    # The learned elements hold other things on this page; the generic rules' own finds stay.
    other = site_page().replace("<span class='who'>Jane Doe</span>", "<span class='who'>Share this</span>")
    article = extract_article(other, URL, learned=learned)
    assert [a.name for a in article.authors] == ["Jane Doe"]
    assert article.datePublished == "2024-05-01T10:00:00+00:00"
    assert not article.metadata.learned


def test_the_registrys_selectors_win_over_learned_paths() -> None:
    learned = {"articleBody": "main > article.story > div.story-body"}
    article = extract_article(
        site_page(wrapper="comments"), URL, learned=learned, selectors={"articleBody": "aside.related"}
    )
    assert article.articleBody == "Another story people read a lot this week"


def test_class_names_that_change_from_page_to_page_are_left_out_of_paths() -> None:
    tree = lxml.html.fromstring(
        "<html><body><div class='sc-eNSrOW heUBfa story'><div class='css-1x2y3z'>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</div></div></body></html>"
    )
    assert body_path(tree, "\n\n".join(STORY)) == "div.story > div"


# --- in a crawl: learned in the crawl state, used on the site's next pages and in the next crawl ---
