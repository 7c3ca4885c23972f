"""``extract_article(html, url)``: one news page in, one Article record out.

Pure: no network, no Scrapy objects, never raises on a bad page. The page is parsed once
(``Page``); each field comes from its own function (``RULES``, most of them in ``fields.py``),
through one wrapper (``_field``): a site's own CSS selectors (the registry's ``selectors``),
when they match, win over the generic rules, and the site's learned template is the fallback
where they find nothing (``learned.py``). The record's dates are final: a naive local time gets
the site's time zone (``zone``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from parsel import Selector

from newscrawler.extraction import dates, fields
from newscrawler.extraction import learned as site_template
from newscrawler.extraction.authors import clean_authors, is_agency, split_names
from newscrawler.extraction.body import extract_body
from newscrawler.extraction.language import detect_language
from newscrawler.extraction.live import live_updates
from newscrawler.extraction.page import Page, is_listing_type
from newscrawler.extraction.result import PageResult, TemplatePaths
from newscrawler.extraction.shell import client_rendered
from newscrawler.items import Article, ArticleMetadata, Author
from newscrawler.text import markup_text, word_count

logger = logging.getLogger(__name__)

# Fields a site's registry entry may give a CSS selector for.
OVERRIDABLE = ("headline", "authors", "datePublished", "articleBody")


@functools.cache
def override_loader() -> type:
    """The ItemLoader for a site's own CSS selectors: values cleaned the same way for every field,
    tags removed and entities resolved (w3lib), spaces folded, empty matches dropped. Made on first
    use: itemloaders imports Scrapy, which extraction processes otherwise never need."""
    from itemloaders import ItemLoader
    from itemloaders.processors import Identity, MapCompose, TakeFirst

    class OverrideLoader(ItemLoader):
        default_item_class = dict
        default_input_processor = MapCompose(markup_text)
        default_output_processor = TakeFirst()
        authors_out = Identity()

    return OverrideLoader


def site_overrides(page: Page, selectors: Mapping[str, str]) -> dict[str, Any]:
    """Headline, authors and date as the site's selectors find them on this page (the body
    selector is applied by ``extract_body``, paragraph by paragraph); no match gives nothing."""
    if page.tree is None or not selectors:
        return {}
    loader = override_loader()(selector=Selector(root=page.tree))
    for name, css in selectors.items():
        if name not in OVERRIDABLE or name == "articleBody":
            continue
        try:
            loader.add_css(name, css)
        except Exception:  # a bad selector in a user's registry must not break extraction
            logger.warning("site selector for %s is not valid CSS: %r", name, css)
    return {k: v for k, v in loader.load_item().items() if v}


def extract_article(
    html: str | bytes,
    url: str,
    *,
    downloaded: datetime | None = None,
    body_selector: str | None = None,
    selectors: Mapping[str, str] | None = None,
    learned: Mapping[str, str] | None = None,
    zone: str | None = None,
) -> Article:
    """Extract one article. On any failure, return what was found (possibly an empty record).
    ``learned``: the site's template paths per field (``extraction/learned.py``);
    ``zone``: the site's time zone (the registry's ``timezone``), given to a naive local time."""
    try:
        page = Page.load(html, url)
    except Exception:  # the contract: a bad page never raises
        logger.exception("could not parse %s", url)
        page = Page(url=url, tree=None)
    return extract_from_page(
        page,
        downloaded=downloaded,
        body_selector=body_selector,
        selectors=selectors,
        learned=learned,
        zone=zone,
    )


def extract_from_page(
    page: Page,
    *,
    downloaded: datetime | None = None,
    body_selector: str | None = None,
    selectors: Mapping[str, str] | None = None,
    learned: Mapping[str, str] | None = None,
    zone: str | None = None,
) -> Article:
    """As extract_article, for a page already loaded (the spider also asks is_article_page)."""
    chosen = dict(selectors or {})
    if body_selector:
        chosen.setdefault("articleBody", body_selector)
    return _extract_safely(page, downloaded, chosen, learned, False, zone)[0]


def observe_article(
    html: str | bytes, url: str, *, learned: Mapping[str, str] | None = None
) -> tuple[Article, TemplatePaths]:
    """extract_article's Article, and where the page keeps each field the generic rules found
    (what a crawl tells the state to learn the site's template; docs/learning.md)."""
    page = Page.load(html, url)
    article, paths = _extract_safely(page, None, {}, learned, True, None)
    return article, paths or {}


def _extract_safely(
    page: Page,
    downloaded: datetime | None,
    selectors: dict[str, str],
    learned: Mapping[str, str] | None,
    observe: bool,
    zone: str | None,
) -> tuple[Article, TemplatePaths | None]:
    now = downloaded or datetime.now(UTC)
    try:
        return _extract(page, now, selectors, dict(learned or {}), observe, zone)
    except (Exception, RecursionError):  # the contract: a bad page never raises
        logger.exception("extraction failed for %s", page.url)
        return Article(url=page.url or None, metadata=ArticleMetadata(dateDownloaded=_iso_now(now))), None


def extract_fetched(
    body: bytes,
    url: str,
    selectors: Mapping[str, str] | None = None,
    downloaded: datetime | None = None,
    learned: Mapping[str, str] | None = None,
    observe: bool = False,
    zone: str | None = None,
) -> PageResult:
    """What the spider runs for each page, in a worker process of the extraction pool: bytes and
    a URL in, a picklable result out: the Article, its dates final (``zone``: the site's), or None
    for a page that is not one; with ``observe``, where the page keeps each field (for the crawl
    state to learn the site's template)."""
    page = Page.load(body, url)
    article, paths = _extract_safely(page, downloaded, dict(selectors or {}), learned, observe, zone)
    if not is_article_page(page, article):
        return PageResult(None, paths, client_rendered=client_rendered(page))
    article.metadata.articleMarkup = article_markup(page)
    return PageResult(article, paths)


def extract_page(
    body: bytes,
    url: str,
    selectors: Mapping[str, str] | None = None,
    downloaded: datetime | None = None,
    learned: Mapping[str, str] | None = None,
    zone: str | None = None,
) -> Article | None:
    """A fetched page's Article, or None when it is not an article page (extract_fetched's)."""
    return extract_fetched(body, url, selectors, downloaded, learned, zone=zone).article


# og:type values that say the page is an article.
ARTICLE_OG_TYPES = frozenset({"article", "news", "newsarticle"})
# og:type values that say nothing about the page: "website" is the default many CMSs print on
# every page, articles included, and "video.other" marks an article with an embedded video.
GENERIC_OG_TYPES = frozenset({"website", "video.other"})
# Running text an undeclared page needs to count as an article.
MIN_ARTICLE_WORDS = 80


def is_article_page(page: Page, article: Article) -> bool:
    """An article page, not a home, section, tag or author page. In order:

    1. ``og:type`` article, or a JSON-LD article object (NewsArticle, Article...) on a page
       whose JSON-LD does not also declare a listing (CollectionPage, ItemList...: a section
       page's teasers): an article if it has a headline. JSON-LD is the more specific
       statement, so it outweighs a generic ``og:type`` ("website", "video.other");
    2. any other declared ``og:type`` ("profile", "product", "book"...): not an article;
    3. no type, or a generic ``og:type``: the page's own content decides, a headline, a date
       and at least 80 words of running text (a listing of teasers has no date of its own).
    """
    if article_markup(page):
        return bool(article.headline)
    og_type = (page.meta_first("og:type") or "").strip().lower()
    if og_type and og_type not in GENERIC_OG_TYPES:
        return False
    return bool(article.headline and article.datePublished and (article.wordCount or 0) >= MIN_ARTICLE_WORDS)


def article_markup(page: Page) -> str | None:
    """How the page declares itself an article: "jsonld" (a JSON-LD article object on a page that
    declares no listing), "og" (og:type article), or None."""
    if page.articles() and not any(is_listing_type(o) for o in page.jsonld):
        return "jsonld"
    if (page.meta_first("og:type") or "").strip().lower() in ARTICLE_OG_TYPES:
        return "og"
    return None


def _iso_now(now: datetime) -> str:
    return now.astimezone(UTC).replace(microsecond=0).isoformat()


# --- the fields, one function each ---


@dataclass
class _Found:
    """One page's extraction so far: what each field's functions read (the page, its main JSON-LD
    article ``ld``, what the site's own selectors found, the fields before it) and what they found,
    before (``found``) and after (``final``) the fallback to the site's learned template."""

    page: Page
    ld: dict[str, Any]
    now: datetime
    selectors: dict[str, str]
    learned: dict[str, str]
    own: dict[str, Any]
    sites: list[str]
    found: dict[str, Any] = field(default_factory=dict)
    final: dict[str, Any] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)  # fields taken from the site's learned template

    def labels(self) -> tuple[str, ...]:
        """The page's section and site names and its titles: printed above the text, not text."""
        return (*fields.sections(self.page, self.ld), *self.sites, *fields.title_texts(self.page, self.ld))

    def languages(self) -> list[str] | None:
        lang = self.found["inLanguage"]
        return [lang] if lang else None


