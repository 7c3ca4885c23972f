"""Chrome (extraction/chrome.py): the lines of a body that are not the article's text go, the
article's own lines stay, whatever the line next to them is."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawler.extraction.chrome import (
    drop_chrome,
    drop_link_items,
    drop_linked_blocks,
    link_items,
    link_paragraphs,
    linked_blocks,
)

HEADLINE = "Harbour board approves the new quay"
STORY = [
    "The harbour board voted on Tuesday to build a new quay for the island ferries, its chair said.",
    "Work starts in the spring and should take two years, at a cost the board put at 40 million.",
    "Fishermen, who had asked for the quay for a decade, welcomed the vote but asked for berths too.",
]


def body(*lines: str, headline: str | None = HEADLINE, authors: tuple[str, ...] = ()) -> list[str]:
    return drop_chrome(list(lines), headline, list(authors))


@pytest.mark.parametrize(
    "line",
    [
        "Related Articles",
        "Hot this week",
        "Share this article",
        "Follow us on Instagram",
        "Sign up for our newsletter",
        "Advertisement",
        "Lesen Sie auch",
        "Читайте также",
        "12 Comments",
        "•••",
        "Read more: Ferry fares rise again",
        "Photo: Jane Doe / Reuters",
        "This copy is for your personal, non-commercial use only.",
        "Write to Jane Doe at jane.doe@courier.example",
    ],
)
def test_a_chrome_line_goes_anywhere_in_the_body(line: str) -> None:
    assert body(STORY[0], line, *STORY[1:]) == STORY


def test_the_headline_printed_again_goes_as_written_or_with_a_suffix_or_without_one() -> None:
    assert body(HEADLINE, *STORY) == STORY
    assert body(HEADLINE.upper() + ".", *STORY) == STORY
    assert body(f"{HEADLINE} | Courier News", *STORY) == STORY
    assert body(*STORY, HEADLINE) == STORY
    assert body("Harbour board approves", *STORY, headline=f"{HEADLINE[:22]} - Politics") == STORY


def test_a_section_or_site_label_above_the_text_goes_but_not_further_down() -> None:
    lines = ["Politics", *STORY, "Politics"]
    assert drop_chrome(lines, HEADLINE, [], ("Politics", "The Courier")) == [*STORY, "Politics"]


def test_a_byline_or_dateline_near_the_top_goes_not_in_the_text() -> None:
    assert body("By Jane Doe, Harbour Reporter", "Updated 3 May 2024", *STORY) == STORY
    assert body("Jane Doe", *STORY, authors=("Jane Doe",)) == STORY
    # Past the first four lines, a short line naming the author is the article's own.
    later = [*STORY, *STORY, "Jane Doe", "By the end of the day the quay was full."]
    assert body(*later, authors=("Jane Doe",)) == later


def test_the_teaser_a_read_more_prompt_points_to_goes_with_it() -> None:
    assert body(*STORY, "Read more", "Ferry fares rise again as the island's...") == STORY
    ellipsis = [*STORY, "The board will meet again in June to decide on the fares..."]
    assert body(*ellipsis) == ellipsis, "without a prompt, an ellipsis is text"


def test_the_items_of_a_tags_list_go_with_its_label() -> None:
    assert body(*STORY, "Tags", "- Harbour", "- Ferries", "- Island life") == STORY


def test_an_end_credit_closes_the_article_and_stays_its_last_line() -> None:
    credit = "Reporting by Jane Doe; Editing by John Roe"
    assert body(*STORY, credit, "Ferry fares rise again as the island waits") == [*STORY, credit]


def test_a_contributor_note_closes_the_article_and_goes() -> None:
    assert body(*STORY, "John Roe in Kiel contributed to this report.", "Most Popular") == STORY


def test_a_call_to_action_goes_at_the_end_only() -> None:
    mid = [*STORY, "Islanders can sign up for the consultation until May, the board said.", *STORY]
    assert body(*mid) == mid
    assert body(*STORY, "Follow The Courier on Facebook, Twitter and Instagram.") == STORY


def test_a_promotion_box_at_the_end_goes_whole() -> None:
    promo = ["2 Wochen kostenlos testen", "Alle Artikel lesen, jederzeit kündbar.", "Testen Sie jetzt"]
    assert body(*STORY, *promo) == STORY


def test_a_closing_list_of_other_stories_headlines_goes() -> None:
    links = [
        "The strange life and mysterious death of a coder",
        "How the harbour board spends its money",
        "What the new ferry timetable means for the islands",
    ]
    assert body(*STORY, *links) == STORY
    assert body(*links, *STORY) == [*links, *STORY], "at the top they are the article's own"


def test_headings_of_emptied_side_boxes_at_the_end_go() -> None:
    assert body(*STORY, "Beiträge aus dem Forum", "Weiterführende Links", "Mehr zum Hafen") == STORY


def test_a_one_word_kicker_above_the_first_long_paragraph_goes() -> None:
    long = " ".join(["The harbour board voted to build a new quay for the island ferries."] * 2)
    assert body("Exclusive", long, *STORY) == [long, *STORY]
    assert body("Background", *STORY) == ["Background", *STORY], "before a short paragraph: a subheading"


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>")


def test_lines_that_are_a_list_of_links_elsewhere_go() -> None:
    tree = _tree(
        "<ul><li><a href='/a'>Ferry fares rise again this spring</a></li>"
        "<li>Fares rise <a href='/b'>again</a> this spring</li></ul>"
    )
    items = link_items(tree)
    lines = [*STORY, "- Ferry fares rise again this spring", "- Fares rise again this spring"]
    assert drop_link_items(lines, items) == [*STORY, "- Fares rise again this spring"]


def test_a_teaser_card_wrapped_in_a_link_goes() -> None:
    teaser = (
        "Ferry fares rise again this spring as the operator blames fuel costs and the islanders "
        "ask the board to step in"
    )
    tree = _tree(f"<p>{STORY[0]}</p><a href='/other'><div><p>{teaser}</p></div></a>")
    assert drop_linked_blocks([*STORY, teaser], linked_blocks(tree)) == STORY


def test_a_capitalised_label_and_a_link_is_a_prompt() -> None:
    tree = _tree(
        "<p>ALSO READ | <a href='/x'>Ferry fares rise again this spring</a></p>"
        "<p>The board said <a href='/y'>the vote</a> was close.</p>"
    )
    prompts = link_paragraphs(tree)
    assert "also read | ferry fares rise again this spring" in prompts
    assert not any("the board said" in p for p in prompts)


# --- lines seen on real pages ---


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


def test_a_promotion_box_at_the_end_goes_whole_however_long_its_pitch() -> None:
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
