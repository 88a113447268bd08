"""A method call whose name sits on a later line than the call's start is placed, by Python
3.11 on, at that name: its CALL instruction's position (``fnp.stack([a,\\n b]).astype(t)``
charges ``astype`` at the line of ``.astype``). flopcast placed every call at its node's
start, so verify joined the same charge under two spans and failed a point whose every count
matched (eig_head's features). A call with ``*args`` or ``**kwargs``, or a function's name on
the first line, keeps the node's start, as CPython compiles those."""

from __future__ import annotations

from flopcast.model import Point

from .helpers import assert_verified_exact

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            a = fnp.stack([fnp.sum(w, axis=0),
                           fnp.max(w, axis=0)]).astype(fnp.float64)
            b = (a
                 + 1.0).sum(
                axis=0)
            parts = [a, a]
            c = (fnp
                 .concatenate(parts))
            d = (w
                 ).mean(*[0])
            e = (w
                 ).clip(**{"a_min": 0.0, "a_max": 1.0})
            f = fnp.linalg.norm(
                w, axis=0)
            return fnp.zeros((mlp.depth, mlp.width)) + b + c[0] + d + e[0] + f
    """


def test_a_method_call_continued_on_a_later_line_is_placed_where_python_places_it(tmp_path):
    assert_verified_exact(tmp_path, PROGRAM, (Point(8, 1, 2**41), Point(16, 2, 2**41)))
