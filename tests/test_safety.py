"""What is never fetched (newscrawler/safety.py): schemes other than the web's, other sites, private
addresses, before connecting and at connect time; secrets masked in every log line."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from newscrawler.context import KEY, Context, Kind
from newscrawler.safety import PublicOnlyResolver, SafetyMiddleware, same_site
from newscrawler.spiders.news import NewsSpider
from newscrawler.stats import CountedIgnore, PrivateAddressRefused
from tests.conftest import project_settings_dict


def test_the_safety_rules_on_single_requests() -> None:
    crawler = get_crawler(NewsSpider, project_settings_dict())
    mw = SafetyMiddleware(crawler)
    home = "http://127.0.0.1:8000/"
    start = Request(home, meta={KEY: Context("s", home, Kind.LISTING, start=True)})
    assert mw.refusal(start) is None
    cases = {
        "file:///etc/passwd": "bad_scheme",
        "ftp://127.0.0.1/x": "bad_scheme",
        "http://127.0.0.2:8001/a-long-article-slug-here": "offsite",
        "http://127.0.0.1:8001/a-long-article-slug-here": "private_address",  # same host, other port
        "http://10.0.0.5/news/x": "offsite",
    }
    for url, reason in cases.items():
        assert mw.refusal(Request(url, meta={KEY: Context("s", home, Kind.ARTICLE)})) == reason, url
    declared = {KEY: Context("s", home, Kind.SITEMAP, declared=True)}
    assert mw.refusal(Request("http://169.254.169.254/latest/meta-data", meta=declared)) == "private_address"
    assert mw.refusal(Request("http://[::1]:8000/sitemap.xml", meta=declared)) == "private_address"
    assert mw.refusal(Request("http://224.0.0.1/sitemap.xml", meta=declared)) == "private_address"
    redirected = Request(home.replace("8000", "8002"), meta={"start": True, "redirect_urls": [home]})
    assert mw.refusal(redirected) == "private_address", "a redirect does not make a start URL"
    assert same_site("www.bbc.co.uk", "feeds.bbc.co.uk") and not same_site("bbc.co.uk", "evil.co.uk")


@deferred_f_from_coro_f
async def test_a_host_name_that_resolves_to_a_private_address_is_refused() -> None:
    crawler = get_crawler(NewsSpider, project_settings_dict())
    mw = SafetyMiddleware(crawler)
    declared = {KEY: Context("s", "http://127.0.0.1:8000/", Kind.SITEMAP, declared=True)}
    assert await mw._resolves_privately(Request("http://localhost:8001/sitemap.xml", meta=declared)) == (
        "private_address"
    )
    mw.allow.add("localhost")
    assert await mw._resolves_privately(Request("http://localhost:8001/sitemap.xml", meta=declared)) is None


def test_the_resolver_refuses_private_answers_at_connect_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from twisted.internet import defer

    from newscrawler.safety import Allowlist

    resolver = PublicOnlyResolver.__new__(PublicOnlyResolver)
    monkeypatch.setattr(
        "scrapy.resolver.CachingThreadedResolver.getHostByName",
        lambda self, name, timeout=(): defer.succeed(
            {"rebind.example": "10.1.2.3"}.get(name, "93.184.216.34")
        ),
    )
    monkeypatch.setattr(PublicOnlyResolver, "allowed", Allowlist())
    failures: list[Any] = []
    resolver.getHostByName("rebind.example").addErrback(failures.append)
    assert failures and failures[0].check(PrivateAddressRefused)
    results: list[str] = []
    resolver.getHostByName("public.example").addCallback(results.append)
    assert results == ["93.184.216.34"]


def test_secret_masking_rules() -> None:
    from newscrawler.safety import mask_secrets

    assert mask_secrets("in: s3://AKIAKEYID:sec/ret@bucket/x.jsonl") == "in: s3://***@bucket/x.jsonl"
    assert mask_secrets("ftp://user:pw@host/x") == "ftp://user:***@host/x"
    assert (
        mask_secrets("REDIS_URL: redis://:pw@redis.internal:6379/0")
        == "REDIS_URL: redis://:***@redis.internal:6379/0"
    )
    assert (
        mask_secrets("{'SOME_API_TOKEN': 'abc', 'LOG_LEVEL': 'INFO'}")
        == "{'SOME_API_TOKEN': '***', 'LOG_LEVEL': 'INFO'}"
    )
    assert (
        mask_secrets("https://example.com/a?b=c s3://bucket/k") == "https://example.com/a?b=c s3://bucket/k"
    )


@deferred_f_from_coro_f
async def test_a_redirect_from_an_address_to_a_host_name_is_resolved_again() -> None:
    """A redirect hop is a copy of its request: what was judged of the first host (a literal
    public address, nothing to resolve) must not carry over to the next one."""
    crawler = get_crawler(NewsSpider, project_settings_dict())
    crawler._apply_settings()
    mw = SafetyMiddleware(crawler)
    ctx = Context("s", "http://93.184.216.34/", Kind.SITEMAP, declared=True)
    first = Request("http://93.184.216.34/sitemap.xml", meta={KEY: ctx})
    assert await mw.process_request(first) is None
    hop = first.replace(url="http://localhost:8001/sitemap.xml")  # what RedirectMiddleware makes
    with pytest.raises(CountedIgnore, match="private_address"):
        await mw.process_request(hop)
