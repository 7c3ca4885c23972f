"""The Article record: the output schema, one JSON line per article.

Field names follow schema.org NewsArticle (as zyte-common-items' ``Article`` does).
docs/fields.md defines each field. Empty fields are left out when serialised.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Article:
    url: str | None = None
    canonicalUrl: str | None = None
    headline: str | None = None
    description: str | None = None
    articleBody: str | None = None
    authors: list[dict[str, str]] = field(default_factory=list)
    datePublished: str | None = None
    dateModified: str | None = None
    inLanguage: str | None = None
    articleSection: str | None = None
    keywords: list[str] = field(default_factory=list)
    mainImage: dict[str, str] | None = None
    isAccessibleForFree: bool | None = None
    publisher: str | None = None
    wordCount: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Fields in schema order, empty ones left out (False and 0 are values, not empty)."""
        return {f.name: v for f in fields(self) if not is_empty(v := getattr(self, f.name))}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, dict, tuple)) and not value)


FIELD_NAMES = tuple(f.name for f in fields(Article))
