"""The monitors' decisions (monitors/checks.py), each on hand-made figures and history: the figures
from the crawl stats, and the thresholds a site may override in the registry."""

from __future__ import annotations

from typing import Any

import pytest

from newscrawler.monitors import (
    check_articles,
    check_body_length,
    check_drops,
    check_errors,
    check_field_coverage,
    site_figures,
    thresholds_for,
)
from newscrawler.sites import RegistryError, load_registry
from tests.monitors.figures import SETTINGS, T, fig, runs


def failed(checks: list[Any]) -> dict[str, Any]:
    return {c.monitor: c for c in checks if not c.passed}


# --- each decision ---


def test_a_site_with_no_articles_fails_but_one_with_nothing_new_passes() -> None:
    assert failed(check_articles("s", fig(articles=0, written=0), [], T))["articles"].value == 0
    # A run after another finds only articles written before: the site still lists articles.
    assert failed(check_articles("s", fig(articles=30, written=0, known=30), [], T)) == {}
    quiet = failed(check_articles("s", fig(articles=0, written=0, too_old_listed=12), [], T))["articles"]
    assert (
        quiet.message
        == "s: 0 articles (0 written, 0 already written before), 12 listed but older than since=; at least 1 expected"
    )
    site = {**T, "min_articles": 0}  # a site that may well have nothing (registry override)
    assert failed(check_articles("s", fig(articles=0, written=0), [], site)) == {}


def test_far_fewer_articles_than_recent_runs_fails_once_there_are_three_earlier_runs() -> None:
    now = fig(articles=8, written=8)
    assert "articles_vs_recent" not in {c.monitor for c in check_articles("s", now, runs(2), T)}
    check = failed(check_articles("s", now, runs(3), T))["articles_vs_recent"]
    assert check.value == 8 and check.threshold == pytest.approx(12.0)  # 30% of the usual 40
    assert "fewer than 30% of the 40 of its last 3 runs" in check.message
    assert failed(check_articles("s", fig(articles=15), runs(5), T)) == {}
    # only the last NEWSCRAWLER_MONITOR_HISTORY runs count: old glory is forgotten
    assert failed(check_articles("s", now, runs(5, articles=10) + runs(5, articles=500), T)) == {}


def test_missing_fields_above_their_share_fail_per_field() -> None:
    checks = check_field_coverage(
        "s", fig(missing={"datePublished": 12, "authors": 30, "inLanguage": 0}), [], T
    )
    bad = failed(checks)
    assert set(bad) == {"missing/datePublished", "missing/authors"}
    assert (
        bad["missing/datePublished"].value == pytest.approx(0.3)
        and bad["missing/datePublished"].threshold == 0.2
    )
    assert "30% of 40 written articles have no datePublished" in bad["missing/datePublished"].message
    lenient = {**T, "max_missing": {**T["max_missing"], "authors": 1.0}}
    assert set(failed(check_field_coverage("s", fig(missing={"authors": 40}), [], lenient))) == set()
    assert check_field_coverage("s", fig(written=3, missing={"datePublished": 3}), [], T) == [], (
        "too few to judge"
    )


def test_a_collapsing_median_body_fails_against_the_sites_history() -> None:
    short = fig(median_body_chars=300)
    assert check_body_length("s", short, runs(2), T) == [], "too little history"
    check = failed(check_body_length("s", short, runs(3), T))["body_length"]
    assert check.threshold == 1200 and check.value == 300
    assert failed(check_body_length("s", fig(median_body_chars=1800), runs(3), T)) == {}


def test_error_rates_per_site() -> None:
    bad = failed(
        check_errors("s", fig(requests=100, http_errors=25, blocked=6, timeouts=11, robots_refused=60), [], T)
    )
    assert set(bad) == {"http_errors", "blocked", "timeouts", "robots_refused"}
    assert bad["blocked"].message == (
        "s: 6 of 100 requests (6%) refused with HTTP 403/429 or answered with a challenge page "
        "(blocked) (at most 5%); if the site's terms allow crawling it, send its requests as a "
        'browser would: NEWSCRAWLER_IMPERSONATE=chrome, or the site\'s `impersonate = "chrome"` or '
        "`proxy` in the registry (README: Blocked sites and impersonation)"
    )
    passed = check_errors("s", fig(requests=100, http_errors=10, blocked=2, timeouts=3), [], T)
    assert failed(passed) == {}
    assert "IMPERSONATE" not in next(c for c in passed if c.monitor == "blocked").message, "no remedy to pass"
    assert check_errors("s", fig(requests=4, timeouts=4), [], T) == [], "too few requests to judge"


