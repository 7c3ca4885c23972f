"""A remote WARC file as a stream: read as it arrives, never held whole, resumed by HTTP Range.

A CC-NEWS file is about 1 GB; connections drop. ``RemoteFile`` reads the response as FastWARC
asks for bytes, and when the connection fails or ends early it asks again from the byte it had
reached (``Range: bytes=N-``; a server that ignores Range sends the whole file, and the bytes
already read are skipped). Each failure waits a little longer (``backoff``); ``retries`` failures
in a row without a byte read in between give up: ``ArchiveUnreadable``. Nothing is written to disk.
Standard library only (http.client through urllib): no Scrapy, no reactor; it runs in the
archive spider's reading thread.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CHUNK = 1 << 16
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class ArchiveUnreadable(Exception):
    """A WARC file (or a CC-NEWS paths file) that cannot be read: missing, refused, or gone."""


@dataclass(frozen=True)
class Fetch:
    """How remote files are fetched (from the crawl's settings)."""

    user_agent: str = "newscrawler"
    timeout: float = 30.0  # seconds without a byte: the connection is dead
    retries: int = 5  # failures in a row (no byte read in between) before giving up
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one (capped at 30)
    sleep: Callable[[float], None] = time.sleep


class RemoteFile(io.RawIOBase):
    """A file-like view of ``url`` from byte ``start``: ``read`` and ``tell`` (file offsets)."""

    def __init__(self, url: str, start: int = 0, fetch: Fetch | None = None) -> None:
        super().__init__()
        self.url = url
        self.pos = start
        self.fetch = fetch or Fetch()
        self.size: int | None = None  # the whole file's length, once a response said it
        self.resumed = 0  # times the connection was opened again mid-file
        self._response: Any = None
        self._failures = 0
        self._connect()

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self.pos + offset}.get(whence)
        if target is None:
            raise OSError("a remote WARC is read forwards")
        if target != self.pos:
            self._close_response()
            self.pos = target
            self._connect()
        return self.pos

    def read(self, size: int = -1) -> bytes:
        want = CHUNK if size is None or size < 0 else size
        while True:
            if self.size is not None and self.pos >= self.size:
                return b""
            try:
                data = self._response.read(want) if self._response is not None else b""
            except (OSError, http.client.HTTPException) as exc:
                self._failed(exc)
                continue
            if data:
                self.pos += len(data)
                self._failures = 0
                return bytes(data)
            if self.size is None:
                return b""  # no length known: the end of the response is the end of the file
            self._failed(EOFError(f"connection closed at byte {self.pos} of {self.size}"))

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._close_response()
        super().close()

    def _failed(self, exc: BaseException) -> None:
        """The connection failed: wait, then open it again at the byte reached."""
        self._close_response()
        self._failures += 1
        if self._failures > self.fetch.retries:
            raise ArchiveUnreadable(f"{self.url}: {exc} ({self.fetch.retries} retries)") from None
        self.fetch.sleep(min(30.0, self.fetch.backoff * 2 ** (self._failures - 1)))
        self.resumed += 1
        self._connect()

    def _connect(self) -> None:
        headers = {"User-Agent": self.fetch.user_agent, "Accept-Encoding": "identity"}
        if self.pos:
            headers["Range"] = f"bytes={self.pos}-"
        request = urllib.request.Request(self.url, headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=self.fetch.timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 416 and self.size is not None and self.pos >= self.size:
                return  # asked from the end: nothing left
            if exc.code not in RETRYABLE_STATUS:
                raise ArchiveUnreadable(f"{self.url}: HTTP {exc.code}") from None
            self._failed(exc)
            return
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out, DNS
            self._failed(exc)
            return
        self._response = response
        self._take_length(response)

    def _take_length(self, response: Any) -> None:
        length = response.headers.get("Content-Length")
        if response.status == 206:
            total = (response.headers.get("Content-Range") or "").rpartition("/")[2]
            if total.isdigit():
                self.size = int(total)
            return
        if length and length.isdigit():
            self.size = int(length)
        if self.pos:  # the server ignored Range: skip what was read before
            skip = self.pos
            while skip:
                data = response.read(min(CHUNK, skip))
                if not data:
                    raise ArchiveUnreadable(f"{self.url}: shorter than the offset {self.pos} reached before")
                skip -= len(data)

    def _close_response(self) -> None:
        if self._response is not None:
            with contextlib.suppress(OSError, http.client.HTTPException):
                self._response.close()
            self._response = None


def read_all(url: str, fetch: Fetch, limit: int = 64 << 20) -> bytes:
    """A small remote file whole (a CC-NEWS warc.paths.gz: some kilobytes)."""
    stream = RemoteFile(url, 0, fetch)
    try:
        chunks, total = [], 0
        while chunk := stream.read(CHUNK):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ArchiveUnreadable(f"{url}: larger than {limit >> 20} MB")
        return b"".join(chunks)
    finally:
        stream.close()
