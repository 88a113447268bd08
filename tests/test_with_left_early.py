"""A `return`, `break` or `continue` inside a `with` body ends the body, and the manager's exit
runs then, as Python runs it: a user class's ``__exit__(None, None, None)``, the code after a
``@contextmanager``'s ``yield``, an ExitStack's callbacks, a ``closing``'s ``close()``. Checked
against the real flopscope at two sizes (the exits make flopscope calls of their own)."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]

PROGRAM = """\
    import contextlib

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Timer:
        def __init__(self, w):
            self.w = w

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            fnp.exp(fnp.ones(self.w))
            return False

        def close(self):
            fnp.sqrt(fnp.ones(self.w + 1))


    @contextlib.contextmanager
    def timed(w):
        fnp.tanh(fnp.ones(w))
        yield w
        fnp.log1p(fnp.ones(w))


    class Estimator(BaseEstimator):
        def inner(self, mlp):
            x = fnp.ones(mlp.width)
            for i, w in enumerate(mlp.weights):
                {body}
            return x

        def predict(self, mlp, budget):
            return fnp.zeros((mlp.depth, mlp.width)) + self.inner(mlp)
    """

MANAGERS = {
    "user_class": "Timer(mlp.width * (i + 1))",
    "contextmanager": "timed(mlp.width * (i + 1))",
    "closing": "contextlib.closing(Timer(mlp.width * (i + 1)))",
}
EXITS = {
    "return": "if i == 1:\n                        return x * 2.0",
    "break": "if i == 1:\n                        break",
    "continue": "if i == 0:\n                        continue",
}


@pytest.mark.parametrize("exit_", sorted(EXITS))
@pytest.mark.parametrize("manager", sorted(MANAGERS))
def test_the_exit_runs_when_the_body_is_left_early(tmp_path, manager, exit_):
    body = (f"with {MANAGERS[manager]}:\n"
            f"                    x = fnp.maximum(w.T @ x, 0.0)\n"
            f"                    {EXITS[exit_]}\n"
            f"                    x = x + 1.0")
    assert_exact_at(write_program(tmp_path, PROGRAM, body=body), POINTS)


@pytest.mark.parametrize("exit_", sorted(EXITS))
def test_an_exit_stack_unwinds_when_its_body_is_left_early(tmp_path, exit_):
    body = ("with contextlib.ExitStack() as stack:\n"
            "                    stack.enter_context(Timer(mlp.width))\n"
            "                    stack.callback(fnp.cos, fnp.ones(mlp.width * (i + 2)))\n"
            "                    x = fnp.maximum(w.T @ x, 0.0)\n"
            f"                    {EXITS[exit_]}\n"
            "                    x = x + 1.0")
    assert_exact_at(write_program(tmp_path, PROGRAM, body=body), POINTS)
