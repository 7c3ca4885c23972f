"""The monitors' figures and decisions, pure functions: no Scrapy, no Spidermon.

``site_figures`` turns the crawl stats, the written bodies' lengths and the responses per site
into one run's figures per site; ``thresholds_for`` gives a site's thresholds (the settings, with
the site's ``[<site>.monitors]`` over them); each ``check_*`` decides on (site, this run's figures,
earlier runs newest first, thresholds) and returns its checks, so the unit tests call them on
hand-made figures.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from newscrawler.sites import THRESHOLDS, WATCHED_FIELDS, Site
from newscrawler.stats import KINDS, blocked_pages, per_site

# Drop reasons that say nothing about a site's health (copies, our own limits): not watched.
QUIET_DROPS = frozenset(
    {
        "duplicate_url",
        "duplicate_text",
        "near_duplicate",
        "unchanged",
        "claimed_by_another_crawl",
        "over_limit",
        "template_sample",
        "state_error",
        "too_old",  # depends on the run's since= window, not on the site
    }
)
# Error reasons counted after a response was received (it is already among the responses).
# Challenge pages (``blocked``) are not: they end in the downloader, before the crawl counts a response.
_AFTER_RESPONSE = frozenset({"bad_sitemap", "bad_feed", "sitemap_too_large", "redirect_loop"})
# What the user can do about a blocked site: named in the failing check's message.
BLOCKED_REMEDY = (
    "if the site's terms allow crawling it, send its requests as a browser would: "
    'NEWSCRAWLER_IMPERSONATE=chrome, or the site\'s `impersonate = "chrome"` or `proxy` in the '
    "registry (README: Blocked sites and impersonation)"
)

# A threshold's setting: this prefix, then its name (newscrawler.sites.THRESHOLDS) in upper case.
SETTING_PREFIX = "NEWSCRAWLER_MONITOR_"


@dataclass
class Check:
    """One monitor's verdict on one site (site None: the whole crawl)."""

    monitor: str
    site: str | None
    value: float | None
    threshold: float | None
    passed: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- figures ---


def site_figures(
    stats: dict[str, Any], bodies: Mapping[str, Iterable[int]], responses: Mapping[str, int]
) -> dict[str, dict[str, Any]]:
    """This run's figures per site, from the crawl stats, the written bodies' lengths and the
    responses received per site."""
    figures = {}
    sites = per_site(stats)
    for name in set(sites) | set(responses):
        s = sites.get(name) or {"fetched": 0, "written": 0, **{k: {} for k in KINDS}}
        errors: dict[str, int] = s["errors"]
        robots = s["skipped"].get("robots_txt", 0)
        no_response = sum(
            n for r, n in errors.items() if not r.startswith("http_") and r not in _AFTER_RESPONSE
        )
        lengths = sorted(bodies.get(name, ()))
        known = s["skipped"].get("known", 0)
        figures[name] = {
            "articles": s["written"] + known,
            "written": s["written"],
            "known": known,
            "fetched": s["fetched"],
            # every page of the site asked for: answered, failed without an answer (errors/blocked
            # among them), article pages answered with a challenge, refused by robots.txt
            "requests": responses.get(name, 0) + no_response + s["dropped"].get("blocked", 0) + robots,
            "http_errors": sum(n for r, n in errors.items() if r.startswith("http_")),
            "blocked": blocked_pages(s) + errors.get("http_403", 0) + errors.get("http_429", 0),
            "timeouts": errors.get("timeout", 0),
            "robots_refused": robots,
            "too_old_listed": s["skipped"].get("too_old_listed", 0),
            "missing": {f: int(stats.get(f"newscrawler/{name}/missing/{f}", 0)) for f in WATCHED_FIELDS},
            "median_body_chars": statistics.median(lengths) if lengths else None,
            "dropped": dict(s["dropped"]),
        }
    return figures


def thresholds_for(settings: Any, site: Site | None) -> dict[str, Any]:
    """The settings' thresholds, with the site's own ``[<site>.monitors]`` over them."""
    values: dict[str, Any] = {}
    for key in THRESHOLDS:
        name = SETTING_PREFIX + key.upper()
        values[key] = settings.getdict(name) if key == "max_missing" else settings.getfloat(name)
    for key, value in (site.monitors if site is not None else {}).items():
        values[key] = {**values[key], **value} if key == "max_missing" else value
    return values


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _earlier(history: list[dict[str, Any]], t: dict[str, Any]) -> list[dict[str, Any]]:
    return history[: int(t["history"])]


# --- decisions: (site, this run's figures, earlier runs newest first, thresholds) -> checks ---


