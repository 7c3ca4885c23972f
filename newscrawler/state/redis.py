"""The crawl state in Redis, for workers on many machines sharing one crawl.

Same contract as the SQLite store (``tests/state/`` runs both) and the same rules
(``state/rules.py``: owners, liveness, when a claim is granted, pending then confirmed). Each
write that must be atomic (claim, confirm, release, counting an article's paragraphs) is one
Lua script (``state/redis_scripts.py``), so two workers never both claim one article. An
owner's lease is its key ``<prefix>:lease:<owner>``, which expires unless the owner renews it.

Keys (prefix ``newscrawler`` unless the URL says ``?prefix=...``):
  :meta          hash   schema -> SCHEMA_VERSION (its marker: gone, the store was emptied)
  :next          string the last article id given
  :keys          hash   URL-key hash -> article id
  :a:<id>        hash   one article: u url, f fingerprint, s signature, r revision, l listed,
                        t fetched (epoch seconds), k its key hashes, b its LSH buckets, o owner
  :fp            hash   text fingerprint -> article id
  :lsh           hash   LSH bucket -> article ids (space-separated; most buckets hold one)
  :dup           hash   URL-key hash -> "listed fetched" of a copy that was dropped
  :para:<site>   hash   paragraph hash -> articles of the site that carry it
  :counted       set    article keys whose paragraphs were counted
  :pending:<o>   set    article ids owner o claimed and has not confirmed
  :owners        set    owners with pending claims
  :lease:<o>     string present while owner o's lease runs (expires)
  :outputs:<o>   string JSON list of owner o's local output files (recovery of a dead owner)
  :paths:<site>:<field> list  the site's last PATH_WINDOW element paths of a field ("" for none)
  :runs:<site>   list   the site's recent runs, newest first (JSON: finished, figures), capped
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

import newscrawler.state.redis_scripts as lua
from newscrawler.extraction.dates import epoch_seconds
from newscrawler.outputs_scan import written_to
from newscrawler.safety import mask_secrets
from newscrawler.state.protocols import PATH_WINDOW, RUNS_KEPT, ArchiveFile, Seen, StateError
from newscrawler.state.rules import new_owner, owner_alive, pid_dead_here
from newscrawler.text import band_hashes, hash64, signature_similarity

SCHEMA_VERSION = "1"
DEFAULT_PREFIX = "newscrawler"


def _epoch(value: str | None) -> str:
    seconds = epoch_seconds(value)  # the one precision listing dates are compared at
    return "" if seconds is None else str(seconds)


def _iso(value: bytes | str | None) -> str | None:
    if not value:
        return None
    return datetime.fromtimestamp(int(value), UTC).isoformat()


def client_options(retries: int = 3) -> dict[str, Any]:
    """Rides out a short Redis restart: connecting and each command are retried with backoff
    before the error reaches the crawl. Used by the state and, through REDIS_PARAMS, by
    scrapy-redis. The socket's own errors (connection refused) count too. redis-py retries the
    connection inside each retry of a command, so the attempts multiply: 3 and 3 give a dead Redis
    up to about 10 s per command (6 and 6 gave it 100 s, and a worker took minutes to stop)."""
    return {
        "socket_connect_timeout": 5,
        "socket_timeout": 30,
        "health_check_interval": 15,
        "retry": Retry(ExponentialBackoff(cap=2.0, base=0.25), retries),
        "retry_on_error": [redis.ConnectionError, redis.TimeoutError, ConnectionError, TimeoutError],
    }


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, **client_options())


def split_url(url: str) -> tuple[str, str]:
    """(connection URL, key prefix): ``redis://host:6379/0?prefix=mycrawl``."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    prefix = query.pop("prefix", [DEFAULT_PREFIX])[0]
    rest = "&".join(f"{k}={v}" for k, vs in query.items() for v in vs)
    return urlunsplit(parts._replace(query=rest)), prefix


