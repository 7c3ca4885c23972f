"""Distributed crawls: many workers share one crawl through Redis (scrapy-redis).

One switch: ``REDIS_URL`` (setting or environment variable). The ``Distributed`` add-on then
turns on scrapy-redis's scheduler (a persistent, shared request queue: a stopped crawl
resumes) and its dupefilter, keeps the crawl state in the same Redis unless
NEWSCRAWLER_STATE_URL names another, and reads sites from the ``news:start_urls`` key
(``scrapy push`` puts them there while workers run).

What this module adds to scrapy-redis, by subclassing its documented classes:

* ``LeasingScheduler``: every request a worker takes from the shared queue is *leased*:
  kept under ``news:inflight:<worker>`` until its outcome is final (its links queued, its
  article stored or dropped). A worker renews ``news:worker:<worker>`` while it runs; when
  that key expires (the worker was killed), any other worker puts the dead one's leased
  requests back in the queue, after its claims in the state were released. A worker that
  stops cleanly puts back what it had not finished. Workers leave when the shared crawl is
  done: nothing queued, nothing leased anywhere, no site waiting.
* ``RoundDupeFilter``: request fingerprints are kept per *round* (one pushed site's crawl)
  and expire, so the next push of a site discovers its sitemaps and sections again, while
  articles written before are skipped by the crawl state.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, ScrapyDeprecationWarning
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from scrapy_redis.spiders import RedisMixin

from newscrawler.config import redis_url
from newscrawler.context import KEY, context_of
from newscrawler.items import Article
from newscrawler.output import article_lost, article_stored
from newscrawler.plan import CrawlPlan, SiteRegistry
from newscrawler.sites import Site
from newscrawler.state.extension import get_store, lease_renewed
from newscrawler.state.redis import client_options, connect
from newscrawler.stats import EXIT_STATE_FAILED, count
from newscrawler.watchdog import stop_within

logger = logging.getLogger(__name__)

# Sent (request=) when a request's outcome is final: its callback's links are queued and its
# article, if any, stored or dropped. The scheduler then ends the request's lease.
request_done = object()


def start_key(settings: Any, spider_name: str = "news") -> str:
    """The Redis key that sites are pushed to (scrapy-redis's REDIS_START_URLS_KEY)."""
    return str(settings.get("REDIS_START_URLS_KEY") or "%(name)s:start_urls") % {"name": spider_name}


def worker_id() -> str:
    """host:pid and a random part: a container restarted under the same pid is a new worker."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def quiet_scrapy_redis() -> None:
    """scrapy-redis 0.9.1 predates Scrapy 2.13's deprecations (``spider=`` to the stats,
    ``Spider.log``): hide those warnings from its own modules only, not all warnings."""
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module=r"scrapy_redis(\.|$)")


class Distributed:
    """The add-on behind the switch: with REDIS_URL set, scrapy-redis and the Redis state."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = redis_url(settings)
        if not url:
            return
        quiet_scrapy_redis()
        settings.set("REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", "newscrawler.distributed.LeasingScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "newscrawler.distributed.RoundDupeFilter", priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")  # a stopped crawl resumes
        settings.set("REDIS_START_URLS_AS_SET", True, priority="addon")  # a site pushed twice waits once
        params = {**client_options(), **settings.getdict("REDIS_PARAMS")}
        settings.set("REDIS_PARAMS", params, priority="addon")
        middlewares = settings.getdict("SPIDER_MIDDLEWARES")
        middlewares.setdefault("newscrawler.distributed.LeaseMiddleware", 10)
        settings.set("SPIDER_MIDDLEWARES", middlewares, priority="addon")


