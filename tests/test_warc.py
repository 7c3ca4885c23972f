"""newscrawler.warc: the WARC files a capture writes (names, rotation, .open, whole records only)."""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from newscrawler.warc import (
    OPEN,
    Exchange,
    WarcFiles,
    check_directory,
    exchange_bytes,
    file_name,
    fix_headers,
    recover,
    whole_length,
)

NAME = re.compile(r"^newscrawler-(\d{17})-(\d{5})-(\d+)~([^~/]+)\.warc\.gz$")


def page(n: int, size: int = 2000) -> Exchange:
    body = (f"<html><body><h1>Article {n}</h1>" + "<p>words and more words</p>" * (size // 27)).encode()
    return Exchange(
        url=f"http://news.example/2026/{n}.html",
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "123")],
        body=body,
        fetched=datetime(2026, 11, 28, 12, 0, n % 60, 123456, tzinfo=UTC),
        request_headers=[("User-Agent", "newscrawler-test")],
        ip="127.0.0.1",
    )


def read_records(path: Path) -> list[tuple[str, str, bytes, object]]:
    """(type, target URI, content, the record's headers) of every record, digests checked."""
    found = []
    with open(path, "rb") as f:
        for record in ArchiveIterator(f, check_digests="raise"):
            content = record.content_stream().read()
            found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), content, record))
    return found


def test_an_exchange_is_a_response_then_its_request_with_digests_ip_and_fetch_time(tmp_path: Path) -> None:
    exchange = page(7)
    files = WarcFiles(tmp_path, 10**9, {"software": "test"})
    files.write(exchange)
    files.close()
    records = read_records(files.closed[0])
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    _, uri, body, response = records[1]
    assert uri == exchange.url and body == exchange.body, "exactly the bytes the extraction saw"
    headers = response.rec_headers  # type: ignore[attr-defined]
    assert headers.get_header("WARC-Date") == "2026-11-28T12:00:07.123456Z"
    assert headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert headers.get_header("WARC-Block-Digest").startswith("sha1:")
    assert response.rec_headers.protocol == "WARC/1.1"  # type: ignore[attr-defined]
    assert response.http_headers.get_statuscode() == "200"  # type: ignore[attr-defined]
    request = records[2][3]
    assert request.rec_headers.get_header("WARC-Concurrent-To") == headers.get_header("WARC-Record-ID")  # type: ignore[attr-defined]
    line = f"{request.http_headers.protocol} {request.http_headers.statusline}"  # type: ignore[attr-defined]
    assert line == "GET /2026/7.html HTTP/1.1"
    assert request.http_headers.get_header("Host") == "news.example"  # type: ignore[attr-defined]
    info = records[0][2].decode()
    assert (
        "software: test" in info
        and records[0][3].rec_headers.get_header("WARC-Filename") == files.closed[0].name
    )  # type: ignore[attr-defined]


def test_headers_describe_the_stored_decoded_body() -> None:
    fixed = fix_headers(
        [("Content-Type", "text/html"), ("Content-Length", "512"), ("Transfer-Encoding", "chunked")], 2048
    )
    assert fixed == [
        ("Content-Type", "text/html"),
        ("X-Crawler-Content-Length", "512"),
        ("X-Crawler-Transfer-Encoding", "chunked"),
        ("Content-Length", "2048"),
    ]
    assert fix_headers([("Content-Length", "10")], 10) == [("Content-Length", "10")]


def test_a_chunked_gzip_page_reads_back_as_the_decoded_body_it_was(tmp_path: Path) -> None:
    """A reader that honours the HTTP headers (warcio's content_stream) must not decode again."""
    exchange = Exchange(
        "http://news.example/a", 200,
        [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"), ("Content-Length", "40")],
        b"<html>" + b"x" * 5000 + b"</html>", datetime.now(UTC),
    )  # fmt: skip
    response = next(iter(ArchiveIterator(io.BytesIO(exchange_bytes(exchange)))))
    assert response.content_stream().read() == exchange.body


def test_files_are_named_as_heritrix_names_them_and_renamed_from_open_when_closed(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, 10**9, {})
    files.write(page(1))
    (open_file,) = tmp_path.iterdir()
    assert open_file.name.endswith(".warc.gz" + OPEN), "being written: .open"
    files.close()
    (closed,) = tmp_path.iterdir()
    assert closed == files.closed[0] and closed.name == open_file.name[: -len(OPEN)]
    stamp, serial, pid, host = NAME.fullmatch(closed.name).groups()  # type: ignore[union-attr]
    assert serial == "00000" and int(pid) == os.getpid() and host
    assert datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").year >= 2026
    assert file_name(datetime(2026, 1, 2, 3, 4, 5, 678900, tzinfo=UTC), 12).startswith(
        "newscrawler-20260102030405678-00012-"
    )


def test_files_rotate_before_the_size_limit_and_every_record_is_read_back(tmp_path: Path) -> None:
    one = len(exchange_bytes(page(0)))
    files = WarcFiles(tmp_path, 3 * one + 600, {})  # room for the warcinfo and three pages
    for n in range(10):
        files.write(page(n))
    files.close()
    assert len(files.closed) == 4 and not list(tmp_path.glob("*" + OPEN))
    serials = [NAME.fullmatch(p.name).group(2) for p in files.closed]  # type: ignore[union-attr]
    assert serials == ["00000", "00001", "00002", "00003"]
    urls = []
    for path in files.closed:
        assert path.stat().st_size <= files.max_bytes
        records = read_records(path)
        assert records[0][0] == "warcinfo", "each file starts with its warcinfo"
        urls += [uri for kind, uri, _, _ in records if kind == "response"]
    assert urls == [page(n).url for n in range(10)], "every page once, in order"


def test_a_page_larger_than_the_limit_gets_a_file_of_its_own(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, 1000, {})
    for n in range(3):
        files.write(page(n, size=20000))
    files.close()
    assert len(files.closed) == 3


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(0, 6000), min_size=1, max_size=12), limit=st.integers(500, 20000))
def test_rotation_ends_and_balances(
    tmp_path_factory: pytest.TempPathFactory, sizes: list[int], limit: int
) -> None:
    """Whatever the sizes and the limit: every page is in exactly one closed file, once; a file over
    the limit holds one page."""
    directory = tmp_path_factory.mktemp("warc")
    files = WarcFiles(directory, limit, {})
    for n, size in enumerate(sizes):
        files.write(page(n, size))
    files.close()
    seen = []
    for path in files.closed:
        responses = [uri for kind, uri, _, _ in read_records(path) if kind == "response"]
        assert path.stat().st_size <= limit or len(responses) == 1
        seen += responses
    assert seen == [page(n).url for n in range(len(sizes))]


