"""The meta-refresh check that skips decoding pages: the same redirects as Scrapy's."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawler.middlewares import MetaRefreshMiddleware, retry_after_seconds

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
