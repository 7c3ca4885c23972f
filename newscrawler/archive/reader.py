"""Reading WARC records with FastWARC: each record's header, and the payload of those asked for.

Pure (no Scrapy, no reactor): ``read_records(open_at, ...)`` yields one ``Record`` for every
record of a file, in order, so that the caller can count each one. A record's payload is read
(and its HTTP transfer and content encodings undone) only when ``wanted(head)`` says so: a
``revisit``, a request, a non-HTML response or a host nobody asked for costs its header only.

A truncated or corrupt record is a ``Record`` with ``problem="bad_record"``, and the rest of the
file is still read: after a record FastWARC cannot parse, reading starts again at the next record
boundary (the next gzip member of a gzip-per-record file, the next ``WARC/1.`` line of an
uncompressed one), found by scanning forward from the last good record.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from fastwarc import ArchiveIterator, WarcRecord
from fastwarc.stream_io import BrotliReader, ChunkedReader

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = (b"WARC/1.0\r\n", b"WARC/1.1\r\n")
SCAN_CHUNK = 1 << 16
MAX_PAYLOAD = 16 * 1024 * 1024  # as DOWNLOAD_MAXSIZE: no news page is bigger; a bigger one is a bomb
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Head:
    """What a record's headers say (WARC headers, and the HTTP status line and type of a response)."""

    kind: str  # WARC-Type: response, request, revisit, warcinfo, metadata, resource, ...
    url: str | None  # WARC-Target-URI
    date: str | None  # WARC-Date, as written (ISO 8601, UTC)
    record_id: str | None  # WARC-Record-ID
    status: int | None  # the HTTP status of a response record; None when it holds no HTTP
    content_type: str | None  # the HTTP Content-Type of a response (else the WARC one), lower case

    @property
    def html(self) -> bool:
        return (self.content_type or "").split(";")[0].strip() in HTML_TYPES


@dataclass(frozen=True)
class Record:
    """One record: its offset in the file (compressed bytes), its header, its payload if asked."""

    offset: int | None  # None in a file compressed as one gzip stream: no record can be sought
    head: Head | None  # None for a bad stretch whose header could not be read
    body: bytes | None = None  # the decoded HTTP payload, when ``wanted``
    problem: str | None = None  # bad_record (truncated, corrupt), bad_encoding, too_large
    boundary: bool = True  # the offset is a record's start (a reading may resume there)


class Stream(Protocol):
    """A WARC file opened at an offset: read forwards; ``tell()`` gives offsets in the file."""

    def read(self, size: int = -1, /) -> bytes: ...
    def seek(self, offset: int, whence: int = 0, /) -> int: ...
    def tell(self) -> int: ...
    def close(self) -> None: ...


Opener = Callable[[int], Stream]  # the file from this offset
READ_ERRORS = (OSError, ValueError, EOFError, RuntimeError)  # what FastWARC raises on a bad record


def read_records(
    open_at: Opener, wanted: Callable[[Head], bool], start: int = 0, skip_first: bool = False
) -> Iterator[Record]:
    """Every record of the file from ``start`` (a record boundary); with ``skip_first``, the
    record at ``start`` is left out (its outcome was final in an earlier run)."""
    if not seekable(open_at, start):
        yield from _read_whole(open_at, wanted)
        return
    pos, last, failed = start, None, False
    while True:
        stream = open_at(pos)
        try:
            for rec in ArchiveIterator(stream, parse_http=True, auto_decode="none"):
                offset = int(rec.stream_pos)
                last, failed = offset, False
                if skip_first and offset == start:
                    continue
                yield _record(rec, offset, wanted)
            end = _truncated_tail(open_at, last if last is not None else pos)
            if end is not None and not failed:
                yield Record(end, None, problem="bad_record", boundary=False)
            return
        except READ_ERRORS:
            pass  # a record FastWARC cannot read: resynchronise below
        finally:
            stream.close()
        after = last if last is not None else pos
        if not failed:  # one corrupt stretch, one count, however many boundaries it takes
            yield Record(after + 1, None, problem="bad_record", boundary=False)
            failed = True
        boundary = _next_boundary(open_at, after + 1)
        if boundary is None:
            return
        pos, last = boundary, None


def _read_whole(open_at: Opener, wanted: Callable[[Head], bool]) -> Iterator[Record]:
    """A file gzip-compressed as one stream (not one member per record, as the WARC standard
    recommends): read from its start, without offsets; a corrupt record ends it."""
    stream = open_at(0)
    try:
        for rec in ArchiveIterator(stream, parse_http=True, auto_decode="none"):
            found = _record(rec, None, wanted)
            yield found if found.problem is None else Record(None, found.head, problem=found.problem)
    except READ_ERRORS:
        yield Record(None, None, problem="bad_record", boundary=False)
    finally:
        stream.close()


