"""Article-page detection: every real article kept, no listing or about page written.

    python benchmarks/article_pages.py [--aeb ../shared/datasets/aeb] [--fields ../shared/datasets/fundus-dev]

Runs ``is_article_page`` on every article page of both datasets (all of them must pass)
and on the sample site's non-article pages: home (with and without links), every section
page with its pagination, the about page and the 404 page (none may pass).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from newscrawler.extraction.article import extract_from_page, is_article_page
from newscrawler.extraction.page import Page

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # sample_site/ lives in the repository, it is not installed

from sample_site import pages as site_pages  # noqa: E402
from sample_site.content import SECTIONS, build_articles  # noqa: E402

BASE = "http://sample.test"


def dataset_pages(aeb: Path, fields: Path) -> list[tuple[str, bytes, str]]:
    """(name, html, url) of every page of both datasets; all of them are articles."""
    out = []
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for key, gold in sorted(truth.items()):
        html = gzip.decompress((aeb / "html" / f"{key}.html.gz").read_bytes())
        out.append((f"aeb/{key}", html, gold.get("url", "")))
    for folder in sorted(p for p in fields.iterdir() if (p / "gold.json").exists()):
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        html = gzip.decompress((folder / "page.html.gz").read_bytes())
        out.append((f"fundus-dev/{folder.name}", html, gold["url"]))
    return out


def sample_site_listing_pages() -> list[tuple[str, str]]:
    """(url, html) of the sample site's pages that are not articles."""
    articles = build_articles(datetime(2026, 5, 1, 12, tzinfo=UTC))
    out = [
        (f"{BASE}/", site_pages.home(articles, feeds=True, links=True, amp_of=articles[1])),
        (f"{BASE}/", site_pages.home(articles, feeds=False, links=False, amp_of=None)),
        (f"{BASE}{site_pages.ABOUT_PATH}", site_pages.about()),
        (f"{BASE}/nowhere/", "<html><body><h1>Not found</h1></body></html>"),
    ]
    for name in SECTIONS:
        count = sum(a.section == name for a in articles)
        last = max(1, -(-count // site_pages.SECTION_PAGE_SIZE))
        for page in range(1, last + 2):  # one past the end: an empty listing
            out.append((f"{BASE}/section/{name}/?page={page}", site_pages.section(name, articles, page)))
    return out


def judged(html: str | bytes, url: str) -> bool:
    page = Page.load(html, url)
    return is_article_page(page, extract_from_page(page))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_root = HERE.parent.parent / "shared" / "datasets"
    parser.add_argument("--aeb", type=Path, default=default_root / "aeb")
    parser.add_argument("--fields", type=Path, default=default_root / "fundus-dev")
    parser.add_argument("-v", "--verbose", action="store_true", help="name the pages judged wrongly")
    args = parser.parse_args(argv)
    if not (args.aeb / "ground-truth.json").exists():
        parser.error(f"no aeb dataset at {args.aeb}")
    if not args.fields.is_dir():
        parser.error(f"no fundus-dev dataset at {args.fields}")

    articles = dataset_pages(args.aeb, args.fields)
    dropped = [name for name, html, url in articles if not judged(html, url)]
    listings = sample_site_listing_pages()
    passed = [url for url, html in listings if judged(html, url)]

    print("| pages | count | judged as articles | wrong |")
    print("|---|---|---|---|")
    for label, prefix in (("aeb articles", "aeb/"), ("fundus-dev articles", "fundus-dev/")):
        n = sum(name.startswith(prefix) for name, _, _ in articles)
        wrong = sum(name.startswith(prefix) for name in dropped)
        print(f"| {label} | {n} | {n - wrong} | {wrong} |")
    print(f"| sample-site listing/about pages | {len(listings)} | {len(passed)} | {len(passed)} |")
    if args.verbose:
        for name in dropped:
            print(f"dropped article: {name}", file=sys.stderr)
        for url in passed:
            print(f"kept non-article: {url}", file=sys.stderr)
    return 1 if dropped or passed else 0


if __name__ == "__main__":
    sys.exit(main())
