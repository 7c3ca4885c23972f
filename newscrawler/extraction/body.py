"""The article body: trafilatura's precise mode, checked against the page's own structure.

Order of work (docs/fields.md, articleBody):
1. a per-site CSS selector from the site registry, when it matches;
2. trafilatura with ``favor_precision`` (comments excluded), first without its fallback
   comparison (readability, jusText), which runs only when that finds under 500 characters;
   falling back to its default mode when the precise mode finds next to nothing or a fragment
   of what the default mode finds; on a gallery whose text is in its captions, those captions;
3. when the page's JSON-LD carries a full ``articleBody`` that the text above misses
   much of, trafilatura's recall mode, kept to the paragraphs that JSON-LD confirms;
4. on a live blog whose text so far holds few of its updates, the updates (JSON-LD
   ``liveBlogUpdate`` or the visible update containers), newest first;
5. a paragraph filter for chrome that survives all of the above (repeated headline,
   byline and dateline lines, "Related", "Read more" and the teaser it points to, photo
   credits, share, follow and subscribe prompts; whatever follows an end credit such as
   "Reporting by...", and a contributor note; a closing list of other stories' headlines).
"""

from __future__ import annotations

import json
import logging
import re
from copy import deepcopy
from datetime import datetime

import lxml.html
import trafilatura
from lxml import etree

from newscrawler.extraction.metric import shingles
from newscrawler.text import fold, markup_lines, paragraphs, squash

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

_CHROME_LINE = re.compile(
    r"^\W*(?:"
    r"related(?: articles?| posts?| stories| news| content| coverage| reading)?|"
    r"read (?:more|also|next|this)|see (?:more|also)|more (?:on|from|about) (?:this|the)\b.*|don'?t miss|"
    r"recommended(?: for you)?|you (?:may|might) (?:also )?like|also read|popular(?: categories| posts| now)?|"
    r"hot this week|trending(?: now)?|most (?:read|popular|viewed)|topics|tags?|categories|etiketler|"
    r"schlagw(?:ö|o)rte(?:r)?|stichw(?:ö|o)rte(?:r)?|mots[- ]cl(?:é|e)s|etiquetas|"
    r"share(?: this(?: article| story| post)?)?(?: on \w+)?|follow us.*|sign up.*|subscribe.*|newsletter.*|"
    r"advertisement|advertising|sponsored|anzeige|werbung|publicidad|publicité|"
    r"click to tweet|tweet|email|print(?: (?:this )?(?:article|story|page))?|order reprints?|"
    r"reprints?(?: (?:and|&) permissions)?|thank you|an error has occurred.*|this article has been sent to.*|"
    r"comments?|\d+ comments?|leave a (?:comment|reply)|comments are closed\.?|"
    r"lesen sie auch|mehr zum thema|auch interessant|weitere artikel|lire aussi|à lire aussi|lee también|"
    r"leer más|leia também|leggi anche|les også|läs också|czytaj (?:też|także|więcej)|ayrıca okuyun|"
    r"читайте также|"
    r"spot_img(?:spot_img)*|skip to (?:main )?content|back to top|loading\.*|"
    r"we use cookies.*|this site uses cookies.*|accept(?: all)? cookies"
    r")\W*$",
    re.I,
)
# Prompts that open a line and end the article text ("Related: <headline>").
_CHROME_PREFIX = re.compile(
    r"^\W*(?:related|read more|read also|see more|see also|also read|also see|more|watch|listen|"
    r"lesen sie auch|mehr zum thema|lire aussi|leer más|leia também|leggi anche|les også|læs også|"
    r"läs också|lees ook|lue myös|czytaj (?:też|także|więcej)|читайте также)\s*:",
    re.I,
)
_CALL_TO_ACTION = re.compile(
    r"\b(?:sign up|subscribe|newsletter|follow (?:us|him|her|them)|click here|download (?:our|the) app|"
    r"by submitting this form|all rights reserved|copyright ©|©\s*\d{4}|share this (?:article|story)|"
    r"get (?:our|the) \w+ newsletter|support (?:our|independent) journalism|already a subscriber|"
    r"follow [\w .’'@()-]{1,60} on (?:facebook|twitter|instagram|x\b)|check out (?:our|the latest)|"
    r"we(?:'|’)d (?:like|love) to hear (?:from you|what you think)|"
    r"abonnier(?:e|en sie)|folgst du|folgen sie uns|kostenlos testen|testen sie)\b|"
    r"をフォロー|フォローする",  # Japanese "follow" (no word boundaries in CJK text)
    re.I,
)
# A credit line closes the article; what follows it is a teaser for another story. The
# "Reporting by..." credit is kept as the article's last line (the sample site's wire stories
# and the aeb gold keep it); a contributor note is dropped with it.
_CREDIT = re.compile(r"^\W*\(?(?:reporting by|additional reporting by|writing by|editing by)\b", re.I)
_CONTRIBUTED = re.compile(r"\bcontributed (?:to )?(?:this |the )?(?:report|story|article)(?:ing)?\W*$", re.I)
_WORD = re.compile(r"\w")
# A reprint notice ("This copy is for your personal, non-commercial use only...").
_NOTICE = re.compile(r"for your personal,? non-commercial use only", re.I)
# The author's address after the text ("Write to Al Root at allen.root@dowjones.com").
_CONTACT = re.compile(r"^\W*(?:write to|contact|e-?mail)\b.{1,80}\s\S+@[\w-]+\.[\w.]+\W*$", re.I)
# A photo credit printed as a paragraph ("Фото: Дмитрий Азаров, Коммерсантъ").
_PHOTO_CREDIT = re.compile(r"^\W*(?:photo|foto|фото|bild|image|credit)s?\s*:", re.I)
# A headline-shaped line: 5 to 14 words, a capital first, no closing punctuation, no number
# or URL (those are a list article's own items).
_LINK_LINE = re.compile(r"^(?=[A-Z])(?!.*(?:https?:|www\.))(?:\S+\s+){4,13}\S+$(?<![.!?:;\"”»’)])")
# A teaser cut short after a "Read more" prompt.
# A side box's heading, or a short item under one: four words and 40 characters at most, no
# closing punctuation, no number or address (those are an info box's facts: prices, phone).
_BOX_HEADING = re.compile(
    r"^(?=.{1,40}$)(?!.*(?:\d|www\.|https?:))(?!.*[.!?\"”»’)。！？」]$)\W*(?:\S+\s+){0,3}\S+$"
)
# Items of a "Tags:" list after its label: a topic or section name each.
MAX_LABEL_ITEM_WORDS = 4
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)\W*$")
_BYLINE = re.compile(
    r"^(?:by|von|par|por|di|av|door|from)\s+[\w.'’ -]{2,60}(?:,|\||$)|^(?:published|updated|posted|veröffentlicht|"
    r"aktualisiert|publié|publicado|pubblicato)\b|^stand:\s*\d",
    re.I,
)
# A page title's site suffix after the headline: a few words.
MAX_SUFFIX_WORDS = 4
_DATE_ONLY = re.compile(r"^[\W\d]*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2})[\W\w]{0,40}$")

