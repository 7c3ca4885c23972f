"""Monitors after crawls of the sample site, whole and broken: the results file, the log lines, the
exit status, Spidermon's e-mail, and the run recorded in the state after it was judged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from newscrawler.state.sqlite import SQLiteState
from tests.conftest import REPO
from tests.mockserver.smtp import SMTPSink


def scrapy_crawl(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}/", "-o", f"{out}:jsonlines",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWLER_EXTRACT_PROCESSES=1", *extra],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def monitor_lines(log: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in log.splitlines() if "[newscrawler.monitors]" in line]


def test_a_crawl_of_the_sample_site_passes_every_monitor_and_is_recorded(
    shared_demo_site: Any, tmp_path: Path, private_state: Path
) -> None:
    site = shared_demo_site()
    done = scrapy_crawl(site.url, tmp_path / "out.jsonl")
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "out.monitors.json").read_text(encoding="utf-8"))
    assert set(report) == {"finished", "status", "results"} and report["status"] == "passed"
    name = site.url.removeprefix("http://")
    assert {r["monitor"] for r in report["results"]} >= {
        "articles",
        "missing/authors",
        "http_errors",
        "blocked",
    }
    for result in report["results"]:
        assert set(result) == {"monitor", "site", "value", "threshold", "passed", "message"}
        assert result["passed"] and result["site"] == name
    assert monitor_lines(done.stderr)[-1].startswith("INFO: newscrawler monitors (passed): ")
    store = SQLiteState(private_state / "state.sqlite3")
    try:
        [run] = store.recent_runs(name, 5)
    finally:
        store.close()
    assert run["articles"] == run["written"] > 20 and run["finished"].startswith(report["finished"][:16])


def test_a_site_whose_pages_broke_fails_its_monitors_and_the_job(
    shared_demo_site: Any, tmp_path: Path
) -> None:
    site = shared_demo_site(broken=True)  # article pages lost their text: every one dropped as not_article
    done = scrapy_crawl(site.url, tmp_path / "out.jsonl", "-s", "NEWSCRAWLER_MONITORS_FAIL_JOB=True")
    assert done.returncode == 6, done.stderr[-3000:]
    assert done.stderr.strip().splitlines()[-1].startswith("error: exit status 6: "), "loud to the last line"
    name = site.url.removeprefix("http://")
    report = json.loads((tmp_path / "out.monitors.json").read_text(encoding="utf-8"))
    assert report["status"] == "failed"
    [articles] = [r for r in report["results"] if r["monitor"] == "articles"]
    assert articles == {
        "monitor": "articles",
        "site": name,
        "value": 0,
        "threshold": 1.0,
        "passed": False,
        "message": f"{name}: 0 articles (0 written, 0 already written before); at least 1 expected",
    }
    lines = monitor_lines(done.stderr)
    assert f"WARNING: monitor failed: articles: {articles['message']}" in lines
    assert lines[-1].startswith("ERROR: newscrawler monitors (failed, fails the job): 1 of ")
    assert lines[-1].endswith(f"articles {name}; results in {tmp_path / 'out.monitors.json'}")


def test_a_failed_monitor_sends_spidermons_email_when_configured(
    shared_demo_site: Any, tmp_path: Path
) -> None:
    site = shared_demo_site(broken=True)
    with SMTPSink() as smtp:
        done = scrapy_crawl(
            site.url, tmp_path / "out.jsonl",
            "-s", "SPIDERMON_EMAIL_TO=ops@example.com", "-s", "SPIDERMON_EMAIL_SENDER=crawler@example.com",
            "-s", "SPIDERMON_SMTP_HOST=127.0.0.1", "-s", f"SPIDERMON_SMTP_PORT={smtp.port}",
            "-s", "SPIDERMON_SMTP_USER=crawler", "-s", "SPIDERMON_SMTP_PASSWORD=secret",
            "-s", "SPIDERMON_SMTP_ENFORCE_TLS=False",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert not [line for line in done.stderr.splitlines() if "ERROR" in line], done.stderr[-3000:]
    [message] = smtp.messages
    assert "Subject: newscrawler: monitors failed" in message
    assert smtp.envelopes == [["MAIL FROM:<crawler@example.com>", "RCPT TO:<ops@example.com>"]]


def test_a_run_is_judged_against_earlier_runs_then_recorded(
    shared_demo_site: Any, tmp_path: Path, private_state: Path
) -> None:
    site = shared_demo_site()
    name = site.url.removeprefix("http://")
    store = SQLiteState(private_state / "state.sqlite3")
    for day in (1, 2, 3):  # the site used to give 200 articles a run
        store.record_run(
            name, f"2026-11-0{day}T10:00:00+00:00", {"articles": 200, "written": 200, "fetched": 210}
        )
    store.close()
    elsewhere = tmp_path / "reports" / "%(name)s-latest.json"
    done = scrapy_crawl(site.url, tmp_path / "out.jsonl", "-s", f"NEWSCRAWLER_MONITORS_FILE={elsewhere}")
    assert done.returncode == 0, "a failed monitor fails the job only when asked to"
    report = json.loads((tmp_path / "reports" / "news-latest.json").read_text(encoding="utf-8"))
    assert not (tmp_path / "out.monitors.json").exists()
    [recent] = [r for r in report["results"] if r["monitor"] == "articles_vs_recent"]
    assert not recent["passed"] and recent["threshold"] == 60 and 20 < recent["value"] < 60
    store = SQLiteState(private_state / "state.sqlite3")
    try:
        history = store.recent_runs(name, 10)
    finally:
        store.close()
    assert [r["articles"] for r in history] == [recent["value"], 200, 200, 200], "recorded after judging"
