"""Where WARC files come from: local files and globs, http(s) URLs, and Common Crawl's CC-NEWS.

A ``Source`` is one WARC file: its key in the crawl state (``ArchiveProgress``), its file name
(``metadata.warc.file``) and a way to read it from any record offset (``open_at``). CC-NEWS
publishes, per month, ``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz``: one path per WARC file,
named by when the file was started (``CC-NEWS-20240310123456-01234.warc.gz``), under
NEWSCRAWLER_CCNEWS_BASE (Common Crawl's public data host, or a local mirror of the layout).
"""

from __future__ import annotations

import glob
import gzip
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from newscrawler.archive.http import ArchiveUnreadable, Fetch, RemoteFile, read_all
from newscrawler.archive.reader import Opener, Stream

GLOB_CHARS = re.compile(r"[*?\[]")
CCNEWS_NAME = re.compile(r"CC-NEWS-(\d{4})(\d{2})(\d{2})\d{6}-\d+\.warc(\.gz)?$")


def is_remote(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


@dataclass(frozen=True)
class Source:
    """One WARC file."""

    key: str  # what the crawl state knows it by: the absolute path, the URL, or the CC-NEWS path
    location: str  # a local path or an http(s) URL

    @property
    def name(self) -> str:
        """The file's name, as ``metadata.warc.file`` gives it."""
        return (urlsplit(self.location).path if is_remote(self.location) else self.location).rsplit("/", 1)[
            -1
        ]

    def opener(self, fetch: Fetch) -> Opener:
        """``open_at(offset)``: the file from that offset (remote files streamed, resumed by Range)."""
        if is_remote(self.location):
            return lambda offset: RemoteFile(self.location, offset, fetch)

        def open_local(offset: int) -> Stream:
            try:
                stream = open(self.location, "rb")  # noqa: SIM115 - the reader closes it
            except OSError as exc:
                raise ArchiveUnreadable(f"{self.location}: {exc.strerror}") from None
            stream.seek(offset)
            return stream

        return open_local


def expand(item: str) -> list[str]:
    """One `warc=` item as WARC locations: an http(s) URL, a glob's matches (sorted), or a path.
    Empty for a glob that matches nothing."""
    if is_remote(item):
        return [item]
    path = os.path.expanduser(item)
    if GLOB_CHARS.search(path):
        return sorted(p for p in glob.glob(path) if os.path.isfile(p))
    return [path]


def local_source(path: str) -> Source:
    absolute = str(Path(path).resolve())
    return Source(absolute, absolute)


def source_for(location: str) -> Source:
    return Source(location, location) if is_remote(location) else local_source(location)


@dataclass(frozen=True)
class DaySpan:
    """The days of CC-NEWS to read (`ccnews=2024-03`, `ccnews=2024-03-10..2024-03-12`)."""

    first: date
    last: date

    def months(self) -> list[tuple[int, int]]:
        months, (year, month) = [], (self.first.year, self.first.month)
        while (year, month) <= (self.last.year, self.last.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


def paths_url(base: str, year: int, month: int) -> str:
    return f"{base.rstrip('/')}/crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz"


def ccnews_month(base: str, year: int, month: int, span: DaySpan, fetch: Fetch) -> list[Source]:
    """The month's WARC files within the span, in the order CC-NEWS lists them (by time)."""
    where = paths_url(base, year, month)
    try:
        raw = read_all(where, fetch) if is_remote(where) else Path(where).read_bytes()
        text = gzip.decompress(raw).decode("utf-8")
    except OSError as exc:
        raise ArchiveUnreadable(f"{where}: {getattr(exc, 'strerror', None) or exc}") from None
    except (EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise ArchiveUnreadable(f"{where}: not a gzip'd list of paths ({exc})") from None
    return list(_month_sources(base, text.split(), span))


def _month_sources(base: str, paths: list[str], span: DaySpan) -> Iterator[Source]:
    for path in paths:
        found = CCNEWS_NAME.search(path)
        if found is None:
            continue
        day = date(int(found[1]), int(found[2]), int(found[3]))
        if span.holds(day):
            yield Source(path, f"{base.rstrip('/')}/{path.lstrip('/')}")
