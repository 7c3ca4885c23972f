"""The CrawlState extension (state/extension.py): opens the crawl's store when the spider opens
(emptied with fresh=1), renews its lease while the crawl runs, releases what the crawl left
pending when it closes; a state it cannot use stops the crawl with one clear error line.

Each crawl is a crawler (``get_crawler`` + ``_apply_settings``) on the test's SQLite state; no
engine runs, so closing the spider is recorded by a stand-in engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from newscrawler.spiders.news import NewsSpider
from newscrawler.state import STATE_FILE, StateError
from newscrawler.state.extension import CrawlState, get_store
from newscrawler.state.sqlite import SQLiteState
from newscrawler.text import hash64, signature
from tests.conftest import project_settings_dict

SIG = signature("one two three four five six seven eight nine ten")
WHEN = "2026-11-28T12:00:00+00:00"


class Engine:
    """Stands in for the engine: records why the crawl was asked to close."""

    def __init__(self) -> None:
        self.closed: list[str] = []

    async def close_spider_async(self, reason: str = "cancelled") -> None:
        self.closed.append(reason)


Start = Callable[..., tuple[CrawlState, Engine]]


@pytest.fixture
def crawl() -> Iterator[Start]:
    """crawl(fresh=False, **settings) -> (its CrawlState, its engine), the spider not yet opened."""
    crawlers: list[Crawler] = []

    def start(fresh: bool = False, **settings: Any) -> tuple[CrawlState, Engine]:
        crawler = get_crawler(NewsSpider, settings_dict=project_settings_dict(**settings))
        crawler._apply_settings()
        crawler.spider = crawler._create_spider(url="https://a.example/", **({"fresh": "1"} if fresh else {}))
        engine = Engine()
        crawler.engine = engine  # type: ignore[assignment]
        crawlers.append(crawler)
        ext = crawler.get_extension(CrawlState)
        assert ext is not None
        return ext, engine

    yield start
    for crawler in crawlers:
        ext = crawler.get_extension(CrawlState)
        if ext is not None:
            ext.close()


def claim(store: Any, key: str = "k") -> int | None:
    """An article claimed under ``key``, a text of its own."""
    return store.claim([key], f"https://a.example/{key}", hash64(key), SIG, None, WHEN)


def other_crawl(state: Path) -> SQLiteState:
    return SQLiteState(state / STATE_FILE, lease_seconds=120)


@deferred_f_from_coro_f
async def test_the_store_opens_with_the_spider_and_pipelines_reach_it(
    crawl: Start, private_state: Path
) -> None:
    ext, engine = crawl()
    assert ext.opened is None, "nothing opened before the spider opens"
    await ext.spider_opened(ext.crawler.spider)
    assert ext.opened is not None and get_store(ext.crawler) is ext.opened
    assert (private_state / STATE_FILE).is_file()
    assert engine.closed == []


@deferred_f_from_coro_f
async def test_fresh_empties_the_state_when_the_spider_opens(crawl: Start, private_state: Path) -> None:
    before = other_crawl(private_state)
    assert claim(before) == 1
    before.confirm(["k"])
    before.close()
    ext, _ = crawl()
    await ext.spider_opened(ext.crawler.spider)
    assert ext.store.lookup("k") is not None, "without fresh=1 the state is kept"
    ext.close()
    fresh, _ = crawl(fresh=True)
    await fresh.spider_opened(fresh.crawler.spider)
    assert fresh.store.lookup("k") is None


@deferred_f_from_coro_f
async def test_the_lease_is_renewed_while_the_crawl_runs(crawl: Start, private_state: Path) -> None:
    ext, _ = crawl(NEWSCRAWLER_LEASE_SECONDS=1)  # renewed every half second
    await ext.spider_opened(ext.crawler.spider)
    assert claim(ext.store) == 1  # pending: its line is not written yet
    stalled = SQLiteState(private_state / STATE_FILE, lease_seconds=1)  # a crawl that never renews
    assert claim(stalled, "j") == 1
    await asyncio.sleep(2.5)  # both leases would have run out by now
    other = other_crawl(private_state)
    try:
        assert claim(other) is None, "the running crawl's claim is still its own"
        assert claim(other, "j") == 1, "the crawl that stopped renewing lost its claim"
    finally:
        other.close()
        stalled.close()


@deferred_f_from_coro_f
async def test_closing_releases_what_the_crawl_left_pending(crawl: Start, private_state: Path) -> None:
    ext, _ = crawl()
    await ext.spider_opened(ext.crawler.spider)
    assert claim(ext.store, "written") == 1 and claim(ext.store, "pending") == 1
    ext.store.confirm(["written"])
    ext.close()
    assert ext.opened is None
    ext.close()  # a second close is harmless
    other = other_crawl(private_state)
    try:
        assert other.lookup("written") is not None
        assert other.lookup("pending") is None, "the next crawl writes the article it never wrote"
    finally:
        other.close()


@deferred_f_from_coro_f
async def test_a_corrupt_state_stops_the_crawl_with_one_clear_line_and_is_left_as_it_was(
    crawl: Start, private_state: Path, caplog: pytest.LogCaptureFixture
) -> None:
    private_state.mkdir(parents=True)
    (private_state / STATE_FILE).write_bytes(b"this is not a database" * 100)
    ext, engine = crawl()
    with caplog.at_level("ERROR", logger="newscrawler.state.extension"):
        await ext.spider_opened(ext.crawler.spider)
    assert engine.closed == ["state_error"]
    [line] = [r.getMessage() for r in caplog.records if r.name == "newscrawler.state.extension"]
    assert line.startswith("error: ") and "corrupt" in line and "fresh=1" in line
    assert (private_state / STATE_FILE).read_bytes().startswith(b"this is not a database"), "not reset"


@deferred_f_from_coro_f
async def test_a_store_gone_mid_crawl_stops_it_and_a_passing_failure_does_not(
    crawl: Start, caplog: pytest.LogCaptureFixture
) -> None:
    ext, engine = crawl(NEWSCRAWLER_LEASE_SECONDS=1)
    await ext.spider_opened(ext.crawler.spider)
    failures = iter([OSError("database is locked"), StateError("the Redis store was restarted empty")])

    def renew() -> None:
        raise next(failures)

    ext.store.renew = renew  # type: ignore[method-assign]
    with caplog.at_level("WARNING", logger="newscrawler.state.extension"):
        await asyncio.sleep(0.7)
        assert engine.closed == [], "a renewal that failed once is a warning"
        await asyncio.sleep(0.6)
    assert engine.closed == ["state_error"]
    messages = [r.getMessage() for r in caplog.records if r.name == "newscrawler.state.extension"]
    assert messages == [
        "could not renew the crawl state lease: database is locked",
        "error: the Redis store was restarted empty",
    ]
    await asyncio.sleep(0.6)
    assert engine.closed == ["state_error"], "renewal stopped: asked to close once"


def test_without_the_extension_the_store_is_a_clear_error() -> None:
    crawler = get_crawler(
        NewsSpider,
        settings_dict=project_settings_dict(EXTENSIONS={"newscrawler.state.extension.CrawlState": None}),
    )
    crawler._apply_settings()
    with pytest.raises(StateError, match="the CrawlState extension is not enabled"):
        get_store(crawler)
