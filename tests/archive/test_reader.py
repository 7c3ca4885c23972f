"""The WARC reader: every record once, in order, with its offset; payloads only when asked for;
truncated and corrupt records counted and stepped over."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from newscrawler.archive.reader import Head, Record, decode_payload, read_records
from tests.archive.warcs import build_warc, saved_articles


def opener(data: bytes):  # type: ignore[no-untyped-def]
    def open_at(pos: int) -> io.BytesIO:
        stream = io.BytesIO(data)
        stream.seek(pos)
        return stream

    return open_at


def html_200(head: Head) -> bool:
    return head.kind == "response" and head.status == 200 and head.html


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return build_warc(tmp_path_factory.mktemp("warc") / "t.warc.gz", saved_articles(3))


def read(data: bytes, **kwargs: object) -> list[Record]:
    return list(read_records(opener(data), html_200, **kwargs))  # type: ignore[arg-type]


def test_every_record_once_with_its_offset_and_only_html_200_payloads(built) -> None:  # type: ignore[no-untyped-def]
    records = read(built.path.read_bytes())
    assert [r.offset for r in records[:-1]] == built.offsets[:-1]
    assert records[-1].problem == "bad_record", "the truncated last record"
    kinds = [r.head.kind for r in records[:-1] if r.head]
    assert kinds == ["warcinfo", *["request", "response"] * 3, "revisit", "response", "response", "response"]
    bodies = [r.head.url for r in records if r.body is not None and r.head]
    assert bodies == [*built.articles, built.articles[0] + "?utm_source=newsletter&utm_medium=email"]
    assert all(r.body is None for r in records if r.head and r.head.status == 404)


def test_a_rerun_resumes_after_the_last_final_record(built) -> None:  # type: ignore[no-untyped-def]
    start = built.offsets[4]
    records = read(built.path.read_bytes(), start=start, skip_first=True)
    assert records[0].offset == built.offsets[5]


def test_a_corrupt_record_is_counted_once_and_the_rest_is_read(built) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(built.path.read_bytes())
    at = built.offsets[2]
    data[at + 20 : at + 60] = b"\0" * 40  # inside the gzip member of the first response
    records = read(bytes(data))
    assert sum(r.problem == "bad_record" for r in records) == 2, "the corrupt one, and the truncated last"
    assert [r.offset for r in records if r.problem is None] == [o for o in built.offsets[:-1] if o != at]


def test_a_file_cut_inside_its_last_gzip_member_says_so(built) -> None:  # type: ignore[no-untyped-def]
    data = built.path.read_bytes()
    for cut in (5, 40):
        records = read(data[: built.offsets[-1] + cut])
        assert records[-1].problem == "bad_record"


def test_an_uncompressed_and_a_whole_file_gzip_warc_read_the_same(tmp_path: Path) -> None:
    pages = saved_articles(2)
    plain = build_warc(tmp_path / "t.warc", pages, truncate=False)
    data = plain.path.read_bytes()
    urls = [r.head.url for r in read(data) if r.body is not None and r.head]
    whole = read(gzip.compress(data))
    assert [r.head.url for r in whole if r.body is not None and r.head] == urls
    assert all(r.offset is None for r in whole), "one gzip stream: no offset to resume at"


def test_transfer_and_content_encodings_are_undone() -> None:
    page = b"<html><body>" + b"news " * 100 + b"</body></html>"
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (page[:50], page[50:])) + b"0\r\n\r\n"
    assert decode_payload(chunked, {"Transfer-Encoding": "chunked"}) == page
    assert decode_payload(gzip.compress(page), {"Content-Encoding": "gzip"}) == page
    with pytest.raises(ValueError):
        decode_payload(page, {"Content-Encoding": "compress"})
