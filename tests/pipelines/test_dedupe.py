"""Deduplicate (pipelines/dedupe.py): each story written once, across URLs, sites, runs and crawls.

Each crawl here is a crawler of its own (``get_crawler`` + ``_apply_settings``, no engine, no
network) with its own DedupePipeline and its own store, all on one SQLite state file, as
crawls run one after another or side by side on one machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from newscrawler.items import Article, ArticleMetadata
from newscrawler.pipelines import Drop
from newscrawler.pipelines.dedupe import DedupePipeline
from newscrawler.spiders.news import NewsSpider
from newscrawler.state.extension import CrawlState, get_store
from newscrawler.urls import url_key
from tests.conftest import project_settings_dict

STORY = [
    f"Paragraph {i} of the report says the harbour board approved plan number {i} after a long debate "
    f"about the cost of the new quay, the ferry timetable and the fishermen's landing fees."
    for i in range(12)
]
OTHER = [
    f"Paragraph {i}: the football club signed a new goalkeeper on loan for the rest of season {i}, "
    f"its manager told reporters after training on a wet and windy Thursday morning."
    for i in range(12)
]


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def article(url: str, text: str, canonical: str | None = None) -> Article:
    site = url.split("/")[2].removeprefix("www.")
    return Article(
        url=url, canonicalUrl=canonical, headline="Quay plan approved", articleBody=text,
        metadata=ArticleMetadata(site=site, dateDownloaded="2026-11-28T12:00:00+00:00"),
    )  # fmt: skip


Crawl = Callable[..., DedupePipeline]


@pytest.fixture
def crawl() -> Iterator[Crawl]:
    """crawl(**settings) -> the DedupePipeline of a new crawl on the test's state."""
    crawlers: list[Crawler] = []

    def start(**settings: Any) -> DedupePipeline:
        crawler = get_crawler(NewsSpider, settings_dict=project_settings_dict(**settings))
        crawler._apply_settings()
        crawlers.append(crawler)
        return DedupePipeline.from_crawler(crawler)

    yield start
    for crawler in crawlers:
        ext = crawler.get_extension(CrawlState)
        if ext is not None:
            ext.close()


def write(pipeline: DedupePipeline, item: Article) -> Article:
    """The item through the pipeline, and its line stored (the claim confirmed)."""
    out = pipeline.process_item(item)
    pipeline.article_stored(out)
    return out


def dropped(pipeline: DedupePipeline, item: Article) -> str:
    with pytest.raises(Drop) as exc:
        pipeline.process_item(item)
    return exc.value.reason


def test_a_new_article_is_written_as_its_first_revision(crawl: Crawl) -> None:
    assert write(crawl(), article("https://a.example/news/quay", body(STORY))).metadata.revision == 1


def test_a_copy_under_another_url_is_dropped_as_duplicate_url(crawl: Crawl) -> None:
    dedupe = crawl()
    write(dedupe, article("https://a.example/news/quay", body(STORY)))
    amp = article("https://a.example/amp/news/quay-amp", body(STORY), canonical="https://a.example/news/quay")
    assert dropped(dedupe, amp) == "duplicate_url"
    tracked = article("https://www.a.example/news/quay?utm_source=feed", body(STORY))
    assert dropped(dedupe, tracked) == "duplicate_url"
    stats = dedupe.crawler.stats
    assert stats is not None and stats.get_value("newscrawler/a.example/dropped/duplicate_url") == 2


def test_the_same_text_under_an_unrelated_url_is_dropped_as_duplicate_text(crawl: Crawl) -> None:
    dedupe = crawl()
    write(dedupe, article("https://a.example/news/quay", body(STORY)))
    assert dropped(dedupe, article("https://b.example/wire/quay-plan", body(STORY))) == "duplicate_text"
    assert get_store(dedupe.crawler).last_fetch(url_key("https://b.example/wire/quay-plan")) is not None, (
        "the copy is remembered: the next crawl does not fetch it again"
    )


def test_an_unchanged_article_in_the_next_crawl_is_dropped_as_unchanged(crawl: Crawl) -> None:
    write(crawl(), article("https://a.example/news/quay", body(STORY)))
    assert dropped(crawl(), article("https://a.example/news/quay", body(STORY))) == "unchanged"


