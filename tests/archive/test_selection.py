"""Which records are read as article pages, from their headers alone."""

from __future__ import annotations

from datetime import UTC, datetime

from newscrawler.archive.reader import Head
from newscrawler.archive.selection import Selection
from newscrawler.sites import load_registry, site_for_url

REGISTRY = load_registry()


def head(url: str = "https://www.dawn.com/news/1", **kw: object) -> Head:
    values: dict[str, object] = {"kind": "response", "url": url, "date": "2024-03-10T12:00:00Z",
                                 "record_id": "<urn:uuid:1>", "status": 200, "content_type": "text/html; charset=utf-8"}  # fmt: skip
    values.update(kw)
    return Head(**values)  # type: ignore[arg-type]


def test_only_html_200_responses_are_read_the_rest_by_reason() -> None:
    every = Selection.of((), REGISTRY)
    assert every.skip_reason(head()) is None
    assert every.skip_reason(head(kind="revisit")) == "record_revisit"
    assert every.skip_reason(head(status=None)) == "not_http"
    assert every.skip_reason(head(status=404)) == "http_404"
    assert every.skip_reason(head(content_type="image/png")) == "not_html"
    assert every.skip_reason(head(content_type="application/xhtml+xml")) is None
    assert every.skip_reason(head(url="dns:www.dawn.com")) == "bad_url"


def test_sites_are_chosen_by_registrable_domain_and_named_as_news_names_them() -> None:
    chosen = Selection.of((REGISTRY["dawn"], site_for_url("https://www.bbc.co.uk/")), REGISTRY)
    assert chosen.site_for("https://images.dawn.com/news/2") is REGISTRY["dawn"]
    assert chosen.site_for("https://news.bbc.co.uk/a").name == "bbc.co.uk"  # type: ignore[union-attr]
    assert chosen.skip_reason(head("https://www.reuters.com/world/x")) == "other_site"
    every = Selection.of((), REGISTRY)
    assert every.site_for("https://www.dawn.com/news/1").name == "dawn"  # type: ignore[union-attr]
    assert every.site_for("http://127.0.0.1:8080/a").name == "127.0.0.1:8080"  # type: ignore[union-attr]


def test_since_and_until_are_read_on_the_warc_date() -> None:
    window = Selection.of((), REGISTRY, datetime(2024, 3, 11, tzinfo=UTC), datetime(2024, 3, 12, tzinfo=UTC))
    assert window.skip_reason(head(date="2024-03-10T23:59:59Z")) == "too_old"
    assert window.skip_reason(head(date="2024-03-11T10:00:00Z")) is None
    assert window.skip_reason(head(date="2024-03-12T00:00:01Z")) == "too_new"
