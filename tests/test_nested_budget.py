"""A budget a participant opens inside ``predict``.

whestbench runs ``predict`` inside its own BudgetContext, and flopscope refuses a second one
when it is entered (RuntimeError: Cannot nest BudgetContexts): the body of
``with flops.budget(n):`` never runs, and a handler around it takes over.
"""

from __future__ import annotations

import pytest

from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

SUB_BUDGET = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        try:
            with {opener}:
                g = w.T @ w @ w
        except {caught}:
            g = w * 2.0
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(g)
"""


def _write(tmp_path, opener: str, caught: str = "RuntimeError"):
    path = tmp_path / "estimator.py"
    path.write_text(SUB_BUDGET.format(opener=opener, caught=caught))
    return path


@pytest.mark.parametrize("width,depth", [(8, 1), (32, 3)])
@pytest.mark.parametrize("opener", ["flops.budget(budget // 2)", "flops.BudgetContext(flop_budget=10**9, quiet=True)"])
def test_a_sub_budget_in_predict_is_refused_and_the_fallback_runs(tmp_path, width, depth, opener):
    path = _write(tmp_path, opener)
    point = Point(width, depth, 10**9)
    assert_exact_at(path, [point])


@pytest.mark.parametrize("width,depth", [(8, 1), (32, 3)])
@pytest.mark.parametrize("amount", ["0", "float('nan')", "float('inf')"])
def test_a_sub_budget_of_no_amount_is_refused_by_its_amount_first(tmp_path, width, depth, amount):
    # flopscope checks the amount when the context is made: ValueError, which
    # `except ValueError` catches, before the nesting is refused
    path = _write(tmp_path, f"flops.budget({amount})", caught="ValueError")
    point = Point(width, depth, 10**9)
    assert_exact_at(path, [point])


def test_an_uncaught_sub_budget_fails_predict(tmp_path):
    path = _write(tmp_path, "flops.budget(budget)", caught="ZeroDivisionError")
    point = Point(8, 1, 10**9)
    with pytest.raises(RuntimeError, match="Cannot nest BudgetContexts"):
        measure(path, point)
    report = analyze(path, point)
    (raised,) = report.raises
    assert raised.what == "RuntimeError: Cannot nest BudgetContexts" and raised.every_path


HELD_BUDGET = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

CAP = flops.budget(10**9)


@flops.budget(10**6)
def gram(w):
    return w.T @ w @ w


class Estimator(BaseEstimator):
    def setup(self, context):
        with CAP:  # outside predict nothing refuses it: the body runs
            self.scale = 2.0

    def predict(self, mlp, budget):
        w = mlp.weights[0]
        {body}
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(g)
"""
HELD_BODIES = {
    "made_then_entered": "cap = flops.budget(budget // 2)\n        try:\n            with cap:\n"
                         "                g = w.T @ w @ w\n        except RuntimeError:\n            g = w * self.scale",
    "module_level_entered_in_predict": "try:\n            with CAP as c:\n                g = w.T @ w @ w\n"
                                       "        except RuntimeError:\n            g = w * self.scale",
    "decorated_function": "try:\n            g = gram(w)\n        except RuntimeError:\n            g = w * self.scale",
}


@pytest.mark.parametrize("body", HELD_BODIES.values(), ids=HELD_BODIES.keys())
def test_a_budget_made_first_is_refused_when_entered_in_predict(tmp_path, body):
    """`cap = flops.budget(n)` then `with cap:`, and `@flops.budget(n)` on a helper: flopscope
    refuses the context when it is entered inside predict, not when it is made (flopcast left
    `flops.budget(...)` outside a `with` unpriced: a lower bound)."""
    path = tmp_path / "estimator.py"
    path.write_text(HELD_BUDGET.format(body=body))
    assert_exact_at(path, [Point(8, 1, 10**9), Point(32, 3, 10**9)])
