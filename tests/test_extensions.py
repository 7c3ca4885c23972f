"""Progress lines and the closing summary (newscrawler/extensions.py), from the crawl's stats."""

from __future__ import annotations


def test_a_site_that_answered_with_no_article_is_not_said_to_have_not_answered() -> None:
    from newscrawler.extensions import summary_line

    line = summary_line({"downloader/response_status_count/200": 3, "response_received_count": 3})
    assert "no site answered" not in line and "no article page was found" in line
    assert "no site answered" in summary_line({"downloader/response_status_count/503": 3})


def test_the_summary_says_how_many_pages_of_each_site_were_blocked() -> None:
    from newscrawler.extensions import summary_line

    line = summary_line(
        {
            "response_received_count": 12,
            "downloader/response_status_count/403": 12,
            "newscrawler/a.example/fetched": 9,
            "newscrawler/a.example/dropped/blocked": 9,
            "newscrawler/a.example/errors/blocked": 3,
            "newscrawler/b.example/fetched": 4,
            "newscrawler/b.example/written": 4,
        }
    )
    assert (
        "a.example: 0 written of 9 article pages fetched, 12 pages blocked (challenge or block pages)" in line
    )
    assert "b.example: 4 written of 4 article pages fetched;" in line + ";", (
        "no word of it for a site not blocked"
    )


def test_progress_line_reports_written_dropped_duplicates_and_rate(caplog) -> None:
    from types import SimpleNamespace

    from newscrawler.extensions import Progress

    stats = {
        "response_received_count": 120,
        "newscrawler/dawn/written": 7,
        "newscrawler/dropped/near_duplicate": 2,
        "newscrawler/dropped/too_short": 1,
        "newscrawler/skipped/known": 30,
    }
    crawler = SimpleNamespace(stats=SimpleNamespace(get_stats=lambda: stats))
    with caplog.at_level("INFO", logger="newscrawler.extensions"):
        Progress(crawler, 60).log()  # type: ignore[arg-type]
    assert "7 articles written, 3 dropped (2 duplicates), 30 skipped as known, 120 pages/min" in caplog.text