_TRAFILATURA_ARGS = {
    "include_comments": False,
    "include_tables": True,
    "output_format": "txt",
    "with_metadata": False,
}


def _traf(tree: lxml.html.HtmlElement, url: str, **mode: bool) -> str:
    # trafilatura copies a tree it is given, so ours stays intact for the other extractors.
    try:
        text = trafilatura.extract(tree, url=url, **_TRAFILATURA_ARGS, **mode)  # type: ignore[arg-type]
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        return ""
    return text or ""


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
        blocks = node.xpath(_BLOCKS)
        texts = [squash(b.text_content()) for b in blocks] if blocks else [node.text_content()]
        out.extend(t for t in texts if t)
    return out


_ARTICLE_CLASS = re.compile(r"article|story|body|entry|post", re.I)
_BLOCKS = ".//p|.//h2|.//h3|.//h4|.//li|.//blockquote"


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
    if not cls or not _ARTICLE_CLASS.search(cls):
        return []
    same = [el for el in tree.iter(best.tag) if el.get("class") == cls]
    same = [el for el in same if not any(a in same for a in el.iterancestors())]
    if not 2 <= len(same) <= 6 or not all(el.find(".//p") is not None for el in same):
        return []
    out: list[str] = []
    for el in same:
        for block in el.xpath(_BLOCKS):
            if block.xpath("ancestor::li|ancestor::blockquote|ancestor::figure|ancestor::aside"):
                continue  # nested blocks are read with their parent; figures and asides are chrome
            text = squash(block.text_content())
            if text:
                out.append(text)
    return out


