"""A generator left at a yield inside try/finally or with: Python runs the cleanup when the
generator is closed (``g.close()``, or a loop's break that drops the last reference to it: CPython
closes it there, before the statement after the loop, as flopscope's log shows) or collected, and
flopscope bills what it calls there (huntA, s23). The analyzer took back everything the
generator's body charged after the last item taken, the cleanup's cost with it: a false exact.
That cost was then reported as not counted (a lower bound); where the generator is closed at a
known moment and only finally clauses run on GeneratorExit, it is priced there, in the state at
the yield it was left at (the body run again up to that yield). A generator collected at some
later moment, or left inside a `with`, stays a lower bound; a finally that calls nothing keeps
the prediction exact.
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
def layers(mlp, h):
    try:
        for w in mlp.weights:
            h = fnp.tanh(h @ w)
            yield h
    finally:
        h = None
"""

#: the body (its finally) changes a global: flopcast's body ran whole ahead of the loop, and
#: nothing tells a change made past the item taken from one the run's close makes too
#: (Generators.refuse_left_ahead)
MARKS = """
DONE = [0]


def layers(mlp, h):
    try:
        for w in mlp.weights:
            h = fnp.tanh(h @ w)
            yield h
    finally:
        DONE[0] = 1
"""

#: the finally reads what the body grew up to the yield it was left at
GROWN = """
def layers(mlp, h):
    seen = h
    try:
        for w in mlp.weights:
            h = fnp.tanh(h @ w)
            yield h
            seen = fnp.concatenate([seen, h])
    finally:
        fnp.sum(fnp.outer(seen, seen))
"""

#: a stage over a generator its own body makes (run whole at its first item, run again with it)
STAGE = """
def squares(mlp, h):
    for w in mlp.weights:
        h = fnp.tanh(h @ w)
        yield h


def layers(mlp, h):
    seen = []
    try:
        for x in squares(mlp, h):
            seen.append(x)
            yield x * x
    finally:
        fnp.sum(fnp.stack(seen) @ mlp.weights[0])
"""

WITH = """
class Stage:
    def __init__(self, h):
        self.h = h

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        fnp.exp(self.h)
        return False


def layers(mlp, h):
    with Stage(h):
        for w in mlp.weights:
            h = fnp.tanh(h @ w)
            yield h
"""

LOWER = {
    "a_generator_left_suspended_runs_its_finally_when_collected": (GEN, """
        g = layers(mlp, h)
        h = next(g)
        STEP
        """),
    "a_with_around_the_yield_is_not_followed": (WITH, """
        for x in layers(mlp, h):
            h = x
            break
        STEP
        """),
    "a_finally_that_changes_a_global_ends_the_path_at_the_break": (MARKS, """
        for x in layers(mlp, h):
            h = x
            break
        STEP
        """),
}

EXACT = {
    "close_runs_the_finally_of_a_suspended_generator": (GEN, """
        g = layers(mlp, h)
        h = next(g)
        g.close()
        STEP
        """),
    "a_break_closes_a_generator_only_the_loop_held": (GROWN, """
        taken = []
        for x in layers(mlp, h):
            taken.append(x)
            if len(taken) == 2:
                break
        h = taken[-1]
        STEP
        """),
    "a_break_and_a_close_of_a_stage_over_its_own_generator": (STAGE, """
        for i, x in enumerate(layers(mlp, h)):
            if i == 1:
                break
        g = layers(mlp, h)
        h = next(g) + x
        g.close()
        STEP
        """),
    "a_break_closes_a_generator_only_enumerate_held": (GROWN, """
        for i, x in enumerate(layers(mlp, h)):
            h = x
            if i == 1:
                break
        STEP
        """),
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


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
@pytest.mark.parametrize("name", sorted(EXACT))
def test_exact_and_equal_to_flopscope(name, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*EXACT[name]))
    assert_first_call_exact(path, Point(width, depth, 2**41))
