"""searchsorted's insertion points lie in [0, len(a)] whatever the values (NaN sorts last).

``fnp.bincount(fnp.searchsorted(edges, z), minlength=len(edges) + 1)`` (a histogram of z over
fixed bucket edges) then has a known length: minlength covers every insertion point, so the
counts' shape, and the work on them, does not depend on z. Without the bound flopcast left
the bincount unpriced (its length "depends on the largest value of x").
"""

from __future__ import annotations

import textwrap

from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            edges = fnp.linspace(-1.0, 1.0, 7)
            z = fnp.sum(mlp.weights[0], axis=0)
            counts = fnp.bincount(fnp.searchsorted(edges, z), minlength=edges.shape[0] + 1)
            share = counts / z.shape[0]
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(share * share)
    """


def test_bincount_of_insertion_points_has_a_known_length(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM))
    for point in (Point(16, 2, 2**41), Point(32, 3, 2**41)):
        report = analyze(path, point)
        assert not report.unpriced and not report.uncertain, (report.unpriced, report.uncertain)
        assert_exact_match(report, measure(path, point))
