"""One function per Article field, each returning the field's final value.

Each reads the parsed ``Page`` (and its main JSON-LD article object ``ld``) and applies the
rule docs/fields.md gives for that field. Where to look is in ``metaxpaths.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

from newscrawler.extraction import dates
from newscrawler.extraction import metaxpaths as mx
from newscrawler.extraction.authors import page_authors
from newscrawler.extraction.language import normalise_language
from newscrawler.extraction.page import Page
from newscrawler.items import Author, Image
from newscrawler.text import fold_title, markup_text, squash
from newscrawler.urls import is_http_url

# --- value helpers ---


def strs(value: Any) -> list[str]:
    """Strings from a JSON-LD value that may be a string, a list, or objects with a name."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return strs(value.get("name") or value.get("@value"))
    if isinstance(value, list):
        return [s for v in value for s in strs(v)]
    return []


def first_str(value: Any) -> str | None:
    found = strs(value)
    return found[0] if found else None


def _strs_or_number(value: Any) -> list[Any]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    return strs(value)


# --- URL and site ---


def canonical_url(page: Page) -> str | None:
    for c in [*page.xpath(mx.CANONICAL_XPATH), page.meta_first("og:url")]:
        if c and c.strip():
            absolute = urljoin(page.url, c.strip())
            if is_http_url(absolute):
                return safe_url_string(absolute)
    return None


def _stated_site_names(page: Page, ld: dict[str, Any]) -> list[str]:
    """The names the page itself gives its site: JSON-LD publisher, og:site_name, WebSite/Organization."""
    pub = ld.get("publisher")
    names = strs(pub if not isinstance(pub, list) else pub[:1])
    names += [n for n in (page.meta_first(name) for name in mx.SITE_NAME_META) if n]
    for obj in page.jsonld:
        if "WebSite" in str(obj.get("@type")) or "Organization" in str(obj.get("@type")):
            names += strs(obj.get("name"))
    return [squash(n) for n in names if n.strip()]


def publisher(page: Page, ld: dict[str, Any]) -> str | None:
    """The site's name as the page states it (never guessed from the host name)."""
    return next(iter(_stated_site_names(page, ld)), None)


def site_names(page: Page, ld: dict[str, Any]) -> list[str]:
    """Every name the site goes by here, for stripping from titles and telling from authors:
    the names the page states, then the host's first label and the host."""
    names = _stated_site_names(page, ld)
    host = urlsplit(page.url).hostname or ""
    labels = [x for x in host.split(".") if x not in ("www", "m", "amp", "com", "co", "org", "net", "news")]
    if labels:
        names.append(labels[0])
    if host:
        names.append(host.removeprefix("www."))
    seen: set[str] = set()
    out = []
    for n in names:
        if n.casefold() not in seen:
            seen.add(n.casefold())
            out.append(n)
    return out


# --- headline ---


# A title part that is a date ("DW | 28.04.2023") is the site's stamp, not the headline.
_DATE_PART = re.compile(r"^\W*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\W*$")
# A byline after the site name ("… | The Gateway Pundit | by Cristina Laila").
_BY_PART = re.compile(r"^(?:by|von|par|por|door|av)\s+\S+(?:\s+\S+){0,3}$", re.I)
# Separators a cross-source comparison accepts between a headline and an affix ("X - national").
_AFFIX_SEP = re.compile(r"^\s*(?:\||-|–|—|::|·|•|»|/|\*|:|ㅣ|ᅵ)\s*")
# A kicker before the headline: a few words ending in a separator ("Neue Leipziger Schule: ").
_KICKER = re.compile(r"^\S(?:[^:|]*\S)?(?::|\s+[|–—-])\s+$")


