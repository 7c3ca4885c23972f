"""What only the SQLite store does (state/sqlite.py): a crawl's owner is its host and pid, so the
claims of a crawl that died are released when the next one opens the state."""

from __future__ import annotations

from pathlib import Path

from newscrawler.state.sqlite import SQLiteState
from newscrawler.text import signature


def test_state_claims_are_exclusive_until_confirmed_and_dead_claims_are_released(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    a, b = SQLiteState(path), SQLiteState(path)
    b.owner = "otherhost:1"  # another crawl, still running
    sig = signature("one two three four five six seven eight nine ten")
    assert a.claim(["k"], "https://x/k", 1, sig, None, "2024-01-01T00:00:00+00:00") == 1
    assert b.claim(["k"], "https://x/k", 1, sig, None, "2024-01-01T00:00:00+00:00") is None
    a.confirm(["k"])
    assert b.claim(["k"], "https://x/k", 2, sig, None, "2024-01-02T00:00:00+00:00", known=1) == 2, (
        "a revision"
    )
    dead = SQLiteState(path)
    dead.owner = f"{dead.owner.split(':')[0]}:999999"  # a crawl that died (no such pid)
    dead.claim(["z"], "https://x/z", 3, sig, None, "2024-01-01T00:00:00+00:00")
    assert SQLiteState(path).lookup("z") is None, "a dead crawl's pending claim is released on open"
