"""Hostile news sites: a real HTTP server in a subprocess, one scenario per run (issue #9).

    python -m tests.mockserver.hostile --scenario NAME [--port 0] [--host 127.0.0.1]
                                       [--other-url http://127.0.0.2:PORT] [--stall 60]

Run it from the repository root. It prints ``READY http://HOST:PORT`` once it listens; the tests
start it through the ``hostile_site`` fixture in tests/crawl/conftest.py.

Every scenario serves a small, well-formed news site plus its hostile part. The site: ``/`` (home),
``/robots.txt`` (``Disallow: /__``, and ``Sitemap:`` lines unless said otherwise), ``/sitemap.xml``
(a urlset of the articles, unless said otherwise) and article pages at ``/YYYY/MM/DD/slug-1000NN/``,
each with a JSON-LD NewsArticle, an ``<h1>`` headline, a byline, a ``<time>`` and 180-300 words of
text that no other article shares (``sample_site.generated``). "Links" below means the home page
links every article; "feed" means it announces an RSS feed at ``/feed.xml`` listing them. Every site
also serves ``/secret-article-2026-01-01``, a real article nothing on it links to: the page other
sites point at in ``other_private_host``. Test-only endpoints:

- ``GET /__requests``: ``{"/path?query": hits}`` for every other request (query string kept, so
  trap URLs can be told apart).
- ``GET /__times``: ``{"/path": [unix times of each request]}``.
- ``GET /__articles``: each article's ``path``, ``headline``, ``author``, ``published``,
  ``paragraphs`` and ``fate``: ``ok``, or what the page does in this scenario (``500``, ``loop``…).

``--other-url`` is another server's base URL (the test starts a second ``hostile_site`` on
127.0.0.2); without it, scenarios that need one use ``http://example.invalid``.

=====================  ==========================================================================
scenario               the hostile part
=====================  ==========================================================================
file_scheme            sitemap lists the 6 articles and, among them, ``file:///etc/passwd`` and
                       ``ftp://127.0.0.1/x``
other_private_host     sitemap lists the 6 articles and ``OTHER/secret-article-2026-01-01``
                       (``--other-url``, a server on 127.0.0.2)
offsite                sitemap lists the 6 articles and 5 ``http://example.invalid/…`` articles;
                       robots.txt also names ``OTHER/sitemap.xml`` (``--other-url``)
bad_port_entry         a 30-URL sitemap: 29 articles and ``http://127.0.0.1:99999/x`` in the middle
garbage_sitemap        /sitemap.xml (named in robots.txt) is 64 KiB of random bytes; links + feed
entity_bomb            /sitemap.xml is a billion-laughs document (10^9 ``lol`` if entities are
                       expanded); links + feed
gzip_bomb              robots.txt names /sitemap.xml.gz, 64 KiB of gzip that expands to 64 MiB
                       (past 20 MB and the 16 MiB DOWNLOAD_MAXSIZE); links + feed
deep_jsonld            every article's JSON-LD NewsArticle has a ``mentions`` value nested
                       100,000 arrays deep (the headline, meta tags and ``<h1>`` are intact)
huge_jsonld            every article's ``<head>`` holds a 7 MB JSON-LD ``@graph`` (the NewsArticle,
                       then a 7 MB ItemList) before the body
utf16_feed             no sitemap, no article links: the home page announces /feed.xml (10 items)
                       whose XML declaration says UTF-16 while the bytes are UTF-8; the
                       Content-Type has no charset
redirect_loop          8 articles (sitemap + links); 6 answer 302 to ``/r/<path>``, which answers
                       302 back (a -> b -> a)
http_errors            12 articles (sitemap + links): 2 answer 500, 2 answer 503, 1 answers 404,
                       1 is 3 MB (Content-Length given: set a smaller DOWNLOAD_MAXSIZE), 1 stalls
                       ``--stall`` seconds (60) before any byte (set a short DOWNLOAD_TIMEOUT), 5 ok
mislabelled_charset    8 articles (sitemap + links), all ``<meta charset="utf-8">`` and a
                       Content-Type without charset: 3 Russian ones encoded Windows-1251, 3 English
                       ones with curly quotes and dashes encoded Windows-1252, 2 really UTF-8
index_chain            robots names /sitemap-1.xml, an index of /sitemap-articles.xml (6 articles)
                       and /sitemap-2.xml; every /sitemap-N.xml is an index naming only
                       /sitemap-(N+1).xml, forever; no article links
many_sections          no sitemap; the home page (2.6 MB) links 60 articles and 50,000 sections
                       ``/section-N/``, each linking one more article found nowhere else
traps                  6 articles (sitemap + links, with ``;jsessionid=<random>`` on every article
                       link, fresh on each page); an endless calendar ``/calendar/2026/11/?d=N`` ->
                       ``d=N+1``; ``/archive/?page=1`` whose pages link the same URL plus one more
                       ``&page=N`` each time; and one 2,083-character article URL on the home page
                       (a real article, fate ``long_url``)
learned_template       8 articles (sitemap + links) on one template of their own: the byline a bare
                       ``<span class="who">`` name, the date a ``<time>``; 5 (fate ``tmpl``) carry
                       og:type and a JSON-LD NewsArticle; 3 (fate ``bare``) carry neither and wrap
                       their story in ``<div class="comments">``, which the generic rules drop
listing_dates          8 articles (links + feed); robots names /sitemap.xml and /news-sitemap.xml; the
                       sitemap's <lastmod>, the news sitemap's publication dates and the feed's
                       <pubDate> name each article with other instants, in every style real CMSs
                       print: fractions of a second (naive, Z, -04:30), +0000, naive, a bare day,
                       RFC 822 with named zones (EST, GMT, PST, EDT)
redirected_listings    9 articles, listed by the sitemap only, each under a URL that redirects (301)
                       to its page (fate): ``ok`` (listed as it is: the redirect target of
                       ``to_fetched``), ``no_slash`` (no trailing slash), ``old_slug``, ``chain``
                       (three hops), ``shortlink`` (``/index.php?p=N``), ``loop`` (302 a -> b -> a),
                       ``offsite`` (to example.invalid), ``to_fetched`` (onto article 0)
crawl_delay            4 articles (sitemap + links); robots.txt asks ``Crawl-delay: 3600``
retry_after            6 articles (sitemap); 2 (fate ``retry_after_1``) answer 429 with ``Retry-After:
                       1`` to their first request, then the page
retry_after_hour       4 articles (sitemap); 1 (fate ``retry_after_hour``) always answers 503 with
                       ``Retry-After: 3600``
bad_redirects          8 articles (sitemap + links); 4 answer 302 to ``ftp://``, ``file://``, ``data:``
                       and ``gopher://`` URLs
encoded_bombs          6 articles (links); /sitemap.xml and 1 article (fate ``encoded_bomb``) are
                       64 MiB of HTML sent as 64 KiB with ``Content-Encoding: gzip``
canonical_bugs         8 articles (links; the home also links /section/news/, a listing of 3 of them);
                       each page's rel=canonical is wrong (fate): the home page, ``/``, the section
                       page, or a fixed off-site URL, 2 of each
canonical_elsewhere    8 articles whose rel=canonical names the other server's articles (--other-url,
                       a sample site: different texts, read from its /__articles)
briefs                 8 articles (sitemap + links): 2 (fate ``brief``) are 55-word wire briefs with
                       their JSON-LD NewsArticle, headline, byline and date; 1 (``stub``) has 12
                       words and no byline or date anywhere (an error template with article markup)
never_answers          not HTTP: accepts TCP connections and never reads or answers (no
                       /__requests); for "one dead site never holds up the others"
=====================  ==========================================================================
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import json
import random
import re
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen
from xml.sax.saxutils import escape as xml_escape

from sample_site.content import SampleArticle
from sample_site.generated import generated_article

SITE_NAME = "The Harbour Gazette"
SECRET_PATH = "/secret-article-2026-01-01"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SECTIONS = 50_000  # many_sections
URL_LENGTH = 2083  # traps: the longest URL browsers (and Scrapy's URLLENGTH_LIMIT) accept


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    ctype: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    stall: float = 0.0  # seconds before the first byte


# --- page builders ---------------------------------------------------------------------------


def newsarticle(a: SampleArticle, url: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.headline,
        "datePublished": a.published.isoformat(),
        "author": [{"@type": "Person", "name": a.author}],
        "publisher": {"@type": "Organization", "name": SITE_NAME},
        "articleSection": a.section.capitalize(),
        "mainEntityOfPage": url,
    }


def article_html(
    a: SampleArticle, url: str, related: list[str], jsonld: str | None = None, lang: str = "en", pad: int = 0
) -> str:
    ld = jsonld if jsonld is not None else json.dumps(newsarticle(a, url), ensure_ascii=False)
    text = "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
    more = "".join(f'<li><a href="{escape(href)}">Read more</a></li>' for href in related)
    padding = f"<!-- {'x' * pad} -->" if pad else ""
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(a.headline)} | {SITE_NAME}</title>
<link rel="canonical" href="{escape(url)}">
<meta property="og:type" content="article"><meta property="og:title" content="{escape(a.headline)}">
<meta property="article:published_time" content="{a.published.isoformat()}">
<script type="application/ld+json">{ld}</script></head>
<body><header><a class="logo" href="/">{SITE_NAME}</a></header>
<main><article><p class="kicker">{a.section.capitalize()}</p><h1>{escape(a.headline)}</h1>
<p class="byline">By {escape(a.author)}</p>
<time datetime="{a.published.isoformat()}">{a.published:%d %B %Y, %H:%M}</time>
<div class="story-body">{text}</div></article>
<aside><h2>More news</h2><ul>{more}</ul></aside></main>{padding}
<footer><p>&copy; {SITE_NAME}</p></footer></body></html>"""


