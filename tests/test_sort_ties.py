"""Sorting, min(), max() and heapq of tuples holding flopscope arrays (huntA, s23).

Python compares tuples item by item; when the items before an array tie, it goes on to
`a == b` of the arrays (flopscope bills an `equal`) and takes its truth, which raises
ValueError for arrays of more than one element. The analyzer took such a sort for one whose
items all look alike and kept the list as it was: a false exact that missed the `equal` and
the ValueError. Which arrays get compared depends on values, so the path ends there (a lower
bound); tuples whose known items differ before the array still sort exactly.
"""

from __future__ import annotations

import pytest
from oracle import assert_first_call_below_run, assert_first_call_exact
from test_interpreter_semantics import _program

from flopcast.model import Point

LOWER = {
    "a_sort_of_tuples_whose_first_items_tie_compares_the_arrays": ("", """
        pairs = [(0, fnp.ones(mlp.width)), (0, fnp.zeros(mlp.width))]
        try:
            pairs.sort()
        except ValueError:
            STEP
        STEP
        """),
    "sorted_of_tuples_whose_first_items_tie_compares_the_arrays": ("", """
        pairs = [(1.0, fnp.ones(mlp.width)), (1.0, fnp.zeros(mlp.width)), (2.0, h)]
        try:
            pairs = sorted(pairs)
        except ValueError:
            STEP
        STEP
        """),
    "min_of_tuples_whose_first_items_tie_compares_the_arrays": ("", """
        pairs = [(0, fnp.ones(mlp.width)), (0, fnp.zeros(mlp.width))]
        try:
            best = min(pairs)
        except ValueError:
            STEP
        STEP
        """),
    # the tie raises ValueError at the second push: the loop after it never runs (the analyzer
    # left the heap's order unknown and went on, so its "lower bound" counted the loop)
    "a_heappush_whose_tuples_tie_before_the_arrays_raises": ("import heapq\n", """
        heap = []
        try:
            heapq.heappush(heap, (1.0, h))
            heapq.heappush(heap, (1.0, h + 1.0))
            for _ in range(10):
                STEP
        except ValueError:
            pass
        """),
}

EXACT = {
    # distinct known indices decide every comparison before the arrays
    "tuples_with_a_distinct_index_before_the_array_sort_exactly": ("", """
        pairs = [(0.5, i, w) for i, w in enumerate(mlp.weights)]
        pairs.sort()
        best = min(pairs)
        for _, i, w in pairs:
            h = fnp.tanh(h @ w)
        """),
}


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
@pytest.mark.parametrize("name", sorted(LOWER))
def test_a_lower_bound_at_most_flopscopes_count(name, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*LOWER[name]))
    assert_first_call_below_run(path, Point(width, depth, 2**41))


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
@pytest.mark.parametrize("name", sorted(EXACT))
def test_exact_and_equal_to_flopscope(name, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*EXACT[name]))
    assert_first_call_exact(path, Point(width, depth, 2**41))
