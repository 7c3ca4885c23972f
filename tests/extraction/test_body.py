"""Bodies that are not one block of paragraphs (live blogs), and headline affixes."""

from __future__ import annotations

import gzip
import json
import pickle
import re
from pathlib import Path

import lxml.html

from newscrawler.extraction import extract_article
from newscrawler.extraction.article import extract_page
from newscrawler.extraction.body import flatten_ruby
from newscrawler.extraction.chrome import drop_chrome, drop_linked_blocks, link_paragraphs, linked_blocks
from newscrawler.extraction.fields import strip_site_name
from newscrawler.extraction.sources import lead_paragraph

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
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


def test_site_affixes_are_cut_however_the_site_writes_them() -> None:
    sites = ["DW.COM", "dw", "한국일보", "The Gateway Pundit", "東京新聞デジタル"]
    assert strip_site_name("Ukrainische Gegenoffensive | Europa | DW | 28.04.2023", sites, ["Europa"]) == (
        "Ukrainische Gegenoffensive"
    )
    assert strip_site_name("장동혁, 한동훈 제명했지만ㅣ한국일보", sites) == "장동혁, 한동훈 제명했지만"
    assert strip_site_name("Idaho case update | The Gateway Pundit | by Cristina Laila", sites) == (
        "Idaho case update"
    )
    assert strip_site_name("警視庁逮捕：東京新聞デジタル", sites) == "警視庁逮捕"


def test_a_title_nothing_is_cut_from_keeps_its_quote_dash() -> None:
    assert strip_site_name("- Angsten vil øke", ["Dagbladet"]) == "- Angsten vil øke"


def test_a_trailing_affix_another_title_leaves_out_is_cut() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Thioune fordert Geduld | Sport"}'
        '</script><meta property="og:title" content="Thioune fordert Geduld">'
    )
    html = (
        f"<html><head>{head}</head><body><article><p>{'Text des Artikels. ' * 40}</p></article></body></html>"
    )
    assert extract_article(html, "https://zeitung.example/a").headline == "Thioune fordert Geduld"


def test_a_gallery_keeps_its_captions_as_text_without_counters_and_credits() -> None:
    html = gzip.decompress((PAGES / "synthetic-gallery.html.gz").read_bytes())
    expected = json.loads((PAGES / "synthetic-gallery.json").read_text(encoding="utf-8"))
    body = extract_article(html, expected["url"]).articleBody or ""
    assert body == expected["body"]
    assert "1/4" not in body and "Photo:" not in body


def test_a_short_story_precise_mode_cut_to_a_notice_is_read_whole() -> None:
    html = gzip.decompress((PAGES / "aeb-f8ff621a0b.html.gz").read_bytes())
    expected = json.loads((PAGES / "aeb-f8ff621a0b.json").read_text(encoding="utf-8"))
    body = extract_article(html, expected["url"]).articleBody or ""
    assert len(body) > 0.9 * len(expected["body"])
    assert "non-commercial use" not in body and "barrons.com" not in body


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


def test_a_list_of_links_to_other_stories_is_not_article_text() -> None:
    text = "".join(
        f"<p>Paragraph {i} of the council's report on the new bridge and its costs.</p>" for i in range(12)
    )
    links = '<ul><li><a href="/a">Iran war: the US loses a valuable spy plane</a></li><li><a href="/b">Pope row: Rome takes sides</a></li></ul>'
    own = "<ul><li>The bridge opens in May next year</li><li>It cost four million pounds to build</li></ul>"
    html = f"<html><body><article><h1>Bridge</h1>{text}{links}<p>The end of the report.</p>{own}</article></body></html>"
    body = extract_article(html, "https://courier.example/bridge").articleBody or ""
    assert "spy plane" not in body and "Rome takes sides" not in body
    assert "four million pounds" in body


