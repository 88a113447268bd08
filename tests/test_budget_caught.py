"""A budget that runs out into the program's own except clause: flopscope raises
BudgetExhaustedError before the charge that would pass the budget, and an `except Exception`
(or FlopscopeError, BudgetExhaustedError, a bare except) around it goes on in the handler —
a "try the expensive path, fall back when the budget runs out" ladder. The analysis raises it
there too, so the count is the run's exactly; a handler that does not catch it leaves the
count as if unbounded, as before (tests/runtime/test_budget_raises.py)."""

from __future__ import annotations

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

LADDER = '''import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


def propagate(mlp, n):
    x = fnp.ones((n, mlp.width))
    for w in mlp.weights:
        x = fnp.maximum(x @ w, 0.0)
    return fnp.mean(x, axis=0)


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        rows = fnp.zeros((mlp.depth, mlp.width))
        try:
            for step in range(200):  # keeps refining until the budget runs out
                rows = rows + propagate(mlp, 16)
        except {clause}:
            rows = rows * 0.5
        return rows
'''

CLAUSES = ["Exception", "flops.BudgetExhaustedError", "flops.FlopscopeError", "(ValueError, Exception)"]


@pytest.mark.parametrize("clause", CLAUSES)
def test_a_handler_that_catches_it_goes_on_and_the_count_is_exact(tmp_path, clause):
    path = tmp_path / "estimator.py"
    path.write_text(LADDER.format(clause=clause))
    for point in (Point(8, 2, 50_000), Point(16, 3, 400_000)):
        report = analyze(path, point)
        real = measure(path, point).total
        assert report.total.exact and not report.unpriced, report.unpriced
        assert report.total.lo == real <= point.budget
        assert not report.raises


def test_a_handler_that_does_not_catch_it_leaves_the_count_as_if_unbounded(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(LADDER.format(clause="ValueError"))
    point = Point(8, 2, 50_000)
    report = analyze(path, point)
    (raised,) = report.raises
    assert raised.budget and raised.exc_type == "BudgetExhaustedError"
    assert report.total.lo > point.budget


def test_a_size_read_from_data_with_the_budget_running_out_is_not_a_closed_interval(tmp_path):
    # the more units survive, the sooner the budget runs out into the fallback: the ends of the
    # count no longer bound what the counts in between cost
    path = tmp_path / "estimator.py"
    path.write_text(LADDER.format(clause="Exception").replace(
        "        x = fnp.maximum(x @ w, 0.0)\n",
        "        alive = fnp.nonzero(fnp.max(x, axis=0) > 0)[0]\n        x = fnp.maximum(x[:, alive] @ w[alive], 0.0)\n"))
    point = Point(8, 2, 50_000)
    report = analyze(path, point)
    assert any(u.what == "budget exhausted" for u in report.unpriced)
    assert report.total.lo <= measure(path, point).total


INSIDE = '''import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


def attempt(mlp, n):
    try:
        x = fnp.ones((n, mlp.width))
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        return fnp.mean(x, axis=0)
    except flops.BudgetExhaustedError:
        return fnp.zeros(mlp.width)


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        rows = {rows}
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)  # free: the attempts are the count
'''


@pytest.mark.parametrize("rows", ["[attempt(mlp, 16) for _ in range(6)]",
                                  "[]\n        for _ in range(40):\n            rows.append(attempt(mlp, 16))"])
def test_a_repeated_call_whose_own_handler_catches_it_is_run_again_where_the_budget_runs_out(tmp_path, rows):
    # the same call in the same state (reused, or a loop's repeated iterations) while the budget
    # lasts, then the one that runs out into its own except clause and every one after it
    path = tmp_path / "estimator.py"
    path.write_text(INSIDE.format(rows=rows))
    for point in (Point(8, 2, 20_000), Point(16, 3, 120_000)):
        report = analyze(path, point)
        real = measure(path, point).total
        assert report.total.exact and not report.unpriced, report.unpriced
        assert report.total.lo == real <= point.budget


@pytest.mark.parametrize("variant", ["generator", "unpriced", "quiet generator"])
def test_where_the_flops_spent_are_not_followed_the_path_stops_where_the_budget_may_run_out(tmp_path, variant):
    # a generator's body ran (its charges are filed when it runs, not interleaved with its
    # consumer's) or an op before is unpriced: flopcast cannot claim where flopscope refuses a
    # charge, and counting on as if unbounded put the low end far above the run (200 steps
    # where the run's budget lasts a few); the path stops there, a lower bound with the cause
    text = LADDER.format(clause="flops.BudgetExhaustedError")
    if variant in ("generator", "quiet generator"):
        # a generator whose body charges (a scaled copy of each layer) or charges nothing
        item = "w * 1.0" if variant == "generator" else "w"
        text = text.replace("def propagate(mlp, n):\n",
                            f"def layers(mlp):\n    for w in mlp.weights:\n        yield {item}\n\n\ndef propagate(mlp, n):\n")
        text = text.replace("    for w in mlp.weights:\n        x =", "    for w in layers(mlp):\n        x =")
    else:
        text = text.replace("        rows = fnp.zeros((mlp.depth, mlp.width))\n",
                            "        rows = fnp.zeros((mlp.depth, mlp.width)) + fnp.unwrap(fnp.ones(4))[0]\n")
    path = tmp_path / "estimator.py"
    path.write_text(text)
    for point in (Point(8, 2, 50_000), Point(16, 3, 400_000)):
        report = analyze(path, point)
        real = measure(path, point).total
        assert report.total.lo <= real <= point.budget, (report.total, real)
        if variant == "quiet generator":
            # its body charged nothing: the running total is the run's and the claim is exact
            assert report.total.exact and not report.unpriced and report.total.lo == real, report.unpriced
        elif variant == "generator":
            assert any(u.what == "budget exhaustion" for u in report.unpriced), report.unpriced
        else:
            # the value it cannot compute reaches the try's body first: an op on it may raise into
            # the handler, so the path stops there, before the budget can run out
            assert any("inside a try statement" in n.message for n in report.notes), report.notes
