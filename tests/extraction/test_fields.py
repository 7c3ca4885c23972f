"""One function per field (extraction/fields.py), each on a small page: the value a user reads."""

from __future__ import annotations

from newscrawler.extraction import extract_article
from newscrawler.extraction.fields import strip_site_name


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
