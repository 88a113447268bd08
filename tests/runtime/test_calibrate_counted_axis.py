"""`--calibrate` reads a size site's count where the value holds it.

The small run records each size site's count from the value its expression makes. That was
the length of the value's first axis (of a tuple's first item), which is not the count for a
mask among slices, `w[:, keep]` (whose rows it counted: always the width), nor for `lstsq`'s
site, whether its residuals are empty (it counted the solution's length). Calibrated at the
point itself, where the run's own decisions are replayed, the count must be the run's.
"""

from __future__ import annotations

import sys
import textwrap

import pytest

from flopcast.analyzer import analyze
from flopcast.model import Point
from flopcast.runtime.calibrate import calibrate

from .helpers import ROOT

sys.path.insert(0, str(ROOT / "tests"))
from oracle import measure  # noqa: E402

POINTS = [Point(8, 2, 10**6), Point(16, 2, 10**6)]

PROGRAMS = {
    # seed 0 keeps some of the columns: their Gram costs by how many
    "mask_on_columns": """\
        w = mlp.weights[0]
        keep = w[0] > 0.0
        sub = w[:, keep]
        s = fnp.sum(sub.T @ sub)
    """,
    # two equal column pairs: rank 2 of 4, so the residuals are empty and the cheap arm runs
    "lstsq_residuals": """\
        w = mlp.weights[0]
        design = fnp.concatenate([w[:, :2], w[:, :2]], axis=1)
        coef, resid, rank, _ = fnp.linalg.lstsq(design, w[:, 2], rcond=None)
        s = fnp.sum(w @ w) if resid.size else fnp.sum(coef)
    """,
}


def _estimator(body: str) -> str:
    return textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
        """) + textwrap.indent(textwrap.dedent(body), " " * 8) + \
        "        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + s\n"


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_calibrated_at_its_own_point_a_size_site_replays_the_runs_count(tmp_path, name, point):
    path = tmp_path / "estimator.py"
    path.write_text(_estimator(PROGRAMS[name]))
    report = analyze(path, point)
    assert not report.total.exact, "the program must have a size site"
    calibration = calibrate(path, report, size=(point.width, point.depth))
    assert calibration.total == measure(path, point).total, (name, report.total, calibration.total)
