"""Clean (pipelines/clean.py): tidy text, repaired mojibake, and no paragraph the site prints under
every article: learned from the site's articles, kept in the crawl state for the next crawl.

Each crawl here is a crawler of its own (``get_crawler`` + ``_apply_settings``, no engine, no
network) with its own CleanPipeline, all on one SQLite state file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from newscrawler.context import Ticket
from newscrawler.items import Article, ArticleMetadata, Author
from newscrawler.pipelines import Drop
from newscrawler.pipelines.clean import CleanPipeline
from newscrawler.spiders.news import NewsSpider
from newscrawler.state.extension import CrawlState
from tests.conftest import project_settings_dict

PROMO = "Follow The Courier on Facebook and Instagram for the latest news from the islands."


def own(n: int) -> list[str]:
    """Article n's own paragraphs: in no other article."""
    return [
        f"Article {n}, paragraph {i}: the harbour board met about item {n * 10 + i} today." for i in range(6)
    ]


def article(n: int, paragraphs: list[str], site: str = "a.example", sample: bool = False) -> Article:
    url = f"https://{site}/news/{n}"
    ticket = Ticket(f"t-{site}-{n}", site, url, None, "sitemap", sample=sample)
    return Article(
        url=url, headline="Quay plan approved", articleBody="\n\n".join(paragraphs),
        metadata=ArticleMetadata(site=site), ticket=ticket,
    )  # fmt: skip


Crawl = Callable[..., CleanPipeline]


@pytest.fixture
def crawl() -> Iterator[Crawl]:
    """crawl(**settings) -> the CleanPipeline of a new crawl on the test's state."""
    crawlers: list[Crawler] = []

    def start(**settings: Any) -> CleanPipeline:
        crawler = get_crawler(NewsSpider, settings_dict=project_settings_dict(**settings))
        crawler._apply_settings()
        crawlers.append(crawler)
        return CleanPipeline.from_crawler(crawler)

    yield start
    for crawler in crawlers:
        ext = crawler.get_extension(CrawlState)
        if ext is not None:
            ext.close()


def stat(pipeline: CleanPipeline, name: str) -> Any:
    assert pipeline.crawler.stats is not None
    return pipeline.crawler.stats.get_value(name)


@deferred_f_from_coro_f
async def test_text_fields_are_tidied_and_words_counted_after_cleaning(crawl: Crawl) -> None:
    item = article(1, ["  The  council\u200b met  ", "It voted &amp; <b>adjourned</b>."])
    item.headline = "CafÃ©  owners   protest"
    item.description = "A   summary\n of it"
    item.authors = [Author(" Ann  Lee "), Author("")]
    out = await crawl().process_item(item)
    assert out.headline == "Café owners protest"
    assert out.description == "A summary of it"
    assert out.authors == [Author("Ann Lee")]
    assert out.articleBody == "The council met\n\nIt voted & adjourned."
    assert out.wordCount == 6, "words as a reader counts them: the '&' and the tags are none"


@deferred_f_from_coro_f
async def test_a_paragraph_under_several_articles_of_a_site_is_removed_from_the_next(crawl: Crawl) -> None:
    clean = crawl()
    for n in range(2):
        kept = await clean.process_item(article(n, [*own(n), PROMO]))
        assert PROMO in (kept.articleBody or ""), "in two articles: it may be theirs"
    # The third article to carry it (NEWSCRAWLER_TEMPLATE_MIN_ARTICLES): the site's, not theirs.
    out = await clean.process_item(article(2, [*own(2), PROMO]))
    assert out.articleBody == "\n\n".join(own(2)), "the site's promo gone, the article's own text kept"
    assert out.wordCount == sum(len(p.split()) for p in own(2))
    assert stat(clean, "newscrawler/template_paragraphs_removed") >= 1
    elsewhere = await clean.process_item(article(4, [*own(4), PROMO], site="b.example"))
    assert PROMO in (elsewhere.articleBody or ""), "another site's articles are judged on their own"


@deferred_f_from_coro_f
async def test_the_next_crawl_knows_the_sites_template_from_the_state(crawl: Crawl) -> None:
    first = crawl()
    for n in range(3):
        await first.process_item(article(n, [*own(n), PROMO]))
    out = await crawl().process_item(article(10, [*own(10), PROMO]))
    assert PROMO not in (out.articleBody or "")


@deferred_f_from_coro_f
async def test_never_more_than_a_share_of_an_article_is_removed(crawl: Crawl) -> None:
    clean = crawl()
    common = [
        f"Common line {i} that this site prints under every single one of its stories." for i in range(4)
    ]
    for n in range(2):
        await clean.process_item(article(n, [*own(n)[:2], *common]))
    out = await clean.process_item(article(2, [*own(2)[:2], *common]))  # the third to carry them
    kept = (out.articleBody or "").split("\n\n")
    assert len(kept) == 5 and kept[:2] == own(2)[:2], "at most 30% of 6 paragraphs (one) removed"
    assert stat(clean, "newscrawler/template_cap_reached") == 1


@deferred_f_from_coro_f
async def test_a_page_read_only_to_learn_the_template_is_counted_then_dropped(crawl: Crawl) -> None:
    clean = crawl()
    with pytest.raises(Drop) as exc:
        await clean.process_item(article(1, [*own(1), PROMO], sample=True))
    assert exc.value.reason == "template_sample"
    for n in (2, 3):
        await clean.process_item(article(n, [*own(n), PROMO]))
    out = await clean.process_item(article(4, [*own(4), PROMO]))
    assert PROMO not in (out.articleBody or ""), "the sample page's paragraphs were counted"


@deferred_f_from_coro_f
async def test_a_paragraph_repeated_by_one_article_only_is_its_own(crawl: Crawl) -> None:
    clean = crawl()
    for _ in range(4):  # the same article fetched again and again
        out = await clean.process_item(article(1, [*own(1), PROMO]))
    assert PROMO in (out.articleBody or ""), "counted once per article, not per fetch"


@deferred_f_from_coro_f
async def test_items_that_are_not_articles_pass_untouched(crawl: Crawl) -> None:
    other = {"url": "https://a.example/"}
    assert await crawl().process_item(other) is other
