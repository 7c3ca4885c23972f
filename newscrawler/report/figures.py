"""The numbers behind each plot and table of the crawl report: pure functions of the article
records (docs/fields.md), the crawl's stats (newscrawler.stats) and the monitors' results, for use
in a notebook as well.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from newscrawler.report.runs import COVERAGE_FIELDS, Record, Run, is_filled, words_of
from newscrawler.stats import DUPLICATE_REASONS, per_site

# What each duplicate drop reason means to a reader of the report.
DUPLICATE_KINDS = {
    "duplicate_url": "same URL",
    "duplicate_text": "exact text",
    "near_duplicate": "near-duplicate",
    "unchanged": "unchanged revision",
    "claimed_by_another_crawl": "claimed by another crawl",
}
assert set(DUPLICATE_KINDS) == set(DUPLICATE_REASONS), "a duplicate reason without a label"

UNKNOWN_SITE = "(unknown site)"
LATEST_ROWS = 100


def site_of(record: Record) -> str:
    metadata = record.get("metadata")
    site = metadata.get("site") if isinstance(metadata, dict) else None
    return str(site) if site else UNKNOWN_SITE


def published_day(record: Record) -> str | None:
    """The publication day as the page gives it (the site's own zone), or None without a valid date."""
    value = record.get("datePublished")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def published_hour(record: Record) -> int | None:
    """The hour of publication in the site's zone: the hour as written in datePublished, which
    carries the page's own UTC offset. None for a bare day or an unparsable date."""
    value = record.get("datePublished")
    if not isinstance(value, str) or len(value) <= 10:
        return None
    try:
        return datetime.fromisoformat(value).hour
    except ValueError:
        return None


def published_instant(record: Record) -> datetime | None:
    """datePublished as an aware UTC datetime to order articles of different zones; a date without
    an offset is taken as UTC (the best guess left)."""
    value = record.get("datePublished")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def articles_per_site_day(records: Iterable[Record]) -> dict[str, dict[str, int]]:
    """{site: {"YYYY-MM-DD": articles}} by datePublished in the site's zone; undated articles left out."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        day = published_day(record)
        if day is not None:
            counts[site_of(record)][day] += 1
    return {site: dict(sorted(days.items())) for site, days in sorted(counts.items())}


def articles_per_run(runs: Iterable[Run]) -> dict[str, dict[str, int]]:
    """{run name: {site: articles in its output}}."""
    return {run.name: dict(sorted(Counter(site_of(r) for r in run.records).items())) for run in runs}


def hour_histogram(records: Iterable[Record]) -> dict[str, list[int]]:
    """{site: 24 counts}: articles by hour of publication, in each site's own zone."""
    hours: dict[str, list[int]] = {}
    for record in records:
        hour = published_hour(record)
        if hour is not None:
            hours.setdefault(site_of(record), [0] * 24)[hour] += 1
    return dict(sorted(hours.items()))


def coverage(
    records: Iterable[Record], fields: Sequence[str] = COVERAGE_FIELDS
) -> dict[str, dict[str, float]]:
    """{site: {field: share of the site's articles in which the field is filled, 0..1}}."""
    totals: Counter[str] = Counter()
    filled: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        site = site_of(record)
        totals[site] += 1
        for name in fields:
            if is_filled(record.get(name)):
                filled[site][name] += 1
    return {site: {name: filled[site][name] / n for name in fields} for site, n in sorted(totals.items())}


def merge_stats(stats: Iterable[dict[str, Any]]) -> dict[str, int]:
    """The newscrawler/* counters of several runs, summed."""
    merged: Counter[str] = Counter()
    for one in stats:
        for key, value in one.items():
            if (
                key.startswith("newscrawler/")
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                merged[key] += int(value)
    return dict(merged)


def duplicate_summary(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{site: {duplicate kind label: articles dropped}}, the kinds of DUPLICATE_KINDS that occurred."""
    result: dict[str, dict[str, int]] = {}
    for site, entry in sorted(per_site(stats).items()):
        kinds = {label: entry["dropped"].get(reason, 0) for reason, label in DUPLICATE_KINDS.items()}
        kinds = {k: v for k, v in kinds.items() if v}
        if kinds:
            result[site] = kinds
    return result


def drop_summary(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{site: {reason: pages}}: every article page fetched and not written (dropped), duplicates
    included, and every page not fetched on purpose (skipped/...) or that failed (errors/...)."""
    result: dict[str, dict[str, int]] = {}
    for site, entry in sorted(per_site(stats).items()):
        reasons = dict(sorted(entry["dropped"].items()))
        for kind in ("skipped", "errors"):
            reasons.update({f"{kind}/{reason}": n for reason, n in sorted(entry[kind].items())})
        reasons = {k: v for k, v in reasons.items() if v}
        if reasons:
            result[site] = reasons
    return result


def site_totals(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{site: {"fetched", "written", "dropped", "lost_to_output"}}: the summary line's figures."""
    return {
        site: {
            "fetched": entry["fetched"],
            "written": entry["written"],
            "dropped": sum(entry["dropped"].values()),
            "lost_to_output": entry["lost_to_output"],
        }
        for site, entry in sorted(per_site(stats).items())
    }


def monitor_rows(runs: Iterable[Run]) -> list[dict[str, Any]]:
    """Every monitor result of every run, failures first, then by run, monitor and site."""
    rows = [
        {
            "run": run.name,
            "monitor": str(result.get("monitor", "")),
            "site": result.get("site"),
            "value": result.get("value"),
            "threshold": result.get("threshold"),
            "passed": result.get("passed") is True,
            "message": str(result.get("message", "")),
        }
        for run in runs
        if run.monitors
        for result in run.monitors["results"]
    ]
    return sorted(rows, key=lambda r: (r["passed"], r["run"], r["monitor"], r["site"] or ""))


def latest_articles(records: Iterable[Record], limit: int = LATEST_ROWS) -> list[dict[str, Any]]:
    """The `limit` most recently published articles (undated ones last), newest first."""
    rows = [
        {
            "headline": str(r.get("headline") or r.get("url") or ""),
            "url": str(r.get("url") or ""),
            "site": site_of(r),
            "datePublished": str(r.get("datePublished") or ""),
            "instant": published_instant(r),
            "words": words_of(r),
        }
        for r in records
    ]
    epoch = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda row: row["instant"] or epoch, reverse=True)
    return rows[:limit]
