"""RemoteFile: a remote WARC read as a stream, resumed by Range where the connection dropped.

The network is a fake urlopen here; tests/crawl/test_archive.py reads through a real local server."""

from __future__ import annotations

import io
import urllib.error
from email.message import Message
from typing import Any

import pytest

from newscrawler.archive import http
from newscrawler.archive.http import ArchiveUnreadable, Fetch, RemoteFile, read_all

DATA = bytes(range(256)) * 40  # 10 KB


class Response(io.BytesIO):
    def __init__(self, data: bytes, status: int, headers: dict[str, str], drop_after: int | None) -> None:
        super().__init__(data)
        self.status, self.drop_after, self.headers = status, drop_after, Message()
        for k, v in headers.items():
            self.headers[k] = v

    def read(self, size: int | None = -1) -> bytes:
        if self.drop_after is not None and self.tell() >= self.drop_after:
            raise ConnectionResetError("reset by peer")
        return super().read(
            size if self.drop_after is None else min(size or 1 << 20, self.drop_after - self.tell())
        )


def fake_server(monkeypatch: pytest.MonkeyPatch, drops: list[int], ranges: bool = True) -> list[str | None]:
    """Serve DATA; the n-th response drops after drops[n] bytes (while drops last)."""
    asked: list[str | None] = []

    def urlopen(request: Any, timeout: float) -> Response:
        wanted = request.get_header("Range")
        asked.append(wanted)
        start = int(wanted[6:].split("-")[0]) if wanted and ranges else 0
        drop = drops.pop(0) if drops else None
        if start:
            headers = {
                "Content-Range": f"bytes {start}-{len(DATA) - 1}/{len(DATA)}",
                "Content-Length": str(len(DATA) - start),
            }
            return Response(DATA[start:], 206, headers, drop)
        return Response(DATA, 200, {"Content-Length": str(len(DATA))}, drop)

    monkeypatch.setattr(http.urllib.request, "urlopen", urlopen)
    return asked


FAST = Fetch(retries=3, backoff=0, sleep=lambda s: None)


def test_a_dropped_connection_resumes_at_the_byte_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = fake_server(monkeypatch, [3000, 2000])
    assert read_all("https://x.example/f.warc.gz", FAST) == DATA
    assert asked == [None, "bytes=3000-", "bytes=5000-"]


def test_a_server_that_ignores_range_is_read_again_from_the_start_and_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_server(monkeypatch, [3000], ranges=False)
    assert read_all("https://x.example/f.warc.gz", FAST) == DATA


def test_opening_at_an_offset_asks_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = fake_server(monkeypatch, [])
    stream = RemoteFile("https://x.example/f.warc.gz", 1000, FAST)
    assert stream.read(10) == DATA[1000:1010] and stream.tell() == 1010 and asked == ["bytes=1000-"]


def test_failures_without_progress_give_up_and_a_404_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_server(monkeypatch, [0, 0, 0, 0, 0])
    with pytest.raises(ArchiveUnreadable, match="3 retries"):
        read_all("https://x.example/f.warc.gz", FAST)

    def not_found(request: Any, timeout: float) -> Any:
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", Message(), io.BytesIO())

    monkeypatch.setattr(http.urllib.request, "urlopen", not_found)
    with pytest.raises(ArchiveUnreadable, match="HTTP 404"):
        RemoteFile("https://x.example/gone.warc.gz", 0, FAST)
