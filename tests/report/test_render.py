"""The report's HTML (report/render.py): self-contained, crawled text escaped, and in a real browser
(the system's Chromium, driven by Playwright) every plot drawn and the articles table sorting."""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from newscrawler import report
from tests.conftest import REPO
from tests.report.records import STATS, article, write_jsonl

ARTIFACTS = REPO / "test-artifacts"


FIXTURE_RECORDS = [
    article("karachi.example", "2026-11-27T09:15:00+05:00", authors=[{"name": "Ann"}], wordCount=420, inLanguage="en"),
    article("karachi.example", "2026-11-28T18:40:00+05:00", wordCount=250, description="A summary"),
    article("london.example", "2026-11-28T07:05:00+00:00", wordCount=980, inLanguage="en",
            headline="<script>alert('headline')</script> & more"),
    article("london.example", "2026-11-26", wordCount=15),
    {"url": "javascript:alert(1)", "headline": "Not a link", "wordCount": 120,
     "datePublished": "2026-11-25T12:00:00-05:00", "metadata": {"site": "newyork.example"}},
]  # fmt: skip


FIXTURE_MONITORS = {
    "finished": "2026-11-28T18:30:00+00:00",
    "status": "failed",
    "results": [
        {"monitor": "articles written", "site": None, "value": 5, "threshold": 1, "passed": True, "message": "ok"},
        {"monitor": "field coverage: authors", "site": "london.example", "value": 0.0, "threshold": 0.5,
         "passed": False, "message": "authors in 0% of articles"},
    ],
}  # fmt: skip


@pytest.fixture
def fixture_report(tmp_path: Path) -> Path:
    jsonl = write_jsonl(tmp_path / "crawl.jsonl", FIXTURE_RECORDS)
    (tmp_path / "crawl.stats.json").write_text(json.dumps(STATS))
    (tmp_path / "crawl.monitors.json").write_text(json.dumps(FIXTURE_MONITORS))
    path, _ = report.write_report([jsonl])
    return path


def test_report_is_self_contained_and_escapes_crawled_text(fixture_report: Path) -> None:
    page = fixture_report.read_text(encoding="utf-8")
    # Nothing fetched at view time: no external script or stylesheet, plotly.js inlined exactly once.
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert page.count("* plotly.js v") == 1  # the library's banner: inlined once, not per plot
    assert page.count("Plotly.newPlot(") == 6
    # A headline is the page's text, never markup; only http(s) URLs become links.
    assert "<script>alert('headline')" not in page
    assert "&lt;script&gt;alert(&#x27;headline&#x27;)&lt;/script&gt; &amp; more" in page
    assert 'href="javascript:' not in page
    assert "site&#x27;s zone" in page or "site's zone" in page


def column(page: Any, which: str, value: str) -> list[Any]:
    """The first or last column of the latest-articles table, top to bottom."""
    return list(
        page.eval_on_selector_all(f"#articles tbody tr td:{which}-child", f"t => t.map(c => {value})")
    )


def browse(report_path: Path, screenshot: Path) -> dict[str, Any]:
    """Open the report in headless Chromium; what a user would see, as data."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "chromium is not installed: run `make install` (it installs the system package)"
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "console",
                lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.goto(report_path.as_uri(), wait_until="load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('.main-svg'))",
                timeout=10_000,
            )
            plots = page.eval_on_selector_all(
                ".plotly-graph-div",
                "divs => divs.map(d => ({id: d.closest('section').id,"
                " svgs: d.querySelectorAll('.main-svg').length,"
                " marks: d.querySelectorAll('.point, .hm, .heatmaplayer image, .bars path').length}))",
            )
            before = column(page, "last", "Number(c.textContent)")
            page.click("#articles th:has-text('words')")
            ascending = column(page, "last", "Number(c.textContent)")
            page.click("#articles th:has-text('words')")
            descending = column(page, "last", "Number(c.textContent)")
            page.click("#articles th:has-text('published')")
            by_date = column(page, "last", "Number(c.textContent)")
            escaped = column(page, "first", "c.textContent")
            monitors = page.eval_on_selector_all(
                "#monitors tbody tr td:first-child", "t => t.map(c => c.textContent)"
            )
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return {
        "problems": problems,
        "plots": plots,
        "before": before,
        "ascending": ascending,
        "descending": descending,
        "by_date": by_date,
        "monitors": monitors,
        "headlines": escaped,
    }


def test_report_renders_in_a_browser_and_its_table_sorts(fixture_report: Path) -> None:
    screenshot = ARTIFACTS / "report.png"
    # Playwright's sync API needs a thread without a running event loop; pytest-twisted runs
    # Scrapy's asyncio reactor in this one.
    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(browse, fixture_report, screenshot).result(timeout=60)
    print(f"screenshot: {screenshot}")
    assert seen["problems"] == []
    assert [p["id"] for p in seen["plots"]] == [
        "per-day",
        "per-run",
        "hours",
        "coverage",
        "duplicates",
        "drops",
    ]
    for plot in seen["plots"]:
        assert plot["svgs"] > 0 and plot["marks"] > 0, plot  # drawn, with bars or heat-map cells in it
    # Newest first, comparing instants across zones (18:40+05:00 is after 07:05+00:00), then by the
    # clicked column, both ways; rows are identified by their word counts.
    assert seen["before"] == [250, 980, 420, 15, 120]
    assert seen["ascending"] == [15, 120, 250, 420, 980]
    assert seen["descending"] == [980, 420, 250, 120, 15]
    assert seen["by_date"] == [120, 15, 420, 980, 250]  # oldest first: 25 November in New York
    assert "<script>alert('headline')</script> & more" in seen["headlines"]  # shown as text, not run
    assert seen["monitors"] == ["FAILED", "passed"]
    assert screenshot.stat().st_size > 10_000
