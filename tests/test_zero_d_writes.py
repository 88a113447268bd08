"""A 0-d array written in place no longer holds the value flopcast computed for it, and numpy's
own in-place methods and item stores behave as numpy's do.

Each program tests ``float(t)`` after a write into ``t`` and takes a 528,320-FLOP matmul or a
4,160-FLOP add: a value kept past the write would be a false "exact". Each case is checked
against the real flopscope: the run's count lies in the prediction, or the raise flopcast
reports is the one the run makes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            t = {make}
            {write}
            x = fnp.ones((mlp.width, mlp.width))
            y = x @ x if float(t) > 3.0 else x + x
            return fnp.zeros((mlp.depth, mlp.width)) + y[0]
    """
POINT = Point(64, 2, 2**41)
POINTS = (POINT, Point(32, 3, 2**41))  # each exact claim checked at two sizes


def _write(tmp_path, make: str, write: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(make=make, write=write)))
    return path


WRITES = {
    "ufunc_out": ("fnp.asarray(1.0)", "fnp.add(t, 5.0, out=t)"),
    "copyto": ("fnp.array(1.0)", "fnp.copyto(t, 7.0)"),
    "numpy_item_store": ("np.asarray(1.0)", "t[()] = 7.0"),
    "numpy_ellipsis_store": ("np.asarray(1.0)", "t[...] = 7.0"),
    "numpy_fill": ("np.asarray(1.0)", "t.fill(7.0)"),
    "numpy_write_through_its_buffer": ("fnp.sqrt(16.0)", "a = np.asarray(t)\n            a[...] = 1.0"),
    "numpy_write_through_a_view_of_its_buffer": ("fnp.sqrt(16.0)", "b = np.asarray(t)[...]\n            b[...] = 1.0"),
    "numpy_write_through_fnp_asarray_of_it": ("fnp.sqrt(16.0)", "a = np.asarray(fnp.asarray(t))\n            a[...] = 1.0"),
}


@pytest.mark.parametrize("make, write", WRITES.values(), ids=WRITES.keys())
def test_a_0d_array_written_in_place_loses_its_known_value(tmp_path, make, write):
    path = _write(tmp_path, make, write)
    report = analyze(path, POINT)
    assert not report.total.exact and not report.raises, (report.total, report.raises)
    assert report.total.contains(measure(path, POINT).total)


def test_numpys_own_fill_and_sort_are_free_and_do_not_raise(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                a = np.zeros(mlp.width)
                a.fill(2.0)
                b = np.linspace(1.0, 0.0, mlp.width)
                b.sort()
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.asarray(a) * fnp.asarray(b)
        """))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.raises and not report.unpriced, (report.raises, report.unpriced)
        assert report.total.lo == measure(path, point).total, point


RAISES = {
    "item_store_into_a_numpy_scalar": ("np.float64(1.0)", "t[()] = 7.0", "does not support item assignment"),
    "item_store_into_a_tuple": ("(1.0, 2.0)", "t[0] = 7.0", "does not support item assignment"),
    "out_is_a_numpy_scalar": ("np.float64(1.0)", "fnp.multiply(t, 9.0, out=t)", "return arrays must be of ArrayType"),
    "copyto_into_a_numpy_scalar": ("np.float64(1.0)", "fnp.copyto(t, 7.0)", "must be a numpy.ndarray"),
}


@pytest.mark.parametrize("make, write, message", RAISES.values(), ids=RAISES.keys())
def test_a_write_into_something_that_is_not_an_array_raises_typeerror(tmp_path, make, write, message):
    path = _write(tmp_path, make, write)
    report = analyze(path, POINT)
    assert [(r.span.line, r.every_path) for r in report.raises] == [(9, True)], report.raises
    assert "TypeError" in report.raises[0].what and message in report.raises[0].what
    with pytest.raises(TypeError, match=message):
        measure(path, POINT)