def strip_site_name(
    title: str, sites: Iterable[str], sections: Iterable[str] = (), keep_kicker: bool = False
) -> str:
    """Remove "| Site", "- Site" and "Site: " affixes naming the site (the one place this is done).

    A part is the site's when it names the site (JSON-LD publisher, og:site_name, host name
    tokens), is the article's section printed after the headline ("… - Politik"), a date stamp
    ("… | DW | 28.04.2023") or a byline after them ("… | Site | by A. Name"). A title nothing was cut from keeps its own first character
    (Nordic quote dash: "- Angsten vil øke"). A one- or two-word kicker before "|" ("Opinion | …")
    is cut unless ``keep_kicker`` (the visible <h1> prints it as part of the headline).
    """
    title = squash(title)
    keys = [s.casefold().replace(" ", "") for s in sites if s]
    section_keys = {s.casefold().replace(" ", "") for s in sections if s}
    parts = mx.TITLE_SEPARATORS.split(title)
    if len(parts) <= 1:
        return title

    def is_site(part: str) -> bool:
        p = part.casefold().replace(" ", "")
        if _DATE_PART.match(part):
            return True
        return any(p == k or (len(k) > 3 and (k in p or p in k) and len(p) < 40) for k in keys)

    def is_tail(part: str) -> bool:
        return is_site(part) or part.casefold().replace(" ", "") in section_keys or bool(_BY_PART.match(part))

    cut = False
    while len(parts) > 1 and is_tail(parts[-1]):
        parts.pop()
        cut = True
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
        cut = True
    # A one- or two-word section kicker before a long headline ("Opinion | ...").
    if (
        not keep_kicker
        and len(parts) > 1
        and re.match(re.escape(parts[0]) + r"\s*\|", title)
        and len(parts[0].split()) <= 2
        and len(" ".join(parts[1:]).split()) >= 4
    ):
        parts.pop(0)
        cut = True
    if not cut:
        return title
    # Rebuild with the original separators by cutting the title, not re-joining parts.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    if start >= 0 and end > start:
        title = title[start:end]
    return title.strip(" |-–—:ㅣᅵ：")


def _clean_title(value: str | None, sites: list[str], sections: list[str], keep_kicker: bool = False) -> str:
    found = markup_text(value)
    return strip_site_name(found, sites, sections, keep_kicker) if found else ""


def _h1_texts(page: Page) -> list[tuple[str, bool]]:
    """Visible <h1> texts with any kicker element taken out, and whether each sits in the article."""
    out = []
    for h in page.xpath("//h1")[:6]:
        kickers = [markup_text(k.text_content()) or "" for k in h.xpath(mx.KICKER_XPATH)]
        found = markup_text(h.text_content()) or ""
        for k in kickers:
            if k and found.startswith(k) and len(found) > len(k) + 8:
                found = found[len(k) :].strip(" :|-–—")
        if 3 <= len(found) <= 300:
            out.append((found, bool(h.xpath(mx.IN_ARTICLE_XPATH))))
    return out


def _shorter_form(best: str, others: list[str]) -> str:
    """The headline without an affix or kicker that another source of the page leaves out.

    When another source gives the same words without a trailing "| Sport", "- national" or
    "– DW – 13.06.2023", the difference is the site's decoration, not the headline (the page's own sources are compared, so an affix is
    recognised even when it names nothing the page states elsewhere). When it gives them without a
    leading "Kicker: " (a short phrase ending in a separator), that is the kicker printed above the
    headline.
    """
    folded = fold_title(best)
    for other in others:
        o = fold_title(other)
        if len(o.split()) < 3 or len(o) >= len(folded):
            continue
        if folded.startswith(o) and _AFFIX_SEP.match(folded[len(o) :]):
            return other
        # The kicker's cut leaves the headline as written, capitals and all.
        exact, o_exact = fold_title(best, case=True), fold_title(other, case=True)
        kicker = exact[: len(exact) - len(o_exact)]
        if exact.endswith(o_exact) and _KICKER.match(kicker) and len(kicker.split()) <= 6:
            return other
    return best


def title_texts(page: Page, ld: dict[str, Any]) -> list[str]:
    """Every title the page gives itself (JSON-LD, og/twitter, <h1>s, <title>), as written: printed
    again above the article text, any of them is the headline repeated, not a paragraph."""
    found = [first_str(ld.get("headline")), page.meta_first(*mx.HEADLINE_META)]
    found += [h for h, _ in _h1_texts(page)]
    found += page.xpath("//title/text()")[:1]
    return [t for t in (markup_text(f) for f in found) if t]


