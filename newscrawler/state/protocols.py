"""The crawl state's interface: one small protocol per concern, and ``StateStore``, all of them.

Both stores (``state/sqlite.py``, ``state/redis.py``) implement every protocol; a caller that
needs one concern is typed with its protocol (the dedupe pipeline's output note with
``Leases``, the cleaning pipeline's warm-up with ``TemplateCounts``, the monitors with
``RunHistory``, the archive spider with ``ArchiveProgress``). Who owns a claim, when an owner is alive and when a claim is refused are the
rules of ``newscrawler.state.rules``; ``tests/state/`` holds one contract file per protocol,
each run against both stores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

RUNS_KEPT = 50  # runs remembered per site: the monitors compare with the last few only
PATH_WINDOW = 20  # template learning: a site's last pages whose element paths are kept


class StateError(RuntimeError):
    """The state cannot be used (corrupt, unreadable, locked): a clear error, never a silent reset."""


@dataclass(frozen=True)
class Seen:
    """What the state knows of one article URL."""

    url: str
    fingerprint: int
    revision: int
    signature: bytes
    listed: str | None  # the listing's date (lastmod) when it was last written
    fetched: str  # when it was last written (UTC ISO)


class Leases(Protocol):
    """This crawl's lease: its pending claims are its own while it is alive (``rules.owner_alive``)."""

    owner: str  # ``rules.new_owner()``: host:pid:random

    def renew(self) -> None:
        """This crawl is alive: its claims stay its own for another lease period."""

    def release_expired(self) -> list[str]:
        """Settle the pending claims of owners that are not alive (``state/rules.py``); their names."""

    def release_pending(self) -> None:
        """This crawl ends: its claims left pending (claimed, never written) are released."""

    def record_outputs(self, paths: list[str]) -> None:
        """This crawl's local output files, where a dead owner's last lines are looked for."""


class ArticleIndex(Protocol):
    """The articles written (and being written): URL keys, text fingerprints, near-duplicates."""

    def lookup(self, key: str) -> Seen | None: ...
    def last_fetch(self, key: str) -> tuple[str | None, str] | None:
        """(listing date, fetch time) of a page fetched before: a written article or a dropped copy."""

    def remember_duplicate(self, keys: list[str], listed: str | None, fetched: str) -> None:
        """A copy of an article written before: not fetched again unless its listing changes."""

    def find_text(self, fingerprint: int) -> str | None: ...
    def find_near(self, signature: bytes, threshold: float, claimed_before: str | None = None) -> str | None:
        """The URL of the most similar article at or above threshold; with ``claimed_before`` (a
        URL key of a claimed article), only among the articles claimed before that one."""

    def claim(
        self,
        keys: list[str],
        url: str,
        fingerprint: int,
        signature: bytes,
        listed: str | None,
        fetched: str,
        known: int = 0,
    ) -> int | None:
        """Record an article as being written: its revision, or None (the claim rule, ``state/rules.py``)."""

    def confirm(self, keys: list[str]) -> None:
        """The article's line is in the output: this owner's claim becomes permanent."""

    def release(self, keys: list[str]) -> None:
        """The article was not written after all: this owner's pending claim is forgotten."""


class TemplateCounts(Protocol):
    """Per site, how many of its articles carry each paragraph (template paragraphs are common)."""

    def paragraph_counts(self, site: str, hashes: list[int]) -> dict[int, int]: ...
    def add_paragraphs(self, site: str, article_key: str, hashes: list[int]) -> None:
        """Count an article's paragraphs for its site, once per article however often it is seen."""


class PathVotes(Protocol):
    """Template learning: each site's last PATH_WINDOW element paths per field."""

    def observe_paths(self, site: str, paths: Mapping[str, str | None]) -> None: ...
    def path_votes(self, site: str, field: str) -> list[str | None]: ...


class RunHistory(Protocol):
    """For the monitors (``newscrawler.monitors``): one record per site and crawl, the last RUNS_KEPT."""

    def record_run(self, site: str, finished_iso: str, figures: dict[str, Any]) -> None: ...
    def recent_runs(self, site: str, n: int) -> list[dict[str, Any]]:
        """The site's last n runs, newest first: their figures and ``finished``."""


@dataclass(frozen=True)
class ArchiveFile:
    """How far one WARC file was read by `scrapy crawl archive` (``ArchiveProgress``)."""

    done: bool  # every record of it has a final outcome
    offset: int | None  # the offset of the last record whose outcome is final (None: none yet)


class ArchiveProgress(Protocol):
    """`scrapy crawl archive`: each WARC file's progress, so that a killed run resumes where it was.

    A record's outcome is final once its line is stored or its drop or skip is counted; the
    offset recorded is that of the last record up to which every outcome is final. It never
    moves back: two crawls reading one file leave the furthest offset."""

    def archive_progress(self, source: str) -> ArchiveFile: ...
    def record_archive_progress(self, source: str, offset: int | None, done: bool = False) -> None:
        """Every record up to ``offset`` (and with ``done``, the whole file) has a final outcome."""


class Lifecycle(Protocol):
    def reset(self) -> None:
        """Forget everything the state knows (``fresh=1``)."""

    def close(self) -> None: ...


class StateStore(
    Leases, ArticleIndex, TemplateCounts, PathVotes, RunHistory, ArchiveProgress, Lifecycle, Protocol
):
    """A whole store, as ``open_state`` returns it and the ``CrawlState`` extension holds it."""
