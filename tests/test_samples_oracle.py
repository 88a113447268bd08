"""Every sample's static prediction equals flopscope's runtime count, to the FLOP.

For each sample and point: the total, the per-op-name totals, and the closed-form
formula evaluated at the point all equal what the real flopscope charges.
"""

from __future__ import annotations

import pytest
from oracle import SAMPLES, assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = [(8, 1), (32, 2), (64, 4), (128, 4)]
# Single-file samples, and folder submissions (estimator.py beside its helpers and data).
# samples/intervals/ holds value-dependent samples with interval totals: tests/test_whole_programs.py.
SAMPLE_FILES = sorted(SAMPLES.glob("*.py")) + sorted(SAMPLES.glob("*/estimator.py"))
BUDGET = 2**41
# Exact samples whose cost has no single polynomial form in w, d.
NOT_POLYNOMIAL = {"strassen"}


def _sample_id(p):
    return p.parent.name if p.name == "estimator.py" else p.stem


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=_sample_id)
@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_static_total_and_per_op_totals_equal_runtime(sample, width, depth):
    point = Point(width, depth, BUDGET)
    report = analyze(sample, point)
    measured = measure(sample, point)
    where = f" — {sample.name} at {width}x{depth}"
    assert not report.unpriced, f"unpriced {report.unpriced}{where}"
    assert_exact_match(report, measured, where)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=_sample_id)
def test_formula_evaluated_at_the_point_equals_the_static_total(sample):
    from flopcast.analyzer.formula import evaluate

    point = Point(64, 4, BUDGET)
    report = analyze(sample, point, formula=True)
    if sample.stem in NOT_POLYNOMIAL:
        # Piecewise in the width (recursion cut off at a leaf size): say so, never guess.
        assert report.formula and report.formula.startswith("(no "), report.formula
        return
    assert report.formula and not report.formula.startswith("("), f"{sample.name}: no formula ({report.formula})"
    value = evaluate(report.formula, 64, 4, BUDGET)
    assert value == report.total.lo, f"{sample.name}: formula {report.formula} gives {value}, static {report.total.lo}"