def headline(page: Page, ld: dict[str, Any], sites: list[str]) -> str | None:
    """JSON-LD headline, else og/twitter title, else the article's <h1>, else <title>.

    Site-name affixes are stripped from every source; an affix or a leading kicker that another
    of the page's titles for machines (og:title, twitter:title, a ``headline`` meta tag, <title>)
    leaves out is cut; a truncated title ("…") gives way to a longer source that starts with it;
    an <h1> loses its kicker element.
    """
    title_tags = page.xpath("//title/text()")
    h1s = _h1_texts(page)
    in_article = [t for t, inside in h1s if inside]
    h1_raw = in_article[0] if in_article else (h1s[0][0] if len(h1s) == 1 else None)
    secs = [t for t in (markup_text(s) for s in sections(page, ld)) if t]
    # A "Kicker | " the visible <h1> prints in its own text (not in a kicker element) is its headline's.
    keep = bool(h1_raw) and strip_site_name(h1_raw or "", sites, secs) != strip_site_name(
        h1_raw or "", sites, secs, True
    )
    ld_title = _clean_title(first_str(ld.get("headline")) or first_str(ld.get("name")), sites, secs, keep)
    meta_title = _clean_title(page.meta_first(*mx.PLAIN_HEADLINE_META), sites, secs, keep)
    og_title = _clean_title(page.meta_first(*mx.HEADLINE_META), sites, secs, keep)
    tw_title = _clean_title(page.meta_first(*mx.HEADLINE_META[1:]), sites, secs, keep)
    title_tag = _clean_title(title_tags[0] if title_tags else None, sites, secs, keep)
    h1 = strip_site_name(h1_raw, sites, secs, keep) if h1_raw else ""
    machine = [c for c in (ld_title, meta_title, og_title, tw_title, title_tag) if c]
    candidates = [c for c in (ld_title, og_title, h1, title_tag) if c]
    if not candidates:
        return None
    best = candidates[0]
    if best.endswith(("…", "...")):
        stem = best.rstrip("….").strip()
        longer = [c for c in candidates if c.startswith(stem) and len(c) > len(stem)]
        if longer:
            best = longer[0]
    # The page's titles for machines are compared with each other; a shorter <h1> is a
    # different (visible) wording, not evidence that the rest is decoration.
    return _shorter_form(best, [c for c in dict.fromkeys(machine) if fold_title(c) != fold_title(best)])


def description(page: Page, ld: dict[str, Any]) -> str | None:
    return markup_text(ld.get("description")) or markup_text(page.meta_first(*mx.DESCRIPTION_META))


def declared_language(page: Page, ld: dict[str, Any]) -> str | None:
    tree = page.tree
    return normalise_language(
        first_str(ld.get("inLanguage"))
        or page.meta_first(*mx.LANGUAGE_META)
        or (tree.get("lang") if tree is not None else None)
        or (tree.get("xml:lang") if tree is not None else None)
    )


# --- authors ---


def authors(page: Page, ld: dict[str, Any], sites: list[str]) -> list[Author]:
    """The first source that names a person; else an agency (rules in ``authors.py``)."""
    return [Author(n) for n in page_authors(page, ld, sites, sections(page, ld))]


# --- dates ---


def _parse_all(values: Iterable[Any], now: datetime, languages: list[str] | None) -> list[dates.Stamp]:
    return [s for s in (dates.parse_any(v, now, languages) for v in values) if s]


def date_published(
    page: Page, ld: dict[str, Any], now: datetime, languages: list[str] | None
) -> dates.Stamp | None:
    """The first source that gives one (JSON-LD, meta, <time>), refined by agreeing later ones;
    else a date written for people in the byline area; else htmldate."""
    ld_pub = _strs_or_number(ld.get("datePublished")) + _strs_or_number(ld.get("dateCreated"))
    meta_pub = [v for name in mx.PUBLISHED_META for v in page.meta.get(name, [])]
    time_pub = page.xpath(mx.PUBLISHED_TIME_XPATH) + page.xpath(mx.ANY_TIME_XPATH)[:3]
    found = dates.choose(_parse_all([*ld_pub, *meta_pub, *time_pub], now, languages))
    return found or _visible_date(page, now, languages) or _htmldate(page)


