"""What extraction gives back for one fetched page: light, so that the crawl's own process can
unpickle it from an extraction worker without loading the extractor itself."""

from __future__ import annotations

from dataclasses import dataclass

from newscrawler.items import Article

TemplatePaths = dict[str, str | None]  # field -> where this page keeps it (extraction/learned.py)


@dataclass
class PageResult:
    """A fetched page, extracted."""

    article: Article | None  # None: not an article page (a home, section or author page)
    template_paths: TemplatePaths | None = None  # where the page keeps each field, when asked
    client_rendered: bool = False  # no article, and an app shell: only a browser would see it
