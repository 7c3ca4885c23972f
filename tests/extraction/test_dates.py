"""Dates (extraction/dates.py): what a page prints, in many languages or relative to the crawl's
time, read as a date; nonsense is no date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newscrawler.extraction.dates import parse_text

NOW = datetime(2024, 5, 3, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("3. Mai 2024, 17:47 Uhr", "de", "2024-05-03T17:47:00"),
        ("3 mai 2024 à 17h47", "fr", "2024-05-03T17:47:00"),
        ("3 de mayo de 2024", "es", "2024-05-03"),
        ("3 Mayıs 2024 17:47", "tr", "2024-05-03T17:47:00"),
        ("2024年5月3日 17時47分", "ja", "2024-05-03T17:47:00"),
        ("vor 2 Stunden", "de", "2024-05-03T16:00:00+00:00"),
        ("2 hours ago", "en", "2024-05-03T16:00:00+00:00"),
        ("Friday, May 3, 2024", "en", "2024-05-03"),
        ("2024-05-03T17:47:42+0200", None, "2024-05-03T17:47:42+02:00"),
    ],
)
def test_dates_in_many_languages_and_relative_dates(text: str, lang: str | None, expected: str) -> None:
    stamp = parse_text(text, NOW, [lang] if lang else None)
    assert stamp is not None and stamp.iso() == expected


def test_nonsense_is_not_a_date() -> None:
    assert parse_text("Weather: 21 degrees and sunny", NOW, ["en"]) is None
    assert parse_text("", NOW) is None
