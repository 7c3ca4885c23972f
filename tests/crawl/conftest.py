"""The servers end-to-end tests start: the sample site, hostile sites, the sample site behind a
challenge, redis-server.

They are fixtures of tests/crawl/ only: a test that starts a server is a crawl test and lives
here, so `make test-fast` (everything outside tests/crawl/) never starts one.

``demo_site``, ``hostile_site``, ``challenge_site`` and ``redis_server`` start a server for one test and stop it
after. ``shared_demo_site`` and ``shared_hostile_site`` start one per test module and arguments,
for the tests that neither change the site (``publish``, ``edit``) nor read its request counts
(``requests()``), which every crawl of it adds to: each test still has a crawl state of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ChallengeSite, DemoSite, HostileSite, LocalServer
from tests.mockserver.redis_server import RedisServer


def each_stopped(make: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """The body of a server fixture: yields ``start(...)``, which starts one with ``make(...)``;
    every server started is stopped at teardown."""
    started: list[Any] = []

    def start(*args: Any, **kwargs: Any) -> Any:
        server = make(*args, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def hostile_site() -> Iterator[Any]:
    """hostile_site(scenario, host="127.0.0.1", other_url=None, stall=60.0) -> HostileSite, stopped at teardown."""
    yield from each_stopped(HostileSite)


@pytest.fixture
def challenge_site() -> Iterator[Any]:
    """challenge_site(status=403, open_paths=()) -> ChallengeSite, stopped at teardown."""
    yield from each_stopped(ChallengeSite)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Any]:
    """redis_server(persistent=False) -> RedisServer, stopped at teardown."""
    numbers = itertools.count()
    yield from each_stopped(
        lambda persistent=False: RedisServer(tmp_path / f"redis-{next(numbers)}", persistent)
    )


@pytest.fixture
def warc_server() -> Iterator[Any]:
    """warc_server(folder, drop_after=0) -> a static server of the folder with HTTP Range that drops
    its first download of each .warc.gz after drop_after bytes (tests/mockserver/warc_server.py)."""
    yield from each_stopped(
        lambda folder, drop_after=0: LocalServer(
            "tests.mockserver.warc_server", "--dir", str(folder), "--drop-after", str(drop_after)
        )
    )


@pytest.fixture
def demo_site() -> Iterator[Any]:
    """demo_site(discovery="all", delay=0.0, broken=False, rendered=None) -> DemoSite, stopped at
    teardown."""
    yield from each_stopped(DemoSite)


class PerModule:
    """One server per set of arguments, started on first use, stopped when the module's tests end."""

    def __init__(self, make: Callable[..., LocalServer]) -> None:
        self.make = make
        self.started: dict[tuple[Any, ...], LocalServer] = {}

    def get(self, *args: Any) -> Any:
        server = self.started.get(args)
        if server is None or server.proc.poll() is not None:
            server = self.started[args] = self.make(*args)
        return server

    def stop(self) -> None:
        for server in self.started.values():
            server.stop()


@pytest.fixture(scope="module")
def shared_demo_site() -> Iterator[Any]:
    """shared_demo_site(discovery="all", delay=0.0, broken=False) -> the module's DemoSite with
    those arguments. Never publish or edit it, nor count its requests: use demo_site for that."""
    sites = PerModule(DemoSite)

    def site(discovery: str = "all", delay: float = 0.0, broken: bool = False) -> DemoSite:
        found: DemoSite = sites.get(discovery, delay, broken)
        return found

    yield site
    sites.stop()


@pytest.fixture(scope="module")
def shared_hostile_site() -> Iterator[Any]:
    """shared_hostile_site(scenario, host="127.0.0.1", other_url=None, stall=60.0) -> the module's
    HostileSite with those arguments. Never count its requests: use hostile_site for that."""
    sites = PerModule(HostileSite)

    def site(
        scenario: str, host: str = "127.0.0.1", other_url: str | None = None, stall: float = 60.0
    ) -> HostileSite:
        found: HostileSite = sites.get(scenario, host, other_url, stall)
        return found

    yield site
    sites.stop()


@pytest.fixture
def mock_server() -> Iterator[Any]:
    """mock_server(module, *args) -> LocalServer running tests/mockserver/<module>.py, stopped at
    teardown (the proxy, the escaping app...)."""
    yield from each_stopped(lambda module, *args: LocalServer(f"tests.mockserver.{module}", *args))
