"""Pure extraction: functions of (html, url) -> Article fields. No network, no Scrapy."""

from __future__ import annotations

from typing import Any

__all__ = ["extract_article"]


def __getattr__(name: str) -> Any:
    # On first use: the crawl's own process reads dates and fields, and must not load
    # trafilatura and the rest of the body extractor, which only its worker processes run.
    if name == "extract_article":
        from newscrawler.extraction.article import extract_article

        return extract_article
    raise AttributeError(name)
