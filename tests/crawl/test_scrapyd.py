"""Scheduled jobs on a real scrapyd (from PyPI, in the venv) on 127.0.0.1: deploy, schedule, recur."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).parent.parent.parent
BIN = Path(sys.executable).parent
# scrapyd-deploy builds its egg in the repository (build/, *.egg-info): under pytest-xdist the
# module's tests run one after another on one worker.
pytestmark = pytest.mark.xdist_group("scrapyd")
USER, PASSWORD = "crawler", "s3cret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Scrapyd:
    def __init__(self, home: Path, items_dir: Path | None, env: dict[str, str]) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        for _ in range(5):  # a free port, released for scrapyd to bind: another process may take it first
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            (home / "scrapyd.conf").write_text(
                "[scrapyd]\n"
                "bind_address = 127.0.0.1\n"
                f"http_port = {self.port}\n"
                f"username = {USER}\npassword = {PASSWORD}\n"
                "poll_interval = 0.5\n"
                "max_proc = 2\n"
                f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
                f"items_dir = {items_dir or ''}\n"
                "jobstorage = scrapyd.jobstorage.SqliteJobStorage\n",
                encoding="utf-8",
            )
            self.proc = subprocess.Popen(
                [str(BIN / "scrapyd")],
                cwd=home,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._ready():
                return
        raise RuntimeError("scrapyd found no free port")

    def _ready(self) -> bool:
        """True once it answers; False if it exited first (it could not bind its port)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.api("daemonstatus.json")["status"] == "ok":
                    return True
            except (OSError, urllib.error.URLError):
                if self.proc.poll() is not None:
                    return False
                time.sleep(0.2)
        raise RuntimeError("scrapyd did not start")

    def api(self, endpoint: str, auth: bool = True) -> dict:
        request = urllib.request.Request(f"{self.url}/{endpoint}")
        if auth:
            request.add_header(
                "Authorization", "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            )
        with urllib.request.urlopen(request, timeout=10) as resp:
            return json.loads(resp.read())

    def client_env(self, auth: bool = True) -> dict[str, str]:
        env = {**os.environ, "SCRAPYD_URL": self.url}
        if auth:
            env.update(SCRAPYD_USERNAME=USER, SCRAPYD_PASSWORD=PASSWORD)
        else:
            env.pop("SCRAPYD_USERNAME", None)
            env.pop("SCRAPYD_PASSWORD", None)
        return env

    def deploy(self) -> None:
        res = subprocess.run(
            [str(BIN / "scrapyd-deploy")],
            cwd=REPO,
            env=self.client_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert res.returncode == 0, res.stdout + res.stderr
        assert '"status": "ok"' in res.stdout + res.stderr, res.stdout + res.stderr

    def schedule(self, *args: str, auth: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(REPO / "scripts" / "schedule-crawl"), *args],
            env=self.client_env(auth),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def wait(self, job: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.api("listjobs.json?project=newscrawler")
            if any(j["id"] == job for j in jobs["finished"]):
                return
            time.sleep(0.5)
        raise AssertionError(f"job {job} did not finish")

    def log(self, job: str) -> str:
        return (self.home / "logs" / "newscrawler" / "news" / f"{job}.log").read_text(encoding="utf-8")

    def stop(self) -> None:
        self.proc.terminate()  # by its PID
        self.proc.wait(timeout=30)


@pytest.fixture
def scrapyd_factory(tmp_path: Path) -> Iterator:
    started: list[Scrapyd] = []

    def start(items_dir: Path | None = None, **env: str) -> Scrapyd:
        daemon = Scrapyd(tmp_path / f"scrapyd{len(started)}", items_dir, {**os.environ, **env})
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        if daemon.proc.poll() is None:
            daemon.stop()


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def schedule_ok(daemon: Scrapyd, *args: str) -> str:
    res = daemon.schedule(*args)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def test_scheduled_jobs_share_state_and_write_only_new_articles(
    scrapyd_factory, demo_site, tmp_path: Path
) -> None:
    site = demo_site("sitemap")
    feeds = tmp_path / "items"
    daemon = scrapyd_factory(
        NEWSCRAWLER_STATE_DIR=str(tmp_path / "shared-state"),
        NEWSCRAWLER_FEED_URI=str(feeds / "%(name)s-%(job)s.jsonl"),
    )
    started = time.monotonic()
    daemon.deploy()
    crawl_args = ("-a", f"url={site.url}/", "-d", "setting=AUTOTHROTTLE_ENABLED=False")

    first = schedule_ok(daemon, *crawl_args)
    daemon.wait(first)
    elapsed = time.monotonic() - started
    print(f"\nscrapyd: deploy to first job finished in {elapsed:.1f} s", file=sys.stderr)
    written = lines(feeds / f"news-{first}.jsonl")
    assert len(written) == len([a for a in site.articles() if a["listed"]]) - 1  # one wire copy dropped
    assert "newscrawler summary (finished)" in daemon.log(first)

    second = schedule_ok(daemon, *crawl_args)
    daemon.wait(second)
    assert lines(feeds / f"news-{second}.jsonl") == [], "the state is shared between jobs"

    site.publish(1)
    third = schedule_ok(daemon, *crawl_args)
    daemon.wait(third)
    new = lines(feeds / f"news-{third}.jsonl")
    assert [urlsplit(r["url"]).path for r in new] == [site.articles()[0]["path"]]

    refused = daemon.schedule(*crawl_args, auth=False)
    assert refused.returncode != 0 and "401" in refused.stderr
    bad = daemon.schedule("--spider", "nosuchspider")
    assert bad.returncode != 0 and "refused" in bad.stderr, "scrapyd's HTTP-200 errors are errors too"

    daemon.stop()
    assert daemon.proc.returncode is not None


def test_items_dir_replaces_feeds_and_per_job_settings_work(
    scrapyd_factory, demo_site, tmp_path: Path
) -> None:
    site = demo_site("feed")
    items_dir = tmp_path / "scrapyd-items"
    daemon = scrapyd_factory(items_dir=items_dir)
    daemon.deploy()
    state = tmp_path / "job-state"
    job = schedule_ok(
        daemon, "-a", f"url={site.url}/", "-a", "limit=3",
        "-d", "setting=AUTOTHROTTLE_ENABLED=False", "-d", f"setting=NEWSCRAWLER_STATE_DIR={state}",
    )  # fmt: skip
    daemon.wait(job)
    written = lines(items_dir / "newscrawler" / "news" / f"{job}.jl")
    assert len(written) == 3
    assert all(set(r) >= {"url", "headline", "articleBody"} and None not in r.values() for r in written)
    assert (state / "state.sqlite3").exists(), "the per-job state setting was used"


def test_wait_makes_failed_jobs_loud(scrapyd_factory, demo_site, tmp_path: Path) -> None:
    site = demo_site("feed")
    daemon = scrapyd_factory(
        NEWSCRAWLER_STATE_DIR=str(tmp_path / "state"),
        NEWSCRAWLER_FEED_URI=str(tmp_path / "items" / "%(job)s.jsonl"),
    )
    daemon.deploy()

    bad = daemon.schedule(
        "--wait", "--timeout", "120", "-a", f"url={site.url}/", "-a", "limit=abc", timeout=180
    )
    assert bad.returncode == 2, bad.stdout + bad.stderr
    job = bad.stdout.strip()
    assert job, "the job id is printed before the wait"
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith(
        f"error: job {job}: the crawl refused to start: "
    )
    assert "limit='abc'" in bad.stderr and f"/logs/newscrawler/news/{job}.log" in bad.stderr
    assert daemon.log(job).splitlines()[0] == "error: limit='abc': use a whole number, e.g. limit=20"

    dead = daemon.schedule(
        "--wait", "-a", "url=http://127.0.0.1:9/", "-d", "setting=AUTOTHROTTLE_ENABLED=False", timeout=180
    )
    assert dead.returncode == 1, dead.stdout + dead.stderr
    assert "every request failed" in dead.stderr

    good = daemon.schedule(
        "--wait",
        "-a",
        f"url={site.url}/",
        "-a",
        "limit=2",
        "-d",
        "setting=AUTOTHROTTLE_ENABLED=False",
        timeout=180,
    )
    assert good.returncode == 0, good.stdout + good.stderr
    job, verdict = good.stdout.strip().splitlines()
    assert verdict.startswith(f"job {job} ok: newscrawler summary (finished): 2 articles written")
    assert good.stderr == ""

    late = daemon.schedule("--wait", "--timeout", "0", "-a", f"url={site.url}/", "-a", "limit=1")
    assert late.returncode == 1 and "--timeout" in late.stderr
    assert "it was cancelled" in late.stderr, late.stderr
    job = late.stdout.strip()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # cancelled: not left pending or running
        jobs = daemon.api("listjobs.json?project=newscrawler")
        if not any(j["id"] == job for j in jobs["pending"] + jobs["running"]):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"job {job} was left running after --timeout")
