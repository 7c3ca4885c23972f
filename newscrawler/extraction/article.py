"""``extract_article(html, url)``: one news page in, one Article record out.

Pure: no network, no Scrapy objects, never raises on a bad page. The rules that pick
between sources are documented field by field in docs/fields.md.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from itemloaders import ItemLoader
from itemloaders.processors import Identity, MapCompose, TakeFirst
from w3lib.html import remove_tags, replace_entities, strip_html5_whitespace
from w3lib.url import safe_url_string

from newscrawler.extraction import dates
from newscrawler.extraction.authors import clean_authors, is_agency
from newscrawler.extraction.body import extract_body
from newscrawler.extraction.language import detect_language, normalise_language
from newscrawler.extraction.page import Page
from newscrawler.items import Article

logger = logging.getLogger(__name__)

# Separators between a headline and the site name in <title> and og:title.
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+|\s*\|\s*")
_WORD = re.compile(r"\w+")
# Chinese and Japanese write no spaces: each character counts as a word.
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_COUNTED_WORD = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(replace_entities(remove_tags(value)).split())


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _not_empty(value: Any) -> Any:
    return value if value not in ("", None, [], {}) else None


class ArticleLoader(ItemLoader):
    """Candidates go in in preference order; processors clean them with w3lib."""

    default_item_class = Article
    default_input_processor = MapCompose(_text, _not_empty)
    default_output_processor = TakeFirst()

    url_in = canonicalUrl_in = MapCompose(_str, strip_html5_whitespace, _not_empty)
    articleBody_in = MapCompose(_not_empty)
    authors_in = MapCompose(lambda name: {"name": name})
    authors_out = Identity()
    keywords_out = Identity()
    mainImage_in = MapCompose(_str, strip_html5_whitespace, _not_empty, lambda u: {"url": u})
    isAccessibleForFree_in = MapCompose(lambda v: v)
    wordCount_in = MapCompose(lambda v: v)
    metadata_in = MapCompose(lambda v: v)


def extract_article(
    html: str | bytes,
    url: str,
    *,
    downloaded: datetime | None = None,
    body_selector: str | None = None,
) -> Article:
    """Extract one article. On any failure, return what was found (possibly an empty record)."""
    try:
        page = Page.load(html, url)
    except Exception:  # the contract: a bad page never raises
        logger.exception("could not parse %s", url)
        page = Page(url=url, tree=None)
    return extract_from_page(page, downloaded=downloaded, body_selector=body_selector)


def extract_from_page(
    page: Page, *, downloaded: datetime | None = None, body_selector: str | None = None
) -> Article:
    """As extract_article, for a page already loaded (the spider also asks is_article_page)."""
    now = downloaded or datetime.now(UTC)
    try:
        return _extract(page, now, body_selector)
    except Exception:  # the contract: a bad page never raises
        logger.exception("extraction failed for %s", page.url)
        return Article(url=page.url or None, metadata={"dateDownloaded": _iso_now(now)})


def is_article_page(page: Page, article: Article) -> bool:
    """An article page, not a home, section, tag or author page.

    Pages that declare a type are taken at their word (og:type, JSON-LD article objects);
    undeclared pages need a headline, a date and enough running text.
    """
    og_type = (page.meta_first("og:type") or "").lower()
    if og_type and og_type not in ("article", "news", "newsarticle"):
        return False
    if og_type == "article" or page.articles():
        return bool(article.headline)
    return bool(article.headline and article.datePublished and (article.wordCount or 0) >= 80)


def _iso_now(now: datetime) -> str:
    return now.astimezone(UTC).replace(microsecond=0).isoformat()


def _extract(page: Page, now: datetime, body_selector: str | None) -> Article:
    ld = _main_ld(page)
    loader = ArticleLoader()
    loader.add_value("url", page.url)
    loader.add_value("canonicalUrl", canonical_url(page, ld))

    sites = site_names(page, ld)
    loader.add_value("publisher", sites[:1])
    headline = choose_headline(page, ld, sites)
    loader.add_value("headline", headline)
    loader.add_value(
        "description",
        [ld.get("description"), page.meta_first("og:description", "twitter:description", "description")],
    )

    lang = normalise_language(
        _first_str(ld.get("inLanguage"))
        or page.meta_first("content-language", "language", "dc.language", "og:locale")
        or (page.tree.get("lang") if page.tree is not None else None)
        or (page.tree.get("xml:lang") if page.tree is not None else None)
    )
    languages = [lang] if lang else None

    authors = choose_authors(page, ld, sites)
    loader.add_value("authors", authors)

    published, modified = choose_dates(page, ld, now, languages)
    loader.add_value("datePublished", published)
    loader.add_value("dateModified", modified)

    ld_body = ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else None
    sections = _strs(ld.get("articleSection")) + page.meta.get("article:section", [])
    body = extract_body(
        page.tree,
        page.url,
        headline=headline,
        authors=authors,
        ld_body=ld_body,
        selector=body_selector,
        labels=(*sections, *sites),
    )
    loader.add_value("articleBody", body)
    if not lang and body:
        lang = detect_language(body)
    loader.add_value("inLanguage", lang)

    loader.add_value("articleSection", sections)
    loader.add_value("keywords", keywords(page, ld))
    loader.add_value("mainImage", main_image(page, ld))
    loader.add_value("isAccessibleForFree", accessible_for_free(page, ld))
    if body:
        loader.add_value("wordCount", len(_COUNTED_WORD.findall(body)))
    loader.add_value("metadata", {"dateDownloaded": _iso_now(now)})
    item = loader.load_item()
    assert isinstance(item, Article)
    return item


# --- JSON-LD helpers ---


def _main_ld(page: Page) -> dict[str, Any]:
    """The JSON-LD object that describes this page's article (not a related one)."""
    articles = page.articles()
    if not articles:
        return {}
    here = _url_key(page.url)
    for obj in articles:
        for key in ("url", "mainEntityOfPage", "@id"):
            v = obj.get(key)
            v = v.get("@id") if isinstance(v, dict) else v
            if isinstance(v, str) and here and _url_key(v) == here:
                return obj
    return articles[0]


