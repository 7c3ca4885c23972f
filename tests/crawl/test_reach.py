"""Reach (#22): pages only a browser sees, and sites reached through a proxy. Real Chromium (the
system's package, which `make` installs), real servers on 127.0.0.1.

``TestBlockedSites``: the sample site behind a Cloudflare-like challenge (tests/mockserver/
challenge.py) that lets through only requests carrying Chrome's client hints and fetch metadata:
counted ``blocked`` without impersonation, written with it (NEWSCRAWLER_IMPERSONATE, or the
site's ``impersonate`` in the registry)."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from newscrawler.browsers import find_browser
from newscrawler.items import FIELD_NAMES
from tests.conftest import REPO, crawl

needs_chromium = pytest.mark.skipif(find_browser() is None, reason="no chromium: `make system` installs it")
# What a reader gets from an article: every field but where it was found and when.
WIRE_AUTHOR = "Sofia Marin"  # sample_site.content: the wire story run in two sections
READ_FIELDS = tuple(f for f in FIELD_NAMES if f not in ("url", "canonicalUrl", "metadata"))


def by_path(items: list[Any]) -> dict[str, Any]:
    return {urlsplit(i.url).path: i for i in items}


def read(item: Any) -> dict[str, Any]:
    return {f: getattr(item, f) for f in READ_FIELDS}


def article_paths(site: Any, section: str | None = None) -> set[str]:
    return {a["path"] for a in site.articles() if section is None or a["section"] == section}


def wire_paths(site: Any) -> set[str]:
    """The wire story the sample site runs in two sections: written once, either copy."""
    return {a["path"] for a in site.articles() if a["author"] == WIRE_AUTHOR}


@needs_chromium
class TestRendering:
    @deferred_f_from_coro_f
    async def test_client_rendered_articles_are_written_as_their_plain_twins(
        self, demo_site, tmp_path
    ) -> None:
        plain, app = demo_site(), demo_site(rendered="world")
        # a state of its own: the same texts on one state would be duplicates of each other
        twins, _ = await crawl({"NEWSCRAWLER_STATE_DIR": str(tmp_path / "plain")}, url=plain.url + "/")
        items, stats = await crawl(url=app.url + "/")
        world = article_paths(app, "world")
        got, expected = by_path(items), by_path(twins)
        # the wire story the site runs twice is written once, whichever copy comes first
        wire = wire_paths(app)
        world_written = world - wire
        assert len(world_written) >= 5 and world_written <= set(expected)
        assert world_written <= set(got), "every client-rendered article is written"
        assert len(wire & set(got)) == 1
        stated = {a["path"]: a for a in app.articles()}
        for path in world_written:
            # two servers, two clocks: each site's dates are its own (relative to its start)
            mine, twin = read(got[path]), read(expected[path])
            for field, key in (("datePublished", "published"), ("dateModified", "modified")):
                assert mine.pop(field) == stated[path][key] and field in twin
                twin.pop(field)
            assert mine == twin, path
            assert got[path].metadata.rendered and not expected[path].metadata.rendered
        hits = app.requests()
        assert {p: hits.get(p) for p in world} == dict.fromkeys(world, 2), "plain, then the browser"
        others = article_paths(app) - world
        assert {p: hits.get(p) for p in others} == dict.fromkeys(others, 1), "plain pages: never rendered"
        assert hits["/api/article"] == len(world)
        assert stats["newscrawler/rendered"] == len(world)
        assert "newscrawler/dropped/needs_browser" not in stats

    @deferred_f_from_coro_f
    async def test_with_render_never_app_shells_are_counted_not_written(self, demo_site) -> None:
        app = demo_site(rendered="world")
        items, stats = await crawl({"NEWSCRAWLER_RENDER": "never"}, url=app.url + "/")
        world = article_paths(app, "world")
        assert not world & set(by_path(items))
        assert stats["newscrawler/dropped/needs_browser"] == len(world)
        assert stats.get("newscrawler/dropped/not_article") == 1, "the about page only"
        assert "/api/article" not in app.requests()

    @deferred_f_from_coro_f
    async def test_render_always_sends_a_sites_pages_through_the_browser(self, demo_site, tmp_path) -> None:
        app = demo_site(rendered="world")
        host = urlsplit(app.url).netloc
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[app]\nhome = "{app.url}/"\nrender = "always"\n')
        settings = {"NEWSCRAWLER_SITES_FILE": str(sites), "NEWSCRAWLER_TEMPLATE_WARMUP": 0}
        items, stats = await crawl(settings, sites="app", limit="8")
        assert len(items) == 8 and all(i.metadata.rendered for i in items)
        hits = app.requests()
        shells = {p for p in article_paths(app, "world") if hits.get(p)}
        assert shells, "the newest eight include client-rendered ones"
        assert {p: hits[p] for p in shells} == dict.fromkeys(shells, 1), "rendered once, not fetched first"
        assert hits["/api/article"] == len(shells)
        assert stats["newscrawler/rendered"] >= len(items) + 1, "the articles and the home page"
        assert f"newscrawler/{host}/dropped/needs_browser" not in stats

    @deferred_f_from_coro_f
    async def test_browser_requests_keep_the_sites_download_delay(self, demo_site, tmp_path) -> None:
        app = demo_site(discovery="links", rendered="world")
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[app]\nhome = "{app.url}/"\nrender = "always"\ndownload_delay = 2.0\n')
        settings = {"NEWSCRAWLER_SITES_FILE": str(sites), "NEWSCRAWLER_TEMPLATE_WARMUP": 0}
        _, stats = await crawl(settings, sites="app", limit="4")
        times = app.get("/__times")
        # The pages the crawl asked for through the browser, not what their scripts fetched.
        pages = sorted(
            t for path, ts in times.items() if path == "/" or path in article_paths(app) for t in ts
        )
        assert stats["newscrawler/rendered"] == len(pages) >= 5
        # The delay spaces requests as they enter the browser: those that enter while it starts
        # wait for it and reach the site together, and each page takes its own time to open. So
        # judged on the last three gaps, on average (without the delay they are about 0.5 s).
        gaps = [round(b - a, 2) for a, b in pairwise(pages)][-3:]
        assert sum(gaps) / 3 >= 1.2, f"{gaps} s between requests through the browser, 2 s asked"


class TestWithoutBrowser:
    @deferred_f_from_coro_f
    async def test_no_browser_is_one_warning_and_pages_counted_needs_browser(
        self, demo_site, monkeypatch, caplog
    ) -> None:
        app = demo_site(rendered="world")
        monkeypatch.setenv("PATH", "/nonexistent")  # no chromium to be found
        items, stats = await crawl(url=app.url + "/")
        world = article_paths(app, "world")
        assert not world & set(by_path(items))
        assert stats["newscrawler/dropped/needs_browser"] == len(world)
        warnings = [r for r in caplog.records if "needs a browser" in r.getMessage()]
        assert len(warnings) == 1, "one warning line, not one per page"
        assert set(by_path(items)) == article_paths(app) - world, "the rest are written"


@needs_chromium
@deferred_f_from_coro_f
async def test_a_rendered_page_cannot_reach_other_hosts_or_files(mock_server) -> None:
    inside = mock_server("spa", "--host", "127.0.0.2")  # stands for an internal host
    app = mock_server("spa", "--other-url", inside.url)
    items, stats = await crawl(url=app.url + "/")
    world = article_paths(app, "world")
    assert world - wire_paths(app) <= set(by_path(items)), "the articles still render"
    assert inside.requests() == {}, "nothing reached the other host"
    assert stats["newscrawler/render_refused/private_address"] == len(world), "the fetch, per page"
    assert stats["newscrawler/render_refused/bad_scheme"] == 2 * len(world), "fetch and frame"
    # the images: answered empty, never fetched, so the one that asks again on failure asks once
    assert 2 * len(world) <= stats["newscrawler/render/not_loaded"] <= 3 * len(world)
    assert "/missing.jpg" not in app.requests()


def scrapy_crawl(url: str, out: Path, tmp_path: Path, *settings: str) -> subprocess.CompletedProcess[str]:
    stats = tmp_path / "stats.json"
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}", "-O", str(out),
         "-s", f"NEWSCRAWLER_STATS_FILE={stats}", *(a for s in settings for a in ("-s", s))],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_a_sites_proxy_carries_its_requests_and_its_password_is_never_shown(
    demo_site, mock_server, tmp_path
) -> None:
    password = "s3cret-Pa55"
    proxy = mock_server("proxy", "--user", "crawler", "--password", password)
    site = demo_site()
    sites = tmp_path / "sites.toml"
    proxy_url = proxy.url.replace("http://", f"http://crawler:{password}@")
    sites.write_text(f'[coast]\nhome = "{site.url}/"\nproxy = ["{proxy_url}"]\n')
    out = tmp_path / "out.jsonl"
    res = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "sites=coast", "-O", str(out),
         "-s", f"NEWSCRAWLER_SITES_FILE={sites}", "-s", f"NEWSCRAWLER_STATS_FILE={tmp_path / 'stats.json'}",
         "-s", "LOG_LEVEL=DEBUG"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(written) >= len(article_paths(site)) - 2
    counts = proxy.get("/__requests")
    assert counts["forwarded"] >= len(written) and counts["refused"] == 0
    everything = [res.stdout, res.stderr, out.read_text(), (tmp_path / "stats.json").read_text()]
    everything += [p.read_text() for p in tmp_path.glob("*.monitors.json")]
    for text in everything:
        assert password not in text


def crawl_with_stats(
    url: str, tmp_path: Path, *extra: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`scrapy crawl news` of one site (url, or "" and a `sites=` argument in extra), writing
    tmp_path/out.jsonl; the process and its stats."""
    stats_file = tmp_path / "stats.json"
    where = ["-a", f"url={url}/"] if url else []
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", *where, "-o", f"{tmp_path / 'out.jsonl'}:jsonlines",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWLER_EXTRACT_PROCESSES=1",
         "-s", f"NEWSCRAWLER_STATS_FILE={stats_file}", *extra],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert stats_file.exists(), done.stderr[-3000:]
    return done, json.loads(stats_file.read_text(encoding="utf-8"))


