"""The meta-refresh check that skips decoding pages (the same redirects as Scrapy's), Retry-After,
and the challenge pages that end their request as blocked."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from newscrawler import settings as project_settings
from newscrawler.context import KEY, Context, Kind
from newscrawler.middlewares import BlockedPageMiddleware, MetaRefreshMiddleware, retry_after_seconds
from newscrawler.stats import BlockedPage, failure_reason

REFRESH = '<meta http-equiv="Refresh" content="0; url=/moved.html">'


def page(head: str, encoding: str = "utf-8", filler: int = 0) -> HtmlResponse:
    html = f"<html><head><title>t</title>{'<!-- pad -->' * filler}{head}</head><body><p>x</p></body></html>"
    return HtmlResponse(
        "https://news.example/a.html",
        body=html.encode(encoding),
        headers={"Content-Type": f"text/html; charset={encoding}"},
        request=Request("https://news.example/a.html"),
    )


@pytest.fixture
def mw() -> MetaRefreshMiddleware:
    return MetaRefreshMiddleware.from_crawler(get_crawler(settings_dict={"METAREFRESH_ENABLED": True}))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_a_meta_refresh_still_redirects(mw: MetaRefreshMiddleware, encoding: str) -> None:
    response = page(REFRESH, encoding)
    result = mw.process_response(response.request, response)
    assert isinstance(result, Request)
    assert result.url == "https://news.example/moved.html"


def test_a_page_without_one_is_passed_on_untouched(mw: MetaRefreshMiddleware) -> None:
    response = page("")
    assert mw.process_response(response.request, response) is response


def test_a_tag_past_scrapys_4096_characters_is_ignored_as_scrapy_does(mw: MetaRefreshMiddleware) -> None:
    response = page(REFRESH, filler=400)  # 4,800 characters of comments first
    assert mw.process_response(response.request, response) is response


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00 GMT") == 0, "a date in the past: no wait"
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


CHALLENGE = (Path(__file__).parent / "fixtures" / "blocked" / "cloudflare_challenge.html").read_bytes()


def response_to(
    url: str, body: bytes, status: int = 403, ctype: str = "text/html"
) -> HtmlResponse | TextResponse:
    request = Request(url, meta={KEY: Context("news.example", "https://news.example/", Kind.LISTING)})
    cls = HtmlResponse if "html" in ctype else TextResponse
    return cls(url, status=status, body=body, headers={"Content-Type": ctype}, request=request)


@pytest.fixture
def blocked_mw() -> BlockedPageMiddleware:
    return BlockedPageMiddleware.from_crawler(get_crawler())


@pytest.mark.parametrize("status", [200, 403, 503])
def test_a_challenge_page_ends_its_request_as_blocked(blocked_mw: BlockedPageMiddleware, status: int) -> None:
    response = response_to("https://news.example/2026/03/14/a-story/", CHALLENGE, status)
    with pytest.raises(BlockedPage) as raised:
        blocked_mw.process_response(response.request, response)
    assert raised.value.kind == "cloudflare_challenge"
    assert failure_reason(Failure(raised.value)) == ("errors", "blocked"), "never http_403, never ignored"


def test_a_real_page_or_a_non_html_answer_passes_untouched(blocked_mw: BlockedPageMiddleware) -> None:
    for response in (
        response_to("https://news.example/a/", b"<html><body><p>News.</p></body></html>", 200),
        response_to("https://news.example/sitemap.xml", CHALLENGE, 200, "application/xml"),
    ):
        assert blocked_mw.process_response(response.request, response) is response


def test_a_robots_txt_challenge_is_read_as_an_empty_robots_txt_and_counted(
    blocked_mw: BlockedPageMiddleware,
) -> None:
    response = response_to("https://news.example/robots.txt", CHALLENGE, 503)
    response.headers[b"Retry-After"] = b"30"
    assert response.request is not None
    read = blocked_mw.process_response(response.request, response)
    assert read.body == b"" and read.status == 503, "no rules (nothing forbidden), no Sitemap lines"
    assert response.request.meta["dont_retry"] and b"Retry-After" not in read.headers, "not retried"
    stats = blocked_mw.crawler.stats
    assert stats is not None and stats.get_value("newscrawler/news.example/errors/blocked") == 1


def test_challenge_pages_are_read_decoded_and_before_a_refresh_or_a_retry() -> None:
    settings = Settings()
    settings.setmodule(project_settings)
    order = {**settings.getwithbase("DOWNLOADER_MIDDLEWARES")}
    mine = order["newscrawler.middlewares.BlockedPageMiddleware"]
    # The response chain runs from the highest order down: decoded first, then judged.
    assert order["scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"] > mine
    assert mine > order["newscrawler.middlewares.MetaRefreshMiddleware"]
    assert mine > order["newscrawler.middlewares.PolitenessMiddleware"]
    assert mine > order["scrapy.downloadermiddlewares.retry.RetryMiddleware"]