def date_modified(
    page: Page, ld: dict[str, Any], now: datetime, published: dates.Stamp | None
) -> dates.Stamp | None:
    """The first source that gives one; never the serving time, never before publication."""
    candidates = [
        *_strs_or_number(ld.get("dateModified")),
        *(v for name in mx.MODIFIED_META for v in page.meta.get(name, [])),
        *page.xpath(mx.MODIFIED_TIME_XPATH),
    ]
    modified = dates.choose(_parse_all(candidates, now, None))
    if modified is not None and (
        abs((modified.utc() - now.astimezone(UTC)).total_seconds()) < 600
        or (published is not None and modified.utc() < published.utc())
    ):
        return None
    return modified


def _visible_date(page: Page, now: datetime, languages: list[str] | None) -> dates.Stamp | None:
    """A date in the visible byline area, written for people."""
    for el in page.xpath(mx.DATE_CLASS_XPATH)[:30]:
        found = squash(el.text_content())
        if 6 <= len(found) <= 80:
            stamp = dates.parse_text(found, now, languages)
            if stamp:
                return stamp
    return None


def _htmldate(page: Page) -> dates.Stamp | None:
    if page.tree is None:
        return None
    try:
        from htmldate import find_date

        found = find_date(page.tree, extensive_search=False, original_date=True, url=page.url)
    except Exception:  # htmldate is a heuristic; its failures are not ours to raise
        return None
    return dates.parse_iso(found) if found else None


# --- the rest ---


def sections(page: Page, ld: dict[str, Any]) -> list[str]:
    return strs(ld.get("articleSection")) + page.meta.get("article:section", [])


def article_section(page: Page, ld: dict[str, Any]) -> str | None:
    return next((t for t in (markup_text(s) for s in sections(page, ld)) if t), None)


def keywords(page: Page, ld: dict[str, Any]) -> list[str]:
    raw: list[str] = []
    kw = ld.get("keywords")
    raw += kw.split(",") if isinstance(kw, str) else strs(kw)
    raw += page.meta.get("article:tag", [])
    for name in mx.KEYWORD_META:
        for v in page.meta.get(name, []):
            raw += v.split(",")
    seen: set[str] = set()
    out = []
    for k in raw:
        k = markup_text(k) or ""
        if k and len(k) < 80 and k.casefold() not in seen and ":" not in k:
            seen.add(k.casefold())
            out.append(k)
    return out[:30]


def main_image(page: Page, ld: dict[str, Any]) -> Image | None:
    found: list[str] = []

    def add(v: Any) -> None:
        if isinstance(v, str):
            found.append(v)
        elif isinstance(v, dict):
            add(v.get("url") or v.get("contentUrl") or v.get("@id"))
        elif isinstance(v, list) and v:
            add(v[0])

    add(ld.get("image"))
    add(ld.get("thumbnailUrl"))
    add(page.meta_first(*mx.IMAGE_META))
    for u in found:
        u = u.strip()
        if u and not u.startswith("data:"):
            return Image(safe_url_string(urljoin(page.url, u)))
    return None


_FALSE = {"false", "0", "no"}
_TRUE = {"true", "1", "yes"}


def accessible_for_free(page: Page, ld: dict[str, Any]) -> bool | None:
    """JSON-LD isAccessibleForFree (on the article or its parts), then paywall meta markers."""
    values = [ld.get("isAccessibleForFree")]
    parts = ld.get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict):
            values.append(part.get("isAccessibleForFree"))
    for v in values:
        if isinstance(v, bool):
            return v
        if isinstance(v, str) and v.strip().lower() in _FALSE | _TRUE:
            return v.strip().lower() in _TRUE
    tier = (page.meta_first(*mx.CONTENT_TIER_META) or "").lower()
    if tier in ("locked", "metered", "premium", "paid"):
        return False
    if tier == "free":
        return True
    return None
