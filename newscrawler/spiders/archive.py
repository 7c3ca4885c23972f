"""The `archive` spider: articles from WARC files (any archive, or Common Crawl's CC-NEWS), on the
same extraction, item pipelines, crawl state and feed exports as `news`.

scrapy crawl archive -a warc=PATH|GLOB|URL[,...] -O articles.jsonl
scrapy crawl archive -a ccnews=2024-03 -a sites=dawn,reuters -a since=2024-03-10 -a until=2024-03-12

No request is made for an article: ``start()`` reads each file's records in a thread
(newscrawler.archive.reader, FastWARC), counts every record that is not an article page under its
reason from its header alone, extracts the others on the extraction pool, several at a time, and
yields their Articles, which the pipelines and the output take as they take `news`'s. Each file's
progress (``newscrawler.archive.progress``) is kept in the crawl state once outcomes are final, so
a killed run resumes at the file and record where it was.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler

from newscrawler.archive.http import ArchiveUnreadable, Fetch
from newscrawler.archive.plan import ArchivePlan
from newscrawler.archive.progress import FINAL, HELD, FileProgress
from newscrawler.archive.reader import Record, read_records
from newscrawler.archive.selection import warc_date
from newscrawler.archive.sources import Source, ccnews_month
from newscrawler.context import Ticket
from newscrawler.frontier import Frontier, changed_since
from newscrawler.items import Article, WarcRecordRef, item_key
from newscrawler.learning import TemplateLearning
from newscrawler.output import article_lost, article_stored
from newscrawler.plan import CrawlPlan
from newscrawler.pool import ExtractionFailed, ExtractionPool
from newscrawler.sites import Site
from newscrawler.state.extension import get_store
from newscrawler.state_errors import STATE_ERRORS
from newscrawler.stats import ARCHIVE_RECORDS as RECORDS
from newscrawler.stats import count, tally
from newscrawler.text import hash64
from newscrawler.urls import url_key

BATCH = 16  # records read per call in the reading thread (a few MB of pages at most)
SAVE_EVERY = 200  # records settled between two writes of a file's progress (and at its end)...
SAVE_SECONDS = 1.0  # ...or this long: a killed run re-reads at most a second's worth of records


class ArchiveSpider(scrapy.Spider):
    name = "archive"
    plan: CrawlPlan  # what the pipelines, the state and the monitors read (plan_of)
    archive: ArchivePlan

    def __init__(self, archive: ArchivePlan | None = None, **kwargs: Any) -> None:
        super().__init__(**{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.archive = archive or ArchivePlan.parse(kwargs)
        self.plan = self.archive.crawl
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="warc-reader")
        self._tickets: dict[str, tuple[FileProgress, int]] = {}  # ticket id -> its file, its token
        self._ticket_prefix = f"warc-{uuid.uuid4().hex[:12]}"
        self._taken: dict[str, int] = {}  # per site: articles written or on their way (limit=)
        self._files: dict[str, FileProgress] = {}
        self._unsaved: dict[str, int] = {}  # per file: settles since its progress was written
        self._saved: dict[str, tuple[int | None, bool]] = {}
        self._numbers = itertools.count(1)
        self._last_save = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArchiveSpider:
        archive = ArchivePlan.parse(kwargs, sites_file=crawler.settings.get("NEWSCRAWLER_SITES_FILE"))
        spider = super().from_crawler(crawler, *args, archive=archive, **kwargs)
        assert isinstance(spider, ArchiveSpider)
        crawler.signals.connect(spider.article_stored, signal=article_stored)
        crawler.signals.connect(spider.article_lost, signal=article_lost)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider.closed_reading, signal=signals.spider_closed)
        return spider

    @property
    def extraction(self) -> ExtractionPool:
        return self.crawler.get_extension(ExtractionPool) or ExtractionPool(1)

    @property
    def frontier(self) -> Frontier | None:
        return self.crawler.get_extension(Frontier)

    @property
    def fetch(self) -> Fetch:
        s = self.settings
        return Fetch(
            user_agent=s.get("USER_AGENT") or "newscrawler",
            timeout=s.getfloat("DOWNLOAD_TIMEOUT"),
            retries=s.getint("NEWSCRAWLER_ARCHIVE_RETRIES"),
            backoff=s.getfloat("NEWSCRAWLER_ARCHIVE_BACKOFF"),
        )

    # --- the files ---

    async def start(self) -> AsyncIterator[Any]:
        self.extraction.start()  # no request reaches the downloader to start it
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(RECORDS, 0)  # an archive crawl, even one that reads nothing
        try:
            for source in self.archive.sources():
                async for article in self._read_file(source):
                    yield article
            span = self.archive.ccnews
            for year, month in span.months() if span is not None else []:
                base = self.settings.get("NEWSCRAWLER_CCNEWS_BASE")
                try:
                    listed = await self._in_thread(ccnews_month, base, year, month, span, self.fetch)
                except ArchiveUnreadable as exc:
                    self._unreadable("ccnews_paths", exc)
                    continue
                for source in listed:
                    async for article in self._read_file(source):
                        yield article
        finally:
            self._reader.shutdown(wait=False, cancel_futures=True)

    async def _in_thread(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn, *args)

    def _unreadable(self, reason: str, exc: Exception) -> None:
        self.logger.error("error: %s", exc)
        count(self.crawler, "errors", reason, str(exc).split(": ")[0], None)

    async def _read_file(self, source: Source) -> AsyncIterator[Article]:
        known = get_store(self.crawler).archive_progress(source.key)
        if known.done:
            count(self.crawler, "skipped", "archive_done", source.location, None)
            return
        progress = FileProgress(source.key, known.offset)
        start = known.offset or 0
        records = read_records(
            source.opener(self.fetch), self._wanted, start, skip_first=known.offset is not None
        )
        self.logger.info("Reading %s%s", source.location, f" from offset {start}" if start else "")
        jobs: set[asyncio.Task[Article | None]] = set()
        batch = asyncio.ensure_future(self._in_thread(_next_batch, records))
        self._files[source.key] = progress
        try:
            while True:
                try:
                    found: list[Record] = await batch
                except (ArchiveUnreadable, OSError) as exc:  # gone, refused, or the disk failed
                    self._unreadable("archive_unreadable", exc)
                    break
                if not found:
                    progress.end()
                    break
                batch = asyncio.ensure_future(self._in_thread(_next_batch, records))  # read ahead
                for record in found:
                    job = self._take(record, source, progress)
                    if job is not None:
                        jobs.add(asyncio.ensure_future(job))
                    while len(jobs) >= self.extraction.limit + 2:
                        async for article in _finished(jobs):
                            yield article
            while jobs:
                async for article in _finished(jobs):
                    yield article
            self._save(progress, force=True)
        finally:
            for job in jobs:
                job.cancel()

    def _wanted(self, head: Any) -> bool:
        """In the reading thread: whether to read the record's payload."""
        return self.archive.selection.skip_reason(head) is None

    # --- the records ---

    def _take(self, record: Record, source: Source, progress: FileProgress) -> Any:
        """Count the record under its fate, or return the coroutine that extracts it."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(RECORDS)
        head, url = record.head, record.head.url if record.head is not None else None
        site = self.archive.selection.site_for(url) if url else None
        if record.problem is not None or head is None:
            kind = "errors" if record.problem in ("bad_record", "bad_encoding") else "skipped"
            count(
                self.crawler,
                kind,
                record.problem or "bad_record",
                url or source.location,
                site.name if site else None,
            )
            progress.add(record.offset, record.boundary, FINAL)
            return None
        reason = self.archive.selection.skip_reason(head)
        if reason is None:
            assert site is not None and url is not None
            reason = self._known_or_over(site, url, head.date, progress)
        if reason is not None:
            held = reason == "over_limit"  # read again by the next run, which may write it
            mine = reason in ("known", "over_limit", "duplicate_url")
            count(
                self.crawler, "skipped", reason, url or source.location, site.name if site and mine else None
            )
            progress.add(record.offset, record.boundary, HELD if held else FINAL)
            return None
        assert site is not None and url is not None and record.body is not None
        ticket = Ticket(f"{self._ticket_prefix}-{next(self._numbers)}", site.name, url, None, "warc")
        self._tickets[ticket.id] = (progress, progress.add(record.offset, record.boundary))
        self._taken[site.name] = self._taken.get(site.name, 0) + 1
        if self.frontier is not None:
            self.frontier.take(ticket)
        ref = WarcRecordRef(source.name, record.offset, head.record_id, head.date)
        return self._article(record.body, site, ticket, ref)

    def _known_or_over(
        self, site: Site, url: str, archived: str | None, progress: FileProgress
    ) -> str | None:
        """``duplicate_url``: the file's first capture of the URL (by its key: tracking parameters,
        AMP...) is the one read, whichever extraction ends first; ``known``: written before (by
        `news` or an archive) and not archived since; ``over_limit``."""
        key = url_key(url)
        if not progress.first_capture(hash64(key)):
            return "duplicate_url"
        seen = get_store(self.crawler).last_fetch(key)
        if seen is not None and not changed_since(archived, *seen):
            return "known"
        limit = self.plan.limit
        if limit is not None and self._taken.get(site.name, 0) >= limit:
            return "over_limit"
        return None

    async def _article(self, body: bytes, site: Site, ticket: Ticket, ref: WarcRecordRef) -> Article | None:
        """The record's Article (None: counted as dropped, its outcome final)."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newscrawler/{site.name}/fetched")
        try:
            article = await self._extract(body, ticket.url, site, warc_date(ref.date))
        finally:
            if self.frontier is not None:
                self.frontier.finish(ticket.id, fetched=True)
        if article is None:
            self._settle(ticket.id, final=True)
            return None
        self._judge_canonical(article, ticket.url, site)
        article.metadata.site, article.metadata.source, article.metadata.warc = site.name, "warc", ref
        article.ticket = ticket
        return article

    async def _extract(self, body: bytes, url: str, site: Site, when: datetime | None) -> Article | None:
        learning = self.crawler.get_extension(TemplateLearning)
        learned = learning.paths(site.name) if learning is not None else {}
        try:
            result = await self.extraction.extract(
                body,
                url,
                site.selectors,
                when or datetime.now(UTC),  # dateDownloaded: when the archiver fetched the page
                learned,
                learning is not None and learning.should_observe(site.name),
                site.timezone,
            )
        except ExtractionFailed as exc:
            self.logger.error("Extraction failed twice for %s (%s)", url, exc)
            count(self.crawler, "dropped", "extraction_failed", url, site.name)
            return None
        if result.article is None:
            count(self.crawler, "dropped", "not_article", url, site.name)
            return None
        if learning is not None and result.template_paths is not None:
            learning.observe(site.name, result.template_paths)
        for field in result.article.metadata.learned:
            self.crawler.stats.inc_value(f"newscrawler/learned/{field}")
        article: Article = result.article
        return article

    def _judge_canonical(self, article: Article, url: str, site: Site) -> None:
        """A canonical naming the home page is a template bug: left out, as `news` leaves it out."""
        if article.canonicalUrl and self.frontier is not None:
            use = self.frontier.canonical_use(article.canonicalUrl, url)
            if use in ("listing", "offsite"):
                tally(self.crawler, "canonical_ignored", site.name)
            if use == "listing":
                article.canonicalUrl = None

    # --- outcomes: what makes a record's outcome final ---

    def article_stored(self, item: Any) -> None:
        self._settle(item_key(item), final=True)

    def article_lost(self, item: Any, reason: str) -> None:
        self._settle(item_key(item), final=False)  # the next run reads it again and writes it

    def item_dropped(self, item: Any, exception: BaseException, **_: Any) -> None:
        if item_key(item) not in self._tickets:
            return
        if isinstance(item, Article) and item.metadata.site in self._taken:
            self._taken[item.metadata.site] -= 1  # its place under limit= goes to the next one
        # A state failure is retried next run; every other drop is counted, final.
        self._settle(item_key(item), final=getattr(exception, "reason", None) != "state_error")

    def _settle(self, key: str, final: bool) -> None:
        found = self._tickets.pop(key, None)
        if found is None:
            return
        progress, token = found
        progress.settle(token, final)
        self._save(progress)

    def _save(self, progress: FileProgress, force: bool = False) -> None:
        """Write the file's progress now and then (a lag only costs a rerun some re-reading)."""
        n = self._unsaved.get(progress.key, 0) + 1
        recent = time.monotonic() - self._last_save < SAVE_SECONDS
        if not force and n < SAVE_EVERY and recent and not progress.done:
            self._unsaved[progress.key] = n
            return
        self._unsaved[progress.key] = 0
        self._last_save = time.monotonic()
        now = (progress.committed, progress.done)
        if self._saved.get(progress.key) != now:
            get_store(self.crawler).record_archive_progress(progress.key, *now)
            self._saved[progress.key] = now
        if progress.done:
            self._files.pop(progress.key, None)  # a month of CC-NEWS is hundreds of files: keep the open ones

    def closed_reading(self, spider: scrapy.Spider) -> None:
        """At the end: every file's progress as it stands (the state is still open)."""
        try:
            for progress in list(self._files.values()):
                self._save(progress, force=True)
        except STATE_ERRORS as exc:
            self.logger.error(
                "error: the crawl state failed (%s); the next run reads again from further back", exc
            )


def _next_batch(records: Iterator[Record]) -> list[Record]:
    """In the reading thread: the next few records (none at the end of the file)."""
    out = []
    for record in records:
        out.append(record)
        if len(out) >= BATCH:
            break
    return out


async def _finished(jobs: set[asyncio.Task[Article | None]]) -> AsyncIterator[Article]:
    """Wait for some extractions to end; their Articles."""
    done, _ = await asyncio.wait(jobs, return_when=asyncio.FIRST_COMPLETED)
    for job in done:
        jobs.discard(job)
        article = job.result()
        if article is not None:
            yield article
