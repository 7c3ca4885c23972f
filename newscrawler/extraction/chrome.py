"""Chrome: the paragraphs generic extraction lets through that are not the article's text.

``drop_chrome`` reads the body's lines one by one: the headline, a byline or a dateline printed
again, "Related", "Read more" and the teaser it points to, photo credits, share, follow and
subscribe prompts; whatever follows an end credit such as "Reporting by...", and a contributor
note; a closing list of other stories' headlines or of side boxes' headings. The others read the
page for lines that link elsewhere (lists of other stories, teaser cards, labelled prompts).
What each kind of line looks like is in ``patterns.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import lxml.html

from newscrawler.extraction import patterns as px
from newscrawler.text import fold

# Items of a "Tags:" list after its label: a topic or section name each.
MAX_LABEL_ITEM_WORDS = 4
# A page title's site suffix after the headline: a few words.
MAX_SUFFIX_WORDS = 4
# What separates a headline from a suffix printed after it.
_SEPARATORS = ("-", "|", "–")
# A linked paragraph this long is a story's opening; a shorter one may be a headline the
# article lists as its own text (a "related reading" list the gold keeps).
MIN_TEASER_WORDS = 12
# A paragraph whose link holds this share of its text is a prompt for the linked story.
LINKED_SHARE = 0.6


def link_items(tree: lxml.html.HtmlElement) -> set[str]:
    """Folded texts of list items that are one link and nothing else: lists of other stories."""
    out: set[str] = set()
    for li in tree.xpath("//li[a]"):
        anchors = li.findall(".//a")
        if len(anchors) != 1:
            continue
        whole = fold(li.text_content())
        if whole and whole == fold(anchors[0].text_content()) and len(whole.split()) >= 3:
            out.add(whole)
    return out


def drop_link_items(lines: list[str], items: set[str]) -> list[str]:
    """Lines that are a list item linking elsewhere ("- Iran-Krieg: USA verlieren ...")."""
    if not items:
        return lines
    return [line for line in lines if not (line.startswith("- ") and fold(line[2:]) in items)]


def linked_blocks(tree: lxml.html.HtmlElement) -> list[str]:
    """Folded texts of paragraphs wrapped in a link: teaser cards of other stories
    ("You might also like": a headline, a date and the story's opening, all one <a>)."""
    out = []
    for block in tree.xpath("//a[@href]//p"):
        text = fold(block.text_content())
        if len(text.split()) >= MIN_TEASER_WORDS:
            out.append(text)
    return out


def link_paragraphs(tree: lxml.html.HtmlElement) -> set[str]:
    """Folded texts of paragraphs that are an upper-case label followed by a link."""
    out: set[str] = set()
    for p in tree.xpath("//p[.//a[@href]]"):
        anchor = p.xpath(".//a[@href]")[0]
        text, linked = p.text_content(), anchor.text_content()
        label = text[: text.find(linked)] if linked.strip() else ""
        if not label.strip() or label.upper() != label or not px.PROMPT_LABEL.match(label):
            continue
        if len(linked.strip()) >= LINKED_SHARE * len(text.strip()):
            out.add(fold(text))
    return out


def drop_linked_blocks(lines: list[str], blocks: list[str]) -> list[str]:
    """Lines that are (part of) a paragraph wrapped in a link to elsewhere."""
    if not blocks:
        return lines
    kept = []
    for line in lines:
        n = fold(line)
        if len(n.split()) >= MIN_TEASER_WORDS and any(n in b for b in blocks):
            continue
        kept.append(line)
    return kept


def _is_call_to_action(line: str) -> bool:
    return len(line.split()) <= 40 and bool(px.CALL_TO_ACTION.search(line))


@dataclass(frozen=True)
class _Page:
    """What a line of the body is compared with, folded: the headline, the page's section and
    site names, the authors' names."""

    head: str
    labels: set[str]
    names: list[str]


def drop_chrome(
    lines: list[str], headline: str | None, authors: list[str], labels: tuple[str, ...] = ()
) -> list[str]:
    """Paragraph-level cleanup of what generic extraction lets through.

    ``labels`` are the page's section and site names: printed alone above the headline they
    are a kicker or a logo, not article text.
    """
    page = _Page(
        head=fold(headline) if headline else "",
        labels={fold(x) for x in labels if x},
        names=[fold(a) for a in authors],
    )
    kept = _kept_lines(_without_promotion(lines), page)
    return _without_kicker(_without_box_headings(_without_link_run(kept)))


def _kept_lines(lines: list[str], page: _Page) -> list[str]:
    """The lines that are not chrome, up to the line that closes the article."""
    kept: list[str] = []
    after_prompt = False
    label_items = False
    for i, line in enumerate(lines):
        n = fold(line)
        words = len(n.split())
        prompt, after_prompt = after_prompt, False
        if label_items and line.startswith("- ") and words <= MAX_LABEL_ITEM_WORDS:
            continue  # the items of a "Tags:" list (a topic or section name each)
        label_items = False
        if _is_page_furniture(n, words, i, page):
            continue
        if words <= 12 and px.CHROME_LINE.match(line):
            after_prompt = label_items = True
            continue
        if _is_prompt_or_notice(line, words, prompt):
            continue
        closing = _closing(line, words) if i >= len(lines) - 3 else None
        if closing == "drop":
            continue
        if closing is not None:
            if closing == "last":
                kept.append(line)
            break
        # The top: the first four lines, or before the second paragraph kept (a lead, then "By ...").
        if (i < 4 or len(kept) < 2) and _is_byline_again(line, n, words, page.names):
            continue
        kept.append(line)
    return kept


def _is_page_furniture(n: str, words: int, i: int, page: _Page) -> bool:
    """Empty, a placeholder, debris with no word in it ("¯", "•••"), a section or site label
    above the headline, or the headline printed again."""
    if not n or "spot_img" in n or not px.WORD_CHAR.search(n):
        return True
    if i < 3 and n in page.labels:
        return True
    return _is_headline_again(n, words, i, page.head)


def _is_headline_again(n: str, words: int, i: int, head: str) -> bool:
    """The headline printed again: as it is, or among the first three lines without its
    " - Section" suffix or with the site's " | wdr aktuell" one (a page title)."""
    if not head:
        return False
    if n == head or (i < 3 and words <= 40 and n.rstrip(".") == head.rstrip(".")):
        return True
    if i >= 3:
        return False
    if words >= 3 and head.startswith(n) and head[len(n) :].lstrip().startswith(_SEPARATORS):
        return True
    suffix = n[len(head) :]
    return (
        n.startswith(head)
        and suffix.lstrip().startswith(_SEPARATORS)
        and len(suffix.split()) <= MAX_SUFFIX_WORDS
    )


def _is_prompt_or_notice(line: str, words: int, prompt: bool) -> bool:
    """A "Related: ..." prompt, the teaser a "Read more" prompt points to, a photo credit,
    a reprint notice, the author's address."""
    return bool(
        (words <= 25 and px.CHROME_PREFIX.match(line))
        or (prompt and words <= 40 and px.ELLIPSIS_END.search(line))
        or (words <= 12 and px.PHOTO_CREDIT.match(line))
        or (words <= 60 and px.NOTICE.search(line))
        or (words <= 15 and px.CONTACT.match(line))
    )


def _closing(line: str, words: int) -> Literal["drop", "stop", "last"] | None:
    """What one of the last three lines does: a call to action is dropped; a contributor note
    closes the article, it and what follows are not the story ("stop"); an end credit closes it
    too, kept as its last line ("last"): what follows is another story's teaser."""
    if _is_call_to_action(line):
        return "drop"
    if words <= 40 and px.CONTRIBUTED.search(line):
        return "stop"
    if words <= 40 and px.END_CREDIT.search(line):
        return "last"
    return None


def _is_byline_again(line: str, n: str, words: int, names: list[str]) -> bool:
    """Near the top: a byline or a dateline repeated as a paragraph, or a short line naming an author."""
    if words <= 15 and (px.BYLINE.match(line) or px.DATE_ONLY.match(line)):
        return True
    return bool(names) and words <= 8 and any(name and name in n for name in names)


def _without_promotion(lines: list[str]) -> list[str]:
    """Two calls to action among the last three lines, the last line one of them, are a promotion
    box ("2 Wochen kostenlos testen", its pitch, "Testen Sie ..."): it goes from the first."""
    tail = [i for i in range(max(0, len(lines) - 3), len(lines)) if _is_call_to_action(lines[i])]
    if len(tail) >= 2 and tail[-1] == len(lines) - 1 and tail[0] > 0:
        return lines[: tail[0]]
    return lines


def _without_link_run(kept: list[str]) -> list[str]:
    """A run of three or more short unpunctuated lines at the end is a list of links to other
    stories ("More Great WIRED Stories"), not the article's closing paragraphs."""
    run = 0
    while run < len(kept) and px.LINK_LINE.match(kept[len(kept) - 1 - run]):
        run += 1
    if 3 <= run <= 8 and run < len(kept):
        return kept[: len(kept) - run]
    return kept


def _without_box_headings(kept: list[str]) -> list[str]:
    """A run of short unpunctuated lines at the end, three or more of them not list items, is the
    headings of the page's side boxes ("Beiträge aus dem Forum", "Weiterführende Links"), whose
    content went: a closing paragraph ends in punctuation, a subheading has text after it."""
    run = heads = 0
    while run < len(kept) - 1 and px.BOX_HEADING.match(kept[len(kept) - 1 - run]):
        heads += not kept[len(kept) - 1 - run].startswith("- ")
        run += 1
    if heads >= 3:
        return kept[: len(kept) - run]
    return kept


def _without_kicker(kept: list[str]) -> list[str]:
    """A one- or two-word label above the first paragraph is a kicker, not a subheading."""
    if len(kept) > 1 and len(kept[0].split()) <= 2 and len(kept[1].split()) >= 20:
        return kept[1:]
    return kept
