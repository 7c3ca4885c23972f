"""Sites that teach themselves: what learning each site's template adds, and what it costs.

    python benchmarks/learning.py [--aeb ../shared/datasets/aeb] [--fields ../shared/datasets/fundus-dev]

A crawl is simulated page by page, as the spider runs it: each page is extracted with the paths
its site's earlier pages agreed on (``learning.learned_path`` over the last PATH_WINDOW pages, with
the crawl's NEWSCRAWLER_LEARN_AFTER and _SHARE defaults) and its own observations are added
after. Each page is also extracted without learning; the two are scored against gold.

1. The sample site (``sample_site``): its article pages in order.
2. Sites built from saved pages: every fundus-dev page whose body element can be found is a
   template for a site of --pages pages; each page carries another fundus-dev article's gold
   paragraphs (same language) in the template's body element, and every other page has no
   JSON-LD (many sites print structured data on some templates only), so its byline and
   date are only the template's visible text.
3. The dev sets as they are: each page learned from itself (its own template), and each
   site with several saved pages learned from its other pages: no page may get worse.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from newscrawler import settings  # noqa: E402
from newscrawler.extraction import extract_article  # noqa: E402
from newscrawler.extraction.article import observe_article  # noqa: E402
from newscrawler.extraction.learned import FIELDS, body_path  # noqa: E402
from newscrawler.extraction.metric import page_f1  # noqa: E402
from newscrawler.items import Article  # noqa: E402
from newscrawler.learning import learned_path  # noqa: E402
from newscrawler.state import PATH_WINDOW  # noqa: E402


@dataclass
class Gold:
    body: str
    authors: list[str] | None  # None: not in this gold (aeb has bodies only), not scored
    published: str | None


@dataclass
class Score:
    body: list[float] = field(default_factory=list)
    authors_found: int = 0  # pages where a gold author was named
    wrong_authors: int = 0  # pages naming someone not in gold
    day: int = 0
    pages: int = 0
    with_authors: int = 0  # pages whose gold has authors (aeb's has bodies only)
    with_date: int = 0
    ms: list[float] = field(default_factory=list)

    def add(self, article: Article, gold: Gold, ms: float) -> tuple[float, bool, bool, bool]:
        f1 = page_f1(gold.body, article.articleBody or "")
        names = {" ".join(a.name.casefold().split()) for a in article.authors or []}
        want = {" ".join(a.casefold().split()) for a in gold.authors or []}
        found, wrong = bool(names & want), gold.authors is not None and bool(names - want)
        day = bool(gold.published) and (article.datePublished or "")[:10] == (gold.published or "")[:10]
        self.body.append(f1)
        self.authors_found += found
        self.wrong_authors += wrong
        self.day += day
        self.pages += 1
        self.with_authors += gold.authors is not None
        self.with_date += bool(gold.published)
        self.ms.append(ms)
        return f1, found, wrong, day

    def row(self, name: str) -> str:
        na, nd = max(1, self.with_authors), max(1, self.with_date)
        return (
            f"| {name} | {self.pages} | {statistics.mean(self.body or [0]):.3f} | "
            f"{self.authors_found / na:.1%} | {self.wrong_authors / na:.1%} | {self.day / nd:.1%} | "
            f"{statistics.median(self.ms or [0]):.1f} |"
        )


HEADER = (
    "| run | pages | body F1 | author named* | wrong author* | date (day)* | median ms/page |\n"
    "|---|---|---|---|---|---|---|"
)


class Comparison:
    """Each page with and without learning; pages that got worse or better, per field."""

    def __init__(self) -> None:
        self.without, self.with_ = Score(), Score()
        self.worse: list[str] = []
        self.better: list[str] = []
        self.used: dict[str, int] = defaultdict(int)

    def add(
        self, name: str, html: bytes | str, url: str, gold: Gold, learned: dict[str, str]
    ) -> dict[str, str | None]:
        """Scores the page without and with the learned paths; where the page keeps each field."""
        start = time.perf_counter()
        plain = extract_article(html, url)
        mid = time.perf_counter()
        taught, taught_paths = observe_article(html, url, learned=learned)
        end = time.perf_counter()
        a = self.without.add(plain, gold, (mid - start) * 1000)
        b = self.with_.add(taught, gold, (end - mid) * 1000)
        for f in taught.metadata.learned:
            self.used[f] += 1
        # body F1 (higher), author named (higher), wrong author (lower), day (higher)
        if b[0] < a[0] - 1e-9 or (a[1] and not b[1]) or (b[2] and not a[2]) or (a[3] and not b[3]):
            self.worse.append(name)
        elif b[0] > a[0] + 1e-9 or (b[1] and not a[1]) or (a[2] and not b[2]) or (b[3] and not a[3]):
            self.better.append(name)
        return taught_paths

    def report(self, title: str) -> None:
        print(f"\n{title}")
        print(HEADER)
        print(self.without.row("generic rules"))
        print(self.with_.row("with learning"))
        print(f"(* of the {self.without.with_authors} pages whose gold has authors and a date)")
        added = statistics.median(b - a for a, b in zip(self.without.ms, self.with_.ms, strict=True))
        print(
            f"pages better {len(self.better)}, worse {len(self.worse)}; learned paths used: "
            f"{dict(self.used) or 'none'}; time added (median, observing included) {added:.2f} ms/page"
        )
        if self.worse:
            print(f"WORSE: {', '.join(self.worse[:20])}")
        if self.better:
            print(f"better: {', '.join(self.better[:20])}")


def crawl(comp: Comparison, pages: Iterator[tuple[str, bytes | str, str, Gold]]) -> None:
    """One site's pages in order, each with what the earlier pages agreed on."""
    after, share = settings.NEWSCRAWLER_LEARN_AFTER, settings.NEWSCRAWLER_LEARN_SHARE
    votes: dict[str, list[str | None]] = {f: [] for f in FIELDS}
    for name, html, url, gold in pages:
        learned = {f: p for f in FIELDS if (p := learned_path(votes[f][-PATH_WINDOW:], after, share))}
        for f, p in comp.add(name, html, url, gold, learned).items():
            votes[f].append(p)


