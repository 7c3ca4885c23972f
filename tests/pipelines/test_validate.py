"""Validate (pipelines/validate.py): what is not a publishable article is dropped, with its reason
counted."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from newscrawler.items import Article
from newscrawler.pipelines import Drop
from newscrawler.pipelines.validate import ValidatePipeline
from newscrawler.spiders.news import NewsSpider
from tests.conftest import project_settings_dict


def _validator() -> ValidatePipeline:
    crawler = get_crawler(NewsSpider, project_settings_dict())
    crawler._apply_settings()
    return ValidatePipeline.from_crawler(crawler)


WORDS = " ".join(["word"] * 100)


@pytest.mark.parametrize(
    ("article", "reason"),
    [
        (Article(url="https://x/1", articleBody=WORDS, wordCount=100), "no_headline"),
        (Article(url="https://x/2", headline="H", articleBody="short", wordCount=1), "too_short"),
        (Article(url="https://x/3", headline="H", wordCount=100, datePublished="2999-01-01T00:00:00+00:00"),
         "future_date"),
    ],
)  # fmt: skip
def test_validation_drops_with_a_reason(article: Article, reason: str) -> None:
    pipeline = _validator()
    with pytest.raises(Drop) as exc:
        pipeline.process_item(article)
    assert exc.value.reason == reason
    assert pipeline.crawler.stats.get_value(f"newscrawler/dropped/{reason}") == 1  # type: ignore[union-attr]


def test_valid_article_passes() -> None:
    article = Article(url="https://x/4", headline="H", wordCount=100, datePublished="2024-05-01")
    assert _validator().process_item(article) is article


def test_an_archive_crawl_drops_articles_published_outside_since_and_until() -> None:
    from newscrawler.archive.plan import ArchivePlan
    from newscrawler.spiders.archive import ArchiveSpider

    pipeline = _validator()
    plan = ArchivePlan.parse({"ccnews": "2024-03", "since": "2024-03-10", "until": "2024-03-12"})
    pipeline.crawler.spider = ArchiveSpider(archive=plan)
    for published, reason in (
        ("2024-03-09T23:00:00+00:00", "too_old"),
        ("2024-03-12T01:00:00+00:00", "too_new"),
    ):
        with pytest.raises(Drop) as exc:
            pipeline.process_item(
                Article(url="https://x/5", headline="H", wordCount=100, datePublished=published)
            )
        assert exc.value.reason == reason
    kept = Article(url="https://x/6", headline="H", wordCount=100, datePublished="2024-03-11")
    assert pipeline.process_item(kept) is kept