def test_an_article_rendered_by_script_is_read_from_the_html_in_its_state() -> None:
    """A client-rendered page ships its article only as an HTML string in a script's JSON."""
    paras = [
        f"Paragraph {i} of the council's long report on the harbour bridge and what it cost."
        for i in range(8)
    ]
    content = (
        '<div class="img-box"><div class="caption"><p>The bridge at dawn. Photo agency</p></div></div>'
        + "".join(f"<p>{p}</p>" for p in paras[:4])
        + "<h3>What comes next</h3>"
        + "".join(f"<p>{p}</p>" for p in paras[4:])
    )
    state = json.dumps({"detail": {"title": "Bridge", "contentHtml": content}}).replace("<", "\\u003c")
    html = (
        "<html><head><title>Bridge</title></head><body><div id='app'></div>"
        f"<script>window.__STATE__ = {state};</script></body></html>"
    )
    body = (extract_article(html, "https://courier.example/bridge").articleBody or "").split("\n\n")
    assert body == [*paras[:4], "What comes next", *paras[4:]]


def test_ruby_readings_stay_inside_their_paragraph() -> None:
    text = "尹氏は野党が政府高官や検事らへの<ruby><rb>弾劾</rb><rp>（</rp><rt>だんがい</rt><rp>）</rp></ruby>訴追案を提出した。"
    more = "".join(
        f"<p>韓国の大統領は３日夜、緊急談話を出した。これは{i}番目の段落です。</p>" for i in range(10)
    )
    html = f"<html><body><article><h1>戒厳</h1><p>{text}</p>{more}</article></body></html>"
    body = (extract_article(html, "https://news.example.jp/a/1").articleBody or "").split("\n\n")
    assert "尹氏は野党が政府高官や検事らへの弾劾（だんがい）訴追案を提出した。" in body
    tree = lxml.html.fromstring(html)
    assert flatten_ruby(tree) is not tree and tree.find(".//ruby") is not None, "the page stays intact"


def test_a_teaser_card_whose_paragraph_is_a_link_is_not_article_text() -> None:
    teaser = (
        "RISK REMAINS: An official said the storm could return next week and the harbour master "
        "kept every pilot boat tied up along the north quay."
    )
    own = "The ministry said the carrier group had entered waters near the channel late on Sunday evening."
    linked = "How the invasion affected the expat researchers of the port"  # a headline: kept
    html = (
        f"<html><body><article><p>{own}</p><p>Read <a href='/x'>{linked}</a> as well, said the ministry.</p>"
        f"</article><ul><li><a href='/news/2'><h3>Storm closes the port</h3><p>{teaser}</p></a></li>"
        f"<li><a href='/news/3'><p>{linked}</p></a></li></ul></body></html>"
    )
    blocks = linked_blocks(lxml.html.fromstring(html))
    lines = [own, teaser, teaser[:80], linked]
    assert drop_linked_blocks(lines, blocks) == [own, linked]


LEAD = "The council voted on Tuesday night to close the north quay for a year of repairs."


def _lead_page(lead_html: str) -> str:
    text = "".join(
        f"<p>Paragraph {i} of the council's report on the quay and what it will cost.</p>" for i in range(8)
    )
    return (
        f'<html><head><meta property="og:description" content="{LEAD}"></head><body><article>'
        f'<h1>Quay closes</h1>{lead_html}<div class="article-body">{text}</div></article></body></html>'
    )


def test_a_lead_paragraph_inside_the_article_container_opens_the_body() -> None:
    tree = lxml.html.fromstring(_lead_page(f'<p class="article__teaser-text">{LEAD}</p>'))
    assert (
        lead_paragraph(tree, ["Paragraph 0 of the council's report on the quay and what it will cost."])
        == LEAD
    )


def test_a_deck_in_the_header_or_a_box_of_its_own_is_not_the_first_paragraph() -> None:
    first = ["Paragraph 0 of the council's report on the quay and what it will cost."]
    for deck in (
        f"<header><p>{LEAD}</p></header>",  # the header's deck
        f'<div class="article-lead"><p>{LEAD}</p></div>',  # a box of its own beside the body
        f'<p class="subtitle">{LEAD}</p>',  # a deck-like class
        f"<h2>{LEAD}</h2>",  # a heading, not a paragraph
    ):
        assert lead_paragraph(lxml.html.fromstring(_lead_page(deck)), first) is None, deck
    # After the body it is not a lead; already in the body it is not added twice.
    html = _lead_page("").replace("</div></article>", f"</div><p>{LEAD}</p></article>")
    assert lead_paragraph(lxml.html.fromstring(html), first) is None
    assert lead_paragraph(lxml.html.fromstring(_lead_page(f"<p>{LEAD}</p>")), [LEAD, *first]) is None