def test_a_drop_reason_out_of_its_usual_range_fails() -> None:
    history = runs(4, fetched=40, dropped={"not_article": 2, "too_short": 4})
    now = fig(fetched=40, dropped={"not_article": 25, "too_short": 5, "near_duplicate": 30})
    bad = failed(check_drops("s", now, history, T))
    assert set(bad) == {"drops/not_article"}, "copies are not a site's health"
    assert bad["drops/not_article"].threshold == pytest.approx(0.05 + 0.25)
    assert "62% of 40 article pages dropped as not_article, usually 5%" in bad["drops/not_article"].message
    assert check_drops("s", now, history[:2], T) == [], "too little history"


def test_figures_come_from_the_crawl_stats() -> None:
    stats = {
        "newscrawler/a/fetched": 10,
        "newscrawler/a/written": 7,
        "newscrawler/a/skipped/known": 5,
        "newscrawler/a/skipped/robots_txt": 2,
        "newscrawler/a/errors/http_403": 1,
        "newscrawler/a/errors/http_500": 2,
        "newscrawler/a/errors/timeout": 3,
        "newscrawler/a/errors/bad_sitemap": 1,
        "newscrawler/a/dropped/too_short": 3,
        "newscrawler/a/missing/authors": 4,
    }
    f = site_figures(stats, {"a": [100, 300, 200]}, {"a": 20})["a"]
    assert (f["articles"], f["written"], f["known"], f["fetched"]) == (12, 7, 5, 10)
    # answered 20 (the 4xx/5xx and the bad sitemap among them), 3 timed out, 2 refused by robots.txt
    assert f["requests"] == 25
    assert (f["http_errors"], f["blocked"], f["timeouts"], f["robots_refused"]) == (3, 1, 3, 2)
    assert f["missing"] == {"datePublished": 0, "authors": 4, "inLanguage": 0}
    assert f["median_body_chars"] == 200 and f["dropped"] == {"too_short": 3}


def test_challenge_pages_count_as_blocked_beside_403_and_429() -> None:
    stats = {
        "newscrawler/a/fetched": 8,
        "newscrawler/a/dropped/blocked": 8,  # article pages answered with a challenge page
        "newscrawler/a/errors/blocked": 3,  # the home page, a sitemap, robots.txt
        "newscrawler/a/errors/http_403": 1,
        "newscrawler/a/errors/http_429": 1,
    }
    # Answered: two sitemaps and the 403 and 429 pages; challenge pages end before the crawl
    # counts them as answers, and are counted by their stats instead.
    f = site_figures(stats, {}, {"a": 4})["a"]
    assert f["blocked"] == 13 and f["requests"] == 15
    assert f["http_errors"] == 2 and f["dropped"] == {"blocked": 8}
    [check] = [c for c in check_errors("a", f, [], T) if c.monitor == "blocked"]
    assert not check.passed and check.value == round(13 / 15, 4)
    assert "NEWSCRAWLER_IMPERSONATE=chrome" in check.message


def test_a_site_overrides_thresholds_in_the_registry() -> None:
    sites = load_registry(
        '[quiet]\nhome = "https://quiet.example/"\n[quiet.monitors]\nmin_articles = 0\n'
        "max_missing = {authors = 1.0}\n"
    )
    t = thresholds_for(SETTINGS, sites["quiet"])
    assert t["min_articles"] == 0 and t["max_missing"] == {
        "datePublished": 0.2,
        "authors": 1.0,
        "inLanguage": 0.2,
    }
    assert t["max_blocked"] == 0.05, "the rest from the settings"
    with pytest.raises(RegistryError, match=r"monitors.min_article: use one of"):
        load_registry('[x]\nhome = "https://x.example/"\n[x.monitors]\nmin_article = 0\n')
    with pytest.raises(RegistryError, match=r"monitors.max_blocked = 'lots' is not a number"):
        load_registry('[x]\nhome = "https://x.example/"\n[x.monitors]\nmax_blocked = "lots"\n')
