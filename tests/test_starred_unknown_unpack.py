"""A starred unpack of a value flopcast does not know binds every name: ``coef, *_ = lstsq(...)``.

With an operand left unpriced upstream, flopcast assigned nothing before the star: the next
read of ``coef`` was reported as "read before it is assigned on this path (Python raises
UnboundLocalError)", which Python never does there, and the rest of the path was dropped
from the report as if the run stopped. The names now hold unknown values: the report stays
a lower bound below the run, and names the real cause. Checked against the real flopscope.
"""

from __future__ import annotations

import pytest
from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rows = []
            for w in mlp.weights:
                g = w.T @ w * fnp.may_share_memory(w, w)  # a free op flopcast does not model
                {target} = fnp.linalg.lstsq(g, fnp.ones(mlp.width), rcond=None)
                rows.append(coef * 2.0)
            return fnp.stack(rows)
    """
TARGETS = {"star_last": "coef, *_", "star_first": "*_, rank_, sv", "star_middle": "coef, *_, sv"}


@pytest.mark.parametrize("point", (Point(8, 1, 2**41), Point(16, 2, 2**41)), ids=str)
@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
def test_names_unpacked_from_an_unknown_value_are_bound(tmp_path, target, point):
    program = PROGRAM if "coef" in target else PROGRAM.replace("coef * 2.0", "sv * 2.0")
    path = write_program(tmp_path, program, target=target)
    report = analyze(path, point)
    reasons = [u.reason for u in report.unpriced]
    assert not [r for r in reasons if "UnboundLocalError" in r], reasons
    assert not report.raises, report.raises
    assert any("may_share_memory" in r for r in reasons), reasons
    assert report.total.lo <= measure(path, point).total
