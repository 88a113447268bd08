"""What whestbench's scorer does with predict's return value, proven against whestbench.

``materialise_predictions`` checks ``predictions.shape`` (``()`` when the value has none)
against ``(depth, width)`` inside the meter and raises ValueError before its float32 cast.
flopcast reports that raise at ``predict`` for values with no shape (a generator object, a
list); an array of the wrong shape is check's FC204.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "constructs"
POINT = Point(8, 2, 10**5)


def _runtime_error(path: Path) -> str:
    with pytest.raises(ValueError) as caught:
        measure(path, POINT)
    return str(caught.value)


def test_a_generator_predict_is_rejected_by_the_scorer_and_reported_as_a_raise():
    path = FIXTURES / "generator_predict.py"
    report = analyze(path, POINT)
    message = _runtime_error(path)
    assert len(report.raises) == 1 and report.raises[0].every_path
    raised = report.raises[0]
    assert raised.span.line == 7 and raised.what.startswith(f"ValueError: {message}")
    assert "generator object" in raised.what
    assert report.total.lo == 0  # the body never runs, and the run charges nothing


def test_a_list_of_rows_is_rejected_by_the_scorer_and_reported_as_a_raise():
    # (an array of the wrong shape is check's FC204, from report.returned)
    path = FIXTURES / "list_prediction.py"
    report = analyze(path, POINT)
    message = _runtime_error(path)
    assert [r.what for r in report.raises] == [f"ValueError: {message}"]


@pytest.mark.parametrize("dtype", ["complex64", "complex128", "float16", "int32", "int64", "bool_"])
def test_the_scorer_cast_of_a_prediction_of_any_dtype_is_billed_as_flopscope_bills_it(tmp_path, dtype):
    # fnp.asarray(pred, dtype=float32) bills the heavier dtype, the source on a tie: a complex64
    # prediction pays asarray's complex factor (the session 15 mutation hunt's false exact)
    path = tmp_path / "estimator.py"
    path.write_text(f"""import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        return fnp.ones((mlp.depth, mlp.width)).astype(fnp.{dtype})
""")
    report = analyze(path, POINT)
    assert report.exact and not report.lower_bound
    assert report.total.lo == measure(path, POINT).total
