"""Template learning in crawls (newscrawler/learning.py): a site's template, learned in the crawl
state, used on its next pages and in the next crawl."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.utils.defer import deferred_f_from_coro_f

from tests.conftest import crawl


@deferred_f_from_coro_f
async def test_a_site_teaches_the_crawl_its_template(hostile_site) -> None:
    """Three pages of the site carry no structured data and wrap their story in a container the
    generic rules drop: alone, they are not even recognised as articles. Once the site's other
    pages agreed on where its body and byline are, they are written whole, with their author;
    in the first crawl if it had learned enough by then, else in the next one, from the state."""
    site = hostile_site("learned_template")
    articles = {a["path"]: a for a in site.articles()}
    bare = {p for p, a in articles.items() if a["fate"] == "bare"}
    settings = {"CONCURRENT_REQUESTS": 1}  # the site's pages one after another, as a small site's are

    items, stats = await crawl(settings, url=site.url + "/")
    again, _ = await crawl(settings, url=site.url + "/")
    got = {urlsplit(i.url).path: i for i in [*items, *again]}
    assert set(got) == set(articles), "every article written once, over the two crawls"
    assert len(items) + len(again) == len(articles)
    for path in bare:
        item, gold = got[path], articles[path]
        assert item.articleBody == "\n\n".join(gold["paragraphs"])
        assert [a.name for a in item.authors] == [gold["author"]]
        assert item.metadata.learned == ["articleBody", "authors"]
    assert not any(got[p].metadata.learned for p in set(articles) - bare)

    items, stats = await crawl({**settings, "NEWSCRAWLER_LEARN": False}, url=site.url + "/", fresh="1")
    assert {urlsplit(i.url).path for i in items} == set(articles) - bare, "without learning: not articles"
    assert stats.get("newscrawler/dropped/not_article", 0) >= len(bare)
