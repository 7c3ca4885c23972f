"""Smoke test of the hostile test sites (tests/mockserver/hostile.py): each scenario starts and serves
its news site and its hostile part. The crawls of these sites are tested elsewhere."""

from __future__ import annotations

import gzip
import re
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.mockserver.hostile import SCENARIOS, SECRET_PATH, URL_LENGTH


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    try:
        with OPENER.open(url, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def sitemap_locs(body: bytes) -> list[str]:
    return [m.decode() for m in re.findall(rb"<loc>([^<]*)</loc>", body)]


def check_site(site: Any) -> dict[str, Any]:
    """What every scenario serves: robots.txt, a home page, real article pages for the `ok` ones."""
    status, _, robots = fetch(site.url + "/robots.txt")
    assert status == 200 and b"Disallow: /__" in robots
    status, _, home = fetch(site.url + "/")
    assert status == 200 and b"<html" in home
    articles = site.articles()
    assert articles
    for a in articles:
        if a["fate"] != "ok":
            continue
        status, headers, body = fetch(site.url + a["path"])
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8", a["path"]
        page = body.decode("utf-8")
        assert '"@type": "NewsArticle"' in page and f"By {a['author']}" in page and "<time datetime=" in page
        assert len(" ".join(a["paragraphs"]).split()) >= 150
    texts = [" ".join(a["paragraphs"]) for a in articles]
    assert len(set(texts)) == len(texts)
    return {"robots": robots.decode(), "home": home.decode(), "articles": articles}


def test_every_scenario_is_smoke_tested() -> None:
    # canonical_elsewhere needs a sample site beside it: its crawl test is its smoke test
    assert set(SCENARIOS) == {name for name, *_ in CASES} | {"never_answers", "canonical_elsewhere"}


def _file_scheme(site: Any, seen: dict[str, Any]) -> None:
    locs = sitemap_locs(fetch(site.url + "/sitemap.xml")[2])
    assert {"file:///etc/passwd", "ftp://127.0.0.1/x"} <= set(locs) and len(locs) == 8


def _other_private_host(site: Any, seen: dict[str, Any], other: Any) -> None:
    assert other.url + SECRET_PATH in sitemap_locs(fetch(site.url + "/sitemap.xml")[2])
    assert urlsplit(other.url).hostname == "127.0.0.2"
    assert fetch(other.url + SECRET_PATH)[0] == 200
    assert other.requests() == {SECRET_PATH: 1}


def _offsite(site: Any, seen: dict[str, Any], other: Any) -> None:
    assert f"Sitemap: {other.url}/sitemap.xml" in seen["robots"]
    locs = sitemap_locs(fetch(site.url + "/sitemap.xml")[2])
    assert sum(loc.startswith("http://example.invalid/") for loc in locs) == 5


def _bad_port_entry(site: Any, seen: dict[str, Any]) -> None:
    locs = sitemap_locs(fetch(site.url + "/sitemap.xml")[2])
    assert len(locs) == 30 and "http://127.0.0.1:99999/x" in locs


def _reachable_otherwise(site: Any, seen: dict[str, Any]) -> None:
    """The sitemap is broken, but the feed and the home page still name every article."""
    feed = fetch(site.url + "/feed.xml")[2].decode()
    for a in seen["articles"]:
        assert a["path"] in feed and a["path"] in seen["home"]


def _garbage_sitemap(site: Any, seen: dict[str, Any]) -> None:
    body = fetch(site.url + "/sitemap.xml")[2]
    assert len(body) == 64 << 10 and b"<urlset" not in body
    _reachable_otherwise(site, seen)


def _entity_bomb(site: Any, seen: dict[str, Any]) -> None:
    body = fetch(site.url + "/sitemap.xml")[2]
    assert b"<!ENTITY lol9" in body and len(body) < 2000
    _reachable_otherwise(site, seen)


def _gzip_bomb(site: Any, seen: dict[str, Any]) -> None:
    assert "/sitemap.xml.gz" in seen["robots"]
    body = fetch(site.url + "/sitemap.xml.gz")[2]
    assert len(body) < 100_000 and len(gzip.decompress(body)) > 20_000_000
    _reachable_otherwise(site, seen)


def _deep_jsonld(site: Any, seen: dict[str, Any]) -> None:
    page = fetch(site.url + seen["articles"][0]["path"])[2]
    assert b"[" * 100_000 + b"]" * 100_000 in page and b"<h1>" in page


def _huge_jsonld(site: Any, seen: dict[str, Any]) -> None:
    page = fetch(site.url + seen["articles"][0]["path"])[2]
    assert page.index(b"</head>") > 7_000_000 and b'"@type": "NewsArticle"' in page[:5000]


def _utf16_feed(site: Any, seen: dict[str, Any]) -> None:
    assert (
        "Sitemap:" not in seen["robots"]
        and 'type="application/rss+xml" title="RSS" href="/feed.xml"' in (seen["home"])
    )
    assert not any(a["path"] in seen["home"] for a in seen["articles"])
    _, headers, body = fetch(site.url + "/feed.xml")
    assert (
        body.startswith(b'<?xml version="1.0" encoding="UTF-16"?>')
        and "charset" not in headers["Content-Type"]
    )
    assert body.decode("utf-8").count("<item>") == 10


def _redirect_loop(site: Any, seen: dict[str, Any]) -> None:
    loops = [a for a in seen["articles"] if a["fate"] == "loop"]
    assert len(loops) == 6 and len(seen["articles"]) == 8
    status, headers, _ = fetch(site.url + loops[0]["path"])
    assert status == 302 and headers["Location"] == f"{site.url}/r{loops[0]['path']}"
    status, headers, _ = fetch(headers["Location"])
    assert status == 302 and headers["Location"] == site.url + loops[0]["path"]


def _http_errors(site: Any, seen: dict[str, Any]) -> None:
    fates = {a["fate"]: a["path"] for a in seen["articles"]}
    for code in ("500", "503", "404"):
        assert fetch(site.url + fates[code])[0] == int(code)
    status, headers, body = fetch(site.url + fates["huge"])
    assert status == 200 and int(headers["Content-Length"]) == len(body) > 3_000_000
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        fetch(site.url + fates["stall"], timeout=0.5)


def _mislabelled_charset(site: Any, seen: dict[str, Any]) -> None:
    for a in seen["articles"]:
        if a["fate"] in ("cp1251", "cp1252"):
            _, headers, body = fetch(site.url + a["path"])
            assert headers["Content-Type"] == "text/html" and b'<meta charset="utf-8">' in body
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
            assert a["paragraphs"][0] in body.decode(a["fate"]).replace("&#x27;", "'")
    russian = next(a for a in seen["articles"] if a["fate"] == "cp1251")
    assert re.search("[а-я]{4}", russian["headline"])


def _index_chain(site: Any, seen: dict[str, Any]) -> None:
    assert f"Sitemap: {site.url}/sitemap-1.xml" in seen["robots"]
    first = sitemap_locs(fetch(site.url + "/sitemap-1.xml")[2])
    assert first == [f"{site.url}/sitemap-articles.xml", f"{site.url}/sitemap-2.xml"]
    assert sitemap_locs(fetch(site.url + "/sitemap-41.xml")[2]) == [f"{site.url}/sitemap-42.xml"]
    assert len(sitemap_locs(fetch(first[0])[2])) == 6


def _many_sections(site: Any, seen: dict[str, Any]) -> None:
    assert seen["home"].count('href="/section-') == 50_000
    assert sum(a["path"] in seen["home"] for a in seen["articles"]) == 60
    section = fetch(site.url + "/section-31337/")[2].decode()
    (path,) = re.findall(r'href="(/20[^"]+)"', section)
    assert path not in seen["home"] and fetch(site.url + path)[0] == 200


def _traps(site: Any, seen: dict[str, Any]) -> None:
    home = seen["home"]
    sessions = re.findall(r'href="([^"]+;jsessionid=[0-9A-F]+)"', home)
    assert len(sessions) == 6 and fetch(site.url + sessions[0])[0] == 200
    assert sessions != re.findall(r'href="([^"]+;jsessionid=[0-9A-F]+)"', fetch(site.url + "/")[2].decode())
    calendar = fetch(site.url + "/calendar/2026/11/?d=9")[2].decode()
    assert 'href="/calendar/2026/11/?d=10"' in calendar
    archive = fetch(site.url + "/archive/?page=1&page=2")[2].decode()
    assert 'href="/archive/?page=1&amp;page=2&amp;page=3"' in archive
    (long,) = [a["path"] for a in seen["articles"] if a["fate"] == "long_url"]
    assert len(site.url + long) == URL_LENGTH and f'href="{long}"' in home
    assert fetch(site.url + long)[0] == 200
    requests = site.requests()
    assert requests["/calendar/2026/11/?d=9"] == 1 and requests["/"] == 2


def _learned_template(site: Any, seen: dict[str, Any]) -> None:
    fates = [a["fate"] for a in seen["articles"]]
    assert fates.count("tmpl") == 5 and fates.count("bare") == 3
    for a in seen["articles"]:
        page = fetch(site.url + a["path"])[2].decode()
        assert f'<span class="who">{a["author"]}</span>' in page and "By " not in page
        assert ('"@type": "NewsArticle"' in page) == (a["fate"] == "tmpl")
        assert ('<div class="comments">' in page) == (a["fate"] == "bare")


def _listing_dates(site: Any, seen: dict[str, Any]) -> None:
    assert f"Sitemap: {site.url}/news-sitemap.xml" in seen["robots"]
    lastmods = re.findall(r"<lastmod>([^<]*)</lastmod>", fetch(site.url + "/sitemap.xml")[2].decode())
    assert len(lastmods) == 8 and any("." in d and d.endswith("-04:30") for d in lastmods)
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in lastmods), "a bare day"
    news = fetch(site.url + "/news-sitemap.xml")[2].decode()
    assert news.count("<news:publication_date>") == 8
    assert re.search(
        r"<pubDate>\w{3}, \d\d \w{3} \d{4} [\d:]{8} EST</pubDate>", fetch(site.url + "/feed.xml")[2].decode()
    )