def test_a_changed_text_is_written_again_as_a_revision(crawl: Crawl) -> None:
    write(crawl(), article("https://a.example/news/quay", body(STORY)))
    typo = body([*STORY[:-1], STORY[-1].replace("Thursday", "thursday")])
    assert dropped(crawl(), article("https://a.example/news/quay", typo)) == "unchanged", (
        "a typo fix is no news"
    )
    corrected = [
        *STORY[:6],
        *(p.replace("approved", "rejected") for p in STORY[6:]),
        "Correction: it was rejected.",
    ]
    again = write(crawl(), article("https://a.example/news/quay", body(corrected)))
    assert again.metadata.revision == 2
    assert write(crawl(), article("https://a.example/news/quay", body(OTHER))).metadata.revision == 3


def test_a_canonical_pointing_to_another_site_never_deduplicates(crawl: Crawl) -> None:
    """A site whose pages name another site's articles as their canonical must not keep that
    site's own articles out of a shared state."""
    first = crawl()
    copycat = article("https://b.example/2026/quay", body(OTHER), canonical="https://a.example/news/quay")
    assert write(first, copycat).metadata.revision == 1
    own = write(crawl(), article("https://a.example/news/quay", body(STORY)))
    assert own.metadata.revision == 1, "a new article, not a revision of the other site's page"


def test_a_canonical_naming_another_text_on_the_same_site_is_ignored(crawl: Crawl) -> None:
    dedupe = crawl()
    write(dedupe, article("https://a.example/news/quay", body(STORY)))
    other = article("https://a.example/news/goalkeeper", body(OTHER), canonical="https://a.example/news/quay")
    written = write(dedupe, other)
    assert written.metadata.revision == 1 and written.canonicalUrl is None
    stats = dedupe.crawler.stats
    assert stats is not None and stats.get_value("newscrawler/canonical_ignored") == 1


def test_a_near_duplicate_is_dropped_or_kept_and_marked(crawl: Crawl) -> None:
    edited = body([*STORY[:-1], "An editor's note was added at the end of the story."])
    dedupe = crawl()
    write(dedupe, article("https://a.example/news/quay", body(STORY)))
    assert dropped(dedupe, article("https://b.example/wire/quay", edited)) == "near_duplicate"
    keep = crawl(NEWSCRAWLER_NEAR_DUPLICATES="keep")
    kept = write(keep, article("https://c.example/wire/quay", edited))
    assert kept.metadata.duplicateOf == "https://a.example/news/quay"


def test_a_near_duplicate_claimed_later_by_another_crawl_gives_way(crawl: Crawl) -> None:
    """Two crawls on one state each judge their copy of a story before the other has claimed
    it; the crawl whose claim came later gives its claim back and drops its copy."""
    first, second = crawl(), crawl()
    mine = article("https://a.example/news/quay", body(STORY))
    theirs = article("https://b.example/wire/quay", body([*STORY[:-1], "An editor's note was added."]))
    judge = second._judge_new

    def judged_then_the_first_crawl_claims(state: Any, story: Any) -> None:
        judge(state, story)  # nothing like it in the state yet
        first.process_item(mine)  # meanwhile the first crawl claims its copy

    second._judge_new = judged_then_the_first_crawl_claims  # type: ignore[method-assign]
    assert dropped(second, theirs) == "near_duplicate"
    store = get_store(second.crawler)
    assert store.lookup(url_key(theirs.url or "")) is None, "the later claim was given back"
    first.article_stored(mine)
    seen = store.lookup(url_key(mine.url or ""))
    assert seen is not None and seen.revision == 1


def test_a_line_the_output_lost_is_released_and_written_by_the_next_crawl(crawl: Crawl) -> None:
    dedupe = crawl()
    item = dedupe.process_item(article("https://a.example/news/quay", body(STORY)))
    dedupe.article_lost(item, "lost_to_output")
    assert get_store(dedupe.crawler).lookup(url_key("https://a.example/news/quay")) is None
    assert write(crawl(), article("https://a.example/news/quay", body(STORY))).metadata.revision == 1


def test_an_article_another_running_crawl_holds_is_not_written_twice(crawl: Crawl) -> None:
    first, second = crawl(), crawl()
    item = article("https://a.example/news/quay", body(STORY))
    first.process_item(item)  # claimed; its line is not stored yet
    assert dropped(second, article("https://a.example/news/quay", body(STORY))) == "unchanged"
    # Both judged it new before either claimed it: the claim refuses the later one.
    third = crawl()
    judge = third._judge_new
    late = article("https://a.example/news/bridge", body(OTHER))

    def judged_then_the_first_crawl_claims(state: Any, story: Any) -> None:
        judge(state, story)
        first.process_item(article("https://a.example/news/bridge", body(OTHER)))

    third._judge_new = judged_then_the_first_crawl_claims  # type: ignore[method-assign]
    assert dropped(third, late) == "claimed_by_another_crawl"
