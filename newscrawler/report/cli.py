"""The crawl report's command line: ``python -m newscrawler.report`` (``main``) and the options it
shares with ``scrapy report`` (newscrawler.commands.report). A bad input is one ``error:`` line and
exit status 2 (EXIT_USAGE), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from newscrawler.report.render import counted, render_html
from newscrawler.report.runs import ReportError, Run, load_runs, run_file
from newscrawler.stats import EXIT_USAGE


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
            print(f"warning: {r.path}: skipped {counted(r.broken_lines, 'broken line')}", file=sys.stderr)
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