def test_a_failed_write_leaves_the_file_whole_and_the_next_write_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = WarcFiles(tmp_path, 10**9, {})
    files.write(page(1))
    handle = files._file
    assert handle is not None
    real_write = handle.write

    def disk_full(data: bytes) -> int:
        real_write(data[: len(data) // 2])  # part of the record reached the disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(handle, "write", disk_full)
    with pytest.raises(OSError, match="No space"):
        files.write(page(2))
    monkeypatch.setattr(handle, "write", real_write)
    files.write(page(3))
    files.close()
    responses = [uri for kind, uri, _, _ in read_records(files.closed[0]) if kind == "response"]
    assert responses == [page(1).url, page(3).url]


def test_an_unwritable_directory_is_named_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    problem = check_directory(blocker / "warc")
    assert problem is not None and "NEWSCRAWLER_WARC_DIR" in problem and "\n" not in problem
    assert check_directory(tmp_path / "new" / "warc") is None and (tmp_path / "new" / "warc").is_dir()


def test_whole_length_stops_before_a_cut_member() -> None:
    one, two = exchange_bytes(page(1)), exchange_bytes(page(2))
    data = one + two
    assert whole_length(io.BytesIO(data)) == len(data)
    first = len(one)
    assert whole_length(io.BytesIO(data[: first + 30])) == first
    assert whole_length(io.BytesIO(data[:-1])) < len(data)
    assert whole_length(io.BytesIO(b"")) == 0


WRITER = """
import random, sys
from datetime import UTC, datetime
from newscrawler.warc import Exchange, WarcFiles
files = WarcFiles(sys.argv[1], 10**9, {})
n = 0
while True:
    body = random.Random(n).randbytes(1 << 20)  # incompressible: each write is long, easy to cut
    files.write(Exchange(f"http://news.example/{n}", 200, [], body, datetime.now(UTC)))
    n += 1
    print(n, flush=True)
"""


def test_a_record_cut_by_sigkill_is_never_left_in_a_closed_file(tmp_path: Path) -> None:
    """A writer killed mid-write leaves its .open file; recover() cuts it to its whole records."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for _ in range(5):
        proc.stdout.readline()
    time.sleep(0.01)  # most likely inside a write: recover() must hold either way
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    (left,) = tmp_path.iterdir()
    assert left.name.endswith(OPEN), "a killed writer never renames its file"
    (closed,) = recover(tmp_path)
    assert not list(tmp_path.glob("*" + OPEN)) and closed.exists()
    records = read_records(closed)  # every record whole: digests checked, no exception
    responses = [r for r in records if r[0] == "response"]
    assert len(responses) >= 5
    for _, uri, body, _ in responses:
        assert body == random.Random(int(uri.rsplit("/", 1)[1])).randbytes(1 << 20)


def test_recover_leaves_a_file_another_crawl_is_writing(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, 10**9, {})
    files.write(page(1))
    assert recover(tmp_path) == [] and len(list(tmp_path.glob("*" + OPEN))) == 1
    files.close()


@settings(max_examples=30, deadline=None)
@given(cut=st.floats(0.0, 1.0))
def test_an_open_file_cut_anywhere_recovers_to_the_whole_records_before_the_cut(
    tmp_path_factory: pytest.TempPathFactory, cut: float
) -> None:
    source = tmp_path_factory.mktemp("writer")
    files = WarcFiles(source, 10**9, {})
    ends = []
    for n in range(4):
        files.write(page(n))
        ends.append(files._size)
    assert files._path is not None
    data = files._path.read_bytes()
    files.close()
    directory = tmp_path_factory.mktemp("killed")
    position = int(len(data) * cut)
    (directory / files.closed[0].name).with_name(files.closed[0].name + OPEN).write_bytes(data[:position])
    (closed,) = recover(directory)
    responses = [uri for kind, uri, _, _ in read_records(closed) if kind == "response"]
    whole = sum(1 for end in ends if end <= position)
    assert responses[:whole] == [page(n).url for n in range(whole)]
    assert len(responses) in (whole, whole + 1), "at most the response of a cut exchange, whole"
    shutil.rmtree(directory)
