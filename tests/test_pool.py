"""The extraction pool: the same records as in-process extraction, and no article lost to a
worker process that dies or hangs."""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from newscrawler.extraction.article import extract_fetched
from newscrawler.pool import ExtractionFailed, ExtractionPool

FIXTURES = Path(__file__).parent / "fixtures"
WHEN = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def saved_pages() -> list[tuple[bytes, str]]:
    pages = []
    for path in sorted(FIXTURES.rglob("*.html*")):
        data = path.read_bytes()
        pages.append(
            (gzip.decompress(data) if path.suffix == ".gz" else data, f"https://news.example/{path.name}")
        )
    return pages


@deferred_f_from_coro_f
async def test_the_pool_gives_the_same_records_as_extraction_in_process() -> None:
    pages = saved_pages()
    assert len(pages) >= 10
    pool = ExtractionPool(2)
    try:
        pooled = list(await asyncio.gather(*(pool.extract(body, url, {}, WHEN) for body, url in pages)))
    finally:
        pool.close()
    assert pooled == [extract_fetched(body, url, {}, WHEN) for body, url in pages]
    assert sum(r.article is not None for r in pooled) >= 10


# Worker-side functions (module level: the worker processes import them by name).


def crash_once(marker: str) -> str:
    if not os.path.exists(marker):
        Path(marker).touch()
        os._exit(1)  # the worker process dies mid-page
    return "extracted"


def always_crash(_: str) -> str:
    os._exit(1)


def warn_and_extract(page: str) -> str:
    import logging

    logging.getLogger("newscrawler.extraction.test").warning("odd page %s", page)
    logging.getLogger("newscrawler.extraction.test").debug("not at INFO")
    return "extracted"


def hang_once(marker: str) -> str:
    if not os.path.exists(marker):
        Path(marker).touch()
        time.sleep(600)
    return "extracted"


@deferred_f_from_coro_f
async def test_a_page_whose_worker_died_is_extracted_again(tmp_path: Path) -> None:
    pool = ExtractionPool(2, fn="tests.test_pool:crash_once")
    try:
        assert (await pool.extract(str(tmp_path / "crashed"))) == "extracted"
        assert pool.restarts == 1
    finally:
        pool.close()


@deferred_f_from_coro_f
async def test_a_page_that_kills_its_worker_twice_fails_loudly() -> None:
    pool = ExtractionPool(2, fn="tests.test_pool:always_crash")
    try:
        with pytest.raises(ExtractionFailed, match="died"):
            (await pool.extract("x"))
    finally:
        pool.close()


@deferred_f_from_coro_f
async def test_a_hung_worker_is_replaced_and_the_page_extracted_again(tmp_path: Path) -> None:
    pool = ExtractionPool(2, fn="tests.test_pool:hang_once", timeout=2)
    started = time.monotonic()
    try:
        assert (await pool.extract(str(tmp_path / "hung"))) == "extracted"
        assert pool.restarts == 1 and time.monotonic() - started < 30
    finally:
        pool.close()


@deferred_f_from_coro_f
async def test_the_reactor_keeps_running_while_the_pool_starts() -> None:
    # Each worker takes 3 s to load its function: the first page waits for that, the reactor does not.
    pool = ExtractionPool(2, fn="tests.pool_slow_start:extract")
    gaps: list[float] = []

    async def tick() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticker = asyncio.ensure_future(tick())
    try:
        pool.start()  # as a crawl starts it: in a thread
        await asyncio.sleep(0.2)
        assert (await pool.extract("page")) == "extracted"
    finally:
        ticker.cancel()
        pool.close()
    assert max(gaps) < 1.0, f"the reactor stood still for {max(gaps):.1f} s"


@deferred_f_from_coro_f
async def test_a_workers_log_records_reach_the_crawls_log(caplog: pytest.LogCaptureFixture) -> None:
    # A worker process has no log of its own: what extraction logs there is logged by the crawl.
    pool = ExtractionPool(2, fn="tests.test_pool:warn_and_extract")
    try:
        with caplog.at_level(logging.DEBUG, logger="newscrawler.extraction.test"):
            assert (await pool.extract("p1")) == "extracted"
    finally:
        pool.close()
    records = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name.endswith(".test")]
    assert records == [("newscrawler.extraction.test", logging.WARNING, "odd page p1")]
