"""A healthy site's figures, and the thresholds at the defaults: shared by the monitors' tests."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings

from newscrawler import settings as project_settings
from newscrawler.monitors import thresholds_for

SETTINGS = Settings({k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()})
T = thresholds_for(SETTINGS, None)


def fig(**overrides: Any) -> dict[str, Any]:
    """A healthy site's figures for one run."""
    values: dict[str, Any] = {
        "articles": 40,
        "written": 40,
        "known": 0,
        "fetched": 42,
        "requests": 60,
        "http_errors": 1,
        "blocked": 0,
        "timeouts": 0,
        "robots_refused": 0,
        "missing": {"datePublished": 0, "authors": 5, "inLanguage": 0},
        "median_body_chars": 2400,
        "dropped": {"not_article": 1, "duplicate_url": 1},
    }
    values.update(overrides)
    return values


def runs(n: int, **overrides: Any) -> list[dict[str, Any]]:
    return [fig(**overrides) for _ in range(n)]
