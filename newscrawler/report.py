"""The crawl report (#14): one self-contained HTML file with plots of one or more crawls' output.

    scrapy report output/demo.jsonl [more.jsonl] [-o report.html] [--stats F] [--monitors F]
    python -m newscrawler.report output/demo.jsonl ...

The figures behind each plot are pure functions of the article records (docs/fields.md), the
crawl's stats (``<output>.stats.json``, newscrawler.stats) and the monitors' results
(``<output>.monitors.json``); ``render_html`` only draws them. A bad input is an ``error:`` line
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from newscrawler.stats import DUPLICATE_REASONS, EXIT_USAGE, per_site

Record = dict[str, Any]

# Fields whose coverage is shown, in schema order (docs/fields.md); url and metadata are always there.
COVERAGE_FIELDS = (
    "headline",
    "description",
    "articleBody",
    "authors",
    "datePublished",
    "dateModified",
    "inLanguage",
    "articleSection",
    "keywords",
    "mainImage",
    "isAccessibleForFree",
    "publisher",
)

# What each duplicate drop reason means to a reader of the report.
DUPLICATE_KINDS = {
    "duplicate_url": "same URL",
    "duplicate_text": "exact text",
    "near_duplicate": "near-duplicate",
    "unchanged": "unchanged revision",
    "claimed_by_another_crawl": "claimed by another crawl",
}
assert set(DUPLICATE_KINDS) == set(DUPLICATE_REASONS), "a duplicate reason without a label"

UNKNOWN_SITE = "(unknown site)"
LATEST_ROWS = 100


class ReportError(Exception):
    """A mistake in the input: reported as one `error:` line, exit status 2."""


# --- reading the input -------------------------------------------------------------------------


@dataclass
class Run:
    """One crawl: its JSONL output and, when found, its stats and monitors' results."""

    name: str
    path: Path
    records: list[Record]
    broken_lines: int = 0
    stats: dict[str, Any] | None = None
    stats_path: Path | None = None
    monitors: dict[str, Any] | None = None
    monitors_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def read_jsonl(path: Path) -> tuple[list[Record], int]:
    """(records, broken lines), read a line at a time and each record kept only as far as the
    report needs it (``slim``): a 200 MB output is never held whole. A missing or empty file, or
    one with no valid record, is an error."""
    records: list[Record] = []
    broken = 0
    try:
        with path.open("rb") as f:
            for raw in f:
                if not raw.strip():
                    continue
                try:
                    value = json.loads(raw)
                except ValueError:  # UnicodeDecodeError too: a line that is not UTF-8 JSON
                    broken += 1
                    continue
                if isinstance(value, dict):
                    records.append(slim(value))
                else:
                    broken += 1
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read it ({exc})") from None
    if not records:
        if broken:
            raise ReportError(f"{path}: none of its {broken} lines is an article record (JSON object)")
        raise ReportError(f"{path}: empty, no article records")
    return records, broken


SHOWN = 300  # characters of a headline or URL the latest-articles table can show


def slim(record: Record) -> Record:
    """What the plots and tables read of a record: its site, dates, headline, URL and word count,
    and for the other fields only whether they are filled (the body is the bulk of a record)."""
    out: Record = {name: True for name in COVERAGE_FIELDS if is_filled(record.get(name))}
    for name in ("datePublished", "dateModified"):
        if isinstance(record.get(name), str):
            out[name] = record[name][:64]
    for name in ("headline", "url"):
        if isinstance(record.get(name), str):
            out[name] = record[name][:SHOWN]
    out["wordCount"] = word_count(record)
    metadata = record.get("metadata")
    if isinstance(metadata, dict) and metadata.get("site"):
        out["metadata"] = {"site": metadata["site"]}
    return out


