"""The records extraction gives for the saved pages and the sample site's pages, compared with
the records recorded in ``fixtures/records.json`` before a refactoring: a change of shape that
changes a record, however slightly, fails here.

After a change that is meant to change records, write them again and review the diff:
``NEWSCRAWLER_WRITE_RECORDS=1 .venv/bin/python -m pytest tests/test_records_unchanged.py``.
"""

from __future__ import annotations

import gzip
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawler.extraction.article import extract_page
from sample_site.server import Site

FIXTURES = Path(__file__).parent / "fixtures"
RECORDS = FIXTURES / "records.json"
DOWNLOADED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # a fixed clock: records are comparable
SAMPLE = "http://news.example"


def _record(body: bytes, url: str) -> dict[str, Any] | None:
    article = extract_page(body, url, downloaded=DOWNLOADED)
    return None if article is None else article.to_dict()


def current_records() -> dict[str, dict[str, Any] | None]:
    records: dict[str, dict[str, Any] | None] = {}
    for meta in sorted((FIXTURES / "pages").glob("*.json")):
        url = json.loads(meta.read_text(encoding="utf-8"))["url"]
        html = gzip.decompress(meta.with_suffix(".html.gz").read_bytes())
        records[meta.stem] = _record(html, url)
    site = Site(now=DOWNLOADED)
    paths = ["/", "/section/national/", *(a.path for a in site.articles), f"/amp{site.tracked.path}"]
    for path in paths:
        status, _type, text = site.render(path, {}, SAMPLE)
        assert status == 200, path
        records[f"sample{path}"] = _record(text.encode("utf-8"), SAMPLE + path)
    return records


def test_every_record_is_the_one_recorded_before() -> None:
    records = current_records()
    if os.environ.get("NEWSCRAWLER_WRITE_RECORDS"):
        RECORDS.write_text(json.dumps(records, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    recorded = json.loads(RECORDS.read_text(encoding="utf-8"))
    assert sorted(records) == sorted(recorded), "the same pages"
    changed = [name for name in sorted(records) if records[name] != recorded[name]]
    assert not changed, f"records changed: {changed}"
