"""A loop whose body changes its item (an accumulator object per layer), or the item of a list its
counter indexes (`per_layer[i].append(h)`), is not skipped: a skipped iteration would leave its own
unchanged, where no state the loop compares shows it (repeats.SteadyLoop.item_alone,
indexed_item_changed). The counts are flopscope's."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.model import Point
from oracle import assert_exact_at

STEADY = Path(__file__).resolve().parent / "fixtures" / "steady"
ACCUMULATORS = STEADY / "item_accumulators.py"
INDEXED_PARTS = STEADY / "indexed_parts.py"


@pytest.mark.parametrize("width,depth", [(8, 4), (64, 4), (16, 7)])
def test_accumulators_changed_by_their_loop_are_counted_exactly(width: int, depth: int) -> None:
    assert_exact_at(ACCUMULATORS, [Point(width, depth, 2**41)])


@pytest.mark.parametrize("width,depth", [(16, 5), (16, 9), (32, 6)])
def test_parts_appended_to_the_list_a_counter_indexes_are_counted_exactly(width: int, depth: int) -> None:
    assert_exact_at(INDEXED_PARTS, [Point(width, depth, 2**41)])
