"""The default state: one embedded SQLite database in WAL mode.

Concurrent crawls on one machine share it safely: writers take SQLite's write lock
(BEGIN IMMEDIATE) for each claim, so the claim rule (``state/rules.py``: owners, liveness,
when a claim is granted, pending then confirmed) is applied in one transaction.

Each crawl renews its row in ``leases`` while it runs; the pending claims of an owner that is
not alive (its process gone from this host, or its lease expired: a crawl on another host
sharing the file, or one that hung) are settled when the next crawl opens the state.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawler.extraction.dates import epoch_seconds
from newscrawler.outputs_scan import written_to
from newscrawler.state.protocols import PATH_WINDOW, RUNS_KEPT, ArchiveFile, Seen, StateError
from newscrawler.state.rules import claim_revision, new_owner, owner_alive
from newscrawler.text import BANDS, band_hashes, hash64, signature_similarity

SCHEMA_VERSION = 2
# Added within schema 2 (states made before it get the table on opening): owner -> lease expiry.
_LEASES = (
    "CREATE TABLE IF NOT EXISTS leases (owner TEXT PRIMARY KEY, expires INTEGER NOT NULL) WITHOUT ROWID;"
)
# Added within schema 2: each site's last element paths per field (template learning).
_PATHS = (
    "CREATE TABLE IF NOT EXISTS paths (site TEXT NOT NULL, field TEXT NOT NULL, seq INTEGER NOT NULL,"
    " path TEXT, PRIMARY KEY (site, field, seq)) WITHOUT ROWID;"
)
# Added within schema 2: each running crawl's local output files, where a crawl that died may
# have stored a line whose claim it never confirmed.
_OUTPUTS = "CREATE TABLE IF NOT EXISTS outputs (owner TEXT PRIMARY KEY, paths TEXT NOT NULL) WITHOUT ROWID;"
# articles.owner: a pending claim's owner, host:pid:random since the owner rule of state/rules.py
# (older states hold host:pid owners, read the same way); the schema's text is kept as it was.
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    fingerprint INTEGER NOT NULL,
    signature BLOB NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    listed INTEGER,     -- epoch seconds (UTC), as are all times here: small and comparable
    fetched INTEGER NOT NULL,
    owner TEXT          -- NULL once written; 'host:pid' while the line is not yet in the output
);
CREATE INDEX IF NOT EXISTS articles_fingerprint ON articles (fingerprint);
CREATE TABLE IF NOT EXISTS keys (hash INTEGER PRIMARY KEY, article INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lsh (bucket INTEGER NOT NULL, article INTEGER NOT NULL,
                                PRIMARY KEY (bucket, article)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paragraphs (site TEXT NOT NULL, hash INTEGER NOT NULL, articles INTEGER NOT NULL,
                                       PRIMARY KEY (site, hash)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counted (hash INTEGER PRIMARY KEY) WITHOUT ROWID;  -- article keys counted above
CREATE TABLE IF NOT EXISTS duplicates (hash INTEGER PRIMARY KEY, listed INTEGER, fetched INTEGER NOT NULL)
    WITHOUT ROWID;
"""
    + _LEASES
    + _OUTPUTS
    + _PATHS
)


def _epoch(value: str | None) -> int | None:
    return epoch_seconds(value)  # the one precision listing dates are compared at


def _iso(value: int | None) -> str | None:
    return datetime.fromtimestamp(value, UTC).isoformat() if value is not None else None


def _marks(n: int) -> str:
    """SQL placeholders for an ``IN (...)`` list of n values."""
    return ",".join("?" * n)


def key_hash(key: str) -> int:
    """A URL key as stored: the project's one 64-bit hash."""
    return hash64(key)