STORY = [
    "The council voted on Tuesday night to close the north quay for a year of repairs to its wall.",
    "Work starts in May, and the ferries will use the south pier until the quay opens again.",
]


def test_a_tags_label_and_its_items_at_the_end_are_not_article_text() -> None:
    lines = [*STORY, "- Etiketler :", "- Haberler -", "- Spor", "- Futbol", "- Galatasaray"]
    assert drop_chrome(lines, None, []) == STORY
    # A list after an ordinary line stays.
    items = [*STORY, "The new timetable:", "- Ferry at six", "- Ferry at noon"]
    assert drop_chrome(items, None, []) == items


def test_headings_of_emptied_side_boxes_at_the_end_are_not_article_text() -> None:
    boxes = [
        "Neue Vodafone-Bilder",
        "Beiträge aus dem Forum",
        "- WLAN-Router mit Modem:",
        "Weiterführende Links",
    ]
    assert drop_chrome([*STORY, *boxes], None, []) == STORY
    # An info box's facts (prices, a phone number) and a closing subheading with its text stay.
    facts = [*STORY, "Ticketing", "VIP : 60,000₩", "Inquiry", "02-751-1500"]
    assert drop_chrome(facts, None, []) == facts
    section = [*STORY, "What comes next", "Ferries", "The council meets again in June."]
    assert drop_chrome(section, None, []) == section


def test_a_capitalised_label_and_a_link_is_a_prompt_not_article_text() -> None:
    html = (
        "<html><body><article>"
        "<p><strong>FUNDA OLUNYE UDABA LAPHA |</strong> <a href='/119057/'>Kuboshwe abahlanu besolwa ngokugwaza umfundi</a></p>"
        "<p>ALSO READ: <a href='/2'>Storm closes the port for a week</a></p>"
        "<p>Lesen Sie hier: <a href='/3'>Gefährliche Giftwolke über Berlin</a></p>"
        "<p>The council said <a href='/4'>the report on the quay and its costs</a>.</p>"
        "<p>Link to the <a href='https://example.org/tickets'>https://example.org/tickets</a></p>"
        "</article></body></html>"
    )
    assert link_paragraphs(lxml.html.fromstring(html)) == {
        "funda olunye udaba lapha | kuboshwe abahlanu besolwa ngokugwaza umfundi",
        "also read: storm closes the port for a week",
    }


def test_a_promotion_box_at_the_end_goes_whole() -> None:
    pitch = "Die Grenzen in Europa wurden bereits 1999 verschoben. Heute wie damals berichtet die Zeitung."
    promo = ["2 Wochen kostenlos testen", pitch, "Testen Sie für zwei Wochen die gedruckte Zeitung."]
    assert drop_chrome([*STORY, *promo], None, []) == STORY
    follow = "『カテゴリーをフォロー』すると、マイページでまとめて記事を読むことができます。"
    assert drop_chrome([*STORY, "カテゴリーをフォローする", follow, follow], None, []) == STORY
    # A story's own closing line after two calls to action stays.
    links = [
        "Click here to read the affidavit.",
        "Click here to read the warrant.",
        "The hearing is on June 26.",
    ]
    assert drop_chrome([*STORY, *links], None, []) == [*STORY, links[-1]]


def test_the_page_title_and_a_byline_after_the_lead_are_not_article_text() -> None:
    lead = "Schon im vergangenen Herbst hatte das Vorhaben für Empörung gesorgt: Das Rentenalter steigt."
    lines = [
        "Feuerwehrleute sollen später in Pension | wdr aktuell",
        "Feuerwehrleute sollen später in Pension",
        "Stand: 22.04.2024, 06:00 Uhr",
        lead,
        "Von Nina Magoley",
        *STORY,
    ]
    assert drop_chrome(lines, "Feuerwehrleute sollen später in Pension", []) == [lead, *STORY]
