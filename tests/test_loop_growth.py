"""Loops that ran every iteration at 4096x64 and now repeat (issue 10's growth at 4096x64).

Each fixture is counted against flopscope, and its loops are checked to run a number of
iterations that does not grow with the size, including the iterations that must still run
(where skipping naively would count wrong).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.model import Point
from test_paths import assert_counted_exactly, run_counting

STEADY = Path(__file__).resolve().parent / "fixtures" / "steady"
ARRAY_ITEMS = STEADY / "array_item_loops.py"


def _runs(path: Path, width: int, depth: int, texts: tuple) -> dict:
    lines = {t.strip(): n + 1 for n, t in enumerate(path.read_text().splitlines())}
    executed = run_counting(path, width, depth)[1].executed
    return {text: executed.get(lines[text], 0) for text in texts}


@pytest.mark.parametrize("width,depth", [(16, 3), (64, 2)])
def test_loops_over_an_arrays_items_that_compare_them_are_counted_exactly(width, depth):
    assert_counted_exactly(ARRAY_ITEMS, Point(width, depth, 2**41))


def test_loops_over_an_arrays_items_that_compare_them_are_skipped():
    """`for j in top:` compares `j` only (`fnp.arange(w) == j`), but `j` is a number read from
    data, not a known int: it is part of the item, not a counter whose answers are worked out."""
    texts = ("picked = picked + fnp.where(fnp.arange(w) == j, x, 0.0)",
             "picked = picked + fnp.max(fnp.where(fnp.arange(w) == j, x, 0.0))")
    small, large = _runs(ARRAY_ITEMS, 16, 3, texts), _runs(ARRAY_ITEMS, 128, 3, texts)
    for text in texts:
        assert large[text] == small[text] < 8, text


UNREAD = STEADY / "unread_attributes.py"


@pytest.mark.parametrize("width,depth", [(16, 9), (16, 40)])
def test_items_that_differ_in_attributes_no_code_reads_are_counted_exactly(width, depth):
    assert_counted_exactly(UNREAD, Point(width, depth, 2**41))


def test_items_that_differ_in_attributes_no_code_reads_are_skipped():
    """Layers differ in `index` and `name` (never read): alike; in `reps` (read) at the middle
    layer: that iteration runs (the counts above), and the rest repeat."""
    text = "x = fnp.maximum(x @ layer.weight, 0.0) * self.scale"
    small, large = _runs(UNREAD, 16, 40, (text,)), _runs(UNREAD, 16, 400, (text,))
    assert large[text] == small[text] < 20
