"""Hand-made crawl records, outputs and stats for the report's tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def article(site: str, published: str | None, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "url": f"https://{site}/{len(fields)}-{published}",
        "headline": f"A story from {site}",
        "metadata": {"site": site, "dateDownloaded": "2026-11-28T12:00:00+00:00"},
        **fields,
    }
    if published is not None:
        record["datePublished"] = published
    return record


STATS = {
    "start_time": "2026-11-28 18:29:55+00:00",
    "newscrawler/dropped/duplicate_url": 3,
    "newscrawler/a.example/fetched": 20,
    "newscrawler/a.example/written": 12,
    "newscrawler/a.example/dropped/duplicate_url": 3,
    "newscrawler/a.example/dropped/near_duplicate": 2,
    "newscrawler/a.example/dropped/too_short": 1,
    "newscrawler/a.example/skipped/known": 7,
    "newscrawler/b.example/fetched": 5,
    "newscrawler/b.example/written": 4,
    "newscrawler/b.example/dropped/duplicate_text": 1,
    "newscrawler/b.example/errors/http_500": 2,
}


def write_jsonl(path: Path, records: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
