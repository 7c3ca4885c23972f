"""`scrapy crawl`, with the `news` spider's arguments checked before anything starts.

A mistyped argument (unknown site, malformed since=, a url= that is not http) is the
user's mistake: one line on stderr and exit status 2, not a traceback from inside the crawl.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawler.spiders.news import NewsSpider, parse_arguments, parse_flag, parse_languages
from newscrawler.state import StateError, open_state


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args and args[0] == NewsSpider.name:
            spargs = dict(opts.spargs)
            assert self.settings is not None
            spargs.setdefault("sites_file", self.settings.get("NEWSCRAWLER_SITES_FILE"))
            try:
                parse_arguments(**{k: v for k, v in spargs.items() if k in _ARGUMENTS})
                parse_flag("fresh", spargs.get("fresh"))
                parse_languages(spargs.get("languages"))
                open_state(
                    self.settings
                ).close()  # a corrupt state is an error before the crawl, not during it
            except (UsageError, StateError) as exc:
                print(f"error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        super().run(args, opts)


_ARGUMENTS = ("url", "sites", "since", "limit", "sites_file")
