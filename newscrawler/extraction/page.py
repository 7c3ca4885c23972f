"""Decode and parse one page once; every extractor reads the same tree."""

from __future__ import annotations

import codecs
import functools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from w3lib.encoding import html_body_declared_encoding, resolve_encoding

from newscrawler.text import CONTROL
from newscrawler.urls import url_key

# Past this, a page is not an article page but a dump; the tail is never article text.
MAX_HTML_CHARS = 2_000_000
# A script or style block larger than this is data, not page structure (a JSON-LD block of
# megabytes, an inlined bundle); dropped before the cut above, so it cannot push the text out.
MAX_BLOCK_CHARS = 1_000_000
# Text between tags that holds non-ASCII bytes: what tells one 8-bit charset from another.
_NON_ASCII_TEXT = re.compile(rb"[^<>]{0,200}[\x80-\xff][^<>]{0,200}")
_DETECT_SAMPLE = 200_000
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])

# schema.org types that describe one article (and its common subtypes).
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNews",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "SatiricalArticle",
        "AdvertiserContentArticle",
        "Review",
        "VideoObject",  # only used when nothing else describes the page
    }
)


def decode(html: str | bytes) -> str:
    """Bytes to text: BOM, then valid UTF-8, then the declared charset, then detection.

    Valid UTF-8 wins over a declared charset because a wrong declaration ("iso-8859-1" on
    a UTF-8 page) is common and the reverse mistake essentially never yields valid UTF-8.
    """
    if isinstance(html, str):
        return CONTROL.sub("", html)
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if html.startswith(bom):
            return CONTROL.sub("", html.decode(enc, errors="replace"))
    try:
        text = html.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # The same as CONTROL.sub on the text, at a tenth of its cost: in UTF-8 these characters
        # are single bytes that no other character's bytes contain.
        kept = html.translate(None, _CONTROL_BYTES)
        return text if len(kept) == len(html) else kept.decode("utf-8")
    # Not UTF-8, so a UTF-8 declaration is wrong; any other declaration is worth a strict try.
    declared = html_body_declared_encoding(html)
    candidates: list[str | None] = [declared if declared != "utf-8" else None, _detect(html), "cp1252"]
    candidates = [c for c in candidates if c not in ("utf-8", "ascii")]
    for candidate in candidates:
        if candidate:
            try:
                return CONTROL.sub("", html.decode(candidate))
            except (UnicodeDecodeError, LookupError):
                continue
    return CONTROL.sub("", html.decode("cp1252", errors="replace"))


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset_normalizer comes with requests
        return None
    # Detect on the text that has non-ASCII bytes, wherever it is: the first 200 kB of a page
    # are often all-ASCII markup and scripts, which any charset "explains".
    sample = bytearray()
    for m in _NON_ASCII_TEXT.finditer(data):
        sample += m.group() + b"\n"
        if len(sample) > _DETECT_SAMPLE:
            break
    matches = list(from_bytes(bytes(sample) or data[:_DETECT_SAMPLE]))
    if not matches:
        return None
    best = matches[0]
    # Between equally clean readings, windows-1252 (the web's usual 8-bit charset) wins:
    # the detector's coin toss between it and windows-1250 turns French "è" into "č".
    if any(m.encoding == "cp1252" and m.chaos <= best.chaos for m in matches):
        return "cp1252"
    return resolve_encoding(best.encoding)


def _drop_huge_blocks(text: str) -> str:
    """Empty every <script>/<style> whose contents exceed MAX_BLOCK_CHARS (one linear pass:
    a regex would rescan to the end for every unclosed tag)."""
    lower = text.lower()
    out: list[str] = []
    pos = i = 0
    while True:
        starts = [j for j in (lower.find("<script", i), lower.find("<style", i)) if j >= 0]
        if not starts:
            break
        start = min(starts)
        tag = "script" if lower.startswith("<script", start) else "style"
        open_end = lower.find(">", start)
        if open_end < 0:
            break
        close = lower.find(f"</{tag}", open_end)
        if close < 0:
            close = len(text)
        if close - open_end - 1 > MAX_BLOCK_CHARS:
            out.append(text[pos : open_end + 1])
            pos = close
        i = close
    out.append(text[pos:])
    return "".join(out)


