"""The pipelines in crawls of the sample site (clean, validate, deduplicate): each story written once,
across runs and across crawls sharing a state, and nothing but article text."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from newscrawler.items import Author
from newscrawler.state import StateError
from newscrawler.state.sqlite import SQLiteState
from newscrawler.stats import per_site
from newscrawler.text import word_count
from sample_site.content import PROMO
from tests.conftest import crawl

WIRE_AUTHOR = "Sofia Marin"
REPO = Path(__file__).parent.parent.parent


def paths(items: list) -> set[str]:
    return {urlsplit(i.url).path for i in items}


# --- one run: each story once, the promo gone, one-off paragraphs kept, the books balanced ---


@deferred_f_from_coro_f
async def test_every_story_once_promo_gone_and_the_summary_adds_up(shared_demo_site) -> None:
    site = shared_demo_site()
    items, stats = await crawl(url=site.url + "/")
    articles = site.articles()
    tracked = articles[1]["path"]
    assert sum(urlsplit(i.url).path in (tracked, "/amp" + tracked, "/m" + tracked) for i in items) == 1
    assert len([i for i in items if i.authors == [Author(WIRE_AUTHOR)]]) == 1, "wire story written once"
    assert stats["newscrawler/dropped/near_duplicate"] == 1
    with_promo = [a for a in articles if PROMO in a["paragraphs"]]
    assert len(with_promo) > len(articles) / 2
    by_path = {urlsplit(i.url).path: i for i in items}
    for a in articles:
        if a["path"] in by_path:
            body = by_path[a["path"]].articleBody
            assert PROMO not in body
            assert by_path[a["path"]].wordCount == word_count(body), "counted after the promo went"
            for own in (p for p in a["paragraphs"] if p != PROMO):
                assert own in body, "a paragraph of one article only is never removed"
    # Removed from every page cleaned: the written ones, and copies that dedupe drops afterwards
    # (an AMP or mobile copy is dropped by the state, which compares texts, after cleaning).
    removed, written_with_promo = (
        stats["newscrawler/template_paragraphs_removed"],
        len([a for a in with_promo if a["path"] in by_path]),
    )
    assert written_with_promo <= removed <= written_with_promo + stats["newscrawler/dropped/duplicate_url"]
    for name, s in per_site(stats).items():
        assert s["fetched"] == s["written"] + sum(s["dropped"].values()), name


@deferred_f_from_coro_f
async def test_a_first_crawl_with_a_small_limit_is_clean_too(shared_demo_site) -> None:
    site = shared_demo_site()
    items, stats = await crawl(url=site.url + "/", limit="3")
    assert len(items) == 3
    assert not [i for i in items if PROMO in i.articleBody], "the site's promo learned from sample pages"
    assert stats["newscrawler/dropped/template_sample"] >= 1, "pages read only to learn are counted"
    again, _ = await crawl(url=site.url + "/", limit="3")
    assert len(again) == 3 and not {i.url for i in again} & {i.url for i in items}


@deferred_f_from_coro_f
async def test_near_duplicates_can_be_kept_and_marked(shared_demo_site) -> None:
    site = shared_demo_site("sitemap")
    items, _ = await crawl({"NEWSCRAWLER_NEAR_DUPLICATES": "keep"}, url=site.url + "/")
    wire = [i for i in items if i.authors == [Author(WIRE_AUTHOR)]]
    assert len(wire) == 2
    marked = [i for i in wire if i.metadata.duplicateOf]
    assert len(marked) == 1
    assert marked[0].metadata.duplicateOf in {i.url for i in wire if i is not marked[0]}


@deferred_f_from_coro_f
async def test_language_filter_drops_and_counts(shared_demo_site) -> None:
    site = shared_demo_site("feed")
    items, stats = await crawl(url=site.url + "/", languages="de,ur")
    assert items == []
    assert stats["newscrawler/dropped/language"] > 0


# --- across runs ---


@deferred_f_from_coro_f
async def test_second_run_writes_and_fetches_nothing_third_writes_new_and_edited(demo_site) -> None:
    site = demo_site()
    first, _ = await crawl(url=site.url + "/")
    assert len(first) == len(site.articles()) - 1  # all but the wire copy
    fetched_once = site.requests()
    second, stats = await crawl(url=site.url + "/")
    assert second == []
    after = site.requests()
    article_paths = {a["path"] for a in site.articles()}
    assert {p: after.get(p) for p in article_paths} == {p: fetched_once.get(p) for p in article_paths}, (
        "no known article page was fetched again"
    )
    assert stats["newscrawler/skipped/known"] >= len(first)
    # Each URL once: the articles, and the tracked article's /m/ copy (known too, not refetched).
    assert stats["newscrawler/skipped/known"] <= len(site.articles()) + 1, "each skip counted once"
    assert "downloader/exception_count" not in stats, "skips are not errors"

    edited_path = site.articles()[5]["path"]
    site.publish(2)
    site.edit(5 + 2)  # the new articles go first
    third, _ = await crawl(url=site.url + "/")
    assert len(third) == 3
    by_path = {urlsplit(i.url).path: i for i in third}
    assert edited_path in by_path
    assert by_path[edited_path].metadata.revision == 2
    assert "Correction:" in by_path[edited_path].articleBody
    assert sorted(i.metadata.revision for i in third) == [1, 1, 2]


@deferred_f_from_coro_f
async def test_limit_counts_new_articles_so_each_run_makes_progress(shared_demo_site) -> None:
    site = shared_demo_site("sitemap")
    first, _ = await crawl(url=site.url + "/", limit="3")
    second, stats = await crawl(url=site.url + "/", limit="3")
    assert len(first) == len(second) == 3
    assert not paths(first) & paths(second), "known articles do not use up the limit"
    # The newest listed are written first, whichever page happens to be extracted first.
    assert min(i.datePublished for i in first) >= max(i.datePublished for i in second)
    assert stats["newscrawler/skipped/known"] >= 1, "known articles were met, and skipped without a request"


@deferred_f_from_coro_f
async def test_fresh_ignores_and_resets_the_state(shared_demo_site) -> None:
    site = shared_demo_site("feed")
    first, _ = await crawl(url=site.url + "/", limit="4")
    again, _ = await crawl(url=site.url + "/", limit="4", fresh="1")
    assert len(first) == len(again) == 4
    assert all(i.metadata.revision == 1 for i in again)


# --- processes: killed crawls, concurrent crawls, corrupt state ---


def scrapy_crawl(url: str, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}/", "-o", f"{out}:jsonlines",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO", *extra],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def descendants(pid: int) -> list[int]:
    """Every process below pid (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        frontier += children
    return found


def test_sigkill_midway_then_rerun_loses_nothing_and_writes_nothing_twice(demo_site, tmp_path: Path) -> None:
    site = demo_site(delay=0.15)
    first_out, second_out = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    proc = scrapy_crawl(site.url, first_out, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
    deadline = time.monotonic() + 60
    while len(read_jsonl(first_out)) < 6 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl finished before it could be killed"
    helpers = descendants(proc.pid)
    assert helpers, "the crawl extracts in worker processes"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()  # type: ignore[union-attr]
    deadline = time.monotonic() + 15
    while any(Path(f"/proc/{pid}").exists() for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in helpers if Path(f"/proc/{pid}").exists()], (
        "its extraction processes left with it"
    )
    first = read_jsonl(first_out)  # every line is valid JSON, even the last one
    assert 6 <= len(first) < len(site.articles()) - 1

    rerun = scrapy_crawl(site.url, second_out)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-2000:]
    second = read_jsonl(second_out)
    urls = [r["url"] for r in first + second]
    assert len(urls) == len(set(urls)), "nothing written twice"
    assert len(urls) == len(site.articles()) - 1, "nothing lost"


def test_two_crawls_sharing_a_state_never_write_the_same_article(demo_site, tmp_path: Path) -> None:
    site = demo_site(delay=0.05)
    outs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    procs = [scrapy_crawl(site.url, out) for out in outs]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
    urls = [r["url"] for out in outs for r in read_jsonl(out)]
    assert len(urls) == len(set(urls))
    assert len(urls) == len(site.articles()) - 1


def test_corrupt_state_is_a_clear_error_not_a_reset(private_state: Path) -> None:
    private_state.mkdir(parents=True)
    (private_state / "state.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateError, match="corrupt"):
        SQLiteState(private_state / "state.sqlite3")
    res = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "sites=dawn"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert res.returncode == 2
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "corrupt" in errors[0] and "Traceback" not in res.stderr
    assert (private_state / "state.sqlite3").read_bytes().startswith(b"this is not a database"), "not reset"