@dataclass(frozen=True)
class _Rule:
    """How one field is found. ``generic`` reads the page; ``own`` makes the field of what the
    site's selector found there (when it found anything); ``learned``, given the value found so
    far, reads the element the site's learned template keeps the field in, or gives None to keep
    that value."""

    generic: Callable[[_Found], Any]
    own: Callable[[_Found, Any], Any] | None = None
    learned: Callable[[_Found, str, Any], Any] | None = None


def _field(f: _Found, name: str, rule: _Rule) -> None:
    """One field: the site's selector's value when it found one, else the generic rule's; then
    the fallback to the path the site's template keeps the field in."""
    raw = f.own.get(name)
    value = rule.own(f, raw) if raw and rule.own is not None else rule.generic(f)
    f.found[name] = value
    path = f.learned.get(name)
    if rule.learned is not None and path and f.page.tree is not None:
        better = rule.learned(f, path, value)
        if better is not None:
            value = better
            f.used.append(name)
    f.final[name] = value


def _headline(f: _Found) -> str | None:
    return markup_text(fields.headline(f.page, f.ld, f.sites))


def _own_headline(f: _Found, raw: str) -> str | None:
    return markup_text(raw)


def _authors(f: _Found) -> list[Author]:
    return fields.authors(f.page, f.ld, f.sites)