class RedisState:
    def __init__(
        self,
        url: str,
        lease_seconds: float = 120.0,
        owner: str | None = None,
        known_stores: Path | None = None,
        fresh: bool = False,
    ) -> None:
        conn_url, self.prefix = split_url(url)
        self.url = url
        self.owner = owner or new_owner()
        self.lease_seconds = lease_seconds
        self._notes = known_stores
        client: Any = connect(conn_url)  # Any: redis-py types each reply as sync-or-awaitable
        self.db = client
        try:
            self.db.ping()
            version = self.db.hget(f"{self.prefix}:meta", "schema")
            if version is None:
                if not fresh and self._was_in_use(known_stores):
                    raise StateError(self._lost_marker())
                self.db.hsetnx(f"{self.prefix}:meta", "schema", SCHEMA_VERSION)
                self._note_in_use(known_stores)
            elif version.decode() != SCHEMA_VERSION:
                raise StateError(
                    f"the Redis state {self.prefix!r} has schema {version.decode()}; "
                    f"this newscrawler expects {SCHEMA_VERSION}"
                )
            self._claim = self.db.register_script(lua.CLAIM)
            self._confirm = self.db.register_script(lua.CONFIRM)
            self._release = self.db.register_script(lua.RELEASE)
            self._release_owner = self.db.register_script(lua.RELEASE_OWNER)
            self._add_paragraphs = self.db.register_script(lua.ADD_PARAGRAPHS)
            self._archive_progress = self.db.register_script(lua.ARCHIVE_PROGRESS)
            self.renew()
            self.release_expired()
        except redis.RedisError as exc:
            raise StateError(f"NEWSCRAWLER_STATE_URL={mask_secrets(url)}: cannot use Redis ({exc})") from None

    def _k(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    # A Redis restarted without its data looks like a new one: this machine remembers the
    # stores it has used (a file beside the SQLite state), so that an emptied one is an error.
    def _store_id(self) -> str:
        return f"{mask_secrets(split_url(self.url)[0])}#{self.prefix}"

    def _was_in_use(self, notes: Path | None) -> bool:
        if notes is None or not notes.is_file():
            return False
        try:
            return self._store_id() in json.loads(notes.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False

    def _note_in_use(self, notes: Path | None) -> None:
        if notes is None:
            return
        try:
            known = json.loads(notes.read_text(encoding="utf-8")) if notes.is_file() else []
            if self._store_id() not in known:
                notes.parent.mkdir(parents=True, exist_ok=True)
                notes.write_text(json.dumps(sorted({*known, self._store_id()})), encoding="utf-8")
        except (OSError, ValueError) as exc:  # a read-only home: the check is lost, not the crawl
            logging.getLogger(__name__).warning("cannot note the Redis state in %s: %s", notes, exc)

    # --- leases ---

    def renew(self) -> None:
        """This worker is alive: its claims stay its own for another lease period. Also checks
        that the store was not emptied under the crawl (Redis restarted without its data)."""
        if self.db.hget(self._k("meta"), "schema") is None:
            raise StateError(self._lost_marker())
        self.db.set(self._k(f"lease:{self.owner}"), b"1", px=int(self.lease_seconds * 1000))

    def release_expired(self) -> list[str]:
        """Settle the pending claims of owners that are not alive (``state/rules.py``); their names."""
        released = []
        for raw in self.db.smembers(self._k("owners")):
            owner = raw.decode()
            lease = self._k(f"lease:{owner}")
            if owner_alive(owner, self.owner, lease_running=bool(self.db.exists(lease))):
                continue
            gone = pid_dead_here(owner)  # dead, lease or not: it cannot renew it any more
            self._confirm_stored(owner)
            self._release_owner(args=[self.prefix, owner, 0 if gone else 1])  # 1: unless renewed since
            self.db.delete(self._k(f"outputs:{owner}"), *([lease] if gone else []))
            released.append(owner)
        return released

    def _confirm_stored(self, owner: str) -> None:
        """A dead owner's pending claims whose line is in its output are written, not lost."""
        paths = self.db.get(self._k(f"outputs:{owner}"))
        if not isinstance(paths, bytes):
            return
        pending = {}
        for raw in self.db.smembers(self._k(f"pending:{owner}")):
            url, keys = self.db.hmget(self._k(f"a:{raw.decode()}"), ["u", "k"])
            if url is not None and keys is not None:
                pending[url.decode()] = keys.decode().split()
        for url in written_to(json.loads(paths), list(pending)):
            self._confirm(args=[self.prefix, owner, *pending[url]])

    def record_outputs(self, paths: list[str]) -> None:
        self.db.set(self._k(f"outputs:{self.owner}"), json.dumps(paths))

    # --- lookups ---

    def _article_of(self, key: str) -> bytes | None:
        value = self.db.hget(self._k("keys"), str(hash64(key)))
        return value if isinstance(value, bytes) else None

    def lookup(self, key: str) -> Seen | None:
        article = self._article_of(key)
        if article is None:
            return None
        url, fp, rev, sig, listed, fetched = self.db.hmget(
            self._k(f"a:{article.decode()}"), ["u", "f", "r", "s", "l", "t"]
        )
        if url is None:
            return None
        return Seen(url.decode(), int(fp), int(rev), sig or b"", _iso(listed), _iso(fetched) or "")

    def last_fetch(self, key: str) -> tuple[str | None, str] | None:
        article = self._article_of(key)
        if article is not None:
            listed, fetched = self.db.hmget(self._k(f"a:{article.decode()}"), ["l", "t"])
            if fetched is not None:
                return _iso(listed), _iso(fetched) or ""
        dup = self.db.hget(self._k("dup"), str(hash64(key)))
        if not isinstance(dup, bytes):
            return None
        listed_s, _, fetched_s = dup.decode().partition(" ")
        return _iso(listed_s), _iso(fetched_s) or ""

    def remember_duplicate(self, keys: list[str], listed: str | None, fetched: str) -> None:
        value = f"{_epoch(listed)} {_epoch(fetched)}"
        self.db.hset(self._k("dup"), mapping={str(hash64(k)): value for k in keys})

    def find_text(self, fingerprint: int) -> str | None:
        article = self.db.hget(self._k("fp"), str(fingerprint))
        if not isinstance(article, bytes):
            return None
        url = self.db.hget(self._k(f"a:{article.decode()}"), "u")
        return url.decode() if isinstance(url, bytes) else None

    def find_near(self, signature: bytes, threshold: float, claimed_before: str | None = None) -> str | None:
        """The URL of the most similar article at or above threshold; with ``claimed_before`` (a
        URL key of a claimed article), only among the articles claimed before that one."""
        buckets = self.db.hmget(self._k("lsh"), [str(b) for b in band_hashes(signature)])
        candidates = {int(x) for v in buckets if v for x in v.split()}
        if claimed_before is not None:
            own = self.db.hget(self._k("keys"), str(hash64(claimed_before)))
            candidates = {c for c in candidates if own is not None and c < int(own)}
        best, best_url = 0.0, None
        for article in sorted(candidates):
            url, other = self.db.hmget(self._k(f"a:{article}"), ["u", "s"])
            if url is None or other is None:
                continue
            sim = signature_similarity(signature, other)
            if sim >= threshold and sim > best:
                best, best_url = sim, url.decode()
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
        hashes = sorted({str(hash64(k)) for k in keys})
        bands = [str(b) for b in band_hashes(signature)]
        args: list[Any] = [self.prefix, self.owner, url, str(fingerprint), signature, _epoch(listed)]
        args += [_epoch(fetched) or "0", known, len(hashes), *hashes]
        dead: list[str] = []  # owners holding a key whose process is gone from this host
        while True:
            reply = self._claim(args=[*args, len(dead), *dead, *bands])
            if not isinstance(reply, bytes):
                break
            holder = reply.decode()  # refused: a key is this owner's, whose lease runs
            if not pid_dead_here(holder):
                return None
            dead.append(holder)  # not alive all the same: claimed again without it
        if reply is not None and int(reply) == -1:
            raise StateError(self._lost_marker())
        return int(reply) if reply is not None else None

    def _lost_marker(self) -> str:
        return (
            f"the Redis state {self.prefix!r} at {mask_secrets(self.url)} lost its marker: Redis was "
            "restarted empty or flushed, and with it every article it knew was written; restore its "
            "data, or start anew with -a fresh=1 (every article is then written again)"
        )

    def check_marker(self) -> None:
        """The store still holds what it held when this crawl opened it (not restarted empty)."""
        if self.db.hget(self._k("meta"), "schema") is None:
            raise StateError(self._lost_marker())

    def confirm(self, keys: list[str]) -> None:
        self._confirm(args=[self.prefix, self.owner, *(str(hash64(k)) for k in keys)])

    def release(self, keys: list[str]) -> None:
        self._release(args=[self.prefix, self.owner, *(str(hash64(k)) for k in keys)])

    def paragraph_counts(self, site: str, hashes: list[int]) -> dict[int, int]:
        if not hashes:
            return {}
        values = self.db.hmget(self._k(f"para:{site}"), [str(h) for h in hashes])
        return {h: int(v) for h, v in zip(hashes, values, strict=True) if v is not None}

    def add_paragraphs(self, site: str, article_key: str, hashes: list[int]) -> None:
        self._add_paragraphs(
            args=[self.prefix, site, str(hash64(article_key)), *(str(h) for h in set(hashes))]
        )

    def observe_paths(self, site: str, paths: Mapping[str, str | None]) -> None:
        with self.db.pipeline() as pipe:
            for field, path in paths.items():
                key = self._k(f"paths:{site}:{field}")
                pipe.rpush(key, path or "")
                pipe.ltrim(key, -PATH_WINDOW, -1)
            pipe.execute()

    def path_votes(self, site: str, field: str) -> list[str | None]:
        values = self.db.lrange(self._k(f"paths:{site}:{field}"), 0, -1)
        return [(v.decode() if isinstance(v, bytes) else v) or None for v in values]

    def release_pending(self) -> None:
        self._release_owner(args=[self.prefix, self.owner, 0])
        self.db.delete(self._k(f"lease:{self.owner}"))

    def reset(self) -> None:
        """Forget everything this state knows (``fresh=1``)."""
        keys = list(self.db.scan_iter(match=f"{self.prefix}:*", count=1000))
        for i in range(0, len(keys), 1000):
            self.db.unlink(*keys[i : i + 1000])
        self.db.hset(self._k("meta"), "schema", SCHEMA_VERSION)
        self.renew()
        self._note_in_use(self._notes)

    def close(self) -> None:
        self.db.close()

    # --- run history (the monitors) ---

    def record_run(self, site: str, finished_iso: str, figures: dict[str, Any]) -> None:
        """One crawl's figures for a site; only the last RUNS_KEPT runs of each site are kept."""
        entry = json.dumps({"finished": finished_iso, "figures": figures}, sort_keys=True)
        with self.db.pipeline(transaction=True) as pipe:
            pipe.lpush(self._k(f"runs:{site}"), entry)
            pipe.ltrim(self._k(f"runs:{site}"), 0, RUNS_KEPT - 1)
            pipe.execute()

    # --- archive progress (`scrapy crawl archive`) ---

    def archive_progress(self, source: str) -> ArchiveFile:
        value = self.db.hget(self._k("archives"), source)
        if value is None:
            return ArchiveFile(False, None)
        done, _, offset = value.decode().partition(":")
        return ArchiveFile(done == "1", int(offset) if int(offset) >= 0 else None)

    def record_archive_progress(self, source: str, offset: int | None, done: bool = False) -> None:
        """Never moves back: the furthest offset and done stay (two crawls may read one file)."""
        self._archive_progress(args=[self.prefix, source, int(done), -1 if offset is None else offset])

    def recent_runs(self, site: str, n: int) -> list[dict[str, Any]]:
        """The site's last n runs, newest first: their figures and ``finished``."""
        if n <= 0:
            return []
        runs = []
        for raw in self.db.lrange(self._k(f"runs:{site}"), 0, n - 1):
            entry = json.loads(raw)
            runs.append({**entry["figures"], "finished": entry["finished"]})
        return runs
