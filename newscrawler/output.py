"""The output ledger: an article counts as written only once its line is safely stored.

Scrapy's feed exporter writes each scraped item to every feed. The ledger watches what
became of each article there and sends one of two signals:

- ``article_stored``: its line is flushed to a local file (or stdout), or, for feeds that
  upload at the end (s3, ftp, gcs), Scrapy reported the upload done;
- ``article_lost``: a feed could not be opened or written, or its upload failed. The dedupe
  pipeline then releases the article's claim, so the next crawl writes it, and the article
  is counted as ``lost_to_output`` instead of written.

``output_closed`` follows once every feed is stored, so that the state closes and the
summary is logged after the last upload, not during it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import BlockingFeedStorage, FeedExporter

from newscrawler.items import Article, item_key
from newscrawler.safety import mask_secrets

logger = logging.getLogger(__name__)

article_stored = object()  # args: item
article_lost = object()  # args: item, reason
output_closed = object()  # every feed stored (or failed); no args


class OutputLedger:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._reports: dict[str, list[tuple[Any, bool]]] = {}  # item_key -> [(exporter, ok)]
        self._uploading: dict[int, list[_Pending]] = {}  # id(slot) -> articles waiting for it to close
        self._failed_uploads: dict[str, int] = {}  # storage type -> failures seen so far
        self._decided: set[str] = set()  # item_key of items decided while exported
        self._closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutputLedger:
        ledger = cls(crawler)
        # Connected after Scrapy's FeedExporter (extensions load in order), so it runs after the export.
        crawler.signals.connect(ledger.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ledger.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(ledger.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ledger.feed_exporter_closed, signal=signals.feed_exporter_closed)
        return ledger

    # --- called by our exporters (newscrawler.exporters), right after each write ---

    def exported(self, item: Any, exporter: Any, ok: bool) -> None:
        """Decide at once when this was the last feed to take the item: no await between the
        flush and the state's confirmation, so a crawl killed in between cannot write it twice."""
        self._reports.setdefault(item_key(item), []).append((exporter, ok))
        slots = self._accepting(item)
        if slots and slots[-1].exporter is exporter:
            self._decide(item, slots)

    def local_files(self) -> list[str]:
        """The local files the feeds write to (not stdout, not uploads), absolute paths."""
        feeds = self.crawler.get_extension(FeedExporter)
        if feeds is None:
            return []
        paths = [getattr(s.storage, "path", None) for s in feeds.slots]
        return sorted({str(Path(p).resolve()) for p in paths if isinstance(p, str) and p})

    # --- signals ---

    def _accepting(self, item: Any) -> list[Any]:
        feeds = self.crawler.get_extension(FeedExporter)
        return [s for s in feeds.slots if s.filter.accepts(item)] if feeds is not None else []

    def item_scraped(self, item: Any, **_: Any) -> None:
        key = item_key(item)
        if key in self._decided:
            self._decided.discard(key)
            return
        self._decide(item, self._accepting(item))  # a feed that failed before our exporter ran
        self._decided.discard(key)

    def _decide(self, item: Any, slots: list[Any]) -> None:
        """The rule with several feeds: an article is stored once one feed that accepts it has
        stored it; a feed that failed it is counted (``lost_to_feed``), and the article is not
        written again to the others. Lost (the next run writes it) only when every feed failed."""
        reports = self._reports.pop(item_key(item), [])
        self._decided.add(item_key(item))
        if not slots:
            if self.crawler.settings.getdict("FEEDS") and self.crawler.get_extension(FeedExporter) is None:
                self._lost(item, "feeds are configured but Scrapy disabled them (see the error above)")
            else:  # no feed configured: whoever consumes item_scraped has it
                self._stored(item)
            return
        stored, failed, waiting = [], [], []
        for slot in slots:
            mine = [ok for exporter, ok in reports if exporter is slot.exporter]
            if slot.exporter is None:  # the feed could not be opened
                failed.append((slot, "feed could not be opened"))
            elif (mine and not all(mine)) or (not mine and _ours(slot.exporter)):
                failed.append((slot, "feed write failed"))
            elif isinstance(slot.storage, BlockingFeedStorage) or slot.feed_options.get("postprocessing"):
                waiting.append(slot)  # stored when the upload (or the compressed file) is closed
            else:
                stored.append(slot)
        if stored:
            self._stored(item)
            self._missing(item, failed)
        if not waiting:
            if not stored:
                self._lost(item, failed[0][1] if failed else "feed write failed")
            return
        pending = _Pending(item, {id(s) for s in waiting}, bool(stored), [] if stored else failed)
        for slot in waiting:
            self._uploading.setdefault(id(slot), []).append(pending)

    def feed_slot_closed(self, slot: Any) -> None:
        kind = type(slot.storage).__name__
        stats = self.crawler.stats
        failed_now = int(stats.get_value(f"feedexport/failed_count/{kind}", 0)) if stats else 0
        failed = failed_now > self._failed_uploads.get(kind, 0)
        self._failed_uploads[kind] = failed_now
        for pending in self._uploading.pop(id(slot), []):
            self._settle(pending, slot, "feed upload failed" if failed else None)

    def _settle(self, pending: _Pending, slot: Any, failure: str | None) -> None:
        """One waiting feed of this article is closed; decide once the last one is."""
        pending.waiting.discard(id(slot))
        if failure:
            pending.failed.append((slot, failure))
        else:
            pending.kept = True
        if pending.waiting:
            return
        if pending.stored:
            self._missing(pending.item, pending.failed)
        elif pending.kept:
            self._stored(pending.item)
            self._missing(pending.item, pending.failed)
        else:
            self._lost(pending.item, pending.failed[-1][1] if pending.failed else "feed never stored")

    def spider_closed(self, spider: Spider) -> None:
        if self.crawler.get_extension(FeedExporter) is None:  # nothing to wait for
            self._close()

    def feed_exporter_closed(self) -> None:
        for slot_id, pendings in list(self._uploading.items()):  # slots that never closed
            for pending in pendings:
                pending.waiting.discard(slot_id)
                self._settle(pending, _NeverClosed(slot_id), "feed never stored")
        self._uploading.clear()
        self._close()

    # --- outcomes ---

    def _stored(self, item: Any) -> None:
        self.crawler.signals.send_catch_log(article_stored, item=item)

    def _missing(self, item: Any, failed: list[tuple[Any, str]]) -> None:
        """Stored in another feed, not in these: counted per feed, the first of each logged."""
        stats = self.crawler.stats
        for slot, why in failed:
            uri = mask_secrets(str(getattr(slot, "uri", "?")))
            if stats is None:
                continue
            if not stats.get_value(f"newscrawler/lost_to_feed/{uri}"):
                logger.error(
                    "error: output failed for the feed %s (%s); its articles are stored in the other feeds, "
                    "counted as lost_to_feed, and not written again",
                    uri,
                    why,
                )
            stats.inc_value(f"newscrawler/lost_to_feed/{uri}")
            stats.inc_value("newscrawler/lost_to_feed")

    def _lost(self, item: Any, why: str) -> None:
        site = item.metadata.site if isinstance(item, Article) else None
        url = getattr(item, "url", None)
        stats = self.crawler.stats
        if stats is not None:
            if not stats.get_value("newscrawler/lost_to_output"):
                logger.error(
                    "error: output failed (%s); such articles are not counted as written, e.g. %s", why, url
                )
            stats.inc_value("newscrawler/lost_to_output")
            if site:
                stats.inc_value(f"newscrawler/{site}/lost_to_output")
        self.crawler.signals.send_catch_log(article_lost, item=item, reason=why)

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            self.crawler.signals.send_catch_log(output_closed)


@dataclass
class _Pending:
    """An article some of whose feeds store it only when they close (uploads, compressed files)."""

    item: Any
    waiting: set[int]  # id() of the feed slots not closed yet
    stored: bool  # already stored by a local feed
    failed: list[tuple[Any, str]] = field(default_factory=list)  # (slot, why) not yet reported
    kept: bool = False  # a waiting feed stored it


@dataclass
class _NeverClosed:
    """Stands for a feed slot Scrapy never closed."""

    slot_id: int
    uri: str = "a feed that never closed"


def _ours(exporter: Any) -> bool:
    """Our exporters report every write; others (a user's own) are trusted."""
    return hasattr(exporter, "ledger")
