"""An article counts as written only once its line is safely stored (issue #9 §1).

Each case breaks the output or the state on purpose, with the real `scrapy crawl` command
against the sample site, and checks what a user sees: the exit status, the summary, and
that the next run writes what this one could not.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

REPO = Path(__file__).parent.parent.parent
LIMIT = "6"


def crawl(site_url: str, *args: str, state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site_url}/", "-a", f"limit={LIMIT}",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWLER_STATE_DIR={state}", *args],
        capture_output=True, text=True, cwd=REPO, timeout=300, env={**os.environ, "NEWSCRAWLER_FEED_URI": ""},
    )  # fmt: skip


def closed_port_url() -> str:
    """A 127.0.0.1 address with nothing listening: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def next_run_writes_all(site_url: str, state: Path, out: Path) -> None:
    """With the output working again, the next run on the same state writes every article."""
    again = crawl(site_url, "-O", str(out), state=state)
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(urls(out)) == int(LIMIT), "the next run writes every article the failed one lost"


def summary(res: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in res.stderr.splitlines() if "newscrawler summary" in line]
    assert len(lines) == 1, res.stderr[-3000:]
    return lines[0]


def urls(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [json.loads(line)["url"] for line in text.splitlines() if line.endswith("}")]


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[object]:
    """Mount a small tmpfs (root only; skipped where mounting is not allowed)."""
    mounted: list[Path] = []

    def make(name: str, options: str) -> Path:
        where = tmp_path / name
        where.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(where)
        return where

    yield make
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_output_to_a_full_device_loses_nothing(shared_demo_site, tmp_path: Path) -> None:
    site = shared_demo_site()
    state = tmp_path / "state"
    res = crawl(site.url, "-O", "/dev/full:jsonl", state=state)
    assert res.returncode == 3, res.stderr[-2000:]
    line = summary(res)
    assert "0 articles written" in line and f"{LIMIT} lost to output" in line
    assert res.stderr.strip().splitlines()[-1].startswith("error: exit status 3: ")
    assert "error: output failed" in res.stderr
    next_run_writes_all(site.url, state, tmp_path / "out.jsonl")


def test_a_filesystem_filling_up_midway_keeps_whole_lines_and_loses_nothing(
    shared_demo_site, tmp_path: Path, mount
) -> None:  # type: ignore[no-untyped-def]
    site = shared_demo_site()
    state = tmp_path / "state"
    small = mount("small", "size=12k")
    (small / "filler").write_bytes(b"x" * 8 * 1024)  # leaves room for a line or two
    first = small / "out.jsonl"
    res = crawl(site.url, "-o", str(first), state=state)
    assert res.returncode == 3, res.stderr[-2000:]
    kept = urls(first)
    assert len(kept) < int(LIMIT)
    assert f"{len(kept)} articles written" in summary(res), "written counts only what is stored"
    second = tmp_path / "second.jsonl"
    again = crawl(site.url, "-a", "limit=1000", "-o", str(second), state=state)
    assert again.returncode == 0, again.stderr[-2000:]
    rest = urls(second)
    assert not set(rest) & set(kept), "nothing written twice"
    reference = tmp_path / "reference.jsonl"
    crawl(site.url, "-a", "limit=1000", "-o", str(reference), state=tmp_path / "other-state")
    # The same count (which copy of the sample site's wire story wins is a race in either crawl).
    assert len(set(kept) | set(rest)) == len(urls(reference)), "nothing lost"


def test_a_read_only_output_folder_is_loud_and_loses_nothing(shared_demo_site, tmp_path: Path, mount) -> None:  # type: ignore[no-untyped-def]
    site = shared_demo_site()
    state = tmp_path / "state"
    ro = mount("ro", "ro,size=64k")
    res = crawl(site.url, "-O", str(ro / "out.jsonl"), state=state)
    assert res.returncode == 3 and "0 articles written" in summary(res)
    next_run_writes_all(site.url, state, tmp_path / "out.jsonl")


def test_an_upload_that_fails_at_the_end_loses_nothing(shared_demo_site, tmp_path: Path) -> None:
    site = shared_demo_site()
    state = tmp_path / "state"
    res = crawl(site.url, "-o", f"ftp://user:pw@{closed_port_url()}/out.jsonl", state=state)  # refused
    assert res.returncode == 3, res.stderr[-2000:]
    assert "0 articles written" in summary(res) and f"{LIMIT} lost to output" in summary(res)
    next_run_writes_all(site.url, state, tmp_path / "out.jsonl")


def test_a_truncated_state_is_an_error_and_fresh_keeps_it_aside(shared_demo_site, tmp_path: Path) -> None:
    site = shared_demo_site()
    state = tmp_path / "state"
    state.mkdir()
    (state / "state.sqlite3").write_bytes(b"")
    res = crawl(site.url, "-O", str(tmp_path / "a.jsonl"), state=state)
    assert res.returncode == 2
    assert [e for e in res.stderr.splitlines() if e.startswith("error:")] == [
        f"error: the state file {state / 'state.sqlite3'} is empty (0 bytes): it was truncated and what it "
        "knew is gone; move it away or run with -a fresh=1 (it is kept aside)"
    ]
    again = crawl(site.url, "-a", "fresh=1", "-O", str(tmp_path / "b.jsonl"), state=state)
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(urls(tmp_path / "b.jsonl")) == int(LIMIT)
    assert [p.name for p in state.glob("state.sqlite3.broken-*")], "the bad file is kept"


def test_a_read_only_state_folder_says_so(shared_demo_site, tmp_path: Path, mount) -> None:  # type: ignore[no-untyped-def]
    site = shared_demo_site()
    ro = mount("ro-state", "ro,size=64k")
    res = crawl(site.url, "-O", str(tmp_path / "a.jsonl"), state=ro)
    assert res.returncode == 2
    errors = [e for e in res.stderr.splitlines() if e.startswith("error:")]
    assert len(errors) == 1 and "is read-only" in errors[0] and "corrupt" not in errors[0]


def test_a_crawl_where_no_site_answers_is_a_failure(tmp_path: Path) -> None:
    res = crawl(f"http://{closed_port_url()}", "-O", str(tmp_path / "a.jsonl"), state=tmp_path / "state")
    assert res.returncode == 5, res.stderr[-2000:]
    assert "no site answered" in summary(res)
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("error: exit status 5: no site answered"), "loud to the last line, after the stats"


@deferred_f_from_coro_f
async def test_the_state_failing_mid_crawl_is_counted_and_exits_4(shared_demo_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from newscrawler.state.sqlite import SQLiteState
    from newscrawler.stats import EXIT_STATE_FAILED, exit_status
    from tests.conftest import crawl as crawl_in_process

    def broken(*_: object, **__: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SQLiteState, "claim", broken)
    site = shared_demo_site()
    items, stats = await crawl_in_process(url=site.url + "/", limit="3")
    assert items == []
    assert stats["newscrawler/dropped/state_error"] == 3
    assert exit_status(stats) == EXIT_STATE_FAILED


def test_json_output_leaves_empty_fields_out_and_nothing_new_leaves_no_file(
    shared_demo_site, tmp_path: Path
) -> None:
    site = shared_demo_site()
    state = tmp_path / "state"
    out = tmp_path / "a.json"
    assert crawl(site.url, "-O", str(out), state=state).returncode == 0
    records = json.loads(out.read_text(encoding="utf-8"))
    assert len(records) == int(LIMIT)
    assert all(None not in r.values() and "" not in r.values() and [] not in r.values() for r in records)
    empty = tmp_path / "b.jsonl"
    nothing_new = crawl(site.url, "-a", "limit=1000", "-O", str(empty), state=state)
    rerun = crawl(site.url, "-O", str(tmp_path / "c.jsonl"), state=state)
    assert nothing_new.returncode == 0 and rerun.returncode == 0
    assert not (tmp_path / "c.jsonl").exists(), "a run that writes nothing leaves no empty file"


def test_appending_to_a_json_array_is_refused_with_one_line(tmp_path: Path) -> None:
    """-o x.json after a killed crawl left `[{…},` behind would add a second array no reader loads."""
    for text in ('[\n{"url": "https://a.example/1"},\n', '[\n{"url": "https://a.example/1"}\n]'):
        out = tmp_path / "x.json"
        out.write_text(text)
        res = crawl(f"http://{closed_port_url()}", "-o", str(out), state=tmp_path / "state")
        assert res.returncode == 2
        assert res.stderr.strip().splitlines() == [res.stderr.strip()], "one line"
        assert res.stderr.startswith("error: -o ") and "-O" in res.stderr and "JSON lines" in res.stderr
        assert out.read_text() == text, "the file is left as it was"
    res = crawl(f"http://{closed_port_url()}", "-O", str(out), state=tmp_path / "state")
    assert res.returncode == 5, "-O overwrites: allowed (nothing answered here)"
