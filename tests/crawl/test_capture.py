"""Capture end to end: `scrapy crawl news` of the sample site with NEWSCRAWLER_WARC_DIR."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from newscrawler.extraction.article import extract_page
from sample_site.content import PROMO
from tests.crawl.test_pipelines import read_jsonl

REPO = Path(__file__).parent.parent.parent


def crawl_command(url: str, out: Path, warc: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}/", "-o", f"{out}:jsonlines",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWLER_WARC_DIR={warc}", *extra,
    ]  # fmt: skip


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


def responses(path: Path) -> list[tuple[str, bytes, Any]]:
    """(target URI, body, record) of every response record in one file, digests checked; the file
    must start with its warcinfo record."""
    found, types = [], []
    with open(path, "rb") as f:
        for record in ArchiveIterator(f, check_digests="raise"):
            types.append(record.rec_type)
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                found.append((uri, record.content_stream().read(), record))
    assert types[:1] == ["warcinfo"] and types[1:] == ["response", "request"] * len(found), path.name
    return found


def captured(warc: Path, once: bool = True) -> dict[str, tuple[bytes, Any]]:
    """Every page captured in warc, by URL; once: each fetched once (by one crawl)."""
    assert not list(warc.glob("*.open")), "every file closed"
    pages: dict[str, tuple[bytes, Any]] = {}
    for path in sorted(warc.glob("*.warc.gz")):
        for uri, body, record in responses(path):
            assert not (once and uri in pages), f"{uri} captured twice"
            pages[uri] = (body, record)
    return pages


def test_every_written_article_is_captured_and_re_extracts_to_its_record(
    shared_demo_site, tmp_path: Path
) -> None:
    site = shared_demo_site()
    out, warc = tmp_path / "articles.jsonl", tmp_path / "warc"
    res = run(crawl_command(site.url, out, warc, "-s", "NEWSCRAWLER_WARC_MAX_BYTES=30000"))
    assert res.returncode == 0, res.stderr[-2000:]
    assert len(list(warc.glob("*.warc.gz"))) >= 2, "rotated at NEWSCRAWLER_WARC_MAX_BYTES"
    pages = captured(warc)
    written = read_jsonl(out)
    assert written and all(article["url"] in pages for article in written)
    listings = [u for u in pages if u.endswith(("robots.txt", ".xml")) or u == f"{site.url}/"]
    assert not listings, "no listing without NEWSCRAWLER_WARC_LISTINGS"
    for article in written:
        body, record = pages[article["url"]]
        assert record.http_headers.get_statuscode() == "200"
        assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
        again = extract_page(body, article["url"])
        assert again is not None and again.headline == article["headline"]
        # The clean pipeline took out the site's template paragraph, the one difference allowed.
        paragraphs = [p for p in again.articleBody.split("\n\n") if p != PROMO]
        assert "\n\n".join(paragraphs) == article["articleBody"], article["url"]


def test_listings_are_captured_when_asked(shared_demo_site, tmp_path: Path) -> None:
    site = shared_demo_site()
    out, warc = tmp_path / "articles.jsonl", tmp_path / "warc"
    res = run(crawl_command(site.url, out, warc, "-a", "limit=2", "-s", "NEWSCRAWLER_WARC_LISTINGS=True"))
    assert res.returncode == 0, res.stderr[-2000:]
    pages = captured(warc)
    assert f"{site.url}/robots.txt" in pages and f"{site.url}/" in pages
    assert all(article["url"] in pages for article in read_jsonl(out))


def test_an_unwritable_warc_dir_is_one_error_and_exit_2_before_anything_is_fetched(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    res = run(crawl_command("http://127.0.0.1:9", tmp_path / "out.jsonl", blocker / "warc"))
    assert res.returncode == 2
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "NEWSCRAWLER_WARC_DIR" in errors[0]
    assert "Spider opened" not in res.stderr and "Traceback" not in res.stderr


def test_sigkill_mid_crawl_leaves_only_readable_records_and_the_next_crawl_closes_its_file(
    demo_site, tmp_path: Path
) -> None:
    site = demo_site(delay=0.15)
    out, warc = tmp_path / "first.jsonl", tmp_path / "warc"
    command = crawl_command(site.url, out, warc, "-s", "NEWSCRAWLER_WARC_MAX_BYTES=20000")
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(read_jsonl(out)) < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    (left,) = warc.glob("*.open")
    closed = sorted(warc.glob("*.warc.gz"))
    assert closed, "rotation closed files before the kill"
    before = sum(len(responses(path)) for path in closed)  # closed files: whole records only

    rerun = run(crawl_command(site.url, tmp_path / "second.jsonl", warc))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "left open by a crawl that was killed" in rerun.stderr
    # The killed crawl's file too is closed, every record whole. (A page that was not an article is
    # fetched again by the second crawl, so captured twice: once per fetch.)
    pages = captured(warc, once=False)
    assert left.with_name(left.name.removesuffix(".open")).exists()
    assert len(pages) > before
    written = read_jsonl(tmp_path / "second.jsonl")
    assert written and all(article["url"] in pages for article in written)