def template_html(a: SampleArticle, url: str, related: list[str], structured: bool) -> str:
    """learned_template: one site's own template, with or without its structured data."""
    head = (
        '<meta property="og:type" content="article">'
        f'<script type="application/ld+json">{json.dumps(newsarticle(a, url))}</script>'
        if structured
        else ""
    )
    text = "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
    if not structured:
        text = f'<div class="comments">{text}</div>'
    more = "".join(f'<li><a href="{escape(href)}">Read more</a></li>' for href in related)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(a.headline)} | {SITE_NAME}</title>
<link rel="canonical" href="{escape(url)}">{head}</head>
<body><header><a class="logo" href="/">{SITE_NAME}</a></header>
<main><article class="story"><h1>{escape(a.headline)}</h1>
<div class="meta-line"><span class="who">{escape(a.author)}</span>
<time datetime="{a.published.isoformat()}">{a.published:%d %B %Y, %H:%M}</time></div>
<div class="story-body">{text}</div></article>
<aside><h2>More news</h2><ul>{more}</ul></aside></main>
<footer><p>&copy; {SITE_NAME}</p></footer></body></html>"""


def home_html(links: list[tuple[str, str]], feed: bool, extra: str = "") -> str:
    alt = '<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">' if feed else ""
    items = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in links)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{SITE_NAME}</title>
<meta property="og:type" content="website">{alt}</head>
<body><header><h1>{SITE_NAME}</h1></header><main><h2>Latest</h2><ul>{items}</ul>{extra}
<p>News from the harbour towns, updated through the day.</p></main></body></html>"""


