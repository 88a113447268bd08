"""A generator that reads the live meter after its first item reads what the run's consumer spent.

flopcast runs a generator's body ahead of its consumer, all at once: the consumer's charges
between two items come after the whole body. A chunk planner written as a generator that sizes
each chunk from ``flops.current_budget()`` (what is left) saw the meter as it was before the
first chunk at every item, so every chunk was as big as the first; flopcast claimed an exact
count far above the run's (219,600 against 94,160 at 8x2, budget 100,000): a false exact.

Before its first item the body runs exactly as the run does (the consumer has not charged yet),
so that read is still a number; past it the meter is a value the analysis does not follow.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.analyzer.render import render_text
from flopcast.model import Point

PROGRAM = """\
    import flopscope as flops
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def chunk_plan(width, depth, chunk, count):
        per_row = 32 * width + depth * (2 * width * width + width)
        for _ in range(count):
            snap = flops.current_budget()
            left = snap.flop_budget - snap.flops_used
            yield max(4, min(chunk, int(left * 0.3) // per_row))


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rng = fnp.random.default_rng(1)
            total = fnp.zeros(mlp.width)
            rows = 0
            for m in chunk_plan(mlp.width, mlp.depth, 64, {count}):
                x = rng.standard_normal((m, mlp.width))
                for w in mlp.weights:
                    x = fnp.maximum(x @ w, 0.0)
                total = total + fnp.sum(x, axis=0)
                rows += m
            return fnp.zeros((mlp.depth, mlp.width)) + total / max(rows, 1)
    """
POINTS = (Point(8, 2, 100_000), Point(16, 2, 300_000))


def test_meter_read_past_the_first_item_is_not_a_number(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(count=5)))
    for point in POINTS:
        report = analyze(path, point)
        run = measure(path, point).total
        assert not report.total.exact and report.uncertain, report.total
        assert report.total.contains(run), (str(report.total), run)


def test_meter_read_before_the_first_item_is_the_runs(tmp_path):
    """One item: the body reads the meter before the consumer has charged anything."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(count=1)))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, report.unpriced
        assert_exact_match(report, measure(path, point))


GENERATOR_OVER_BUDGET = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def batches(width, n):
    for _ in range(n):
        yield fnp.ones((64, width)) * 0.5


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        rows = []
        for x in batches(mlp.width, 2):
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            rows.append(fnp.mean(x, axis=0))
        return fnp.stack([rows[0] + rows[1]] * mlp.depth)
"""


def test_a_total_past_the_budget_with_a_generators_charges_says_the_run_raises(tmp_path):
    """A generator's charges are filed where its body runs, not in the run's order, so flopcast
    places no op for the overrun; the text report named no raise at all beside a total past the
    budget (hunt52b's log_of_call_counter). It now says flopscope stops the run before the end."""
    path = tmp_path / "estimator.py"
    path.write_text(GENERATOR_OVER_BUDGET)
    point = Point(8, 2, 10_000)
    report = analyze(path, point)
    assert report.total.lo > point.budget and not report.raises
    assert "flopscope raises BudgetExhaustedError before predict ends" in render_text(report)
    with pytest.raises(Exception) as raised:
        measure(path, point)
    assert type(raised.value).__name__ == "BudgetExhaustedError"
