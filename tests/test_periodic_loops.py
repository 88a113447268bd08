"""Loops whose state repeats every few iterations (repeats.SteadyLoop's watches of a period).

An SVD every second layer, a state cast to float64 at even layers and back at odd ones, a
projection every third layer, a counter read by a helper as `i % PERIOD`: the iterations are
watched a period at a time and whole periods are skipped; the counts are flopscope's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.model import Point
from test_paths import assert_counted_exactly, run_counting

PERIODIC = Path(__file__).resolve().parent / "fixtures" / "steady" / "periodic_layers.py"


@pytest.mark.parametrize("width,depth,budget", [(8, 9, 2**41), (16, 40, 2**41), (16, 31, 1000 * 16 * 16 * 13)])
def test_loops_whose_state_repeats_every_few_layers_are_counted_exactly(width, depth, budget):
    assert_counted_exactly(PERIODIC, Point(width, depth, budget))


def test_loops_whose_state_repeats_every_few_layers_are_skipped():
    lines = {t.strip(): n + 1 for n, t in enumerate(PERIODIC.read_text().splitlines())}
    executed = {depth: run_counting(PERIODIC, 16, depth)[1].executed for depth in (40, 400)}
    for text in ("u, s, vt = fnp.linalg.svd(x, full_matrices=False)", "y = fnp.tanh(y @ w).astype(fnp.float32)",
                 "vals, vecs = fnp.linalg.eigh(w.T @ w)", "v = v @ w", "t = step(t, w, i)",
                 "r = r + fnp.outer(first, m)[0]"):
        runs = {depth: done[lines[text]] for depth, done in executed.items()}
        assert runs[400] == runs[40] < 20, text