# Inside a caption: a slide counter or a photo credit, not the caption's text.
_CAPTION_JUNK = re.compile(r"credit|copyright|count|counter|source|byline|author|share", re.I)
_SLIDE_COUNTER = re.compile(r"^\d+\s*(?:/|of|von|de|di)\s*\d+$", re.I)
_SENTENCE_END = re.compile(r"[.!?…\"”»’)]$")
# A gallery: at least this many captions that are sentences of running text.
MIN_GALLERY_CAPTIONS = 3
MIN_CAPTION_CHARS = 60


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
            if _CAPTION_JUNK.search(junk.get("class", "")) and junk.getparent() is not None:
                junk.drop_tree()
        blocks = cap.xpath(".//p") or [cap]
        texts = [squash(b.text_content()) for b in blocks]
        texts = [t for t in texts if t and not _SLIDE_COUNTER.match(t) and not _PHOTO_CREDIT.match(t)]
        if any(len(t) >= MIN_CAPTION_CHARS and _SENTENCE_END.search(t) for t in texts):
            captions += 1
            out.extend(texts)
    return out if captions >= MIN_GALLERY_CAPTIONS else []


def _with_gallery(lines: list[str], tree: lxml.html.HtmlElement) -> list[str] | None:
    """Precise mode's lines followed by the gallery's captions, when the page is a gallery."""
    captions = gallery_captions(tree)
    if not captions:
        return None
    have = {fold(x) for x in lines}
    return [*lines, *(c for c in captions if fold(c) not in have)]


def _overlap(part: str, whole_shingles: set[tuple[str, ...]]) -> float:
    mine = set(shingles(part, 3))
    return len(mine & whole_shingles) / len(mine) if mine else 0.0


def _confirmed_by(lines: list[str], ld_body: str) -> list[str]:
    ref = set(shingles(ld_body, 3))
    return [line for line in lines if _overlap(line, ref) >= 0.6]


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


# A JSON string in a page's script whose key names content ("contentHtml", "body", "articleHtml"):
# a client-rendered page (Next.js, Nuxt) ships its article there as HTML and nowhere else.
_EMBEDDED_HTML = re.compile(r'"(\w*(?:content|body|html|text)\w*)"\s*:\s*"((?:[^"\\]|\\.){400,})"', re.I)
_EMBEDDED_SKIP = "ancestor::li|ancestor::blockquote|ancestor::figure|ancestor::aside|ancestor::*[contains(@class,'caption')]"


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
        for match in _EMBEDDED_HTML.finditer(code):
            try:
                value = json.loads(f'"{match.group(2)}"')
            except ValueError:
                continue
            if len(value) > len(best) and len(re.findall(r"<p[\s>]", value)) >= 2:
                best = value
    if not best:
        return []
    try:
        root = lxml.html.fragment_fromstring(best, create_parent="div")
    except (etree.LxmlError, ValueError):
        return []
    out: list[str] = []
    for block in root.xpath(_BLOCKS):
        if block.xpath(_EMBEDDED_SKIP):
            continue
        text = squash(block.text_content())
        if text:
            out.append(text)
    return out


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


# A linked paragraph this long is a story's opening; a shorter one may be a headline the
# article lists as its own text (a "related reading" list the gold keeps).
MIN_TEASER_WORDS = 12


def linked_blocks(tree: lxml.html.HtmlElement) -> list[str]:
    """Folded texts of paragraphs wrapped in a link: teaser cards of other stories
    ("You might also like": a headline, a date and the story's opening, all one <a>)."""
    out = []
    for block in tree.xpath("//a[@href]//p"):
        text = fold(block.text_content())
        if len(text.split()) >= MIN_TEASER_WORDS:
            out.append(text)
    return out


# A paragraph that is a capitalised label and a link to another story ("ALSO READ | <headline>",
# "FUNDA OLUNYE UDABA LAPHA | <headline>"): a prompt in any language, not the article's text.
_PROMPT_LABEL = re.compile(r"^\W*(?:[^\W\d]+\W+){0,5}[^\W\d]+\s*[|:>»›–-]+\s*$")
LINKED_SHARE = 0.6


def link_paragraphs(tree: lxml.html.HtmlElement) -> set[str]:
    """Folded texts of paragraphs that are an upper-case label followed by a link."""
    out: set[str] = set()
    for p in tree.xpath("//p[.//a[@href]]"):
        anchor = p.xpath(".//a[@href]")[0]
        text, linked = p.text_content(), anchor.text_content()
        label = text[: text.find(linked)] if linked.strip() else ""
        if not label.strip() or label.upper() != label or not _PROMPT_LABEL.match(label):
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
    return len(line.split()) <= 40 and bool(_CALL_TO_ACTION.search(line))


