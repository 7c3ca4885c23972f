"""`scrapy crawl`, with the `news` and `archive` spiders' arguments checked before anything starts.

A mistyped argument (unknown site, malformed since=, a url= that is not http) is the
user's mistake: one line on stderr and exit status 2, not a traceback from inside the crawl.

The check runs in ``process_options``, which Scrapy calls before it creates the crawler
process (and with it the logging and the start-up lines). So the ``error:`` line is the
only output: the last line on stderr, and, when ``LOG_FILE`` is set (scrapyd sets it to the
job's log), the first line of that file, where whoever reads the job's log sees it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import redis
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawler.archive.plan import ArchivePlan
from newscrawler.config import check_settings, redis_url
from newscrawler.distributed import reset_crawl
from newscrawler.malloc import keep_heap_small
from newscrawler.plan import CrawlPlan
from newscrawler.spiders.archive import ArchiveSpider
from newscrawler.spiders.news import NewsSpider
from newscrawler.state import StateError, open_state
from newscrawler.stats import EXIT_USAGE, exit_reason, exit_status, say_error
from newscrawler.warc import check_directory


def check_feeds(feeds: dict[str, Any]) -> None:
    """A feed that cannot be appended to is refused before the crawl: `-o x.json` onto a file that
    holds a JSON array (closed, or left open by a killed crawl) would make a file no JSON reader
    loads. JSON lines, CSV and the others append safely."""
    for uri, options in feeds.items():
        fmt = (options or {}).get("format")
        if fmt != "json" or (options or {}).get("overwrite") or "%(" in uri:
            continue
        scheme, sep, rest = uri.partition("://")
        if sep and scheme != "file":
            continue
        path = Path(rest if sep else uri)
        if path.is_file() and path.stat().st_size > 0:
            raise UsageError(
                f"-o {uri}: the file already holds a JSON array, and appending would add a second one "
                "that no JSON reader loads; use -O to overwrite it, or JSON lines (-o out.jsonl) to append"
            )


class Command(ScrapyCrawlCommand):
    failed = False
    fresh = False  # fresh=1: the state is checked in run()

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)  # -s, -a, -o: the settings are final after this
        if not args or args[0] not in (NewsSpider.name, ArchiveSpider.name):
            return
        assert self.settings is not None
        try:
            check_settings(self.settings)
            sites_file = self.settings.get("NEWSCRAWLER_SITES_FILE")
            if args[0] == ArchiveSpider.name:
                plan = ArchivePlan.parse(dict(opts.spargs), sites_file=sites_file).crawl
            else:
                plan = CrawlPlan.parse(dict(opts.spargs), sites_file=sites_file)
            # A corrupt state is an error before the crawl, not during it. With fresh=1 an
            # unusable state is moved aside and that is logged: checked in run(), once logging is set up.
            self.fresh = plan.fresh
            check_feeds(self.settings.getdict("FEEDS"))
            warc_dir = self.settings.get("NEWSCRAWLER_WARC_DIR")
            problem = check_directory(warc_dir) if warc_dir else None
            if problem:
                raise UsageError(problem)
            if not plan.fresh:
                open_state(self.settings).close()
        except (UsageError, StateError) as exc:
            self.fail(str(exc))

    def fail(self, message: str) -> None:
        """The one `error:` line: appended to LOG_FILE if set, then on stderr, exit status 2."""
        assert self.settings is not None
        say_error(self.settings, message)
        self.failed = True
        self.exitcode = EXIT_USAGE
        # Nothing will be crawled: no crawler process, so no Scrapy log line before or after.
        self.requires_crawler_process = False

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if self.failed:
            return
        keep_heap_small()  # a page-sized buffer freed per page must not stay in this process
        if self.fresh:
            assert self.settings is not None
            try:
                url = redis_url(self.settings)
                if url:  # the shared queue, fingerprints and waiting sites go too (no worker may run)
                    reset_crawl(url, args[0] if args else "news")
                open_state(self.settings, fresh=True).close()
            except (StateError, RuntimeError, redis.RedisError) as exc:
                self.fail(str(exc))
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
            stats = crawler.stats.get_stats()
            self.exitcode = exit_status(stats)
            if self.exitcode:  # loud to the last line: after Scrapy's stats dump, say why
                assert self.settings is not None
                say_error(self.settings, f"exit status {self.exitcode}: {exit_reason(stats, self.exitcode)}")
