"""Shared test helpers: the sample news site and hostile sites in subprocesses (their fixtures are
in tests/crawl/conftest.py), a private crawl state for every test, and in-process crawls.

Where each test goes (unit tests mirror the package; end-to-end tests in tests/crawl/) and how
`make test` and `make test-fast` run them: tests/README.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from newscrawler import settings as project_settings
from newscrawler.spiders.news import NewsSpider

REPO = Path(__file__).parent.parent


class LocalServer:
    """A test server in a subprocess that prints `READY <url>` once it listens (like Scrapy's
    mockserver); run from the repository root so it finds sample_site/ and tests/."""

    def __init__(self, *module_and_args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *module_and_args], stdout=subprocess.PIPE, text=True, cwd=REPO
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        assert line.startswith("READY "), line
        self.url = line.split(" ", 1)[1]

    def get(self, path: str) -> Any:
        with urlopen(self.url + path, timeout=10) as resp:
            return json.loads(resp.read())

    def requests(self) -> dict[str, int]:
        """Hits per path."""
        return self.get("/__requests")

    def articles(self) -> list[dict[str, Any]]:
        return self.get("/__articles")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


class DemoSite(LocalServer):
    """The sample site on a free 127.0.0.1 port; it can publish and edit articles on request."""

    def __init__(
        self, discovery: str = "all", delay: float = 0.0, broken: bool = False, rendered: str | None = None
    ) -> None:
        super().__init__(
            "sample_site.server", "--port", "0", "--discovery", discovery, "--delay", str(delay),
            *(["--broken"] if broken else []), *(["--rendered", rendered] if rendered else []),
        )  # fmt: skip

    def publish(self, n: int) -> None:
        self.get(f"/__publish?n={n}")

    def edit(self, index: int) -> None:
        self.get(f"/__edit?index={index}")


class HostileSite(LocalServer):
    """One scenario of tests/mockserver/hostile.py (its docstring lists them). `articles()` gives
    each article's fate in the scenario; never_answers has no `requests()` to give."""

    def __init__(
        self, scenario: str, host: str = "127.0.0.1", other_url: str | None = None, stall: float = 60.0
    ) -> None:
        args = ["--port", "0", "--host", host, "--scenario", scenario, "--stall", str(stall)]
        super().__init__(
            "tests.mockserver.hostile", *args, *(["--other-url", other_url] if other_url else [])
        )
        self.scenario = scenario


class ChallengeSite(LocalServer):
    """The sample site behind a Cloudflare-like challenge (tests/mockserver/challenge.py): only
    requests with Chrome's client hints and fetch metadata get the site; the rest a challenge
    page with ``status``. ``open_paths``: path prefixes served to any client."""

    def __init__(self, status: int = 403, open_paths: tuple[str, ...] = ()) -> None:
        super().__init__(
            "tests.mockserver.challenge", "--port", "0", "--status", str(status), "--open", *open_paths
        )

    def challenged(self) -> dict[str, int]:
        """Requests answered with the challenge page, per path."""
        return self.get("/__challenged")


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch) -> Any:  # type: ignore[no-untyped-def]
    """Every test crawls with its own crawl state (in-process and in subprocesses), on one
    machine unless the test starts a Redis of its own."""
    path = tmp_path / "state"
    monkeypatch.setenv("NEWSCRAWLER_STATE_DIR", str(path))
    for name in ("REDIS_URL", "NEWSCRAWLER_STATE_URL"):
        monkeypatch.delenv(name, raising=False)
    return path


def project_settings_dict(**overrides: Any) -> dict[str, Any]:
    values = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    values.update(
        {
            "AUTOTHROTTLE_ENABLED": False,  # our own local server: no need to be slow
            "FEEDS": {},
            "LOG_LEVEL": "INFO",
            "RETRY_TIMES": 0,
            "DOWNLOAD_TIMEOUT": 10,
        }
    )
    values.update(overrides)
    return values


async def crawl(
    settings: dict[str, Any] | None = None, **spider_args: Any
) -> tuple[list[Any], dict[str, Any]]:
    """Run the news spider in-process (get_crawler + crawl_async); return its items and stats."""
    crawler = get_crawler(NewsSpider, project_settings_dict(**(settings or {})))
    items: list[Any] = []

    def collect(item: Any, **_: Any) -> None:
        items.append(item)

    crawler.signals.connect(collect, signal=signals.item_scraped, weak=False)
    await crawler.crawl_async(**spider_args)
    assert crawler.stats is not None
    return items, crawler.stats.get_stats()
