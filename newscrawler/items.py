"""The Article record: the output schema, one JSON line per article.

Field names follow schema.org NewsArticle, as zyte-common-items' ``Article`` does. Each field
documents itself below; docs/fields.md is the long form (where each value comes from, when it
is left empty), and a test holds the two to the same fields. Empty fields are left out when
serialised.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from newscrawler.context import Ticket


@dataclass
class Author:
    """A person who wrote the article (an agency only when no person is named)."""

    name: str
    """The name as a reader would write it: no "By", no role, no e-mail or handle."""


@dataclass
class Image:
    """An image of the article."""

    url: str
    """Absolute http(s) URL of the image."""


@dataclass
class WarcRecordRef:
    """Where an article read from an archive comes from: one record of one WARC file."""

    file: str
    """The WARC file's name (its last path segment), as Common Crawl and Heritrix name files."""

    offset: int | None
    """The record's offset in the file, in compressed bytes (the offset the CC index gives)."""

    recordId: str | None
    """The record's WARC-Record-ID (``<urn:uuid:…>``)."""

    date: str | None
    """The record's WARC-Date: when the archiver fetched the page (UTC, ISO 8601)."""


@dataclass
class ArticleMetadata:
    """Crawl facts about the record; docs/fields.md (``metadata``) says when each is set."""

    dateDownloaded: str | None = None
    """When the page was fetched: UTC, ISO 8601."""

    site: str | None = None
    """The registry name of the site, or host:port for a site given with url=."""

    source: str | None = None
    """How the article was found: sitemap, feed or links."""

    listed: str | None = None
    """The newest date a listing gave for it, UTC to the whole second."""

    redirectedFrom: list[str] = field(default_factory=list)
    """The URLs the page was requested under before it answered, the listed one first."""

    articleMarkup: str | None = None
    """How the page declares itself an article: jsonld or og."""

    revision: int | None = None
    """1 when first written, incremented each time a changed text is written again."""

    duplicateOf: str | None = None
    """With NEWSCRAWLER_NEAR_DUPLICATES=keep, the URL of the article this one nearly repeats."""

    learned: list[str] = field(default_factory=list)
    """The fields taken from the site's learned template (docs/learning.md)."""

    liveUpdates: list[dict[str, str]] = field(default_factory=list)
    """A live blog's updates, newest first: each {datePublished, headline, articleBody}."""

    rendered: bool | None = None
    """True when the text is the page as a browser rendered it (an app shell served no article)."""

    warc: WarcRecordRef | None = None
    """Read from an archive (`scrapy crawl archive`): the WARC file and record it came from."""

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not is_empty(value):
                out[f.name] = asdict(value) if isinstance(value, WarcRecordRef) else value
        return out


@dataclass
class Article:
    url: str | None = None
    """The URL the page was fetched from, after redirects."""

    canonicalUrl: str | None = None
    """The page's own idea of its address (``rel=canonical``, then ``og:url``), absolute."""

    headline: str | None = None
    """The article's visible headline, without the site's name or a section kicker."""

    description: str | None = None
    """The standfirst or summary the page gives for the article."""

    articleBody: str | None = None
    """The article's own text: paragraphs and subheadings separated by blank lines, no chrome."""

    authors: list[Author] = field(default_factory=list)
    """People who wrote it, in page order; agencies only when no person is named."""

    datePublished: str | None = None
    """First publication, ISO 8601 with the page's offset (a bare day when only the day is given)."""

    dateModified: str | None = None
    """Last substantive update, as datePublished; never before it, never the serving time."""

    inLanguage: str | None = None
    """ISO 639-1 code of the text's language, declared or identified."""

    articleSection: str | None = None
    """The section the site files the article under."""

    keywords: list[str] = field(default_factory=list)
    """The page's tags, deduplicated, at most 30."""

    mainImage: Image | None = None
    """The article's lead image."""

    isAccessibleForFree: bool | None = None
    """False behind a paywall or meter, True when the page says it is free; else unknown."""

    publisher: str | None = None
    """The site's name as the page states it; never guessed from the host name."""

    wordCount: int | None = None
    """Words in articleBody as written (each Chinese or Japanese character counts as one)."""

    metadata: ArticleMetadata = field(default_factory=ArticleMetadata)
    """Crawl facts: dateDownloaded, site, source, listed, redirectedFrom, articleMarkup, revision,
    duplicateOf, learned; on a live blog, liveUpdates; from an archive, warc (ArticleMetadata;
    docs/fields.md)."""

    ticket: Ticket | None = field(default=None, repr=False, compare=False, metadata={"record": False})
    """Not part of the record: the article's crawl ticket, by which the pipelines, the output
    ledger and the distributed scheduler know it (a template sample is dropped by the clean
    pipeline). None for a record made outside a crawl."""

    def to_dict(self) -> dict[str, Any]:
        """Fields in schema order as plain JSON values, empty ones left out (False and 0 are values)."""
        out = {}
        for f in RECORD_FIELDS:
            value = _plain(getattr(self, f.name))
            if not is_empty(value):
                out[f.name] = value
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, (Author, Image)):
        return asdict(value)
    if isinstance(value, ArticleMetadata):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, dict, tuple)) and not value)


RECORD_FIELDS = tuple(f for f in fields(Article) if f.metadata.get("record", True))
FIELD_NAMES = tuple(f.name for f in RECORD_FIELDS)


def item_key(item: Any) -> str:
    """How the pipelines and the output ledger know one item: an article by its ticket."""
    if isinstance(item, Article) and item.ticket is not None:
        return item.ticket.id
    return f"object:{id(item)}"  # an item made outside a crawl lives as long as it is tracked
