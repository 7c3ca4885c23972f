"""The Leases contract, against SQLite and Redis: an owner's pending claims are its own while it
is alive; a dead owner's are settled by whoever notices (``state/rules.py``)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.state.contract import OTHER, Opener, claim


def test_a_dead_workers_lease_expires_and_its_claims_go_to_another(open_store: Opener) -> None:
    dead = open_store(owner="host-dead:3", lease_seconds=1)
    claim(dead, "k")
    alive = open_store(owner="host-b:2")
    assert claim(alive, "k") is None, "the lease still runs"
    time.sleep(2.2)  # the dead worker never renews
    assert "host-dead:3" in alive.release_expired()
    assert alive.lookup("k") is None, "its pending claim is gone, so the article is fetched again"
    assert claim(alive, "k") == 1


def test_a_dead_crawls_claim_whose_line_is_in_its_output_stays_written(
    open_store: Opener, tmp_path: Path
) -> None:
    """Killed after storing a line and before confirming its claim: the line is at the end of the
    crawl's output, so the claim is confirmed (not written again); one with no line is released."""
    dead = open_store(owner="host-dead:3", lease_seconds=1)
    out = tmp_path / "out.jsonl"
    dead.record_outputs([str(out)])
    claim(dead, "written")
    claim(dead, "never-stored", OTHER, fp=2)
    out.write_text(
        json.dumps({"url": "https://news.example/written", "headline": "Ö"}, ensure_ascii=False) + "\n"
    )
    alive = open_store(owner="host-b:2")
    time.sleep(2.2)  # the dead crawl never renews
    assert "host-dead:3" in alive.release_expired()
    seen = alive.lookup("written")
    assert seen is not None and seen.url == "https://news.example/written"
    assert claim(alive, "written") is None, "not written again"
    assert alive.lookup("never-stored") is None and claim(alive, "never-stored", OTHER, fp=2) == 1


def test_a_renewed_lease_keeps_its_claims(open_store: Opener) -> None:
    slow = open_store(owner="host-slow:4", lease_seconds=1)
    claim(slow, "k")
    other = open_store(owner="host-b:2")
    for _ in range(4):
        time.sleep(0.5)
        slow.renew()
    assert other.release_expired() == []
    assert claim(other, "k") is None


@pytest.fixture
def dead_pid() -> int:
    """The pid of a process of this host that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_every_store_names_its_owner_host_pid_random(open_store: Opener) -> None:
    a, b = open_store(), open_store()
    assert re.fullmatch(rf"{re.escape(socket.gethostname())}:{os.getpid()}:[0-9a-f]{{8}}", a.owner)
    assert a.owner != b.owner, "two crawls in one process are two owners"


def test_an_owner_of_this_host_whose_process_runs_keeps_its_claims_while_its_lease_runs(
    open_store: Opener,
) -> None:
    here = open_store()  # this process: alive
    claim(here, "k")
    other = open_store(owner="host-b:2")
    assert claim(other, "k", known=1) is None, "held by a live owner (not only a stale lookup)"
    assert other.release_expired() == []
    assert claim(other, "k", known=1) is None


@pytest.mark.parametrize("form", ["host:pid:random", "host:pid"])
def test_an_owner_of_this_host_whose_process_is_gone_is_dead_though_its_lease_runs(
    open_store: Opener, dead_pid: int, form: str
) -> None:
    """Its lease would run for two more minutes; its process is gone, so its claims are not its
    own any more: taken over by a claim, settled by release_expired (``host:pid``: older states)."""
    owner = f"{socket.gethostname()}:{dead_pid}" + (":0badcafe" if form == "host:pid:random" else "")
    alive = open_store(owner="host-b:2")
    dead = open_store(owner=owner, lease_seconds=120)
    claim(dead, "k")
    claim(dead, "j", OTHER, fp=2)
    assert claim(alive, "k", known=1) == 2, "taken over at once, as a dead owner's claim"
    assert owner in alive.release_expired()
    assert alive.lookup("j") is None and claim(alive, "j", OTHER, fp=2) == 1
    assert alive.release_expired() == []