def read_json_object(path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read it ({exc})") from None
    except ValueError as exc:
        raise ReportError(f"{path}: not a valid {what} file ({exc})") from None
    if not isinstance(value, dict):
        raise ReportError(f"{path}: not a valid {what} file (expected a JSON object)")
    return value


def read_monitors(path: Path) -> dict[str, Any]:
    value = read_json_object(path, "monitors")
    results = value.get("results")
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise ReportError(f'{path}: not a valid monitors file ("results" must be a list of objects)')
    return value


def run_file(jsonl: Path, suffix: str) -> Path:
    """`output/demo.jsonl` -> `output/demo<suffix>`, as sample_site/demo.py names the stats file."""
    return jsonl.with_name(jsonl.stem + suffix) if jsonl.suffix else jsonl.with_name(jsonl.name + suffix)


def load_runs(
    jsonls: Sequence[Path], stats_files: Sequence[Path] = (), monitor_files: Sequence[Path] = ()
) -> list[Run]:
    """One Run per JSONL. The i-th explicit stats (monitors) file belongs to the i-th JSONL; a JSONL
    without one gets `<stem>.stats.json` (`<stem>.monitors.json`) from its folder, when present."""
    if not jsonls:
        raise ReportError("name at least one JSONL output")
    for files, option in ((stats_files, "--stats"), (monitor_files, "--monitors")):
        if len(files) > len(jsonls):
            raise ReportError(
                f"{len(files)} {option} files for {len(jsonls)} JSONL outputs: give at most one per output, in the same order"
            )
    runs: list[Run] = []
    for i, path in enumerate(jsonls):
        records, broken = read_jsonl(path)
        run = Run(name=path.stem, path=path, records=records, broken_lines=broken)
        stats_path = stats_files[i] if i < len(stats_files) else run_file(path, ".stats.json")
        if i < len(stats_files) or stats_path.exists():
            run.stats, run.stats_path = read_json_object(stats_path, "stats"), stats_path
        monitors_path = monitor_files[i] if i < len(monitor_files) else run_file(path, ".monitors.json")
        if i < len(monitor_files) or monitors_path.exists():
            run.monitors, run.monitors_path = read_monitors(monitors_path), monitors_path
        runs.append(run)
    # Outputs of different folders may share a name (output/a/x.jsonl, output/b/x.jsonl).
    names = Counter(r.name for r in runs)
    for run in runs:
        if names[run.name] > 1:
            run.name = f"{run.path.parent.name}/{run.path.name}"
    return runs


# --- the figures (pure) ---------------------------------------------------------------------------


def site_of(record: Record) -> str:
    metadata = record.get("metadata")
    site = metadata.get("site") if isinstance(metadata, dict) else None
    return str(site) if site else UNKNOWN_SITE


def published_day(record: Record) -> str | None:
    """The publication day as the page gives it (the site's own zone), or None without a valid date."""
    value = record.get("datePublished")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def published_hour(record: Record) -> int | None:
    """The hour of publication in the site's zone: the hour as written in datePublished, which
    carries the page's own UTC offset. None for a bare day or an unparsable date."""
    value = record.get("datePublished")
    if not isinstance(value, str) or len(value) <= 10:
        return None
    try:
        return datetime.fromisoformat(value).hour
    except ValueError:
        return None


def published_instant(record: Record) -> datetime | None:
    """datePublished as an aware UTC datetime to order articles of different zones; a date without
    an offset is taken as UTC (the best guess left)."""
    value = record.get("datePublished")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def articles_per_site_day(records: Iterable[Record]) -> dict[str, dict[str, int]]:
    """{site: {"YYYY-MM-DD": articles}} by datePublished in the site's zone; undated articles left out."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        day = published_day(record)
        if day is not None:
            counts[site_of(record)][day] += 1
    return {site: dict(sorted(days.items())) for site, days in sorted(counts.items())}


def articles_per_run(runs: Iterable[Run]) -> dict[str, dict[str, int]]:
    """{run name: {site: articles in its output}}."""
    return {run.name: dict(sorted(Counter(site_of(r) for r in run.records).items())) for run in runs}


def hour_histogram(records: Iterable[Record]) -> dict[str, list[int]]:
    """{site: 24 counts}: articles by hour of publication, in each site's own zone."""
    hours: dict[str, list[int]] = {}
    for record in records:
        hour = published_hour(record)
        if hour is not None:
            hours.setdefault(site_of(record), [0] * 24)[hour] += 1
    return dict(sorted(hours.items()))


def is_filled(value: Any) -> bool:
    """A field that says something: False (isAccessibleForFree) and 0 do, "" and [] do not."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def coverage(
    records: Iterable[Record], fields: Sequence[str] = COVERAGE_FIELDS
) -> dict[str, dict[str, float]]:
    """{site: {field: share of the site's articles in which the field is filled, 0..1}}."""
    totals: Counter[str] = Counter()
    filled: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        site = site_of(record)
        totals[site] += 1
        for name in fields:
            if is_filled(record.get(name)):
                filled[site][name] += 1
    return {site: {name: filled[site][name] / n for name in fields} for site, n in sorted(totals.items())}


def merge_stats(stats: Iterable[dict[str, Any]]) -> dict[str, int]:
    """The newscrawler/* counters of several runs, summed."""
    merged: Counter[str] = Counter()
    for one in stats:
        for key, value in one.items():
            if (
                key.startswith("newscrawler/")
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                merged[key] += int(value)
    return dict(merged)


def duplicate_summary(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{site: {duplicate kind label: articles dropped}}, the kinds of DUPLICATE_KINDS that occurred."""
    result: dict[str, dict[str, int]] = {}
    for site, entry in sorted(per_site(stats).items()):
        kinds = {label: entry["dropped"].get(reason, 0) for reason, label in DUPLICATE_KINDS.items()}
        kinds = {k: v for k, v in kinds.items() if v}
        if kinds:
            result[site] = kinds
    return result


def drop_summary(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{site: {reason: pages}}: every article page fetched and not written (dropped), duplicates
    included, and every page not fetched on purpose (skipped/...) or that failed (errors/...)."""
    result: dict[str, dict[str, int]] = {}
    for site, entry in sorted(per_site(stats).items()):
        reasons = dict(sorted(entry["dropped"].items()))
        for kind in ("skipped", "errors"):
            reasons.update({f"{kind}/{reason}": n for reason, n in sorted(entry[kind].items())})
        reasons = {k: v for k, v in reasons.items() if v}
        if reasons:
            result[site] = reasons
    return result


def site_totals(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{site: {"fetched", "written", "dropped", "lost_to_output"}}: the summary line's figures."""
    return {
        site: {
            "fetched": entry["fetched"],
            "written": entry["written"],
            "dropped": sum(entry["dropped"].values()),
            "lost_to_output": entry["lost_to_output"],
        }
        for site, entry in sorted(per_site(stats).items())
    }


def monitor_rows(runs: Iterable[Run]) -> list[dict[str, Any]]:
    """Every monitor result of every run, failures first, then by run, monitor and site."""
    rows = [
        {
            "run": run.name,
            "monitor": str(result.get("monitor", "")),
            "site": result.get("site"),
            "value": result.get("value"),
            "threshold": result.get("threshold"),
            "passed": result.get("passed") is True,
            "message": str(result.get("message", "")),
        }
        for run in runs
        if run.monitors
        for result in run.monitors["results"]
    ]
    return sorted(rows, key=lambda r: (r["passed"], r["run"], r["monitor"], r["site"] or ""))


def word_count(record: Record) -> int:
    count = record.get("wordCount")
    if isinstance(count, int) and not isinstance(count, bool):
        return count
    body = record.get("articleBody")
    return len(body.split()) if isinstance(body, str) else 0


def latest_articles(records: Iterable[Record], limit: int = LATEST_ROWS) -> list[dict[str, Any]]:
    """The `limit` most recently published articles (undated ones last), newest first."""
    rows = [
        {
            "headline": str(r.get("headline") or r.get("url") or ""),
            "url": str(r.get("url") or ""),
            "site": site_of(r),
            "datePublished": str(r.get("datePublished") or ""),
            "instant": published_instant(r),
            "words": word_count(r),
        }
        for r in records
    ]
    epoch = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda row: row["instant"] or epoch, reverse=True)
    return rows[:limit]


# --- rendering --------------------------------------------------------------------------------------


def _figure_html(fig: go.Figure, first: bool) -> str:
    # plotly.js is inlined once, with the first plot: the file must open without a network.
    return str(
        fig.to_html(
            full_html=False,
            include_plotlyjs=first,
            default_height="420px",
            config={"displaylogo": False, "responsive": True},
        )
    )


def _bar_figure(
    series: dict[str, dict[Any, int]], title: str, x_title: str, y_title: str, barmode: str = "stack"
) -> go.Figure:
    fig = go.Figure()
    for name, values in series.items():
        fig.add_trace(go.Bar(name=name, x=list(values), y=list(values.values())))
    fig.update_layout(
        title=title,
        barmode=barmode,
        xaxis_title=x_title,
        yaxis_title=y_title,
        template="plotly_white",
        legend_title_text="site",
        showlegend=True,  # name the site even when there is only one
    )
    return fig


def build_figures(runs: Sequence[Run]) -> list[tuple[str, str, go.Figure]]:
    """(section id, explanation, figure) for every plot the input allows, in report order."""
    records = [r for run in runs for r in run.records]
    figures: list[tuple[str, str, go.Figure]] = []

    per_day = articles_per_site_day(records)
    fig = _bar_figure(per_day, "Articles per site per day", "day published (site's zone)", "articles")
    fig.update_xaxes(type="category", categoryorder="category ascending")  # ISO days sort as text
    undated = sum(1 for r in records if published_day(r) is None)
    figures.append(
        (
            "per-day",
            "By the day in datePublished, in the site's own zone."
            + (f" {undated} articles without a publication date are not shown." if undated else ""),
            fig,
        )
    )

    per_run = articles_per_run(runs)
    by_site: dict[str, dict[str, int]] = defaultdict(dict)
    for run_name, sites in per_run.items():
        for site, n in sites.items():
            by_site[site][run_name] = n
    fig = _bar_figure(dict(sorted(by_site.items())), "Articles per run", "run (output file)", "articles")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(per_run))
    figures.append(("per-run", "One run is one JSONL output (and its stats file).", fig))

    hours = hour_histogram(records)
    fig = _bar_figure(
        {site: dict(enumerate(counts)) for site, counts in hours.items()},
        "Publication time (hour of day, site's zone)",
        "hour of day",
        "articles",
    )
    fig.update_xaxes(tickmode="linear", dtick=1, range=[-0.5, 23.5])
    no_time = sum(1 for r in records if published_hour(r) is None)
    figures.append(
        (
            "hours",
            "Each article's hour is read in the UTC offset its own datePublished gives, taken as the "
            "site's zone, so 09:00 means nine in the morning where the site publishes, whatever the "
            "zone. A date with no offset is counted at the hour it states."
            + (f" {no_time} articles with no time of day (or no date) are not shown." if no_time else ""),
            fig,
        )
    )

    cover = coverage(records)
    site_names = list(cover)
    z = [[cover[s][f] for f in COVERAGE_FIELDS] for s in site_names]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(COVERAGE_FIELDS),
            y=site_names,
            zmin=0,
            zmax=1,
            colorscale="Blues",
            text=[[f"{v:.0%}" for v in row] for row in z],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
            colorbar={"title": {"text": "share"}, "tickformat": ".0%"},
        )
    )
    fig.update_layout(
        title="Field coverage per site", template="plotly_white", height=max(300, 120 + 40 * len(site_names))
    )
    fig.update_yaxes(type="category", autorange="reversed")
    figures.append(("coverage", "Share of each site's articles in which the field is filled.", fig))

    with_stats = [run.stats for run in runs if run.stats is not None]
    if with_stats:
        stats = merge_stats(with_stats)
        duplicates = duplicate_summary(stats)
        fig = _bar_figure(duplicates, "Duplicates caught, by kind", "kind", "articles not written")
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(DUPLICATE_KINDS.values()))
        figures.append(
            (
                "duplicates",
                "Articles not written because the crawl had written them already: the same article "
                "under another URL, the same text, a near-duplicate (MinHash), a re-fetched article "
                "whose text had not changed, or one another crawl sharing the state claimed first. "
                + ("" if duplicates else "None in these runs."),
                fig,
            )
        )
        drops = drop_summary(stats)
        fig = _bar_figure(drops, "Pages not written, by reason", "reason", "pages")
        fig.update_xaxes(type="category")
        figures.append(
            (
                "drops",
                "From the crawl stats: article pages dropped by the pipelines, and pages skipped on "
                "purpose (skipped/…) or that could not be fetched (errors/…). "
                + ("" if drops else "None in these runs."),
                fig,
            )
        )
    return figures


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { margin-bottom: .2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { border-bottom: 1px solid #eee; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
table.sortable th { cursor: pointer; user-select: none; }
th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
td.num, th.num { text-align: right; }
tr.failed td { background: #fdecea; } .status-failed { color: #b00020; font-weight: bold; }
.note { color: #555; } .warning { color: #8a5a00; }
"""

# Sorts a table.sortable by the clicked column: by data-sort when a cell has one, numbers as numbers.
_SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[col], v = cell.getAttribute("data-sort");
        return v !== null ? v : cell.textContent.trim();
      };
      var numeric = th.classList.contains("num");
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return _e(value)


def _runs_table(runs: Sequence[Run]) -> str:
    rows = []
    for run in runs:
        stats = run.stats or {}
        totals = site_totals(stats)
        written = sum(t["written"] for t in totals.values()) if run.stats is not None else None
        status = run.monitors.get("status") if run.monitors else None
        rows.append(
            "<tr>"
            f"<td>{_e(run.name)}</td><td>{_e(run.path)}</td>"
            f"<td class=num>{len(run.records)}</td><td class=num>{run.broken_lines}</td>"
            f"<td>{_e(stats.get('start_time', ''))}</td><td class=num>{'' if written is None else written}</td>"
            f"<td>{_e(run.stats_path or 'none found')}</td>"
            f"<td class='{'status-failed' if status == 'failed' else ''}'>{_e(status or 'none found')}</td>"
            "</tr>"
        )
    return (
        "<table id=runs><thead><tr><th>run</th><th>output</th><th class=num>articles</th>"
        "<th class=num>broken lines</th><th>started</th><th class=num>written (stats)</th><th>stats</th>"
        "<th>monitors</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _monitors_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return (
            "<p class=note>No monitors' results: no <code>.monitors.json</code> file was found or given.</p>"
        )
    body = "".join(
        f"<tr class='{'passed' if r['passed'] else 'failed'}'>"
        f"<td>{'passed' if r['passed'] else 'FAILED'}</td><td>{_e(r['run'])}</td><td>{_e(r['monitor'])}</td>"
        f"<td>{_e(r['site'] or 'all sites')}</td><td class=num>{_number(r['value'])}</td>"
        f"<td class=num>{_number(r['threshold'])}</td><td>{_e(r['message'])}</td></tr>"
        for r in rows
    )
    failed = sum(1 for r in rows if not r["passed"])
    return (
        f"<p>{failed} of {len(rows)} checks failed.</p>"
        "<table id=monitors><thead><tr><th>result</th><th>run</th><th>monitor</th><th>site</th>"
        "<th class=num>value</th><th class=num>threshold</th><th>message</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _safe_link(url: str, text: str) -> str:
    # Headlines and URLs come from crawled pages: escaped, and only http(s) links are made.
    if url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'
    return _e(text)


def _articles_table(rows: list[dict[str, Any]]) -> str:
    body = "".join(
        "<tr>"
        f"<td>{_safe_link(r['url'], r['headline'])}</td><td>{_e(r['site'])}</td>"
        f"<td data-sort='{_e(r['instant'].isoformat() if r['instant'] else '')}'>{_e(r['datePublished'])}</td>"
        f"<td class=num>{r['words']}</td></tr>"
        for r in rows
    )
    return (
        "<table id=articles class=sortable><thead><tr><th>headline</th><th>site</th><th>published</th>"
        f"<th class=num>words</th></tr></thead><tbody>{body}</tbody></table>"
    )


def render_html(runs: Sequence[Run], generated: datetime | None = None) -> str:
    """The whole report as one HTML document, plotly.js included."""
    generated = generated or datetime.now(UTC)
    figures = build_figures(runs)
    records = [r for run in runs for r in run.records]
    sections = []
    for i, (section, note, fig) in enumerate(figures):
        sections.append(
            f"<section id='{section}'><h2>{_e(fig.layout.title.text)}</h2><p class=note>{_e(note)}</p>"
            f"{_figure_html(fig, first=i == 0)}</section>"
        )
    if not any(run.stats is not None for run in runs):
        sections.append(
            "<section id='drops'><h2>Duplicates and drops</h2><p class=note>No crawl stats: no "
            "<code>.stats.json</code> file was found or given (crawl with "
            "<code>-s NEWSCRAWLER_STATS_FILE=…</code>).</p></section>"
        )
    broken = sum(run.broken_lines for run in runs)
    warning = (
        f"<p class=warning>{_count(broken, 'broken line')} (not a JSON object) skipped.</p>" if broken else ""
    )
    latest = latest_articles(records)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Crawl report</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Crawl report</h1>
<p class=note>{_count(len(records), "article")} from {_count(len(runs), "run")}, {
        _count(len(coverage(records)), "site")
    }. Generated {_e(generated.strftime("%Y-%m-%d %H:%M UTC"))} by <code>scrapy report</code>.</p>
{warning}
<section id='runs-table'><h2>Runs</h2>{_runs_table(runs)}</section>
<section id='monitors-section'><h2>Monitors</h2>{_monitors_table(monitor_rows(runs))}</section>
{"".join(sections)}
<section id='latest'><h2>Latest articles</h2>
<p class=note>The {len(latest)} most recently published of {len(records)}; click a header to sort.</p>
{_articles_table(latest)}</section>
<script>{_SORT_JS}</script>
</body>
</html>
"""


# --- the command line -----------------------------------------------------------------------------


def default_output(first_jsonl: Path) -> Path:
    return run_file(first_jsonl, ".report.html")


def write_report(
    jsonls: Sequence[Path],
    output: Path | None = None,
    stats_files: Sequence[Path] = (),
    monitor_files: Sequence[Path] = (),
) -> tuple[Path, list[Run]]:
    """Read the runs, write the report; (path written, runs). Raises ReportError."""
    runs = load_runs(jsonls, stats_files, monitor_files)
    output = output or default_output(jsonls[0])
    try:
        output.write_text(render_html(runs), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{output}: cannot write the report ({exc})") from None
    return output, runs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options `scrapy report` and `python -m newscrawler.report` share."""
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="the HTML file to write (default: <first output>.report.html)"
    )
    parser.add_argument(
        "--stats",
        metavar="FILE",
        action="append",
        default=[],
        help="a crawl's stats JSON (repeatable; the i-th belongs to the i-th JSONL; default: <stem>.stats.json)",
    )
    parser.add_argument(
        "--monitors",
        metavar="FILE",
        action="append",
        default=[],
        help="monitors' results JSON (repeatable, as --stats; default: <stem>.monitors.json)",
    )


def run(jsonls: Sequence[str], output: str | None, stats: Sequence[str], monitors: Sequence[str]) -> int:
    """Write the report and print its path; an `error:` line and EXIT_USAGE on bad input."""
    try:
        path, runs = write_report(
            [Path(p) for p in jsonls],
            Path(output) if output else None,
            [Path(p) for p in stats],
            [Path(p) for p in monitors],
        )
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return EXIT_USAGE
    for r in runs:
        if r.broken_lines:
            print(f"warning: {r.path}: skipped {_count(r.broken_lines, 'broken line')}", file=sys.stderr)
    print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawler.report", description="Write an HTML crawl report with plots."
    )
    parser.add_argument("outputs", nargs="+", metavar="OUTPUT.jsonl", help="JSONL outputs of crawls")
    add_arguments(parser)
    args = parser.parse_args(argv)  # argparse's own usage errors exit with status 2 too
    return run(args.outputs, args.output, args.stats, args.monitors)


if __name__ == "__main__":
    sys.exit(main())
