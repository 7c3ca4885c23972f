"""What persists between runs: which articles were written, their text fingerprints, and
the paragraphs each site repeats in every article.

The interface is small (``StateStore``): SQLite (``state/sqlite.py``) is the embedded default,
Redis (``state/redis.py``) serves distributed crawls; one contract test suite runs against both.
``open_state(settings)`` opens the store that NEWSCRAWLER_STATE_URL names (else REDIS_URL, else
the SQLite file); during a crawl the ``CrawlState`` extension (``newscrawler.state.extension``)
owns it and renews its lease.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from platformdirs import user_data_dir

from newscrawler.config import redis_url
from newscrawler.safety import mask_secrets

logger = logging.getLogger(__name__)

STATE_FILE = "state.sqlite3"
SITE_ARTICLES = 0  # the paragraph hash under which the state counts a site's articles
RUNS_KEPT = 50  # runs remembered per site: the monitors compare with the last few only


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


PATH_WINDOW = 20  # template learning: a site's last pages whose element paths are kept


class StateStore(Protocol):
    """Claims are leases held by ``owner``: ``renew`` keeps them, ``release_expired`` frees dead owners'."""

    owner: str

    def renew(self) -> None: ...
    def release_expired(self) -> list[str]: ...
    def record_outputs(self, paths: list[str]) -> None: ...
    def lookup(self, key: str) -> Seen | None: ...
    def last_fetch(self, key: str) -> tuple[str | None, str] | None: ...
    def remember_duplicate(self, keys: list[str], listed: str | None, fetched: str) -> None: ...
    def find_text(self, fingerprint: int) -> str | None: ...
    def find_near(
        self, signature: bytes, threshold: float, claimed_before: str | None = None
    ) -> str | None: ...
    def claim(
        self,
        keys: list[str],
        url: str,
        fingerprint: int,
        signature: bytes,
        listed: str | None,
        fetched: str,
        known: int = 0,
    ) -> int | None: ...
    def confirm(self, keys: list[str]) -> None: ...
    def release(self, keys: list[str]) -> None: ...
    def paragraph_counts(self, site: str, hashes: list[int]) -> dict[int, int]: ...
    def add_paragraphs(self, site: str, article_key: str, hashes: list[int]) -> None: ...
    def observe_paths(self, site: str, paths: Mapping[str, str | None]) -> None: ...
    def path_votes(self, site: str, field: str) -> list[str | None]: ...
    def release_pending(self) -> None: ...
    def reset(self) -> None: ...
    def close(self) -> None: ...
    # Run history, for the monitors (newscrawler.monitors): one record per site and crawl.
    def record_run(self, site: str, finished_iso: str, figures: dict[str, Any]) -> None: ...
    def recent_runs(self, site: str, n: int) -> list[dict[str, Any]]: ...


def state_dir(settings: Any) -> Path:
    """NEWSCRAWLER_STATE_DIR (setting, then environment), else the user's data directory.

    Not the working directory: scrapyd runs each job elsewhere, and jobs must share it.
    """
    value = settings.get("NEWSCRAWLER_STATE_DIR") if settings is not None else None
    value = value or os.environ.get("NEWSCRAWLER_STATE_DIR")
    return Path(value).expanduser() if value else Path(user_data_dir("newscrawler", appauthor=False))


def state_location(settings: Any) -> str:
    """NEWSCRAWLER_STATE_URL (setting, then environment), else REDIS_URL (a distributed crawl
    keeps its state in Redis), else the SQLite file in state_dir()."""
    value = settings.get("NEWSCRAWLER_STATE_URL") if settings is not None else None
    value = value or os.environ.get("NEWSCRAWLER_STATE_URL") or redis_url(settings)
    return str(value) if value else str(state_dir(settings) / STATE_FILE)


def open_state(settings: Any, fresh: bool = False) -> StateStore:
    """The store NEWSCRAWLER_STATE_URL names: ``sqlite:///path``, a plain path, or ``redis://``.

    With ``fresh``, a state that cannot be opened (corrupt, truncated) is moved aside, kept
    under a new name that the log gives, and a new one is started; a usable one is emptied.
    """
    location = state_location(settings)
    lease = float(settings.getfloat("NEWSCRAWLER_LEASE_SECONDS", 120.0)) if settings is not None else 120.0
    scheme, sep, rest = location.partition("://")
    if scheme in ("redis", "rediss", "unix"):
        from newscrawler.state.redis import RedisState

        notes = state_dir(settings) / "redis-stores.json"  # the Redis stores this machine used
        redis_store = RedisState(location, lease_seconds=lease, known_stores=notes, fresh=fresh)
        if fresh:
            redis_store.reset()
        return redis_store
    if not sep:
        path = Path(location).expanduser()
    elif scheme == "sqlite":
        path = Path(rest).expanduser()
    else:
        raise StateError(
            f"NEWSCRAWLER_STATE_URL={mask_secrets(location)!r}: use a file path, sqlite:///path/to/state.sqlite3 "
            "or redis://host:6379/0"
        )
    from newscrawler.state.sqlite import SQLiteState

    try:
        store: StateStore = SQLiteState(path, lease_seconds=lease)
    except StateError:
        if not fresh or not path.is_file():
            raise
        kept = path.with_name(f"{path.name}.broken-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        for suffix in ("", "-wal", "-shm"):
            old = Path(str(path) + suffix)
            if old.exists():
                old.rename(Path(str(kept) + suffix))
        logger.warning("fresh=1: the unusable state %s was moved aside to %s; starting anew", path, kept)
        store = SQLiteState(path, lease_seconds=lease)
    if fresh:
        store.reset()
    return store
