"""The report's command line (report/cli.py; `python -m newscrawler.report` and `scrapy report`):
the report next to the first output, its path printed; bad input is one error line and status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newscrawler import report
from tests.conftest import REPO
from tests.report.records import article, write_jsonl


def run_cli(*args: str, scrapy: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = (
        [sys.executable, "-m", "scrapy", "report"] if scrapy else [sys.executable, "-m", "newscrawler.report"]
    )
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=REPO, timeout=60)


@pytest.mark.parametrize("scrapy", [False, True], ids=["python -m", "scrapy report"])
def test_cli_writes_next_to_the_first_output_and_prints_the_path(tmp_path: Path, scrapy: bool) -> None:
    jsonl = write_jsonl(tmp_path / "crawl.jsonl", [article("a.example", "2026-11-28T09:00:00+05:00")])
    done = run_cli(str(jsonl), scrapy=scrapy)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "crawl.report.html")
    assert "A story from a.example" in (tmp_path / "crawl.report.html").read_text(encoding="utf-8")


def test_bad_input_is_one_error_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    write_jsonl(tmp_path / "garbage.jsonl", [], extra_lines=("not json", "[1, 2]"))
    for path, message in [
        (tmp_path / "missing.jsonl", "missing.jsonl: no such file"),
        (tmp_path / "empty.jsonl", "empty.jsonl: empty, no article records"),
        (tmp_path / "garbage.jsonl", "garbage.jsonl: none of its 2 lines is an article record (JSON object)"),
    ]:
        assert report.main([str(path), "-o", str(tmp_path / "r.html")]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.splitlines() == [f"error: {tmp_path}/{message}"], captured.err
        assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("scrapy", [False, True], ids=["python -m", "scrapy report"])
def test_cli_bad_input_exits_2_without_a_traceback(tmp_path: Path, scrapy: bool) -> None:
    done = run_cli(str(tmp_path / "missing.jsonl"), scrapy=scrapy)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"error: {tmp_path}/missing.jsonl: no such file"], done.stderr


def test_cli_skips_broken_lines_and_says_how_many(tmp_path: Path) -> None:
    jsonl = write_jsonl(
        tmp_path / "crawl.jsonl",
        [article("a.example", None), article("b.example", None)],
        extra_lines=('{"url": "https://a.example/cut-off', "null"),
    )
    done = run_cli(str(jsonl), "-o", str(tmp_path / "out.html"))
    assert done.returncode == 0, done.stderr
    assert "skipped 2 broken lines" in done.stderr
    assert done.stdout.strip() == str(tmp_path / "out.html")
    assert "2 broken lines" in (tmp_path / "out.html").read_text(encoding="utf-8")
