"""A crawl that stalls says so, and can still be stopped.

Everything in a Scrapy crawl runs on the reactor's thread: a callback that never returns (a
loop, a blocking call) stops logging, LogStats and the handling of SIGTERM alike, and a scrapyd
job stays "running" for ever. This extension ticks on the reactor and watches the ticks from a
thread of its own:

- no tick for NEWSCRAWLER_STALL_SECONDS: one ``error:`` line with the main thread's Python stack
  (where it is stuck), counted as ``newscrawler/stalled``;
- SIGTERM or SIGINT while the reactor does not tick for NEWSCRAWLER_STOP_GRACE seconds: the
  process exits with status 7 after an ``error:`` line, as Scrapy's second Ctrl-C would if the
  reactor could run it. What was stored is stored: each line is flushed when written, and the
  claims of a dead crawl are settled by the next run (see pipelines/dedupe.py).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import traceback
from types import FrameType
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from newscrawler.stats import EXIT_STALLED, say_error

logger = logging.getLogger(__name__)

TICK = 0.25  # seconds between the reactor's ticks


class StallWatchdog:
    def __init__(self, crawler: Crawler, stall: float, grace: float) -> None:
        self.crawler = crawler
        self.stall = stall
        self.grace = grace
        self.last_tick = time.monotonic()
        self.stop_asked: float | None = None  # when SIGTERM/SIGINT arrived
        self.done = threading.Event()
        self._ticker: LoopingCall | None = None
        self._thread: threading.Thread | None = None
        self._previous: dict[int, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StallWatchdog:
        stall = crawler.settings.getfloat("NEWSCRAWLER_STALL_SECONDS")
        if stall <= 0:
            raise NotConfigured
        ext = cls(crawler, stall, crawler.settings.getfloat("NEWSCRAWLER_STOP_GRACE"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.last_tick = time.monotonic()
        self._ticker = LoopingCall(self._tick)
        self._ticker.start(TICK)
        self._watch_signals()
        self._thread = threading.Thread(target=self._watch, name="newscrawler-watchdog", daemon=True)
        self._thread.start()

    def spider_closed(self, spider: Spider) -> None:
        self.done.set()
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        for signum, handler in self._previous.items():
            if signal.getsignal(signum) == self._on_signal:
                signal.signal(signum, handler)

    def _tick(self) -> None:
        self.last_tick = time.monotonic()

    def _watch_signals(self) -> None:
        """Note SIGTERM/SIGINT, then let Scrapy's own handler (installed before) do its part."""
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set from the main thread (an in-process test run)
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.getsignal(signum)
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_asked is None:
            self.stop_asked = time.monotonic()
        previous = self._previous.get(signum)
        if callable(previous):
            previous(signum, frame)
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt

    def _watch(self) -> None:
        reported = False
        while not self.done.wait(min(1.0, self.stall / 4, self.grace / 4 or 1.0)):
            quiet = time.monotonic() - self.last_tick
            if quiet < self.stall:
                reported = False
            elif not reported:
                reported = True
                self._report(quiet)
            if self.stop_asked is not None and quiet >= self.grace:
                since = time.monotonic() - self.stop_asked
                if since >= self.grace:
                    self._force_exit(quiet)

    def _report(self, quiet: float) -> None:
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("newscrawler/stalled")
        frame = sys._current_frames().get(threading.main_thread().ident or 0)
        stack = "".join(traceback.format_stack(frame)) if frame is not None else "(no stack)\n"
        logger.error(
            "error: the crawl stalled: the reactor has not run for %.0f s (NEWSCRAWLER_STALL_SECONDS=%g); "
            "the main thread is at:\n%s",
            quiet,
            self.stall,
            stack.rstrip(),
        )

    def _force_exit(self, quiet: float) -> None:
        say_error(
            self.crawler.settings,
            f"exit status {EXIT_STALLED}: the crawl stalled (the reactor has not run for {quiet:.0f} s) "
            "and did not stop when asked; stopped forcefully",
        )
        logging.shutdown()
        os._exit(EXIT_STALLED)


def stop_within(crawler: Crawler, seconds: float, status: int, why: str) -> None:
    """A crawl that is closing because something failed (Redis gone) must end, not hang in
    retries: if it has not stopped within ``seconds``, an ``error:`` line and exit ``status``."""

    def force() -> None:
        say_error(crawler.settings, f"exit status {status}: {why}; the crawl did not stop in {seconds:g} s")
        logging.shutdown()
        os._exit(status)

    timer = threading.Timer(seconds, force)
    timer.daemon = True
    timer.start()
    crawler.signals.connect(lambda *_, **__: timer.cancel(), signal=signals.engine_stopped, weak=False)
