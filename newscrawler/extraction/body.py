"""The article body: trafilatura's precise mode, checked against the page's own structure.

Order of work (docs/fields.md, articleBody):
1. a per-site CSS selector from the site registry, when it matches (``sources.from_selector``);
2. trafilatura with ``favor_precision`` (comments excluded), first without its fallback
   comparison (readability, jusText), which runs only when that finds under 500 characters;
   falling back to its default mode when the precise mode finds next to nothing or a fragment
   of what the default mode finds; on a gallery whose text is in its captions, those captions;
   on a page rendered by script, the HTML in its scripts (``sources``);
3. when the page's JSON-LD carries a full ``articleBody`` that the text above misses
   much of, trafilatura's recall mode, kept to the paragraphs that JSON-LD confirms; an
   article split over several containers, read from all of them;
4. on a live blog whose text so far holds few of its updates, the updates (``live.py``);
5. lines that link elsewhere dropped, the standfirst put first (``sources.lead_paragraph``);
6. a paragraph filter for chrome that survives all of the above (``chrome.drop_chrome``).
"""

from __future__ import annotations

import logging
from copy import deepcopy

import lxml.html
import trafilatura
from lxml import etree

from newscrawler.extraction.chrome import (
    drop_chrome,
    drop_link_items,
    drop_linked_blocks,
    link_items,
    link_paragraphs,
    linked_blocks,
)
from newscrawler.extraction.live import with_updates
from newscrawler.extraction.metric import overlap, shingles
from newscrawler.extraction.sources import (
    embedded_html,
    from_selector,
    gallery_captions,
    lead_paragraph,
    split_containers,
)
from newscrawler.text import fold, paragraphs, squash

# trafilatura warns "discarding data" for every page too short for it: here an expected answer
# (the next mode is tried, and a page with no text is counted as too_short), not a problem.
logging.getLogger("trafilatura.core").setLevel(logging.ERROR)

# Below this many characters, precise mode probably missed the article.
MIN_PRECISE_CHARS = 250
# trafilatura's own text this long is kept without its fallback comparison, which runs readability
# on a second copy of the page (a third of extraction time); on aeb and fundus-dev no page scored
# worse for it and the comparison's wrong take-overs went (aeb F1 0.971 -> 0.974).
FAST_ENOUGH_CHARS = 500
# Below this, precise mode's text is checked against the default mode's: when that is
# WIDER_FACTOR times longer, precise mode kept a fragment (a reprint notice, a dateline and
# the first paragraph of a short wire story) and the default mode has the article.
SHORT_PRECISE_CHARS = 1000
WIDER_FACTOR = 2.0
# JSON-LD bodies shorter than this are teasers, not the article.
MIN_LD_BODY_CHARS = 400

_TRAFILATURA_ARGS = {
    "include_comments": False,
    "include_tables": True,
    "output_format": "txt",
    "with_metadata": False,
}


def extract_body(
    tree: lxml.html.HtmlElement | None,
    url: str,
    *,
    headline: str | None = None,
    authors: list[str] | None = None,
    ld_body: str | None = None,
    selector: str | None = None,
    labels: tuple[str, ...] = (),
    updates: list[dict[str, str]] | None = None,
) -> str:
    """The article's text, paragraphs separated by blank lines ("" for no tree).

    A site's ``selector`` wins when it matches; else trafilatura's paragraphs, refined by the
    page's own structure. ``headline``, ``authors`` and ``labels`` (the page's section and site
    names) tell a repeated headline, byline or kicker from text; ``ld_body`` is the JSON-LD
    ``articleBody``; ``updates`` a live blog's (``live.live_updates``).
    """
    if tree is None:
        return ""
    tree = flatten_ruby(tree)
    lines = from_selector(tree, selector) if selector else []
    if not lines:
        lines = _generic_lines(tree, url, ld_body, updates or [])
    # The page's own address printed as a line (a print view's footer), not a link the article lists.
    own = url.split("://", 1)[-1].rstrip("/")
    lines = [line for line in lines if line.split("://", 1)[-1].rstrip("/") != own]
    lines = drop_chrome(lines, headline, authors or [], labels)
    return "\n\n".join(lines)


