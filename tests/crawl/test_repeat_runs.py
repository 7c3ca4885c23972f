"""Every run ends (issue #19): repeat crawls of real-world listings with one crawl state.

A scheduled user crawls a site, then crawls it again later with the same state. The second run
must end, write nothing and fetch no unchanged article, whatever date style the listings print
and whichever redirecting URL they give; redirects of every shape must never leave a page
counted in flight (the clean pipeline's warm-up would wait for its timeout).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.utils.defer import deferred_f_from_coro_f

from tests.conftest import REPO, crawl

ARTICLE_PREFIXES = ("/2026/", "/old-slug/", "/hop", "/index.php", "/moved/", "/go/", "/r/")


def scrapy_crawl(url: str, out: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """`scrapy crawl news` as a user runs it; a hang fails the test instead of holding up the suite."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}/", "-O", str(out),
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0", "-s", "NEWSCRAWLER_TEMPLATE_WARMUP_TIMEOUT=60",
         *args],
        capture_output=True, text=True, cwd=REPO, timeout=timeout, env=dict(os.environ),
    )  # fmt: skip


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def article_hits(site: Any) -> dict[str, int]:
    return {p: n for p, n in site.requests().items() if p.startswith(ARTICLE_PREFIXES)}


def test_a_repeat_run_over_every_date_style_ends_and_fetches_nothing(hostile_site, tmp_path) -> None:
    """Sitemap, news sitemap and feed give each article other dates: fractions of a second,
    Z, +0000, -04:30, naive, a bare day, RFC 822 with named zones. The second run used to spin
    for ever between the spider and the frontier (a listing always newer than itself)."""
    site = hostile_site("listing_dates")
    first = scrapy_crawl(site.url, tmp_path / "1.jsonl")
    assert first.returncode == 0, first.stderr[-3000:]
    assert len(lines(tmp_path / "1.jsonl")) == len(site.articles())
    fetched_first = article_hits(site)
    second = scrapy_crawl(site.url, tmp_path / "2.jsonl")
    assert second.returncode == 0, second.stderr[-3000:]
    assert lines(tmp_path / "2.jsonl") == [], "nothing new to write"
    assert article_hits(site) == fetched_first, "no unchanged article fetched again"
    assert "skipped known" in second.stderr or "skipped (known)" in second.stderr, second.stderr[-2000:]


@deferred_f_from_coro_f
async def test_redirected_listings_are_known_to_the_next_run_and_never_left_in_flight(hostile_site) -> None:
    site = hostile_site("redirected_listings")
    fates = {a["path"]: a["fate"] for a in site.articles()}
    # A warm-up larger than the site: it ends only when nothing is left in flight, so a ticket
    # that leaked (a loop, an offsite hop) would hold it to its timeout.
    patient = {"NEWSCRAWLER_TEMPLATE_WARMUP": 20, "NEWSCRAWLER_TEMPLATE_WARMUP_TIMEOUT": 60}
    items, stats = await crawl(patient, url=site.url + "/")
    written = {urlsplit(i.url).path for i in items}
    expected = {p for p, fate in fates.items() if fate not in ("loop", "offsite", "to_fetched")}
    assert written == expected
    assert stats.get("newscrawler/errors/redirect_loop") == 1
    assert not stats.get("newscrawler/warmup_timeouts"), "the warm-up waited for a page never coming"
    hops = {tuple(i.metadata.redirectedFrom) for i in items}
    assert all(hops - {()}) and len(hops - {()}) >= 5, "each page says the URLs it was listed under"
    before = article_hits(site)

    items, stats = await crawl(patient, url=site.url + "/")
    assert items == []
    again = {p: n - before.get(p, 0) for p, n in article_hits(site).items() if n > before.get(p, 0)}
    # The loop and the offsite redirect never reached an article: they are tried again.
    retried = {p for p in again if fates.get(p) == "loop" or p.startswith(("/r/", "/go/"))}
    assert set(again) == retried, f"known articles fetched again: {sorted(set(again) - retried)}"
    assert stats.get("newscrawler/skipped/known", 0) >= len(expected)
    assert not stats.get("newscrawler/warmup_timeouts")


@deferred_f_from_coro_f
async def test_short_news_with_its_own_article_markup_is_a_brief_not_too_short(hostile_site) -> None:
    site = hostile_site("briefs")
    fates = {a["path"]: a["fate"] for a in site.articles()}
    items, stats = await crawl(url=site.url + "/")
    written = {urlsplit(i.url).path: i for i in items}
    assert set(written) == {p for p, fate in fates.items() if fate != "stub"}
    briefs = [i for p, i in written.items() if fates[p] == "brief"]
    assert all(i.authors and i.datePublished and 40 <= (i.wordCount or 0) < 60 for i in briefs)
    assert stats.get("newscrawler/brief") == 2, "briefs kept are counted"
    assert stats.get("newscrawler/dropped/too_short") == 1, "a stub with no byline or date is still too short"
