"""Validate: drop what is not a publishable article, each drop counted and its reason logged once.

Under NEWSCRAWLER_MIN_WORDS a page is ``too_short`` unless it is a brief: its own markup declares
an article (JSON-LD NewsArticle, og:type article) and it has a byline or a date.

Pages that are not articles at all (home, section, author pages reached by links) are dropped
earlier, by the spider (`not_article`), before any extraction result reaches the pipelines.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.crawler import Crawler

from newscrawler.extraction.dates import parse_any
from newscrawler.items import Article
from newscrawler.pipelines import count_drop
from newscrawler.plan import plan_of
from newscrawler.stats import tally


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.min_words = crawler.settings.getint("NEWSCRAWLER_MIN_WORDS")
        self.min_brief_words = crawler.settings.getint("NEWSCRAWLER_MIN_BRIEF_WORDS")
        self.max_future = timedelta(hours=crawler.settings.getfloat("NEWSCRAWLER_MAX_FUTURE_HOURS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        reason = self.problem(item)
        if reason:
            raise count_drop(self.crawler, reason, item.url, item.metadata.site)
        return item

    def _brief(self, item: Article) -> bool:
        """Short news is news: a page whose own markup declares an article, with its headline and a
        byline or a date, is a brief, kept (and counted, newscrawler/brief) above a floor of words."""
        if not item.metadata.articleMarkup or (item.wordCount or 0) < self.min_brief_words:
            return False
        if not (item.authors or item.datePublished):
            return False
        tally(self.crawler, "brief", item.metadata.site)
        return True

    def problem(self, item: Article) -> str | None:
        plan = plan_of(self.crawler)
        if not item.headline:
            return "no_headline"
        if (item.wordCount or 0) < self.min_words and not self._brief(item):
            return "too_short"
        now = datetime.now(UTC)
        published = parse_any(item.datePublished, now) if item.datePublished else None
        if published is not None:
            if published.utc() > now + self.max_future:
                return "future_date"
            if plan is not None and plan.since is not None and published.utc() < plan.since:
                return "too_old"
            if plan is not None and plan.until is not None and published.utc() > plan.until:
                return "too_new"  # `scrapy crawl archive -a until=`
        if plan is not None and plan.languages and item.inLanguage not in plan.languages:
            return "language"
        return None
