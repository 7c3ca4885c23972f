"""The record documents itself: the Article dataclass, its docstrings and docs/fields.md agree."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

from newscrawler import items
from newscrawler.context import Ticket
from newscrawler.exporters import as_record
from newscrawler.items import FIELD_NAMES, Article, Author, Image, item_key

DOCS = Path(__file__).parent.parent / "docs" / "fields.md"


def documented_in_fields_md() -> list[str]:
    return re.findall(r"^\| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), re.M)


def attribute_docstrings(cls: type) -> dict[str, str]:
    tree = ast.parse(inspect.getsource(items))
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
    out = {}
    for stmt, after in zip(node.body, node.body[1:], strict=False):
        named = isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
        if named and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            out[stmt.target.id] = str(after.value.value)  # type: ignore[union-attr]
    return out


def test_fields_md_defines_exactly_the_record_fields_in_schema_order() -> None:
    assert documented_in_fields_md() == list(FIELD_NAMES)


def test_every_field_has_a_docstring() -> None:
    for cls in (Article, Author, Image):
        documented = attribute_docstrings(cls)
        names = [f for f in cls.__dataclass_fields__]
        assert sorted(documented) == sorted(names), cls.__name__
        assert all(len(doc) > 10 for doc in documented.values())


def test_typed_parts_serialise_as_plain_json_and_empty_fields_are_left_out() -> None:
    a = Article(
        url="https://x.example/a",
        headline="A",
        authors=[Author("Jane Doe"), Author("John Roe")],
        mainImage=Image("https://x.example/i.jpg"),
        isAccessibleForFree=False,
        wordCount=0,
        keywords=[],
        description="",
    )
    record = as_record(a)
    assert record == {
        "url": "https://x.example/a",
        "headline": "A",
        "authors": [{"name": "Jane Doe"}, {"name": "John Roe"}],
        "mainImage": {"url": "https://x.example/i.jpg"},
        "isAccessibleForFree": False,
        "wordCount": 0,
    }
    assert json.loads(json.dumps(record)) == record


def test_the_crawl_ticket_rides_on_the_article_but_never_reaches_the_record() -> None:
    ticket = Ticket("7", "s", "https://s.example/a", None, "sitemap", sample=True)
    article = Article(url="https://s.example/a", headline="A", ticket=ticket)
    record = as_record(article)
    assert "ticket" not in record and "ticket" not in FIELD_NAMES
    assert json.loads(json.dumps(record)) == {"url": "https://s.example/a", "headline": "A"}
    one, two = Article(url="x"), Article(url="x")  # made outside a crawl: no ticket
    assert item_key(article) == "7" and item_key(one) != item_key(two)


def test_an_archived_record_says_where_it_came_from() -> None:
    from newscrawler.items import ArticleMetadata, WarcRecordRef

    for cls in (ArticleMetadata, WarcRecordRef):
        documented = attribute_docstrings(cls)
        assert sorted(documented) == sorted(cls.__dataclass_fields__), cls.__name__
    ref = WarcRecordRef("CC-NEWS-20240310101500-00001.warc.gz", 613, "<urn:uuid:1>", "2024-03-10T12:00:00Z")
    record = as_record(Article(url="https://x.example/a", metadata=ArticleMetadata(source="warc", warc=ref)))
    assert record["metadata"]["warc"] == {
        "file": "CC-NEWS-20240310101500-00001.warc.gz",
        "offset": 613,
        "recordId": "<urn:uuid:1>",
        "date": "2024-03-10T12:00:00Z",
    }
    json.dumps(record)
