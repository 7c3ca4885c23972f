"""Which articles have a line at the end of a dead crawl's local outputs (newscrawler/outputs_scan.py):
a claim whose line is there is confirmed, not released, so nothing is written twice."""

from __future__ import annotations

import json
from pathlib import Path

from newscrawler import outputs_scan
from newscrawler.outputs_scan import written_to

URLS = ["https://a.example/1", "https://a.example/ü-2", "https://a.example/3"]


def test_lines_in_json_lines_and_json_outputs_are_found(tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(
        json.dumps({"url": URLS[1], "headline": "H"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    array = tmp_path / "b.json"
    array.write_text("[\n" + json.dumps({"url": URLS[0]}) + ",\n", encoding="utf-8")  # cut off mid-array
    assert written_to([str(jsonl), str(array)], URLS) == {URLS[0], URLS[1]}
    escaped = tmp_path / "c.jsonl"
    escaped.write_text(json.dumps({"url": URLS[1]}) + "\n", encoding="ascii")  # \u escapes
    assert written_to([str(escaped)], URLS) == {URLS[1]}


def test_a_missing_output_and_a_mere_mention_find_nothing(tmp_path: Path) -> None:
    mention = tmp_path / "a.jsonl"
    mention.write_text(json.dumps({"url": "https://a.example/x", "about": URLS[0]}) + "\n", encoding="utf-8")
    assert written_to([str(tmp_path / "gone.jsonl"), str(mention)], URLS) == set()


def test_only_the_tail_of_a_large_output_is_read(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(outputs_scan, "OUTPUT_TAIL", 200)
    out = tmp_path / "a.jsonl"
    lines = [json.dumps({"url": URLS[0]})] + [
        json.dumps({"url": f"https://a.example/f{i}"}) for i in range(20)
    ]
    out.write_text("\n".join([*lines, json.dumps({"url": URLS[2]})]) + "\n", encoding="utf-8")
    assert written_to([str(out)], URLS) == {URLS[2]}, "a dead crawl's last lines are at the end"