def check_articles(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """A site that gave no articles (none written, none listed that an earlier run wrote), or far
    fewer than in its recent runs (once it has ``min_history`` of them)."""
    n = fig["articles"]
    what = f"{n} articles ({fig['written']} written, {fig['known']} already written before)"
    if fig.get("too_old_listed"):  # a quiet site under a short since= window, or a stale listing
        what += f", {fig['too_old_listed']} listed but older than since="
    checks = [
        Check(
            "articles",
            site,
            n,
            t["min_articles"],
            n >= t["min_articles"],
            f"{site}: {what}; at least {t['min_articles']:g} expected",
        )
    ]
    earlier = [r["articles"] for r in _earlier(history, t) if r.get("articles") is not None]
    if len(earlier) >= t["min_history"]:
        usual = statistics.median(earlier)
        if usual > 0:
            low = usual * t["min_articles_share"]
            checks.append(
                Check(
                    "articles_vs_recent",
                    site,
                    n,
                    low,
                    n >= low,
                    f"{site}: {what}, fewer than {_pct(t['min_articles_share'])} of the {usual:g} "
                    f"of its last {len(earlier)} runs (median)",
                )
            )
    return checks


def check_field_coverage(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """Written articles without datePublished, authors or inLanguage, as a share of the written."""
    written = fig["written"]
    if written < t["min_sample"]:
        return []
    checks = []
    for name in WATCHED_FIELDS:
        limit = t["max_missing"].get(name)
        if limit is None:
            continue
        share = _share(fig["missing"].get(name, 0), written)
        checks.append(
            Check(
                f"missing/{name}",
                site,
                round(share, 4),
                float(limit),
                share <= float(limit),
                f"{site}: {_pct(share)} of {written} written articles have no {name} "
                f"(at most {_pct(float(limit))})",
            )
        )
    return checks


def check_body_length(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """The median article body (characters) collapsing against the site's recent runs: the body
    rule is catching a teaser, a cookie wall or a template instead of the text."""
    median = fig["median_body_chars"]
    if median is None or fig["written"] < t["min_sample"]:
        return []
    earlier = [r["median_body_chars"] for r in _earlier(history, t) if r.get("median_body_chars")]
    if len(earlier) < t["min_history"]:
        return []
    usual = statistics.median(earlier)
    low = usual * t["min_body_share"]
    return [
        Check(
            "body_length",
            site,
            median,
            low,
            median >= low,
            f"{site}: median article body {median:g} characters, under {_pct(t['min_body_share'])} "
            f"of the {usual:g} of its last {len(earlier)} runs",
        )
    ]


_ERROR_CHECKS = (
    ("http_errors", "max_http_errors", "answered with HTTP 4xx/5xx"),
    ("blocked", "max_blocked", "refused with HTTP 403/429 or answered with a challenge page (blocked)"),
    ("timeouts", "max_timeouts", "timed out"),
    ("robots_refused", "max_robots_refused", "refused by robots.txt"),
)


def check_errors(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """Per site: the share of its requests that got an HTTP error, were blocked, timed out or
    were refused by robots.txt."""
    requests = fig["requests"]
    if requests < t["min_sample"]:
        return []
    checks = []
    for figure, key, what in _ERROR_CHECKS:
        rate = _share(fig[figure], requests)
        message = (
            f"{site}: {fig[figure]} of {requests} requests ({_pct(rate)}) {what} (at most {_pct(t[key])})"
        )
        if figure == "blocked" and rate > t[key]:
            message += f"; {BLOCKED_REMEDY}"
        checks.append(Check(figure, site, round(rate, 4), t[key], rate <= t[key], message))
    return checks


def check_drops(
    site: str, fig: dict[str, Any], history: list[dict[str, Any]], t: dict[str, Any]
) -> list[Check]:
    """Each drop reason's share of the article pages fetched, against the site's recent runs:
    ``not_article`` or ``too_short`` jumping means the pages changed, not the news."""
    fetched = fig["fetched"]
    earlier = [r for r in _earlier(history, t) if r.get("fetched")]
    if fetched < t["min_sample"] or len(earlier) < t["min_history"]:
        return []
    reasons = set(fig["dropped"]).union(*(r.get("dropped", {}) for r in earlier)) - QUIET_DROPS
    checks = []
    for reason in sorted(reasons):
        share = _share(fig["dropped"].get(reason, 0), fetched)
        usual = statistics.median(_share(r.get("dropped", {}).get(reason, 0), r["fetched"]) for r in earlier)
        high = usual + t["max_drop_jump"]
        checks.append(
            Check(
                f"drops/{reason}",
                site,
                round(share, 4),
                round(high, 4),
                share <= high,
                f"{site}: {_pct(share)} of {fetched} article pages dropped as {reason}, "
                f"usually {_pct(usual)} (last {len(earlier)} runs)",
            )
        )
    return checks