def _own_authors(f: _Found, raw: list[str]) -> list[Author]:
    """The people the site's byline selector names; the page's other sources when it names none."""
    return [Author(n) for n in clean_authors(raw, f.sites, structured=True)] or _authors(f)


def _learned_authors(f: _Found, path: str, authors: list[Author]) -> list[Author] | None:
    """The names in the template's byline element, for a page the rules found no author on (a
    site's own byline selector wins)."""
    if authors or "authors" in f.selectors:
        return None
    byline = site_template.element_text(f.page.tree, path, site_template.BYLINE_CHARS)
    found = [Author(n) for n in clean_authors(split_names(byline), f.sites)] if byline else []
    return found or None


def _live_updates(f: _Found) -> list[dict[str, str]]:
    return live_updates(f.page.tree, f.ld, f.found["headline"])


def _body(f: _Found) -> str:
    """The body (``extract_body``); the site's body selector is applied there, paragraph by paragraph."""
    ld_body = f.ld.get("articleBody")
    return extract_body(
        f.page.tree,
        f.page.url,
        headline=f.found["headline"],
        authors=[a.name for a in f.found["authors"]],
        ld_body=ld_body if isinstance(ld_body, str) else None,
        selector=f.selectors.get("articleBody"),
        labels=f.labels(),
        updates=f.found["liveUpdates"],
    )


def _learned_body(f: _Found, path: str, body: str) -> str | None:
    """The body under the template's element, when the rules found less than half of what it
    holds (a site's own body selector wins)."""
    if "articleBody" in f.selectors or not site_template.use_learned_body(
        body, site_template.path_text(f.page.tree, path)
    ):
        return None
    alt = extract_body(
        f.page.tree,
        f.page.url,
        headline=f.found["headline"],
        authors=[a.name for a in f.found["authors"]],
        selector=path,
        labels=f.labels(),
    )
    return alt if site_template.use_learned_body(body, alt) else None


def _language(f: _Found) -> str | None:
    # Before the dates: dateparser with the page's language is ten times faster than trying
    # every locale, and a body says its language when the page does not.
    body = f.found["articleBody"]
    return fields.declared_language(f.page, f.ld) or (detect_language(body) if body else None)


def _published(f: _Found) -> dates.Stamp | None:
    return fields.date_published(f.page, f.ld, f.now, f.languages())


