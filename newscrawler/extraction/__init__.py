"""Pure extraction: functions of (html, url) -> Article fields. No network, no Scrapy."""

from newscrawler.extraction.article import extract_article

__all__ = ["extract_article"]
