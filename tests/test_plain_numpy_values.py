"""Plain numpy on Python numbers (module constants, quadrature rules) against flopscope.

`np.sqrt(2.0)` gives a float64 scalar and `np.linspace(...)` a plain ndarray of known shape;
`np.polynomial.hermite.hermgauss(k)` gives arrays whose shapes flopcast does not track.
Taking them for scalars priced every op downstream per element of a 0-d array and called
the wrong total exact.
"""

from __future__ import annotations

import textwrap

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINT = Point(8, 2, 10**6)


def _estimator(tmp_path, constant: str, vector: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(f"""\
        import numpy as np
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        CONST = {constant}


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                g = {vector}
                scale = fnp.sum(fnp.tanh(g) * g)
                return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + scale
        """))
    return path


def test_a_plain_numpy_array_constant_is_priced_as_the_array_it_is(tmp_path):
    # np.linspace computes a plain ndarray for free (analyzer/plain_numpy.py): its shape is
    # known, so what fnp does with it downstream is exact
    path = _estimator(tmp_path, "np.linspace(-3.0, 3.0, 16)", "fnp.asarray(CONST, dtype=fnp.float32)")
    report = analyze(path, POINT)
    runtime = measure(path, POINT).total
    assert not report.unpriced, report.unpriced
    assert report.total.exact and report.total.lo == runtime, (report.total, runtime)


def test_a_plain_numpy_scalar_of_python_numbers_stays_exact(tmp_path):
    path = _estimator(tmp_path, "np.sqrt(2.0)", "fnp.ones(16, dtype=fnp.float32) * CONST")
    report = analyze(path, POINT)
    runtime = measure(path, POINT).total
    assert not report.unpriced, report.unpriced
    assert report.total.exact and report.total.lo == runtime, (report.total, runtime)


def _sized_by(tmp_path, size: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(f"""\
        import numpy as np
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                n = {size}
                x = fnp.ones((n, mlp.width), dtype=fnp.float32) @ mlp.weights[0]
                return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.mean(x, axis=0)
        """))
    return path


def test_a_sample_count_clamped_with_np_clip_of_known_numbers_is_known(tmp_path):
    # numpy computes np.clip / np.ceil / np.sqrt of known Python numbers; int() of the numpy
    # scalar is the known count, so the sizes it makes are exact
    _assert_sized_exactly(tmp_path, ("int(np.clip(budget // 5000, 8, 400))",
                                     "int(np.ceil(np.sqrt(budget / 1000.0)))",
                                     "int(np.maximum(3, np.floor(np.log2(budget))))"))


def _assert_sized_exactly(tmp_path, sizes) -> None:
    """Each size, an expression of the budget, makes the estimator's arrays: exact and equal to the
    real count, at two (width, depth)."""
    for size in sizes:
        for point in (POINT, Point(16, 3, POINT.budget)):
            path = _sized_by(tmp_path, size)
            report = analyze(path, point)
            runtime = measure(path, point).total
            assert not report.unpriced and not report.uncertain, (size, point, report.unpriced, report.uncertain)
            assert report.total.exact and report.total.lo == runtime, (size, point, report.total, runtime)


def test_a_plain_numpy_scalar_of_known_ints_keeps_numpys_integer_dtype(tmp_path):
    # np.maximum(2, 3) is numpy's int64 3, not a float64: an int32 array times it is int64,
    # so a bitwise and on the product works (on a float64 it would raise TypeError)
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                odd = (fnp.arange(mlp.width, dtype=fnp.int32) * np.maximum(2, 3)) & 1
                return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + odd
        """))
    report = analyze(path, POINT)
    assert not report.raises and not report.unpriced, (report.raises, report.unpriced)
    assert report.total.exact and report.total.lo == measure(path, POINT).total


def _of_a_value_read_from_data(tmp_path, lines: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.maximum(fnp.ones(mlp.width, dtype=fnp.float32) @ mlp.weights[0].astype(fnp.float32), 0.0)
        """) + textwrap.indent(textwrap.dedent(lines), " " * 8))
    return path


def test_a_plain_numpy_function_of_a_float32_of_unknown_value_is_a_float32(tmp_path):
    # np.sqrt of a float32 scalar is a float32 whatever its value: the float32 product after it
    # stays float32 (taken for a float64 it made every later op a float64 one, a false exact)
    path = _of_a_value_read_from_data(tmp_path, """\
        g = np.sqrt(np.float32(float(fnp.sum(x))))
        y = fnp.tanh((x * g) @ mlp.weights[1].astype(fnp.float32))
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + y
        """)
    report = analyze(path, POINT)
    assert not report.unpriced, report.unpriced
    assert report.total.exact and report.total.lo == measure(path, POINT).total


def test_np_floor_of_an_integer_read_from_data_is_an_integer(tmp_path):
    # numpy 2 keeps an integer's dtype through floor/ceil/trunc: np.floor(k) is an int64, so a
    # bitwise and on an int32 array times it works (on a float64 it would raise TypeError)
    path = _of_a_value_read_from_data(tmp_path, """\
        k = int(fnp.count_nonzero(x > 0.2))
        odd = (fnp.arange(mlp.width, dtype=fnp.int32) * np.floor(k)) & 1
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + odd
        """)
    report = analyze(path, POINT)
    assert not report.raises and not report.unpriced, (report.raises, report.unpriced)
    assert report.total.exact and report.total.lo == measure(path, POINT).total


def test_rounding_and_integer_numpy_functions_of_known_numbers_are_known(tmp_path):
    # np.round / np.trunc / np.exp2 / np.cbrt / np.mod / np.gcd of known numbers: numpy's own value
    _assert_sized_exactly(tmp_path, ("int(np.round(np.cbrt(budget / 1000.0)))",
                                     "int(np.mod(budget, 97)) + int(np.trunc(np.exp2(3.5)))",
                                     "int(np.gcd(budget, 360)) + int(np.rint(np.float32(2.5)))"))
