"""Feed exporters for Article records: empty fields left out in every format, each line flushed,
and every write reported to the output ledger (an article is written only once stored).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy import exporters
from scrapy.crawler import Crawler
from scrapy.utils.python import to_bytes

from newscrawler.items import Article, is_empty
from newscrawler.output import OutputLedger

logger = logging.getLogger(__name__)


def as_record(item: Any) -> dict[str, Any]:
    """The item as the output shows it: schema order, empty fields left out."""
    if isinstance(item, Article):
        return item.to_dict()
    return {k: v for k, v in ItemAdapter(item).items() if not is_empty(v)}


class _Reported:
    """Writes an item, flushes the file, and tells the ledger whether that worked."""

    target: Any  # the file the feed gave (Scrapy's exporters name it file or stream)
    ledger: OutputLedger | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, file: Any, **kwargs: Any) -> Any:
        exporter = cls(file, **kwargs)  # type: ignore[call-arg]
        exporter.target = file
        exporter.ledger = crawler.get_extension(OutputLedger)
        return exporter

    def export_item(self, item: Any) -> None:
        try:
            self._write(item)
            # CSV writes through a text wrapper of its own: flush that first, then the file.
            stream = getattr(self, "stream", None)
            if stream is not None and stream is not self.target:
                stream.flush()
            self.target.flush()
        except (OSError, ValueError) as exc:  # disk full, read-only, closed file, broken pipe
            if self.ledger is None:
                raise
            logger.debug("could not write %s: %s", getattr(item, "url", item), exc)
            self.ledger.exported(item, self, ok=False)
            return
        if self.ledger is not None:
            self.ledger.exported(item, self, ok=True)

    def _write(self, item: Any) -> None:
        super().export_item(as_record(item))  # type: ignore[misc]


class ArticleJsonLinesExporter(_Reported, exporters.JsonLinesItemExporter):
    """One JSON object per line, UTF-8 text (not \\u escapes), one write per line.

    A crawl killed at any moment leaves only whole lines.
    """

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("ensure_ascii", False)
        super().__init__(file, **kwargs)

    def _write(self, item: Any) -> None:
        line = json.dumps(as_record(item), ensure_ascii=False, default=str) + "\n"
        self.target.write(to_bytes(line, self.encoding or "utf-8"))


class ArticleJsonExporter(_Reported, exporters.JsonItemExporter):
    pass


class ArticleCsvExporter(_Reported, exporters.CsvItemExporter):
    pass


class ArticleXmlExporter(_Reported, exporters.XmlItemExporter):
    pass


class ArticlePickleExporter(_Reported, exporters.PickleItemExporter):
    pass


class ArticleMarshalExporter(_Reported, exporters.MarshalItemExporter):
    pass
