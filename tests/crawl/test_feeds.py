"""Every feed format Scrapy offers confirms its articles, and several feeds follow one rule (issue #20).

An article counts as written once a feed that accepts it has stored it; a feed that failed it
counts it as ``lost_to_feed`` (exit status 3) and the article is not written again to the others.
Only when every feed failed is it lost, and the next run writes it.
"""

from __future__ import annotations

import csv
import gzip
import json
import marshal
import pickle
from pathlib import Path
from typing import Any

from lxml import etree
from scrapy.utils.defer import deferred_f_from_coro_f

from newscrawler.stats import EXIT_OUTPUT_FAILED, exit_status
from tests.conftest import crawl

LIMIT = 4


def _load_all(path: Path, load: Any) -> list[Any]:
    out = []
    with path.open("rb") as f:
        while True:
            try:
                out.append(load(f))
            except EOFError:
                return out


READERS = {
    "jsonlines": lambda p: [json.loads(line)["url"] for line in p.read_text().splitlines()],
    "json": lambda p: [r["url"] for r in json.loads(p.read_text())],
    "csv": lambda p: [r["url"] for r in csv.DictReader(p.read_text().splitlines())],
    "xml": lambda p: etree.parse(str(p)).xpath("//item/url/text()"),
    "pickle": lambda p: [r["url"] for r in _load_all(p, pickle.load)],
    "marshal": lambda p: [r["url"] for r in _load_all(p, marshal.load)],
    "gzip": lambda p: [
        json.loads(line)["url"] for line in gzip.decompress(p.read_bytes()).decode().splitlines()
    ],
}


def feeds(folder: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {
        str(folder / f"out.{name}"): {"format": name} for name in READERS if name != "gzip"
    }
    out[str(folder / "out.jsonl.gz")] = {
        "format": "jsonlines",
        "postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"],
    }
    return out


def records(folder: Path) -> dict[str, list[str]]:
    files = {name: folder / f"out.{name}" for name in READERS if name != "gzip"}
    files["gzip"] = folder / "out.jsonl.gz"
    return {name: (READERS[name](path) if path.exists() else []) for name, path in files.items()}


@deferred_f_from_coro_f
async def test_every_feed_format_confirms_its_articles_and_a_rerun_writes_none(
    shared_demo_site, tmp_path
) -> None:
    site = shared_demo_site("sitemap")
    first, second = tmp_path / "1", tmp_path / "2"
    items, stats = await crawl({"FEEDS": feeds(first)}, url=site.url + "/", limit=str(LIMIT))
    assert len(items) == LIMIT
    assert not stats.get("newscrawler/lost_to_output") and not stats.get("newscrawler/lost_to_feed"), stats
    assert exit_status(stats) == 0
    got = records(first)
    assert {name: len(urls) for name, urls in got.items()} == dict.fromkeys(READERS, LIMIT)
    assert all(sorted(urls) == sorted(got["jsonlines"]) for urls in got.values())

    _, stats = await crawl({"FEEDS": feeds(second)}, url=site.url + "/", limit=str(LIMIT))
    again = {url for urls in records(second).values() for url in urls}
    assert not again & set(got["jsonlines"]), "every article was confirmed: none written twice"
    assert stats.get("newscrawler/skipped/known", 0) >= LIMIT


@deferred_f_from_coro_f
async def test_one_unwritable_feed_loses_its_articles_only_and_a_rerun_duplicates_none(
    shared_demo_site, tmp_path
) -> None:
    site = shared_demo_site("sitemap")
    good = tmp_path / "good.jsonl"
    both = {str(good): {"format": "jsonlines"}, "/proc/nope/bad.jsonl": {"format": "jsonlines"}}
    for _ in range(2):  # the second run writes the next LIMIT articles (known ones do not count)
        await crawl({"FEEDS": both}, url=site.url + "/", limit=str(LIMIT))
    lines = READERS["jsonlines"](good)
    assert len(lines) == 2 * LIMIT and len(set(lines)) == 2 * LIMIT, "each article once in the good feed"


@deferred_f_from_coro_f
async def test_a_feed_that_fails_is_counted_per_feed_and_fails_the_crawl(shared_demo_site, tmp_path) -> None:
    site = shared_demo_site("sitemap")
    both = {
        str(tmp_path / "good.jsonl"): {"format": "jsonlines"},
        "/proc/nope/bad.jsonl": {"format": "jsonlines"},
    }
    items, stats = await crawl({"FEEDS": both}, url=site.url + "/", limit=str(LIMIT))
    assert len(items) == LIMIT
    assert stats.get("newscrawler/lost_to_feed") == LIMIT and not stats.get("newscrawler/lost_to_output")
    assert exit_status(stats) == EXIT_OUTPUT_FAILED
    assert stats.get(f"newscrawler/{site.url.split('//')[1]}/written") == LIMIT
