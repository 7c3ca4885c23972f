"""WARC sources: local files from any offset, CC-NEWS months listed from warc.paths.gz."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from newscrawler.archive.http import ArchiveUnreadable, Fetch
from newscrawler.archive.sources import DaySpan, ccnews_month, local_source, source_for


def test_a_local_file_opens_at_any_offset_and_a_missing_one_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "a.warc").write_bytes(b"0123456789")
    source = local_source(str(tmp_path / "a.warc"))
    assert source.key == str((tmp_path / "a.warc").resolve()) and source.name == "a.warc"
    with source.opener(Fetch())(4) as stream:  # type: ignore[attr-defined]
        assert stream.read() == b"456789"
    with pytest.raises(ArchiveUnreadable):
        local_source(str(tmp_path / "gone.warc")).opener(Fetch())(0)
    assert source_for("https://h.example/x/y.warc.gz?sig=1").name == "y.warc.gz"


def test_a_ccnews_month_lists_the_files_of_the_days_asked_for(tmp_path: Path) -> None:
    month = tmp_path / "crawl-data" / "CC-NEWS" / "2024" / "03"
    month.mkdir(parents=True)
    paths = [f"crawl-data/CC-NEWS/2024/03/CC-NEWS-202403{d:02d}101500-0000{d}.warc.gz" for d in (9, 10, 11)]
    (month / "warc.paths.gz").write_bytes(gzip.compress("\n".join(paths).encode()))
    found = ccnews_month(str(tmp_path), 2024, 3, DaySpan(date(2024, 3, 10), date(2024, 3, 31)), Fetch())
    assert [s.key for s in found] == paths[1:]
    assert found[0].location == f"{tmp_path}/{paths[1]}" and found[0].name == paths[1].rsplit("/", 1)[1]
    with pytest.raises(ArchiveUnreadable):
        ccnews_month(str(tmp_path), 2024, 4, DaySpan(date(2024, 4, 1), date(2024, 4, 30)), Fetch())
