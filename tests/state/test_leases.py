"""The Leases contract, against SQLite and Redis: an owner's pending claims are its own while it
is alive; a dead owner's are settled by whoever notices (``state/rules.py``)."""

from __future__ import annotations

import json
import time
from pathlib import Path

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
