"""The rules both stores follow (``newscrawler.state.rules``), as functions."""

from __future__ import annotations

import os
import socket

from newscrawler.state.rules import claim_revision, host_and_pid, new_owner, owner_alive


def test_owner_names_are_read_in_both_forms() -> None:
    assert host_and_pid("web-1:4242:0badcafe") == ("web-1", 4242)
    assert host_and_pid("web-1:4242") == ("web-1", 4242), "a state written before host:pid:random"
    assert host_and_pid("worker-a") is None and host_and_pid("a:b:c") is None
    assert host_and_pid(new_owner()) == (socket.gethostname(), os.getpid())


def test_an_owner_is_alive_while_its_lease_runs_and_its_own_always() -> None:
    me = new_owner()
    assert owner_alive(me, me, lease_running=False)
    assert owner_alive("elsewhere:1:00000000", me, lease_running=True)
    assert not owner_alive("elsewhere:1:00000000", me, lease_running=False)
    assert owner_alive(new_owner(), me, lease_running=True), "this process runs"


def never() -> bool:
    raise AssertionError("asked only when no article is under the keys")


def test_the_claim_rule() -> None:
    assert claim_revision(False, [], 0, lambda: False) == 1, "a new article"
    assert claim_revision(False, [], 0, lambda: True) is None, "its text is claimed already"
    assert claim_revision(True, [1], 1, never) is None, "held by a live owner"
    assert claim_revision(False, [2, 1], 1, never) is None, "written since the caller looked"
    assert claim_revision(False, [2, 1], 2, never) == 3, "an update of what the caller saw"
