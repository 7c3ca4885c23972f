"""``extract_article(html, url)``: one news page in, one Article record out.

Pure: no network, no Scrapy objects, never raises on a bad page. The page is parsed once
(``Page``); each field comes from its own function in ``fields.py``; a site's own CSS
selectors (the registry's ``selectors``), when they match, win over the generic rules.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from parsel import Selector

from newscrawler.extraction import dates, fields
from newscrawler.extraction import learned as learning
from newscrawler.extraction.authors import clean_authors, is_agency, split_names
from newscrawler.extraction.body import extract_body
from newscrawler.extraction.language import detect_language
from newscrawler.extraction.live import live_updates
from newscrawler.extraction.page import Page, is_listing_type
from newscrawler.items import Article, Author
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

    class OverrideLoader(ItemLoader):  # type: ignore[misc]
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
    observe: bool = False,
) -> Article:
    """Extract one article. On any failure, return what was found (possibly an empty record).
    ``learned``, ``observe``: the site's template paths per field (``extraction/learned.py``)."""
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
        observe=observe,
    )


def extract_from_page(
    page: Page,
    *,
    downloaded: datetime | None = None,
    body_selector: str | None = None,
    selectors: Mapping[str, str] | None = None,
    learned: Mapping[str, str] | None = None,
    observe: bool = False,
) -> Article:
    """As extract_article, for a page already loaded (the spider also asks is_article_page).
    With ``observe``, ``metadata["templatePaths"]`` says where this page keeps what the generic
    rules found (for the crawl state to learn the site's template; the spider takes it out)."""
    now = downloaded or datetime.now(UTC)
    chosen = dict(selectors or {})
    if body_selector:
        chosen.setdefault("articleBody", body_selector)
    try:
        return _extract(page, now, chosen, dict(learned or {}), observe)
    except (Exception, RecursionError):  # the contract: a bad page never raises
        logger.exception("extraction failed for %s", page.url)
        return Article(url=page.url or None, metadata={"dateDownloaded": _iso_now(now)})


def extract_page(
    body: bytes,
    url: str,
    selectors: Mapping[str, str] | None = None,
    downloaded: datetime | None = None,
    learned: Mapping[str, str] | None = None,
    observe: bool = False,
) -> Article | None:
    """A fetched page's Article, or None when it is not an article page (a home, section or
    author page). What the spider runs for each page, in a worker process of the extraction
    pool: bytes and a URL in, a picklable record out."""
    page = Page.load(body, url)
    article = extract_from_page(
        page, downloaded=downloaded, selectors=selectors, learned=learned, observe=observe
    )
    if not is_article_page(page, article):
        return None
    markup = article_markup(page)
    if markup:
        article.metadata["articleMarkup"] = markup
    return article


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


def _extract(
    page: Page, now: datetime, selectors: dict[str, str], learned: dict[str, str], observe: bool
) -> Article:
    ld = page.main_article()
    own = site_overrides(page, selectors)
    sites = fields.site_names(page, ld)
    headline = markup_text(own.get("headline") or fields.headline(page, ld, sites))
    names = clean_authors(own["authors"], sites, structured=True) if own.get("authors") else []
    authors = [Author(n) for n in names] or fields.authors(page, ld, sites)

    updates = live_updates(page.tree, ld, headline)
    body = extract_body(
        page.tree,
        page.url,
        headline=headline,
        authors=[a.name for a in authors],
        ld_body=ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else None,
        selector=selectors.get("articleBody"),
        labels=(*fields.sections(page, ld), *sites, *fields.title_texts(page, ld)),
        updates=updates,
    )
    # The language before the dates: dateparser with the page's language is ten times faster
    # than trying every locale, and a body says its language when the page does not.
    lang = fields.declared_language(page, ld) or (detect_language(body) if body else None)
    languages = [lang] if lang else None

    own_date = dates.parse_any(own.get("datePublished"), now, languages)
    published = own_date or fields.date_published(page, ld, now, languages)

    # Only a person's byline names a byline element: an agency or the site's name is printed all over.
    people = [a for a in authors if not is_agency(a.name, sites)]
    paths = _observe(page, people, body, published, now, languages) if observe else None
    used: list[str] = []  # fields taken from the site's learned template
    if page.tree is not None:
        if learned.get("articleBody") and "articleBody" not in selectors:
            path = learned["articleBody"]
            if learning.use_learned_body(body, learning.path_text(page.tree, path)):
                alt = extract_body(
                    page.tree,
                    page.url,
                    headline=headline,
                    authors=[a.name for a in authors],
                    selector=path,
                    labels=(*fields.sections(page, ld), *sites, *fields.title_texts(page, ld)),
                )
                if learning.use_learned_body(body, alt):
                    body = alt
                    used.append("articleBody")
        if not authors and learned.get("authors") and "authors" not in selectors:
            byline = learning.element_text(page.tree, learned["authors"], learning.BYLINE_CHARS)
            authors = [Author(n) for n in clean_authors(split_names(byline), sites)] if byline else []
            if authors:
                used.append("authors")
        if published is None and learned.get("datePublished"):
            shown = learning.element_text(page.tree, learned["datePublished"], learning.DATE_CHARS)
            published = (
                dates.parse_any(shown, now) if shown else None
            )  # any language: rare, and a site may print dates in another
            if published is not None:
                used.append("datePublished")
    modified = fields.date_modified(page, ld, now, published)
    extra: dict[str, Any] = {"liveUpdates": updates} if updates else {}
    if used:
        extra["learned"] = used
    if paths is not None:
        extra["templatePaths"] = paths

    return Article(
        url=page.url.strip() or None,
        canonicalUrl=fields.canonical_url(page),
        headline=headline,
        description=fields.description(page, ld),
        articleBody=body or None,
        authors=authors,
        datePublished=published.iso() if published else None,
        dateModified=modified.iso() if modified else None,
        inLanguage=lang,
        articleSection=fields.article_section(page, ld),
        keywords=fields.keywords(page, ld),
        mainImage=fields.main_image(page, ld),
        isAccessibleForFree=fields.accessible_for_free(page, ld),
        publisher=fields.publisher(page, ld),
        wordCount=word_count(body),
        metadata={"dateDownloaded": _iso_now(now), **extra},
    )


def _observe(
    page: Page,
    authors: list[Author],
    body: str,
    published: dates.Stamp | None,
    now: datetime,
    languages: list[str] | None,
) -> dict[str, str | None]:
    """Where the page keeps what the generic rules found (before any learned fallback)."""
    return learning.observe(
        page.tree,
        body,
        [a.name for a in authors],
        published.iso() if published else None,
        lambda v: dates.parse_any(v, now, languages),
    )
