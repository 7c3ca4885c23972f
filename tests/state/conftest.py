"""The store every contract test runs against: SQLite, then Redis (``open_store``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawler.state import StateStore
from newscrawler.state.redis import RedisState
from newscrawler.state.sqlite import SQLiteState
from tests.mockserver.redis_server import RedisServer
from tests.state.contract import Opener


@pytest.fixture(scope="module")
def module_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server per test module: each test has a key prefix of its own on it."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


# The Redis runs start a redis-server (one per module): marked `server`, which `make test-fast` skips.
@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.server)])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """open_store(owner=None, lease_seconds=120) -> a store on one shared state."""
    opened: list[StateStore] = []
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("module_redis")
        url = f"{server.url}?prefix=test-{uuid.uuid4().hex[:12]}"

        def make(owner: str | None = None, lease_seconds: float = 120.0) -> StateStore:
            return RedisState(url, lease_seconds=lease_seconds, owner=owner)
    else:

        def make(owner: str | None = None, lease_seconds: float = 120.0) -> StateStore:
            return SQLiteState(tmp_path / "state.sqlite3", lease_seconds=lease_seconds, owner=owner)

    def opener(**kwargs: Any) -> StateStore:
        store = make(**kwargs)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()
