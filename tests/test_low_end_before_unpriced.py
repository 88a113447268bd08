"""An op flopcast does not price may raise at run time: the run then stops there, having charged
only what came before it. The report's low end is therefore what its path charged before its first
such op, never the whole path's total (the rest stays in the high end): each program below raises
at run time past priced work, and the real flopscope's count up to the raise is compared."""

from __future__ import annotations

import contextlib
import textwrap

import pytest

from flopcast.analyzer import analyze
from flopcast.analyzer.render import render_text
from flopcast.model import Point
from oracle import measure_capped

POINT = Point(16, 2, 2**41)

PROGRAMS = {
    # an array attribute flopcast does not know, which flopscope's arrays do not have either
    "unknown attribute": """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                g = w.T @ w
                g.frobnicate()
                y = w @ w @ w
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(y)
        """,
    # an unmodelled call whose unknown result (one element shorter) makes a later line raise
    "unknown result": """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                rows = []
                for w in mlp.weights:
                    cov = w.T @ w
                    d = fnp.polyder(fnp.diagonal(cov))
                    rows.append(fnp.sum(cov * d[:, None], axis=0))
                    rows[-1] = rows[-1] + fnp.sum(w @ w, axis=0)
                return fnp.stack(rows)
        """,
    # in a loop: the run stops in its first iteration
    "in a loop": """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                h = fnp.ones(mlp.width)
                for w in mlp.weights:
                    h = w @ h
                    h.frobnicate()
                    h = fnp.maximum(h, 0.0) @ w
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(h)
        """,
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_low_end_is_at_most_a_run_that_raises_at_the_unpriced_op(tmp_path, name):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAMS[name]))
    report = analyze(path, POINT)
    run = measure_capped(path, POINT)
    assert run.error, "the program must raise at run time"
    assert report.lower_bound and not [u for u in report.unpriced if u.what == "internal error"], report.unpriced
    assert report.total.lo == run.total - run.per_op.get(_own_op(name), 0), (report.total, run)
    assert report.total.hi > run.total  # what follows the op is still counted at the high end


def _own_op(name: str) -> str:
    # flopscope charges fnp.polyder itself before the line after it raises; flopcast does not price it
    return "polyder" if name == "unknown result" else ""


LATER_CALL = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def __init__(self):
            self.calls = 0

        def predict(self, mlp, budget):
            self.calls += 1
            w = mlp.weights[0]
            x = w @ w
            if self.calls == 2:
                w.frobnicate()
            y = w @ w @ w
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x) + fnp.sum(y)
    """


def test_a_later_call_that_raises_at_an_unpriced_op_is_within_its_range(tmp_path):
    import importlib.util

    import flopscope as flops
    from whestbench.generation import sample_mlp

    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(LATER_CALL))
    report = analyze(path, POINT)
    spec = importlib.util.spec_from_file_location("_later_call_estimator", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    estimator = module.Estimator()
    counts = []  # the first MLP's call, then the second's, which raises
    for seed in (0, 1):
        mlp = sample_mlp(POINT.width, POINT.depth, flops.numpy.random.default_rng(seed), seed=seed)
        meter = flops.BudgetContext(flop_budget=POINT.budget, quiet=True)
        with pytest.raises(AttributeError) if seed else contextlib.nullcontext():
            with meter:
                estimator.predict(mlp, POINT.budget)
        counts.append(meter.flops_used)
    second = report.per_call[1]
    assert second.lo == counts[1] and second.hi > counts[1], (report.per_call, counts)
    assert report.total.lo <= counts[1]


def test_the_report_says_no_nominal_number_because_ops_are_not_priced(tmp_path):
    """A single path with nothing value-dependent: its low end is below its total only for the
    op not priced, and the report says that is why there is no nominal number."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAMS["unknown attribute"]))
    assert "No nominal number: ops are not priced:" in render_text(analyze(path, POINT))
