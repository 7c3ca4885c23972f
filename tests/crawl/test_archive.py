"""`scrapy crawl archive` end to end: WARC files built from the saved pages, read from disk, over
local HTTP (a connection dropped midway), through a local CC-NEWS layout, killed and resumed, and
on one crawl state with `scrapy crawl news`."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.request import urlopen

from tests.archive.warcs import Built, build_warc, saved_articles
from tests.conftest import REPO

ARGS = ["-s", "NEWSCRAWLER_MONITORS_ENABLED=False", "-s", "NEWSCRAWLER_ARCHIVE_BACKOFF=0.1"]


def archive(
    out: Path, *args: str, settings: tuple[str, ...] = (), timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl archive -a ... -O out`, its stats in out.stats.json."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "archive", *(x for a in args for x in ("-a", a))]
    cmd += ["-O", str(out), "-s", f"NEWSCRAWLER_STATS_FILE={out.with_suffix('.stats.json')}", *ARGS]
    for s in settings:
        cmd += ["-s", s]
    return subprocess.run(
        cmd, capture_output=True, text=True, cwd=REPO, timeout=timeout, env=dict(os.environ)
    )


def lines(out: Path) -> list[dict[str, Any]]:
    """The records whose lines are whole: a crawl still writing (or killed while writing) may
    leave its last line unfinished, and such a line is not a written article."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]


def stats_of(out: Path) -> dict[str, Any]:
    stats: dict[str, Any] = json.loads(out.with_suffix(".stats.json").read_text(encoding="utf-8"))
    return stats


def counted(stats: dict[str, Any], kind: str) -> dict[str, int]:
    prefix = f"newscrawler/{kind}/"
    return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}


def balanced(stats: dict[str, Any]) -> bool:
    """Every record read is an article page fetched, or counted as skipped or an error."""
    fetched = sum(v for k, v in stats.items() if k.endswith("/fetched") and k.count("/") == 2)
    others = sum(counted(stats, "skipped").values()) + sum(counted(stats, "errors").values())
    return bool(stats["newscrawler/archive/records"] == fetched + others)


def assert_every_record_accounted(built: Built, out: Path) -> None:
    written = [line["url"] for line in lines(out)]
    assert sorted(written) == sorted(built.articles), "every article once, the tracked copy not"
    stats = stats_of(out)
    skipped, errors = counted(stats, "skipped"), counted(stats, "errors")
    assert stats["newscrawler/archive/records"] == built.records
    assert skipped["record_warcinfo"] == 1 and skipped["record_request"] == len(built.articles)
    assert skipped["record_revisit"] == 1 and skipped["not_html"] == 1 and skipped["http_404"] == 1
    assert errors == {"bad_record": 1}, "the truncated last record"
    assert skipped["duplicate_url"] == 1, "the page under a tracking parameter, after the page itself"
    assert balanced(stats)


