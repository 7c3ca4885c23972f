"""Live blogs: a page of timed updates, read as its introduction and its updates, newest first.

``live_updates`` finds the updates (JSON-LD ``liveBlogUpdate``, else the page's visible update
containers on a page that calls itself live); ``with_updates`` puts them into the body when the
text generic extraction found holds few of them. The article keeps them as ``liveUpdates``.
"""

from __future__ import annotations

from datetime import datetime

import lxml.html

from newscrawler.extraction import patterns as px
from newscrawler.extraction.metric import overlap, shingles
from newscrawler.text import markup_lines, paragraphs, squash

# A live blog's updates are only read when the text found so far holds fewer than this many.
MIN_COVERED_UPDATES = 3


def live_updates(
    tree: lxml.html.HtmlElement | None, ld: dict[str, object], title: str | None
) -> list[dict[str, str]]:
    """The updates of a live blog (JSON-LD ``LiveBlogPosting`` or a page titled as live), newest
    first: JSON-LD ``liveBlogUpdate`` entries, else the visible update containers. [] otherwise."""
    types = ld.get("@type")
    is_live = any(
        isinstance(t, str) and t.endswith("LiveBlogPosting")
        for t in (types if isinstance(types, list) else [types])
    )
    updates = jsonld_updates(ld) if ld else []
    if updates:
        return updates
    if tree is None or not (is_live or (title and px.LIVE_TITLE.search(title))):
        return []
    return visible_updates(tree)


def jsonld_updates(ld: dict[str, object]) -> list[dict[str, str]]:
    """A live blog's updates from JSON-LD ``liveBlogUpdate``: time, headline and text of each."""
    raw = ld.get("liveBlogUpdate")
    items = raw if isinstance(raw, list) else [raw]
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        headline = squash(markup_lines(item.get("headline") or item.get("name")))
        text = markup_lines(item.get("articleBody") or item.get("text") or item.get("description"))
        if not text and not headline:
            continue
        key = (headline, text)
        if key in seen:
            continue
        seen.add(key)
        published = item.get("datePublished") or item.get("dateCreated")
        out.append(_update(published if isinstance(published, str) else None, headline, text))
    return _newest_first(out)


def visible_updates(tree: lxml.html.HtmlElement) -> list[dict[str, str]]:
    """A live blog's updates from the page itself: the largest group of three or more elements
    sharing a tag and an update-like class, each with a <time> (or datetime) and paragraphs."""
    groups: dict[tuple[str, str], list[lxml.html.HtmlElement]] = {}
    for el in tree.xpath("//*[@class][.//p][.//time or .//*[@datetime]]"):
        cls = el.get("class", "")
        if px.UPDATE_CLASS.search(cls) and not px.NOT_UPDATE_CLASS.search(cls):
            groups.setdefault((el.tag, cls), []).append(el)
    best: list[lxml.html.HtmlElement] = []
    best_len = 0
    for members in groups.values():
        members = [m for m in members if not any(a in members for a in m.iterancestors())]
        if len(members) < 3:
            continue
        size = sum(len(m.text_content()) for m in members)
        if size > best_len:
            best, best_len = members, size
    out: list[dict[str, str]] = []
    for el in best:
        stamp = el.xpath("(.//time/@datetime | .//*[@datetime]/@datetime)[1]")
        label = el.xpath("(.//time)[1]")
        published = str(stamp[0]) if stamp else (squash(label[0].text_content()) if label else "")
        heads = el.xpath("(.//h2 | .//h3 | .//h4)[1]")
        headline = squash(heads[0].text_content()) if heads else ""
        texts = []
        for p in el.xpath(".//p | .//li | .//blockquote"):
            if p.xpath("ancestor::blockquote|ancestor::li|ancestor::figure|ancestor::aside"):
                continue
            t = squash(p.text_content())
            if t:
                texts.append(t)
        if texts or headline:
            out.append(_update(published, headline, "\n".join(texts)))
    return _newest_first(out)


def _newest_first(updates: list[dict[str, str]]) -> list[dict[str, str]]:
    """Updates newest first when every one carries a time; else in the page's order."""

    def when(u: dict[str, str]) -> datetime | None:
        try:
            stamp = datetime.fromisoformat(u["datePublished"].replace("Z", "+00:00"))
        except (KeyError, ValueError):
            return None
        return stamp if stamp.tzinfo else None

    stamps = [when(u) for u in updates]
    if updates and all(stamps):
        order = sorted(range(len(updates)), key=lambda i: stamps[i], reverse=True)  # type: ignore[arg-type,return-value]
        return [updates[i] for i in order]
    return updates


def _update(published: str | None, headline: str, text: str) -> dict[str, str]:
    out = {"datePublished": published or "", "headline": headline, "articleBody": text}
    return {k: v for k, v in out.items() if v}


def with_updates(lines: list[str], updates: list[dict[str, str]]) -> list[str]:
    """The live blog's updates as paragraphs, when the text found so far holds few of them.

    Generic extraction finds a live blog's introduction and perhaps one update; when it holds
    fewer than three, its lines before the first update are kept as the introduction and each
    update follows as its headline and its paragraphs. (A live blog of one or two updates
    that the text holds all of is left as it is.)
    """
    if not updates:
        return lines
    have = set(shingles("\n".join(lines), 3))
    covered = 0
    for u in updates:
        ref = set(shingles(u.get("articleBody") or u.get("headline", ""), 3))
        if ref and len(ref & have) / len(ref) >= 0.6:
            covered += 1
            if covered >= min(MIN_COVERED_UPDATES, len(updates)):
                return lines
    update_keys = set()
    for u in updates:
        update_keys |= set(shingles(u.get("headline", ""), 3)) | set(shingles(u.get("articleBody", ""), 3))
    intro = []
    for line in lines:
        if overlap(line, update_keys) >= 0.6:
            break
        intro.append(line)
    out = list(intro)
    for u in updates:
        if u.get("headline"):
            out.append(u["headline"])
        out.extend(paragraphs(u.get("articleBody", "")))
    return out
