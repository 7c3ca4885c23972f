"""HTML, XML and text of the sample site, rendered from content.SampleArticle objects."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import escape
from xml.sax.saxutils import escape as xml_escape

from sample_site.content import SECTIONS, SampleArticle

SITE = "The Coastline Courier"
SECTION_PAGE_SIZE = 4


def _iso(dt: datetime) -> str:
    return dt.isoformat()


def _nav() -> str:
    items = "".join(f'<li><a href="/section/{s}/">{s.capitalize()}</a></li>' for s in SECTIONS)
    return f'<ul class="sf-menu"><li><a href="/">Home</a></li>{items}</ul>'


def _teasers(articles: list[SampleArticle]) -> str:
    return "".join(
        f'<div class="td-module-container"><h3 class="entry-title td-module-title">'
        f'<a href="{a.path}">{escape(a.headline)}</a></h3>'
        f'<div class="td-excerpt">{escape(a.headline[:40])}...</div></div>'
        for a in articles
    )


def wordpress(a: SampleArticle, others: list[SampleArticle]) -> str:
    """The chrome-heavy WordPress news theme behind naive-crawl-output.txt; meta tags only."""
    body = "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs[:2])
    body += '<div class="td-a-rec td-a-rec-id-content_inline">spot_img</div>'
    body += "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs[2:])
    body += "".join(f"<p>{escape(p)}</p>" for p in a.extra.get("paragraphs_html", "").split("\n") if p)
    modified = f'<meta property="article:modified_time" content="{_iso(a.modified)}">' if a.modified else ""
    return f"""<!doctype html>
<html lang="en-US"><head><meta charset="UTF-8">
<title>{escape(a.headline)} - {SITE}</title>
<meta property="og:title" content="{escape(a.headline)} - {SITE}">
<meta property="og:site_name" content="{SITE}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{_iso(a.published)}">{modified}
<meta property="article:section" content="{a.section.capitalize()}">
<link rel="canonical" href="{a.path}">
<link rel="amphtml" href="/amp{a.path}">
</head><body class="single single-post">
<div class="td-header-wrap"><div class="td-header-top-menu"><a href="/subscribe/">Subscribe</a></div>
{_nav()}<div class="td-a-rec">spot_img</div></div>
<div class="td-main-content"><h1 class="tdb-title-text entry-title">{escape(a.headline)}</h1>
<div class="tdb-author-name-wrap">By <a class="tdb-author-name" href="/author/{a.author.lower().replace(" ", "-")}/">{escape(a.author)}</a></div>
<time class="entry-date updated td-module-date" datetime="{_iso(a.published)}">{a.published:%B %d, %Y}</time>
<div class="td-post-sharing"><a class="td-social-sharing-button" href="#">Facebook</a>
<a class="td-social-sharing-button" href="#">Twitter</a><a class="td-social-sharing-button" href="#">WhatsApp</a></div>
<div class="td-post-content tagdiv-type">{body}</div>
<div class="td_block_related_posts"><h4 class="td-related-title">Related Articles</h4>{_teasers(others[:2])}</div>
</div>
<div class="td-main-sidebar">
<div class="td_block_wrap"><h4 class="block-title"><span>Hot this week</span></h4>{_teasers(others[2:5])}</div>
<div class="td_block_wrap"><h4 class="block-title"><span>Topics</span></h4>{_teasers(others[2:6])}</div>
<div class="td-a-rec">spot_img</div>
<div class="td_block_popular_categories"><h4 class="block-title"><span>Popular Categories</span></h4>
<ul><li><a href="/section/national/">National</a></li><li><a href="/section/world/">World</a></li></ul></div>
<div class="td-a-rec">spot_imgspot_img</div></div>
<div class="td-footer-wrap"><p>&copy; {SITE}. All rights reserved.</p></div>
</body></html>"""


def modern(a: SampleArticle, others: list[SampleArticle], jsonld: bool = True, amp: bool = False) -> str:
    """A clean template; with JSON-LD NewsArticle, or (plain) with no metadata at all."""
    ld = ""
    if jsonld:
        obj = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.headline,
            "datePublished": _iso(a.published),
            "author": [{"@type": "Person", "name": a.author}],
            "publisher": {"@type": "Organization", "name": SITE},
            "articleSection": a.section.capitalize(),
            "inLanguage": "en",
            "mainEntityOfPage": a.path,
        }
        if a.modified:
            obj["dateModified"] = _iso(a.modified)
        ld = f'<script type="application/ld+json">{json.dumps(obj)}</script>'
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
    paragraphs += "".join(f"<p>{escape(p)}</p>" for p in a.extra.get("paragraphs_html", "").split("\n") if p)
    canonical = f'<link rel="canonical" href="{a.path}">' if (jsonld or amp) else ""
    related = "".join(f'<li><a href="{o.path}">{escape(o.headline)}</a></li>' for o in others[:3])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(a.headline)} | {SITE}</title>{canonical}{ld}</head>
<body><header><a class="logo" href="/">{SITE}</a><nav>{_nav()}</nav></header>
<main><article>
<p class="kicker">{a.section.capitalize()}</p>
<h1>{escape(a.headline)}</h1>
<p class="byline">By {escape(a.author)}</p>
<time datetime="{_iso(a.published)}">{a.published:%d %B %Y, %H:%M}</time>
<div class="story-body">{paragraphs}</div>
</article>
<aside><h2>Read more</h2><ul>{related}</ul></aside></main>
<footer><p>Sign up for our newsletter</p></footer></body></html>"""