def test_every_record_of_a_warc_is_written_once_or_counted_under_its_reason(tmp_path: Path) -> None:
    built = build_warc(tmp_path / "news.warc.gz", saved_articles(6))
    out = tmp_path / "out.jsonl"
    result = archive(out, f"warc={built.path}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert_every_record_accounted(built, out)
    record = lines(out)[0]
    warc = record["metadata"]["warc"]
    assert warc["file"] == "news.warc.gz" and warc["offset"] in built.offsets
    assert warc["recordId"].startswith("<urn:uuid:") and warc["date"] == "2024-03-10T12:00:00Z"
    assert record["metadata"]["source"] == "warc" and record["metadata"]["dateDownloaded"].startswith(
        "2024-03-10"
    )
    again = archive(tmp_path / "again.jsonl", f"warc={tmp_path}/*.warc.gz")
    assert again.returncode == 0, again.stderr[-3000:]
    assert lines(tmp_path / "again.jsonl") == [], "a file read to its end is not read again"
    assert stats_of(tmp_path / "again.jsonl")["newscrawler/skipped/archive_done"] == 1


def test_a_remote_warc_is_streamed_and_resumed_by_range_after_the_connection_drops(
    tmp_path: Path, warc_server: Any
) -> None:
    folder = tmp_path / "served"
    folder.mkdir()
    built = build_warc(folder / "news.warc.gz", saved_articles(6))
    server = warc_server(folder, drop_after=built.path.stat().st_size // 2)
    out = tmp_path / "out.jsonl"
    result = archive(out, f"warc={server.url}/news.warc.gz")
    assert result.returncode == 0, result.stderr[-3000:]
    assert_every_record_accounted(built, out)
    ranges = [r for path, r in server.get("/__requests") if path == "/news.warc.gz" and r]
    assert any(int(r[6:].split("-")[0]) > 0 for r in ranges), "resumed from the byte reached, not from 0"


def test_a_missing_remote_warc_is_one_error_and_a_failed_crawl(tmp_path: Path, warc_server: Any) -> None:
    server = warc_server(tmp_path)
    result = archive(tmp_path / "out.jsonl", f"warc={server.url}/gone.warc.gz")
    assert result.returncode == 5
    assert "HTTP 404" in result.stderr and result.stderr.strip().splitlines()[-1].startswith(
        "error: exit status 5"
    )


def test_ccnews_days_are_read_from_the_month_paths_file(tmp_path: Path, warc_server: Any) -> None:
    month = tmp_path / "crawl-data" / "CC-NEWS" / "2024" / "03"
    month.mkdir(parents=True)
    pages = saved_articles(6)
    names = ["CC-NEWS-20240310101500-00001.warc.gz", "CC-NEWS-20240320101500-00002.warc.gz"]
    early = build_warc(month / names[0], pages[:3], truncate=False)
    late = build_warc(month / names[1], pages[3:], truncate=False, date="2024-03-20T10:00:00Z")
    paths = "".join(f"crawl-data/CC-NEWS/2024/03/{n}\n" for n in names)
    (month / "warc.paths.gz").write_bytes(gzip.compress(paths.encode()))
    server = warc_server(tmp_path)
    base = f"NEWSCRAWLER_CCNEWS_BASE={server.url}/"
    out = tmp_path / "days.jsonl"
    result = archive(out, "ccnews=2024-03-09..2024-03-15", settings=(base,))
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(line["url"] for line in lines(out)) == sorted(early.articles), "the 10th's file only"
    assert {line["metadata"]["warc"]["file"] for line in lines(out)} == {names[0]}
    month_out = tmp_path / "month.jsonl"
    result = archive(month_out, "ccnews=2024-03", settings=(base,))
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(line["url"] for line in lines(month_out)) == sorted(late.articles), (
        "the other file: the first is done"
    )


def _progress(state: Path, key: str) -> int | None:
    try:
        with sqlite3.connect(state / "state.sqlite3", timeout=1) as db:
            row = db.execute("SELECT offset FROM archives WHERE source = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    return int(row[0]) if row and row[0] >= 0 else None


def test_a_crawl_killed_midway_through_a_file_resumes_there_and_writes_every_article_once(
    tmp_path: Path, private_state: Path
) -> None:
    built = build_warc(tmp_path / "news.warc.gz", saved_articles(24), truncate=False)
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "archive",
        "-a",
        f"warc={built.path}",
        "-o",
        str(first),
        *ARGS,
    ]
    cmd += ["-s", "NEWSCRAWLER_EXTRACT_PROCESSES=1"]  # one page at a time: slow enough to stop midway
    crawl = subprocess.Popen(cmd, cwd=REPO, env=dict(os.environ), start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and crawl.poll() is None:
            if len(lines(first)) >= 3 and _progress(private_state, str(built.path.resolve())) is not None:
                break
            time.sleep(0.05)
    finally:
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=30)
    before = [line["url"] for line in lines(first)]
    assert 3 <= len(before) < len(built.articles), "killed midway"
    result = archive(second, f"warc={built.path}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "from offset" in result.stderr, "resumed at the record reached, not from the start"
    after = [line["url"] for line in lines(second)]
    assert Counter(before + after) == Counter(built.articles), "every article once across both runs"


def _sample_pages(site: Any) -> list[tuple[str, bytes]]:
    out = []
    for article in site.articles():
        url = site.url + article["path"]
        with urlopen(url, timeout=10) as response:
            out.append((url, response.read()))
    return out


def test_an_archive_and_a_news_crawl_on_one_state_never_write_an_article_twice(
    tmp_path: Path, shared_demo_site: Any, monkeypatch: Any
) -> None:
    site = shared_demo_site()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    built = build_warc(tmp_path / "site.warc.gz", _sample_pages(site), truncate=False, date=now)
    news = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.url}/", *ARGS]
    # news, then archive
    first = subprocess.run([*news, "-O", str(tmp_path / "news.jsonl")], capture_output=True, text=True,
                           cwd=REPO, timeout=180, env=dict(os.environ))  # fmt: skip
    assert first.returncode == 0, first.stderr[-3000:]
    written = {line["url"] for line in lines(tmp_path / "news.jsonl")}
    assert written
    result = archive(tmp_path / "archive.jsonl", f"warc={built.path}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert lines(tmp_path / "archive.jsonl") == [], "nothing the live crawl wrote is written again"
    assert balanced(stats_of(tmp_path / "archive.jsonl"))
    # archive, then news, on another state
    monkeypatch.setenv("NEWSCRAWLER_STATE_DIR", str(tmp_path / "other-state"))
    result = archive(tmp_path / "archive2.jsonl", f"warc={built.path}")
    assert result.returncode == 0, result.stderr[-3000:]
    from_archive = [line["url"] for line in lines(tmp_path / "archive2.jsonl")]
    # the same stories (of a near-duplicate pair, the one read first is written, as in any crawl)
    assert len(from_archive) == len(set(from_archive)) == len(written)
    second = subprocess.run([*news, "-O", str(tmp_path / "news2.jsonl")], capture_output=True, text=True,
                            cwd=REPO, timeout=180, env=dict(os.environ))  # fmt: skip
    assert second.returncode == 0, second.stderr[-3000:]
    assert lines(tmp_path / "news2.jsonl") == [], "nor the other way round"


def test_a_mistyped_argument_is_one_error_line_and_status_2_before_anything_is_read(tmp_path: Path) -> None:
    result = archive(tmp_path / "out.jsonl", f"warc={tmp_path}/none-*.warc.gz")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: warc='{tmp_path}/none-*.warc.gz': the pattern matches no file"
    ]


def test_a_news_crawls_capture_replayed_gives_the_same_records(shared_demo_site: Any, tmp_path: Path) -> None:
    """NEWSCRAWLER_WARC_DIR on a live crawl, then `archive` over the capture with fresh=1: the
    records the live crawl wrote, field for field (the wire story the site runs twice is written
    once either way, whichever copy comes first)."""
    site = shared_demo_site()
    live, capture = tmp_path / "live.jsonl", tmp_path / "capture"
    res = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.url}/", "-O", str(live),
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWLER_WARC_DIR={capture}", *ARGS],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    again = tmp_path / "again.jsonl"
    res = archive(again, f"warc={capture}/*.warc.gz", "fresh=1")
    assert res.returncode == 0, res.stderr[-3000:]
    wire = {a["path"] for a in site.articles() if a["author"] == "Sofia Marin"}

    def records(out: Path) -> dict[str, dict[str, Any]]:
        """By the article's own address: the live crawl writes a copy (/m/, /amp/) under the URL its
        listing gave; a replay, which knows no listing, under whichever copy it read first."""
        found = {r.get("canonicalUrl") or r["url"]: r for r in lines(out)}
        assert sum(1 for url in found if url.removeprefix(site.url) in wire) == 1, "the wire story once"
        return {url: r for url, r in found.items() if url.removeprefix(site.url) not in wire}

    written, replayed = records(live), records(again)
    assert len(written) >= 30 and set(replayed) == set(written)
    for url, record in written.items():
        meta = replayed[url].pop("metadata")
        assert meta["warc"]["file"].endswith(".warc.gz") and meta["source"] == "warc"
        record.pop("metadata")
        assert replayed[url].pop("url").endswith(record.pop("url").removeprefix(site.url))
        assert replayed[url] == record, url