def _url_key(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return (parts.netloc.removeprefix("www.") + parts.path.rstrip("/")).lower()


def _first_str(value: Any) -> str | None:
    strs = _strs(value)
    return strs[0] if strs else None


def _strs(value: Any) -> list[str]:
    """Strings from a JSON-LD value that may be a string, a list, or objects with a name."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return _strs(value.get("name") or value.get("@value"))
    if isinstance(value, list):
        return [s for v in value for s in _strs(v)]
    return []


# --- fields ---


def canonical_url(page: Page, ld: dict[str, Any]) -> str | None:
    candidates = [*page.xpath('//link[@rel="canonical"]/@href'), page.meta_first("og:url")]
    for c in candidates:
        if c and c.strip():
            absolute = urljoin(page.url, c.strip())
            if absolute.startswith(("http://", "https://")):
                return safe_url_string(absolute)
    return None


def site_names(page: Page, ld: dict[str, Any]) -> list[str]:
    names: list[str] = []
    pub = ld.get("publisher")
    names += _strs(pub if not isinstance(pub, list) else pub[:1])
    names += [n for n in (page.meta_first("og:site_name"), page.meta_first("application-name")) if n]
    for obj in page.jsonld:
        if "WebSite" in str(obj.get("@type")) or "Organization" in str(obj.get("@type")):
            names += _strs(obj.get("name"))
    host = urlsplit(page.url).hostname or ""
    labels = [x for x in host.split(".") if x not in ("www", "m", "amp", "com", "co", "org", "net", "news")]
    if labels:
        names.append(labels[0])
    if host:
        names.append(host.removeprefix("www."))
    seen: set[str] = set()
    out = []
    for n in names:
        n = " ".join(n.split())
        if n and n.casefold() not in seen:
            seen.add(n.casefold())
            out.append(n)
    return out


def strip_site_name(title: str, sites: Iterable[str]) -> str:
    """Remove "| Site", "- Site" and "Site: " affixes naming the site."""
    title = " ".join(title.split())
    keys = [s.casefold().replace(" ", "") for s in sites if s]
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:

        def is_site(part: str) -> bool:
            p = part.casefold().replace(" ", "")
            return any(p == k or (len(k) > 3 and (k in p or p in k) and len(p) < 40) for k in keys)

        while len(parts) > 1 and is_site(parts[-1]):
            parts.pop()
        while len(parts) > 1 and is_site(parts[0]):
            parts.pop(0)
        # Rebuild with the original separators by cutting the title, not re-joining parts.
        # A one- or two-word section kicker before a long headline ("Opinion | ...").
        if (
            len(parts) > 1
            and re.match(re.escape(parts[0]) + r"\s*\|", title)
            and len(parts[0].split()) <= 2
            and len(" ".join(parts[1:]).split()) >= 4
        ):
            parts.pop(0)
        start = title.find(parts[0])
        end = title.rfind(parts[-1]) + len(parts[-1])
        if start >= 0 and end > start:
            title = title[start:end]
    return title.strip(" |-–—:")


def _clean_title(value: str | None, sites: list[str]) -> str:
    text = _text(value)
    return strip_site_name(text, sites) if text else ""


_KICKER_XPATH = (
    './/*[contains(@class,"kicker") or contains(@class,"Kicker") or contains(@class,"overline") '
    'or contains(@class,"dachzeile") or contains(@class,"topline") or contains(@class,"eyebrow") '
    'or contains(@class,"roofline") or contains(@class,"spitzmarke") or contains(@class,"label")]'
)


def _h1_texts(page: Page) -> list[tuple[str, bool]]:
    """Visible <h1> texts with any kicker element taken out, and whether each sits in the article."""
    out = []
    for h in page.xpath("//h1")[:6]:
        kickers = [_text(k.text_content()) or "" for k in h.xpath(_KICKER_XPATH)]
        text = _text(h.text_content()) or ""
        for k in kickers:
            if k and text.startswith(k) and len(text) > len(k) + 8:
                text = text[len(k) :].strip(" :|-–—")
        in_article = bool(h.xpath("ancestor::article|ancestor::main|ancestor::*[@itemprop='articleBody']"))
        if 3 <= len(text) <= 300:
            out.append((text, in_article))
    return out


def choose_headline(page: Page, ld: dict[str, Any], sites: list[str]) -> str | None:
    """JSON-LD headline, else og/twitter title, else the article's <h1>, else <title>.

    Structured titles come first because a page's <h1> is often absent, a logo, or a
    section name. Site-name affixes are stripped from every source; a truncated title
    ("…") gives way to a longer source that starts with it; an <h1> loses its kicker element.
    """
    title_tags = page.xpath("//title/text()")
    h1s = _h1_texts(page)
    in_article = [t for t, inside in h1s if inside]
    h1 = in_article[0] if in_article else (h1s[0][0] if len(h1s) == 1 else None)
    candidates = [
        _clean_title(_first_str(ld.get("headline")) or _first_str(ld.get("name")), sites),
        _clean_title(page.meta_first("og:title", "twitter:title", "sailthru.title", "parsely-title"), sites),
        strip_site_name(h1, sites) if h1 else "",
        _clean_title(title_tags[0] if title_tags else None, sites),
    ]
    candidates = [c for c in candidates if c]
    if not candidates:
        return None
    best = candidates[0]
    if best.endswith(("…", "...")):
        stem = best.rstrip("….").strip()
        longer = [c for c in candidates[1:] if c.startswith(stem) and len(c) > len(stem)]
        if longer:
            best = longer[0]
    return best


_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "twitter:creator",
    "cxenseparse:author",
)
_BYLINE_XPATH = (
    '//*[@itemprop="author"]//*[@itemprop="name"]',
    '//*[@itemprop="author"]',
    '//a[@rel="author"]',
    '//*[contains(concat(" ",normalize-space(@class)," ")," byline ")]',
    '//*[contains(@class,"author-name") or contains(@class,"authorName") or contains(@class,"byline__name")]',
    '//*[contains(@class,"byline") or contains(@class,"Byline")]',
    # The innermost elements whose class names an author ("authors__list-item", "c-author").
    '//*[contains(@class,"author")][not(descendant::*[contains(@class,"author")])]',
)


def author_sources(page: Page, ld: dict[str, Any]) -> list[list[str]]:
    """Author strings per source, in preference order: JSON-LD, meta tags, visible byline."""
    sources = [_ld_people(ld.get("author")) if ld else []]
    sources.append(
        [
            v
            for name in _AUTHOR_META
            for v in page.meta.get(name, [])
            if v.strip() and not v.strip().startswith(("http", "@", "/"))
        ]
    )
    for query in _BYLINE_XPATH:
        found = [_text(el.text_content()) or "" for el in page.xpath(query)[:4]]
        found = [f for f in found if 2 < len(f) < 120]
        if found:
            sources.append(found)
            break
    return sources


def choose_authors(page: Page, ld: dict[str, Any], sites: list[str]) -> list[str]:
    """The first source that names a person; else the first that names anyone (an agency)."""
    fallback: list[str] = []
    for i, raw in enumerate(author_sources(page, ld)):
        names = clean_authors(raw, sites, structured=i < 2)
        if names and not all(is_agency(n, sites) for n in names):
            return names
        fallback = fallback or names
    return fallback


def _ld_people(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if not value.startswith("http") else []
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [n for n in name if isinstance(n, str)]
        if isinstance(name, str):
            return [name]
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            return [f"{given} {family}"]
        return []
    if isinstance(value, list):
        return [n for v in value for n in _ld_people(v)]
    return []


_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "publish-date",
    "publishdate",
    "pubdate",
    "publish_date",
    "date.available",
    "cxenseparse:recs:publishtime",
    "article.published",
    "originalpublicationdate",
    "dc.date",
    "date",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "article:modified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "lastmod",
    "article.updated",
)


def choose_dates(
    page: Page, ld: dict[str, Any], now: datetime, languages: list[str] | None
) -> tuple[str | None, str | None]:
    """datePublished and dateModified, each from the first source that gives one."""

    def parse_all(values: Iterable[Any]) -> list[dates.Stamp]:
        out = []
        for v in values:
            s = dates.parse_any(v, now, languages)
            if s:
                out.append(s)
        return out

    ld_pub = parse_all(_strs_or_scalar(ld.get("datePublished")) + _strs_or_scalar(ld.get("dateCreated")))
    meta_pub = parse_all(v for name in _PUBLISHED_META for v in page.meta.get(name, []))
    time_pub = parse_all(
        page.xpath('//*[@itemprop="datePublished"]/@datetime | //time[@pubdate]/@datetime')
        + page.xpath("//article//time/@datetime | //header//time/@datetime | //time/@datetime")[:3]
    )
    published = dates.choose(ld_pub + meta_pub + time_pub)
    if published is None:
        published = _visible_date(page, now, languages) or _htmldate(page)

    ld_mod = parse_all(_strs_or_scalar(ld.get("dateModified")))
    meta_mod = parse_all(v for name in _MODIFIED_META for v in page.meta.get(name, []))
    time_mod = parse_all(page.xpath('//*[@itemprop="dateModified"]/@datetime'))
    modified = dates.choose(ld_mod + meta_mod + time_mod)

    # The serving time is not a modification; nor is anything before publication.
    if modified is not None and (
        abs((modified.utc() - now.astimezone(UTC)).total_seconds()) < 600
        or (published is not None and modified.utc() < published.utc())
    ):
        modified = None
    return (published.iso() if published else None, modified.iso() if modified else None)


def _strs_or_scalar(value: Any) -> list[Any]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    return _strs(value)


_DATE_CLASS_XPATH = (
    '//*[contains(@class,"date") or contains(@class,"time") or contains(@class,"publish") '
    'or contains(@class,"meta") or contains(@class,"byline")][not(self::script)][not(self::style)]'
)


def _visible_date(page: Page, now: datetime, languages: list[str] | None) -> dates.Stamp | None:
    """A date in the visible byline area, written for people."""
    for el in page.xpath(_DATE_CLASS_XPATH)[:30]:
        text = " ".join(el.text_content().split())
        if 6 <= len(text) <= 80:
            stamp = dates.parse_text(text, now, languages)
            if stamp:
                return stamp
    return None


def _htmldate(page: Page) -> dates.Stamp | None:
    if page.tree is None:
        return None
    try:
        from htmldate import find_date

        found = find_date(page.tree, extensive_search=False, original_date=True, url=page.url)
    except Exception:  # htmldate is a heuristic; its failures are not ours to raise
        return None
    return dates.parse_iso(found) if found else None


def keywords(page: Page, ld: dict[str, Any]) -> list[str]:
    raw: list[str] = []
    kw = ld.get("keywords")
    if isinstance(kw, str):
        raw += kw.split(",")
    else:
        raw += _strs(kw)
    raw += page.meta.get("article:tag", [])
    for name in ("news_keywords", "keywords", "parsely-tags"):
        for v in page.meta.get(name, []):
            raw += v.split(",")
    seen: set[str] = set()
    out = []
    for k in raw:
        k = _text(k) or ""
        if k and len(k) < 80 and k.casefold() not in seen and ":" not in k:
            seen.add(k.casefold())
            out.append(k)
    return out[:30]


def main_image(page: Page, ld: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def add(v: Any) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            add(v.get("url") or v.get("contentUrl") or v.get("@id"))
        elif isinstance(v, list) and v:
            add(v[0])

    add(ld.get("image"))
    add(ld.get("thumbnailUrl"))
    add(page.meta_first("og:image", "og:image:url", "twitter:image", "twitter:image:src"))
    return [
        safe_url_string(urljoin(page.url, u.strip()))
        for u in out
        if u.strip() and not u.strip().startswith("data:")
    ]


_FALSE = {"false", "0", "no"}
_TRUE = {"true", "1", "yes"}


def accessible_for_free(page: Page, ld: dict[str, Any]) -> list[bool]:
    """JSON-LD isAccessibleForFree (on the article or its parts), then paywall meta markers."""
    values = [ld.get("isAccessibleForFree")]
    parts = ld.get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict):
            values.append(part.get("isAccessibleForFree"))
    for v in values:
        if isinstance(v, bool):
            return [v]
        if isinstance(v, str) and v.strip().lower() in _FALSE | _TRUE:
            return [v.strip().lower() in _TRUE]
    tier = (page.meta_first("article:content_tier", "content_tier") or "").lower()
    if tier in ("locked", "metered", "premium", "paid"):
        return [False]
    if tier == "free":
        return [True]
    return []
