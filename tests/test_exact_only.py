"""An analysis asked only whether its total is one number (a saving formula's point) stops as soon
as two paths prove it is not (paths.NotExact), and only then: the full report is never exact there."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import SAMPLES

from flopcast.analyzer import analyze
from flopcast.analyzer import interpreter
from flopcast.analyzer.paths import NotExact
from flopcast.check.engine import check_target
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.model import Point

CORPUS = Path(__file__).parent / "realistic" / "estimators"
BUDGET = 2**41

# A branch on data whose two arms cost the same: several paths, one total.
SAME_EITHER_WAY = '''
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.depth, mlp.width), dtype=fnp.float32)
        if float(fnp.max(x)) > 1.0:
            x = x * 2.0
        else:
            x = x + 1.0
        return x
'''

FILES = [CORPUS / "qr_active", CORPUS / "mask_cascade.py", CORPUS / "fourier_power.py",
         CORPUS / "staged_pipeline.py", SAMPLES / "intervals" / "covariance_rescale.py",
         SAMPLES / "intervals" / "convergence_loop.py", SAMPLES / "covariance_propagation.py"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_it_stops_only_where_the_whole_analysis_is_not_exact(path):
    point = Point(16, 2, BUDGET)
    full = analyze(path, point)
    try:
        quick = analyze(path, point, exact_only=True)
    except NotExact:
        assert not full.total.exact
    else:
        assert (quick.total, quick.charges, quick.alike) == (full.total, full.charges, full.alike)


def test_paths_that_cost_the_same_run_to_the_end(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(SAME_EITHER_WAY)
    point = Point(8, 2, BUDGET)
    report = analyze(path, point, exact_only=True)
    assert report.total.exact and report.uncertain
    assert report.total == analyze(path, point).total


def test_a_saving_formulas_point_that_is_not_exact_takes_two_runs(monkeypatch):
    runs = []
    real = interpreter.Interpreter.run

    def counted(self, cls):
        runs.append(self.decisions)
        return real(self, cls)

    monkeypatch.setattr(interpreter.Interpreter, "run", counted)
    sub = load_submission(str(CORPUS / "qr_active"))
    point = Point(16, 2, BUDGET)
    result = check_target(sub, point, Selection(select=("FC102",)), exact_only=True)
    assert result.report is None and result.analysis_error is None
    assert len(runs) == 2
    runs.clear()
    whole = check_target(sub, point, Selection(select=("FC102",)))
    assert not whole.report.exact and len(runs) > 2