def _redirected_listings(site: Any, seen: dict[str, Any]) -> None:
    locs = sitemap_locs(fetch(site.url + "/sitemap.xml")[2])
    assert len(locs) == 9
    statuses = [fetch(loc)[0] for loc in locs]
    assert statuses.count(200) == 1 and statuses.count(302) == 1 and statuses.count(301) == 7
    status, headers, _ = fetch(next(loc for loc in locs if "/hop1/" in loc))
    assert status == 301 and "/hop2/" in headers["Location"]


def _briefs(site: Any, seen: dict[str, Any]) -> None:
    for a in seen["articles"]:
        if a["fate"] in ("brief", "stub"):
            page = fetch(site.url + a["path"])[2].decode()
            words = len(
                re.sub(r"<[^>]+>", " ", page.split('<div class="story-body">')[1].split("</div>")[0]).split()
            )
            assert words == (55 if a["fate"] == "brief" else 12)
            assert ("By " in page) == (a["fate"] == "brief")


def _crawl_delay(site: Any, seen: dict[str, Any]) -> None:
    assert "Crawl-delay: 3600" in seen["robots"]


def _retry_after(site: Any, seen: dict[str, Any]) -> None:
    path = next(a["path"] for a in seen["articles"] if a["fate"] == "retry_after_1")
    status, headers, _ = fetch(site.url + path)
    assert status == 429 and headers["Retry-After"] == "1"
    assert fetch(site.url + path)[0] == 200, "once only"