def _generic_lines(
    tree: lxml.html.HtmlElement, url: str, ld_body: str | None, updates: list[dict[str, str]]
) -> list[str]:
    """trafilatura's paragraphs, completed from JSON-LD, split containers and a live blog's
    updates, less the lines that link elsewhere, with the lead paragraph first."""
    lines = _trafilatura_lines(tree, url)
    if ld_body:
        lines = reconcile_with_jsonld(lines, tree, url, ld_body)
    lines = _widen_split_article(lines, tree)
    lines = with_updates(lines, updates)
    if any(line.startswith("- ") for line in lines):  # the only lines a list of links can be
        lines = drop_link_items(lines, link_items(tree))
    lines = drop_linked_blocks(lines, linked_blocks(tree))
    prompts = link_paragraphs(tree)
    lines = [line for line in lines if fold(line) not in prompts]
    lead = lead_paragraph(tree, lines)
    return [lead, *lines] if lead else lines


def _trafilatura_lines(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    """Precise mode (fast first); on a short find, a gallery's captions or the default mode's
    far longer text; on next to nothing, the HTML embedded in the page's scripts."""
    lines = paragraphs(_traf(tree, url, favor_precision=True, fast=True))
    if sum(len(x) for x in lines) < FAST_ENOUGH_CHARS:
        lines = paragraphs(_traf(tree, url, favor_precision=True))
    found = sum(len(x) for x in lines)
    gallery = _with_gallery(lines, tree) if found < SHORT_PRECISE_CHARS else None
    if gallery is not None:
        lines = gallery
    elif found < SHORT_PRECISE_CHARS:
        wider = paragraphs(_traf(tree, url))
        more = sum(len(x) for x in wider)
        # Under MIN_PRECISE_CHARS the precise mode missed the article; up to
        # SHORT_PRECISE_CHARS it may have kept a notice or a short story's first lines
        # only, which the default mode's far longer text shows.
        if (found < MIN_PRECISE_CHARS and more > found) or more >= WIDER_FACTOR * found:
            lines = wider
    if sum(len(x) for x in lines) < MIN_PRECISE_CHARS:
        embedded = embedded_html(tree)
        if sum(len(x) for x in embedded) > sum(len(x) for x in lines):
            lines = embedded
    return lines


def _traf(tree: lxml.html.HtmlElement, url: str, **mode: bool) -> str:
    # trafilatura copies a tree it is given, so ours stays intact for the other extractors.
    try:
        text = trafilatura.extract(tree, url=url, **_TRAFILATURA_ARGS, **mode)  # type: ignore[arg-type]
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        return ""
    return text or ""


def flatten_ruby(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The tree with each ``<ruby>`` annotation (Japanese readings) made plain inline text.

    trafilatura takes the unknown ``<ruby>`` for a block and splits the paragraph around it;
    a reader sees one line: "弾劾（だんがい）". A copy when there is any, so the page stays intact.
    """
    if tree.find(".//ruby") is None:
        return tree
    tree = deepcopy(tree)
    for ruby in list(tree.iter("ruby")):
        for part in list(ruby):
            part.drop_tag()
        ruby.drop_tag()
    return tree


def _with_gallery(lines: list[str], tree: lxml.html.HtmlElement) -> list[str] | None:
    """Precise mode's lines followed by the gallery's captions, when the page is a gallery."""
    captions = gallery_captions(tree)
    if not captions:
        return None
    have = {fold(x) for x in lines}
    return [*lines, *(c for c in captions if fold(c) not in have)]


def _confirmed_by(lines: list[str], ld_body: str) -> list[str]:
    ref = set(shingles(ld_body, 3))
    return [line for line in lines if overlap(line, ref) >= 0.6]


def reconcile_with_jsonld(lines: list[str], tree: lxml.html.HtmlElement, url: str, ld_body: str) -> list[str]:
    """Use JSON-LD's articleBody to recover paragraphs that the precise mode dropped."""
    ld_body = squash(ld_body)
    if len(ld_body) < MIN_LD_BODY_CHARS or ld_body.endswith(("...", "…")):
        return lines
    ld = set(shingles(ld_body, 3))
    have = set(shingles("\n".join(lines), 3))
    if not ld or len(have & ld) / len(ld) >= 0.8:
        return lines  # precise mode already has (nearly) all of it
    wide = paragraphs(_traf(tree, url, favor_recall=True))
    confirmed = _confirmed_by(wide, ld_body)
    got = set(shingles("\n".join(confirmed), 3))
    if len(got & ld) > len(have & ld):
        return confirmed
    return lines


def _widen_split_article(lines: list[str], tree: lxml.html.HtmlElement) -> list[str]:
    parts = split_containers(tree)
    if not parts:
        return lines
    have = set(shingles("\n".join(lines), 4))
    union = set(shingles("\n".join(parts), 4))
    # Only when the split parts contain what we have and clearly more of it.
    if have and len(have & union) >= 0.9 * len(have) and len(union) >= 1.3 * len(have):
        return parts
    return lines
