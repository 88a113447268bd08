"""A test on the size of a selection (``if idx.size == 0:``) depends on values.

A selection's size (nonzero, unique, a boolean mask, setdiff1d) is analysed at the ends of
its range; a run usually stops between them, where a test of the size can go the other way
than at either end (a fallback for "nothing selected" is dearer than a small selection and
cheaper than a full one). The test is a value-dependent site, so the interval contains the
run's count. The real flopscope runs each program (seed 0: ``w[0] > 0.2`` keeps a few units).
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = [Point(8, 2, 10**6), Point(16, 2, 10**6)]

TESTS = {
    "shape_equals_zero": ("idx = fnp.nonzero(w[0] > 0.2)[0]", "idx.shape[0] == 0", "w[:, idx]"),
    "len_is_zero": ("idx = fnp.flatnonzero(w[0] > 0.2)", "len(idx) == 0", "w[:, idx]"),
    "not_size": ("idx = fnp.where(w[0] > 0.2)[0]", "not idx.size", "w[:, idx]"),
    "mask_rows_below_two": ("sel = w[w[:, 0] > 0.2]", "sel.shape[0] < 2", "sel"),
    "unique_count": ("u = fnp.unique(fnp.floor(w[0] * 2.0))", "u.size <= 1", "fnp.outer(u, u)"),
}


def _program(select: str, test: str, use: str) -> str:
    return textwrap.dedent(f"""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                {select}
                if {test}:
                    s = fnp.sum(w @ w @ w)       # the fallback when little or nothing is selected
                else:
                    s = fnp.sum(fnp.exp({use}))
                return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + s
        """)


@pytest.mark.parametrize("name", sorted(TESTS))
def test_a_test_of_a_selections_size_is_a_value_dependent_site(tmp_path, name):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*TESTS[name]))
    test_line = 9
    for point in POINTS:
        report = analyze(path, point)
        runtime = measure(path, point).total
        assert not report.unpriced, report.unpriced
        assert test_line in {u.span.line for u in report.uncertain}, [(u.span.line, u.reason) for u in report.uncertain]
        assert report.total.contains(runtime), (name, point, report.total, runtime)
