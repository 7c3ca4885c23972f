"""Telling an app shell (its article rendered by script after load) from a page with no article."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newscrawler.extraction.article import extract_fetched
from newscrawler.extraction.page import Page
from newscrawler.extraction.shell import client_rendered
from sample_site import pages

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pages"

SHELLS = {
    "create-react-app": '<html><head><script defer src="/static/js/main.4f1c.js"></script></head>'
    '<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>',
    "next.js without SSR": '<html><head><script src="/_next/static/chunks/main.js" defer></script></head>'
    '<body><div id="__next"><div class="loader">Loading…</div></div></body></html>',
    "vue": '<html><body><div id="app" data-v-app></div><script type="module" src="/assets/index.js"></script></body></html>',
    "angular": '<html><body><app-root></app-root><script src="runtime.js" type="module"></script></body></html>',
    "bare mount point": '<html><body><main></main><script src="/bundle.js"></script></body></html>',
    "sample site": pages.app_shell(),
}
NOT_SHELLS = {
    "a 404 page": "<html><body><h1>Not found</h1><p>The page you asked for is not here.</p></body></html>",
    "static text, no script": '<html><body><div id="root"></div><p>Nothing to see.</p></body></html>',
    "a script and a lot of text": '<html><body><div id="root"></div><script src="/a.js"></script><p>'
    + "word " * 200
    + "</p></body></html>",
    "an article in JSON-LD": '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
    '"headline": "H", "articleBody": "The text."}</script><script src="/a.js"></script></head>'
    '<body><div id="root"></div></body></html>',
}


@pytest.mark.parametrize("name", SHELLS)
def test_app_shells_are_recognised(name: str) -> None:
    assert client_rendered(Page.load(SHELLS[name], "https://news.example/2026/a-story/"))


@pytest.mark.parametrize("name", NOT_SHELLS)
def test_pages_a_browser_would_not_change_are_not_shells(name: str) -> None:
    assert not client_rendered(Page.load(NOT_SHELLS[name], "https://news.example/2026/a-story/"))


def test_no_saved_real_page_is_taken_for_a_shell() -> None:
    saved = sorted(FIXTURES.glob("*.html.gz"))
    assert len(saved) >= 20
    for path in saved:
        page = Page.load(gzip.decompress(path.read_bytes()), "https://news.example/a-story/")
        assert not client_rendered(page), path.name


def test_extraction_says_a_page_with_no_article_is_a_shell() -> None:
    result = extract_fetched(pages.app_shell().encode(), "https://news.example/2026/a-story/")
    assert result.article is None and result.client_rendered
    about = extract_fetched(pages.about().encode(), "https://news.example/about/")
    assert about.article is None and not about.client_rendered
