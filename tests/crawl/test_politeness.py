"""What a site asks of crawlers is honoured up to caps: Crawl-delay and Retry-After (issue #20)."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlsplit

from scrapy.utils.defer import deferred_f_from_coro_f

from tests.conftest import crawl


def paths(items: list[Any]) -> set[str]:
    return {urlsplit(i.url).path for i in items}


@deferred_f_from_coro_f
async def test_robots_crawl_delay_is_honoured_up_to_its_cap(hostile_site) -> None:
    site = hostile_site("crawl_delay")
    items, stats = await crawl({"NEWSCRAWLER_MAX_CRAWL_DELAY": 0.4}, url=site.url + "/")
    assert paths(items) == {a["path"] for a in site.articles()}
    times = sorted(t for path, ts in site.get("/__times").items() if path != "/robots.txt" for t in ts)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Times are taken where the site receives the requests: a busy machine (the suite runs on
    # several workers) delays one arrival and shortens the next gap, never the span of them all.
    assert gaps and (times[-1] - times[0]) / len(gaps) >= 0.38 and min(gaps) >= 0.25, (
        f"requests {min(gaps):.2f} s apart at least, {(times[-1] - times[0]) / len(gaps):.2f} s on "
        "average; robots.txt asks 3600, capped at 0.4"
    )
    assert max(gaps) < 5, "the cap holds: not the hour robots.txt asks for"
    assert any(k.startswith("newscrawler/crawl_delay/") for k in stats)


@deferred_f_from_coro_f
async def test_retry_after_is_waited_for_then_the_page_is_written(hostile_site) -> None:
    site = hostile_site("retry_after")
    items, stats = await crawl({"RETRY_TIMES": 2}, url=site.url + "/")
    assert paths(items) == {a["path"] for a in site.articles()}, (
        "every article, the 429 ones after their wait"
    )
    times = site.get("/__times")
    for a in site.articles():
        if a["fate"] == "retry_after_1":
            first, second = times[a["path"]]
            assert second - first >= 0.9, "retried after the second the site asked for, not at once"
    assert stats.get("newscrawler/retry_after") == 2 and not stats.get("newscrawler/errors/rate_limited")


@deferred_f_from_coro_f
async def test_a_retry_after_past_the_cap_leaves_the_site_for_the_next_run(hostile_site) -> None:
    site = hostile_site("retry_after_hour")
    items, stats = await crawl({"RETRY_TIMES": 2, "NEWSCRAWLER_MAX_RETRY_AFTER": 5}, url=site.url + "/")
    limited = [a["path"] for a in site.articles() if a["fate"] == "retry_after_hour"]
    assert site.requests().get(limited[0]) == 1, "asked to wait an hour: not retried three times at once"
    assert stats.get("newscrawler/errors/rate_limited") == 1
    listed = {a["path"] for a in site.articles()}
    refused = stats.get("newscrawler/skipped/rate_limited", 0)
    assert len(paths(items)) + 1 + refused >= len(listed), "every article written or counted"
