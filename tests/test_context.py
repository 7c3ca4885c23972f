"""What a request carries between the crawl's components (newscrawler/context.py): one typed Context
under one meta key, its Ticket kept by redirect hops and retries."""

from __future__ import annotations

import dataclasses

import pytest
from scrapy import Request

from newscrawler.context import KEY, Context, Kind, Ticket, context_of, site_of, ticket_of

HOME = "https://news.example/"
TICKET = Ticket("t1", "news", "https://news.example/a/story", "2026-11-28T10:00:00+00:00", "sitemap")


def test_sitemaps_feeds_and_listings_are_discovery_robots_and_articles_are_not() -> None:
    assert {k for k in Kind if k.discovery} == {Kind.SITEMAP, Kind.FEED, Kind.LISTING}
    assert Kind("article") is Kind.ARTICLE and Kind.ARTICLE == "article", "stored and logged as its name"


def test_an_article_request_carries_its_site_and_ticket() -> None:
    request = Request(TICKET.url, meta={KEY: Context("news", HOME, Kind.ARTICLE, ticket=TICKET)})
    assert site_of(request) == "news"
    assert ticket_of(request) is TICKET
    ctx = context_of(request)
    assert ctx is not None and ctx.kind is Kind.ARTICLE and not ctx.start and ctx.depth == 0


def test_a_redirect_hop_or_retry_keeps_the_context() -> None:
    request = Request(TICKET.url, meta={KEY: Context("news", HOME, Kind.ARTICLE, ticket=TICKET)})
    hop = request.replace(url="https://news.example/a/story/")  # what RedirectMiddleware makes
    retry = request.copy()
    assert ticket_of(hop) is TICKET and ticket_of(retry) is TICKET


def test_a_request_no_crawl_component_made_has_no_context() -> None:
    assert context_of(Request(HOME)) is None
    assert site_of(Request(HOME)) is None and ticket_of(Request(HOME)) is None
    assert context_of(Request(HOME, meta={KEY: {"site": "news"}})) is None, "only a Context counts"
    listing = Request(HOME, meta={KEY: Context("news", HOME, Kind.LISTING, start=True)})
    assert ticket_of(listing) is None and site_of(listing) == "news"


def test_contexts_and_tickets_cannot_change_once_made() -> None:
    ctx = Context("news", HOME, Kind.SITEMAP, declared=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.site = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        TICKET.sample = True  # type: ignore[misc]
    assert dataclasses.replace(ctx, depth=1) == Context("news", HOME, Kind.SITEMAP, depth=1, declared=True)
