"""extract_article (extraction/article.py): the fields a user reads, on built pages and on bad input."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newscrawler.extraction import extract_article
from newscrawler.extraction.page import Page
from newscrawler.items import Author, Image

FIXTURES = Path(__file__).parent.parent / "fixtures"
NOW = datetime(2024, 5, 3, 18, 0, tzinfo=UTC)
CHROME = (
    "Hot this week",
    "Topics",
    "Related Articles",
    "Popular Categories",
    "spot_img",
    "Facebook",
    "Twitter",
    "Leave a Reply",
    "Follow us",
    "Market day moves",
    "Staff Reporter",
    "September 3, 2024",
)


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


ARTICLE_TEXT = "".join(
    f"<p>Paragraph {i} of the article explains in plain words what the council decided about the "
    f"new bridge, who voted for it and why the works will take until next spring to finish.</p>"
    for i in range(6)
)


# --- the naive-crawl page: headline, dateline, paragraphs and nothing else ---


def test_wordpress_theme_page_gives_exactly_headline_dateline_and_paragraphs() -> None:
    html = (FIXTURES / "wordpress_chrome.html").read_bytes()
    a = extract_article(html, "https://coastline.example/2024/09/03/night-ferry-trial/?utm_source=x")
    assert a.headline == "Harbour board approves night ferry trial for the eastern islands"
    assert a.canonicalUrl == "https://coastline.example/2024/09/03/night-ferry-trial/"
    assert a.publisher == "The Coastline Courier"
    assert a.datePublished == "2024-09-03T08:15:00+05:00"
    assert a.dateModified == "2024-09-03T09:40:00+05:00"
    paragraphs = (a.articleBody or "").split("\n\n")
    assert paragraphs[0].startswith("PORT SALEH – The harbour board on Monday approved")
    assert paragraphs[3] == "Fares and timetable"  # the article's own subheading stays
    assert paragraphs[-1].startswith("The board expects to publish the full timetable")
    assert len(paragraphs) == 6
    for chrome in CHROME:
        assert chrome not in (a.articleBody or "")


# --- metadata sources and the rules between them ---


def test_jsonld_inside_graph_wins_over_meta_tags() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Daily Example"},
            {
                "@type": ["NewsArticle"],
                "headline": "Council approves the new bridge",
                "datePublished": "2024-05-03T17:47:42+02:00",
                "dateModified": "2024-05-03T18:02:00+02:00",
                "author": [
                    {"@type": "Person", "name": "Anna Müller"},
                    {"@type": "Organization", "name": "dpa"},
                ],
                "publisher": {"@type": "Organization", "name": "Daily Example"},
                "inLanguage": "de-DE",
                "isAccessibleForFree": "False",
                "keywords": "Bridge, Council",
                "image": [{"@type": "ImageObject", "url": "/img/bridge.jpg"}],
            },
        ],
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="og:title" content="Bridge vote | Daily Example">'
        '<meta property="article:published_time" content="2024-05-01T10:00:00+00:00">'
    )
    a = extract_article(page(head, ARTICLE_TEXT), "https://daily.example/bridge", downloaded=NOW)
    assert a.headline == "Council approves the new bridge"
    assert a.datePublished == "2024-05-03T17:47:42+02:00"
    assert a.dateModified == "2024-05-03T18:02:00+02:00"
    assert a.authors == [Author("Anna Müller")]
    assert a.inLanguage == "de"
    assert a.isAccessibleForFree is False
    assert a.keywords == ["Bridge", "Council"]
    assert a.mainImage == Image("https://daily.example/img/bridge.jpg")
    assert a.publisher == "Daily Example"


def test_meta_tags_when_there_is_no_jsonld_and_site_name_is_stripped() -> None:
    head = (
        '<meta property="og:title" content="Bridge vote passes narrowly | Daily Example">'
        '<meta property="og:site_name" content="Daily Example">'
        '<meta property="article:published_time" content="2024-05-03T09:30:00Z">'
        '<meta name="author" content="By Jane Doe and John Smith">'
    )
    a = extract_article(page(head, ARTICLE_TEXT), "https://daily.example/bridge", downloaded=NOW)
    assert a.headline == "Bridge vote passes narrowly"
    assert a.datePublished == "2024-05-03T09:30:00+00:00"
    assert a.authors == [Author("Jane Doe"), Author("John Smith")]


def test_a_sites_time_zone_is_given_to_the_naive_times_extraction_returns() -> None:
    """A site whose registry entry names its time zone: a time the page gives without an offset
    leaves extraction (what the spider calls, extract_page) with that zone's offset, summer or
    winter; a time with an offset and a bare day are left as they are."""
    from newscrawler.extraction.article import extract_page

    def dates(published: str, modified: str, zone: str | None) -> tuple[str | None, str | None]:
        head = (
            '<meta property="og:type" content="article"><meta property="og:title" content="Bridge vote">'
            f'<meta property="article:published_time" content="{published}">'
            f'<meta property="article:modified_time" content="{modified}">'
        )
        html = page(head, ARTICLE_TEXT).encode()
        a = extract_page(html, "https://daily.example/bridge", downloaded=NOW, zone=zone)
        assert a is not None
        return a.datePublished, a.dateModified

    assert dates("2024-05-03T09:30:00", "2024-05-03T10:00:00", None) == (
        "2024-05-03T09:30:00",
        "2024-05-03T10:00:00",
    )
    assert dates("2024-05-03T09:30:00", "2024-05-03T10:00:00", "Europe/Berlin") == (
        "2024-05-03T09:30:00+02:00",
        "2024-05-03T10:00:00+02:00",
    )
    assert dates("2024-01-03T09:30:00", "2024-01-03T09:30:00-05:00", "Europe/Berlin") == (
        "2024-01-03T09:30:00+01:00",
        "2024-01-03T09:30:00-05:00",
    )
    assert dates("2024-05-03", "2024-05-03T10:00:00Z", "Asia/Tokyo") == (
        "2024-05-03",
        "2024-05-03T10:00:00+00:00",
    )


def test_kicker_that_og_title_leaves_out_is_cut() -> None:
    """JSON-LD, <h1> and <title> print the kicker; og:title has the headline alone: the kicker goes."""
    ld = {
        "@type": "NewsArticle",
        "headline": "Neue Leipziger Schule: Judy Lybke, ganz und gar nicht eigenartig",
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="og:title" content="Judy Lybke, ganz und gar nicht eigenartig">'
        "<title>Neue Leipziger Schule: Judy Lybke, ganz und gar nicht eigenartig - n-tv.de</title>"
    )
    a = extract_article(page(head, ARTICLE_TEXT), "https://www.n-tv.de/kultur/a", downloaded=NOW)
    assert a.headline == "Judy Lybke, ganz und gar nicht eigenartig"


def test_short_kicker_before_a_bar_is_cut_unless_the_visible_h1_prints_it() -> None:
    og = '<meta property="og:title" content="Opinion | The bridge is worth every cent">'
    a = extract_article(
        page(og, f"<h1>The bridge is worth every cent</h1>{ARTICLE_TEXT}"), "https://x.example/a"
    )
    assert a.headline == "The bridge is worth every cent"
    og = '<meta property="og:title" content="BUDGET 3.0 | Sars gets R4bn to hire army of debt collectors">'
    h1 = "<h1><span>BUDGET 3.0 | Sars gets R4bn to hire army of debt collectors</span></h1>"
    a = extract_article(page(og, h1 + ARTICLE_TEXT), "https://x.example/a")
    assert a.headline == "BUDGET 3.0 | Sars gets R4bn to hire army of debt collectors"


def test_kicker_is_kept_when_the_shorter_title_rewrites_the_headline() -> None:
    """<title> without the kicker but with other capitals is a different wording, not the same headline cut."""
    title = "'Ends recession debate': economists weigh in on the latest jobs report"
    ld = {"@type": "NewsArticle", "headline": title}
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        f'<meta property="og:title" content="{title.replace(chr(39), "&#39;")}">'
        "<title>Economists weigh in on the latest jobs report | Financial Post</title>"
    )
    a = extract_article(page(head, ARTICLE_TEXT), "https://financialpost.com/news/a", downloaded=NOW)
    assert a.headline == title


def test_trailing_section_that_the_headline_meta_tag_leaves_out_is_cut() -> None:
    head = (
        '<meta name="headline" content="장동혁, 한동훈 제명했지만 부담 커졌다">'
        '<meta property="og:title" content="장동혁, 한동훈 제명했지만 부담 커졌다-정치ㅣ한국일보">'
        '<meta property="og:site_name" content="한국일보">'
    )
    a = extract_article(page(head, ARTICLE_TEXT, lang="ko"), "https://www.hankookilbo.com/a", downloaded=NOW)
    assert a.headline == "장동혁, 한동훈 제명했지만 부담 커졌다"


def test_headline_meta_tag_alone_is_not_the_headline() -> None:
    """A ``headline`` meta tag is compared with, never taken over og:title (some sites put a subheading there)."""
    head = (
        '<meta name="headline" content="… environmental groups concerned">'
        '<meta property="og:title" content="Green hydrogen pipeline flagged - The Namibian">'
        '<meta property="og:site_name" content="The Namibian">'
    )
    a = extract_article(page(head, ARTICLE_TEXT), "https://www.namibian.com.na/a", downloaded=NOW)
    assert a.headline == "Green hydrogen pipeline flagged"


def test_visible_byline_and_time_element_when_no_metadata() -> None:
    body = (
        '<article><h1>Bridge vote passes</h1><p class="byline">By Maria Lopez</p>'
        '<time datetime="2024-05-02">2 May 2024</time>' + ARTICLE_TEXT + "</article>"
    )
    a = extract_article(page("", body), "https://daily.example/bridge", downloaded=NOW)
    assert a.headline == "Bridge vote passes"
    assert a.authors == [Author("Maria Lopez")]
    assert a.datePublished == "2024-05-02"
    assert "Maria Lopez" not in (a.articleBody or "")


def test_publish_date_never_after_modified_and_modified_never_the_crawl_time() -> None:
    head = (
        '<meta property="article:published_time" content="2024-05-03T12:00:00+00:00">'
        '<meta property="article:modified_time" content="2024-05-01T12:00:00+00:00">'
    )
    a = extract_article(page(head, ARTICLE_TEXT), "https://daily.example/a", downloaded=NOW)
    assert a.datePublished == "2024-05-03T12:00:00+00:00"
    assert a.dateModified is None
    head = (
        '<meta property="article:published_time" content="2024-05-03T12:00:00+00:00">'
        f'<meta property="article:modified_time" content="{NOW.isoformat()}">'
    )
    a = extract_article(page(head, ARTICLE_TEXT), "https://daily.example/a", downloaded=NOW)
    assert a.dateModified is None


def test_language_identified_from_text_when_page_declares_none() -> None:
    text = "".join(
        f"<p>Der Stadtrat hat am Montag den Bau der neuen Brücke beschlossen, nachdem die Anwohner "
        f"monatelang über die Pläne gestritten hatten. Absatz {i}.</p>"
        for i in range(4)
    )
    html = f"<html><head><title>Brücke</title></head><body><article>{text}</article></body></html>"
    assert extract_article(html, "https://x.example/a").inLanguage == "de"


# --- bad input: a record or an empty one, never an exception, within a time bound ---


def _garbage() -> bytes:
    rng = random.Random(7)
    return bytes(rng.getrandbits(8) for _ in range(200_000))


def _truncated() -> bytes:
    html = (FIXTURES / "wordpress_chrome.html").read_bytes()
    return html[: len(html) // 2]


def _huge() -> bytes:
    para = "<p>" + "Filler sentence about nothing in particular that repeats. " * 20 + "</p>\n"
    return (
        "<html><body><article><h1>Big</h1>" + para * (5_000_000 // len(para)) + "</article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "make",
    [
        lambda: b"",
        lambda: b"   ",
        _garbage,
        _truncated,
        _huge,
        lambda: "<html><body>\x00\x01</body>",
        lambda: b"<p>",
    ],
    ids=["empty", "blank", "binary", "truncated", "5MB", "control-chars", "fragment"],
)
def test_bad_input_never_raises(make) -> None:  # type: ignore[no-untyped-def]
    data = make()
    start = time.monotonic()
    a = extract_article(data, "https://x.example/a")
    assert time.monotonic() - start < 20
    assert a.url == "https://x.example/a"
    assert a.metadata.dateDownloaded


def test_truncated_page_still_gives_what_it_has() -> None:
    a = extract_article(_truncated(), "https://coastline.example/x")
    assert a.headline == "Harbour board approves night ferry trial for the eastern islands"


def test_wrong_declared_charset_is_decoded_correctly() -> None:
    html = page('<meta charset="iso-8859-1"><title>Kälte in München</title>', ARTICLE_TEXT).encode("utf-8")
    assert extract_article(html, "https://x.example/a").headline == "Kälte in München"
    latin = page('<meta charset="iso-8859-1"><title>Kälte in München</title>', ARTICLE_TEXT).encode("latin-1")
    assert extract_article(latin, "https://x.example/a").headline == "Kälte in München"


# --- a site's own selectors, and pages built to break extraction ---


def test_a_sites_own_selectors_win_when_they_match_and_fall_back_when_not() -> None:
    html = """<html><head><title>Wrong title | Daily</title>
    <meta property="og:title" content="A promo title"></head><body>
    <h2 class="hed">The real &amp; visible headline</h2>
    <span class="by"><a>Ada <b>Lovelace</b></a></span><span class="by">Charles Babbage</span>
    <span class="when">2024-05-03T09:30:00+02:00</span>
    <div class="story"><p>First paragraph of the story, long enough to count as text here.</p>
    <p>Second paragraph of the story with more words in it.</p></div></body></html>"""
    own = {
        "headline": "h2.hed",
        "authors": "span.by",
        "datePublished": "span.when::text",
        "articleBody": "div.story",
    }
    a = extract_article(html, "https://daily.example/a", selectors=own)
    assert a.headline == "The real & visible headline"
    assert a.authors == [Author("Ada Lovelace"), Author("Charles Babbage")]
    assert a.datePublished == "2024-05-03T09:30:00+02:00"
    assert a.articleBody is not None and a.articleBody.startswith("First paragraph")
    missing = extract_article(html, "https://daily.example/a", selectors={"headline": "h1.nope"})
    assert missing.headline == "A promo title", "no match: the generic rules"


EN = (
    "The minister said \u201cwe will act\u201d and the council\u2019s plan \u2013 a bold one \u2013 passed today. "
    * 20
)


def test_json_ld_nested_past_the_recursion_limit_costs_only_that_block() -> None:
    deep = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    html = (
        f"<html><head>{deep}</head><body><article><h1>Headline here</h1><p>{EN}</p></article></body></html>"
    )
    page = Page.load(html.encode(), "https://x.example/a")  # raised RecursionError before
    assert page.tree is not None and page.jsonld == []
    assert extract_article(html.encode(), "https://x.example/a").headline == "Headline here"


def test_a_huge_json_ld_block_does_not_push_the_article_out() -> None:
    big = '<script type="application/ld+json">{"@type":"NewsArticle","x":"' + "y" * 7_000_000 + '"}</script>'
    html = f"<html><head>{big}</head><body><article><h1>Headline here</h1><p>{EN}</p><p>{EN}</p></article></body></html>"
    article = extract_article(html.encode(), "https://x.example/a")
    assert article.wordCount and article.wordCount > 200, "the body survives the size cut"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("Правительство объявило о новых мерах поддержки экономики. " * 30, "cp1251"), (EN, "cp1252")],
)
def test_a_page_declared_utf8_but_encoded_otherwise_is_decoded_by_its_bytes(text: str, encoding: str) -> None:
    html = (
        f'<html><head><meta charset="utf-8"><title>T</title></head><body><article>'
        f"<h1>{text[:30]}</h1><p>{text}</p><p>{text}</p></article></body></html>"
    )
    article = extract_article(html.encode(encoding), "https://x.example/a")
    assert article.articleBody is not None and text.split(".")[0] in article.articleBody


# --- article pages and listing pages (issue #10) ---

_STORY = (
    "The harbour board voted on Tuesday to close the north quay for repairs after divers found "
    "cracks in three of its oldest pillars, a decision that will move the ferry to the south pier "
    "until the spring. Fishermen who land their catch at the quay said they had been warned for "
    "years that the stone was failing, and asked the board to pay for the longer trip to market. "
    "The board's chair said the repairs would cost about four million and that the work could not "
    "wait for another winter of storms."
)


def _judge(html: str, url: str) -> bool:
    from newscrawler.extraction.article import extract_from_page, is_article_page

    page = Page.load(html, url)
    return is_article_page(page, extract_from_page(page, downloaded=NOW))


def test_jsonld_news_article_outweighs_a_generic_og_type() -> None:
    """og:type website + a JSON-LD NewsArticle + real text: an article (6 aeb and 5 fundus-dev pages)."""
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Harbour board closes the north quay",
        "datePublished": "2024-05-02T09:00:00Z",
    }
    html = f"""<html><head><title>Harbour board closes the north quay</title>
