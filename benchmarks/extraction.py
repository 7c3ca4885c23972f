"""Extraction quality and speed: newscrawler against trafilatura, same pages, same run.

    python benchmarks/extraction.py [--aeb ../shared/datasets/aeb] [--fields ../shared/datasets/fundus-dev]

Table 1 (aeb): body precision / recall / F1 with the article-extraction-benchmark metric,
and median milliseconds per page. Table 2 (fundus-dev): headline, publish date, authors
and body, scored by the rules in that dataset's README. Table 3 (fundus-dev): each wrong
author (a predicted name not in the gold set) by kind of error, and the gold names missed.

How a wrong author's kind is decided (a heuristic of this benchmark only, never used by the
extractor), the first rule that holds:
1. truncated/partial: it is part of a gold name or a gold name part of it ("Jane Doe (jd"
   beside gold "Jane Doe"), or it has an unbalanced bracket;
2. site/desk/org: a word of it is a word of the site's names (og:site_name, JSON-LD publisher,
   host), or it has a desk or organisation word (Staff, Desk, Redaktion, News...), or it is a
   known agency, or the page's copyright line names it ("© Deutsche Welle");
3. place/dateline: it opens a paragraph as a dateline does ("KYIV (AFP) -", "Berlin. ",
   "PARIS, May 5 -"), or follows a name after a comma in the page text ("Anna Doe, Nairobi");
4. section/menu/widget: a menu or widget word (Home, Login, Politik...) or the whole text of a
   link in the page's navigation (nav, menu, breadcrumb, header, footer);
5. teaser author: the page's text names it elsewhere (a person, not the article's author);
6. other.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trafilatura import bare_extraction

from newscrawler.extraction import extract_article
from newscrawler.extraction.fields import site_names
from newscrawler.extraction.metric import body_scores
from newscrawler.extraction.page import Page

HERE = Path(__file__).resolve().parent


@dataclass
class Prediction:
    headline: str = ""
    body: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()


def run_newscrawler(html: bytes, url: str) -> Prediction:
    a = extract_article(html, url)
    return Prediction(
        headline=a.headline or "",
        body=a.articleBody or "",
        published=a.datePublished or "",
        authors=tuple(x.name for x in a.authors or ()),
    )


def run_trafilatura(html: bytes, url: str) -> Prediction:
    doc = bare_extraction(
        html,
        url=url,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    if doc is None:
        return Prediction()
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    authors = tuple(a.strip() for a in (d.get("author") or "").split(";") if a.strip())
    return Prediction(d.get("title") or "", d.get("text") or "", d.get("date") or "", authors)


EXTRACTORS: dict[str, Callable[[bytes, str], Prediction]] = {
    "newscrawler": run_newscrawler,
    "trafilatura": run_trafilatura,
}


def timed(fn: Callable[[bytes, str], Prediction], html: bytes, url: str) -> tuple[Prediction, float]:
    start = time.perf_counter()
    out = fn(html, url)
    return out, (time.perf_counter() - start) * 1000


# --- fundus-dev scoring rules (see that dataset's README) ---


def norm_text(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s or "").split()).casefold()


def parse_when(s: str) -> datetime | None:
    if not s:
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


def same_minute(gold: str, gold_has_time: bool, pred: str) -> bool:
    g, p = parse_when(gold), parse_when(pred)
    if g is None or p is None:
        return False
    if not gold_has_time:
        return g.date() == p.date()
    if len(pred) <= 10:  # a day alone cannot match a time
        return False
    if g.tzinfo and p.tzinfo:
        g, p = g.astimezone(UTC), p.astimezone(UTC)
    else:  # naive on one side: compare wall-clock time
        g, p = g.replace(tzinfo=None), p.replace(tzinfo=None)
    return g.replace(second=0, microsecond=0) == p.replace(second=0, microsecond=0)


def same_day(gold: str, pred: str) -> bool:
    g, p = parse_when(gold), parse_when(pred)
    if g is None or p is None:
        return False
    if g.tzinfo and p.tzinfo:
        g = g.astimezone(p.tzinfo)  # the page's own calendar
    return g.date() == p.date()


def author_scores(gold: list[str], pred: tuple[str, ...]) -> tuple[float, bool]:
    g = {norm_text(x) for x in gold}
    p = {norm_text(x) for x in pred}
    if not g and not p:
        return 1.0, True
    tp = len(g & p)
    prec = tp / len(p) if p else 0.0
    rec = tp / len(g) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return f1, p <= g


# --- kinds of wrong author (benchmark only) ---

ERROR_KINDS = ("truncated", "site/desk/org", "place/dateline", "section/menu/widget", "teaser", "other")
_ORG_WORDS = re.compile(
    r"\b(?:staff|desk|team|newsroom|redaktion|rédaction|redacción|redazione|redactie|online|news|"
    r"nachrichten|agency|agencies|agentur|press|presse|media|wire|service|tv|radio|\w+\.(?:com|de|be|tr|co))\b",
    re.I,
)
_AGENCY_NAMES = {"reuters", "ap", "afp", "dpa", "sda", "apa", "kna", "epd", "efe", "ansa", "aa", "pa", "upi"}
_MENU_TEXT = """
    home startseite accueil inicio portada login log in sign anmelden einloggen connexion se connecter
    acceder iniciar sesión accedi registrieren register subscribe abonnieren menu menü search suche
    news nachrichten politik politics sport sports wirtschaft business kultur culture meinung opinion
    panorama international world welt inland ausland region lokal local video videos podcast
    newsletter live tech technik wissen science gesundheit health
