"""Shortcuts that skip per-item work must give what the item-by-item path gives (speedM,
session 18): fnp.array of a known list of numbers (ops/operands._flat_numbers, the fast path
of ops/creation._known_ints), and a generator left at its last item with nothing charged
after that yield (Interpreter.retract_unconsumed keeps the path's charge list as it is)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer.interpreter import Interpreter
from flopcast.analyzer.ops import creation, operands
from flopcast.analyzer.values import CountKnown, Known, ListVal, TupleVal
from flopcast.model import Point
from test_paths import assert_counted_exactly, run_counting

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "steady" / "known_lists_last_break.py"

_LISTS = [
    [Known(i) for i in range(0, 50, 3)],
    [Known(1), Known(2.5), Known(3)],
    [Known(2.5), Known(1)],
    [Known(True), Known(1)],  # bool: not a plain number (numpy makes int64 of it with ints)
    [Known(1), Known(None)],  # raises as the item-by-item path does
    [Known(1), Known((2, 3))],  # a nested item
    [Known(1), CountKnown(4)],
    [Known(1), ListVal([Known(2)])],
    [Known(2 ** 70), Known(1)],
    [],
]


def _item_by_item(monkeypatch, ctx, value):
    monkeypatch.setattr(operands, "_flat_numbers", lambda items: None)
    try:
        return operands.to_array(ctx, value)
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("items", _LISTS)
def test_an_array_of_a_known_list_is_the_item_by_item_one(monkeypatch, items):
    for value in (ListVal(list(items)), TupleVal(tuple(items))):
        try:
            slow = _item_by_item(monkeypatch, None, value)
        except Exception as error:  # the fast path must raise alike (it leaves such lists alone)
            with pytest.raises(type(error)):
                operands.to_array(None, value)
            continue
        fast = operands.to_array(None, value)
        assert (fast.shape, fast.dtype, fast.vrange, fast.sym) == (slow.shape, slow.dtype, slow.vrange, slow.sym)


@pytest.mark.parametrize("items", _LISTS)
def test_the_known_ints_of_a_list_are_the_walked_ones(items):
    for value in (ListVal(list(items)), TupleVal(tuple(items)), Known([1, 2]), Known(3)):
        assert creation._known_ints(value) == creation._walked_ints(value)


@pytest.mark.parametrize("width,depth", [(16, 3), (40, 5)])
def test_known_lists_and_a_loop_broken_at_the_last_item_are_counted_exactly(width, depth):
    assert_counted_exactly(FIXTURE, Point(width, depth, 2**41))


def test_a_generator_left_at_its_last_item_keeps_the_charge_list(monkeypatch):
    """Nothing was charged after the last yield: the list (millions of charges in a reused
    recursion) is not rebuilt to drop nothing."""
    kept = []
    retract = Interpreter.retract_unconsumed

    def spy(self):
        before = self.result.charges
        retract(self)
        kept.append(self.result.charges is before)

    monkeypatch.setattr(Interpreter, "retract_unconsumed", spy)
    run_counting(FIXTURE, 16, 4)
    assert kept and all(kept)


class _Ctx:
    span = None

    def charge(self, *args) -> None:
        pass


@pytest.mark.parametrize("bounds", [(7,), (0,), (2, 9), (9, 2, -1), (9, 2, -3), (-5, 40, 7), (3, 3), (5, 1)])
def test_an_aranges_int_bounds_are_its_least_and_greatest_items(bounds):
    """Taken from the range's ends (min() and max() walked every item of fnp.arange(width))."""
    made = creation._arange(_Ctx(), [Known(b) for b in bounds], {})
    items = range(*bounds)
    assert made.shape == (len(items),)
    assert made.vrange == ((min(items), max(items)) if items else None)
