"""Live blogs (extraction/live.py): the updates, newest first, each once in the body after the
introduction; an ordinary article or one with a comment thread has none."""

from __future__ import annotations

import gzip
import json
import pickle
import re
from pathlib import Path

from newscrawler.extraction import extract_article
from newscrawler.extraction.article import extract_page
from newscrawler.extraction.live import jsonld_updates, live_updates, with_updates

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
PART = "Paragraph {} of the story tells what the harbour board decided and why the islanders cared."
LIVE_URL = "https://courier.example/news/harbour-storm-live"


def live_page() -> str:
    return gzip.decompress((PAGES / "synthetic-liveblog.html.gz").read_bytes()).decode("utf-8")


def test_live_blog_updates_come_from_jsonld_newest_first() -> None:
    article = extract_article(live_page(), LIVE_URL)
    updates = article.metadata.liveUpdates
    assert [u["datePublished"][11:16] for u in updates] == ["11:40", "10:30", "09:45", "08:20", "07:05"]
    assert updates[0]["headline"] == "Harbour wall holds as tide peaks"
    # <br> in a JSON-LD articleBody ends a paragraph.
    assert updates[3]["articleBody"].count("\n") == 1
    assert set(updates[0]) == {"datePublished", "headline", "articleBody"}


def test_live_blog_body_holds_every_update_once_after_the_introduction() -> None:
    article = extract_article(live_page(), LIVE_URL)
    paragraphs = (article.articleBody or "").split("\n\n")
    assert paragraphs[0].startswith("Gales are reaching the coast")
    for u in article.metadata.liveUpdates:
        assert paragraphs.count(u["headline"]) == 1
    assert paragraphs[-1].startswith("The coastguard has asked small boat owners")


def test_live_blog_record_stays_picklable_for_the_worker_pool() -> None:
    article = extract_page(live_page().encode("utf-8"), LIVE_URL)
    assert article is not None
    assert pickle.loads(pickle.dumps(article)).metadata.liveUpdates == article.metadata.liveUpdates


def visible_only_page() -> str:
    """The same live blog with no liveBlogUpdate in JSON-LD and four updates on the page."""
    html = live_page()
    html = re.sub(r',\s*"liveBlogUpdate": \[.*?\n \]', "", html, flags=re.S)
    entries = "".join(
        f'<div class="liveblog-update"><time datetime="2025-03-14T{h:02d}:00:00+00:00">{h:02d}:00</time>'
        f"<h3>Update at {h} o'clock</h3><p>At {h} o'clock the harbour master reported that the wind over "
        f"the outer moorings had {what}, and the pilot boats stayed tied up along the north quay.</p></div>"
        for h, what in (
            (11, "eased a little"),
            (10, "turned to the west"),
            (9, "reached gale force"),
            (8, "risen"),
        )
    )
    return re.sub(r'<div class="liveblog-update">.*?</div>', entries, html, count=1, flags=re.S)


def test_live_blog_without_jsonld_updates_reads_the_visible_update_containers() -> None:
    html = visible_only_page()
    assert "liveBlogUpdate" not in html
    article = extract_article(html, LIVE_URL)
    updates = article.metadata.liveUpdates
    assert [u["headline"] for u in updates] == [f"Update at {h} o'clock" for h in (11, 10, 9, 8)]
    assert updates[-1]["datePublished"] == "2025-03-14T08:00:00+00:00"
    assert "reached gale force" in (article.articleBody or "")


def test_an_ordinary_article_has_no_live_updates() -> None:
    html = gzip.decompress((PAGES / "aeb-04a6711caa.html.gz").read_bytes())
    expected = json.loads((PAGES / "aeb-04a6711caa.json").read_text(encoding="utf-8"))
    assert not extract_article(html, expected["url"]).metadata.liveUpdates


def test_a_comment_thread_under_an_ordinary_article_is_not_a_live_blog() -> None:
    comments = "".join(
        f'<div class="comment-entry"><time datetime="2025-03-14T1{i}:00:00+00:00">1{i}:00</time>'
        f"<p>Reader {i} wrote a long comment about where to live on the coast and why the rents rose.</p></div>"
        for i in range(4)
    )
    body = f"<article><h1>Where to live on the coast</h1><p>{'The coast is popular with renters. ' * 30}</p></article>"
    html = f"<html><head><title>Where to live on the coast</title></head><body>{body}{comments}</body></html>"
    article = extract_article(html, "https://courier.example/where-to-live")
    assert not article.metadata.liveUpdates


def test_live_blog_updates_in_json_ld_are_plain_text_newest_first_each_once() -> None:
    update = {
        "@type": "BlogPosting",
        "headline": "<b>Quay</b> &amp; berths",
        "articleBody": "<p>The board voted.</p><p>Fishermen  cheered.</p>",
        "datePublished": "2024-05-03T10:00:00Z",
    }
    later = {**update, "headline": "Ferries resume", "datePublished": "2024-05-03T12:00:00Z"}
    ld = {"@type": "LiveBlogPosting", "liveBlogUpdate": [update, later, update]}
    updates = jsonld_updates(ld)
    assert [u["headline"] for u in updates] == ["Ferries resume", "Quay & berths"]
    assert updates[1]["articleBody"] == "The board voted.\nFishermen cheered."
    assert live_updates(None, ld, None) == updates


def test_a_body_that_already_holds_the_updates_is_left_as_it_is() -> None:
    updates = [{"headline": f"Update {i}", "articleBody": PART.format(i)} for i in range(3)]
    holds = ["The introduction.", *(PART.format(i) for i in range(3))]
    assert with_updates(holds, updates) == holds
    lacks = ["The introduction.", "Something else entirely that no update says."]
    assert with_updates(lacks, updates) == [
        "The introduction.",
        "Something else entirely that no update says.",
        *(line for i in range(3) for line in (f"Update {i}", PART.format(i))),
    ]
