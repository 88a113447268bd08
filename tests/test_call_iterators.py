"""``iter(callable, sentinel)`` against the real flopscope at two sizes: the callable runs as
each item is asked for, until it returns the sentinel (the same object, or ``==``) or raises
StopIteration, so the work of the loop over it, and of the callable itself, is counted exactly.
An item whose equality with the sentinel is not known (an array) ends the path: a lower bound."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_first_call_below_run, write_program

from flopcast.model import Point

POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]

PROGRAM = """\
    import functools

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            rows = []
            {loop}
            return fnp.stack(rows[:mlp.depth] + [x] * (mlp.depth - len(rows[:mlp.depth])))
    """


@pytest.mark.parametrize("loop", [
    # a queue of layer indices popped until the -1 sentinel
    """plan = list(range(mlp.depth))
        for i in iter(lambda: plan.pop(0) if plan else -1, -1):
            x = fnp.maximum(mlp.weights[i].T @ x, 0.0)
            rows.append(x)""",
    # next() of a list iterator through partial: stops at the first 0, before the 5
    """sizes = iter([3, 2, 1, 0, 5])
        for n in iter(functools.partial(next, sizes), 0):
            x = fnp.tanh(x * float(n))
            rows.append(x)""",
    # tuples against a None sentinel; the callable makes flopscope calls of its own
    """todo = [(k, k + 1) for k in range(mlp.depth)]

        def step():
            rows.append(fnp.exp(x) if todo else x)
            return todo.pop() if todo else None

        for lo, hi in iter(step, None):
            x = x + fnp.sum(mlp.weights[0][lo:hi])""",
    # a counter on a closure, taken by next() and by list()
    """count = [0]

        def tick():
            count[0] += 1
            return count[0] % (mlp.depth + 1)

        ticks = iter(tick, 0)
        x = x * float(next(ticks))
        for t in list(ticks):
            x = fnp.sqrt(fnp.abs(x) + t)
            rows.append(x)""",
    # no sentinel comes: the StopIteration of the exhausted iterator ends the loop, as in Python
    """sizes = iter(range(1, mlp.depth + 2))
        for n in iter(functools.partial(next, sizes), 0):
            x = fnp.tanh(x * float(n))
            rows.append(x)""",
], ids=["pop_until_minus_one", "partial_next", "tuples_until_none", "next_then_list", "stop_iteration_ends"])
def test_the_callable_runs_until_it_returns_the_sentinel(tmp_path, loop):
    assert_exact_at(write_program(tmp_path, PROGRAM, loop=loop), POINTS)


def test_an_array_compared_with_the_sentinel_ends_the_path(tmp_path):
    loop = """ws = list(mlp.weights)
        for w in iter(lambda: ws.pop() if ws else 0.0, 0.0):
            x = fnp.maximum(w.T @ x, 0.0)
            rows.append(x)"""
    path = write_program(tmp_path, PROGRAM, loop=loop)
    assert_first_call_below_run(path, Point(1, 2, 2**41))
