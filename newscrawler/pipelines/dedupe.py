"""Deduplicate: each story written once, across runs.

In order: the same article under another URL (URL keys: tracking parameters, AMP and
mobile variants, rel=canonical); the same text under another URL or site (exact
fingerprint of the normalised body); a near-duplicate (MinHash-LSH over word shingles,
threshold NEWSCRAWLER_NEAR_DUPLICATE_THRESHOLD), dropped or kept with metadata.duplicateOf;
and updates: an article written before whose text changed substantively is written again
with metadata.revision incremented.

An article is *claimed* in the state before it is written and *confirmed* once its line is
safely stored (the output ledger's article_stored signal); if the output fails
(article_lost) the claim is released at once. Claims
left pending at the end are released by the CrawlState extension; a crawl killed in
between leaves a pending claim that the next crawl releases, so nothing is lost, unless the
line is already at the end of the crawl's local output (the state knows those files), in which
case the next crawl confirms it, so nothing is written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler

from newscrawler.frontier import site_id
from newscrawler.items import Article, item_key
from newscrawler.output import OutputLedger, article_lost, article_stored
from newscrawler.pipelines import count_drop, state_failed
from newscrawler.state import ArticleIndex, Leases, Seen
from newscrawler.state.extension import get_store
from newscrawler.state_errors import STATE_ERRORS
from newscrawler.stats import tally
from newscrawler.text import signature_similarity, text_keys
from newscrawler.urls import url_key


@dataclass
class _Story:
    """One article as the state knows articles: its URL keys and text fingerprints."""

    item: Article
    site: str | None
    own: list[str]  # its URL and the URLs it answered under before redirects
    canonical: str | None  # its canonical's key, when it may deduplicate
    keys: list[str]  # what it is claimed under
    fp: int
    sig: bytes
    listed: str | None
    fetched: str


class DedupePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.near_threshold = s.getfloat("NEWSCRAWLER_NEAR_DUPLICATE_THRESHOLD")
        self.keep_near = s.get("NEWSCRAWLER_NEAR_DUPLICATES") == "keep"
        self.revision_similarity = s.getfloat("NEWSCRAWLER_REVISION_SIMILARITY")
        self.pending: dict[str, list[str]] = {}  # item_key -> the keys claimed
        self.outputs: list[str] = []  # local output files, as last recorded in the state
        self.written_keys: set[str] = set()  # this run's, to tell a copy from an unchanged re-fetch
        crawler.signals.connect(self.article_stored, signal=article_stored)
        crawler.signals.connect(self.article_lost, signal=article_lost)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            return self._process(item)
        except STATE_ERRORS as exc:
            raise state_failed(self.crawler, exc, item.url, item.metadata.site) from None

    def _process(self, item: Article) -> Article:
        state = get_store(self.crawler)
        story = self._story(item)
        found = {k: state.lookup(k) for k in story.keys}
        seens = self._judge_known(state, story, found)  # raises for the same story written before
        if not seens:
            self._judge_new(state, story)  # raises for the same or a near text under other URLs
        known = max((s.revision for s in seens), default=0)  # claim refuses if it moved on since
        self._note_outputs(state)
        revision = state.claim(
            story.keys, item.url or "", story.fp, story.sig, story.listed, story.fetched, known=known
        )
        if revision is None:
            raise count_drop(self.crawler, "claimed_by_another_crawl", item.url, story.site)
        # Two crawls sharing the state may claim two near-duplicates at the same moment, each
        # before the other's claim was there to find. The later claim gives its claim back: the
        # earlier one may have checked before it and be written already.
        if (
            not seens
            and not self.keep_near
            and state.find_near(story.sig, self.near_threshold, claimed_before=story.keys[0]) is not None
        ):
            state.release(story.keys)
            raise count_drop(self.crawler, "near_duplicate", item.url, story.site)
        item.metadata.revision = revision
        self.pending[item_key(item)] = story.keys
        self.written_keys.update(story.keys)
        return item

    def _story(self, item: Article) -> _Story:
        # The page's URL, its canonical, and every URL it answered under before redirects: a
        # later listing naming any of them finds the article known.
        own = sorted({url_key(u) for u in (item.url, *item.metadata.redirectedFrom) if u})
        canonical = self._canonical_key(item, own)
        fp, sig = text_keys(item.articleBody or "")
        return _Story(
            item=item,
            site=item.metadata.site,
            own=own,
            canonical=canonical,
            keys=sorted({*own, canonical} if canonical else own),
            fp=fp,
            sig=sig,
            listed=item.metadata.listed,
            fetched=item.metadata.dateDownloaded or datetime.now(UTC).isoformat(),
        )

    def _judge_known(self, state: ArticleIndex, story: _Story, found: dict[str, Seen | None]) -> list[Seen]:
        """What the state knows of the story's URLs: raises for the same story (unchanged, or a
        copy under another URL); else the records this one is a revision of ([]: a new article)."""
        seens = [s for s in found.values() if s]
        if not seens:
            return []
        similarity = signature_similarity(story.sig, seens[0].signature)
        same = seens[0].fingerprint == story.fp or similarity >= self.revision_similarity
        only_canonical = story.canonical is not None and not any(found[k] for k in story.own)
        if only_canonical and not same:
            if similarity < self.near_threshold:
                # Known only by its canonical, with another text: two articles under one
                # canonical (a template bug). The canonical is ignored; the page is its own.
                tally(self.crawler, "canonical_ignored", story.site)
                story.item.canonicalUrl = None
                story.keys = story.own
                return []
            # A copy (AMP, mobile) of its canonical page whose template paragraphs were cleaned
            # a little differently (the counts grow as a crawl goes): the same story.
            same = True
        if not same:
            return seens
        unknown = [k for k in story.keys if found[k] is None]
        if unknown:  # a new way to this article (another redirect): not fetched again
            state.remember_duplicate(unknown, story.listed, story.fetched)
        reason = "duplicate_url" if any(k in self.written_keys for k in story.keys) else "unchanged"
        raise count_drop(self.crawler, reason, story.item.url, story.site)

    def _judge_new(self, state: ArticleIndex, story: _Story) -> None:
        """A new article: raises when its text (or, unless kept, a near text) is known."""
        first = state.find_text(story.fp)
        near = None if first else state.find_near(story.sig, self.near_threshold)
        if first or (near and not self.keep_near):
            state.remember_duplicate(story.keys, story.listed, story.fetched)
            reason = "duplicate_text" if first else "near_duplicate"
            raise count_drop(self.crawler, reason, story.item.url, story.site)
        if near:
            story.item.metadata.duplicateOf = near

    @staticmethod
    def _canonical_key(item: Article, own: list[str]) -> str | None:
        """The canonical's URL key when it may deduplicate: on the page's own site only (another
        site's canonical must never keep that site's own article out of a shared state)."""
        if not item.canonicalUrl or not item.url or site_id(item.canonicalUrl) != site_id(item.url):
            return None
        key = url_key(item.canonicalUrl)
        return None if key in own else key

    def _note_outputs(self, state: Leases) -> None:
        """Tell the state where this crawl's lines go: if it dies between storing a line and
        confirming the claim, the next crawl finds the line there and confirms the claim."""
        ledger = self.crawler.get_extension(OutputLedger)
        paths = ledger.local_files() if ledger is not None else []
        if paths != self.outputs:
            state.record_outputs(paths)
            self.outputs = paths

    def article_stored(self, item: Any) -> None:
        keys = self.pending.pop(item_key(item), None)
        if keys:
            get_store(self.crawler).confirm(keys)

    def article_lost(self, item: Any, reason: str) -> None:
        """The output failed: release the claim, so the next crawl writes the article."""
        keys = self.pending.pop(item_key(item), None)
        if keys:
            get_store(self.crawler).release(keys)
