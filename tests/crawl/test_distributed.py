"""Distributed crawls: workers (`scrapy crawl news` with REDIS_URL) share one crawl through a
real redis-server on 127.0.0.1, crawling the sample site."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

# Timing matters here (leases of a few seconds, workers killed mid-crawl): under pytest-xdist the
# module's tests run one after another on one worker.
pytestmark = pytest.mark.xdist_group("distributed")

LEASE = 4  # seconds: a killed worker's work is taken over this soon


_started: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _stop_workers() -> Any:
    """No worker outlives its test, whatever the test asserted."""
    yield
    while _started:
        proc = _started.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def env_for(redis_url: str) -> dict[str, str]:
    return {**os.environ, "REDIS_URL": redis_url}


def push(redis_url: str, *sites: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "push", *sites],
        cwd=REPO, env=env_for(redis_url), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def worker(redis_url: str, out: Path, *extra: str) -> subprocess.Popen[str]:
    log = out.with_suffix(".log")
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-o", f"{out}:jsonlines",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWLER_WORKER_WAIT=2",
         # Two requests at a time each, so that one worker does not take the whole (one-site) queue.
         "-s", "CONCURRENT_REQUESTS=2",
         "-s", f"NEWSCRAWLER_LEASE_SECONDS={LEASE}", "-s", f"LOG_FILE={log}", *extra],
        cwd=REPO, env=env_for(redis_url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    _started.append(proc)
    return proc


def lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_workers(redis_url: str, outs: list[Path]) -> list[int]:
    procs = [worker(redis_url, out) for out in outs]
    return [p.wait(timeout=240) for p in procs]


def written(outs: list[Path]) -> collections.Counter[str]:
    return collections.Counter(row["url"] for out in outs for row in lines(out))


def test_three_workers_write_every_article_once_and_a_second_round_writes_nothing(
    redis_server, demo_site, tmp_path: Path
) -> None:
    redis, site = redis_server(), demo_site(delay=0.3)
    pushed = push(redis.url, site.url + "/")
    assert pushed.returncode == 0 and "pushed 1 new" in pushed.stdout, pushed.stderr
    first = [tmp_path / f"first-{i}.jsonl" for i in range(3)]
    assert run_workers(redis.url, first) == [0, 0, 0]
    urls = written(first)
    assert max(urls.values()) == 1, "nothing written twice"
    assert len(urls) == len(site.articles()) - 1, "every article (the one copy aside) written"
    assert sum(1 for out in first if lines(out)) >= 2, "the work was shared"
    assert "Distributed worker" in first[0].with_suffix(".log").read_text(encoding="utf-8")
    assert "ScrapyDeprecationWarning" not in first[0].with_suffix(".log").read_text(encoding="utf-8")

    assert push(redis.url, site.url + "/").returncode == 0
    second = [tmp_path / f"second-{i}.jsonl" for i in range(3)]
    assert run_workers(redis.url, second) == [0, 0, 0]
    assert written(second) == {}, "a later round writes nothing already written"
    hits = site.requests()
    assert hits.get("/robots.txt", 0) >= 2, "the second round discovered the site again"


def test_a_killed_workers_leased_articles_are_written_once_by_another(
    redis_server, demo_site, tmp_path: Path
) -> None:
    redis, site = redis_server(), demo_site(delay=0.3)
    assert push(redis.url, site.url + "/").returncode == 0
    outs = [tmp_path / f"w{i}.jsonl" for i in range(3)]
    procs = [worker(redis.url, out) for out in outs]
    deadline = time.monotonic() + 120
    client = redis.client()

    def leased(pid: int) -> bool:  # requests taken and not finished: there is work to take over
        return any(client.hlen(k) for k in client.scan_iter(f"news:inflight:*:{pid}:*"))

    busy = None  # the first worker with 3 articles written and requests leased: midway in its share
    while busy is None and time.monotonic() < deadline:
        busy = next(
            (
                i
                for i, out in enumerate(outs)
                if len(lines(out)) >= 3 and procs[i].poll() is None and leased(procs[i].pid)
            ),
            None,
        )
        time.sleep(0.05)
    assert busy is not None, "no worker could be killed midway"
    os.kill(procs[busy].pid, signal.SIGKILL)
    procs[busy].wait()
    had_leases = leased(procs[busy].pid)  # frozen now: what it held when it died
    others = [i for i in range(3) if i != busy]
    assert [procs[i].wait(timeout=240) for i in others] == [0, 0]
    urls = written(outs)
    assert max(urls.values()) == 1, "nothing written twice"
    assert len(urls) == len(site.articles()) - 1, "nothing lost"
    logs = "".join(outs[i].with_suffix(".log").read_text(encoding="utf-8") for i in others)
    if had_leases:  # it may have finished what it held in the instant before the kill
        assert "stopped renewing its lease" in logs, "its leased requests were taken over"


def test_a_redis_restart_mid_crawl_is_ridden_out_and_nothing_is_written_twice(
    redis_server, demo_site, tmp_path: Path
) -> None:
    redis, site = redis_server(persistent=True), demo_site(delay=0.2)
    assert push(redis.url, site.url + "/").returncode == 0
    outs = [tmp_path / f"w{i}.jsonl" for i in range(2)]
    procs = [worker(redis.url, out) for out in outs]
    deadline = time.monotonic() + 120
    while sum(len(lines(o)) for o in outs) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    redis.stop()  # SIGTERM: the append-only file has every acknowledged write
    time.sleep(2)
    redis.start()
    codes = [p.wait(timeout=240) for p in procs]
    logs = [o.with_suffix(".log").read_text(encoding="utf-8") for o in outs]
    for code, log in zip(codes, logs, strict=True):
        # Either the worker reconnected, or it failed loudly: an error line and exit status 4.
        assert code == 0 or (code == 4 and "error: " in log), (code, log[-3000:])
    urls = written(outs)
    assert max(urls.values()) == 1, "nothing written twice"

    # What a failed worker left is written by the next run, still once.
    assert push(redis.url, site.url + "/").returncode == 0
    again = [tmp_path / "again.jsonl"]
    assert run_workers(redis.url, again) == [0]
    urls = written(outs + again)
    assert max(urls.values()) == 1 and len(urls) == len(site.articles()) - 1


def test_push_checks_its_arguments(redis_server) -> None:
    redis = redis_server()
    typo = push(redis.url, "dwan")
    assert typo.returncode == 2 and typo.stderr.startswith("error: unknown site 'dwan'")
    no_redis = subprocess.run(
        [sys.executable, "-m", "scrapy", "push", "dawn"],
        cwd=REPO, env={k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert no_redis.returncode == 2 and "REDIS_URL" in no_redis.stderr
    assert push(redis.url, "dawn", "https://news.example/").returncode == 0
    entries = {json.loads(e) for e in []} or {e.decode() for e in redis.client().smembers("news:start_urls")}
    assert len(entries) == 2


def test_a_stopped_crawl_resumes_where_it_was(redis_server, demo_site, tmp_path: Path) -> None:
    # Slow pages: the stop must land mid-crawl however late a busy machine lets this test see
    # the fourth line (at 0.3 s a page, a loaded run saw it as the worker wrote its last).
    redis, site = redis_server(), demo_site(delay=0.8)
    assert push(redis.url, site.url + "/").returncode == 0
    first, resumed = tmp_path / "first.jsonl", tmp_path / "resumed.jsonl"
    proc = worker(redis.url, first)
    deadline = time.monotonic() + 120
    while len(lines(first)) < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy stops cleanly
    assert proc.wait(timeout=120) == 0
    assert redis.client().zcard("news:requests") > 0, "the rest of the crawl waits in the queue"
    assert run_workers(redis.url, [resumed]) == [0]
    urls = written([first, resumed])
    assert max(urls.values()) == 1 and len(urls) == len(site.articles()) - 1
    assert site.requests().get("/", 0) == 1, "resumed, not started again: the home page was read once"


def test_fresh_empties_the_shared_crawl_but_never_under_running_workers(redis_server) -> None:
    redis = redis_server()
    client = redis.client()
    client.sadd("news:workers", "elsewhere:1:abc")
    client.set("news:worker:elsewhere:1:abc", b"1", ex=60)  # a live worker on another machine
    client.zadd("news:requests", {b"queued": 0})
    res = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "url=http://127.0.0.1:9/", "-a", "fresh=1"],
        cwd=REPO, env=env_for(redis.url), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr.splitlines()[-1].startswith("error: fresh=1: 1 worker(s) still running")
    assert client.zcard("news:requests") == 1, "nothing was emptied"

    from newscrawler.distributed import reset_crawl

    client.delete("news:worker:elsewhere:1:abc")  # that worker is gone
    reset_crawl(redis.url)
    assert client.zcard("news:requests") == 0 and not client.smembers("news:workers")


def test_a_worker_whose_redis_dies_exits_4_and_says_so(redis_server, demo_site, tmp_path: Path) -> None:
    redis, site = redis_server(), demo_site(delay=0.3)
    assert push(redis.url, site.url + "/").returncode == 0
    out = tmp_path / "w.jsonl"
    proc = worker(redis.url, out, "-s", "NEWSCRAWLER_STOP_GRACE=2")
    deadline = time.monotonic() + 120
    while len(lines(out)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "killed midway"
    redis.proc.kill()  # SIGKILL: gone, with everything it held
    killed = time.monotonic()
    assert proc.wait(timeout=180) == 4
    log = out.with_suffix(".log").read_text(encoding="utf-8")
    assert "error: Redis failed" in log or "error: the crawl state failed" in log, log[-2000:]
    assert log.strip().splitlines()[-1].startswith("error: exit status 4: "), "loud to the last line"
    print(f"exited {time.monotonic() - killed:.0f} s after Redis died")


def test_a_redis_restarted_empty_is_an_error_not_a_new_state(redis_server, demo_site, tmp_path: Path) -> None:
    redis, site = redis_server(), demo_site()
    first = tmp_path / "first.jsonl"
    assert push(redis.url, site.url + "/").returncode == 0
    assert run_workers(redis.url, [first]) == [0]
    assert lines(first)
    redis.client().flushall()  # what a restart without persistence leaves
    assert push(redis.url, site.url + "/").returncode == 0
    again = tmp_path / "again.jsonl"
    assert run_workers(redis.url, [again]) == [2]
    log = again.with_suffix(".log").read_text(encoding="utf-8")
    assert "lost its marker" in log and "fresh=1" in log, log[-2000:]
    assert lines(again) == [], "nothing written again"
