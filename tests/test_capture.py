"""newscrawler.capture: which fetched pages go to the WARC capture, as what, and a failing disk."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from newscrawler.capture import WarcCapture
from newscrawler.context import KEY, Context, Kind
from newscrawler.stats import EXIT_OUTPUT_FAILED, exit_reason, exit_status

BODY = b"<html><head><title>T</title></head><body><p>" + "Caf\u00e9 ".encode() * 400 + b"</p></body></html>"


def make_capture(tmp_path: Path, **settings: Any) -> tuple[WarcCapture, Any]:
    crawler = get_crawler(Spider, {"NEWSCRAWLER_WARC_DIR": str(tmp_path), **settings})
    capture = WarcCapture.from_crawler(crawler)
    spider = Spider("news")
    capture.spider_opened(spider)
    return capture, spider


def request(kind: Kind | None, url: str = "http://news.example/a.html") -> Request:
    meta = {KEY: Context("news", "http://news.example/", kind)} if kind else {}
    return Request(url, meta=meta, headers={"User-Agent": "newscrawler-test"})


def captured(tmp_path: Path) -> list[tuple[str, Any, bytes]]:
    found = []
    for path in sorted(tmp_path.glob("*.warc.gz")):
        with open(path, "rb") as f:
            for record in ArchiveIterator(f, check_digests="raise"):
                if record.rec_type == "response":
                    found.append(
                        (
                            record.rec_headers.get_header("WARC-Target-URI"),
                            record,
                            record.content_stream().read(),
                        )
                    )
    return found


def test_capture_is_off_without_a_directory() -> None:
    with pytest.raises(NotConfigured):
        WarcCapture.from_crawler(get_crawler(Spider, {}))


@pytest.mark.parametrize(
    ("listings", "expected"),
    [
        (False, ["http://news.example/article"]),
        (
            True,
            ["http://news.example/article", "http://news.example/listing", "http://news.example/robots.txt"],
        ),
    ],
)
def test_article_pages_are_captured_and_listings_only_when_asked(
    tmp_path: Path, listings: bool, expected: list[str]
) -> None:
    capture, spider = make_capture(tmp_path, NEWSCRAWLER_WARC_LISTINGS=listings)
    for kind, name in ((Kind.ARTICLE, "article"), (Kind.LISTING, "listing"), (None, "robots.txt")):
        req = request(kind, f"http://news.example/{name}")
        response = HtmlResponse(req.url, body=BODY, request=req)
        assert capture.process_response(req, response) is response
    capture.spider_closed(spider)
    assert sorted(url for url, _, _ in captured(tmp_path)) == expected
    assert capture.crawler.stats.get_value("newscrawler/warc/records") == len(expected)
    assert capture.crawler.stats.get_value("newscrawler/warc/files") == 1


def test_a_gzip_page_is_stored_decoded_with_headers_that_say_so(tmp_path: Path) -> None:
    capture, spider = make_capture(tmp_path)
    req = request(Kind.ARTICLE)
    wire = gzip.compress(BODY)
    raw = HtmlResponse(
        req.url, body=wire, request=req,
        headers={"Content-Encoding": "gzip", "Content-Length": str(len(wire)), "Content-Type": "text/html"},
    )  # fmt: skip
    decoded = HttpCompressionMiddleware.from_crawler(capture.crawler).process_response(req, raw)
    capture.process_response(req, decoded)
    capture.spider_closed(spider)
    ((url, record, body),) = captured(tmp_path)
    assert url == req.url and body == BODY == decoded.body, "the bytes the extraction saw"
    assert record.http_headers.get_header("Content-Encoding") is None
    assert record.http_headers.get_header("Content-Length") == str(len(BODY))
    assert record.http_headers.get_header("X-Crawler-Content-Length") == str(len(wire))


def test_a_disk_that_fails_is_one_error_a_count_and_exit_status_3_never_a_lost_response(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    capture, spider = make_capture(tmp_path)

    def disk_full(exchange: Any) -> int:
        raise OSError(28, "No space left on device")

    capture.files.write = disk_full  # type: ignore[method-assign]
    responses = []
    for n in range(3):
        req = request(Kind.ARTICLE, f"http://news.example/{n}.html")
        response = HtmlResponse(req.url, body=BODY, request=req)
        responses.append(capture.process_response(req, response) is response)
    capture.spider_closed(spider)
    assert all(responses), "the crawl gets every response: its articles are written as usual"
    stats = capture.crawler.stats.get_stats()
    assert stats["newscrawler/warc/failed"] == 3
    errors = [r.getMessage() for r in caplog.records if r.getMessage().startswith("error:")]
    assert len(errors) == 1 and "No space left" in errors[0]
    assert exit_status({**stats, "downloader/response_status_count/200": 3}) == EXIT_OUTPUT_FAILED
    assert "3 fetched pages could not be written to the WARC capture" in exit_reason(
        stats, EXIT_OUTPUT_FAILED
    )


def test_a_killed_crawls_open_file_is_closed_when_the_next_capture_starts(tmp_path: Path) -> None:
    first, _ = make_capture(tmp_path)
    req = request(Kind.ARTICLE)
    first.process_response(req, HtmlResponse(req.url, body=BODY, request=req))
    first._settle(block=2)
    first.writer.shutdown(wait=True)
    first.files._abandon()  # as SIGKILL leaves it: .open, unlocked
    assert len(list(tmp_path.glob("*.open"))) == 1
    second, spider = make_capture(tmp_path)
    second.spider_closed(spider)
    assert second.crawler.stats.get_value("newscrawler/warc/recovered") == 1
    assert not list(tmp_path.glob("*.open")) and [u for u, _, _ in captured(tmp_path)] == [req.url]
