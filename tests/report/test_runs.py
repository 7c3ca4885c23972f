"""Reading a crawl's outputs (report/runs.py): the stats and monitors files next to each output, a
missing or broken one named, and a large output read a line at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawler import report
from newscrawler.report import (
    ReportError,
    load_runs,
)
from tests.report.records import STATS, article, write_jsonl


def test_load_runs_finds_the_stats_and_monitors_next_to_each_output(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "first.jsonl", [article("a.example", None)])
    second = write_jsonl(tmp_path / "second.jsonl", [article("a.example", None)])
    (tmp_path / "first.stats.json").write_text(json.dumps(STATS))
    (tmp_path / "second.monitors.json").write_text(json.dumps({"status": "passed", "results": []}))
    runs = load_runs([first, second])
    assert [(r.stats is not None, r.monitors is not None) for r in runs] == [(True, False), (False, True)]
    explicit = tmp_path / "elsewhere.json"
    explicit.write_text(json.dumps({"newscrawler/x/written": 1}))
    runs = load_runs([first, second], stats_files=[explicit])
    assert runs[0].stats == {"newscrawler/x/written": 1}  # the i-th --stats is the i-th output's
    with pytest.raises(ReportError, match="at most one per output"):
        load_runs([first], stats_files=[explicit, explicit])


def test_load_runs_names_a_missing_or_broken_run_file(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "run.jsonl", [article("a.example", None)])
    with pytest.raises(ReportError, match=r"nothere\.json: no such file"):
        load_runs([jsonl], stats_files=[tmp_path / "nothere.json"])
    (tmp_path / "run.stats.json").write_text("{not json")
    with pytest.raises(ReportError, match=r"run\.stats\.json: not a valid stats file"):
        load_runs([jsonl])
    (tmp_path / "run.stats.json").unlink()
    (tmp_path / "run.monitors.json").write_text(json.dumps({"results": "all fine"}))
    with pytest.raises(ReportError, match="not a valid monitors file"):
        load_runs([jsonl])


def test_a_large_output_is_read_a_line_at_a_time_and_bodies_are_not_kept(tmp_path: Path) -> None:
    """`scrapy report` on a 200 MB output peaked at 4x its size: every record was kept whole."""
    path = tmp_path / "big.jsonl"
    body = "word " * 50_000  # 250 kB a record, the bulk of a real output line
    with path.open("w", encoding="utf-8") as f:
        for n in range(40):
            record = {"url": f"https://a.example/{n}", "headline": f"Story {n}", "articleBody": body,
                      "datePublished": "2026-11-28T10:00:00+05:00", "metadata": {"site": "a.example"}}  # fmt: skip
            f.write(json.dumps(record) + "\n")
    records, broken = report.read_jsonl(path)
    assert len(records) == 40 and broken == 0
    kept = sum(len(json.dumps(r)) for r in records)
    assert kept < path.stat().st_size / 100, "the bodies are not held in memory"
    assert report.coverage(records)["a.example"]["articleBody"] == 1.0, "but whether each has one is"
    assert report.latest_articles(records)[0]["words"] == 50_000
