"""Extraction on every core: article pages are extracted in worker processes, off the reactor.

Extraction is a pure function of (page bytes, URL) (``extraction.article.extract_fetched``), so it
runs in a process pool (``NEWSCRAWLER_EXTRACT_PROCESSES``, default: one per core) while the
reactor keeps fetching robots.txt, sitemaps and other sites. At most
``NEWSCRAWLER_EXTRACT_QUEUE`` pages wait for or are in extraction; a callback beyond that waits
its turn, so Scrapy stops reading responses and memory stays flat.

A worker process that dies takes no article with it: the pool is restarted and the page
extracted again, once. A page that takes longer than ``NEWSCRAWLER_EXTRACT_TIMEOUT`` seconds
(a hung worker) gets the same second chance; a page that fails twice is counted
(``dropped/extraction_failed``) by the spider. With one process, or
``NEWSCRAWLER_EXTRACT_PROCESSES = 1``, extraction runs in the crawl's own process, as before.

The extension is reached with ``crawler.get_extension(ExtractionPool)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

EXTRACT = "newscrawler.extraction.article:extract_fetched"  # what a worker runs for each page
# Loaded once by the fork server, so that its workers share it (the language model above all).
PRELOAD = ("newscrawler.extraction.preload",)


class ExtractionFailed(Exception):
    """A page whose extraction killed or hung a worker process twice."""


@functools.cache
def resolve(path: str) -> Callable[..., Any]:
    """``module:function`` to the function: the pool sends names, so that the crawl's own process
    never imports what only its workers run (trafilatura and friends stay out of its memory)."""
    module, _, name = path.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


# A worker's log records while it extracts one page, sent back with the result: the crawl logs them
# as its own (its log file, its format), and no lock is shared with a process that may be killed.
_records: list[tuple[str, int, str]] = []


class _KeepRecords(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _records.append((record.name, record.levelno, self.format(record)))


def _call(path: str, *args: Any) -> tuple[Any, list[tuple[str, int, str]]]:
    _records.clear()
    return resolve(path)(*args), list(_records)


def _warm(path: str) -> int:
    resolve(path)
    return os.getpid()


def _register(pids: Any, crawl_pid: int, log_level: int) -> None:
    """In each worker process: say its pid (so a hung one can be killed), keep its log records for
    the crawl, and leave with the crawl."""
    pids.put(os.getpid())
    root = logging.getLogger()
    root.handlers[:] = [_KeepRecords()]
    root.setLevel(log_level)
    threading.Thread(target=_exit_with, args=(crawl_pid,), daemon=True).start()


def _exit_with(crawl_pid: int) -> None:
    # The workers are the fork server's children, not the crawl's: a crawl killed outright
    # (SIGKILL) would leave them waiting for work for ever.
    while True:
        time.sleep(1.0)
        try:
            os.kill(crawl_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass


def _level(value: Any) -> int:
    """Scrapy's LOG_LEVEL, a name or a number, as a number."""
    if isinstance(value, int):
        return value
    level = logging.getLevelName(str(value).upper())
    return level if isinstance(level, int) else logging.INFO


def default_processes() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class ExtractionPool:
    def __init__(
        self,
        processes: int,
        *,
        queue: int | None = None,
        timeout: float = 60.0,
        fn: str = EXTRACT,
        preload: tuple[str, ...] = PRELOAD,
        log_level: int = logging.INFO,
    ) -> None:
        self.log_level = log_level
        self.processes = processes
        self.timeout = timeout
        self.fn = fn
        self.limit = queue or processes * 2
        self._slots: asyncio.Semaphore | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0
        self._starting = False
        self._context = multiprocessing.get_context("forkserver")
        if not self.in_process:
            self._context.set_forkserver_preload(list(preload))
        self._pids = self._context.SimpleQueue()
        self._known_pids: set[int] = set()
        self._lock = threading.Lock()  # the pool is started from a thread, and used from the reactor
        self.restarts = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPool:
        s = crawler.settings
        processes = s.getint("NEWSCRAWLER_EXTRACT_PROCESSES") or default_processes()
        pool = cls(
            processes,
            queue=s.getint("NEWSCRAWLER_EXTRACT_QUEUE") or None,
            timeout=s.getfloat("NEWSCRAWLER_EXTRACT_TIMEOUT"),
            log_level=_level(s.get("LOG_LEVEL", "INFO")),
        )
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        return pool

    @property
    def in_process(self) -> bool:
        return self.processes <= 1

    def start(self) -> None:
        """Start the workers, in a thread: the first article does not wait for them, and the
        reactor never does. Called by the spiders as their crawl starts (not on the first request:
        `scrapy shell` fetches one and ends, and has no use for them); a page extracted before
        they are up waits for them."""
        if not self.in_process and not self._starting:
            self._starting = True
            # A daemon thread, not the loop's executor: a process that ends while the workers still
            # load (`scrapy shell` ends after its one page) must neither wait for them at exit (it
            # hung there) nor report their start as failed.
            threading.Thread(target=self._start_early, name="extraction-pool-start", daemon=True).start()

    def _start_early(self) -> None:
        try:
            self._pool()
        except Exception as exc:  # the interpreter is ending, or the first page will start it and say why
            logger.debug("extraction processes not started ahead of the first page: %s", exc)

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            return self._started()

    def _started(self) -> ProcessPoolExecutor:
        if self._executor is None:
            executor = ProcessPoolExecutor(
                self.processes,
                mp_context=self._context,
                initializer=_register,
                initargs=(self._pids, os.getpid(), self.log_level),
            )
            # Start every worker now, with the extraction code loaded (3.11 starts them on demand).
            for f in [executor.submit(_warm, self.fn) for _ in range(self.processes)]:
                f.result()
            # Published once ready: the reactor thread takes a ready pool without waiting on the lock.
            self._generation += 1
            self._executor = executor
        return self._executor

    async def extract(self, *args: Any) -> Any:
        """The pool's function on ``args``, in a worker process (or here, with one process)."""
        if self.in_process:
            return resolve(self.fn)(*args)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        async with self._slots:
            problem = ""
            for _attempt in range(2):
                executor = self._executor
                if executor is None:  # starting or restarting: wait for it off the reactor thread
                    executor = await asyncio.get_running_loop().run_in_executor(None, self._pool)
                generation = self._generation
                try:
                    future = executor.submit(_call, self.fn, *args)
                    result, records = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
                    for name, level, message in records:
                        logging.getLogger(name).log(level, "%s", message)
                    return result
                except BrokenProcessPool:
                    problem = "a worker process died"
                except TimeoutError:
                    problem = f"extraction took over {self.timeout:g} s"
                self._restart(generation, problem)
            raise ExtractionFailed(problem)

    def _restart(self, generation: int, problem: str) -> None:
        """Replace a broken or hung pool (once, however many pages noticed)."""
        with self._lock:
            self._replace(generation, problem)

    def _replace(self, generation: int, problem: str) -> None:
        if generation != self._generation or self._executor is None:
            return
        self.restarts += 1
        logger.warning("Extraction pool restarted: %s; its pages are extracted again", problem)
        self._kill_workers()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None

    def _kill_workers(self) -> None:
        while not self._pids.empty():
            self._known_pids.add(self._pids.get())
        for pid in self._known_pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._known_pids.clear()

    def close(self, spider: Spider | None = None) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None
