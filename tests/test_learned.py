"""Template learning, the pure half: the CSS path of the element that holds a page's body."""

from __future__ import annotations

import lxml.html

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
