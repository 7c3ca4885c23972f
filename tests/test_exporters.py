"""The feed exporters (newscrawler/exporters.py): every format in schema order with empty fields
left out, JSON lines as UTF-8 text, and each write reported to the output ledger."""

from __future__ import annotations

import io
import json
import pickle
from typing import Any

import pytest

from newscrawler.exporters import (
    ArticleCsvExporter,
    ArticleJsonExporter,
    ArticleJsonLinesExporter,
    ArticlePickleExporter,
    ArticleXmlExporter,
    as_record,
)
from newscrawler.items import FIELD_NAMES, Article, ArticleMetadata, Author

ARTICLE = Article(
    url="https://a.example/kälte", headline="Kälte – in München", authors=[Author("Ann Lee")],
    description="", keywords=[], metadata=ArticleMetadata(site="a.example", revision=1),
)  # fmt: skip


class Ledger:
    """Stands in for the output ledger: what it was told."""

    def __init__(self) -> None:
        self.told: list[tuple[str | None, bool]] = []

    def exported(self, item: Any, exporter: Any, ok: bool) -> None:
        self.told.append((item.url, ok))


def export(cls: Any, item: Any, target: Any = None, ledger: Any = None) -> bytes:
    target = target if target is not None else io.BytesIO()
    exporter = cls(target)
    exporter.target, exporter.ledger = target, ledger
    exporter.start_exporting()
    exporter.export_item(item)
    exporter.finish_exporting()
    return target.getvalue() if isinstance(target, io.BytesIO) else b""


def test_a_record_is_in_schema_order_without_empty_fields() -> None:
    record = as_record(ARTICLE)
    assert list(record) == [f for f in FIELD_NAMES if f in record]
    assert "description" not in record and "keywords" not in record
    assert as_record({"url": "https://a.example/", "headline": "", "x": None}) == {
        "url": "https://a.example/"
    }


def test_json_lines_are_utf8_text_one_line_per_article() -> None:
    raw = export(ArticleJsonLinesExporter, ARTICLE).decode("utf-8")
    assert raw.count("\n") == 1 and "Kälte – in München" in raw and "\\u" not in raw
    assert json.loads(raw) == as_record(ARTICLE)


@pytest.mark.parametrize("cls", [ArticleJsonExporter, ArticleCsvExporter, ArticleXmlExporter])
def test_every_text_format_leaves_empty_fields_out(cls: Any) -> None:
    raw = export(cls, ARTICLE).decode("utf-8")
    assert "Ann Lee" in raw and "description" not in raw and "keywords" not in raw


def test_pickle_gives_back_the_record() -> None:
    assert pickle.loads(export(ArticlePickleExporter, ARTICLE)) == as_record(ARTICLE)


class Full(io.BytesIO):
    def write(self, data: Any) -> int:
        raise OSError(28, "No space left on device")


def test_each_write_is_reported_and_a_failed_one_is_not_raised() -> None:
    ledger = Ledger()
    export(ArticleJsonLinesExporter, ARTICLE, ledger=ledger)
    export(ArticleJsonLinesExporter, ARTICLE, target=Full(), ledger=ledger)
    assert ledger.told == [(ARTICLE.url, True), (ARTICLE.url, False)], "the ledger counts it lost"
    with pytest.raises(OSError):
        export(ArticleJsonLinesExporter, ARTICLE, target=Full())  # no ledger: nothing to tell