def drop_chrome(
    lines: list[str], headline: str | None, authors: list[str], labels: tuple[str, ...] = ()
) -> list[str]:
    """Paragraph-level cleanup of what generic extraction lets through.

    ``labels`` are the page's section and site names: printed alone above the headline they
    are a kicker or a logo, not article text.
    """
    head = fold(headline) if headline else ""
    label_keys = {fold(x) for x in labels if x}
    names = [fold(a) for a in authors]
    # Two calls to action among the last three lines, the last line one of them, are a promotion
    # box ("2 Wochen kostenlos testen", its pitch, "Testen Sie ..."): it goes from the first.
    tail = [i for i in range(max(0, len(lines) - 3), len(lines)) if _is_call_to_action(lines[i])]
    if len(tail) >= 2 and tail[-1] == len(lines) - 1 and tail[0] > 0:
        lines = lines[: tail[0]]
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
        if not n or "spot_img" in n or not _WORD.search(n):
            continue  # empty, a placeholder, or debris with no word in it ("¯", "•••")
        if i < 3 and n in label_keys:
            continue
        if head and (n == head or (i < 3 and words <= 40 and n.rstrip(".") == head.rstrip("."))):
            continue  # the headline printed again
        if (
            head
            and i < 3
            and words >= 3
            and head.startswith(n)
            and head[len(n) :].lstrip().startswith(("-", "|", "–"))
        ):
            continue  # the headline without its " - Section" suffix
        if (
            head
            and i < 3
            and n.startswith(head)
            and n[len(head) :].lstrip().startswith(("-", "|", "–"))
            and len(n[len(head) :].split()) <= MAX_SUFFIX_WORDS
        ):
            continue  # the headline with the site's " | wdr aktuell" suffix (a page title)
        if words <= 12 and _CHROME_LINE.match(line):
            after_prompt = label_items = True
            continue
        if words <= 25 and _CHROME_PREFIX.match(line):
            continue
        if prompt and words <= 40 and _ELLIPSIS_END.search(line):
            continue  # the teaser a "Read more" prompt points to
        if words <= 12 and _PHOTO_CREDIT.match(line):
            continue
        if words <= 60 and _NOTICE.search(line):
            continue
        if words <= 15 and _CONTACT.match(line):
            continue
        if i >= len(lines) - 3 and _is_call_to_action(line):
            continue
        if words <= 40 and i >= len(lines) - 3 and _CONTRIBUTED.search(line):
            break  # a contributor note closes the article: it and what follows are not the story
        if words <= 40 and i >= len(lines) - 3 and _CREDIT.search(line):
            kept.append(line)
            break  # the credit closes the article: what follows is another story's teaser
        # The top: the first four lines, or before the second paragraph kept (a lead, then "By ...").
        top = i < 4 or len(kept) < 2
        if top and words <= 15 and (_BYLINE.match(line) or _DATE_ONLY.match(line)):
            continue  # byline or dateline repeated as a paragraph
        if names and words <= 8 and any(name and name in n for name in names) and top:
            continue
        kept.append(line)
    # A run of three or more short unpunctuated lines at the end is a list of links to other
    # stories ("More Great WIRED Stories"), not the article's closing paragraphs.
    run = 0
    while run < len(kept) and _LINK_LINE.match(kept[len(kept) - 1 - run]):
        run += 1
    if 3 <= run <= 8 and run < len(kept):
        del kept[len(kept) - run :]
    # A run of short unpunctuated lines at the end, three or more of them not list items, is the
    # headings of the page's side boxes ("Beiträge aus dem Forum", "Weiterführende Links"), whose
    # content went: a closing paragraph ends in punctuation, a subheading has text after it.
    run = heads = 0
    while run < len(kept) - 1 and _BOX_HEADING.match(kept[len(kept) - 1 - run]):
        heads += not kept[len(kept) - 1 - run].startswith("- ")
        run += 1
    if heads >= 3:
        del kept[len(kept) - run :]
    # A one- or two-word label above the first paragraph is a kicker, not a subheading.
    if len(kept) > 1 and len(kept[0].split()) <= 2 and len(kept[1].split()) >= 20:
        kept.pop(0)
    return kept


