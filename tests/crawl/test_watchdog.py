"""A crawl that stalls says so and can still be stopped (issue #19)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO

STALL_LINE = "error: the crawl stalled"
# Seconds without a reactor tick that make a stall. Not 1: on a loaded machine (pytest-xdist
# workers beside other crawls) a crawl starved of CPU for a second after the blocked callback
# returned was reported as a second stall.
STALL = 2


def start_stalled_crawl(url: str, log: Path, sleep: float) -> subprocess.Popen[bytes]:
    with log.open("wb") as err:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "scrapy", "runspider", "tests/spiders/stall.py", "-a", f"url={url}/",
             "-a", f"sleep={sleep}", "-s", f"NEWSCRAWLER_STALL_SECONDS={STALL}", "-s", "NEWSCRAWLER_STOP_GRACE=1",
             "-s", "AUTOTHROTTLE_ENABLED=False"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=err, env=dict(os.environ),
        )  # fmt: skip


def wait_for(path: Path, text: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = path.read_text(errors="replace")
        if text in log:
            return log
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"{text!r} never logged:\n{path.read_text(errors='replace')[-3000:]}")


def test_a_blocked_reactor_is_reported_with_where_it_is_stuck(shared_demo_site, tmp_path) -> None:
    site = shared_demo_site()
    log = tmp_path / "stderr.log"
    proc = start_stalled_crawl(site.url, log, sleep=5)
    text = wait_for(log, STALL_LINE, proc)
    assert "time.sleep" in text.split(STALL_LINE, 1)[1], "the stack shows the stuck callback"
    assert proc.wait(timeout=60) == 0, "once the callback returns, the crawl ends as usual"
    assert "'newscrawler/stalled': 1" in log.read_text(), "counted once for one stall"


def test_sigterm_stops_a_stalled_crawl(shared_demo_site, tmp_path) -> None:
    site = shared_demo_site()
    log = tmp_path / "stderr.log"
    proc = start_stalled_crawl(site.url, log, sleep=300)
    wait_for(log, STALL_LINE, proc)
    proc.send_signal(signal.SIGTERM)
    try:
        status = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("SIGTERM did not stop the stalled crawl") from None
    assert status == 7
    # (the multiprocessing resource tracker of the killed extraction pool may still print after it)
    last = [line for line in log.read_text().splitlines() if line.startswith("error: ")][-1]
    assert last.startswith("error: exit status 7: the crawl stalled"), last
