"""A name a function assigns anywhere is local to it everywhere: read before it is bound on the
path, Python raises UnboundLocalError. flopcast read the module's name of the same spelling
instead (a false exact for a run that raises); the path now ends there (a lower bound).
Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))


def test_a_local_read_before_its_assignment_is_not_the_modules_name(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        N = 4


        def make():
            a = fnp.ones(N)
            N = 8
            return a


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(make())
        """))
    report = analyze(path, POINTS[0])
    assert report.lower_bound and not report.raises, report.total
    with pytest.raises(UnboundLocalError):
        measure(path, POINTS[0])


def test_globals_nonlocals_and_names_bound_before_the_read_stay_exact(tmp_path):
    """`global N` makes N the module's; `nonlocal k` the enclosing function's; `j` is bound by
    the loop before it is read; `e` of an except clause inside the function is its own."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        N = 4


        def make():
            global N
            a = fnp.ones(N)
            N = 8
            return a


        def counter():
            k = 2

            def bump():
                nonlocal k
                k = k + 1
                return k
            return bump


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                global N
                N = 4
                bump = counter()
                for j in range(2):
                    size = bump() + j
                try:
                    raise ValueError("x")
                except ValueError as e:
                    size = size + 1
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(make()) + fnp.sum(fnp.ones(size))
        """))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, (point, report.total, report.unpriced)
        assert report.total.lo == measure(path, point).total, point