# A header deck is not the article's first paragraph, however it reads.
_DECK_CLASS = re.compile(r"header|head\b|hero|title|caption|promo|deck|\bdek\b", re.I)
_DESCRIPTION_META = (
    "//meta[@property='og:description' or @name='description' or @name='twitter:description']/@content"
)
# The lead is a child of the body's container, at most this many levels above its first paragraph.
MAX_LEAD_LEVELS = 3


def _block_with_text(tree: lxml.html.HtmlElement, key: str, paths: str) -> lxml.html.HtmlElement | None:
    """The first element of ``paths`` whose folded text is ``key``."""
    for el in tree.xpath(paths):
        if fold(el.text_content()) == key:
            return el
    return None


_PARAGRAPH_PATHS = "//body//p"
_BLOCK_PATHS = "//body//p | //body//div[not(.//p or .//div or .//h1 or .//h2 or .//h3 or .//h4)]"


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
    keys = {fold(str(d)) for d in tree.xpath(_DESCRIPTION_META)}
    keys = {k for k in keys if len(k.split()) >= 8 and k not in have and not k.endswith(("...", "…"))}
    first = None
    for key in sorted(keys):
        lead = _block_with_text(tree, key, _PARAGRAPH_PATHS)
        if lead is None:
            continue
        first = first if first is not None else _block_with_text(tree, fold(lines[0]), _BLOCK_PATHS)
        if first is None or lead is first:
            continue
        common = lead.getparent()
        up_first = [first, *first.iterancestors()][: MAX_LEAD_LEVELS + 1]
        if lead.tag != "p" or common is None or common not in up_first[1:]:
            continue  # a box of its own beside the body's paragraphs ("article__lead"): a deck
        if common.index(lead) >= common.index(up_first[up_first.index(common) - 1]):
            continue  # the lead comes first
        if common.tag in ("header", "figure", "aside", "nav") or _DECK_CLASS.search(
            f"{lead.get('class', '')} {lead.get('id', '')} {common.get('class', '')}"
        ):
            continue
        return squash(lead.text_content())
    return None


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
    if tree is None:
        return ""
    tree = flatten_ruby(tree)
    lines: list[str] = []
    if selector:
        lines = from_selector(tree, selector)
    if not lines:
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
        if ld_body:
            lines = reconcile_with_jsonld(lines, tree, url, ld_body)
        lines = _widen_split_article(lines, tree)
        lines = with_updates(lines, updates or [])
        lines = drop_link_items(lines, link_items(tree))
        lines = drop_linked_blocks(lines, linked_blocks(tree))
        prompts = link_paragraphs(tree)
        lines = [line for line in lines if fold(line) not in prompts]
        lead = lead_paragraph(tree, lines)
        if lead:
            lines = [lead, *lines]
    # The page's own address printed as a line (a print view's footer), not a link the article lists.
    own = url.split("://", 1)[-1].rstrip("/")
    lines = [line for line in lines if line.split("://", 1)[-1].rstrip("/") != own]
    lines = drop_chrome(lines, headline, authors or [], labels)
    return "\n\n".join(lines)


# --- live blogs ---

# Visible update containers of a live blog ("live-event-entry", "liveblog__update", "lb-post").
_UPDATE_CLASS = re.compile(r"live|update|entry|post|ticker", re.I)
# A page that calls itself live ("UK riots LIVE:", "Live updates", "Liveticker", "en direct").
_LIVE_TITLE = re.compile(
    r"\bLIVE\b|(?i:\blive(?:[- ]?(?:blog|ticker|updates?|coverage)|:)|liveblog|liveticker|\bas it happened\b|"
    r"\ben direct\b|\ben vivo\b|\bao vivo\b|\bin diretta\b)"
)
# Repeated containers that are not a live blog's updates (comment threads, teaser cards).
_NOT_UPDATE_CLASS = re.compile(r"comment|reply|related|teaser|card|promo|recommend", re.I)
# A live blog's updates are only read when the text found so far holds fewer than this many.
MIN_COVERED_UPDATES = 3


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
        if _UPDATE_CLASS.search(cls) and not _NOT_UPDATE_CLASS.search(cls):
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
    if tree is None or not (is_live or (title and _LIVE_TITLE.search(title))):
        return []
    return visible_updates(tree)


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
        if _overlap(line, update_keys) >= 0.6:
            break
        intro.append(line)
    out = list(intro)
    for u in updates:
        if u.get("headline"):
            out.append(u["headline"])
        out.extend(paragraphs(u.get("articleBody", "")))
    return out
