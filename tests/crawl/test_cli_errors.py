"""A mistyped `scrapy crawl news` argument: one `error:` line, first in LOG_FILE, last on stderr, status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent.parent


def crawl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=REPO,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("argument", "says"),
    [
        ("limt=1", "did you mean limit?"),
        ("limit=abc", "limit='abc'"),
        ("url=file:///etc/passwd", "give an http(s) URL"),
        ("url=", "names no site"),  # a cron line with an unset variable: not the whole registry
        ("sites=,", "names no site"),
        ("since=99999999d", "since='99999999d'"),
        ("url=http://user:hunter2@news.example/", "user name or password"),
    ],
)
def test_error_line_is_first_in_log_file_and_last_on_stderr(tmp_path: Path, argument: str, says: str) -> None:
    log = tmp_path / "logs" / "job.log"
    log.parent.mkdir()
    res = crawl("-a", argument, "-s", f"LOG_FILE={log}")
    assert res.returncode == 2
    stderr = res.stderr.splitlines()
    assert stderr and stderr[-1].startswith("error: ") and says in stderr[-1], res.stderr
    logged = log.read_text(encoding="utf-8").splitlines()
    assert logged == [stderr[-1]], "the error line is the job log's first (and only) line"
    assert "hunter2" not in res.stderr


def test_a_password_in_the_state_url_is_never_printed(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "url=https://news.example/"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
        env={**os.environ, "NEWSCRAWLER_STATE_URL": "postgres://u:hunter2@db.example/state"},
    )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr.startswith("error: NEWSCRAWLER_STATE_URL='postgres://u:***@db.example/state'")
    assert "hunter2" not in res.stderr


def test_error_line_is_appended_to_an_existing_log_file(tmp_path: Path) -> None:
    log = tmp_path / "job.log"
    log.write_text("earlier line\n", encoding="utf-8")
    res = crawl("-a", "limt=1", "-s", f"LOG_FILE={log}")
    assert res.returncode == 2
    assert log.read_text(encoding="utf-8").splitlines() == ["earlier line", res.stderr.splitlines()[-1]]


def test_error_comes_before_any_scrapy_line_on_stderr() -> None:
    res = crawl("-a", "limt=1")
    assert res.returncode == 2
    assert res.stderr.splitlines() == [res.stderr.splitlines()[-1]], "nothing but the error line"
    assert res.stderr.startswith("error: unknown argument 'limt'")


def test_state_error_is_the_last_line_too(tmp_path: Path) -> None:
    res = crawl("-a", "limit=1", "-s", "NEWSCRAWLER_STATE_URL=redis://127.0.0.1:9/0")
    assert res.returncode == 2
    assert res.stderr.splitlines()[-1].startswith("error: NEWSCRAWLER_STATE_URL=")
