"""``super()`` with no arguments takes the first argument of the function whose code calls it.
In a list comprehension (a function of its own before Python 3.12, whose first argument is its
iterator) it raises TypeError, and in a lambda with no argument RuntimeError; flopcast took the
method's `self` in both and claimed an exact total for a run that raises. Checked against the
real flopscope: the raise flopcast reports is the one the run makes, and the forms that work
stay exact at two sizes.
"""

from __future__ import annotations

import sys
import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Base(BaseEstimator):
        def step(self, x):
            return x * 2.0


    class Estimator(Base):
        def step(self, x):
            return x + 1.0

        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            {body}
            return fnp.zeros((mlp.depth, mlp.width)) + y
    """


def _write(tmp_path, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).replace("{body}", body))
    return path


def _raises_as_the_run(path, error: str) -> None:
    point = POINTS[0]
    report = analyze(path, point)
    assert report.raises and all(error in r.what for r in report.raises), report.raises
    with pytest.raises(Exception) as caught:
        measure(path, point)
    assert error in f"{type(caught.value).__name__}: {caught.value}"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="comprehensions are inlined from Python 3.12 on")
def test_zero_argument_super_in_a_list_comprehension_raises_type_error(tmp_path):
    _raises_as_the_run(_write(tmp_path, "y = sum([super().step(x) for _ in range(2)])"), "TypeError")


def test_zero_argument_super_in_a_lambda_without_arguments_raises_runtime_error(tmp_path):
    _raises_as_the_run(_write(tmp_path, "y = (lambda: super().step(x))()"), "RuntimeError")


def test_super_with_its_arguments_in_a_comprehension_and_a_lambda_with_one_stays_exact(tmp_path):
    path = _write(tmp_path, "y = sum([super(Estimator, self).step(x) for _ in range(2)]) "
                            "+ (lambda s: super(Estimator, s).step(x))(self) + super().step(x)")
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.raises and not report.unpriced, (point, report.total)
        assert report.total.lo == measure(path, point).total, point
