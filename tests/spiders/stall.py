"""A spider whose callback blocks the reactor: the watchdog's test (tests/crawl/test_watchdog.py).

scrapy runspider tests/spiders/stall.py -a url=http://127.0.0.1:PORT/ -a sleep=60
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import scrapy


class StallSpider(scrapy.Spider):
    name = "stall"
    url = ""
    sleep = "60"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.parse)

    def parse(self, response: Any) -> None:
        self.logger.info("blocking the reactor for %s s", self.sleep)
        time.sleep(float(self.sleep))  # a stuck callback: nothing else on the reactor runs meanwhile
