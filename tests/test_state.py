"""Which crawl state a crawl opens (newscrawler/state/__init__.py: open_state): the one
NEWSCRAWLER_STATE_URL names, else Redis for a distributed crawl, else the SQLite file in the state
folder; fresh=1 empties a usable state and moves an unusable one aside, never silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawler.state import STATE_FILE, StateError, open_state, state_location
from newscrawler.state.sqlite import SQLiteState
from newscrawler.text import hash64, signature

SIG = signature("one two three four five six seven eight nine ten")


def test_the_location_is_the_setting_then_the_environment_then_redis_then_the_state_folder(
    private_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert state_location(Settings()) == str(private_state / STATE_FILE)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/0")
    assert state_location(Settings()) == "redis://127.0.0.1:6390/0", "a distributed crawl"
    monkeypatch.setenv("NEWSCRAWLER_STATE_URL", "/srv/env.sqlite3")
    assert state_location(Settings()) == "/srv/env.sqlite3"
    assert state_location(Settings({"NEWSCRAWLER_STATE_URL": "sqlite:///srv/s.sqlite3"})) == (
        "sqlite:///srv/s.sqlite3"
    )


@pytest.mark.parametrize("form", ["{path}", "sqlite://{path}"])
def test_a_path_or_an_sqlite_url_opens_that_file(tmp_path: Path, form: str) -> None:
    path = tmp_path / "elsewhere" / "mine.sqlite3"
    store = open_state(Settings({"NEWSCRAWLER_STATE_URL": form.format(path=path)}))
    try:
        assert isinstance(store, SQLiteState) and store.path == path and path.is_file()
    finally:
        store.close()


def test_an_unknown_scheme_is_one_clear_error_without_its_password() -> None:
    with pytest.raises(StateError) as err:
        open_state(Settings({"NEWSCRAWLER_STATE_URL": "ftp://user:hunter2@host/state"}))
    assert "ftp://user:***@host/state" in str(err.value) and "hunter2" not in str(err.value)
    assert "sqlite:///" in str(err.value) and "redis://" in str(err.value), "it says what to write"


def test_fresh_empties_a_usable_state(private_state: Path) -> None:
    store = open_state(Settings())
    store.claim(["k"], "https://a.example/k", hash64("k"), SIG, None, "2026-11-28T12:00:00+00:00")
    store.confirm(["k"])
    store.close()
    again = open_state(Settings())
    assert again.lookup("k") is not None
    again.close()
    fresh = open_state(Settings(), fresh=True)
    try:
        assert fresh.lookup("k") is None
    finally:
        fresh.close()


def test_an_unusable_state_is_an_error_and_fresh_moves_it_aside(private_state: Path) -> None:
    private_state.mkdir(parents=True)
    broken = private_state / STATE_FILE
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)  # a damaged database
    with pytest.raises(StateError):
        open_state(Settings())
    store = open_state(Settings(), fresh=True)
    try:
        assert store.lookup("k") is None, "a new, working state in its place"
    finally:
        store.close()
    kept = [p for p in private_state.iterdir() if p.name.startswith(f"{STATE_FILE}.broken-")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"SQLite format 3"), "kept, not deleted"
