"""A loop whose body changes its item (an accumulator object per layer) is not skipped: a skipped
iteration would leave its own item unchanged, where no state the loop reads shows it
(repeats.SteadyLoop.item_alone). The counts are flopscope's."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.model import Point
from oracle import assert_exact_at

ACCUMULATORS = Path(__file__).resolve().parent / "fixtures" / "steady" / "item_accumulators.py"


@pytest.mark.parametrize("width,depth", [(8, 4), (64, 4), (16, 7)])
def test_accumulators_changed_by_their_loop_are_counted_exactly(width: int, depth: int) -> None:
    assert_exact_at(ACCUMULATORS, [Point(width, depth, 2**41)])