class DistributedSpider(RedisMixin):  # type: ignore[misc]
    """The spider's side of a distributed crawl, through scrapy-redis's ``RedisMixin`` hooks:
    sites come from the start key, a first batch in ``start()`` (scrapy-redis 0.9.1 reads them in
    ``start_requests``, which Scrapy 2.13+ no longer calls), more whenever the worker is idle.
    Sites given with url= or sites= are pushed there first, so every worker shares them.
    Inert unless ``distributed`` (REDIS_URL is set)."""

    distributed = False
    plan: CrawlPlan
    sites: SiteRegistry

    def site_requests(self, site: Site, round_: str | None = None) -> Iterator[Request]:
        raise NotImplementedError  # the spider's: a site's entry points

    @property
    def redis_url(self) -> str:
        return redis_url(self.settings) or ""

    def start_distributed(self) -> Iterator[Request]:
        # Here, not in from_crawler: add-ons (the Distributed one sets REDIS_START_URLS_AS_SET)
        # apply their settings after the spider is made.
        self.setup_redis(self.crawler)  # scrapy-redis: the start key, and its spider_idle hook
        if self.plan.chosen:
            added = push_sites(self.redis_url, self.redis_key, self.plan.start_entries())
            self.logger.info("Pushed %d of %d sites to %s", added, len(self.plan.sites), self.redis_key)
        yield from self.next_requests()  # RedisMixin: a first batch of pushed sites

    def make_request_from_data(self, data: bytes) -> list[Request]:
        """A pushed site's entry points, as one new round (its own request fingerprints)."""
        site = self.sites.from_entry(data)
        if site is None:
            count(self.crawler, "skipped", "bad_site_entry", data.decode("utf-8", "replace")[:200], None)
            return []
        self.sites.add(site)
        self.logger.info("Crawling %s (%s), pushed to %s", site.name, site.home, self.redis_key)
        return list(self.site_requests(site, f"{site.name}:{int(time.time())}:{uuid.uuid4().hex[:6]}"))

    def take_sites(self) -> bool:
        """Requests for more pushed sites, if any are waiting (the scheduler asks when idle)."""
        assert self.crawler.engine is not None
        found = False
        for request in self.next_requests():
            self.crawler.engine.crawl(request)
            found = True
        return found

    def spider_idle(self) -> None:
        """RedisMixin connects this to spider_idle: the scheduler's handler decides instead
        (``LeasingScheduler.spider_idle``: more sites, else whether the worker may leave)."""