def _own_published(f: _Found, raw: str) -> dates.Stamp | None:
    """The date the site's selector finds; the page's other sources when it does not parse."""
    return dates.parse_any(raw, f.now, f.languages()) or _published(f)


def _learned_published(f: _Found, path: str, published: dates.Stamp | None) -> dates.Stamp | None:
    """The date in the template's date element, for a page the rules found none on (tried even
    when the site's own date selector found nothing: that selector is not asked first here)."""
    if published is not None:
        return None
    shown = site_template.element_text(f.page.tree, path, site_template.DATE_CHARS)
    # Any language: rare, and a site may print dates in another.
    return dates.parse_any(shown, f.now) if shown else None


def _modified(f: _Found) -> dates.Stamp | None:
    return fields.date_modified(f.page, f.ld, f.now, f.final["datePublished"])


def _from_page(rule: Callable[[Page, dict[str, Any]], Any]) -> Callable[[_Found], Any]:
    return lambda f: rule(f.page, f.ld)


# Every field in the order they are found: each may read those before it (the body the headline,
# the authors and the live updates; the language the body; the dates the language).
RULES: tuple[tuple[str, _Rule], ...] = (
    ("headline", _Rule(_headline, own=_own_headline)),
    ("authors", _Rule(_authors, own=_own_authors, learned=_learned_authors)),
    ("liveUpdates", _Rule(_live_updates)),
    ("articleBody", _Rule(_body, learned=_learned_body)),
    ("inLanguage", _Rule(_language)),
    ("datePublished", _Rule(_published, own=_own_published, learned=_learned_published)),
    ("dateModified", _Rule(_modified)),
    ("canonicalUrl", _Rule(lambda f: fields.canonical_url(f.page))),
    ("description", _Rule(_from_page(fields.description))),
    ("articleSection", _Rule(_from_page(fields.article_section))),
    ("keywords", _Rule(_from_page(fields.keywords))),
    ("mainImage", _Rule(_from_page(fields.main_image))),
    ("isAccessibleForFree", _Rule(_from_page(fields.accessible_for_free))),
    ("publisher", _Rule(_from_page(fields.publisher))),
)


def _extract(
    page: Page,
    now: datetime,
    selectors: dict[str, str],
    learned: dict[str, str],
    observe: bool,
    zone: str | None,
) -> tuple[Article, TemplatePaths | None]:
    ld = page.main_article()
    sites = fields.site_names(page, ld)
    f = _Found(page, ld, now, selectors, learned, site_overrides(page, selectors), sites)
    for name, rule in RULES:
        _field(f, name, rule)
    v = f.final
    metadata = ArticleMetadata(
        dateDownloaded=_iso_now(now),
        learned=[name for name in site_template.FIELDS if name in f.used],
        liveUpdates=v["liveUpdates"] or [],
    )
    article = Article(
        url=page.url.strip() or None,
        canonicalUrl=v["canonicalUrl"],
        headline=v["headline"],
        description=v["description"],
        articleBody=v["articleBody"] or None,
        authors=v["authors"],
        datePublished=_iso(v["datePublished"], zone),
        dateModified=_iso(v["dateModified"], zone),
        inLanguage=v["inLanguage"],
        articleSection=v["articleSection"],
        keywords=v["keywords"],
        mainImage=v["mainImage"],
        isAccessibleForFree=v["isAccessibleForFree"],
        publisher=v["publisher"],
        wordCount=word_count(v["articleBody"]),
        metadata=metadata,
    )
    return article, (_observe(f) if observe else None)


def _iso(stamp: dates.Stamp | None, zone: str | None) -> str | None:
    """A date as the record gives it: ISO 8601, a naive time given the site's time zone."""
    if stamp is None:
        return None
    return dates.with_zone(stamp.iso(), zone) if zone else stamp.iso()


def _observe(f: _Found) -> dict[str, str | None]:
    """Where the page keeps what the generic rules found (before any learned fallback); only a
    person's byline names a byline element: an agency or the site's name is printed all over."""
    published = f.found["datePublished"]
    languages = f.languages()
    return site_template.observe(
        f.page.tree,
        f.found["articleBody"],
        [a.name for a in f.found["authors"] if not is_agency(a.name, f.sites)],
        published.iso() if published else None,
        lambda v: dates.parse_any(v, f.now, languages),
    )
