"""WARC files of what a crawl fetched (NEWSCRAWLER_WARC_DIR): the writer, without Scrapy.

Each fetched page is one ``Exchange``: a ``response`` record (status line, headers, body) and the
``request`` record that asked for it, linked by WARC-Concurrent-To, WARC 1.1, each record its own
gzip member (warcio's WARCWriter; it computes WARC-Block-Digest and WARC-Payload-Digest). A file
starts with a ``warcinfo`` record and is named as Heritrix 3 names its files, without the port
(a crawl has no control port)::

    PREFIX-TIMESTAMP17-SERIAL-PID~HOSTNAME.warc.gz       newscrawler-20261128231843123-00000-4242~host.warc.gz

While it is written a file ends in ``.open`` and holds an exclusive lock (flock); closing renames
it. A file would pass ``max_bytes`` with the next exchange: it is closed first and the exchange
starts the next one (an exchange larger than ``max_bytes`` has a file of its own). An exchange is
written with one write() of its two gzip members; a write that fails is cut off again, so a file
never keeps half an exchange. A crawl killed outright (SIGKILL) leaves its ``.open`` file, the
last exchange perhaps cut: ``recover`` (run when the next capture starts) cuts such a file back
to its last whole gzip member and closes it. Only ``.open`` files of this host whose lock is free
are touched: another crawl's file in progress never is.

The body is stored as the crawl's extraction saw it: decoded from its Content-Encoding (gzip,
br...) and de-chunked. The headers say so, as Common Crawl's do: Content-Length is the stored
body's length, and the header it replaced is kept as ``X-Crawler-Content-Length`` (likewise
``X-Crawler-Transfer-Encoding``), so that a reader (warcio's ``content_stream()``, FastWARC) hands
over exactly those bytes without decoding them again.
"""

from __future__ import annotations

import fcntl
import http
import io
import os
import socket
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

PREFIX = "newscrawler"
SUFFIX = ".warc.gz"
OPEN = ".open"


@dataclass(frozen=True)
class Exchange:
    """One fetched page: the request as sent and the response as the crawl's extraction saw it."""

    url: str  # the response's URL (WARC-Target-URI of both records)
    status: int
    headers: list[tuple[str, str]]  # the response's, as received (decoded body: see fix_headers)
    body: bytes  # decoded
    fetched: datetime  # when the response arrived (WARC-Date), aware
    method: str = "GET"
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    ip: str | None = None  # WARC-IP-Address
    protocol: str = "HTTP/1.1"


def file_name(opened: datetime, serial: int, prefix: str = PREFIX) -> str:
    """Heritrix 3's name: PREFIX-TIMESTAMP17-SERIAL-PID~HOSTNAME.warc.gz (the time the file opened, UTC)."""
    stamp = opened.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
    host = socket.gethostname().replace("~", "-").replace("/", "-") or "localhost"
    return f"{prefix}-{stamp}-{serial:05d}-{os.getpid()}~{host}{SUFFIX}"


