"""Every NEWSCRAWLER_* setting is typed, checked before the crawl, and documented (issue #20)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from newscrawler import settings as defaults
from newscrawler.config import SETTINGS, check_settings, markdown

REPO = Path(__file__).parent.parent


def project_settings(**values: object) -> Settings:
    s = Settings()
    s.setmodule(defaults)
    s.setdict(values, priority="cmdline")
    return s


def test_every_setting_has_a_type_and_every_typed_one_exists() -> None:
    assert sorted(SETTINGS) == sorted(n for n in dir(defaults) if n.startswith("NEWSCRAWLER_"))


def test_the_readme_lists_every_setting_as_the_table_says() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    between = readme.split("<!-- settings:begin -->\n", 1)[1].split("<!-- settings:end -->", 1)[0]
    assert between.strip() == markdown().strip(), "run python -m newscrawler.config and paste its table"


def test_the_defaults_pass_the_check() -> None:
    check_settings(project_settings())


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("NEWSCRAWLER_EXTRACT_PROCESSES", "abc", "whole number"),
        ("NEWSCRAWLER_MAX_URL_LENGTH", "abc", "whole number"),
        ("NEWSCRAWLER_MONITORS_FAIL_JOB", "maybe", "True or False"),
        ("NEWSCRAWLER_TEMPLATE_MAX_SHARE", "1.5", "0 to 1"),
        ("NEWSCRAWLER_NEAR_DUPLICATES", "maybe", "`drop` or `keep`"),
        ("NEWSCRAWLER_MONITOR_MAX_MISSING", "[1]", "JSON object"),
        ("NEWSCRAWLER_LEASE_SECONDS", "nan", "number"),
        ("NEWSCRAWLER_MIN_WORD", "30", "did you mean NEWSCRAWLER_MIN_WORDS"),
        ("NEWSCRAWLER_RENDER", "sometimes", "`auto` or `never` or `always`"),
        ("NEWSCRAWLER_RENDER_CONCURRENCY", "0", "1 or more"),
        ("NEWSCRAWLER_IMPERSONATE", "chrom", "not a browser curl_cffi impersonates"),
        ("NEWSCRAWLER_BROWSER", "/nonexistent/chromium", "no such executable"),
    ],
)
def test_a_wrong_setting_is_one_line(name: str, value: str, says: str) -> None:
    with pytest.raises(UsageError) as err:
        check_settings(project_settings(**{name: value}))
    assert says in str(err.value) and name in str(err.value) and "\n" not in str(err.value)