def article_page(a: SampleArticle, others: list[SampleArticle], amp: bool = False) -> str:
    if a.template == "wordpress" and not amp:
        return wordpress(a, others)
    return modern(a, others, jsonld=a.template == "modern" or amp, amp=amp)


def broken_article(a: SampleArticle) -> str:
    """The article after a bad redesign: its headline and a teaser, the text gone (``--broken``)."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(a.headline)}</title>
</head><body><header><h1>{SITE}</h1></header><main><h2>{escape(a.headline)}</h2>
<p>Subscribe to keep reading.</p></main></body></html>"""


def home(articles: list[SampleArticle], feeds: bool, links: bool, amp_of: SampleArticle | None) -> str:
    feed = '<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">' if feeds else ""
    items = ""
    if links:
        latest = [a for a in articles if a.listed][:6]
        items = "".join(f'<li><a href="{a.path}">{escape(a.headline)}</a></li>' for a in latest)
        if amp_of is not None:
            items += f'<li><a href="/amp{amp_of.path}">{escape(amp_of.headline)} (AMP)</a></li>'
            items += f'<li><a href="/m{amp_of.path}">{escape(amp_of.headline)} (mobile)</a></li>'
        items += f'<li><a href="{ABOUT_PATH}">About the Coastline Courier newsroom team</a></li>'
    nav = _nav() if links else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{SITE}</title>
<meta property="og:type" content="website">{feed}</head>
<body><header><h1>{SITE}</h1>{nav}</header><main><h2>Latest</h2><ul>{items}</ul>
<p>News from the coast and the islands, updated through the day.</p></main></body></html>"""


ABOUT_PATH = "/about-the-coastline-courier-newsroom-team/"


def about() -> str:
    """Not an article, though its URL is shaped like one: the crawler must not write it."""
    people = "".join(
        f"<li>{n}</li>" for n in ("Ayesha Raza, editor", "Tom Whitfield, business", "Nadia Karim, world")
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>About us | {SITE}</title>
<meta property="og:type" content="website"></head><body><header>{_nav()}</header>
<main><h1>About the newsroom</h1><p>{SITE} has covered the coast and the islands since 1987. Our reporters
work from Port Saleh, Karimabad and Old Harbour, and our editors read every story before it is published.</p>
<ul>{people}</ul></main></body></html>"""