<meta property="og:type" content="website">
<script type="application/ld+json">{json.dumps(ld)}</script></head>
<body><h1>Harbour board closes the north quay</h1><article><p>{_STORY}</p><p>{_STORY}</p></article>
</body></html>"""
    assert _judge(html, "https://news.example/2024/05/02/quay/")
    # Without JSON-LD the page's own content (headline, date, running text) still says article.
    plain = html.replace(f'<script type="application/ld+json">{json.dumps(ld)}</script>', "").replace(
        "</title>", '</title><meta property="article:published_time" content="2024-05-02T09:00:00Z">'
    )
    assert _judge(plain, "https://news.example/2024/05/02/quay/")


def test_section_page_with_generic_og_type_is_not_an_article() -> None:
    teasers = "".join(
        f'<li><h3><a href="/2024/05/0{i}/story-{i}/">Story number {i} from the coast</a></h3>'
        f"<p>{_STORY[:90]}…</p></li>"
        for i in range(1, 7)
    )
    html = f"""<html><head><title>Harbour | The Courier</title><meta property="og:type" content="website">
</head><body><h1>Harbour</h1><ul>{teasers}</ul><a rel="next" href="?page=2">Older</a></body></html>"""
    assert not _judge(html, "https://news.example/section/harbour/")
    # Nor when its JSON-LD lists the teasers as NewsArticle items of a CollectionPage.
    ld = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "NewsArticle", "headline": f"Story number {i} from the coast"} for i in range(1, 7)
            ],
        },
    }
    with_ld = html.replace("</head>", f'<script type="application/ld+json">{json.dumps(ld)}</script></head>')
    assert not _judge(with_ld, "https://news.example/section/harbour/")


def test_sample_site_listing_and_about_pages_are_not_articles() -> None:
    from sample_site import pages
    from sample_site.content import SECTIONS, build_articles

    articles = build_articles(NOW)
    base = "http://sample.test"
    listings = [
        (f"{base}/", pages.home(articles, feeds=True, links=True, amp_of=articles[1])),
        (f"{base}/", pages.home(articles, feeds=False, links=False, amp_of=None)),
        (f"{base}{pages.ABOUT_PATH}", pages.about()),
    ]
    for name in SECTIONS:
        count = sum(a.section == name for a in articles)
        for n in range(1, count // pages.SECTION_PAGE_SIZE + 2):
            listings.append((f"{base}/section/{name}/?page={n}", pages.section(name, articles, n)))
    assert len(listings) > 10
    assert [url for url, html in listings if _judge(html, url)] == []
    # The same site's articles, every template, all pass.
    for a in articles[:6]:
        others = [o for o in articles if o is not a]
        assert _judge(pages.article_page(a, others), f"{base}{a.path}"), a.template


def test_drop_chrome_ends_the_article_where_its_text_ends() -> None:
    """Chrome found at the fixtures' edges (issue #10), removed by general rules."""
    from newscrawler.extraction.chrome import drop_chrome

    story = [_STORY, _STORY.replace("Tuesday", "Monday")]
    cases = [
        # An end credit closes the article; a teaser for another story follows it.
        [*story, "—Associated Press writer John Doe in Paris contributed to this report."],
        # Follow and feedback prompts at the end.
        [*story, "Follow The Courier Opinion section on Facebook, Twitter (@Courier) and Instagram."],
        # A closing list of other stories' headlines.
        [
            *story,
            "The strange life and mysterious death of a coder",
            "How the harbour board spends its money",
            "What the new ferry timetable means for the islands",
        ],
    ]
    for lines in cases:
        assert drop_chrome(lines, "Harbour board closes the quay", []) == story
    # A "Reporting by" credit is the article's last line: what follows is another story's teaser.
    credit = "Reporting by Ann Lee in Port Saleh; Editing by Tom Brown"
    assert drop_chrome([*story, credit, f"Elsewhere: {_STORY}"], None, []) == [*story, credit]
    # A "Read more" prompt and the cut-short teaser it points to; a photo credit.
    lines = [
        story[0],
        "Czytaj więcej",
        "Delegacja dotrze do stolicy wieczorem – wynika ze słów Tr...",
        story[1],
    ]
    assert drop_chrome(lines, None, []) == story
    assert drop_chrome([story[0], "Фото: Дмитрий Азаров, Коммерсантъ", story[1]], None, []) == story
    # A list article's own numbered items and links stay.
    items = [*story, "14) Thriller (Vinile)", "http://amzn.to/x", "15) Bad (Vinile)", "http://amzn.to/y"]
    assert drop_chrome(items, None, []) == items


def test_publisher_is_never_guessed_from_the_host_name() -> None:
    html = f"<html><head><title>Storm closes the port</title></head><body><article><h1>Storm closes the port</h1><p>{EN}</p></article></body></html>"
    for url in (
        "https://www.nytimes.com/2024/05/03/storm.html",
        "http://127.0.0.1:8000/storm",
        "https://x.com/a",
    ):
        assert extract_article(html, url).publisher is None