def _retry_after_hour(site: Any, seen: dict[str, Any]) -> None:
    path = next(a["path"] for a in seen["articles"] if a["fate"] == "retry_after_hour")
    for _ in range(2):
        status, headers, _ = fetch(site.url + path)
        assert status == 503 and headers["Retry-After"] == "3600"


def _bad_redirects(site: Any, seen: dict[str, Any]) -> None:
    targets = []
    for a in seen["articles"]:
        if a["fate"] != "ok":
            status, headers, _ = fetch(site.url + a["path"])
            assert status == 302
            targets.append(headers["Location"].split(":")[0])
    assert sorted(targets) == ["data", "file", "ftp", "gopher"]


def _encoded_bombs(site: Any, seen: dict[str, Any]) -> None:
    status, headers, body = fetch(site.url + "/sitemap.xml")
    assert status == 200 and headers["Content-Encoding"] == "gzip" and len(body) < 100_000
    assert len(gzip.decompress(body)) > 60 << 20


def _canonical_bugs(site: Any, seen: dict[str, Any]) -> None:
    canonicals = set()
    for a in seen["articles"]:
        page = fetch(site.url + a["path"])[2].decode()
        canonicals.add(re.search(r'<link rel="canonical" href="([^"]*)">', page)[1])  # type: ignore[index]
    assert canonicals == {site.url + "/", "/", site.url + "/section/news/", "http://example.invalid/"}
    assert "/section/news/" in seen["home"]


CASES = [
    ("file_scheme", _file_scheme),
    ("other_private_host", _other_private_host),
    ("offsite", _offsite),
    ("bad_port_entry", _bad_port_entry),
    ("garbage_sitemap", _garbage_sitemap),
    ("entity_bomb", _entity_bomb),
    ("gzip_bomb", _gzip_bomb),
    ("deep_jsonld", _deep_jsonld),
    ("huge_jsonld", _huge_jsonld),
    ("utf16_feed", _utf16_feed),
    ("redirect_loop", _redirect_loop),
    ("http_errors", _http_errors),
    ("mislabelled_charset", _mislabelled_charset),
    ("index_chain", _index_chain),
    ("many_sections", _many_sections),
    ("traps", _traps),
    ("learned_template", _learned_template),
    ("listing_dates", _listing_dates),
    ("redirected_listings", _redirected_listings),
    ("briefs", _briefs),
    ("bad_redirects", _bad_redirects),
    ("encoded_bombs", _encoded_bombs),
    ("canonical_bugs", _canonical_bugs),
    ("crawl_delay", _crawl_delay),
    ("retry_after", _retry_after),
    ("retry_after_hour", _retry_after_hour),
]


@pytest.mark.parametrize(("scenario", "check"), CASES, ids=[name for name, _ in CASES])
def test_scenario_serves_its_site_and_its_hostile_part(hostile_site, scenario: str, check: Any) -> None:
    if scenario in ("other_private_host", "offsite"):
        other = hostile_site("file_scheme", host="127.0.0.2")
        site = hostile_site(scenario, other_url=other.url)
        check(site, check_site(site), other)
    else:
        site = hostile_site(scenario)
        check(site, check_site(site))
    assert site.requests()["/robots.txt"] == 1


def test_never_answers_accepts_and_stays_silent(hostile_site) -> None:
    site = hostile_site("never_answers")
    parts = urlsplit(site.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=2) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)