def urlset(locs: list[str]) -> str:
    urls = "".join(f"<url><loc>{xml_escape(loc)}</loc></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>\n'


def sitemapindex(locs: list[str]) -> str:
    maps = "".join(f"<sitemap><loc>{xml_escape(loc)}</loc></sitemap>" for loc in locs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">{maps}</sitemapindex>\n'
    )


def rss(base: str, articles: list[SampleArticle], declared: str = "UTF-8") -> str:
    items = "".join(
        f"<item><title>{xml_escape(a.headline)}</title><link>{base}{a.path}</link>"
        f"<pubDate>{a.published:%a, %d %b %Y %H:%M:%S %z}</pubDate></item>"
        for a in articles
    )
    return (
        f'<?xml version="1.0" encoding="{declared}"?>\n<rss version="2.0"><channel><title>{SITE_NAME}'
        f"</title><link>{base}/</link>{items}</channel></rss>\n"
    )


ENTITY_BOMB = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE urlset [\n <!ENTITY lol0 "lol">\n'
    + "".join(f' <!ENTITY lol{k} "{f"&lol{k - 1};" * 10}">\n' for k in range(1, 10))
    + f']>\n<urlset xmlns="{SITEMAP_NS}"><url><loc>http://127.0.0.1/&lol9;</loc></url></urlset>\n'
)


@cache
def gzip_bomb() -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">'.encode()
    return gzip.compress(head + b" " * (64 << 20) + b"</urlset>\n", compresslevel=9, mtime=0)


CANONICAL_BUGS = {  # canonical_bugs: what each fate's rel=canonical names
    "canon_home": "{base}/",
    "canon_root": "/",
    "canon_section": "{base}/section/news/",
    "canon_fixed": "http://example.invalid/",
}


def _canonical_bugs(site: HostileSite, path: str, query: str) -> Reply | None:
    """Every article's rel=canonical is wrong: the home page, "/", a section page, a fixed off-site
    URL (canonical_bugs); or the same path on another site (canonical_elsewhere, --other-url)."""
    if path == "/":
        links = [(a.path, a.headline) for a in site.articles] + [("/section/news/", "News")]
        return Reply(body=home_html(links, feed=False))
    if path == "/section/news/":
        return Reply(body=home_html([(a.path, a.headline) for a in site.articles[:3]], feed=False))
    a = site.by_path.get(path)
    if a is None:
        return None
    reply = site.article_reply(a, session=False)
    own = f'<link rel="canonical" href="{escape(site.base + a.path)}">'
    fate = site.fate(a.index)
    if site.name == "canonical_elsewhere":
        target = site.other + site.other_paths()[a.index % len(site.other_paths())]
    else:
        target = CANONICAL_BUGS[fate].format(base=site.base)
    body = reply.body if isinstance(reply.body, str) else reply.body.decode()
    return Reply(body=body.replace(own, f'<link rel="canonical" href="{escape(target)}">'))


@cache
def encoded_bomb() -> bytes:
    """An HTML page of 64 MiB, gzip-encoded to about 64 KiB (sent with Content-Encoding: gzip)."""
    return gzip.compress(b"<html><body><p>" + b" " * (64 << 20) + b"</p></body></html>", 9, mtime=0)


def _encoded_bombs(site: HostileSite, path: str, query: str) -> Reply | None:
    if path == "/sitemap.xml":
        return Reply(body=encoded_bomb(), ctype="application/xml", headers={"Content-Encoding": "gzip"})
    return None


@cache
def huge_graph_tail() -> str:
    """The 7 MB ItemList that follows each article's NewsArticle in huge_jsonld."""
    items, size, n = [], 0, 0
    while size < 7_000_000:
        n += 1
        item = json.dumps(
            {"@type": "ListItem", "position": n, "url": f"/archive/item-{n}/", "name": f"Archive entry {n}"}
        )
        items.append(item)
        size += len(item) + 1
    return '{"@type": "ItemList", "itemListElement": [' + ",".join(items) + "]}]}"


# --- scenarios -------------------------------------------------------------------------------

Hook = Callable[["HostileSite", str, str], "Reply | None"]


@dataclass(frozen=True)
class Scenario:
    articles: int = 6
    sitemaps: tuple[str, ...] = ("/sitemap.xml",)  # named in robots.txt; "{other}" is --other-url
    links: bool = True  # the home page links every article
    feed: bool = False  # the home page announces /feed.xml
    fates: tuple[str, ...] = ()  # per article, "ok" past the end
    extra_locs: tuple[str, ...] = ()  # in the middle of /sitemap.xml
    hook: Hook | None = None  # the hostile routes, tried first: (site, path, query) -> Reply or None


def _garbage(site: HostileSite, path: str, query: str) -> Reply | None:
    if path == "/sitemap.xml":
        return Reply(body=random.Random(9).randbytes(64 << 10), ctype="application/xml")
    return None


def _entity_bomb(site: HostileSite, path: str, query: str) -> Reply | None:
    return Reply(body=ENTITY_BOMB, ctype="application/xml") if path == "/sitemap.xml" else None


def _gzip_bomb(site: HostileSite, path: str, query: str) -> Reply | None:
    return Reply(body=gzip_bomb(), ctype="application/x-gzip") if path == "/sitemap.xml.gz" else None


def _utf16_feed(site: HostileSite, path: str, query: str) -> Reply | None:
    if path == "/feed.xml":  # says UTF-16, is UTF-8; no charset in the header to settle it
        return Reply(body=rss(site.base, site.articles, declared="UTF-16"), ctype="application/rss+xml")
    return None


def _index_chain(site: HostileSite, path: str, query: str) -> Reply | None:
    if path == "/sitemap-articles.xml":
        return Reply(body=urlset([site.base + a.path for a in site.articles]), ctype="application/xml")
    m = re.fullmatch(r"/sitemap-(\d+)\.xml", path)
    if not m:
        return None
    n = int(m.group(1))
    children = [f"{site.base}/sitemap-{n + 1}.xml"]
    if n == 1:
        children.insert(0, f"{site.base}/sitemap-articles.xml")
    return Reply(body=sitemapindex(children), ctype="application/xml")


def _many_sections(site: HostileSite, path: str, query: str) -> Reply | None:
    if path == "/":
        return Reply(body=site.cached("home", lambda: many_sections_home(site)))
    m = re.fullmatch(r"/section-(\d+)/", path)
    if m and int(m.group(1)) < SECTIONS:
        a = site.article(site.scenario.articles + int(m.group(1)))
        body = home_html([(a.path, a.headline)], feed=False).replace("<h2>Latest</h2>", "<h2>Section</h2>")
        return Reply(body=body)
    return None


def many_sections_home(site: HostileSite) -> str:
    sections = "".join(f'<li><a href="/section-{n}/">Section {n}</a></li>' for n in range(SECTIONS))
    links = [(a.path, a.headline) for a in site.articles]
    return home_html(links, feed=False, extra=f"<nav><ul>{sections}</ul></nav>")


def _session(path: str) -> str:
    return f"{path};jsessionid={random.getrandbits(64):016X}"


def _traps(site: HostileSite, path: str, query: str) -> Reply | None:
    path = re.sub(r";jsessionid=[^/?#]*", "", path)
    if path == "/":
        links = [(_session(a.path), a.headline) for a in site.articles]
        links += [("/calendar/2026/11/?d=1", "Calendar"), ("/archive/?page=1", "Archive")]
        links.append((site.long_path, "The long read"))
        return Reply(body=home_html(links, feed=False))
    if path == "/calendar/2026/11/":
        d = int(query.removeprefix("d=")) if re.fullmatch(r"d=\d+", query) else 1
        a = site.articles[d % len(site.articles)]
        links = [
            (f"/calendar/2026/11/?d={d + 1}", "Next day"),
            (f"/calendar/2026/11/?d={d - 1}", "Previous day"),
        ]
        return Reply(body=home_html([*links, (_session(a.path), a.headline)], feed=False))
    if path == "/archive/":
        n = query.count("page=") + 1
        return Reply(body=home_html([(f"/archive/?{query}&page={n}", "Older")], feed=False))
    if path == site.long_path:
        a = site.long_article
        return Reply(body=article_html(a, site.base + path, [_session(o.path) for o in site.articles[:3]]))
    return site.route(path, query, session=True)


# listing_dates: one instant per article, printed as real CMSs print it.
LASTMOD_STYLES = (
    "%Y-%m-%dT%H:%M:%S.%f",  # naive with microseconds (the hang of issue #19)
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%S+0000",
    "-0430",  # the same instant at -04:30, with a fraction
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "-0430 compact",  # ... printed -0430, without the colon
    "isoformat",  # +00:00, as Python's isoformat() prints UTC
)
RFC822_ZONES = (("EST", -5), ("GMT", 0), ("PST", -8), ("EDT", -4))


def listing_date(when: datetime, style: str) -> str:
    if style in ("-0430", "-0430 compact"):
        local = when.astimezone(timezone(timedelta(hours=-4, minutes=-30)))
        return local.strftime("%Y-%m-%dT%H:%M:%S.%f" + ("-04:30" if style == "-0430" else "-0430"))
    if style == "isoformat":
        return when.astimezone(UTC).isoformat()
    return when.astimezone(UTC).strftime(style)


def _listing_dates(site: HostileSite, path: str, query: str) -> Reply | None:
    """Sitemap, news sitemap and feed name each article with other dates, in every style."""
    arts = site.articles
    if path == "/sitemap.xml":
        urls = "".join(
            f"<url><loc>{site.base}{a.path}</loc><lastmod>"
            f"{listing_date(a.published + timedelta(minutes=30, microseconds=83593), LASTMOD_STYLES[i % len(LASTMOD_STYLES)])}"
            "</lastmod></url>"
            for i, a in enumerate(arts)
        )
        return Reply(
            body=f'<?xml version="1.0"?><urlset xmlns="{SITEMAP_NS}">{urls}</urlset>', ctype="text/xml"
        )
    if path == "/news-sitemap.xml":
        urls = "".join(
            f"<url><loc>{site.base}{a.path}</loc><news:news><news:publication>"
            "<news:name>Gazette</news:name><news:language>en</news:language></news:publication>"
            f"<news:publication_date>{listing_date(a.published, LASTMOD_STYLES[(i + 3) % len(LASTMOD_STYLES)])}"
            f"</news:publication_date><news:title>{xml_escape(a.headline)}</news:title></news:news></url>"
            for i, a in enumerate(arts)
        )
        ns = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        return Reply(
            body=f'<?xml version="1.0"?><urlset xmlns="{SITEMAP_NS}" {ns}>{urls}</urlset>', ctype="text/xml"
        )
    if path == "/feed.xml":
        items = ""
        for i, a in enumerate(arts):
            zone, hours = RFC822_ZONES[i % len(RFC822_ZONES)]
            local = (a.published + timedelta(minutes=5)).astimezone(timezone(timedelta(hours=hours)))
            items += (
                f"<item><title>{xml_escape(a.headline)}</title><link>{site.base}{a.path}</link>"
                f"<pubDate>{local:%a, %d %b %Y %H:%M:%S} {zone}</pubDate></item>"
            )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{SITE_NAME}</title>{items}</channel></rss>'
        return Reply(body=body, ctype="application/rss+xml")
    return None


def redirected_path(site: HostileSite, i: int) -> str:
    """redirected_listings: the URL the sitemap gives article i under."""
    path = site.articles[i].path
    fate = site.fate(i)
    if fate == "no_slash":
        return path.rstrip("/")
    if fate == "old_slug":
        return "/old-slug" + path
    if fate == "chain":
        return "/hop1" + path
    if fate == "shortlink":
        return f"/index.php?p={i}"
    if fate == "offsite":
        return f"/go/{i}"
    if fate == "to_fetched":
        return "/moved" + site.articles[0].path
    return path  # "loop" keeps its own path, which answers 302 to /r/<path>


def _redirected_listings(site: HostileSite, path: str, query: str) -> Reply | None:
    """Every article listed under a URL that redirects (real sites: old slugs, a missing
    trailing slash, shortlinks, chains), one loop, one offsite, one onto an article listed too."""
    by_path = {a.path: a for a in site.articles}

    def moved(target: str) -> Reply:
        return Reply(301, headers={"Location": site.base + target})

    if path == "/sitemap.xml":
        locs = [site.base + redirected_path(site, i) for i in range(len(site.articles))]
        return Reply(body=urlset(locs), ctype="application/xml; charset=utf-8")
    if path + "/" in by_path:
        return moved(path + "/")
    for prefix in ("/old-slug", "/hop3", "/moved"):
        if path.startswith(prefix) and path[len(prefix) :] in by_path:
            return moved(path[len(prefix) :])
    if path.startswith("/hop1/"):
        return moved("/hop2" + path[5:])
    if path.startswith("/hop2/"):
        return moved("/hop3" + path[5:])
    if path == "/index.php" and query.startswith("p="):
        return moved(site.articles[int(query[2:])].path)
    if path.startswith("/go/"):
        return Reply(301, headers={"Location": "http://example.invalid/story/"})
    return None


SCENARIOS: dict[str, Scenario] = {
    "file_scheme": Scenario(extra_locs=("file:///etc/passwd", "ftp://127.0.0.1/x")),
    "other_private_host": Scenario(extra_locs=("{other}" + SECRET_PATH,)),
    "offsite": Scenario(
        sitemaps=("/sitemap.xml", "{other}/sitemap.xml"),
        extra_locs=tuple(
            f"http://example.invalid/2026/01/0{k}/offsite-story-{k}-100500/" for k in range(1, 6)
        ),
    ),
    "bad_port_entry": Scenario(articles=29, extra_locs=("http://127.0.0.1:99999/x",)),
    "garbage_sitemap": Scenario(feed=True, hook=_garbage),
    "entity_bomb": Scenario(feed=True, hook=_entity_bomb),
    "gzip_bomb": Scenario(sitemaps=("/sitemap.xml.gz",), feed=True, hook=_gzip_bomb),
    "deep_jsonld": Scenario(fates=("deep_jsonld",) * 6),
    "huge_jsonld": Scenario(fates=("huge_jsonld",) * 6),
    "utf16_feed": Scenario(articles=10, sitemaps=(), links=False, feed=True, hook=_utf16_feed),
    "redirect_loop": Scenario(articles=8, fates=("loop",) * 6),
    "http_errors": Scenario(articles=12, fates=("500", "500", "503", "503", "404", "huge", "stall")),
    "mislabelled_charset": Scenario(articles=8, fates=("cp1251",) * 3 + ("cp1252",) * 3),
    "index_chain": Scenario(sitemaps=("/sitemap-1.xml",), links=False, hook=_index_chain),
    "many_sections": Scenario(articles=60, sitemaps=(), hook=_many_sections),
    "traps": Scenario(hook=_traps),
    "learned_template": Scenario(articles=8, fates=("tmpl",) * 5 + ("bare",) * 3),
    "listing_dates": Scenario(
        articles=8, sitemaps=("/sitemap.xml", "/news-sitemap.xml"), feed=True, hook=_listing_dates
    ),
    "redirected_listings": Scenario(
        articles=9,
        links=False,
        fates=(
            "ok",
            "no_slash",
            "no_slash",
            "old_slug",
            "chain",
            "shortlink",
            "loop",
            "offsite",
            "to_fetched",
        ),
        hook=_redirected_listings,
    ),
    "crawl_delay": Scenario(articles=4),
    "retry_after": Scenario(articles=6, links=False, fates=("retry_after_1", "retry_after_1")),
    "retry_after_hour": Scenario(articles=4, links=False, fates=("retry_after_hour",)),
    "bad_redirects": Scenario(articles=8, fates=("ftp", "file", "data", "gopher")),
    "encoded_bombs": Scenario(articles=6, fates=("encoded_bomb",), hook=_encoded_bombs),
    "canonical_bugs": Scenario(
        articles=8, fates=tuple(f for f in CANONICAL_BUGS for _ in (1, 2)), hook=_canonical_bugs
    ),
    "canonical_elsewhere": Scenario(articles=8, hook=_canonical_bugs),
    "briefs": Scenario(articles=8, fates=("brief", "brief", "stub")),
    "never_answers": Scenario(),  # not served over HTTP: see never_answer()
}


# --- the site --------------------------------------------------------------------------------


def curly(a: SampleArticle) -> None:
    """Windows-1252 punctuation a UTF-8 decoder chokes on: curly quotes, en and em dashes."""
    rng = random.Random(a.index)
    a.headline = a.headline.replace("'", "’") + " – “we’re ready”"
    a.paragraphs = [
        p.replace("'", "’") + f" “It’s {rng.randint(3, 90)} weeks late — again,” one reader wrote."
        for p in a.paragraphs
    ]


class HostileSite:
    def __init__(self, scenario: str, base: str, other: str | None = None, stall: float = 60.0) -> None:
        self.name, self.scenario = scenario, SCENARIOS[scenario]
        self.base, self.other, self.stall = base, (other or "http://example.invalid").rstrip("/"), stall
        self.now = datetime.now(UTC)
        self._articles: dict[int, SampleArticle] = {}
        self._cache: dict[str, Any] = {}
        self.requests: Counter[str] = Counter()
        self.times: dict[str, list[float]] = {}  # path -> when each request came (/__times)
        self.lock = threading.Lock()
        self.articles = [self.article(i) for i in range(self.scenario.articles)]
        self.by_path = {a.path: a for a in self.articles}
        self.secret = generated_article(999_999, self.now)
        self.long_article = generated_article(self.scenario.articles + 500, self.now)
        prefix = f"{self.base}/2026/11/28/the-long-read-"
        suffix = f"-{100000 + self.long_article.index}/"
        filler = "continued-" * (URL_LENGTH // 10)
        self.long_path = (prefix + filler[: URL_LENGTH - len(prefix) - len(suffix)] + suffix)[
            len(self.base) :
        ]

    def other_paths(self) -> list[str]:
        """The article paths of the --other-url server (its /__articles), fetched once."""

        def fetch() -> list[str]:
            with urlopen(self.other + "/__articles", timeout=10) as resp:
                return [a["path"] for a in json.loads(resp.read())]

        return self.cached("other_paths", fetch)  # type: ignore[no-any-return]

    def fate(self, i: int) -> str:
        fates = self.scenario.fates
        return fates[i] if i < len(fates) else "ok"

    def article(self, i: int) -> SampleArticle:
        with self.lock:
            if i not in self._articles:
                a = generated_article(i, self.now, russian=self.fate(i) == "cp1251")
                if self.fate(i) == "cp1252":
                    curly(a)
                self._articles[i] = a
            return self._articles[i]

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def describe(self) -> list[dict[str, Any]]:
        extra = [(self.long_article, "long_url")] if self.name == "traps" else []
        return [
            {
                "path": self.long_path if fate == "long_url" else a.path,
                "headline": a.headline,
                "author": a.author,
                "published": a.published.isoformat(),
                "paragraphs": a.paragraphs,
                "fate": fate,
            }
            for a, fate in [*((a, self.fate(a.index)) for a in self.articles), *extra]
        ]

    def render(self, path: str, query: str) -> Reply:
        if self.scenario.hook is not None:
            reply = self.scenario.hook(self, path, query)
            if reply is not None:
                return reply
        return self.route(path, query)

    def route(self, path: str, query: str, session: bool = False) -> Reply:
        s = self.scenario
        if path == "/robots.txt":
            lines = ["User-agent: *", "Disallow: /__"] + (
                ["Crawl-delay: 3600"] if self.name == "crawl_delay" else []
            )
            lines += [f"Sitemap: {self._abs(p)}" for p in s.sitemaps]
            return Reply(body="\n".join(lines) + "\n", ctype="text/plain; charset=utf-8")
        if path == "/":
            links = [(a.path, a.headline) for a in self.articles] if s.links else []
            return Reply(body=home_html(links, s.feed))
        if path == "/sitemap.xml" and "/sitemap.xml" in s.sitemaps:
            locs = [self.base + a.path for a in self.articles]
            middle = len(locs) // 2
            locs[middle:middle] = [loc.replace("{other}", self.other) for loc in s.extra_locs]
            return Reply(body=urlset(locs), ctype="application/xml; charset=utf-8")
        if path == "/feed.xml" and s.feed:
            return Reply(body=rss(self.base, self.articles), ctype="application/rss+xml; charset=utf-8")
        if path.startswith("/r/") and path[2:] in self.by_path:  # redirect_loop: b -> a
            return Reply(302, headers={"Location": self.base + path[2:]})
        if path == SECRET_PATH:
            return Reply(body=article_html(self.secret, self.base + path, []))
        m = re.search(r"-(\d{6,})/$", path)
        i = int(m.group(1)) - 100000 if m else -1
        if i < 0 or i >= s.articles + (SECTIONS if self.name == "many_sections" else 0):
            return Reply(404, "<html><body><h1>Not found</h1></body></html>")
        a = self.article(i)
        if a.path != path:
            return Reply(404, "<html><body><h1>Not found</h1></body></html>")
        return self.article_reply(a, session)

    def article_reply(self, a: SampleArticle, session: bool) -> Reply:
        fate, url = self.fate(a.index), self.base + a.path
        related = [o.path for o in self.articles if o is not a][:3]
        if session:
            related = [_session(p) for p in related]
        if fate == "retry_after_1" and self.requests[a.path] == 1:  # once, then the page
            return Reply(429, "<html><body>Too many requests</body></html>", headers={"Retry-After": "1"})
        if fate == "retry_after_hour":
            return Reply(503, "<html><body>Come back later</body></html>", headers={"Retry-After": "3600"})
        if fate in ("ftp", "file", "data", "gopher"):  # a redirect off the web
            target = {"ftp": "ftp://127.0.0.1/x", "file": "file:///etc/passwd", "data": "data:text/html,hi",
                      "gopher": "gopher://127.0.0.1/1"}[fate]  # fmt: skip
            return Reply(302, headers={"Location": target})
        if fate == "encoded_bomb":  # 64 KiB on the wire, 64 MiB once decompressed
            return Reply(body=encoded_bomb(), headers={"Content-Encoding": "gzip"})
        if fate in ("500", "503", "404"):
            return Reply(int(fate), f"<html><body><h1>Error {fate}</h1></body></html>")
        if fate == "loop":  # a -> b
            return Reply(302, headers={"Location": f"{self.base}/r{a.path}"})
        if fate == "stall":
            return Reply(body=article_html(a, url, related), stall=self.stall)
        if fate == "huge":
            return Reply(body=article_html(a, url, related, pad=3 << 20))
        if fate == "deep_jsonld":
            obj = json.dumps(newsarticle(a, url))
            deep = obj[:-1] + ', "mentions": ' + "[" * 100_000 + "]" * 100_000 + "}"
            return Reply(body=article_html(a, url, related, jsonld=deep))
        if fate == "huge_jsonld":
            node = json.dumps({k: v for k, v in newsarticle(a, url).items() if k != "@context"})
            graph = '{"@context": "https://schema.org", "@graph": [' + node + ", " + huge_graph_tail()
            return Reply(body=article_html(a, url, related, jsonld=graph))
        if fate in ("cp1251", "cp1252"):  # declared utf-8 in <meta>, no charset in the header
            html = article_html(a, url, related, lang="ru" if fate == "cp1251" else "en")
            return Reply(body=html.encode(fate), ctype="text/html")
        if fate in ("brief", "stub"):  # a 55-word wire brief; a 12-word stub (an error template)
            words = " ".join(a.paragraphs).split()[: 55 if fate == "brief" else 12]
            short = dataclasses.replace(a, paragraphs=[" ".join(words).rstrip(".,;") + "."])
            html = article_html(short, url, related)
            if fate == "stub":  # no byline, no date anywhere: nothing says this is a story
                html = re.sub(
                    r'<p class="byline">.*?</p>|<time .*?</time>|<meta property="article:published_time"[^>]*>',
                    "",
                    html,
                )
                ld = json.dumps(
                    {k: v for k, v in newsarticle(short, url).items() if k not in ("author", "datePublished")}
                )
                html = re.sub(
                    r'<script type="application/ld\+json">.*?</script>',
                    f'<script type="application/ld+json">{ld}</script>',
                    html,
                )
            return Reply(body=html)
        if fate in ("tmpl", "bare"):
            return Reply(body=template_html(a, url, related, structured=fate == "tmpl"))
        return Reply(body=article_html(a, url, related))

    def _abs(self, path: str) -> str:
        return path.replace("{other}", self.other) if path.startswith("{other}") else self.base + path


# --- the server ------------------------------------------------------------------------------


def make_handler(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/__requests":
                with site.lock:
                    counts = dict(site.requests)
                self._send(Reply(body=json.dumps(counts), ctype="application/json"))
                return
            if parts.path == "/__articles":
                self._send(Reply(body=json.dumps(site.describe()), ctype="application/json"))
                return
            if parts.path == "/__times":
                with site.lock:
                    times = dict(site.times)
                self._send(Reply(body=json.dumps(times), ctype="application/json"))
                return
            with site.lock:
                site.requests[parts.path + (f"?{parts.query}" if parts.query else "")] += 1
                site.times.setdefault(parts.path, []).append(time.time())
            self._send(site.render(parts.path, parts.query))

        def _send(self, reply: Reply) -> None:
            if reply.stall:
                time.sleep(reply.stall)
            body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client went away
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet: tests read /__requests
            pass

    return Handler


def never_answer(host: str, port: int) -> None:
    """Accept connections and hold them open without reading or writing a byte."""
    sock = socket.create_server((host, port), backlog=128)
    print(f"READY http://{host}:{sock.getsockname()[1]}", flush=True)
    held = []
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            held.append(sock.accept()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.mockserver.hostile", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address: 127.0.0.x")
    parser.add_argument("--other-url", help="another server's base URL, for other_private_host and offsite")
    parser.add_argument("--stall", type=float, default=60.0, help="seconds the http_errors staller waits")
    args = parser.parse_args(argv)
    if not args.host.startswith("127."):
        parser.error("--host must be a loopback address (127.0.0.x): these servers never face the web")
    try:
        if args.scenario == "never_answers":
            never_answer(args.host, args.port)
            return 0
        server = ThreadingHTTPServer((args.host, args.port), BaseHTTPRequestHandler)
    except OSError as exc:
        parser.exit(2, f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}\n")
    base = f"http://{args.host}:{server.server_address[1]}"
    server.RequestHandlerClass = make_handler(HostileSite(args.scenario, base, args.other_url, args.stall))
    server.daemon_threads = True
    print(f"READY {base}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
