"""The crawl report as one self-contained HTML file: the plots (plotly, drawn from the figures of
newscrawler.report.figures; plotly.js inlined once), the runs, the monitors' results and the latest
articles in tables. Everything that came from a crawled page is escaped.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import plotly.graph_objects as go

from newscrawler.report.figures import (
    DUPLICATE_KINDS,
    articles_per_run,
    articles_per_site_day,
    coverage,
    drop_summary,
    duplicate_summary,
    hour_histogram,
    latest_articles,
    merge_stats,
    monitor_rows,
    published_day,
    published_hour,
    site_totals,
)
from newscrawler.report.runs import COVERAGE_FIELDS, Record, Run

# --- the plots ----------------------------------------------------------------------------------------


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


# A plot of the report: (section id, explanation under its title, figure).
Plot = tuple[str, str, go.Figure]


def build_figures(runs: Sequence[Run]) -> list[Plot]:
    """(section id, explanation, figure) for every plot the input allows, in report order."""
    records = [r for run in runs for r in run.records]
    figures = [_per_day_plot(records), _per_run_plot(runs), _hours_plot(records), _coverage_plot(records)]
    with_stats = [run.stats for run in runs if run.stats is not None]
    if with_stats:
        stats = merge_stats(with_stats)
        figures += [_duplicates_plot(stats), _drops_plot(stats)]
    return figures


def _per_day_plot(records: list[Record]) -> Plot:
    per_day = articles_per_site_day(records)
    fig = _bar_figure(per_day, "Articles per site per day", "day published (site's zone)", "articles")
    fig.update_xaxes(type="category", categoryorder="category ascending")  # ISO days sort as text
    undated = sum(1 for r in records if published_day(r) is None)
    return (
        "per-day",
        "By the day in datePublished, in the site's own zone."
        + (f" {undated} articles without a publication date are not shown." if undated else ""),
        fig,
    )


def _per_run_plot(runs: Sequence[Run]) -> Plot:
    per_run = articles_per_run(runs)
    by_site: dict[str, dict[str, int]] = defaultdict(dict)
    for run_name, sites in per_run.items():
        for site, n in sites.items():
            by_site[site][run_name] = n
    fig = _bar_figure(dict(sorted(by_site.items())), "Articles per run", "run (output file)", "articles")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(per_run))
    return ("per-run", "One run is one JSONL output (and its stats file).", fig)


def _hours_plot(records: list[Record]) -> Plot:
    hours = hour_histogram(records)
    fig = _bar_figure(
        {site: dict(enumerate(counts)) for site, counts in hours.items()},
        "Publication time (hour of day, site's zone)",
        "hour of day",
        "articles",
    )
    fig.update_xaxes(tickmode="linear", dtick=1, range=[-0.5, 23.5])
    no_time = sum(1 for r in records if published_hour(r) is None)
    return (
        "hours",
        "Each article's hour is read in the UTC offset its own datePublished gives, taken as the "
        "site's zone, so 09:00 means nine in the morning where the site publishes, whatever the "
        "zone. A date with no offset is counted at the hour it states."
        + (f" {no_time} articles with no time of day (or no date) are not shown." if no_time else ""),
        fig,
    )


def _coverage_plot(records: list[Record]) -> Plot:
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
    return ("coverage", "Share of each site's articles in which the field is filled.", fig)


def _duplicates_plot(stats: dict[str, int]) -> Plot:
    duplicates = duplicate_summary(stats)
    fig = _bar_figure(duplicates, "Duplicates caught, by kind", "kind", "articles not written")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(DUPLICATE_KINDS.values()))
    return (
        "duplicates",
        "Articles not written because the crawl had written them already: the same article "
        "under another URL, the same text, a near-duplicate (MinHash), a re-fetched article "
        "whose text had not changed, or one another crawl sharing the state claimed first. "
        + ("" if duplicates else "None in these runs."),
        fig,
    )


def _drops_plot(stats: dict[str, int]) -> Plot:
    drops = drop_summary(stats)
    fig = _bar_figure(drops, "Pages not written, by reason", "reason", "pages")
    fig.update_xaxes(type="category")
    return (
        "drops",
        "From the crawl stats: article pages dropped by the pipelines, and pages skipped on "
        "purpose (skipped/…) or that could not be fetched (errors/…). "
        + ("" if drops else "None in these runs."),
        fig,
    )


# --- the page -----------------------------------------------------------------------------------------

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


def counted(n: int, noun: str) -> str:
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
        f"<p class=warning>{counted(broken, 'broken line')} (not a JSON object) skipped.</p>"
        if broken
        else ""
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
<p class=note>{counted(len(records), "article")} from {counted(len(runs), "run")}, {
        counted(len(coverage(records)), "site")
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
