"""A generator left at a yield inside try/finally or with: Python runs the cleanup when the
generator is closed (``g.close()``) or collected, and flopscope bills what it calls there
(huntA, s23). The analyzer took back everything the generator's body charged after the last
item taken, the cleanup's cost with it: a false exact. Now that cost is reported as not
counted (a lower bound); a finally that calls nothing keeps the prediction exact.
"""

from __future__ import annotations

import pytest
from oracle import assert_first_call_below_run, assert_first_call_exact
from test_interpreter_semantics import _program

from flopcast.model import Point

GEN = """
def layers(mlp, h):
    try:
        for w in mlp.weights:
            h = fnp.tanh(h @ w)
            yield h
    finally:
        fnp.exp(h)
"""

QUIET = """
DONE = [0]


def layers(mlp, h):
    try:
        for w in mlp.weights:
            h = fnp.tanh(h @ w)
            yield h
    finally:
        DONE[0] = 1
"""

LOWER = {
    "close_runs_the_finally_of_a_suspended_generator": (GEN, """
        g = layers(mlp, h)
        h = next(g)
        g.close()
        STEP
        """),
    "a_generator_left_suspended_runs_its_finally_when_collected": (GEN, """
        g = layers(mlp, h)
        h = next(g)
        STEP
        """),
}

EXACT = {
    "a_finally_that_calls_nothing_costs_nothing": (QUIET, """
        for x in layers(mlp, h):
            h = x
            break
        STEP
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
