"""The two baseline spiders of benchmarks/crawl.py, run without the project's settings.

    python benchmarks/crawl_spiders.py fetch|trafilatura http://127.0.0.1:PORT/ [--out FILE] [-s NAME=VALUE ...]

fetch: a SitemapSpider that reads robots.txt -> sitemaps and fetches every listed page, doing
nothing with it (the ceiling). trafilatura: the same, calling trafilatura.extract(..., output_format="json")
on each page and yielding the dict, written to a JSONL feed (what a user writes by hand).
Run it from outside the repository (benchmarks/crawl.py does) so no scrapy.cfg is found; it builds
its settings from Scrapy's defaults only.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.spiders import SitemapSpider


class FetchOnlySpider(SitemapSpider):
    name = "fetch_only"

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sitemap_urls = [url.rstrip("/") + "/robots.txt"]

    def parse(self, response: Response) -> Iterator[Any]:
        return iter(())


class TrafilaturaSpider(FetchOnlySpider):
    name = "trafilatura_by_hand"

    def parse(self, response: Response) -> Iterator[Any]:
        import trafilatura

        result = trafilatura.extract(
            response.text,
            url=response.url,
            favor_precision=True,
            with_metadata=True,
            output_format="json",
        )
        if result:
            yield json.loads(result)


SPIDERS = {"fetch": FetchOnlySpider, "trafilatura": TrafilaturaSpider}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spider", choices=sorted(SPIDERS))
    parser.add_argument("url")
    parser.add_argument("--out", help="JSONL feed for the items")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    os.environ.pop("SCRAPY_SETTINGS_MODULE", None)
    settings = Settings()  # Scrapy's defaults, never the project's
    settings.setdict(
        {
            "LOG_LEVEL": "INFO",
            "ROBOTSTXT_OBEY": True,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "TELNETCONSOLE_ENABLED": False,
            "FEED_EXPORT_ENCODING": "utf-8",
        },
        priority="cmdline",
    )
    for pair in args.settings:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    if args.out:
        settings.set("FEEDS", {args.out: {"format": "jsonlines", "overwrite": True}}, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    process.crawl(SPIDERS[args.spider], url=args.url)
    process.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