class SQLiteState:
    def __init__(self, path: Path, lease_seconds: float = 120.0, owner: str | None = None) -> None:
        self.path = path
        self.owner = owner or new_owner()
        self.lease_seconds = lease_seconds
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"cannot create the state folder {path.parent}: {exc.strerror}") from None
        if not os.access(path.parent, os.W_OK):
            raise StateError(
                f"the state folder {path.parent} is read-only; set NEWSCRAWLER_STATE_DIR to a writable folder"
            )
        if path.exists() and path.stat().st_size == 0:
            # New states are created whole (below), so an empty file is a truncated state, not a new one.
            raise StateError(
                f"the state file {path} is empty (0 bytes): it was truncated and what it knew is gone; "
                "move it away or run with -a fresh=1 (it is kept aside)"
            )
        try:
            if not path.exists():
                _create(path)
            self.db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=60000")
            version = self._version()
            if version is None:
                raise StateError(f"{path} is an SQLite file but not a newscrawler state")
            if version != SCHEMA_VERSION:
                raise StateError(
                    f"state {path} has schema {version}; this newscrawler expects {SCHEMA_VERSION}"
                )
            self.db.execute(_LEASES)
            self.db.execute(_OUTPUTS)
            self.db.execute(_PATHS)
            for statement in _RUNS:
                self.db.execute(statement)
            self.db.execute(_ARCHIVES)
            self.renew()
            self.release_expired()
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc) or "read-only" in str(exc):
                raise StateError(f"the state file {path} is read-only ({exc})") from None
            raise StateError(f"the state file {path} cannot be used ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"the state file {path} is unreadable or corrupt ({exc}); move it away or run with -a fresh=1"
            ) from None

    def _version(self) -> int | None:
        row = self.db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if row is None:
            tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise StateError(f"{self.path} is an SQLite file but not a newscrawler state")
            return None
        value = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        return int(value[0]) if value else None

    @contextmanager
    def _write(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- leases ---

    def renew(self) -> None:
        """This crawl is alive: its claims stay its own for another lease period."""
        with self._write():
            self.db.execute(
                "INSERT OR REPLACE INTO leases VALUES (?, ?)",
                (self.owner, math.ceil(time.time() + self.lease_seconds)),  # never shorter than asked
            )

    def _alive(self, owner: str) -> bool:
        """``rules.owner_alive``, with the owner's lease row (none: a crawl from before leases)."""
        row = self.db.execute("SELECT expires FROM leases WHERE owner = ?", (owner,)).fetchone()
        return owner_alive(owner, self.owner, row is None or row[0] > time.time())

    def release_expired(self) -> list[str]:
        """Release the pending claims of crawls that died or whose lease expired; their names."""
        owners = [
            r[0] for r in self.db.execute("SELECT DISTINCT owner FROM articles WHERE owner IS NOT NULL")
        ]
        dead = [o for o in owners if not self._alive(o)]
        for owner in dead:
            with self._write():
                rows = self.db.execute("SELECT id, url FROM articles WHERE owner = ?", (owner,)).fetchall()
                out = self.db.execute("SELECT paths FROM outputs WHERE owner = ?", (owner,)).fetchone()
                stored = written_to(json.loads(out[0]) if out else [], [url for _id, url in rows])
                for article, url in rows:
                    if url in stored:  # its line is in the output: written, not lost
                        self.db.execute("UPDATE articles SET owner = NULL WHERE id = ?", (article,))
                self._delete([article for article, url in rows if url not in stored])
                self.db.execute("DELETE FROM leases WHERE owner = ?", (owner,))
                self.db.execute("DELETE FROM outputs WHERE owner = ?", (owner,))
        with self._write():
            self.db.execute("DELETE FROM leases WHERE expires < ?", (int(time.time()) - 86400,))
        return dead

    def record_outputs(self, paths: list[str]) -> None:
        """This crawl's local output files (for recovery if it dies: see release_expired)."""
        with self._write():
            self.db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?)", (self.owner, json.dumps(paths)))

    def _delete(self, ids: list[int]) -> None:
        for article in ids:
            self.db.execute("DELETE FROM keys WHERE article = ?", (article,))
            self.db.execute(f"DELETE FROM lsh WHERE bucket IN ({_marks(BANDS)}) AND article = ?",
                            (*self._buckets(article), article))  # fmt: skip
            self.db.execute("DELETE FROM articles WHERE id = ?", (article,))

    def _buckets(self, article: int) -> list[int]:
        row = self.db.execute("SELECT signature FROM articles WHERE id = ?", (article,)).fetchone()
        return band_hashes(row[0]) if row else [0] * BANDS

    # --- lookups ---

    def lookup(self, key: str) -> Seen | None:
        row = self.db.execute(
            "SELECT a.url, a.fingerprint, a.revision, a.signature, a.listed, a.fetched "
            "FROM keys k JOIN articles a ON a.id = k.article WHERE k.hash = ?",
            (key_hash(key),),
        ).fetchone()
        if not row:
            return None
        url, fp, revision, sig, listed, fetched = row
        return Seen(url, fp, revision, sig, _iso(listed), _iso(fetched) or "")

    def last_fetch(self, key: str) -> tuple[str | None, str] | None:
        """(listing date, fetch time) of a page fetched before: a written article or a dropped copy."""
        h = key_hash(key)
        row = self.db.execute(
            "SELECT a.listed, a.fetched FROM keys k JOIN articles a ON a.id = k.article WHERE k.hash = ?",
            (h,),
        ).fetchone()
        row = row or self.db.execute("SELECT listed, fetched FROM duplicates WHERE hash = ?", (h,)).fetchone()
        return (_iso(row[0]), _iso(row[1]) or "") if row else None

    def remember_duplicate(self, keys: list[str], listed: str | None, fetched: str) -> None:
        """A copy of an article written before: not fetched again unless its listing changes."""
        rows = [(key_hash(k), _epoch(listed), _epoch(fetched)) for k in keys]
        with self._write():
            self.db.executemany("INSERT OR REPLACE INTO duplicates VALUES (?, ?, ?)", rows)

    def find_text(self, fingerprint: int) -> str | None:
        row = self.db.execute(
            "SELECT url FROM articles WHERE fingerprint = ? LIMIT 1", (fingerprint,)
        ).fetchone()
        return row[0] if row else None

    def find_near(self, signature: bytes, threshold: float, claimed_before: str | None = None) -> str | None:
        """The URL of the most similar article at or above threshold; with ``claimed_before`` (a
        URL key of a claimed article), only among the articles claimed before that one (a claim
        always takes an id above every live one)."""
        candidates = {
            r[0]
            for r in self.db.execute(
                f"SELECT article FROM lsh WHERE bucket IN ({_marks(BANDS)})",
                band_hashes(signature),
            )
        }
        if claimed_before is not None:
            row = self.db.execute(
                "SELECT article FROM keys WHERE hash = ?", (key_hash(claimed_before),)
            ).fetchone()
            candidates = {c for c in candidates if row is not None and c < row[0]}
        best, best_url = 0.0, None
        for article in sorted(candidates):
            url, other = self.db.execute(
                "SELECT url, signature FROM articles WHERE id = ?", (article,)
            ).fetchone()
            sim = signature_similarity(signature, other)
            if sim >= threshold and sim > best:
                best, best_url = sim, url
        return best_url

    # --- writes ---

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
        hashes = [key_hash(k) for k in keys]
        with self._write():
            rows = self.db.execute(
                "SELECT a.id, a.revision, a.owner FROM keys k JOIN articles a ON a.id = k.article "
                f"WHERE k.hash IN ({_marks(len(hashes))})",
                hashes,
            ).fetchall()
            held = any(
                owner is not None and self._alive(owner) for _id, _rev, owner in rows if owner != self.owner
            )
            revisions = [rev for _id, rev, _owner in rows]
            revision = claim_revision(held, revisions, known, lambda: self.find_text(fingerprint) is not None)
            if revision is None:
                return None
            self._delete(sorted({r[0] for r in rows}))
            cur = self.db.execute(
                "INSERT INTO articles (url, fingerprint, signature, revision, listed, fetched, owner) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (url, fingerprint, signature, revision, _epoch(listed), _epoch(fetched) or 0, self.owner),
            )
            article = cur.lastrowid
            self.db.executemany(
                "INSERT OR REPLACE INTO keys VALUES (?, ?)", [(h, article) for h in set(hashes)]
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO lsh VALUES (?, ?)", [(b, article) for b in band_hashes(signature)]
            )
        return revision

    def confirm(self, keys: list[str]) -> None:
        """The article's line is in the output: this owner's claim becomes permanent (only its own)."""
        with self._write():
            self.db.execute(
                "UPDATE articles SET owner = NULL WHERE owner = ? AND id IN "
                f"(SELECT article FROM keys WHERE hash IN ({_marks(len(keys))}))",
                [self.owner, *[key_hash(k) for k in keys]],
            )

    def release(self, keys: list[str]) -> None:
        """The article was not written after all (dropped later): forget the pending claim."""
        with self._write():
            ids = [
                r[0]
                for r in self.db.execute(
                    "SELECT a.id FROM keys k JOIN articles a ON a.id = k.article "
                    f"WHERE a.owner = ? AND k.hash IN ({_marks(len(keys))})",
                    [self.owner, *[key_hash(k) for k in keys]],
                )
            ]
            self._delete(ids)

    def paragraph_counts(self, site: str, hashes: list[int]) -> dict[int, int]:
        if not hashes:
            return {}
        rows = self.db.execute(
            f"SELECT hash, articles FROM paragraphs WHERE site = ? AND hash IN ({_marks(len(hashes))})",
            [site, *hashes],
        )
        return dict(rows.fetchall())

    def add_paragraphs(self, site: str, article_key: str, hashes: list[int]) -> None:
        """Count an article's paragraphs for its site, once per article however often it is seen."""
        with self._write():
            if (
                self.db.execute("INSERT OR IGNORE INTO counted VALUES (?)", (key_hash(article_key),)).rowcount
                == 0
            ):
                return
            self.db.executemany(
                "INSERT INTO paragraphs VALUES (?, ?, 1) ON CONFLICT (site, hash) DO UPDATE SET articles = articles + 1",
                [(site, h) for h in set(hashes)],
            )

    def observe_paths(self, site: str, paths: Mapping[str, str | None]) -> None:
        """One page's template paths per field; each field keeps the site's last PATH_WINDOW."""
        with self._write():
            for field, path in paths.items():
                row = self.db.execute(
                    "SELECT max(seq) FROM paths WHERE site=? AND field=?", (site, field)
                ).fetchone()
                seq = (row[0] or 0) + 1
                self.db.execute("INSERT INTO paths VALUES (?, ?, ?, ?)", (site, field, seq, path))
                self.db.execute(
                    "DELETE FROM paths WHERE site=? AND field=? AND seq<=?", (site, field, seq - PATH_WINDOW)
                )

    def path_votes(self, site: str, field: str) -> list[str | None]:
        rows = self.db.execute(
            "SELECT path FROM paths WHERE site=? AND field=? ORDER BY seq", (site, field)
        ).fetchall()
        return [r[0] for r in rows]

    def release_pending(self) -> None:
        """Claims this crawl left pending (claimed, never written): the next crawl writes them."""
        with self._write():
            ids = [r[0] for r in self.db.execute("SELECT id FROM articles WHERE owner = ?", (self.owner,))]
            self._delete(ids)
            self.db.execute("DELETE FROM leases WHERE owner = ?", (self.owner,))

    def reset(self) -> None:
        with self._write():
            tables = (
                "articles",
                "keys",
                "lsh",
                "paragraphs",
                "counted",
                "duplicates",
                "paths",
                "runs",
                "archives",
            )
            for table in tables:
                self.db.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        self.db.close()

    # --- run history (the monitors) ---

    def record_run(self, site: str, finished_iso: str, figures: dict[str, Any]) -> None:
        """One crawl's figures for a site; only the last RUNS_KEPT runs of each site are kept."""
        with self._write():
            self.db.execute(
                "INSERT INTO runs (site, finished, figures) VALUES (?, ?, ?)",
                (site, _epoch(finished_iso) or int(time.time()), json.dumps(figures, sort_keys=True)),
            )
            self.db.execute(
                "DELETE FROM runs WHERE site = ? AND id NOT IN "
                "(SELECT id FROM runs WHERE site = ? ORDER BY finished DESC, id DESC LIMIT ?)",
                (site, site, RUNS_KEPT),
            )

    def recent_runs(self, site: str, n: int) -> list[dict[str, Any]]:
        """The site's last n runs, newest first: their figures and ``finished``."""
        rows = self.db.execute(
            "SELECT finished, figures FROM runs WHERE site = ? ORDER BY finished DESC, id DESC LIMIT ?",
            (site, n),
        ).fetchall()
        return [{**json.loads(figures), "finished": _iso(finished)} for finished, figures in rows]

    # --- archive progress (`scrapy crawl archive`) ---

    def archive_progress(self, source: str) -> ArchiveFile:
        row = self.db.execute("SELECT done, offset FROM archives WHERE source = ?", (source,)).fetchone()
        if row is None:
            return ArchiveFile(False, None)
        return ArchiveFile(bool(row[0]), row[1] if row[1] >= 0 else None)

    def record_archive_progress(self, source: str, offset: int | None, done: bool = False) -> None:
        """Never moves back: the furthest offset and done stay (two crawls may read one file)."""
        with self._write():
            self.db.execute(
                "INSERT INTO archives (source, done, offset) VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE "
                "SET done = max(done, excluded.done), offset = max(offset, excluded.offset)",
                (source, int(done), -1 if offset is None else offset),
            )


def _create(path: Path) -> None:
    """A new state, written whole in a temporary file and linked into place.

    Concurrent first crawls: one link wins, the others find the file complete.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp, isolation_level=None)
    try:
        db.executescript(f"BEGIN; {_SCHEMA} INSERT INTO meta VALUES ('schema', '{SCHEMA_VERSION}'); COMMIT;")
    finally:
        db.close()
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


# Added within schema 2 (created on opening): each WARC file's progress (offset -1: no record yet).
_ARCHIVES = (
    "CREATE TABLE IF NOT EXISTS archives (source TEXT PRIMARY KEY, done INTEGER NOT NULL, offset INTEGER NOT NULL)"
    " WITHOUT ROWID"
)
# Added within schema 2 (created on opening, as leases): each site's recent runs, for the monitors.
_RUNS = (
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, site TEXT NOT NULL, finished INTEGER NOT NULL, "
    "figures TEXT NOT NULL)",  # figures: JSON, their names are the monitors' business
    "CREATE INDEX IF NOT EXISTS runs_site ON runs (site, finished)",
)
