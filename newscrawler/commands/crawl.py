"""`scrapy crawl`, with the `news` spider's arguments checked before anything starts.

A mistyped argument (unknown site, malformed since=, a url= that is not http) is the
user's mistake: one line on stderr and exit status 2, not a traceback from inside the crawl.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawler.plan import CrawlPlan
from newscrawler.spiders.news import NewsSpider
from newscrawler.state import StateError, open_state
from newscrawler.stats import EXIT_USAGE, exit_status


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args and args[0] == NewsSpider.name:
            assert self.settings is not None
            try:
                plan = CrawlPlan.parse(
                    dict(opts.spargs), sites_file=self.settings.get("NEWSCRAWLER_SITES_FILE")
                )
                # A corrupt state is an error before the crawl, not during it.
                open_state(self.settings, fresh=plan.fresh).close()
            except (UsageError, StateError) as exc:
                print(f"error: {exc}", file=sys.stderr)
                self.exitcode = EXIT_USAGE
                return
        if len(args) != 1:
            super().run(args, opts)
            return
        assert self.crawler_process is not None
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif crawler.stats is not None:
            self.exitcode = exit_status(crawler.stats.get_stats())
