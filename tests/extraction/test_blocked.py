"""Challenge and block pages told from real pages (newscrawler.extraction.blocked).

The challenge pages in tests/fixtures/blocked/ are written for this project after the markup the
vendors serve (see tests/fixtures/README.md); the real pages are the saved news pages of
tests/fixtures/pages/ and the sample site's."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newscrawler.extraction.blocked import MAX_BYTES, blocked
from sample_site import pages
from sample_site.content import build_articles

FIXTURES = Path(__file__).parent.parent / "fixtures"
# Each written page, and the kind it is.
CHALLENGES = {
    "cloudflare_challenge.html": "cloudflare_challenge",
    "cloudflare_block.html": "cloudflare_block",
    "datadome.html": "datadome",
    "perimeterx.html": "perimeterx",
    "incapsula.html": "incapsula",
    "akamai.html": "akamai",
    "sucuri.html": "sucuri",
    "ddos_guard.html": "ddos_guard",
    "recaptcha.html": "recaptcha",
    "hcaptcha.html": "hcaptcha",
    "turnstile.html": "turnstile",
    "access_denied.html": "access_denied",
    "verify_human.html": "access_denied",
    "are_you_a_robot.html": "access_denied",
}


def challenge(name: str) -> bytes:
    return (FIXTURES / "blocked" / name).read_bytes()


def test_every_written_challenge_page_is_tested() -> None:
    assert sorted(p.name for p in (FIXTURES / "blocked").glob("*.html")) == sorted(CHALLENGES)


@pytest.mark.parametrize("status", [200, 403, 429, 503])
@pytest.mark.parametrize("name", sorted(CHALLENGES))
def test_each_kind_of_challenge_page_is_told_whatever_its_status(name: str, status: int) -> None:
    found = blocked(status, challenge(name))
    assert found is not None and found.kind == CHALLENGES[name], found
    assert found.evidence


def test_a_page_given_as_text_is_told_as_its_bytes() -> None:
    found = blocked(200, challenge("datadome.html").decode("utf-8"))
    assert found is not None and found.kind == "datadome"


def test_cloudflares_challenge_header_is_enough_alone() -> None:
    found = blocked(403, b"<html><body></body></html>", {"CF-Mitigated": "challenge", "Server": "cloudflare"})
    assert found is not None and (found.kind, found.evidence) == (
        "cloudflare_challenge",
        "cf-mitigated: challenge",
    )


def test_a_vendors_server_header_names_a_nearly_empty_page() -> None:
    page = (
        b"<html><head><title>news.example</title></head><body><script src='/js/c.js'></script></body></html>"
    )
    found = blocked(403, page, {"Server": "ddos-guard"})
    assert found is not None and found.kind == "ddos_guard"
    assert blocked(403, page) is None, "without the header it is just an empty page"


def test_a_redirect_or_an_empty_body_is_no_challenge() -> None:
    assert blocked(302, challenge("cloudflare_challenge.html")) is None
    assert blocked(403, b"") is None


def sample_article_html() -> str:
    articles = build_articles(datetime(2026, 3, 14, tzinfo=UTC))
    modern = next(a for a in articles if a.template == "modern")
    return pages.article_page(modern, [a for a in articles if a is not modern])


# A real article, and the same article with what real articles carry beside their text.
RECAPTCHA_COMMENTS = """<section id="comments"><h3>Leave a comment</h3>
<script src="https://www.google.com/recaptcha/api.js" async defer></script>
<form action="/comments" method="post"><textarea name="comment"></textarea>
<div class="g-recaptcha" data-sitekey="6LcA1b2cAAAAAAbCdEfGhIjKlMnOpQrStUvWxYz"></div>
<p>Please verify you are human before posting: complete the security check.</p>
<button>Post</button></form></section>"""
DENIED_IN_TEXT = """<p>Officials said the reporters were stopped at the gate. "Access denied," the guard
told them, and a second request to visit was rejected the next morning as well.</p>"""
VENDOR_SCRIPTS = """<script src="/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3"></script>
<script>window._pxAppId = 'PXabcDEF12';</script><script src="https://js.datadome.co/tags.js" async></script>
<script src="/cdn-cgi/challenge-platform/h/b/scripts/jsd/1a2b3c4d/main.js"></script>
<div class="cf-turnstile" data-sitekey="0x4AAAAAAAB1cDeFgHiJkLmN"></div>"""


@pytest.mark.parametrize("extra", [RECAPTCHA_COMMENTS, DENIED_IN_TEXT, VENDOR_SCRIPTS])
@pytest.mark.parametrize("status", [200, 403])
def test_an_article_with_a_captcha_form_a_vendor_script_or_the_words_is_no_challenge(
    extra: str, status: int
) -> None:
    html = sample_article_html().replace("</main>", extra + "</main>", 1)
    assert extra in html
    assert blocked(status, html.encode("utf-8")) is None


def test_a_short_access_denied_mention_outside_the_headline_is_no_challenge() -> None:
    html = b"<html><head><title>Court ruling</title></head><body><h1>Court ruling</h1><p>Access denied, said the judge.</p></body></html>"
    assert blocked(200, html) is None


REAL_PAGES = sorted(p.name for p in (FIXTURES / "pages").glob("*.html.gz"))


@pytest.mark.parametrize("status", [200, 403])
@pytest.mark.parametrize("name", REAL_PAGES)
def test_no_saved_news_page_is_taken_for_a_challenge(name: str, status: int) -> None:
    body = gzip.decompress((FIXTURES / "pages" / name).read_bytes())
    assert blocked(status, body) is None
    assert blocked(status, body[:MAX_BYTES]) is None, "not even its first part, which is searched"


def test_the_sample_sites_pages_and_the_chrome_fixture_are_no_challenges() -> None:
    assert blocked(200, (FIXTURES / "wordpress_chrome.html").read_bytes()) is None
    assert blocked(200, sample_article_html().encode("utf-8")) is None