class RoundDupeFilter(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis's dupefilter, with fingerprints kept per round and expiring.

    A round is one pushed site's crawl (the request context's ``round``); its fingerprints expire
    NEWSCRAWLER_ROUND_TTL seconds after the round's last new request.
    """

    ttl = 7 * 86400

    @classmethod
    def from_spider(cls, spider: Spider) -> RoundDupeFilter:
        df = super().from_spider(spider)
        df.ttl = spider.settings.getint("NEWSCRAWLER_ROUND_TTL", cls.ttl)
        return df  # type: ignore[no-any-return]

    def request_seen(self, request: Request) -> bool:
        ctx = context_of(request)
        key = f"{self.key}:{ctx.round if ctx is not None and ctx.round else ''}"
        with self.server.pipeline() as pipe:
            pipe.sadd(key, self.request_fingerprint(request))
            pipe.expire(key, self.ttl)
            added, _ = pipe.execute()
        return added == 0  # type: ignore[no-any-return]

    def close(self, reason: str = "") -> None:
        """Kept: other workers share the fingerprints (scrapy-redis would delete them)."""

    def clear(self) -> None:
        for key in self.server.scan_iter(match=f"{self.key}:*", count=1000):
            self.server.unlink(key)


class LeasingScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler, with each taken request leased until its outcome is final."""

    crawler: Crawler
    worker: str
    failed: bool
    lease_seconds: float
    wait_for_sites: float
    start_key: str
    idle_since: float | None
    stopped = False  # closed: no more heartbeats of this worker

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasingScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        s = crawler.settings
        scheduler.lease_seconds = s.getfloat("NEWSCRAWLER_LEASE_SECONDS")
        scheduler.wait_for_sites = s.getfloat("NEWSCRAWLER_WORKER_WAIT")
        scheduler.start_key = start_key(s)
        scheduler.idle_since = None
        scheduler.failed = False
        crawler.signals.connect(scheduler.request_done, signal=request_done)
        crawler.signals.connect(scheduler.beat, signal=lease_renewed)  # the crawl's one heartbeat
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler  # type: ignore[no-any-return]

    # keys shared by the workers of this spider
    def _key(self, what: str, worker: str | None = None) -> str:
        return f"{self.spider.name}:{what}" + (f":{worker}" if worker else "")

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.worker = get_store(self.crawler).owner  # one name for its leases and its state claims
        self.heartbeat()
        self.server.sadd(self._key("workers"), self.worker)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("distributed/taken", 0)
        self.crawler.stats.set_value("distributed/worker", self.worker)
        logger.info(
            "Distributed worker %s: queue %s, sites from %s", self.worker, self.queue.key, self.start_key
        )

    def heartbeat(self) -> None:
        # Outlives the state lease by a margin: when it is gone, so are this worker's claims.
        ttl = int((self.lease_seconds + max(2.0, self.lease_seconds / 10)) * 1000)
        self.server.set(self._key("worker", self.worker), b"1", px=ttl)

    def beat(self) -> None:
        """On each renewal of the crawl's lease: this worker's key, and dead workers' requests back."""
        if self.failed or self.stopped:
            return
        try:
            self.heartbeat()
            self.requeue_dead()
        except redis.RedisError as exc:
            self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        if self.failed:
            return
        self.failed = True
        logger.error("error: Redis failed (%s); this worker stops, its work goes back to the queue", exc)
        assert self.crawler.engine is not None
        grace = 3 * self.crawler.settings.getfloat("NEWSCRAWLER_STOP_GRACE")
        stop_within(self.crawler, grace, EXIT_STATE_FAILED, "Redis failed")  # closing retries Redis too
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis_error"))

    # --- leases ---

    def next_request(self) -> Request | None:
        if self.failed:
            return None
        try:
            request = super().next_request()
            if request is None:
                return None
            ctx = context_of(request)
            if ctx is None:  # no crawl component made it: nothing to take over if this worker dies
                return request  # type: ignore[no-any-return]
            lease = uuid.uuid4().hex
            request.meta[KEY] = replace(ctx, lease=lease)
            self.server.hset(self._key("inflight", self.worker), lease, self._encode(request))
        except redis.RedisError as exc:
            self._fail(exc)
            return None
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("distributed/taken")
        return request  # type: ignore[no-any-return]

    def enqueue_request(self, request: Request) -> bool:
        # A retry or a redirect carries its original's lease: once queued, the original is done.
        ctx = context_of(request)
        lease = ctx.lease if ctx is not None else None
        if ctx is not None and lease:
            request.meta[KEY] = replace(ctx, lease=None)
        try:
            queued = super().enqueue_request(request)
            if lease:
                self.server.hdel(self._key("inflight", self.worker), lease)
        except redis.RedisError as exc:
            self._fail(exc)
            return False
        return queued  # type: ignore[no-any-return]

    def request_done(self, request: Request) -> None:
        ctx = context_of(request)
        lease = ctx.lease if ctx is not None else None
        if lease:
            try:
                self.server.hdel(self._key("inflight", self.worker), lease)
            except redis.RedisError as exc:
                self._fail(exc)

    def _encode(self, request: Request) -> bytes:
        obj = request.to_dict(spider=self.spider)
        ctx = context_of(request)
        if ctx is not None:
            obj["meta"] = {**obj["meta"], KEY: replace(ctx, lease=None)}
        data: bytes = picklecompat.dumps(obj)  # as scrapy-redis's queue stores requests
        return data

    def _put_back(self, entries: Iterable[bytes]) -> int:
        n = 0
        for data in entries:
            request = request_from_dict(picklecompat.loads(data), spider=self.spider)
            self.queue.push(request.replace(dont_filter=True))  # its fingerprint is already seen
            n += 1
        return n

    def requeue_dead(self) -> int:
        """Put the leased requests of workers that stopped renewing back in the queue."""
        n = 0
        for raw in self.server.smembers(self._key("workers")):
            other = raw.decode()
            if other == self.worker or self.server.exists(self._key("worker", other)):
                continue
            get_store(self.crawler).release_expired()  # its claims first, so its articles are written
            taken = self._key("inflight-taken", f"{other}:{self.worker}")
            try:
                self.server.rename(self._key("inflight", other), taken)  # one reaper wins
            except redis.ResponseError:
                self.server.srem(self._key("workers"), other)  # nothing leased
                continue
            entries = list(self.server.hgetall(taken).values())
            n += self._put_back(entries)
            self.server.delete(taken)
            self.server.srem(self._key("workers"), other)
            logger.warning(
                "Worker %s stopped renewing its lease: %d of its requests requeued", other, len(entries)
            )
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("distributed/requeued_from_dead", len(entries))
        return n

    # --- the end of a shared crawl ---

    def crawl_is_done(self) -> bool:
        """Nothing queued, no site waiting, nothing leased by any worker (a dead one's included)."""
        if len(self.queue) or self.server.scard(self.start_key):
            return False
        return all(
            not self.server.hlen(self._key("inflight", raw.decode()))
            for raw in self.server.smembers(self._key("workers"))
        )

    def spider_idle(self, spider: Spider) -> None:
        """The one idle handler: take pushed sites, else stay while the shared crawl is not done
        (or sites may still come), else let the worker leave."""
        if self.failed:
            return
        if isinstance(spider, DistributedSpider) and spider.take_sites():
            self.idle_since = None
            raise DontCloseSpider
        try:
            self.requeue_dead()
            done = self.crawl_is_done()
        except redis.RedisError as exc:
            self._fail(exc)
            return
        if not done:
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if self.wait_for_sites < 0 or now - self.idle_since < self.wait_for_sites:
            raise DontCloseSpider  # waiting for sites to be pushed

    def has_pending_requests(self) -> bool:
        try:
            return bool(super().has_pending_requests())
        except redis.RedisError as exc:
            self._fail(exc)
            return False

    def close(self, reason: str) -> None:
        self.stopped = True
        try:
            # Requests taken and not finished (a stop, not the end) go back for whoever resumes.
            mine = self._key("inflight", self.worker)
            left = list(self.server.hgetall(mine).values())
            if left:
                self._put_back(left)
                logger.info("%d unfinished requests put back in the shared queue", len(left))
            self.server.delete(mine, self._key("worker", self.worker))
            self.server.srem(self._key("workers"), self.worker)
        except redis.RedisError as exc:
            logger.error(
                "error: Redis failed while closing (%s); this worker's unfinished requests "
                "go back to the queue when its lease expires",
                exc,
            )
        super().close(reason)


