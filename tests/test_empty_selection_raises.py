"""A reduction of a selection that may be empty raises only when nothing is selected.

``fnp.max(s[s > tol * s[0]])`` raises ValueError when the mask keeps nothing. The mask's count
is analysed at the ends of its range, and the end 0 stands for the counts next to it, which do
not raise: the raise was left unpriced there (a lower bound), though it is the run's whenever
the count is 0. The count next to that end is analysed too, so the path at count 0 stands for
no other count: its raise is reported at its line as the run's, nothing is unpriced, and the
interval holds the run's count whether the mask keeps everything or nothing (then the run
raises at that line, after what the interval's low end counts).
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = [Point(8, 2, 10**6), Point(16, 2, 10**6)]

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            s = fnp.linalg.svd(w, compute_uv=False)
            kept = s[s > {cut} * s[0]]
            top = fnp.max(kept)
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(w * top)
    """
MAX_LINE = 10


def _report(tmp_path, cut: float, point: Point):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(cut=cut)))
    report = analyze(path, point)
    assert not report.unpriced, [(u.span.line, u.what, u.reason) for u in report.unpriced]
    assert [r.span.line for r in report.raises] == [MAX_LINE], report.raises
    return path, report


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_max_of_a_selection_that_keeps_units_is_inside_the_interval_with_the_raise_reported(tmp_path, point):
    path, report = _report(tmp_path, 1e-7, point)
    runtime = measure(path, point).total
    assert report.total.contains(runtime), (report.total, runtime)


def _count_until_raise(path, point: Point) -> int:
    """What flopscope charges the run of ``path`` before its predict raises ValueError."""
    import importlib.util

    import flopscope as flops
    from whestbench.generation import sample_mlp

    spec = importlib.util.spec_from_file_location("_empty_selection_estimator", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    mlp = sample_mlp(point.width, point.depth, flops.numpy.random.default_rng(0), seed=0)
    meter = flops.BudgetContext(flop_budget=point.budget, quiet=True)
    with pytest.raises(ValueError, match="zero-size array"):
        with meter:
            module.Estimator().predict(mlp, point.budget)
    return meter.flops_used


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_max_of_an_empty_selection_is_the_runs_raise_at_the_interval_low_end(tmp_path, point):
    path, report = _report(tmp_path, 2.0, point)
    spent = _count_until_raise(path, point)
    assert report.total.lo == spent, (report.total, spent)