def fix_headers(headers: Iterable[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    """The response headers for the stored body: Transfer-Encoding gone, Content-Length the body's
    length (a header they replace is kept as X-Crawler-*). Content-Encoding is left only when the
    body is still encoded (an encoding Scrapy could not decode), so a reader decodes it as it says."""
    fixed = []
    length = str(body_length)
    for name, value in headers:
        lower = name.lower()
        if lower == "transfer-encoding" or (lower == "content-length" and value.strip() != length):
            fixed.append((f"X-Crawler-{name}", value))
        elif lower != "content-length":
            fixed.append((name, value))
    fixed.append(("Content-Length", length))
    return fixed


def exchange_bytes(exchange: Exchange) -> bytes:
    """The exchange's response and request records, each a gzip member, ready to append to a file."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
    date = datetime_to_iso_date(exchange.fetched.astimezone(UTC).replace(tzinfo=None), use_micros=True)
    reason = _reason(exchange.status)
    response_headers = StatusAndHeaders(
        f"{exchange.status} {reason}".strip(),
        fix_headers(exchange.headers, len(exchange.body)),
        protocol=exchange.protocol,
    )
    warc_headers = {"WARC-Date": date}
    if exchange.ip:
        warc_headers["WARC-IP-Address"] = exchange.ip
    response = writer.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=response_headers,
        warc_headers_dict=warc_headers,
    )
    request = writer.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(exchange.request_body),
        length=len(exchange.request_body),
        http_headers=_request_headers(exchange),
        warc_headers_dict={
            **warc_headers,
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    writer.write_record(response)
    writer.write_record(request)
    return buffer.getvalue()


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _request_headers(exchange: Exchange) -> StatusAndHeaders:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(exchange.request_headers)
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))  # sent by the HTTP client, not in Scrapy's headers
    return StatusAndHeaders(f"{exchange.method} {target} {exchange.protocol}", headers, is_http_request=True)


class WarcFiles:
    """The WARC files of one crawl in one directory, written one exchange at a time (not thread-safe:
    one writer thread). ``write`` raises OSError when the disk refuses; the file stays whole."""

    def __init__(
        self, directory: str | Path, max_bytes: int, info: dict[str, str], prefix: str = PREFIX
    ) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.info = info  # the warcinfo record's fields
        self.prefix = prefix
        self.serial = 0
        self.closed: list[Path] = []  # files closed (renamed), in order
        self._file: IO[bytes] | None = None
        self._path: Path | None = None  # the .open path of the file being written
        self._size = 0
        self._exchanges = 0  # in the file being written

    def write(self, exchange: Exchange) -> int:
        """Append one exchange (rotating first when it would pass max_bytes); its size in bytes."""
        data = exchange_bytes(exchange)
        if self._file is not None and self._exchanges and self._size + len(data) > self.max_bytes:
            self.close()
        if self._file is None:
            self._open()
        self._append(data)
        self._exchanges += 1
        return len(data)

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = file_name(datetime.now(UTC), self.serial, self.prefix)
        self.serial += 1
        path = self.directory / (name + OPEN)
        handle = open(path, "xb")  # noqa: SIM115 (kept open across writes; closed in close())
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # ours while written: recover() skips it
            buffer = io.BytesIO()
            writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
            writer.write_record(writer.create_warcinfo_record(name, self.info))
            self._file, self._path, self._size, self._exchanges = handle, path, 0, 0
            self._append(buffer.getvalue())
        except OSError:
            self._file = self._path = None
            handle.close()
            path.unlink(missing_ok=True)
            raise

    def _append(self, data: bytes) -> None:
        assert self._file is not None
        try:
            self._file.write(data)
            self._file.flush()
        except OSError:
            self._cut_back()
            raise
        self._size += len(data)

    def _cut_back(self) -> None:
        """A failed write leaves part of a record: cut the file back to its last whole one. When even
        that fails the file is left as .open, unlocked (recover() cuts it), and the next write opens another."""
        assert self._file is not None
        try:
            self._file.seek(self._size)
            self._file.truncate(self._size)
            self._file.flush()
        except (OSError, ValueError):
            self._abandon()

    def _abandon(self) -> None:
        handle, self._file, self._path = self._file, None, None
        try:
            if handle is not None:
                handle.close()
        except OSError:
            pass

    def close(self) -> None:
        """Close the file being written and rename it from .open; nothing to do when none is open."""
        handle, path = self._file, self._path
        if handle is None or path is None:
            return
        self._file = self._path = None
        try:
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            handle.close()  # releases the lock
        final = path.with_name(path.name[: -len(OPEN)])
        os.replace(path, final)
        self.closed.append(final)


def whole_length(stream: IO[bytes]) -> int:
    """The length of the stream's leading whole gzip members: where a cut last member starts."""
    good = position = 0  # end of the last whole member; bytes fed to the members so far
    decompressor = zlib.decompressobj(wbits=31)
    data = b""
    while True:
        if not data:
            data = stream.read(1 << 20)
            if not data:
                return good  # the stream ends: after a whole member, or inside a cut one
        try:
            decompressor.decompress(data)
        except zlib.error:
            return good  # not gzip from here on
        if decompressor.eof:  # a member ended inside data; the rest starts the next one
            position += len(data) - len(decompressor.unused_data)
            good, data = position, decompressor.unused_data
            decompressor = zlib.decompressobj(wbits=31)
        else:
            position, data = position + len(data), b""


def recover(directory: str | Path) -> list[Path]:
    """Close the .open files a killed crawl of this host left in directory: each is cut back to its
    last whole gzip member and renamed. Files whose lock is held (a crawl writing them) are left alone."""
    host = socket.gethostname().replace("~", "-").replace("/", "-") or "localhost"
    recovered = []
    for path in sorted(Path(directory).glob(f"*~{host}{SUFFIX}{OPEN}")):
        try:
            with open(path, "r+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # another crawl is writing it
                good = whole_length(handle)
                handle.truncate(good)
                os.fsync(handle.fileno())
                os.replace(path, path.with_name(path.name[: -len(OPEN)]))
        except FileNotFoundError:
            continue  # closed meanwhile by its writer
        recovered.append(path.with_name(path.name[: -len(OPEN)]))
    return recovered


def check_directory(directory: str | Path) -> str | None:
    """Why a capture cannot write to directory (None: it can); made when missing."""
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".newscrawler-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return f"NEWSCRAWLER_WARC_DIR={str(directory)!r}: cannot write there ({exc.strerror or exc})"
    return None


def info_fields(**extra: Any) -> dict[str, str]:
    """The warcinfo record's fields: who wrote the file, how, and what it conforms to."""
    import warcio

    fields = {
        "software": f"newscrawler (warcio {getattr(warcio, '__version__', '')})".replace(" ()", ""),
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "hostname": socket.gethostname(),
    }
    fields.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
    return fields
