"""Author names: people only, cleaned of prefixes, roles, datelines and addresses.

``page_authors`` reads a page's author sources in order of preference (JSON-LD, meta tags,
the visible byline, a labelled "Author:" field, a byline opening the body) and takes the
first that names a person; ``clean_authors`` turns one source's strings into names.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from newscrawler.extraction import metaxpaths as mx
from newscrawler.extraction import patterns as px
from newscrawler.extraction.page import Page
from newscrawler.text import fold_case, node_text, squash


def _strip(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = px.OPEN_BRACKET.sub("", px.BRACKETED.sub("", name))
    name = px.EMAIL.sub("", name)
    name = px.URL.sub("", name)
    name = px.HANDLE.sub("", name)
    name = re.sub(r"\s+", " ", name).strip(" \t\n,;:|-–—·•*()[]\"'“”")
    for _ in range(2):
        name = px.NAME_PREFIX.sub("", name).strip()
    name = px.DATE_BITS.sub("", name).strip(" ,;:|-–—·")
    if not px.DESK.search(name):  # a desk's name keeps its words ("Guardian staff reporter")
        name = px.ROLE.sub("", name).strip(" ,;:|-–—·")  # a part that is only a role goes entirely
    return px.ROLE_SUFFIX.sub("", name).strip(" ,;:|-–—·•()")


def split_names(raw: str) -> list[str]:
    """One byline string to separate names ("By A, B and C" -> [A, B, C])."""
    raw = px.NAME_PREFIX.sub("", px.BRACKETED.sub("", squash(raw)))
    if px.EMAIL.fullmatch(raw.strip()):
        return []
    parts = px.NAME_SEPARATOR.split(raw) if len(raw) > 3 else [raw]
    return [p for p in (_strip(p) for p in parts if p) if p]


def looks_like_name(name: str, structured: bool = False) -> bool:
    """Plausibly a name. Structured sources (JSON-LD, meta) may be lower-case; bylines may not."""
    if not name or len(name) > 60 or px.JUNK_NAME.match(name) or px.CREDIT_WORDS.search(name):
        return False
    if all(w in px.NOT_NAMES for w in re.findall(r"\w+", name.casefold())):
        return False
    if name.casefold() in px.AGENCIES:  # "dpa" is written lower-case
        return True
    if any(ch.isdigit() for ch in name):
        return False
    # A slug ("jane-doe") is a handle; a domain ("daily.example") a site, named in a structured source.
    if px.SLUG.fullmatch(name) and not (structured and px.DOMAIN.fullmatch(name)):
        return False
    words = name.split()
    if len(words) > 6:
        return False
    # Scripts without case (CJK, Hangul...) have no capitals to check.
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return False
    if any(c.isupper() or c.islower() for c in letters):
        if structured:
            return True
        # A byline name: every word capitalised, bar particles ("de", "van", "bin").
        return words[0].casefold() not in ("the", "a", "an", "der", "die", "das", "le", "la", "el") and all(
            w[0].isupper() or w.casefold() in px.PARTICLES for w in words if w[0].isalpha()
        )
    return True


def _site_words(site_names: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for site in site_names:
        words.update(
            w for w in re.findall(r"\w+", site.casefold()) if w not in px.SITE_STOPWORDS and len(w) > 2
        )
    return words


def is_site(name: str, site_names: Iterable[str] = ()) -> bool:
    """The site, one of its desks or regional names ("MDR Sachsen", "Guardian staff"): the name
    shares a word with the site's names or host, or has the site's name in it."""
    key = name.casefold()
    sites = [s for s in site_names if s]
    if any(key == s.casefold() or (len(s) > 3 and s.casefold() in key) for s in sites):
        return True
    words = set(re.findall(r"\w+", key))
    if words & _site_words(sites):
        return True
    # "Ilanga D" on ilanganews.co.za: a first word that opens the host's name.
    hosts = [s.casefold().replace(" ", "") for s in sites]
    first = next(iter(re.findall(r"\w+", key)), "")
    return len(first) > 3 and any(h.startswith(first) for h in hosts)


def is_agency(name: str, site_names: Iterable[str] = ()) -> bool:
    """An agency, a desk or the site: an author only when no person is named."""
    key = name.casefold()
    if key in px.AGENCIES or is_site(name, site_names):
        return True
    # domain names and "X Staff", "X Newsroom", "Redaktion X"
    return bool(px.DOMAIN_END.search(key) or px.DESK.search(key))


def clean_authors(
    raw: Iterable[str],
    site_names: Iterable[str] = (),
    structured: bool = False,
    not_names: Iterable[str] = (),
    orgs: Iterable[str] = (),
) -> list[str]:
    """Names in source order, deduplicated; agencies, desks and the site's own name only when
    no person is named. ``not_names`` are words of the page that are no one's name (a
    dateline's place, the article's section); ``orgs`` are raw values the source itself calls
    organisations (a JSON-LD ``Organization``)."""
    people, others = _people_and_others(list(raw), list(site_names), structured, not_names, orgs)
    return people or others[:3]


def _people_and_others(
    raw: list[str], sites: list[str], structured: bool, not_names: Iterable[str], orgs: Iterable[str]
) -> tuple[list[str], list[str]]:
    skip = {fold_case(n) for n in not_names}
    org_keys = {fold_case(o) for o in orgs}
    seen: set[str] = set()
    names: list[str] = []
    organisations: set[str] = set()
    places: set[str] = set()
    for value in raw:
        parts = split_names(value)
        # One name with a web address beside it is an organisation's ("Deutsche Welle (www.dw.com)").
        domain = None if px.EMAIL.search(value) or len(parts) != 1 else px.DOMAIN.search(value)
        value_is_org = domain is not None or fold_case(value) in org_keys
        previous = ""
        for name in parts:
            key = fold_case(name)
            # A lone word after an agency is the dateline's place ("Reuters, London").
            if (
                previous
                and len(name.split()) == 1
                and name.isascii()
                and is_agency(previous, sites)
                and not is_agency(name, sites)
            ):
                places.add(name)
            previous = name
            if key in seen or key in skip or not looks_like_name(name, structured):
                continue
            seen.add(key)
            names.append(name)
            if value_is_org:
                organisations.add(name)
    names = [n for n in names if n not in places]
    people = [n for n in names if n not in organisations and not is_agency(n, sites)]
    # Beside full names, a lone word is a handle or an outlet ("Futurism"), not a co-author.
    if any(len(n.split()) > 1 for n in people):
        people = [n for n in people if len(n.split()) > 1 or not n.isascii()]
    return people, [n for n in names if n not in people]


# --- where on a page ---


def _class_words(token: str) -> set[str]:
    words = [w.lower() for w in px.CLASS_WORD.findall(token)]
    return set(words) | {a + b for a, b in itertools.pairwise(words)}


def _elsewhere(el: Any, lists_too: bool = True) -> bool:
    """Inside a teaser, a related-articles box, a menu, the page's footer or a short secondary
    <article>: met on the way up from the element before the container it shares with the
    headline (the article's own). A node whose class names an author or a byline is the
    byline itself, whatever else its class says ("byline card-content")."""
    tree = el.getroottree()
    headlines = tree.xpath("//h1")
    headline_containers = {a for h1 in headlines for a in h1.iterancestors()}
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag not in ("body", "html"):
        if node is not el and node in headline_containers:
            return False
        # A <footer> inside the article or <main> is the article's own (its author box).
        if node.tag in px.ELSEWHERE_TAGS and (
            node.tag != "footer" or not any(a.tag in ("article", "main") for a in node.iterancestors())
        ):
            return True
        tokens = [t for attr in ("class", "id") for t in (node.get(attr) or "").split()]
        words = set().union(*(_class_words(t) for t in tokens)) if tokens else set()
        if words & px.NAV_WORDS:
            return True
        teaser = words & px.TEASER_WORDS
        if teaser <= px.WEAK_TEASER_WORDS and (
            not lists_too or any(a.tag in ("article", "main") for a in node.iterancestors())
        ):
            teaser = set()  # a list or a card inside the article is the article's own
        if teaser and not any(px.AUTHOR_WORD.search(t) for t in tokens):
            return True
        if node.tag == "article" and node is not el:
            # One of several <article>s, without a headline and with little text: a teaser.
            # Else inside the article itself, whatever its parents are called.
            return bool(
                headlines
                and len(tree.xpath("//article")) > 1
                and len(" ".join(node.xpath(".//p//text()"))) < 500
            )
        node = node.getparent()
    return False


def _ld_people(value: Any) -> tuple[list[str], list[str]]:
    """Names in a JSON-LD ``author`` value, and those of them that are organisations (by
    ``@type``, or an account such as ``/author/admin/``)."""
    if isinstance(value, str):
        return ([value], []) if not value.startswith("http") else ([], [])
    if isinstance(value, dict):
        name = value.get("name")
        names: list[str] = []
        if isinstance(name, list):
            names = [n for n in name if isinstance(n, str)]
        elif isinstance(name, str):
            names = [name]
        else:
            given, family = value.get("givenName"), value.get("familyName")
            if isinstance(given, str) and isinstance(family, str):
                names = [f"{given} {family}"]
        kind = str(value.get("@type") or "")
        link = " ".join(str(value.get(k) or "") for k in ("@id", "url"))
        org = "Organization" in kind or "Organisation" in kind or bool(px.ACCOUNT_LINK.search(link))
        return names, names if org else []
    if isinstance(value, list):
        out: list[str] = []
        orgs: list[str] = []
        for v in value:
            n, o = _ld_people(v)
            out += n
            orgs += o
        return out, orgs
    return [], []


def _labelled(page: Page) -> list[str]:
    """Names after an "Author" label: "<strong>Autorin/Autor</strong> Jane Doe", or a short
    line that opens with one and a colon ("<li>Von: <a>Jane Doe</a>, <a>John Roe</a></li>")."""
    found: list[str] = []
    for el in page.xpath(
        "//*[self::li or self::p or self::div or self::span or self::dd][contains(text(), ':')]"
    ):
        t = node_text(el)
        if (
            len(found) < 4
            and 4 < len(t) < 120
            and px.AUTHOR_LABEL_LINE.match(el.text or "")
            and not _elsewhere(el)
        ):
            found.append(t.split(":", 1)[1])
    if found:
        return found
    for el in page.xpath("//strong|//b|//dt|//th|//span|//label"):
        if len(found) >= 4 or not px.AUTHOR_LABEL.match(node_text(el)) or _elsewhere(el, lists_too=False):
            continue
        after = (el.tail or "").strip()
        if not after:
            nxt = el.getnext()
            after = node_text(nxt) if nxt is not None else ""
        if 2 < len(after) < 80:
            found.append(after)
    return found


def editors(page: Page) -> set[str]:
    """Names the page labels as its editor's: never the author, whichever source gives them
    (JSON-LD ``author`` holding the editor while the visible byline names the reporter)."""
    found: set[str] = set()
    for node in page.xpath(px.EDITOR_TEXT_XPATH):
        parent = node.getparent()
        if parent is None or parent.tag in ("script", "style") or not px.EDITOR_WORD.search(node):
            continue
        line = node_text(parent)
        match = px.EDITOR_LINE.match(line) if len(line) < 100 else None
        if match:
            for name in split_names(match.group("a") or match.group("b")):
                found.add(fold_case(_strip(name)))
    return found


def _body_byline(page: Page) -> list[str]:
    """Bylines opening the body: among the first paragraphs after the headline, a short one
    that says "By Jane Doe" (a standfirst may come first), or, before the first long one, one
    that is all bold ("<p><strong>Jane Doe/John Roe</strong></p>") right before running text."""
    found = []
    paragraphs = page.xpath("(//h1)[1]/following::p[normalize-space()][position() <= 6]")
    running = False  # past the first long paragraph
    for i, p in enumerate(paragraphs):
        t = node_text(p)
        if len(t) > 120:
            running = True
            continue
        if _elsewhere(p):
            continue
        bold = "".join(squash(b.text_content()) for b in p.xpath("./strong|./b"))
        if px.BYLINE_OPENING.match(t) and i < 3:
            found.append(t.split(",")[0] if " in " in t else t)
        elif (
            not running
            and len(t) < 80
            and bold
            and bold.replace(" ", "") == t.replace(" ", "")
            and i + 1 < len(paragraphs)
            and len(node_text(paragraphs[i + 1])) > 120
        ):
            found.append(t)
    return found[:3]


def dateline_places(page: Page, ld: dict[str, Any]) -> set[str]:
    """Places that open the article as datelines ("KYIV (AFP) —", "BERLIN —", "Berlin. ")."""
    openings = [page.meta_first("og:description", "description") or ""]
    for key in ("articleBody", "description"):
        if isinstance(ld.get(key), str):
            openings.append(ld[key][:200])
    openings += [
        node_text(p)[:200] for p in page.xpath("(//h1)[1]/following::p[normalize-space()][position() <= 4]")
    ]
    places = set()
    for opening in openings:
        m = px.DATELINE.match(opening)
        if not m:
            continue
        place = m.group("place").strip(" .")
        if (
            m.group("agency")
            or (place.isupper() and len(place) > 2)
            or (m.group("sep") == "." and " " not in place)
        ):
            places.add(place)
    return places


def page_authors(page: Page, ld: dict[str, Any], sites: list[str], sections: Iterable[str] = ()) -> list[str]:
    """The first source that names a person; else the first that names anyone (an agency, a
    desk, the site).
    Sources in order: JSON-LD ``author``, author meta tags, the visible byline (not a teaser's),
    a labelled author field, a byline opening the body."""
    not_names = dateline_places(page, ld) | {s for s in sections if s} | editors(page)
    fallback: list[str] = []
    publisher_only = False  # the fallback is the site itself, typed Organization: a template's default
    for i, (raw, orgs) in enumerate(_sources(page, ld)):
        people, others = _people_and_others(raw, sites, i < 2, not_names, orgs)
        if people:
            return people
        agencies = [o for o in others if o.casefold() in px.AGENCIES]
        if publisher_only and agencies:
            fallback, publisher_only = agencies[:3], False
        elif not fallback and others:
            fallback = others[:3]
            publisher_only = all(o in orgs and is_site(o, sites) for o in fallback)
    return fallback


def _sources(page: Page, ld: dict[str, Any]) -> Iterator[tuple[list[str], list[str]]]:
    """Each source's author strings and those it calls organisations, read only when the
    ones before it name no person."""
    yield _ld_people(ld.get("author")) if ld else ([], [])
    meta = [
        v
        for name in mx.AUTHOR_META
        for v in page.meta.get(name, [])
        if v.strip() and not v.strip().startswith(("http", "@", "/"))
    ]
    yield meta, []
    for query in mx.BYLINE_XPATH:
        found: list[str] = []
        for el in page.xpath(query):
            if len(found) == 4:
                break
            if not _elsewhere(el):
                found.append(node_text(el))
        found = [f for f in found if 2 < len(f) < 120]
        if found:
            yield found, []
            break
    yield _labelled(page), []
    yield _body_byline(page), []
