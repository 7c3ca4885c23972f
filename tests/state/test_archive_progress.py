"""The ArchiveProgress contract, against SQLite and Redis (`scrapy crawl archive` resumes by it)."""

from __future__ import annotations

from newscrawler.state import ArchiveFile
from tests.state.contract import Opener

SOURCE = "crawl-data/CC-NEWS/2024/03/CC-NEWS-20240301000000-00001.warc.gz"


def test_a_file_never_read_is_neither_done_nor_started(open_store: Opener) -> None:
    assert open_store().archive_progress(SOURCE) == ArchiveFile(done=False, offset=None)


def test_progress_is_shared_by_crawls_and_never_moves_back(open_store: Opener) -> None:
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    a.record_archive_progress(SOURCE, 0)
    assert b.archive_progress(SOURCE) == ArchiveFile(False, 0), "the first record, at offset 0, is final"
    a.record_archive_progress(SOURCE, 4_000_000_123)  # past 2**31: CC-NEWS files are about 1 GB
    b.record_archive_progress(SOURCE, 351)  # a slower crawl reading the same file
    assert a.archive_progress(SOURCE) == ArchiveFile(False, 4_000_000_123)
    assert a.archive_progress("other.warc.gz") == ArchiveFile(False, None), "per file"


def test_a_file_read_to_the_end_stays_done(open_store: Opener) -> None:
    a = open_store()
    a.record_archive_progress(SOURCE, 1411, done=True)
    a.record_archive_progress(SOURCE, 704)
    assert a.archive_progress(SOURCE) == ArchiveFile(True, 1411)
    a.record_archive_progress("empty.warc.gz", None, done=True)  # a file with no record at all
    assert a.archive_progress("empty.warc.gz") == ArchiveFile(True, None)


def test_fresh_forgets_the_progress(open_store: Opener) -> None:
    a = open_store()
    a.record_archive_progress(SOURCE, 1411, done=True)
    a.reset()
    assert a.archive_progress(SOURCE) == ArchiveFile(False, None)