def section(name: str, articles: list[SampleArticle], page: int) -> str:
    in_section = [a for a in articles if a.section == name]
    start = (page - 1) * SECTION_PAGE_SIZE
    chunk = in_section[start : start + SECTION_PAGE_SIZE]
    items = "".join(
        f'<li><h3><a href="{a.path}">{escape(a.headline)}</a></h3><p>{escape(a.paragraphs[0][:90])}…</p></li>'
        for a in chunk
    )
    more = ""
    if start + SECTION_PAGE_SIZE < len(in_section):
        more = f'<a class="next" rel="next" href="/section/{name}/?page={page + 1}">Older stories</a>'
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{name.capitalize()} | {SITE}</title><meta property="og:type" content="website"></head>
<body><header>{_nav()}</header><main><h1>{name.capitalize()}</h1><ul>{items}</ul>{more}</main></body></html>"""


def robots(sitemap: bool, base: str) -> str:
    lines = ["User-agent: *", "Disallow: /__", "Disallow: /subscribe/"]
    if sitemap:
        lines.append(f"Sitemap: {base}/sitemap_index.xml")
    return "\n".join(lines) + "\n"


def sitemap_index(base: str, newest: datetime) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-articles.xml</loc><lastmod>{_iso(newest)}</lastmod></sitemap>
<sitemap><loc>{base}/news-sitemap.xml</loc><lastmod>{_iso(newest)}</lastmod></sitemap>
</sitemapindex>"""


def sitemap_articles(base: str, articles: list[SampleArticle]) -> str:
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><lastmod>{_iso(a.modified or a.published)}</lastmod></url>"
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>"""


def news_sitemap(base: str, articles: list[SampleArticle]) -> str:
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><news:news><news:publication><news:name>{SITE}</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{_iso(a.published)}</news:publication_date>"
        f"<news:title>{xml_escape(a.headline)}</news:title></news:news></url>"
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>"""


def rss(base: str, articles: list[SampleArticle], tracked: SampleArticle | None) -> str:
    def link(a: SampleArticle) -> str:
        suffix = "?utm_source=rss&utm_medium=feed" if a is tracked else ""
        return f"{base}{a.path}{suffix}"

    items = "".join(
        f"<item><title>{xml_escape(a.headline)}</title><link>{xml_escape(link(a))}</link>"
        f"<pubDate>{a.published:%a, %d %b %Y %H:%M:%S %z}</pubDate></item>"
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{SITE}</title><link>{base}/</link>{items}</channel></rss>"""


# --- a single-page news app: the article page is a shell, its text arrives as JSON after load ---

APP_JS = """// The Coastline Courier app: fetches the article and renders it into the page.
fetch('/api/article?path=' + encodeURIComponent(location.pathname))
  .then(function (r) { return r.json(); })
  .then(function (a) {
    document.documentElement.lang = a.lang;
    document.head.innerHTML = a.head;
    document.body.className = a.bodyClass;
    document.body.innerHTML = a.body;
  });
"""


def app_shell() -> str:
    """What a client-rendered article page serves before its script runs."""
    return f"""<!doctype html>
<html lang="en-US"><head><meta charset="UTF-8"><title>{SITE}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script defer src="/static/app.js"></script></head>
<body><div id="root"><div class="spinner">Loading...</div></div>
<noscript>You need to enable JavaScript to read {SITE}.</noscript></body></html>"""


def app_article(html: str) -> str:
    """The JSON the app fetches: the plain page's head, body and language, as the app renders them."""
    head = re.search(r"<head[^>]*>(.*)</head>", html, re.S)
    body = re.search(r"<body([^>]*)>(.*)</body>", html, re.S)
    lang = re.search(r'<html[^>]*\blang="([^"]*)"', html)
    body_class = re.search(r'class="([^"]*)"', body.group(1)) if body else None
    return json.dumps(
        {
            "head": head.group(1) if head else "",
            "body": body.group(2) if body else html,
            "lang": lang.group(1) if lang else "",
            "bodyClass": body_class.group(1) if body_class else "",
        }
    )
