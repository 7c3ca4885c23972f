"""Every NEWSCRAWLER_* setting is checked before the crawl starts: the real command refuses a wrong
one (issue #20)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize(
    "setting",
    [
        "NEWSCRAWLER_EXTRACT_PROCESSES=abc",
        "NEWSCRAWLER_MAX_URL_LENGTH=abc",
        "NEWSCRAWLER_MONITORS_FAIL_JOB=maybe",
    ],
)
def test_the_crawl_refuses_a_wrong_setting_before_it_starts(setting: str) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "url=http://127.0.0.1:9/", "-s", setting],
        capture_output=True, text=True, cwd=REPO, timeout=120, env=dict(os.environ),
    )  # fmt: skip
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {setting.split('=')[0]}="), res.stderr
