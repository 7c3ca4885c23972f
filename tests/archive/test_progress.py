"""FileProgress: the offset a killed run resumes at covers only records whose outcome is final."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newscrawler.archive.progress import HELD, FileProgress


def test_the_committed_offset_waits_for_the_records_before_it() -> None:
    p = FileProgress("a.warc.gz")
    first, second, third = p.add(0), p.add(351), p.add(704)
    p.settle(third)
    p.settle(second)
    assert p.committed is None, "the first record is not settled: a rerun starts at the beginning"
    p.settle(first)
    assert p.committed == 704
    p.end()
    assert p.done


def test_a_held_record_stops_the_file_for_this_run() -> None:
    p = FileProgress("a.warc.gz", committed=0)
    a, b = p.add(351), p.add(704)
    p.settle(a, final=False)  # its article was lost to the output: the next run writes it
    p.settle(b)
    p.add(1057, state=HELD)
    p.end()
    assert p.committed == 0 and not p.done


def test_offsets_that_are_no_boundary_are_never_committed() -> None:
    p = FileProgress("a.warc.gz")
    p.settle(p.add(0))
    p.settle(p.add(1, boundary=False))  # a corrupt stretch, counted once
    assert p.committed == 0


@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=40), st.randoms(use_true_random=False))
def test_settling_in_any_order_ends_and_balances(outcomes: list[tuple[bool, bool]], rnd: object) -> None:
    """Whatever the order records are settled in, each is settled once, and the committed offset is
    the last record of the longest prefix of final ones."""
    p = FileProgress("f")
    tokens = [p.add(i * 10) for i in range(len(outcomes))]
    order = list(range(len(outcomes)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    for i in order:
        p.settle(tokens[i], final=outcomes[i][0])
        p.settle(tokens[i], final=True)  # a second report changes nothing
    p.end()
    prefix = 0
    while prefix < len(outcomes) and outcomes[prefix][0]:
        prefix += 1
    assert p.committed == ((prefix - 1) * 10 if prefix else None)
    assert p.pending == 0
    assert p.done == all(final for final, _ in outcomes)
