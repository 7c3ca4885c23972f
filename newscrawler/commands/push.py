"""`scrapy push`: add sites to a distributed crawl while its workers run.

    REDIS_URL=redis://host:6379/0 scrapy push dawn reuters https://www.example-news.com/

Each argument is a registry name (the bundled registry, or NEWSCRAWLER_SITES_FILE) or an
http(s) start URL, checked as `scrapy crawl news -a sites=... -a url=...` checks them. The
entries go to the key the workers read (REDIS_START_URLS_KEY, ``news:start_urls``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, ClassVar

import redis
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawler.config import redis_url
from newscrawler.distributed import push_sites, start_key
from newscrawler.plan import CrawlPlan
from newscrawler.stats import EXIT_USAGE


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "SITE_OR_URL [...]"

    def short_desc(self) -> str:
        return "Add sites to a distributed crawl (REDIS_URL) while its workers run"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        url = redis_url(self.settings)
        try:
            if not args:
                raise UsageError("name at least one registry site or http(s) URL")
            if not url:
                raise UsageError("set REDIS_URL (environment or -s REDIS_URL=...) to the crawl's Redis")
            urls = [a for a in args if "://" in a]
            names = [a for a in args if "://" not in a]
            given = {"url": ",".join(urls), "sites": ",".join(names)}
            plan = CrawlPlan.parse(
                {k: v for k, v in given.items() if v},  # an empty list is an error, not "all"
                sites_file=self.settings.get("NEWSCRAWLER_SITES_FILE"),
            )
            key = start_key(self.settings)
            added = push_sites(url, key, plan.start_entries())
        except UsageError as exc:
            self._fail(str(exc))
            return
        except redis.RedisError as exc:
            self._fail(f"REDIS_URL: cannot push to Redis ({exc})")
            return
        print(f"pushed {added} new of {len(plan.sites)} sites to {key}")

    def _fail(self, message: str) -> None:
        print(f"error: {message}", file=sys.stderr, flush=True)
        self.exitcode = EXIT_USAGE
