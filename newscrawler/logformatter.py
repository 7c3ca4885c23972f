"""Log formatting: item drops are counted in stats and logged once per reason by the pipelines."""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter


class QuietDrops(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None) -> None:  # type: ignore[override]
        return None