class TestBlockedSites:
    """Challenge pages are counted ``blocked`` for their site, whatever their status, and the
    monitors say what to do about it."""

    @pytest.mark.parametrize("status", [403, 200, 503])
    def test_without_impersonation_every_page_is_counted_blocked_and_the_monitor_names_the_setting(
        self, challenge_site: Any, tmp_path: Path, status: int
    ) -> None:
        # The sitemaps are open to all (as for search engines): the crawl learns the articles and
        # asks for each one, and each one is a challenge page.
        site = challenge_site(status, ("/sitemap", "/news-sitemap"))
        name = site.url.removeprefix("http://")
        done, stats = crawl_with_stats(site.url, tmp_path, "-s", "NEWSCRAWLER_MONITORS_FAIL_JOB=True")
        listed = [a["path"] for a in site.articles() if a["listed"]]
        assert len(listed) > 20
        fetched = stats[f"newscrawler/{name}/fetched"]
        assert fetched == len(listed), "every listed article asked for once"
        assert stats[f"newscrawler/{name}/dropped/blocked"] == fetched, "each one counted blocked"
        assert stats[f"newscrawler/{name}/errors/blocked"] == 2, "the home page and robots.txt"
        assert not [k for k in stats if k.endswith(("/not_article", "/http_403", "/http_503", "/written"))]
        assert not (tmp_path / "out.jsonl").exists(), "nothing written"
        challenged = site.challenged()
        assert set(challenged) == {"/", "/robots.txt", *listed}
        assert set(challenged.values()) == {1}, "a challenge is never retried, nor its refresh followed"
        # The monitor fails, naming the remedy; the job fails as asked.
        assert done.returncode == 6, done.stderr[-3000:]
        report = json.loads((tmp_path / "out.monitors.json").read_text(encoding="utf-8"))
        [check] = [r for r in report["results"] if r["monitor"] == "blocked"]
        assert not check["passed"] and check["value"] > 0.8, "all but the sitemaps"
        assert "NEWSCRAWLER_IMPERSONATE=chrome" in check["message"] and "impersonate" in check["message"]
        assert f"WARNING: monitor failed: blocked: {check['message']}" in done.stderr
        # One line names the first blocked page and its kind; the summary counts the site's.
        first = [line for line in done.stderr.splitlines() if "blocked: " + name + " answered" in line]
        assert len(first) == 1 and "cloudflare_challenge page" in first[0], first
        assert (
            f"{name}: 0 written of {fetched} article pages fetched, {fetched + 2} pages blocked"
            in done.stderr
        )

    @pytest.mark.parametrize("how", ["setting", "registry"])
    def test_with_impersonation_every_article_is_written_and_robots_txt_read(
        self, challenge_site: Any, tmp_path: Path, how: str
    ) -> None:
        # Everything behind the wall, robots.txt too: only a client that sends Chrome's headers
        # (curl_cffi's impersonate="chrome") gets any page.
        site = challenge_site(403)
        if how == "setting":
            done, stats = crawl_with_stats(site.url, tmp_path, "-s", "NEWSCRAWLER_IMPERSONATE=chrome")
            name = site.url.removeprefix("http://")
        else:  # the site's own `impersonate` in a sites file; NEWSCRAWLER_IMPERSONATE stays off
            sites = tmp_path / "sites.toml"
            sites.write_text(f'[walled]\nhome = "{site.url}/"\nimpersonate = "chrome"\n', encoding="utf-8")
            done, stats = crawl_with_stats(
                "", tmp_path, "-a", "sites=walled", "-s", f"NEWSCRAWLER_SITES_FILE={sites}"
            )
            name = "walled"
        assert done.returncode == 0, done.stderr[-3000:]
        articles = site.articles()  # listed in the sitemaps, or linked from the sections only
        wire = {a["headline"] for a in articles if a["author"] == WIRE_AUTHOR}  # one story, two copies
        lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
        written = {json.loads(line)["headline"] for line in lines}
        assert written - wire == {a["headline"] for a in articles} - wire, "every article written"
        assert len(written & wire) == 1 and len(lines) == len(articles) - 1, "the wire story once"
        assert stats[f"newscrawler/{name}/written"] == len(lines)
        assert site.challenged() == {}, "no request challenged: robots.txt was read, and obeyed"
        assert not [k for k in stats if "blocked" in k]
