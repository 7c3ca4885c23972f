"""What a site's registry entry and the settings ask of its requests (proxy, browser, impersonation),
and what a rendered page may load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from newscrawler.context import KEY, Context, Kind
from newscrawler.reach import PageRules, ReachMiddleware
from newscrawler.spiders.news import NewsSpider
from tests.conftest import project_settings_dict

SITES = """
[spa]
home = "https://spa.example/"
render = "always"
proxy = ["http://u:hunter2@10.0.0.1:3128", "http://10.0.0.2:3128"]

[walled]
home = "https://walled.example/"
impersonate = "chrome"

[plain]
home = "https://plain.example/"
"""


def middleware(tmp_path: Path, **settings: Any) -> ReachMiddleware:
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES)
    crawler = get_crawler(NewsSpider, project_settings_dict(NEWSCRAWLER_SITES_FILE=str(sites), **settings))
    crawler.spider = NewsSpider.from_crawler(crawler, sites="spa,walled,plain")
    return ReachMiddleware(crawler)


def request(site: str, kind: Kind = Kind.ARTICLE, path: str = "/2026/a-story/") -> Request:
    home = f"https://{site}.example/"
    return Request(home.rstrip("/") + path, meta={KEY: Context(site, home, kind)})


def test_a_sites_proxies_take_turns_and_other_sites_go_direct(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    proxies = []
    for _ in range(3):
        r = request("spa", Kind.SITEMAP)
        mw.process_request(r)
        proxies.append(r.meta["proxy"])
    assert proxies == [
        "http://u:hunter2@10.0.0.1:3128",
        "http://10.0.0.2:3128",
        "http://u:hunter2@10.0.0.1:3128",
    ]
    plain = request("plain")
    mw.process_request(plain)
    assert "proxy" not in plain.meta and "impersonate" not in plain.meta and "playwright" not in plain.meta


def test_a_rendered_request_gets_its_proxy_as_a_browser_context_named_without_the_password(
    tmp_path: Path,
) -> None:
    mw = middleware(tmp_path)
    r = request("spa")
    mw.process_request(r)
    if mw.policy.browser is None:
        pytest.skip("no chromium: render = always has nothing to render with")
    assert r.meta["playwright"] is True
    assert r.meta["playwright_context_kwargs"] == {
        "proxy": {"server": "http://10.0.0.1:3128", "username": "u", "password": "hunter2"}
    }
    assert "hunter2" not in r.meta["playwright_context"]
    sitemap = request("spa", Kind.SITEMAP, "/sitemap.xml")
    mw.process_request(sitemap)
    assert "playwright" not in sitemap.meta, "XML is never rendered"


def test_impersonation_is_the_sites_choice_or_the_crawls(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    walled, plain = request("walled"), request("plain")
    mw.process_request(walled)
    mw.process_request(plain)
    assert walled.meta["impersonate"] == "chrome" and "impersonate" not in plain.meta
    everywhere = middleware(tmp_path, NEWSCRAWLER_IMPERSONATE="firefox")
    plain = request("plain")
    everywhere.process_request(plain)
    assert plain.meta["impersonate"] == "firefox"
    assert plain.meta["impersonate_args"]["timeout"] == 10, "DOWNLOAD_TIMEOUT still holds"


def test_robots_txt_requests_without_a_context_follow_their_sites_entry(tmp_path: Path) -> None:
    mw = middleware(tmp_path)
    robots = Request("https://walled.example/robots.txt")
    mw.process_request(robots)
    assert robots.meta["impersonate"] == "chrome", "a challenge answers robots.txt too"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/api/article", None),  # the page's own host:port
        ("http://127.0.0.1:9999/admin", "private_address"),
        ("http://127.0.0.2/secret", "private_address"),
        ("http://[::1]:8080/", "private_address"),
        ("http://localhost:8080/", "offsite"),
        ("http://93.184.216.34/tracker.js", "offsite"),
        ("file:///etc/passwd", "bad_scheme"),
        ("ftp://127.0.0.1/x", "bad_scheme"),
    ],
)
@deferred_f_from_coro_f
async def test_what_a_rendered_page_may_load(url: str, reason: str | None) -> None:
    rules = PageRules("local", "127.0.0.1", "127.0.0.1:8080")
    assert await rules.refusal(url) == reason


@deferred_f_from_coro_f
async def test_a_public_sites_page_may_load_from_its_own_registrable_domain_only(monkeypatch) -> None:
    inside = {"intranet.bbc.co.uk": ("10.0.0.5",)}
    monkeypatch.setattr("newscrawler.safety._resolve", lambda host: inside.get(host, ("151.101.0.81",)))
    rules = PageRules("bbc", "www.bbc.co.uk", "www.bbc.co.uk:443")
    assert await rules.refusal("https://intranet.bbc.co.uk/x.js") == "private_address"
    assert await rules.refusal("https://static.files.bbc.co.uk/x.js") is None
    assert await rules.refusal("https://www.bbc.com/x.js") == "offsite"
    assert await rules.refusal("https://co.uk/x.js") == "offsite"


def test_one_download_handler_serves_both_schemes_of_a_crawl(tmp_path: Path) -> None:
    """Scrapy builds a handler per scheme: one browser and one render limit for the crawl."""
    from scrapy.utils.misc import build_from_crawler

    from newscrawler.reach import ReachDownloadHandler

    crawler = get_crawler(NewsSpider, project_settings_dict())
    http = build_from_crawler(ReachDownloadHandler, crawler)
    assert build_from_crawler(ReachDownloadHandler, crawler) is http
    assert (
        build_from_crawler(ReachDownloadHandler, get_crawler(NewsSpider, project_settings_dict())) is not http
    )
