"""Clean: normalised text, repaired mojibake, no site-template paragraphs.

(Site names are stripped from headlines once, in extraction: `extraction.fields.strip_site_name`.)

Site-template paragraphs ("Follow us on ...", a promo, a disclaimer) are learned per site
from what the crawls see: a paragraph that turns up in the bodies of several different
articles of one site is the site's, not the article's. The counts live in the crawl state,
so the next run starts out knowing them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from scrapy.crawler import Crawler

from newscrawler.frontier import Frontier
from newscrawler.items import Article, Author
from newscrawler.pipelines import count_drop, state_failed
from newscrawler.state import SITE_ARTICLES, TemplateCounts
from newscrawler.state.extension import get_store
from newscrawler.state_errors import STATE_ERRORS
from newscrawler.text import clean_text, fingerprint, word_count
from newscrawler.urls import url_key


class CleanPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.min_articles = settings.getint("NEWSCRAWLER_TEMPLATE_MIN_ARTICLES")
        self.max_share = settings.getfloat("NEWSCRAWLER_TEMPLATE_MAX_SHARE")
        self.warmup = settings.getint("NEWSCRAWLER_TEMPLATE_WARMUP")
        self.warmup_timeout = settings.getfloat("NEWSCRAWLER_TEMPLATE_WARMUP_TIMEOUT")
        self.seen: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            return await self._process(item)
        except STATE_ERRORS as exc:
            raise state_failed(self.crawler, exc, item.url, item.metadata.site) from None

    async def _process(self, item: Article) -> Article:
        for name in ("headline", "description", "articleSection"):
            value = getattr(item, name)
            if value:
                setattr(item, name, clean_text(value))
        item.authors = [Author(clean_text(a.name)) for a in item.authors if a.name]
        if item.ticket is not None and item.ticket.sample:  # read past `limit=` only to learn the site
            self._count_paragraphs(item, clean_text(item.articleBody or "", keep_paragraphs=True))
            raise count_drop(self.crawler, "template_sample", item.url, item.metadata.site)
        if item.articleBody:
            item.articleBody = clean_text(item.articleBody, keep_paragraphs=True)
            await self._remove_template_paragraphs(item)
        item.wordCount = word_count(item.articleBody)  # of the text as written, after cleaning
        return item

    def _count_paragraphs(self, item: Article, body: str) -> list[int]:
        """Count the article's paragraphs (of its cleaned body) for its site; their hashes in order."""
        site = item.metadata.site or ""
        paragraphs = body.split("\n\n")
        hashes = [fingerprint(p) for p in paragraphs]
        # Counted once per article (by canonical key): re-fetches and revisions do not make text "common".
        get_store(self.crawler).add_paragraphs(
            site, url_key(item.canonicalUrl or item.url or ""), [*set(hashes), SITE_ARTICLES]
        )
        self.seen[site] = self.seen.get(site, 0) + 1
        return hashes

    async def _remove_template_paragraphs(self, item: Article) -> None:
        site = item.metadata.site or ""
        state = get_store(self.crawler)
        paragraphs = (item.articleBody or "").split("\n\n")
        hashes = self._count_paragraphs(item, item.articleBody or "")
        await self._warm_up(site, state)
        counts = state.paragraph_counts(site, hashes)
        template = [i for i, h in enumerate(hashes) if counts.get(h, 0) >= self.min_articles]
        cap = int(len(paragraphs) * self.max_share)
        if not template:
            return
        stats = self.crawler.stats
        assert stats is not None
        if len(template) > cap:
            stats.inc_value("newscrawler/template_cap_reached")
            template = template[:cap]
        drop = set(template)
        item.articleBody = "\n\n".join(p for i, p in enumerate(paragraphs) if i not in drop)
        stats.inc_value("newscrawler/template_paragraphs_removed", len(drop))

    async def _warm_up(self, site: str, state: TemplateCounts) -> None:
        """On a site the state has barely seen, hold its first articles until a few have arrived.

        Otherwise the first articles of the very first crawl would keep the template
        paragraphs that only later articles reveal. The wait ends when enough articles have
        arrived, when the spider has no more article pages of the site in flight, or after a timeout.
        """
        if state.paragraph_counts(site, [SITE_ARTICLES]).get(SITE_ARTICLES, 0) > self.warmup:
            return
        frontier = self.crawler.get_extension(Frontier)
        deadline = time.monotonic() + self.warmup_timeout
        while (
            self.seen.get(site, 0) < self.warmup
            and frontier is not None
            and frontier.in_flight(site) > 0
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.1)
        if time.monotonic() >= deadline and self.crawler.stats is not None:
            # Pages counted in flight that never came: a bookkeeping leak, visible in the stats.
            self.crawler.stats.inc_value("newscrawler/warmup_timeouts")
