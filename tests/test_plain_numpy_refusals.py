"""A plain numpy call flopcast does not model is not claimed to return.

numpy's own work on plain ndarrays is free, so an unmodelled plain call (``np.max`` of an
empty array, ``np.random.default_rng(0).choice(n, size=n + 1, replace=False)``,
``np.percentile(x, 150)``, ``np.zeros(3).astype("nonsense")``, ``np.diag`` of a 3-d array)
used to give an unknown value silently: nothing unpriced, an "exact" total. numpy raises on
every one of these, so the run went to the handler (or crashed) while flopcast claimed the
path that returns: false exacts. Such a call is now unpriced (a lower bound; inside a try,
nothing after it is claimed), and the real flopscope's count is never below the bound.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_match, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            {body}
            return fnp.zeros((mlp.depth, mlp.width)) + x[0]
    """
CAUGHT = "try:\n            v = {expr}\n            x = w\n        except Exception:\n            x = w @ w"
BARE = "v = {expr}\n        x = w"
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

REFUSED = {
    "choice_past_the_pool": "np.random.default_rng(0).choice(mlp.width, size=mlp.width + 1, replace=False)",
    "percentile_past_100": "np.percentile(np.arange(mlp.width), 150)",
    "astype_unknown_dtype": 'np.zeros(3).astype("nonsense")',
    "diag_of_3d": "np.diag(np.zeros((2, 2, 2)))",
    "full_of_a_misfit_list": "np.full((2, 2), [1, 2, 3])",
}


def _write(tmp_path, body):
    return write_program(tmp_path, PROGRAM, body=body)


@pytest.mark.parametrize("expr", REFUSED.values(), ids=REFUSED.keys())
def test_an_unmodelled_plain_call_inside_a_try_is_a_lower_bound(tmp_path, expr):
    path = _write(tmp_path, CAUGHT.format(expr=expr))
    for point in POINTS:
        report = analyze(path, point)
        assert report.unpriced and not report.raises, (report.unpriced, report.raises)
        assert report.total.lo <= measure(path, point).total


@pytest.mark.parametrize("expr", REFUSED.values(), ids=REFUSED.keys())
def test_an_unmodelled_plain_call_outside_a_try_is_not_exact(tmp_path, expr):
    """numpy raises out of predict at run time: flopcast does not claim a total for the path
    that returns."""
    path = _write(tmp_path, BARE.format(expr=expr))
    report = analyze(path, POINTS[0])
    assert report.unpriced, report.total
    with pytest.raises(Exception):
        measure(path, POINTS[0])


@pytest.mark.parametrize("expr", ["np.zeros(3).max()", "np.percentile(np.arange(mlp.width), 50)",
                                  "np.random.default_rng(0).choice(mlp.width, size=2, replace=False)",
                                  # keepdims by position past what the C method's text signature names
                                  "np.minimum.reduce(w, 0, None, None, True, initial=5.0)"])
def test_a_modelled_plain_call_stays_exact(tmp_path, expr):
    path = _write(tmp_path, CAUGHT.format(expr=expr))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.unpriced, report.unpriced
        assert_exact_match(report, measure(path, point), f" at {point}")


@pytest.mark.parametrize("expr", ["np.kron(2.0, 3.0, 4.0)", "np.outer(w[0], w[0], None, 1)"])
def test_more_arguments_by_position_than_numpy_binds_raise_before_anything_runs(tmp_path, expr):
    """numpy's dispatcher binds with the function's Python signature: one argument too many is a
    TypeError before numpy (or flopscope) runs, on plain numbers too, and the handler runs."""
    path = _write(tmp_path, CAUGHT.format(expr=expr))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.unpriced, report.unpriced
        assert_exact_match(report, measure(path, point), f" at {point}")
