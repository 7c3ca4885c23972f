"""What persists between runs: which articles were written, their text fingerprints, and
the paragraphs each site repeats in every article.

The interface is a few small protocols (``state/protocols.py``: ``Leases``, ``ArticleIndex``,
``TemplateCounts``, ``PathVotes``, ``RunHistory``, ``ArchiveProgress``, ``Lifecycle``) and ``StateStore``, all of
them. SQLite (``state/sqlite.py``) is the embedded default, Redis (``state/redis.py``) serves
distributed crawls; both follow the rules of ``state/rules.py`` (owners, liveness, the claim
rule) and one contract test file per protocol (``tests/state/``) runs against both.
``open_state(settings)`` opens the store that NEWSCRAWLER_STATE_URL names (else REDIS_URL, else
the SQLite file); during a crawl the ``CrawlState`` extension (``newscrawler.state.extension``)
owns it and renews its lease.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from newscrawler.config import redis_url
from newscrawler.safety import mask_secrets
from newscrawler.state.protocols import (
    PATH_WINDOW,
    RUNS_KEPT,
    ArchiveFile,
    ArchiveProgress,
    ArticleIndex,
    Leases,
    Lifecycle,
    PathVotes,
    RunHistory,
    Seen,
    StateError,
    StateStore,
    TemplateCounts,
)
from newscrawler.state.sqlite import SQLiteState

__all__ = [
    "PATH_WINDOW",
    "RUNS_KEPT",
    "SITE_ARTICLES",
    "STATE_FILE",
    "ArchiveFile",
    "ArchiveProgress",
    "ArticleIndex",
    "Leases",
    "Lifecycle",
    "PathVotes",
    "RunHistory",
    "Seen",
    "StateError",
    "StateStore",
    "TemplateCounts",
    "open_state",
    "state_dir",
    "state_location",
]

logger = logging.getLogger(__name__)

STATE_FILE = "state.sqlite3"
SITE_ARTICLES = 0  # the paragraph hash under which the state counts a site's articles


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
        from newscrawler.state.redis import RedisState  # the Redis client only for a Redis state

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