def seekable(open_at: Opener, pos: int) -> bool:
    """Whether records can be sought by offset: an uncompressed file, or gzip with one member per
    record (the first member holds one record only)."""
    stream = open_at(pos)
    try:
        head = stream.read(2)
        if head != GZIP_MAGIC[:2]:
            return True
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        seen = inflater.decompress(head)
        while not inflater.eof:
            chunk = stream.read(SCAN_CHUNK)
            if not chunk:
                return True
            seen = seen[-16:] + inflater.decompress(chunk, 1 << 20)
            while inflater.unconsumed_tail and not inflater.eof:
                if b"\nWARC/1." in seen:
                    return False
                seen = seen[-16:] + inflater.decompress(inflater.unconsumed_tail, 1 << 20)
            if b"\nWARC/1." in seen:
                return False
        return True
    except zlib.error:
        return True  # a corrupt first member: read as records, resynchronised on error
    finally:
        stream.close()


def _record(rec: WarcRecord, offset: int | None, wanted: Callable[[Head], bool]) -> Record:
    headers = rec.headers
    kind = str(rec.record_type)
    declared = (headers.get("Content-Length") or "").strip()
    warc_type = (headers.get("Content-Type") or "").lower()
    http = rec.is_http and kind == "response"
    status = rec.http_headers.status_code if http else None
    head = Head(
        kind=kind,
        url=headers.get("WARC-Target-URI"),
        date=headers.get("WARC-Date"),
        record_id=headers.get("WARC-Record-ID"),
        status=status,
        content_type=(rec.http_headers.get("Content-Type") if http else warc_type) or None,
    )
    if not declared.isdigit() or (kind == "response" and "application/http" in warc_type and status is None):
        return Record(offset, head, problem="bad_record")  # headers cut short, or an HTTP block without HTTP
    if not wanted(head):
        return _checked(rec, offset, head, None)
    raw = rec.reader.read(MAX_PAYLOAD + 1)
    if len(raw) > MAX_PAYLOAD:
        return Record(offset, head, problem="too_large")
    return _checked(rec, offset, head, raw)


def _checked(rec: WarcRecord, offset: int | None, head: Head, raw: bytes | None) -> Record:
    """The record, or a bad one when its block is shorter than its Content-Length (truncated)."""
    got = len(raw) if raw is not None else 0
    got += rec.reader.consume()
    if got < rec.content_length:
        return Record(offset, head, problem="bad_record")
    if raw is None:
        return Record(offset, head)
    try:
        return Record(offset, head, body=decode_payload(raw, rec.http_headers.to_dict()))
    except (OSError, ValueError, zlib.error):
        return Record(offset, head, problem="bad_encoding")


def decode_payload(raw: bytes, headers: dict[str, str]) -> bytes:
    """The HTTP payload as the page's bytes: chunked transfer encoding and gzip, deflate or br
    content encoding undone (as archived, the payload is what went over the wire)."""
    lower = {k.lower(): v.lower() for k, v in headers.items()}
    if "chunked" in lower.get("transfer-encoding", ""):
        raw = ChunkedReader(io.BytesIO(raw)).read(MAX_PAYLOAD + 1)
    for coding in reversed([c.strip() for c in lower.get("content-encoding", "").split(",") if c.strip()]):
        if coding in ("gzip", "x-gzip"):
            raw = _inflate(raw, 16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            try:
                raw = _inflate(raw, zlib.MAX_WBITS)
            except zlib.error:  # raw deflate, as some servers send it
                raw = _inflate(raw, -zlib.MAX_WBITS)
        elif coding == "br":
            raw = BrotliReader(io.BytesIO(raw)).read(MAX_PAYLOAD + 1)
        elif coding != "identity":
            raise ValueError(f"unknown content encoding {coding!r}")
    if len(raw) > MAX_PAYLOAD:
        raise ValueError("payload too large once decoded")
    return raw


def _inflate(data: bytes, wbits: int) -> bytes:
    out = zlib.decompressobj(wbits).decompress(data, MAX_PAYLOAD + 1)
    return out


def _next_boundary(open_at: Opener, pos: int) -> int | None:
    """The offset of the next record start at or after ``pos``: a gzip member or a WARC line."""
    stream = open_at(pos)
    try:
        tail = b""
        while True:
            chunk = stream.read(SCAN_CHUNK)
            if not chunk:
                return None
            data = tail + chunk
            found = [i for i in (data.find(m) for m in (GZIP_MAGIC, *WARC_MAGIC)) if i >= 0]
            if found:
                return pos - len(tail) + min(found)
            tail = data[-10:]
            pos += len(chunk)
    finally:
        stream.close()


def _truncated_tail(open_at: Opener, last: int) -> int | None:
    """Where a gzip member that held no whole record starts after the last record read (a file
    cut in its last member, which FastWARC ends on quietly); None when the file ends cleanly."""
    stream = open_at(last)
    try:
        head = stream.read(2)
        if head != GZIP_MAGIC[:2]:
            return None  # uncompressed: a cut record is seen by its length
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inflater.decompress(head)
        read = len(head)
        while not inflater.eof:
            chunk = stream.read(SCAN_CHUNK)
            if not chunk:
                return None
            read += len(chunk)
            inflater.decompress(chunk, 1 << 20)
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, 1 << 20)
        rest = inflater.unused_data
        end = last + read - len(rest)
        rest += stream.read(SCAN_CHUNK)
        return end if rest.strip(b"\0") else None
    except zlib.error:
        return None  # the last record was read whole; what follows it is another stretch's problem
    finally:
        stream.close()
