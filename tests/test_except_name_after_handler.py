"""An except clause's `as` name is deleted when the clause ends (Python's own `del`).

``except ValueError as err: ...`` then ``str(err)`` after the try raises UnboundLocalError
there, every time: the analysis said "unbound local 'err' is not priced" and gave a lower bound
(784 at 8x2 where every run raises after 784). The read is now that certain raise, so the count
is exact, and a clause catching NameError around it goes on as the run does. Each case runs the
real flopscope on the same code.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure_calls

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            try:
                raise ValueError("fallback")
            except ValueError as err:
                x = fnp.tanh(x)
            try:
                note = str(err)
            except {caught}:
                x = fnp.exp(x)
            return fnp.stack([x @ w for w in mlp.weights])
    """
POINT = Point(4, 1, 10_000)


@pytest.mark.parametrize("caught, raises", [("KeyError", True), ("NameError", False)], ids=["uncaught", "caught"])
def test_reading_the_name_after_the_clause_raises_unbound_local_error(tmp_path, caught, raises):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(caught=caught))
    report = analyze(path, POINT)
    run = measure_calls(path, POINT, 1, go_on=True)[0]
    assert run.raised.startswith("UnboundLocalError") == raises, run.raised
    assert [(r.exc_type, r.span.line, r.every_path) for r in report.raises] == (
        [("UnboundLocalError", 13, True)] if raises else []), report.raises
    assert report.total.exact and not report.unpriced, (report.total, report.unpriced)
    assert report.total.lo == run.total, (report.total, run.total)
