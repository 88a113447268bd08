"""Free dtype questions whose answer steers the work: ``fnp.result_type``, ``fnp.promote_types``,
``fnp.can_cast``, ``fnp.isdtype``, ``fnp.iscomplexobj``/``isrealobj``, ``fnp.isscalar``,
``fnp.common_type``, ``fnp.min_scalar_type``, ``fnp.mintypecode``, ``fnp.typename``, ``fnp.iterable``.

flopscope answers them as numpy does (a dtype instance, no charge). flopcast refused them as
"free in flopscope but its result is not modelled yet", so a float32 pipeline sized by
``dt = fnp.result_type(x, fnp.float32)`` (``w.astype(dt)``, ``fnp.zeros(n, dtype=dt)``) left
everything after it unpriced: a lower bound of a few hundred FLOPs where the run counts
thousands; a branch on ``fnp.can_cast(x, fnp.float64)`` or ``fnp.isdtype(x.dtype, ...)`` left
the work under it unpriced the same way, and numpy's refusals (a Python float to can_cast, an
array to isdtype) were not predicted. Checked against the real flopscope at two sizes.
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
    "common_type_of_an_int_array": "fnp.common_type(x, fnp.ones(2, dtype=fnp.int32))",  # float64
    "min_scalar_type_of_a_number": "fnp.min_scalar_type(3.5)",           # float16
    "min_scalar_type_of_an_array": "fnp.min_scalar_type(x)",             # float32
}


@pytest.mark.parametrize("expr", DTYPES.values(), ids=DTYPES.keys())
def test_the_dtype_asked_prices_the_work_it_sizes(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)


BRANCHED = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones((4, mlp.width), dtype=fnp.float32)
            rows = []
            for w in mlp.weights:
                try:
                    wide = {expr}
                except TypeError:
                    wide = None
                x = fnp.maximum(x @ (w if wide else w.astype(fnp.float32)), 0.0)
                if wide is None:
                    x = x * 3.0
                rows.append(fnp.mean(x, axis=0))
            return fnp.stack(rows)
    """

QUESTIONS = {
    "can_cast_array_safe": "fnp.can_cast(x, fnp.float64)",
    "can_cast_refused_narrowing": "fnp.can_cast(fnp.float64, x.dtype)",
    "can_cast_same_kind": "fnp.can_cast(fnp.float64, fnp.float32, casting='same_kind')",
    "can_cast_python_float_raises": "fnp.can_cast(2.0, fnp.float32)",
    "isdtype_kind": "fnp.isdtype(x.dtype, 'real floating')",
    "isdtype_kinds": "fnp.isdtype(x.dtype, ('integral', 'bool'))",
    "isdtype_of_array_raises": "fnp.isdtype(x, 'real floating')",
    "iscomplexobj": "fnp.iscomplexobj(w)",
    "isrealobj": "fnp.isrealobj(x)",
    "isscalar_of_array": "fnp.isscalar(x)",
    "isscalar_of_number": "fnp.isscalar(2.0)",
    "common_type_of_bool_raises": "fnp.common_type(x > 0)",
    "iterable_array": "fnp.iterable(x)",
    "iterable_number": "fnp.iterable(2.0)",
    "mintypecode": "fnp.mintypecode(['f', 'd']) == 'd'",
    "typename": "fnp.typename('f') == 'single precision'",
}


@pytest.mark.parametrize("expr", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_a_branch_on_a_dtype_question_is_priced_as_numpy_answers(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, BRANCHED, expr=expr), POINTS)
