"""The crawl report (#14): one self-contained HTML file with plots of one or more crawls' output.

    scrapy report output/demo.jsonl [more.jsonl] [-o report.html] [--stats F] [--monitors F]
    python -m newscrawler.report output/demo.jsonl ...

The figures behind each plot are pure functions of the article records (docs/fields.md), the
crawl's stats (``<output>.stats.json``, newscrawler.stats) and the monitors' results
(``<output>.monitors.json``); ``render_html`` only draws them. A bad input is an ``error:`` line
and exit status 2, never a traceback.

Modules, in the order the data flows: ``runs`` (reading the input: one Run per crawl),
``figures`` (the numbers behind each plot and table, pure), ``render`` (the plots and the HTML
page), ``cli`` (the command line).
"""

from newscrawler.report.cli import add_arguments, default_output, main, run, write_report
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
    published_instant,
    site_of,
    site_totals,
)
from newscrawler.report.render import build_figures, render_html
from newscrawler.report.runs import (
    COVERAGE_FIELDS,
    Record,
    ReportError,
    Run,
    is_filled,
    load_runs,
    read_json_object,
    read_jsonl,
    read_monitors,
    run_file,
    slim,
    words_of,
)
from newscrawler.stats import EXIT_USAGE  # what `run` returns on a bad input (scrapy report uses it)

__all__ = [
    "COVERAGE_FIELDS",
    "DUPLICATE_KINDS",
    "EXIT_USAGE",
    "Record",
    "ReportError",
    "Run",
    "add_arguments",
    "articles_per_run",
    "articles_per_site_day",
    "build_figures",
    "coverage",
    "default_output",
    "drop_summary",
    "duplicate_summary",
    "hour_histogram",
    "is_filled",
    "latest_articles",
    "load_runs",
    "main",
    "merge_stats",
    "monitor_rows",
    "published_day",
    "published_hour",
    "published_instant",
    "read_json_object",
    "read_jsonl",
    "read_monitors",
    "render_html",
    "run",
    "run_file",
    "site_of",
    "site_totals",
    "slim",
    "words_of",
    "write_report",
]