# --- 1. the sample site ---


def sample_site_pages() -> Iterator[tuple[str, bytes | str, str, Gold]]:
    from sample_site.content import build_articles
    from sample_site.pages import article_page

    articles = build_articles(datetime.now(UTC))
    for a in articles:
        html = article_page(a, [o for o in articles if o is not a][:5])
        gold = Gold("\n\n".join(a.paragraphs), [a.author] if a.author else [], a.published.isoformat())
        yield a.slug, html, f"http://127.0.0.1:8000{a.path}", gold


# --- 2. sites built from saved pages ---


def load_fundus(root: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    out = []
    for d in sorted(p for p in root.iterdir() if (p / "gold.json").exists()):
        out.append(
            (
                d.name,
                gzip.decompress((d / "page.html.gz").read_bytes()),
                json.loads((d / "gold.json").read_text()),
            )
        )
    return out


def built_site(
    name: str, html: bytes, gold: dict[str, Any], donors: list[dict[str, Any]], n: int
) -> Iterator[tuple[str, bytes | str, str, Gold]]:
    """n pages of one real template, each carrying a donor article's paragraphs in its body element."""
    url = gold["url"]
    generic = extract_article(html, url).articleBody or ""
    tree = lxml.html.fromstring(html)
    path = body_path(tree, generic)
    if not path or not donors:
        return
    wanted = {" ".join(p.split()) for p in generic.split("\n\n")}
    for k in range(n):
        page = copy.deepcopy(tree)
        node = page.cssselect(path)[0]
        blocks = [
            b
            for b in node.iter("p", "h2", "h3", "h4", "li", "blockquote")
            if " ".join(b.text_content().split()) in wanted
        ]
        donor = donors[k % len(donors)]["body_paragraphs"]
        texts = [donor[j % len(donor)] for j in range(len(blocks))]
        for b, t in zip(blocks, texts, strict=True):
            for child in list(b):
                b.remove(child)
            b.text = t
        for script in page.xpath('//script[@type="application/ld+json"]'):
            if k % 2:
                script.getparent().remove(script)  # this template prints no structured data
            else:
                try:
                    data = json.loads(script.text or "")
                except ValueError:
                    continue
                _drop_key(data, "articleBody")  # the template's own story is not this page's
                script.text = json.dumps(data)
        body = "\n\n".join(dict.fromkeys(texts))
        yield f"{name}#{k}", lxml.html.tostring(page), url, Gold(body, gold["authors"], gold["published"])


def _drop_key(data: Any, key: str) -> None:
    if isinstance(data, dict):
        data.pop(key, None)
        for v in data.values():
            _drop_key(v, key)
    elif isinstance(data, list):
        for v in data:
            _drop_key(v, key)


# --- 3. the dev sets as they are ---


def dev_pages(
    aeb: Path, fundus: list[tuple[str, bytes, dict[str, Any]]]
) -> list[tuple[str, str, bytes, str, Gold]]:
    pages = [
        (name.rsplit("_", 3)[0], name, html, g["url"], Gold(g["body"], g["authors"], g["published"] or ""))
        for name, html, g in fundus
    ]
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for h, g in sorted(truth.items()):
        html = gzip.decompress((aeb / "html" / f"{h}.html.gz").read_bytes())
        # aeb's gold has bodies only
        pages.append(
            (
                urlsplit(g["url"]).hostname or h,
                f"aeb-{h[:10]}",
                html,
                g["url"],
                Gold(g["articleBody"], None, None),
            )
        )
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = HERE.parent.parent / "shared" / "datasets"
    parser.add_argument("--aeb", type=Path, default=root / "aeb")
    parser.add_argument("--fields", type=Path, default=root / "fundus-dev")
    parser.add_argument("--pages", type=int, default=8, help="pages per site built from a saved page")
    args = parser.parse_args(argv)
    if not (args.aeb / "ground-truth.json").exists() or not args.fields.is_dir():
        parser.error(f"datasets not found at {args.aeb} and {args.fields}")

    comp = Comparison()
    crawl(comp, sample_site_pages())
    comp.report("1. The sample site, its article pages in order")

    fundus = load_fundus(args.fields)
    by_lang: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, _, g in fundus:
        by_lang[g["language"]].append(g)
    comp = Comparison()
    sites = 0
    for name, html, g in fundus:
        donors = [d for d in by_lang[g["language"]] if d["url"] != g["url"]]
        pages = list(built_site(name, html, g, donors, args.pages))
        sites += bool(pages)
        crawl(comp, iter(pages))
    comp.report(f"2. {sites} sites built from saved fundus-dev pages, {args.pages} pages each")

    dev = dev_pages(args.aeb, fundus)
    comp = Comparison()
    for _site, name, html, url, gold in dev:
        own = observe_article(html, url)[1]
        comp.add(name, html, url, gold, {f: p for f, p in own.items() if p})
    comp.report(f"3a. The dev sets, {len(dev)} pages, each learned from itself")

    groups: dict[str, list[tuple[str, str, bytes, str, Gold]]] = defaultdict(list)
    for page in dev:
        groups[page[0]].append(page)
    comp = Comparison()
    for pages in groups.values():
        if len(pages) < 2:
            continue
        observed = {p[1]: observe_article(p[2], p[3])[1] for p in pages}
        for _site, name, html, url, gold in pages:
            others = [o for n, o in observed.items() if n != name]
            learned = {f: p for f in FIELDS if (p := learned_path([o[f] for o in others], 1, 0.5))}
            comp.add(name, html, url, gold, learned)
    comp.report("3b. The dev sets' sites with several pages, each page learned from the others")
    return 0


if __name__ == "__main__":
    sys.exit(main())
