"""Reach (issue #22): crawls of sites that block plain crawlers.

``TestBlockedSites``: the sample site behind a Cloudflare-like challenge (tests/mockserver/
challenge.py) that lets through only requests carrying Chrome's client hints and fetch metadata:
counted ``blocked`` without impersonation, written with it (NEWSCRAWLER_IMPERSONATE, or the
site's ``impersonate`` in the registry).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO


def scrapy_crawl(
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
        done, stats = scrapy_crawl(site.url, tmp_path, "-s", "NEWSCRAWLER_MONITORS_FAIL_JOB=True")
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
            done, stats = scrapy_crawl(site.url, tmp_path, "-s", "NEWSCRAWLER_IMPERSONATE=chrome")
            name = site.url.removeprefix("http://")
        else:  # the site's own `impersonate` in a sites file; NEWSCRAWLER_IMPERSONATE stays off
            sites = tmp_path / "sites.toml"
            sites.write_text(f'[walled]\nhome = "{site.url}/"\nimpersonate = "chrome"\n', encoding="utf-8")
            done, stats = scrapy_crawl(
                "", tmp_path, "-a", "sites=walled", "-s", f"NEWSCRAWLER_SITES_FILE={sites}"
            )
            name = "walled"
        assert done.returncode == 0, done.stderr[-3000:]
        listed = {a["headline"] for a in site.articles() if a["listed"]}
        lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
        assert {json.loads(line)["headline"] for line in lines} >= listed, "every article written"
        assert stats[f"newscrawler/{name}/written"] == len(lines)
        assert site.challenged() == {}, "no request challenged: robots.txt was read, and obeyed"
        assert not [k for k in stats if "blocked" in k]