_parsers = threading.local()  # an lxml parser must not be used by two threads at once


def _parser() -> lxml.html.HTMLParser:
    """lxml.html's parser, every element an HtmlElement chosen in C: lxml.html's own lookup calls
    Python for each element the extractors touch (about a twentieth of extraction time), only to
    give forms and inputs their own classes, which nothing here uses."""
    parser: lxml.html.HTMLParser | None = getattr(_parsers, "parser", None)
    if parser is not None:
        return parser
    parser = _parsers.parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def parse(text: str) -> lxml.html.HtmlElement | None:
    if len(text) > MAX_HTML_CHARS:
        text = _drop_huge_blocks(text)[:MAX_HTML_CHARS]
    if not text.strip():
        return None
    # XML declarations with an encoding are refused by lxml for str input.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        root = lxml.html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None
    return root if root is not None and len(root) else None


@dataclass
class Page:
    """One parsed page: its tree, its JSON-LD objects and its meta tags."""

    url: str
    tree: lxml.html.HtmlElement | None
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, html: str | bytes, url: str) -> Page:
        tree = parse(decode(html))
        page = cls(url=url, tree=tree)
        if tree is not None:
            page.jsonld = list(_jsonld_objects(tree))
            page.meta = _meta_tags(tree)
        return page

    def meta_first(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name.lower(), ()):
                if value.strip():
                    return value.strip()
        return None

    def xpath(self, query: str) -> list[Any]:
        if self.tree is None:
            return []
        try:
            return list(_compiled(query)(self.tree))
        except (etree.XPathError, ValueError):
            return []

    def main_article(self) -> dict[str, Any]:
        """The JSON-LD article object that describes this page (not a related one); {} if none."""
        articles = self.articles()
        if not articles:
            return {}
        try:
            here = url_key(self.url)
        except ValueError:
            return articles[0]
        for obj in articles:
            for key in ("url", "mainEntityOfPage", "@id"):
                v = obj.get(key)
                v = v.get("@id") if isinstance(v, dict) else v
                if isinstance(v, str) and v.startswith(("http://", "https://", "//")):
                    try:
                        if url_key(urljoin(self.url, v)) == here:
                            return obj
                    except ValueError:
                        continue
        return articles[0]

    def articles(self) -> list[dict[str, Any]]:
        """JSON-LD article objects, the most article-like first."""
        found = [o for o in self.jsonld if is_article_type(o)]
        # A real article type beats VideoObject; a node with a body or headline beats a stub.
        found.sort(
            key=lambda o: ("VideoObject" in _types(o), not o.get("articleBody"), not o.get("headline"))
        )
        return found


@functools.lru_cache(maxsize=512)
def _compiled(query: str) -> etree.XPath:
    """A query compiled once per process, not once per page (the extractors ask the same ones)."""
    return etree.XPath(query)


def is_article_type(obj: dict[str, Any]) -> bool:
    # Publishers invent subtypes ("ReportageNewsArticle", "LiveBlogPosting"); the suffix tells.
    return any(t in ARTICLE_TYPES or t.endswith(("Article", "Posting")) for t in _types(obj))


# JSON-LD types that say the page lists things (a section, tag, author or search page).
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"})


def is_listing_type(obj: dict[str, Any]) -> bool:
    return bool(_types(obj) & LISTING_TYPES)


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def _jsonld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except RecursionError:  # nested past Python's limit: hostile or broken, never an article
            continue
        except ValueError:
            # Common breakage: raw newlines or tabs inside strings, trailing semicolons.
            try:
                data = json.loads(re.sub(r"[\r\n\t]+", " ", raw).rstrip(";"), strict=False)
            except (ValueError, RecursionError):
                continue
        yield from _walk(data, 0)


def _walk(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if key in data:
                yield from _walk(data[key], depth + 1)


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), []).append(content)
    return meta