class LeaseMiddleware:
    """Says when a leased request's outcome is final (``request_done``): after its callback's
    output, or once the articles it gave are stored or dropped.

    An article in a feed that uploads at the end (s3, ftp) counts as final once exported: its
    lease cannot wait for an upload that only happens when the worker leaves. If that worker is
    killed first, its claims expire and the next round writes those articles."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.articles: dict[str, Request] = {}  # an article's ticket id -> its request
        self.waiting: dict[int, int] = {}  # id(request) -> articles not yet stored or dropped
        for handler, signal in (
            (self.item_done, article_stored),
            (self.item_done, article_lost),
            (self.item_done, signals.item_scraped),
            (self.item_done, signals.item_dropped),
            (self.item_done, signals.item_error),
        ):
            crawler.signals.connect(handler, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseMiddleware:
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: Any) -> Any:
        request = response.request
        ctx = context_of(request) if request is not None else None
        if request is None or ctx is None or not ctx.lease:
            async for x in result:
                yield x
            return
        self.waiting[id(request)] = self.waiting.get(id(request), 0) + 1  # the callback itself
        try:
            async for x in result:
                if isinstance(x, Article) and x.ticket is not None:
                    self.articles[x.ticket.id] = request
                    self.waiting[id(request)] += 1
                yield x
        finally:
            self._one_less(request)

    def item_done(self, item: Any, **_: Any) -> None:
        ticket = item.ticket if isinstance(item, Article) else None
        request = self.articles.pop(ticket.id, None) if ticket is not None else None
        if request is not None:
            self._one_less(request)

    def _one_less(self, request: Request) -> None:
        left = self.waiting.get(id(request), 1) - 1
        if left > 0:
            self.waiting[id(request)] = left
            return
        self.waiting.pop(id(request), None)
        self.crawler.signals.send_catch_log(request_done, request=request)


def push_sites(url: str, key: str, entries: Iterable[dict[str, str]]) -> int:
    """Add sites to the shared crawl (JSON entries with ``url``, as scrapy-redis reads them,
    and the registry ``site`` name); the number newly added."""
    client: Any = connect(url)  # Any: redis-py types each reply as sync-or-awaitable
    try:
        return int(client.sadd(key, *(json.dumps(e, sort_keys=True) for e in entries)))
    finally:
        client.close()


def reset_crawl(url: str, spider_name: str = "news") -> None:
    """Empty the shared queue, the fingerprints, the leases and the waiting sites (``fresh=1``)."""
    client: Any = connect(url)  # Any: redis-py types each reply as sync-or-awaitable
    try:
        live = [
            raw.decode()
            for raw in client.smembers(f"{spider_name}:workers")
            if client.exists(f"{spider_name}:worker:{raw.decode()}")
        ]
        if live:
            raise RuntimeError(
                f"fresh=1: {len(live)} worker(s) still running on this crawl ({', '.join(sorted(live))}); "
                "stop them first"
            )
        for key in client.scan_iter(match=f"{spider_name}:*", count=1000):
            client.unlink(key)
    finally:
        client.close()
