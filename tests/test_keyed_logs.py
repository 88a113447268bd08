"""Loops that give a dict a new entry per layer under a key made from the counter, and store
into a list at the counter an item read from another at the counter (counters.py's watch,
repeats.SteadyLoop.keys_missing / stored_repeatable).

Counted against flopscope; the loops repeat once the state settles, except the layer whose
key was noted before the loop (it finds its count) and a loop that reads its dict's length.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.model import Point
from test_paths import assert_counted_exactly, runs_of_line

KEYED = Path(__file__).resolve().parent / "fixtures" / "steady" / "keyed_logs.py"


@pytest.mark.parametrize("width,depth", [(8, 5), (8, 12), (16, 20)])
def test_loops_that_key_entries_by_their_counter_are_counted_exactly(width, depth):
    assert_counted_exactly(KEYED, Point(width, depth, 2**41))


def test_a_loop_that_keys_entries_by_its_counter_is_skipped_up_to_a_key_already_there():
    # the layer noted before the loop (`layer_7`) runs, with the one before it and the first ones
    runs = runs_of_line(KEYED, 'diag.note(f"layer_{i}", float(fnp.max(y)))')
    assert runs[400] < 12
    assert runs_of_line(KEYED, "mixed[i] = means[i] if i > 2 else fnp.tanh(means[i])")[400] < 8
    assert runs_of_line(KEYED, 'seen[f"s{i}"] = y')[400] == 400  # its length is read in the loop
