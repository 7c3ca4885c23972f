"""Paragraphs read straight from the page's markup, for the body when trafilatura's are not
the article, or not all of it: a site's own selector, an article split over several containers,
a gallery told in its captions, HTML embedded in the page's scripts, and the standfirst.
"""

from __future__ import annotations

import json
from copy import deepcopy

import lxml.html
from lxml import etree

from newscrawler.extraction import patterns as px
from newscrawler.text import fold, squash

# A gallery: at least this many captions that are sentences of running text.
MIN_GALLERY_CAPTIONS = 3
MIN_CAPTION_CHARS = 60
# The lead is a child of the body's container, at most this many levels above its first paragraph.
MAX_LEAD_LEVELS = 3


def from_selector(tree: lxml.html.HtmlElement, selector: str) -> list[str]:
    """Paragraph texts under a site's own body selector (from the site registry)."""
    try:
        nodes = tree.cssselect(selector)
    except Exception:  # a bad selector in the registry must not break extraction
        return []
    out: list[str] = []
    for node in nodes:
        node = deepcopy(node)
        for junk in node.xpath(".//script|.//style|.//noscript|.//figure|.//aside|.//form|.//button"):
            junk.drop_tree()
        blocks = node.xpath(px.BLOCKS)
        texts = [squash(b.text_content()) for b in blocks] if blocks else [node.text_content()]
        out.extend(t for t in texts if t)
    return out


def split_containers(tree: lxml.html.HtmlElement) -> list[str]:
    """Paragraphs of an article split over several same-class containers (ads between parts).

    The container with the most paragraph text names a class; when several disjoint elements
    share that tag and class, their paragraphs in document order are the article.
    """
    weight: dict[lxml.html.HtmlElement, int] = {}
    for p in tree.iter("p"):
        parent = p.getparent()
        if parent is not None:
            weight[parent] = weight.get(parent, 0) + len(p.text_content())
    if not weight:
        return []
    best = max(weight, key=lambda el: weight[el])
    cls = best.get("class")
    # Generic layout classes ("row", "content") repeat all over a page; article ones don't.
    if not cls or not px.ARTICLE_CLASS.search(cls):
        return []
    same = [el for el in tree.iter(best.tag) if el.get("class") == cls]
    same = [el for el in same if not any(a in same for a in el.iterancestors())]
    if not 2 <= len(same) <= 6 or not all(el.find(".//p") is not None for el in same):
        return []
    out: list[str] = []
    for el in same:
        for block in el.xpath(px.BLOCKS):
            if block.xpath("ancestor::li|ancestor::blockquote|ancestor::figure|ancestor::aside"):
                continue  # nested blocks are read with their parent; figures and asides are chrome
            text = squash(block.text_content())
            if text:
                out.append(text)
    return out


def gallery_captions(tree: lxml.html.HtmlElement) -> list[str]:
    """The text of a gallery (or a video page) told in its captions: the paragraphs of the
    <figcaption>s of the article's <figure>s, without slide counters and photo credits.

    Generic extraction takes figures for chrome; on a page whose text is in its captions that
    drops the article. Only captions that are running text count (a sentence of 60 characters or
    more), and only when there are at least three of them.
    """
    scope = tree.xpath("//article[.//figcaption] | //main[.//figcaption]")
    roots = scope[:1] or [tree]
    out: list[str] = []
    captions = 0
    for cap in roots[0].iter("figcaption"):
        if cap.xpath("ancestor::aside|ancestor::nav|ancestor::footer"):
            continue
        cap = deepcopy(cap)
        for junk in cap.xpath(".//*[@class]"):
            if px.CAPTION_JUNK.search(junk.get("class", "")) and junk.getparent() is not None:
                junk.drop_tree()
        blocks = cap.xpath(".//p") or [cap]
        texts = [squash(b.text_content()) for b in blocks]
        texts = [t for t in texts if t and not px.SLIDE_COUNTER.match(t) and not px.PHOTO_CREDIT.match(t)]
        if any(len(t) >= MIN_CAPTION_CHARS and px.SENTENCE_END.search(t) for t in texts):
            captions += 1
            out.extend(texts)
    return out if captions >= MIN_GALLERY_CAPTIONS else []


def embedded_html(tree: lxml.html.HtmlElement) -> list[str]:
    """Paragraphs of the longest HTML string (two or more ``<p>``) in the page's inline scripts.

    Only asked when the visible page gives no article: its text is rendered by script.
    Figures, captions and asides in it are left out, as on a rendered page.
    """
    best = ""
    for script in tree.iter("script"):
        code = script.text or ""
        if "<p" not in code and "\\u003cp" not in code.lower():
            continue
        for match in px.EMBEDDED_HTML.finditer(code):
            try:
                value = json.loads(f'"{match.group(2)}"')
            except ValueError:
                continue
            if len(value) > len(best) and len(px.HTML_PARAGRAPH.findall(value)) >= 2:
                best = value
    if not best:
        return []
    try:
        root = lxml.html.fragment_fromstring(best, create_parent="div")
    except (etree.LxmlError, ValueError):
        return []
    out: list[str] = []
    for block in root.xpath(px.BLOCKS):
        if block.xpath(px.EMBEDDED_SKIP):
            continue
        text = squash(block.text_content())
        if text:
            out.append(text)
    return out


def _block_with_text(tree: lxml.html.HtmlElement, key: str, paths: str) -> lxml.html.HtmlElement | None:
    """The first element of ``paths`` whose folded text is ``key``."""
    for el in tree.xpath(paths):
        if fold(el.text_content()) == key:
            return el
    return None


def lead_paragraph(tree: lxml.html.HtmlElement, lines: list[str]) -> str | None:
    """The standfirst, when it is visibly the article's first paragraph: a <p> whose text is the
    page's own description (meta), before the first body paragraph and a child of the body's own
    container (at most MAX_LEAD_LEVELS above that paragraph), neither a header nor a deck-like
    class. None otherwise. (A lead in a box of its own beside the body, "article__lead", is a
    deck: the aeb gold leaves it out.)

    trafilatura leaves such a lead out for its distinct class; a deck in the page's header is
    left out on purpose (docs/fields.md: it is ``description``).
    """
    if not lines:
        return None
    have = {fold(x) for x in lines}
    keys = {fold(str(d)) for d in tree.xpath(px.DESCRIPTION_XPATH)}
    keys = {k for k in keys if len(k.split()) >= 8 and k not in have and not k.endswith(("...", "…"))}
    first = None
    for key in sorted(keys):
        lead = _block_with_text(tree, key, px.PARAGRAPH_PATHS)
        if lead is None:
            continue
        first = first if first is not None else _block_with_text(tree, fold(lines[0]), px.BLOCK_PATHS)
        if first is None or lead is first:
            continue
        common = lead.getparent()
        up_first = [first, *first.iterancestors()][: MAX_LEAD_LEVELS + 1]
        if lead.tag != "p" or common is None or common not in up_first[1:]:
            continue  # a box of its own beside the body's paragraphs ("article__lead"): a deck
        if common.index(lead) >= common.index(up_first[up_first.index(common) - 1]):
            continue  # the lead comes first
        if common.tag in ("header", "figure", "aside", "nav") or px.DECK_CLASS.search(
            f"{lead.get('class', '')} {lead.get('id', '')} {common.get('class', '')}"
        ):
            continue
        return squash(lead.text_content())
    return None
