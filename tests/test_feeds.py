"""Where the articles are written (newscrawler/feeds.py): the feed URI's placeholders, a file per
scrapyd job and per distributed worker."""

from __future__ import annotations

import os

from newscrawler.plan import CrawlPlan


def test_feed_names_carry_the_scrapyd_job_id() -> None:
    from types import SimpleNamespace

    from newscrawler import settings
    from newscrawler.feeds import feed_uri_params

    assert "%(job_suffix)s" in settings.NEWSCRAWLER_FEED_URI

    spider = SimpleNamespace(plan=CrawlPlan.parse({"url": "https://x.example/", "_job": "abc123"}))
    params = feed_uri_params({"name": "news", "time": "T"}, spider)  # type: ignore[arg-type]
    assert settings.NEWSCRAWLER_FEED_URI % params == "output/news/T-abc123.jsonl"
    assert feed_uri_params({}, SimpleNamespace())["job_suffix"] == ""  # type: ignore[arg-type]
    # Workers of one distributed crawl, started the same second on one machine: a file each.
    worker = SimpleNamespace(settings={"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert feed_uri_params({}, worker)["job_suffix"].endswith(f"-{os.getpid()}")  # type: ignore[arg-type]
