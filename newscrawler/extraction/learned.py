"""Sites that teach themselves: the element that holds a site's article text, as a CSS path.

Work in progress (issue #13): the pure half. Given a parsed page and the body the generic rules
found on it, ``body_path`` names the element whose paragraphs are that body, as a CSS path built
from tags, stable classes and ids (never positions, which change from page to page). A crawl that
sees the same path agree on most of a site's first pages can use it for the site's next pages,
with the registry's selectors still first and the generic rules when the path finds nothing.
Not wired into the crawl yet: the crawl state must count per site and path how often it agreed.
"""

from __future__ import annotations

import re

import lxml.html

from newscrawler.extraction.metric import page_f1

# Class names and ids that change from page to page (numbers, hashes) name no template.
_UNSTABLE = re.compile(r"\d|^[a-z]{1,2}$|[A-Za-z0-9_-]{20,}")
_BLOCKS = "p|h2|h3|h4|li|blockquote"
MAX_DEPTH = 4  # steps up from the element: enough to be unique, few enough to survive edits
AGREEMENT = 0.9  # shingle F1 between the path's text and the generic body for the path to count


def _step(el: lxml.html.HtmlElement) -> str:
    ident = el.get("id") or ""
    if ident and not _UNSTABLE.search(ident):
        return f"{el.tag}#{ident}"
    classes = [c for c in (el.get("class") or "").split() if not _UNSTABLE.search(c)][:2]
    return el.tag + "".join(f".{c}" for c in classes)


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


def path_text(tree: lxml.html.HtmlElement, path: str) -> str:
    """The paragraphs under the first element the path selects, joined by blank lines."""
    try:
        nodes = tree.cssselect(path)
    except Exception:  # a path learned on another page may not parse here; it then finds nothing
        return ""
    if not nodes:
        return ""
    blocks = nodes[0].xpath(" | ".join(f".//{b}" for b in _BLOCKS.split("|")))
    texts = [" ".join(b.text_content().split()) for b in blocks]
    return "\n\n".join(t for t in texts if t)


def body_path(tree: lxml.html.HtmlElement, body: str) -> str | None:
    """The CSS path of the smallest element whose paragraphs are ``body`` (None: none agrees)."""
    wanted = {" ".join(p.split()) for p in body.split("\n\n") if len(p.split()) >= 5}
    if not wanted:
        return None
    hits = [
        el
        for el in tree.iter(*_BLOCKS.split("|"))
        if isinstance(el.tag, str) and " ".join(el.text_content().split()) in wanted
    ]
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
