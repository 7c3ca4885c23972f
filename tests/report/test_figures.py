"""The crawl report (newscrawler/report.py): its figures from hand-made records, the command line,
and the HTML in a real browser (the system's Chromium, driven by Playwright)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from newscrawler import report
from newscrawler.report import (
    ReportError,
    Run,
    articles_per_run,
    articles_per_site_day,
    coverage,
    drop_summary,
    duplicate_summary,
    hour_histogram,
    latest_articles,
    load_runs,
    merge_stats,
    monitor_rows,
)

REPO = Path(__file__).parent.parent.parent
ARTIFACTS = REPO / "test-artifacts"


def article(site: str, published: str | None, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "url": f"https://{site}/{len(fields)}-{published}",
        "headline": f"A story from {site}",
        "metadata": {"site": site, "dateDownloaded": "2026-11-28T12:00:00+00:00"},
        **fields,
    }
    if published is not None:
        record["datePublished"] = published
    return record


# --- the figures ----------------------------------------------------------------------------------


def test_articles_per_site_day_counts_the_day_in_the_sites_own_zone() -> None:
    records = [
        article("karachi.example", "2026-11-28T02:00:00+05:00"),  # still 27 November in UTC
        article("karachi.example", "2026-11-28T20:00:00+05:00"),
        article("karachi.example", "2026-11-27"),  # a bare day counts on that day
        article("london.example", "2026-11-27T23:59:00+00:00"),
        article("london.example", None),  # undated: left out
    ]
    assert articles_per_site_day(records) == {
        "karachi.example": {"2026-11-27": 1, "2026-11-28": 2},
        "london.example": {"2026-11-27": 1},
    }


def test_hour_histogram_uses_the_offset_each_date_gives() -> None:
    records = [
        article("karachi.example", "2026-11-28T09:15:00+05:00"),  # 04:15 UTC, but nine o'clock in Karachi
        article("karachi.example", "2026-11-28T09:59:59+05:00"),
        article("newyork.example", "2026-11-28T09:30:00-05:00"),  # 14:30 UTC
        article("newyork.example", "2026-11-28"),  # no time of day: not in the histogram
        article("newyork.example", "not a date"),
    ]
    hours = hour_histogram(records)
    assert set(hours) == {"karachi.example", "newyork.example"}
    assert hours["karachi.example"][9] == 2 and sum(hours["karachi.example"]) == 2
    assert hours["newyork.example"][9] == 1 and sum(hours["newyork.example"]) == 1


def test_coverage_is_the_share_of_articles_with_the_field_filled() -> None:
    records = [
        article("a.example", "2026-11-28", authors=[{"name": "Ann"}], isAccessibleForFree=False),
        article("a.example", "2026-11-28", authors=[], description="  "),
        article("a.example", None, description="A summary", mainImage={"url": "https://a.example/i.jpg"}),
        article("a.example", None, headline=""),
        article("b.example", "2026-11-28", inLanguage="en"),
    ]
    cover = coverage(records)
    assert list(cover) == ["a.example", "b.example"]
    a = cover["a.example"]
    assert a["authors"] == 0.25  # an empty list says nothing
    assert a["datePublished"] == 0.5
    assert a["description"] == 0.25  # blank text says nothing
    assert a["mainImage"] == 0.25
    assert a["isAccessibleForFree"] == 0.25  # false is an answer
    assert a["headline"] == 0.75
    assert a["inLanguage"] == 0.0
    assert cover["b.example"]["inLanguage"] == 1.0


def test_articles_per_run_counts_each_outputs_records_per_site() -> None:
    runs = [
        Run("monday", Path("monday.jsonl"), [article("a.example", None), article("a.example", None)]),
        Run("tuesday", Path("tuesday.jsonl"), [article("a.example", None), article("b.example", None)]),
    ]
    assert articles_per_run(runs) == {
        "monday": {"a.example": 2},
        "tuesday": {"a.example": 1, "b.example": 1},
    }


STATS = {
    "start_time": "2026-11-28 18:29:55+00:00",
    "newscrawler/dropped/duplicate_url": 3,
    "newscrawler/a.example/fetched": 20,
    "newscrawler/a.example/written": 12,
    "newscrawler/a.example/dropped/duplicate_url": 3,
    "newscrawler/a.example/dropped/near_duplicate": 2,
    "newscrawler/a.example/dropped/too_short": 1,
    "newscrawler/a.example/skipped/known": 7,
    "newscrawler/b.example/fetched": 5,
    "newscrawler/b.example/written": 4,
    "newscrawler/b.example/dropped/duplicate_text": 1,
    "newscrawler/b.example/errors/http_500": 2,
}


def test_duplicate_summary_names_each_kind_per_site() -> None:
    assert duplicate_summary(STATS) == {
        "a.example": {"same URL": 3, "near-duplicate": 2},
        "b.example": {"exact text": 1},
    }


def test_drop_summary_has_every_reason_a_page_was_not_written() -> None:
    assert drop_summary(STATS) == {
        "a.example": {"duplicate_url": 3, "near_duplicate": 2, "too_short": 1, "skipped/known": 7},
        "b.example": {"duplicate_text": 1, "errors/http_500": 2},
    }


def test_merge_stats_sums_the_counters_of_several_runs() -> None:
    merged = merge_stats([STATS, {"newscrawler/a.example/dropped/too_short": 4, "finish_reason": "x"}])
    assert merged["newscrawler/a.example/dropped/too_short"] == 5
    assert merged["newscrawler/a.example/written"] == 12
    assert "finish_reason" not in merged and "start_time" not in merged


def test_monitor_rows_put_failures_first() -> None:
    monitors = {
        "finished": "2026-11-28T18:30:00+00:00",
        "status": "failed",
        "results": [
            {"monitor": "articles written", "site": None, "value": 33, "threshold": 1, "passed": True, "message": ""},
            {"monitor": "field coverage", "site": "b.example", "value": 0.2, "threshold": 0.5, "passed": False, "message": "low"},
            {"monitor": "errors", "site": "a.example", "value": 0, "threshold": 0.1, "passed": True, "message": ""},
        ],
    }  # fmt: skip
    rows = monitor_rows([Run("r", Path("r.jsonl"), [], monitors=monitors)])
    assert [r["monitor"] for r in rows] == ["field coverage", "articles written", "errors"]
    assert [r["passed"] for r in rows] == [False, True, True]


def test_latest_articles_orders_by_the_instant_across_zones() -> None:
    records = [
        article("karachi.example", "2026-11-28T10:00:00+05:00", wordCount=300),  # 05:00 UTC
        article("london.example", "2026-11-28T06:00:00+00:00", articleBody="four words right here"),
        article("london.example", None),
        article("karachi.example", "2026-11-27"),
    ]
    rows = latest_articles(records, limit=3)
    assert [(r["site"], r["datePublished"]) for r in rows] == [
        ("london.example", "2026-11-28T06:00:00+00:00"),
        ("karachi.example", "2026-11-28T10:00:00+05:00"),
        ("karachi.example", "2026-11-27"),
    ]
    assert [r["words"] for r in rows[:2]] == [4, 300]


# --- reading the input ------------------------------------------------------------------------------


def write_jsonl(path: Path, records: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_runs_finds_the_stats_and_monitors_next_to_each_output(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "first.jsonl", [article("a.example", None)])
    second = write_jsonl(tmp_path / "second.jsonl", [article("a.example", None)])
    (tmp_path / "first.stats.json").write_text(json.dumps(STATS))
    (tmp_path / "second.monitors.json").write_text(json.dumps({"status": "passed", "results": []}))
    runs = load_runs([first, second])
    assert [(r.stats is not None, r.monitors is not None) for r in runs] == [(True, False), (False, True)]
    explicit = tmp_path / "elsewhere.json"
    explicit.write_text(json.dumps({"newscrawler/x/written": 1}))
    runs = load_runs([first, second], stats_files=[explicit])
    assert runs[0].stats == {"newscrawler/x/written": 1}  # the i-th --stats is the i-th output's
    with pytest.raises(ReportError, match="at most one per output"):
        load_runs([first], stats_files=[explicit, explicit])


def test_load_runs_names_a_missing_or_broken_run_file(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "run.jsonl", [article("a.example", None)])
    with pytest.raises(ReportError, match=r"nothere\.json: no such file"):
        load_runs([jsonl], stats_files=[tmp_path / "nothere.json"])
    (tmp_path / "run.stats.json").write_text("{not json")
    with pytest.raises(ReportError, match=r"run\.stats\.json: not a valid stats file"):
        load_runs([jsonl])
    (tmp_path / "run.stats.json").unlink()
    (tmp_path / "run.monitors.json").write_text(json.dumps({"results": "all fine"}))
    with pytest.raises(ReportError, match="not a valid monitors file"):
        load_runs([jsonl])


# --- the command line ------------------------------------------------------------------------------


def run_cli(*args: str, scrapy: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = (
        [sys.executable, "-m", "scrapy", "report"] if scrapy else [sys.executable, "-m", "newscrawler.report"]
    )
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=REPO, timeout=60)


@pytest.mark.parametrize("scrapy", [False, True], ids=["python -m", "scrapy report"])
def test_cli_writes_next_to_the_first_output_and_prints_the_path(tmp_path: Path, scrapy: bool) -> None:
    jsonl = write_jsonl(tmp_path / "crawl.jsonl", [article("a.example", "2026-11-28T09:00:00+05:00")])
    done = run_cli(str(jsonl), scrapy=scrapy)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "crawl.report.html")
    assert "A story from a.example" in (tmp_path / "crawl.report.html").read_text(encoding="utf-8")


def test_bad_input_is_one_error_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    write_jsonl(tmp_path / "garbage.jsonl", [], extra_lines=("not json", "[1, 2]"))
    for path, message in [
        (tmp_path / "missing.jsonl", "missing.jsonl: no such file"),
        (tmp_path / "empty.jsonl", "empty.jsonl: empty, no article records"),
        (tmp_path / "garbage.jsonl", "garbage.jsonl: none of its 2 lines is an article record (JSON object)"),
    ]:
        assert report.main([str(path), "-o", str(tmp_path / "r.html")]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.splitlines() == [f"error: {tmp_path}/{message}"], captured.err
        assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("scrapy", [False, True], ids=["python -m", "scrapy report"])
def test_cli_bad_input_exits_2_without_a_traceback(tmp_path: Path, scrapy: bool) -> None:
    done = run_cli(str(tmp_path / "missing.jsonl"), scrapy=scrapy)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"error: {tmp_path}/missing.jsonl: no such file"], done.stderr


def test_cli_skips_broken_lines_and_says_how_many(tmp_path: Path) -> None:
    jsonl = write_jsonl(
        tmp_path / "crawl.jsonl",
        [article("a.example", None), article("b.example", None)],
        extra_lines=('{"url": "https://a.example/cut-off', "null"),
    )
    done = run_cli(str(jsonl), "-o", str(tmp_path / "out.html"))
    assert done.returncode == 0, done.stderr
    assert "skipped 2 broken lines" in done.stderr
    assert done.stdout.strip() == str(tmp_path / "out.html")
    assert "2 broken lines" in (tmp_path / "out.html").read_text(encoding="utf-8")


# --- the HTML, in a browser --------------------------------------------------------------------------

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


def test_a_large_output_is_read_a_line_at_a_time_and_bodies_are_not_kept(tmp_path: Path) -> None:
    """`scrapy report` on a 200 MB output peaked at 4x its size: every record was kept whole."""
    path = tmp_path / "big.jsonl"
    body = "word " * 50_000  # 250 kB a record, the bulk of a real output line
    with path.open("w", encoding="utf-8") as f:
        for n in range(40):
            record = {"url": f"https://a.example/{n}", "headline": f"Story {n}", "articleBody": body,
                      "datePublished": "2026-11-28T10:00:00+05:00", "metadata": {"site": "a.example"}}  # fmt: skip
            f.write(json.dumps(record) + "\n")
    records, broken = report.read_jsonl(path)
    assert len(records) == 40 and broken == 0
    kept = sum(len(json.dumps(r)) for r in records)
    assert kept < path.stat().st_size / 100, "the bodies are not held in memory"
    assert report.coverage(records)["a.example"]["articleBody"] == 1.0, "but whether each has one is"
    assert report.latest_articles(records)[0]["words"] == 50_000
