"""Plain numpy on Python numbers (module constants, quadrature rules) against flopscope.

`np.sqrt(2.0)` gives a float64 scalar; `np.linspace(...)`, `np.polynomial.hermite.hermgauss(k)`
give arrays whose shapes flopcast does not track. Taking them for scalars priced every op
downstream per element of a 0-d array and called the wrong total exact.
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


def test_a_plain_numpy_array_constant_is_never_priced_as_a_scalar(tmp_path):
    path = _estimator(tmp_path, "np.linspace(-3.0, 3.0, 16)", "fnp.asarray(CONST, dtype=fnp.float32)")
    report = analyze(path, POINT)
    runtime = measure(path, POINT).total
    assert report.unpriced, f"expected a lower bound, got {report.total} (runtime {runtime:,})"
    assert report.total.lo <= runtime
    assert any("np.linspace" in u.reason for u in report.unpriced)


def test_a_plain_numpy_scalar_of_python_numbers_stays_exact(tmp_path):
    path = _estimator(tmp_path, "np.sqrt(2.0)", "fnp.ones(16, dtype=fnp.float32) * CONST")
    report = analyze(path, POINT)
    runtime = measure(path, POINT).total
    assert not report.unpriced, report.unpriced
    assert report.total.exact and report.total.lo == runtime, (report.total, runtime)
