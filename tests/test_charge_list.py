"""A path's charge list keeps each distinct charge's count as it grows (analyzer/chargelist.py):
what it answers must be what counting the list itself answers, whatever was appended how."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.analyzer.chargelist import ChargeList, mapped, picked, tallied
from flopcast.model import Charge, Span

_CHARGES = [Charge(Span("f.py", i, 0, i, 1), "matmul", 10 * i + 1, "float64", "predict") for i in range(6)]

#: What a run does to its list: append one charge, extend by a slice of what is there (a reused
#: call's charges, or a steady loop's iteration ``times`` over), or extend by a few charges.
_STEPS = st.lists(st.one_of(
    st.tuples(st.just("append"), st.integers(0, 5)),
    st.tuples(st.just("reuse"), st.integers(0, 40), st.integers(0, 40), st.integers(1, 3)),
    st.tuples(st.just("extend"), st.lists(st.integers(0, 5), max_size=4)),
), max_size=25)


def _made(steps) -> tuple[ChargeList, list[int]]:
    """The list the steps make, and every length it had (where a call may have begun or ended)."""
    made = ChargeList()
    lengths = [0]
    for step in steps:
        if step[0] == "append":
            made.append(_CHARGES[step[1]])
        elif step[0] == "reuse":
            lo, hi = sorted((min(step[1], len(made)), min(step[2], len(made))))
            part = made[lo:hi]
            made.extend_counted(part, tallied(part), step[3])
        else:
            made.extend([_CHARGES[i] for i in step[1]])
        lengths.append(len(made))
    return made, lengths


def _counted(charges) -> list[tuple[int, int]]:
    return [(key, n) for key, n in Counter(map(id, charges)).items()]


@given(_STEPS)
@settings(max_examples=200, deadline=None)
def test_the_tally_is_the_lists_own_count_in_order_of_first_occurrence(steps):
    made, _ = _made(steps)
    assert [(id(c), n) for c, n in made.counted()] == _counted(made)
    assert made.total() == sum(c.flops for c in made)


@given(_STEPS, st.data())
@settings(max_examples=200, deadline=None)
def test_the_tally_of_any_range_is_that_ranges_count(steps, data):
    made, _ = _made(steps)
    start = data.draw(st.integers(0, len(made)))
    end = data.draw(st.integers(start, len(made)))
    got = made.tally_between(start, end)
    assert list(got.counts.items()) == _counted(made[start:end])
    assert all(got.objects[key] is c for c in made[start:end] for key in (id(c),))


def test_a_change_other_than_appending_leaves_no_tally_to_trust():
    made = ChargeList(_CHARGES[:3])
    made[0] = _CHARGES[4]
    assert made.counted() is None
    assert made.total() == sum(c.flops for c in made)


@given(_STEPS, st.data())
@settings(max_examples=200, deadline=None)
def test_a_list_mapped_or_picked_part_by_part_is_the_list_mapped_or_picked_charge_by_charge(steps, data):
    made, _ = _made(steps)
    swap = {id(c): Charge(c.span, c.op, c.flops, c.dtype, c.function, False) for c in _CHARGES}
    keys = {id(_CHARGES[i]) for i in data.draw(st.sets(st.integers(0, 5)))}
    assert list(map(id, mapped(made, swap))) == [id(swap[id(c)]) for c in made]
    assert [id(c) for c in picked(made, keys)] == [id(c) for c in made if id(c) in keys]
    made.reverse()  # a list changed other than by appending is walked as a plain list
    assert list(map(id, mapped(made, swap))) == [id(swap[id(c)]) for c in made]
    assert [id(c) for c in picked(made, keys)] == [id(c) for c in made if id(c) in keys]
