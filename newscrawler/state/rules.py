"""Who owns a claim, when its owner is alive, and when a claim is granted: the rules both stores
follow, written here and nowhere else. Both stores call these functions; Redis's claim applies
the claim rule inside its Lua script too (``state/redis_scripts.py``: one atomic script, whose
comments name each rule it applies).

**Owner.** A crawl, or one worker of a distributed crawl, is one *owner*, named
``host:pid:random`` (``new_owner``): the host name and process id say where it runs, the random
part tells apart two owners that got the same pid (a restarted container, two crawls in one
process). States written before this rule may hold ``host:pid`` owners (SQLite did); they are
read the same way (``host_and_pid``).

**Alive.** An owner is alive (``owner_alive``) while its lease runs, except that an owner of
this host whose process is gone is dead at once (``pid_dead_here``), lease or not: a crawl
killed on this machine does not hold its claims for the rest of its lease. Each crawl renews its
lease every quarter of NEWSCRAWLER_LEASE_SECONDS (``Leases.renew``); one that stops renewing (on
another host, or hung) is dead once the lease expires. The process check trusts the host name:
machines sharing one state must have distinct host names (containers given one ``--hostname``
on several machines must not share a state). An owner's own claims are always its own. SQLite
only: an owner with no lease row at all is alive (its claims predate leases).

**Claim** (``claim_revision``). ``claim(keys, url, fingerprint, ..., known)`` records an article
as being written by its owner. ``known`` is the highest revision the caller's lookup of those
keys saw (0: none). The claim is refused (None) when

1. one of its keys belongs to another owner's pending claim and that owner is alive;
2. an article under its keys has a revision above ``known``: another crawl wrote it since the
   caller looked;
3. none of its keys is known and its text (fingerprint) is already claimed under other keys.

Otherwise it is granted: its revision is the highest under its keys plus one (1 for a new
article, n + 1 for an update of what the caller saw), and it replaces every article under its
keys (a dead owner's pending claim included), with all their keys and index entries.

**Pending, then confirmed.** A granted claim is *pending*, held by its owner, until the owner
confirms it (``confirm``: its line is safely stored in the output) and it becomes permanent; the
owner releases it (``release``) if the article is dropped after all or its output failed, and
releases what it still holds pending when the crawl ends (``release_pending``). Only the owner
confirms or releases its pending claims. A dead owner's pending claims are settled by whoever
notices (``release_expired``: every crawl when it opens the state; distributed workers when
another's heartbeat is gone): a claim whose URL has a line at the end of one of the dead owner's
local output files (``record_outputs``; ``newscrawler.outputs_scan.written_to``) is confirmed,
written and not lost; the others are released, so their articles are fetched and written again.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable


def new_owner() -> str:
    """host:pid and a random part: a restarted container may reuse a pid, never the random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def host_and_pid(owner: str) -> tuple[str, int] | None:
    """(host, pid) of ``host:pid:random`` or of an older ``host:pid``; None for other names."""
    parts = owner.split(":")
    if len(parts) in (2, 3) and parts[1].isdigit():
        return parts[0], int(parts[1])
    return None


def pid_dead_here(owner: str) -> bool:
    """The owner ran on this host and its process is gone."""
    where = host_and_pid(owner)
    return where is not None and where[0] == socket.gethostname() and not pid_alive(where[1])


def owner_alive(owner: str, me: str, lease_running: bool) -> bool:
    """Whether ``owner``'s pending claims are still its own, for the store's owner ``me``."""
    if owner == me:
        return True
    if pid_dead_here(owner):
        return False
    return lease_running


def claim_revision(
    held_by_live_other: bool, revisions: list[int], known: int, text_claimed: Callable[[], bool]
) -> int | None:
    """The revision a claim gets, or None when it is refused (the claim rule above).

    ``revisions``: those of the articles under the claim's keys; ``text_claimed``: whether its
    fingerprint is claimed already (asked only when no article is under its keys).
    """
    if held_by_live_other:
        return None
    current = max(revisions, default=0)
    if current > known:
        return None
    if not revisions and text_claimed():
        return None
    return current + 1


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
