"""``fnp.result_type`` and ``fnp.promote_types``: free dtype questions whose answer steers the work.

flopscope answers them as numpy does (a dtype instance, no charge). flopcast refused them as
"free in flopscope but its result is not modelled yet", so a float32 pipeline sized by
``dt = fnp.result_type(x, fnp.float32)`` (``w.astype(dt)``, ``fnp.zeros(n, dtype=dt)``) left
everything after it unpriced: a lower bound of a few hundred FLOPs where the run counts
thousands. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones((4, mlp.width), dtype=fnp.float32)
            dt = {expr}
            rows = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w.astype(dt), 0.0)
                rows.append(fnp.mean(x, axis=0) + fnp.zeros(mlp.width, dtype=dt))
            return fnp.stack(rows)
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

DTYPES = {
    "array_and_scalar_type": "fnp.result_type(x, fnp.float32)",          # float32
    "python_float_is_weak": "fnp.result_type(x, 2.0)",                    # float32 (NEP 50)
    "numpy_scalar_is_strong": "fnp.result_type(x, fnp.float64(1.0))",     # float64
    "dtype_names": "fnp.result_type('f4', 'i2')",                         # float32
    "an_array_dtype": "fnp.result_type(x.dtype, fnp.int64)",              # float64
    "promote_types": "fnp.promote_types(x.dtype, fnp.int16)",             # float32
    "promote_types_widens": "fnp.promote_types(fnp.float32, fnp.int64)",  # float64
}


@pytest.mark.parametrize("expr", DTYPES.values(), ids=DTYPES.keys())
def test_the_dtype_asked_prices_the_work_it_sizes(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
