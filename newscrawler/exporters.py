"""JSON Lines for Article records: schema field order, empty fields left out, UTF-8 text, flushed per line."""

from __future__ import annotations

import json
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import JsonLinesItemExporter
from scrapy.utils.python import to_bytes

from newscrawler.items import Article, is_empty


class ArticleJsonLinesExporter(JsonLinesItemExporter):
    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("ensure_ascii", False)
        super().__init__(file, **kwargs)

    def export_item(self, item: Any) -> None:
        if isinstance(item, Article):
            data = item.to_dict()
        else:
            data = {k: v for k, v in ItemAdapter(item).items() if not is_empty(v)}
        line = json.dumps(data, ensure_ascii=False, default=str) + "\n"
        # One write and a flush per line: a crawl killed at any moment leaves only whole lines,
        # and the state confirms an article (item_scraped) only after its line is out.
        self.file.write(to_bytes(line, self.encoding or "utf-8"))
        self.file.flush()
