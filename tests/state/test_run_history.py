"""The RunHistory contract, against SQLite and Redis (the monitors' run history)."""

from __future__ import annotations

from tests.state.contract import Opener


def test_runs_are_recorded_per_site_newest_first_and_forgotten_on_reset(open_store: Opener) -> None:
    a, b = open_store(owner="host-a:1"), open_store(owner="host-b:2")
    assert a.recent_runs("site", 5) == []
    for day in (1, 2, 3):
        a.record_run("site", f"2024-05-0{day}T10:00:00+00:00", {"written": day, "dropped": {"too_short": 1}})
    b.record_run("other", "2024-05-04T10:00:00+00:00", {"written": 9})
    runs = b.recent_runs("site", 2)
    assert [r["written"] for r in runs] == [3, 2], "the newest first, n at most"
    assert runs[0]["dropped"] == {"too_short": 1}
    assert runs[0]["finished"].startswith("2024-05-03T10:00:00")
    assert [r["written"] for r in a.recent_runs("other", 5)] == [9]
    a.reset()
    assert a.recent_runs("site", 5) == []


def test_only_the_last_runs_of_a_site_are_kept(open_store: Opener) -> None:
    from newscrawler.state import RUNS_KEPT

    a = open_store(owner="host-a:1")
    for i in range(RUNS_KEPT + 5):
        a.record_run("site", f"2024-05-01T10:{i // 60:02d}:{i % 60:02d}+00:00", {"n": i})
    runs = a.recent_runs("site", RUNS_KEPT + 10)
    assert len(runs) == RUNS_KEPT and runs[0]["n"] == RUNS_KEPT + 4
