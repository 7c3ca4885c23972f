"""End-to-end crawls of the sample news site on 127.0.0.1 (never the live web)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from newscrawler.items import FIELD_NAMES
from newscrawler.urls import url_key
from sample_site.content import PROMO
from tests.conftest import crawl

CHROME_LINES = ("Hot this week", "Topics", "Related Articles", "Popular Categories", "spot_img", "Read more",
                "Facebook", "WhatsApp", "Sign up for our newsletter", "All rights reserved")  # fmt: skip


WIRE_AUTHOR = "Sofia Marin"


def by_path(items: list) -> dict[str, object]:
    return {urlsplit(i.url).path: i for i in items}


@deferred_f_from_coro_f
async def test_url_crawl_writes_every_article_once_as_the_page_states_it(demo_site) -> None:
    site = demo_site()
    items, stats = await crawl(url=site.url + "/")
    expected = {a["path"]: a for a in site.articles()}
    got = by_path(items)
    wire = {p for p, a in expected.items() if a["author"] == WIRE_AUTHOR}
    assert len(wire & set(got)) == 1, "the wire story run twice is written once"
    assert set(got) == set(expected) - wire | (wire & set(got)), "each article exactly once, no listing page"
    assert len({url_key(i.url) for i in items}) == len(items)
    for path, article in got.items():
        page = expected[path]
        assert article.headline == page["headline"]
        assert article.datePublished == page["published"]
        assert [a.name for a in article.authors] == [page["author"]]
        own = [p for p in page["paragraphs"] if p != PROMO]
        assert article.articleBody.split("\n\n") == own, "the article's paragraphs, the promo removed"
        for chrome in CHROME_LINES:
            assert chrome not in article.articleBody, (path, chrome)
    assert stats[f"newscrawler/{urlsplit(site.url).netloc}/written"] == len(items)
    # an article-shaped URL that is not an article is fetched, recognised and not written
    assert site.requests().get("/about-the-coastline-courier-newsroom-team/") == 1
    assert site.requests().get("/robots.txt") == 1, "robots.txt is fetched once per site and crawl"
    assert stats["newscrawler/dropped/not_article"] == 1


@deferred_f_from_coro_f
async def test_tracking_and_amp_variants_are_written_once(demo_site) -> None:
    site = demo_site()
    items, _ = await crawl(url=site.url + "/")
    tracked = site.articles()[1]["path"]
    assert sum(urlsplit(i.url).path in (tracked, "/amp" + tracked) for i in items) == 1
    hits = site.requests()
    assert hits.get("/amp" + tracked, 0) == 0, "the AMP copy is recognised before it is fetched"


@pytest.mark.parametrize(
    ("discovery", "source"),
    [("sitemap", "sitemap"), ("feed", "feed"), ("links", "links")],
)
@deferred_f_from_coro_f
async def test_each_discovery_path_works_on_its_own(shared_demo_site, discovery: str, source: str) -> None:
    site = shared_demo_site(discovery)
    items, _ = await crawl(url=site.url + "/")
    articles = site.articles()
    reachable = [a for a in articles if a["listed"] and a["author"] != WIRE_AUTHOR]
    if discovery == "links":
        reachable = [a for a in articles if a["author"] != WIRE_AUTHOR]
    got = {urlsplit(i.url).path for i in items}
    assert {a["path"] for a in reachable} <= got and len(got - {a["path"] for a in reachable}) <= 1
    assert {i.metadata.source for i in items} == {source}
    if source == "feed":  # RSS pubDate "Fri, 27 Nov 2026 06:33:52 +0000" keeps its offset
        assert all(i.metadata.listed.endswith("+00:00") for i in items)


@deferred_f_from_coro_f
async def test_since_skips_old_articles_without_fetching_them(demo_site) -> None:
    site = demo_site("sitemap")
    items, stats = await crawl(url=site.url + "/", since="2d")
    cutoff = datetime.now(UTC) - timedelta(days=2)
    articles = site.articles()
    new = {a["path"] for a in articles if a["listed"] and datetime.fromisoformat(a["published"]) >= cutoff}
    old = {a["path"] for a in articles if a["listed"]} - new
    wire = {a["path"] for a in articles if a["author"] == WIRE_AUTHOR}
    assert new and old
    written = {urlsplit(i.url).path for i in items}
    assert new - wire <= written <= new and len(written & wire) == 1
    hits = site.requests()
    assert not [p for p in old if hits.get(p)], "old articles were fetched"
    assert stats["newscrawler/skipped/too_old_listed"] >= len(old)


@deferred_f_from_coro_f
async def test_since_filters_unlisted_articles_on_their_extracted_date(shared_demo_site) -> None:
    site = shared_demo_site("links")
    items, stats = await crawl(url=site.url + "/", since="2d")
    cutoff = datetime.now(UTC) - timedelta(days=2)
    assert items
    assert all(datetime.fromisoformat(i.datePublished) >= cutoff for i in items)
    assert stats["newscrawler/dropped/too_old"] > 0


@deferred_f_from_coro_f
async def test_limit_caps_articles_per_site(shared_demo_site) -> None:
    site = shared_demo_site()
    items, stats = await crawl(url=site.url + "/", limit="3")
    assert len(items) == 3
    site_key = urlsplit(site.url).netloc
    samples = stats.get("newscrawler/dropped/template_sample", 0)
    assert stats[f"newscrawler/{site_key}/fetched"] == 3 + samples, "every page fetched is written or counted"
    assert "newscrawler/dropped/over_limit" not in stats
    assert stats.get("newscrawler/skipped/enough_articles"), "listings left once it had enough..."
    assert "downloader/exception_count" not in stats, "...are skips, not downloader errors"


@deferred_f_from_coro_f
async def test_sites_argument_reads_the_registry_and_a_user_sites_file(
    shared_demo_site, tmp_path: Path
) -> None:
    site = shared_demo_site("feed")
    extra = tmp_path / "sites.toml"
    extra.write_text(f'[demo]\nhome = "{site.url}/"\n', encoding="utf-8")
    items, stats = await crawl(sites="demo", sites_file=str(extra), limit="5")
    assert len(items) == 5
    assert stats["newscrawler/demo/written"] == 5
    assert all(i.metadata.site == "demo" for i in items)


@deferred_f_from_coro_f
async def test_unreachable_host_is_logged_and_counted_and_the_crawl_ends(shared_demo_site) -> None:
    site = shared_demo_site()
    # Port 9 (discard) on 127.0.0.1 is closed here; the other site still gets crawled.
    items, stats = await crawl(url=f"http://127.0.0.1:9/,{site.url}/", limit="2")
    assert len(items) == 2
    assert stats["finish_reason"] == "finished"
    assert any(k.startswith("newscrawler/127.0.0.1:9/errors/") for k in stats), "counted for that site"


# --- the real command line ---


def scrapy_cmd(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or Path(__file__).parent.parent.parent,
        timeout=300,
    )


def test_cli_unknown_site_is_one_line_and_exit_2() -> None:
    res = scrapy_cmd("crawl", "news", "-a", "sites=nosuchsite")
    assert res.returncode == 2
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "known sites: " in errors[0] and "dawn" in errors[0]
    assert "Traceback" not in res.stderr


def test_cli_mistyped_argument_is_an_error_before_anything_is_fetched() -> None:
    res = scrapy_cmd("crawl", "news", "-a", "url=http://127.0.0.1:9/", "-a", "limt=1")
    assert res.returncode == 2
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "did you mean limit?" in errors[0]
    assert "Spider opened" not in res.stderr


def test_cli_writes_jsonl_with_O_and_logs_one_summary_line(shared_demo_site, tmp_path: Path) -> None:
    site = shared_demo_site()
    out = tmp_path / "articles.jsonl"
    res = scrapy_cmd("crawl", "news", "-a", f"url={site.url}/", "-a", "limit=4", "-O", str(out),
                     "-s", "AUTOTHROTTLE_ENABLED=False")  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    raw = out.read_bytes().decode("utf-8")
    lines = raw.splitlines()
    assert len(lines) == 4
    for line in lines:
        record = json.loads(line)
        keys = list(record)
        assert keys == [f for f in FIELD_NAMES if f in record], "fields in schema order"
        assert None not in record.values() and "" not in record.values(), "empty fields left out"
    assert "–" in raw and "\\u2013" not in raw, "UTF-8 text, not escapes"
    summary = [line for line in res.stderr.splitlines() if "newscrawler summary" in line]
    assert len(summary) == 1 and "4 articles written" in summary[0]


def test_default_feed_location_follows_NEWSCRAWLER_FEED_URI(shared_demo_site, tmp_path: Path) -> None:
    site = shared_demo_site()
    target = tmp_path / "feeds" / "%(name)s-%(time)s.jsonl"
    res = scrapy_cmd("crawl", "news", "-a", f"url={site.url}/", "-a", "limit=2", "-s", "AUTOTHROTTLE_ENABLED=False",
                     env={"NEWSCRAWLER_FEED_URI": str(target)})  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    files = list((tmp_path / "feeds").glob("news-*.jsonl"))
    assert len(files) == 1 and len(files[0].read_text(encoding="utf-8").splitlines()) == 2


def test_default_feed_goes_to_output_folder_per_run(shared_demo_site, tmp_path: Path) -> None:
    site = shared_demo_site()
    res = scrapy_cmd("crawl", "news", "-a", f"url={site.url}/", "-a", "limit=1", "-s", "AUTOTHROTTLE_ENABLED=False",
                     env={"SCRAPY_SETTINGS_MODULE": "newscrawler.settings"}, cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    files = list((tmp_path / "output" / "news").glob("*.jsonl"))
    assert len(files) == 1


def test_scrapy_parse_and_shell_work_on_an_article_url(shared_demo_site) -> None:
    site = shared_demo_site()
    article = site.articles()[0]
    url = site.url + article["path"]
    parsed = scrapy_cmd("parse", "--spider", "news", "-c", "parse_article", url)
    assert parsed.returncode == 0 and "Traceback" not in parsed.stderr, parsed.stderr[-2000:]
    assert article["headline"] in parsed.stdout
    shell = scrapy_cmd("shell", "--spider", "news", url, "-c", "spider.article(response).headline")
    assert shell.returncode == 0 and article["headline"] in shell.stdout, shell.stderr[-2000:]
    # The shell ends after its page: extraction workers it never needed must not be left starting
    # (they printed a traceback, and once kept it from exiting at all).
    assert "Traceback" not in shell.stderr, shell.stderr[-2000:]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('dawn = "https://www.dawn.com/"\n', "'dawn' must be a table"),
        ("[x]\nhome = 3\n", "site 'x': home has the wrong type"),
        ("[x\nhome=", "not valid TOML"),
        ('[x]\nhome = "https://x.example/"\n[x.selectors]\nheadline = "h1[["\n', "not a CSS selector"),
    ],
)
def test_a_bad_sites_file_is_one_line_naming_the_file_and_the_entry(
    tmp_path: Path, text: str, words: str
) -> None:
    bad = tmp_path / "mysites.toml"
    bad.write_text(text, encoding="utf-8")
    res = scrapy_cmd("crawl", "news", "-a", "sites=x", "-a", f"sites_file={bad}")
    assert res.returncode == 2
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(bad) in errors[0] and words in errors[0], res.stderr[-1500:]
    assert "Traceback" not in res.stderr
