"""`scrapy report`: the crawl report, one self-contained HTML file with plots (newscrawler.report).

    scrapy report output/demo.jsonl [more.jsonl] [-o report.html] [--stats F] [--monitors F]

The same as `python -m newscrawler.report`; a bad input is one `error:` line and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from newscrawler import report


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "OUTPUT.jsonl [OUTPUT.jsonl ...] [-o report.html]"

    def short_desc(self) -> str:
        return "Write an HTML report (plots, monitors, latest articles) of crawls' JSONL outputs"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        report.add_arguments(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            print("error: name at least one JSONL output", file=sys.stderr, flush=True)
            self.exitcode = report.EXIT_USAGE
            return
        self.exitcode = report.run(args, opts.output, opts.stats, opts.monitors)
