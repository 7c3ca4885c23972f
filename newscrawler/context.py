"""What a request carries between the crawl's components: one typed ``Context`` under one meta key.

The spider makes it; the frontier, the safety and politeness middlewares and the distributed
scheduler read it. Scrapy's own keys (``download_slot``, ``download_delay``, ``redirect_urls``,
``dont_obey_robotstxt``...) stay Scrapy's. An article request's context holds its ``Ticket``,
which later rides on the Article itself (``Article.ticket``) through the pipelines and the output.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

KEY = "newscrawler"  # the request.meta key


class Kind(StrEnum):
    """What a request fetches."""

    ROBOTS = "robots"
    SITEMAP = "sitemap"
    FEED = "feed"
    LISTING = "listing"  # a home or section page
    ARTICLE = "article"

    @property
    def discovery(self) -> bool:
        """A listing of articles (sitemap, feed, home or section page)."""
        return self in (Kind.SITEMAP, Kind.FEED, Kind.LISTING)


@dataclass(frozen=True)
class Ticket:
    """One article, from the decision to fetch it until its line is stored or it is dropped.

    Redirect hops and retries are copies of the request and keep it, so a page is in flight once
    however many hops it takes; the Article extracted from it carries it to the pipelines and the
    output, which know the article by ``id``.
    """

    id: str
    site: str
    url: str  # as listed
    listed: str | None  # the listing date the decision was made with (UTC ISO, whole seconds)
    source: str  # sitemap, feed, links; "page" for a page fetched outside the crawl (scrapy parse)
    sample: bool = False  # read to learn the site's template only: the clean pipeline drops it


@dataclass(frozen=True)
class Context:
    """One request of the crawl: which site it serves and what it fetches."""

    site: str
    home: str  # the site's home page
    kind: Kind
    depth: int = 0  # sitemap index nesting, or listing pages from the home page
    declared: bool = False  # named by the site (robots.txt, the registry): may be on another host
    start: bool = False  # an entry point the user or the registry gave
    quiet_404: bool = False  # a usual sitemap location tried blind: a 404 is no error
    round: str | None = None  # distributed: the pushed site's crawl this request belongs to
    ticket: Ticket | None = None  # article requests
    lease: str | None = None  # distributed: the lease the scheduler took this request under
    rendered: bool = False  # an article page fetched again through a browser (counted fetched once)


def context_of(request: Any) -> Context | None:
    """The crawl context a request carries (None: a request no crawl component made)."""
    ctx = request.meta.get(KEY)
    return ctx if isinstance(ctx, Context) else None


def ticket_of(request: Any) -> Ticket | None:
    """The article ticket a request carries (None: not an article request)."""
    ctx = context_of(request)
    return ctx.ticket if ctx is not None else None


def site_of(request: Any) -> str | None:
    ctx = context_of(request)
    return ctx.site if ctx is not None else None
