"""Nothing lost, nothing leaked (issue #9): crawls of hostile local sites.

Each case serves one scenario of tests/mockserver/hostile.py from a real local server and
checks what a user would see: what was written, what was counted and why, what was never
fetched, and that the crawl ended. docs/robustness.md lists every case and its test.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.conftest import crawl


def ok_paths(site: Any) -> set[str]:
    """The articles a crawl can write: those the scenario does not break on purpose."""
    broken = {"500", "503", "404", "huge", "stall", "loop", "long_url"}
    return {a["path"] for a in site.articles() if a["fate"] not in broken}


def written(items: list[Any]) -> set[str]:
    return {urlsplit(i.url).path for i in items}


def counted(stats: dict[str, Any], kind: str, reason: str) -> int:
    return int(stats.get(f"newscrawler/{kind}/{reason}", 0))


# --- §2 only the web, only the site, never the inside of the machine ---


@deferred_f_from_coro_f
async def test_a_sitemap_naming_file_and_ftp_urls_fetches_neither(hostile_site) -> None:
    site = hostile_site("file_scheme")
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == ok_paths(site)
    assert not any("root:" in (i.articleBody or "") for i in items)
    assert counted(stats, "skipped", "bad_url") == 2


@deferred_f_from_coro_f
async def test_a_local_site_cannot_lead_the_crawl_to_another_private_host(hostile_site) -> None:
    other = hostile_site("file_scheme", host="127.0.0.2")
    site = hostile_site("other_private_host", other_url=other.url)
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == ok_paths(site)
    assert other.requests() == {}, "the other private host got no request at all"
    assert counted(stats, "skipped", "offsite") >= 1


@deferred_f_from_coro_f
async def test_a_sitemap_on_a_private_host_named_in_robots_is_refused_unless_allowed(hostile_site) -> None:
    other = hostile_site("file_scheme", host="127.0.0.2")
    site = hostile_site("offsite", other_url=other.url)
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == ok_paths(site), "example.invalid articles are offsite"
    assert other.requests() == {}
    assert counted(stats, "skipped", "private_address") >= 1
    assert counted(stats, "skipped", "offsite") >= 5

    allowed = urlsplit(other.url).netloc
    items, stats = await crawl(
        {"NEWSCRAWLER_ALLOW_PRIVATE": allowed, "NEWSCRAWLER_STATE_URL": None}, url=site.url + "/", fresh="1"
    )
    assert other.requests().get("/sitemap.xml") == 1, "a sitemap robots.txt names may live on another host"
    assert not [p for p in other.requests() if p not in ("/sitemap.xml", "/robots.txt")], (
        "its articles are another site's: offsite"
    )


# --- §3 a bad entry costs that entry, never its neighbours, and is always counted ---


@deferred_f_from_coro_f
async def test_one_bad_sitemap_entry_costs_only_itself(shared_hostile_site) -> None:
    site = shared_hostile_site("bad_port_entry")
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == ok_paths(site) and len(items) == 29
    assert counted(stats, "skipped", "bad_url") == 1


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [("garbage_sitemap", "bad_sitemap"), ("gzip_bomb", "sitemap_too_large"), ("entity_bomb", "bad_sitemap")],
)
@deferred_f_from_coro_f
async def test_a_broken_or_hostile_sitemap_is_counted_and_the_articles_still_come(
    hostile_site, scenario: str, reason: str
) -> None:
    site = hostile_site(scenario)
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == ok_paths(site)
    assert "spider_exceptions" not in str(stats)
    assert counted(stats, "errors", reason) == 1


@pytest.mark.parametrize("scenario", ["deep_jsonld", "huge_jsonld", "utf16_feed"])
@deferred_f_from_coro_f
async def test_hostile_pages_and_feeds_lose_no_article(hostile_site, scenario: str) -> None:
    site = hostile_site(scenario)
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == ok_paths(site) and items
    assert "spider_exceptions" not in str(stats)


@deferred_f_from_coro_f
async def test_pages_with_a_wrong_charset_declaration_are_decoded_by_their_bytes(hostile_site) -> None:
    site = hostile_site("mislabelled_charset")
    items, _ = await crawl(url=site.url + "/")
    by_path = {urlsplit(i.url).path: i for i in items}
    assert set(by_path) == {a["path"] for a in site.articles()}
    for a in site.articles():
        body = by_path[a["path"]].articleBody
        for paragraph in a["paragraphs"]:
            assert paragraph in body, (a["fate"], paragraph[:40])


@deferred_f_from_coro_f
async def test_redirect_loops_are_counted_as_such(hostile_site) -> None:
    site = hostile_site("redirect_loop")
    # a warm-up larger than the site ends only when nothing is in flight: a leaked loop holds it
    items, stats = await crawl({"NEWSCRAWLER_TEMPLATE_WARMUP": 20}, url=site.url + "/")
    assert not stats.get("newscrawler/warmup_timeouts"), "a redirect loop left in flight"
    assert written(items) == ok_paths(site)
    loops = [a for a in site.articles() if a["fate"] == "loop"]
    assert counted(stats, "errors", "redirect_loop") == len(loops)
    assert "dupefilter/filtered" not in stats or stats["dupefilter/filtered"] == 0 or loops


@deferred_f_from_coro_f
async def test_failed_requests_are_counted_by_their_real_reason(hostile_site) -> None:
    site = hostile_site("http_errors", stall=20)
    items, stats = await crawl(
        {"DOWNLOAD_MAXSIZE": 1_000_000, "DOWNLOAD_WARNSIZE": 0, "DOWNLOAD_TIMEOUT": 2}, url=site.url + "/"
    )
    assert written(items) == ok_paths(site)
    fates = [a["fate"] for a in site.articles()]
    for fate, reason in (("500", "http_500"), ("503", "http_503"), ("404", "http_404")):
        assert counted(stats, "errors", reason) == fates.count(fate), reason
    assert counted(stats, "errors", "too_large") == 1
    assert counted(stats, "errors", "timeout") == 1
    assert counted(stats, "skipped", "ignored_by_robots_or_filters") == 0


# --- §4 every crawl ends, and reaches articles ---


@deferred_f_from_coro_f
async def test_an_endless_chain_of_sitemap_indexes_is_cut_and_counted(hostile_site) -> None:
    site = hostile_site("index_chain")
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == ok_paths(site)
    assert counted(stats, "skipped", "sitemap_depth") == 1
    chain = [p for p in site.requests() if p.startswith("/sitemap-") and p != "/sitemap-articles.xml"]
    assert len(chain) <= 6


@deferred_f_from_coro_f
async def test_articles_before_listings_and_a_limited_crawl_stops_discovering(hostile_site) -> None:
    site = hostile_site("many_sections")
    start = time.monotonic()
    items, _ = await crawl(url=site.url + "/", limit="50")
    assert len(items) == 50
    sections = [p for p in site.requests() if p.startswith("/section-")]
    assert len(sections) <= 300, "listing pages are bounded per site"
    assert time.monotonic() - start < 60


@deferred_f_from_coro_f
async def test_crawler_traps_are_bounded_counted_and_never_stall_the_run(hostile_site) -> None:
    site = hostile_site("traps")
    start = time.monotonic()
    items, stats = await crawl(url=site.url + "/")
    elapsed = time.monotonic() - start
    assert written(items) == ok_paths(site), "session ids do not make one article many"
    hits = site.requests()
    assert sum(1 for p in hits if p.startswith("/calendar/")) <= 50
    assert sum(1 for p in hits if p.startswith("/archive/")) <= 50
    assert counted(stats, "skipped", "trap") >= 1
    assert elapsed < 30, "no single URL holds the run (it took 62 s when a long link stalled the warm-up)"


@deferred_f_from_coro_f
async def test_a_site_that_never_answers_does_not_hold_up_the_others(shared_hostile_site) -> None:
    dead = shared_hostile_site("never_answers")
    good = shared_hostile_site("bad_port_entry")
    start = time.monotonic()
    items, stats = await crawl({"DOWNLOAD_TIMEOUT": 3}, url=f"{dead.url}/,{good.url}/")
    assert written(items) == ok_paths(good)
    dead_site = urlsplit(dead.url).netloc
    assert stats.get(f"newscrawler/{dead_site}/errors/timeout", 0) >= 1
    assert time.monotonic() - start < 60


def test_credentials_never_reach_the_log(shared_demo_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import socket
    import subprocess
    import sys

    site = shared_demo_site()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    res = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.url}/", "-a", "limit=2",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "AWS_SECRET_ACCESS_KEY=supersecret1",
         "-s", "SCRAPYD_PASSWORD=supersecret3",
         "-o", f"ftp://user:supersecret2@127.0.0.1:{closed}/x.jsonl"],
        capture_output=True, text=True, cwd=Path(__file__).parent.parent.parent, timeout=300,
        env={**os.environ, "NEWSCRAWLER_STATE_DIR": str(tmp_path / "state")},
    )  # fmt: skip
    assert "Overridden settings" in res.stderr, res.stderr[-3000:]
    assert "ftp://user:***@127.0.0.1" in res.stderr, res.stderr[:5000]
    for secret in ("supersecret1", "supersecret2", "supersecret3"):
        assert secret not in res.stderr, secret


@deferred_f_from_coro_f
async def test_redirects_off_the_web_are_counted_as_bad_scheme(hostile_site) -> None:
    site = hostile_site("bad_redirects")
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == {a["path"] for a in site.articles() if a["fate"] == "ok"}
    assert counted(stats, "errors", "bad_scheme") == 4
    assert not any(k.startswith("newscrawler/errors/http_30") for k in stats), "not http_302"


@deferred_f_from_coro_f
async def test_decompression_bombs_are_too_large_and_the_article_counts_as_fetched(hostile_site) -> None:
    site = hostile_site("encoded_bombs")
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == {a["path"] for a in site.articles() if a["fate"] == "ok"}
    name = urlsplit(site.url).netloc
    assert stats[f"newscrawler/{name}/dropped/too_large"] == 1, "the article bomb: fetched, dropped"
    assert stats[f"newscrawler/{name}/errors/too_large"] == 1, "the sitemap bomb"
    assert stats[f"newscrawler/{name}/fetched"] == len(items) + 1, (
        "every article page fetched is accounted for"
    )
    assert not counted(stats, "skipped", "ignored")


@deferred_f_from_coro_f
async def test_a_canonical_naming_the_home_a_section_or_a_fixed_url_suppresses_nothing(hostile_site) -> None:
    site = hostile_site("canonical_bugs")
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == {a["path"] for a in site.articles()}, "all 8, none a duplicate_url"
    assert counted(stats, "dropped", "duplicate_url") == 0
    assert stats["newscrawler/canonical_ignored"] == 8
    by_fate = {a["fate"]: a["path"] for a in site.articles()}
    canonical = {urlsplit(i.url).path: i.canonicalUrl for i in items}
    assert canonical[by_fate["canon_home"]] is None and canonical[by_fate["canon_section"]] is None
    again, stats = await crawl(url=site.url + "/")
    assert again == [], "no article comes back as a revision of another"
    assert counted(stats, "skipped", "known") == 8


@deferred_f_from_coro_f
async def test_a_site_pointing_its_canonicals_at_another_sites_articles_keeps_none_of_them_out(
    hostile_site, shared_demo_site
) -> None:
    other = shared_demo_site()
    site = hostile_site("canonical_elsewhere", other_url=other.url)
    items, stats = await crawl(url=site.url + "/")
    assert written(items) == {a["path"] for a in site.articles()}
    assert stats["newscrawler/canonical_ignored"] == 8
    theirs, stats = await crawl(url=other.url + "/")
    assert len(theirs) == len(other.articles()) - 1, (
        "all but the sample site's wire copy, as on a fresh state"
    )
    assert counted(stats, "skipped", "known") == 0
