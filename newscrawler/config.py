"""The type and range of every NEWSCRAWLER_* setting, checked once before a crawl starts.

``-s NEWSCRAWLER_EXTRACT_PROCESSES=abc`` or ``-s NEWSCRAWLER_MONITORS_FAIL_JOB=maybe`` is the
user's mistake: one ``error:`` line and exit status 2 (``scrapy crawl``), never a traceback from
inside the crawl or a silently ignored value. The same table writes the README's settings
reference (``python -m newscrawler.config``; a test holds the README to it).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

from scrapy.exceptions import UsageError

from newscrawler import settings as defaults
from newscrawler.browsers import find_browser, impersonation_problem


@dataclass(frozen=True)
class Spec:
    kind: str  # int, float, bool, str, url, list, dict, choice
    low: float | None = None  # inclusive
    high: float | None = None  # inclusive
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "choice":
            return " or ".join(f"`{c}`" for c in self.choices)
        text = {
            "int": "whole number",
            "float": "number",
            "bool": "True or False",
            "str": "text",
            "url": "http(s) URL or local folder",
            "list": "list (comma-separated)",
            "dict": "JSON object",
        }[self.kind]
        if self.low is not None and self.high is not None:
            return f"{text}, {_num(self.low)} to {_num(self.high)}"
        if self.low is not None:
            return f"{text}, {_num(self.low)} or more"
        return text


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


COUNT = Spec("int", 0)
POSITIVE = Spec("int", 1)
SECONDS = Spec("float", 0)
SHARE = Spec("float", 0, 1)
TEXT = Spec("str")

SETTINGS: dict[str, Spec] = {
    "NEWSCRAWLER_ALLOW_PRIVATE": TEXT,
    "NEWSCRAWLER_ARCHIVE_BACKOFF": SECONDS,
    "NEWSCRAWLER_ARCHIVE_RETRIES": COUNT,
    "NEWSCRAWLER_BROWSER": TEXT,
    "NEWSCRAWLER_CCNEWS_BASE": Spec("url"),
    "NEWSCRAWLER_EXTRACT_PROCESSES": COUNT,
    "NEWSCRAWLER_EXTRACT_QUEUE": COUNT,
    "NEWSCRAWLER_EXTRACT_TIMEOUT": Spec("float", 0.1),
    "NEWSCRAWLER_FEED_URI": TEXT,
    "NEWSCRAWLER_IMPERSONATE": TEXT,
    "NEWSCRAWLER_LEARN": Spec("bool"),
    "NEWSCRAWLER_LEARN_AFTER": POSITIVE,
    "NEWSCRAWLER_LEARN_SHARE": SHARE,
    "NEWSCRAWLER_LEASE_SECONDS": Spec("float", 1),
    "NEWSCRAWLER_LISTING_MAX_DEPTH": COUNT,
    "NEWSCRAWLER_LISTING_MAX_PAGES": COUNT,
    "NEWSCRAWLER_LISTING_MAX_PER_PATTERN": POSITIVE,
    "NEWSCRAWLER_MAX_CRAWL_DELAY": SECONDS,
    "NEWSCRAWLER_MAX_FUTURE_HOURS": SECONDS,
    "NEWSCRAWLER_MAX_RETRY_AFTER": SECONDS,
    "NEWSCRAWLER_MAX_URL_LENGTH": Spec("int", 20),
    "NEWSCRAWLER_MIN_BRIEF_WORDS": COUNT,
    "NEWSCRAWLER_MIN_WORDS": COUNT,
    "NEWSCRAWLER_MONITORS_ENABLED": Spec("bool"),
    "NEWSCRAWLER_MONITORS_FAIL_JOB": Spec("bool"),
    "NEWSCRAWLER_MONITORS_FILE": TEXT,
    "NEWSCRAWLER_MONITOR_ACTIONS": Spec("list"),
    "NEWSCRAWLER_MONITOR_HISTORY": POSITIVE,
    "NEWSCRAWLER_MONITOR_MAX_BLOCKED": SHARE,
    "NEWSCRAWLER_MONITOR_MAX_DROP_JUMP": SHARE,
    "NEWSCRAWLER_MONITOR_MAX_HTTP_ERRORS": SHARE,
    "NEWSCRAWLER_MONITOR_MAX_MISSING": Spec("dict"),
    "NEWSCRAWLER_MONITOR_MAX_ROBOTS_REFUSED": SHARE,
    "NEWSCRAWLER_MONITOR_MAX_TIMEOUTS": SHARE,
    "NEWSCRAWLER_MONITOR_MIN_ARTICLES": COUNT,
    "NEWSCRAWLER_MONITOR_MIN_ARTICLES_SHARE": SHARE,
    "NEWSCRAWLER_MONITOR_MIN_BODY_SHARE": SHARE,
    "NEWSCRAWLER_MONITOR_MIN_HISTORY": COUNT,
    "NEWSCRAWLER_MONITOR_MIN_SAMPLE": COUNT,
    "NEWSCRAWLER_MONITOR_SUITES": Spec("list"),
    "NEWSCRAWLER_NEAR_DUPLICATES": Spec("choice", choices=("drop", "keep")),
    "NEWSCRAWLER_NEAR_DUPLICATE_THRESHOLD": SHARE,
    "NEWSCRAWLER_PROGRESS_INTERVAL": SECONDS,
    "NEWSCRAWLER_RENDER": Spec("choice", choices=("auto", "never", "always")),
    "NEWSCRAWLER_RENDER_CONCURRENCY": POSITIVE,
    "NEWSCRAWLER_RENDER_TIMEOUT": Spec("float", 1),
    "NEWSCRAWLER_REVISION_SIMILARITY": SHARE,
    "NEWSCRAWLER_ROUND_TTL": Spec("int", 1),
    "NEWSCRAWLER_SITEMAP_MAX_DEPTH": COUNT,
    "NEWSCRAWLER_SITEMAP_MAX_FILES": COUNT,
    "NEWSCRAWLER_SITES_FILE": TEXT,
    "NEWSCRAWLER_STALL_SECONDS": SECONDS,
    "NEWSCRAWLER_STATE_DIR": TEXT,
    "NEWSCRAWLER_STATE_URL": TEXT,
    "NEWSCRAWLER_STATS_FILE": TEXT,
    "NEWSCRAWLER_STOP_GRACE": SECONDS,
    "NEWSCRAWLER_TEMPLATE_MAX_SHARE": SHARE,
    "NEWSCRAWLER_TEMPLATE_MIN_ARTICLES": POSITIVE,
    "NEWSCRAWLER_TEMPLATE_WARMUP": COUNT,
    "NEWSCRAWLER_TEMPLATE_WARMUP_TIMEOUT": SECONDS,
    "NEWSCRAWLER_WARC_DIR": TEXT,
    "NEWSCRAWLER_WARC_LISTINGS": Spec("bool"),
    "NEWSCRAWLER_WARC_MAX_BYTES": POSITIVE,
    "NEWSCRAWLER_WORKER_WAIT": Spec("float", -1),
}

# Settings whose default is the environment variable of the same name (settings.py), then this.
FROM_ENVIRONMENT = {
    "NEWSCRAWLER_ALLOW_PRIVATE": "",
    "NEWSCRAWLER_FEED_URI": "output/%(name)s/%(time)s%(job_suffix)s.jsonl",
    "NEWSCRAWLER_SITES_FILE": None,
    "NEWSCRAWLER_STATE_DIR": None,
    "NEWSCRAWLER_STATE_URL": None,
}
_BOOLS = ("1", "0", "True", "true", "False", "false")  # what Scrapy's getbool() reads


def check_value(name: str, value: Any, spec: Spec) -> str | None:
    """Why the value does not fit (None: it does). Values from -s arrive as strings."""
    if value is None:
        return None if spec.kind in ("str", "list") else "needs a value"
    if spec.kind == "bool":
        if isinstance(value, bool) or str(value).strip() in _BOOLS:
            return None
        return "use True or False"
    if spec.kind in ("int", "float"):
        try:
            if isinstance(value, bool):
                raise ValueError
            number: float = int(str(value)) if spec.kind == "int" else float(str(value))
        except (TypeError, ValueError):
            return f"use a {spec.describe()}"
        if number != number or (spec.low is not None and number < spec.low):  # NaN, or too small
            return f"use a {spec.describe()}"
        if spec.high is not None and number > spec.high:
            return f"use a {spec.describe()}"
        return None
    if spec.kind == "choice":
        return None if str(value) in spec.choices else f"use {spec.describe()}"
    if spec.kind == "dict":
        if isinstance(value, dict):
            return None
        try:
            return None if isinstance(json.loads(str(value)), dict) else "use a JSON object"
        except ValueError:
            return "use a JSON object"
    if spec.kind == "url":
        scheme = str(value).partition("://")[0] if "://" in str(value) else ""
        return (
            None
            if scheme in ("", "http", "https") and str(value).strip()
            else "use an http(s) URL or a folder"
        )
    return None  # str and list take any text


def check_settings(settings: Any) -> None:
    """Every NEWSCRAWLER_* setting a user gave fits its type and range; an unknown one is a
    typo. A UsageError names the first that does not."""
    for name in sorted(k for k in settings.copy_to_dict() if k.startswith("NEWSCRAWLER_")):
        spec = SETTINGS.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, SETTINGS, n=1, cutoff=0.8)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise UsageError(f"unknown setting {name}{hint}; the settings are listed in the README")
        problem = check_value(name, settings.get(name), spec)
        if not problem and name == "NEWSCRAWLER_IMPERSONATE":
            problem = impersonation_problem(str(settings.get(name) or ""))
        browser = settings.get(name) if name == "NEWSCRAWLER_BROWSER" else None
        if not problem and browser and find_browser(str(browser)) is None:
            problem = "no such executable (a Chromium: the chromium package's is /usr/bin/chromium)"
        if problem:
            raise UsageError(f"{name}={settings.get(name)!r}: {problem}")


def markdown() -> str:
    """The README's settings reference: every setting, what it takes, its default."""
    rows = ["| setting | takes | default |", "|---|---|---|"]
    for name, spec in SETTINGS.items():
        if name in FROM_ENVIRONMENT:  # settings.py reads these from the environment first
            default = FROM_ENVIRONMENT[name]
            shown = "the environment variable, else " + (f"`{default}`" if default else "unset")
        else:
            default = getattr(defaults, name)
            shown = "(unset)" if default in (None, "", [], {}) else f"`{json.dumps(default)}`"
        rows.append(f"| `{name}` | {spec.describe()} | {shown} |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.stdout.write(markdown() + "\n")


def redis_url(settings: Any) -> str | None:
    """The one switch of a distributed crawl: REDIS_URL, as a setting or an environment variable."""
    value = settings.get("REDIS_URL") if settings is not None else None
    return str(value or os.environ.get("REDIS_URL") or "") or None
