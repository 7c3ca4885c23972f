"""Sites that teach themselves: where a site's template keeps the body, the byline and the date.

On each page, ``observe`` names, as a CSS path (tags, stable classes and ids, never positions),
the element that holds what the generic rules found: the body's paragraphs, the authors' names,
the publication date. The crawl state keeps a site's last observations (``learning.learned_path``
takes the path most recent pages agreed on), and the site's next pages get the adopted paths
back (``learned=``), used by ``apply`` as a *fallback*: for the body when the generic rules found
less than half of what the path holds, for authors and date when they found none. The
registry's own selectors win over both.

Not the other way round (the path first, the generic rules when it finds nothing): measured on
the dev sets, a page's own path used first made 71 of 212 bodies worse (it keeps captions and
boxes that the generic rules drop), and it helped 17. Used as a fallback it changes no dev
page for the worse (``benchmarks/learning.py``).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import lxml.html
from lxml.cssselect import CSSSelector

from newscrawler.extraction.metric import page_f1
from newscrawler.text import fold_case, squash

FIELDS = ("articleBody", "authors", "datePublished")
# Class names and ids that change from page to page name no template: numbers, hashes, CSS-in-JS
# class names ("sc-eNSrOW", "css-1x2y3z"), one- or two-letter utility classes.
_UNSTABLE = re.compile(
    r"\d|^[a-z]{1,2}$|[A-Za-z0-9_-]{20,}|^(?:sc|css|jsx|svelte|emotion)-"
    r"|^(?=[A-Za-z]{5,7}$)(?:[a-z]+[A-Z]|[A-Z]{2})"
)
_BLOCKS = "p|h2|h3|h4|li|blockquote"
MAX_DEPTH = 4  # steps up from the element: enough to be unique, few enough to survive edits
AGREEMENT = 0.9  # shingle F1 between the path's text and the generic body for the path to count
BYLINE_CHARS = 200  # a byline element is short: a name list, perhaps a role and a date
DATE_CHARS = 80
FALLBACK_SHARE = 0.5  # the learned body replaces a generic one shorter than this share of it


def _stable(name: str) -> bool:
    return bool(name) and not _UNSTABLE.search(name)


def _step(el: lxml.html.HtmlElement) -> str:
    ident = el.get("id") or ""
    if _stable(ident):
        return f"{el.tag}#{ident}"
    classes = [c for c in (el.get("class") or "").split() if _stable(c)][:2]
    tag: str = el.tag
    return tag + "".join(f".{c}" for c in classes)


def css_path(el: lxml.html.HtmlElement) -> str:
    """A CSS path to ``el`` from at most MAX_DEPTH ancestors, stopping at a stable id."""
    steps = [_step(el)]
    node = el.getparent()
    while node is not None and len(steps) < MAX_DEPTH and node.tag not in ("body", "html"):
        steps.append(_step(node))
        if "#" in steps[-1]:
            break
        node = node.getparent()
    return " > ".join(reversed(steps))


@functools.lru_cache(maxsize=256)
def _selector(path: str) -> CSSSelector | None:
    """A path translated to XPath once per process, not once per page (its pages share it)."""
    try:
        return CSSSelector(path, translator="html")
    except Exception:  # a path learned on another page may not parse here; it then finds nothing
        return None


def _select(tree: lxml.html.HtmlElement, path: str) -> Any:
    selector = _selector(path)
    if selector is None:
        return None
    try:
        nodes = selector(tree)
    except Exception:  # as above: it finds nothing
        return None
    return nodes[0] if nodes else None


def path_text(tree: lxml.html.HtmlElement, path: str) -> str:
    """The paragraphs under the first element the path selects, joined by blank lines."""
    node = _select(tree, path)
    if node is None:
        return ""
    blocks = node.xpath(" | ".join(f".//{b}" for b in _BLOCKS.split("|")))
    texts = [squash(b.text_content()) for b in blocks]
    return "\n\n".join(t for t in texts if t)


def element_text(tree: lxml.html.HtmlElement, path: str, limit: int) -> str:
    """The text of the first element the path selects, if it is short (a byline, a date)."""
    node = _select(tree, path)
    if node is None:
        return ""
    text = squash(node.get("datetime") or node.text_content())
    return text if len(text) <= limit else ""


def body_path(tree: lxml.html.HtmlElement, body: str) -> str | None:
    """The CSS path of the smallest element whose paragraphs are ``body`` (None: none agrees)."""
    wanted = {squash(p) for p in body.split("\n\n") if len(p.split()) >= 5}
    if not wanted:
        return None
    # Paragraphs, then headings: list items (menus) are many and rarely all of a body.
    hits = [el for el in tree.iter("p", "h2", "h3", "blockquote") if squash(el.text_content()) in wanted]
    if len(hits) < max(2, len(wanted) // 2):
        return None
    # The lowest ancestor that holds most of the matched paragraphs.
    ancestors = [list(el.iterancestors()) for el in hits]
    for candidate in ancestors[0]:
        held = sum(1 for chain in ancestors if candidate in chain)
        if held >= 0.8 * len(hits):
            path = css_path(candidate)
            return path if page_f1(body, path_text(tree, path)) >= AGREEMENT else None
    return None


def byline_path(tree: lxml.html.HtmlElement, names: list[str]) -> str | None:
    """The path of the smallest visible element whose short text names every author."""
    if not names or any(("'" in n and '"' in n) for n in names):
        return None
    folded = [fold_case(n) for n in names]
    first = names[0]
    quote = '"' if "'" in first else "'"
    best = None
    # Elements whose own text holds the first name (XPath, in C: the whole tree is not walked).
    for el in tree.xpath(f"//body//*[contains(text(), {quote}{first}{quote})]")[:10]:
        node = el
        while node is not None and node.tag not in ("body", "html", "script", "style"):
            text = fold_case(squash(node.text_content()))
            if len(text) > BYLINE_CHARS:
                break
            if all(n in text for n in folded):
                if best is None or len(text) < best[0]:
                    best = (len(text), node)
                break
            node = node.getparent()
    return css_path(best[1]) if best is not None else None


def date_path(tree: lxml.html.HtmlElement, published: str, parse: Any) -> str | None:
    """The path of the first ``<time>``, or short visible text, that gives the published day."""
    day, year = published[:10], published[:4]
    timed = tree.xpath("//time | //body//*[@datetime]")[:5]
    # Leaf elements whose short text carries the year: a dateline written for people.
    dom = re.compile(rf"(?<!\d)0?{int(published[8:10])}(?!\d)") if len(published) >= 10 else None
    shown = [
        el
        for el in tree.xpath(f"//body//*[not(*)][contains(text(), '{year}')]")
        if el.tag not in ("script", "style")
        and len(el.text or "") <= DATE_CHARS
        and (dom is None or dom.search((el.text or "").replace(year, "")))  # the day's number too
    ][:3]
    for el in (*timed, *shown):
        value = el.get("datetime") or squash(el.text_content())
        stamp = parse(value) if value and len(value) <= DATE_CHARS else None
        if stamp is not None and stamp.iso()[:10] == day:
            return css_path(el)
    return None


def observe(
    tree: lxml.html.HtmlElement | None, body: str, names: list[str], published: str | None, parse: Any
) -> dict[str, str | None]:
    """Where this page keeps what the generic rules found: a path (or None) per field."""
    if tree is None:
        return dict.fromkeys(FIELDS)
    return {
        "articleBody": body_path(tree, body) if body else None,
        "authors": byline_path(tree, names),
        "datePublished": date_path(tree, published, parse) if published else None,
    }


def use_learned_body(generic: str, learned: str) -> bool:
    """The generic rules found nothing or were cut short where the site's template holds more."""
    return bool(learned) and len(generic) < FALLBACK_SHARE * len(learned)
