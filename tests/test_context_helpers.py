"""contextlib.closing and ExitStack.pop_all, against the real flopscope at two sizes.

``closing(thing)`` is entered as ``thing`` and calls ``thing.close()`` when its `with` ends,
also when the body raises; ``stack.pop_all()`` moves the exits kept so far to a new stack, so
the old stack's `with` runs none of them and the new stack's ``close()`` runs them all.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]

CLOSING = """\
    import contextlib

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Meter:
        def __init__(self, width):
            self.acc = fnp.zeros(width)

        def close(self):
            self.acc = fnp.exp(self.acc) * 2.0


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            {body}
            return fnp.zeros((mlp.depth, mlp.width)) + meter.acc
    """


@pytest.mark.parametrize("body", [
    # the body ends: close() runs once, after it
    """with contextlib.closing(Meter(mlp.width)) as meter:
            for w in mlp.weights:
                meter.acc = meter.acc + fnp.sum(w, axis=0)""",
    # the body raises: close() runs, then the exception goes on to the handler
    """meter = Meter(mlp.width)
        try:
            with contextlib.closing(meter) as m:
                m.acc = m.acc + fnp.sum(mlp.weights[0], axis=0)
                raise ValueError("stop")
        except ValueError:
            meter.acc = meter.acc - 1.0""",
    # entered by an ExitStack: closed when the stack's `with` ends
    """with contextlib.ExitStack() as stack:
            meter = stack.enter_context(contextlib.closing(Meter(mlp.width)))
            meter.acc = meter.acc + fnp.sum(mlp.weights[-1], axis=0)""",
], ids=["ends", "raises", "exit_stack"])
def test_closing_calls_close_when_the_with_ends(tmp_path, body):
    assert_exact_at(write_program(tmp_path, CLOSING, body=body), POINTS)


POP_ALL = """\
    import contextlib

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            log = []
            with contextlib.ExitStack() as stack:
                stack.callback(lambda: log.append(fnp.sum(mlp.weights[0])))
                stack.callback(lambda: log.append(fnp.exp(mlp.weights[-1])))
                kept = stack.pop_all()
                stack.callback(lambda: log.append(fnp.sqrt(fnp.abs(mlp.weights[0]))))
            x = fnp.ones(mlp.width)
            for w in mlp.weights:
                x = w.T @ x
            {end}
            return fnp.zeros((mlp.depth, mlp.width)) + x + len(log)
    """


@pytest.mark.parametrize("end", ["kept.close()", "pass", "with kept:\n            x = x * 2.0"],
                         ids=["closed", "never_closed", "entered"])
def test_pop_all_moves_the_exits_to_the_new_stack(tmp_path, end):
    assert_exact_at(write_program(tmp_path, POP_ALL, end=end), POINTS)