"""
_MENU_WORDS = {w.casefold() for w in _MENU_TEXT.split()}
_NAV_LINKS = (
    "//nav//a | //*[contains(@class,'menu') or contains(@class,'breadcrumb') or contains(@class,'nav')]//a"
    " | //header//a | //footer//a"
)


def _words(s: str) -> set[str]:
    return set(re.findall(r"\w+", norm_text(s)))


def error_kind(name: str, gold: dict[str, Any], page: Page, page_text: str) -> str:
    """The kind of one wrong author (see the module docstring for the rules)."""
    key = norm_text(name)
    golds = [norm_text(g) for g in gold["authors"]]
    if any(key in g or g in key for g in golds if g) or name.count("(") != name.count(")"):
        return "truncated"
    sites = [gold.get("publisher") or "", *site_names(page, page.main_article())]
    host = re.sub(r"^www\.", "", re.sub(r"^\w+://", "", gold["url"]).split("/")[0])
    site_words = set().union(*(_words(s) for s in sites)) | set(host.split(".")[:-1])
    site_words -= {"the", "der", "die", "das", "le", "la", "el", "www", "news"}
    owner = re.search(rf"(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*)?{re.escape(name)}", page_text, re.I)
    if _words(name) & site_words or _ORG_WORDS.search(name) or key in _AGENCY_NAMES or owner:
        return "site/desk/org"
    n = re.escape(name)
    if re.search(
        rf"(?:^|\n)\s*{n}\s*(?:\([^)]{{1,40}}\)\s*)?(?:[-–—:.]|,\s*\w+\.?\s*\d)", page_text, re.I
    ) or re.search(rf"[A-Z]\w+ [A-Z]\w+, {n}\b", page_text):
        return "place/dateline"
    nav = {norm_text(a.text_content()) for a in page.xpath(_NAV_LINKS)}
    if key in _MENU_WORDS or all(w in _MENU_WORDS for w in key.split()) or key in nav:
        return "section/menu/widget"
    if re.search(n, page_text):
        return "teaser"
    return "other"


def author_errors(html: bytes, gold: dict[str, Any], pred: tuple[str, ...]) -> tuple[list[str], int]:
    """The kind of each wrong predicted author on one page, and how many gold names were missed."""
    g = {norm_text(x) for x in gold["authors"]}
    p = {norm_text(x) for x in pred}
    wrong = [x for x in pred if norm_text(x) not in g]
    if not wrong:
        return [], len(g - p)
    page = Page.load(html, gold["url"])
    root = page.tree
    page_text = ""
    if root is not None:
        for bad in root.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        page_text = "\n".join(" ".join(t.split()) for t in root.xpath("//body//text()") if t.strip())
    return [error_kind(x, gold, page, page_text) for x in wrong], len(g - p)


# --- datasets ---


def aeb_pages(root: Path) -> list[tuple[str, bytes, str, str]]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, gold in sorted(truth.items()):
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        pages.append((key, html, gold.get("url", ""), gold.get("articleBody", "")))
    return pages


def fundus_pages(root: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    pages = []
    for folder in sorted(p for p in root.iterdir() if (p / "gold.json").exists()):
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        pages.append((folder.name, gzip.decompress((folder / "page.html.gz").read_bytes()), gold))
    return pages


def bench_aeb(root: Path) -> dict[str, dict[str, float]]:
    pages = aeb_pages(root)
    results = {}
    for name, fn in EXTRACTORS.items():
        pairs, times = [], []
        for _key, html, url, gold in pages:
            pred, ms = timed(fn, html, url)
            pairs.append((gold, pred.body))
            times.append(ms)
        results[name] = {**body_scores(pairs), "median_ms": statistics.median(times)}
    return results


def bench_fields(root: Path, verbose: bool = False) -> dict[str, dict[str, float]]:
    pages = fundus_pages(root)
    results = {}
    for name, fn in EXTRACTORS.items():
        rows = []
        kinds: dict[str, int] = dict.fromkeys(ERROR_KINDS, 0)
        missed = 0
        for page_id, html, gold in pages:
            pred, _ = timed(fn, html, gold["url"])
            a_f1, no_wrong = author_scores(gold["authors"], pred.authors)
            page_kinds, page_missed = author_errors(html, gold, pred.authors)
            missed += page_missed
            for kind in page_kinds:
                kinds[kind] += 1
            row = {
                "headline": norm_text(gold["title"]) == norm_text(pred.headline),
                "minute": same_minute(gold["published"], gold["published_has_time"], pred.published),
                "day": same_day(gold["published"], pred.published),
                "authors_f1": a_f1,
                "no_wrong": no_wrong,
                "body": (gold["body"], pred.body),
            }
            rows.append(row)
            if verbose and name == "newscrawler":
                misses = [k for k in ("headline", "minute", "day", "no_wrong") if not row[k]]
                if a_f1 < 1:
                    misses.append("authors")
                if misses:
                    print(f"{page_id}: {' '.join(misses)}", file=sys.stderr)
                    if "headline" in misses:
                        print(f"   headline {pred.headline!r} gold {gold['title']!r}", file=sys.stderr)
                    if "minute" in misses or "day" in misses:
                        print(f"   date {pred.published!r} gold {gold['published']!r}", file=sys.stderr)
                    if "authors" in misses:
                        print(f"   authors {pred.authors!r} gold {gold['authors']!r}", file=sys.stderr)
                    if page_kinds:
                        print(f"   wrong author kinds {page_kinds}", file=sys.stderr)
        n = len(rows)
        results[name] = {
            "headline": sum(r["headline"] for r in rows) / n,
            "minute": sum(r["minute"] for r in rows) / n,
            "day": sum(r["day"] for r in rows) / n,
            "authors_f1": sum(r["authors_f1"] for r in rows) / n,
            "no_wrong": sum(r["no_wrong"] for r in rows) / n,
            "body_f1": body_scores(r["body"] for r in rows)["f1"],
            **{f"wrong:{k}": float(v) for k, v in kinds.items()},
            "missed": float(missed),
        }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_root = HERE.parent.parent / "shared" / "datasets"
    parser.add_argument("--aeb", type=Path, default=default_root / "aeb")
    parser.add_argument("--fields", type=Path, default=default_root / "fundus-dev")
    parser.add_argument("--skip-aeb", action="store_true")
    parser.add_argument("--skip-fields", action="store_true")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list newscrawler's misses on fundus-dev"
    )
    args = parser.parse_args(argv)

    if not args.skip_aeb:
        if not (args.aeb / "ground-truth.json").exists():
            parser.error(f"no aeb dataset at {args.aeb}")
        res = bench_aeb(args.aeb)
        print(f"\naeb ({args.aeb}): article body")
        print("| extractor | precision | recall | F1 | median ms/page |")
        print("|---|---|---|---|---|")
        for name, r in res.items():
            print(
                f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['median_ms']:.1f} |"
            )
    if not args.skip_fields:
        if not args.fields.is_dir():
            parser.error(f"no fundus-dev dataset at {args.fields}")
        res = bench_fields(args.fields, args.verbose)
        print(f"\nfundus-dev ({args.fields}): fields")
        print(
            "| extractor | headline exact | date to minute | same day | authors F1 | no wrong author | body F1 |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, r in res.items():
            print(
                f"| {name} | {r['headline']:.1%} | {r['minute']:.1%} | {r['day']:.1%} | "
                f"{r['authors_f1']:.3f} | {r['no_wrong']:.1%} | {r['body_f1']:.3f} |"
            )
        print(
            f"\nfundus-dev: wrong authors by kind (see {Path(__file__).name}'s docstring), and gold names missed"
        )
        print(f"| extractor | {' | '.join(ERROR_KINDS)} | all wrong | missed |")
        print("|---" * (len(ERROR_KINDS) + 3) + "|")
        for name, r in res.items():
            counts = [int(r[f"wrong:{k}"]) for k in ERROR_KINDS]
            print(f"| {name} | {' | '.join(map(str, counts))} | {sum(counts)} | {int(r['missed'])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
