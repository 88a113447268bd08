"""FC107: a budget threshold against the budget at which its branch really fits.

The crossing the rule reports is checked with the real flopscope: at the crossing the
estimator (with the large-budget branch) runs within the budget, one FLOP of budget less
and it is stopped by flopscope's BudgetExhaustedError.
"""

from __future__ import annotations

import pytest
from oracle import SAMPLES, measure

from flopscope.errors import BudgetExhaustedError

from flopcast.check.engine import check_target
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.model import Point

BUDGET = 2**41
TOO_LOW = SAMPLES / "budget_branching.py"  # covariance from 8·w³·d, which is below its real cost
CAUTIOUS = SAMPLES / "advice" / "budget_threshold.py"  # covariance only from 64·w³·d


def fc107(path, point: Point = Point(8, 2, BUDGET)) -> list:
    result = check_target(load_submission(str(path)), point, Selection(select=("FC107",)))
    return [f for f in result.findings if f.code == "FC107"]


def test_a_threshold_below_the_real_cost_sends_budgets_in_between_to_an_overrun():
    (finding,) = fc107(TOO_LOW)
    facts = dict(finding.properties)
    assert facts["threshold"] == 8 * 8**3 * 2 < facts["crossing"]
    crossing = facts["crossing"]
    assert measure(TOO_LOW, Point(8, 2, crossing)).total == facts["cost_at_crossing"] <= crossing
    with pytest.raises(BudgetExhaustedError):  # still the covariance branch, one FLOP short
        measure(TOO_LOW, Point(8, 2, crossing - 1))


def test_a_threshold_above_the_real_cost_leaves_the_better_branch_unused(tmp_path):
    (finding,) = fc107(CAUTIOUS)
    facts = dict(finding.properties)
    crossing = facts["crossing"]
    assert crossing < facts["threshold"] == 64 * 8**3 * 2
    assert "stay on the `if` branch (line 38) although the `else` branch (line 40) fits them" in finding.message
    forced = tmp_path / "forced.py"
    forced.write_text(CAUTIOUS.read_text().replace("budget < CAUTION * mlp.width**3 * mlp.depth", "False"))
    assert measure(forced, Point(8, 2, crossing)).total == facts["cost_at_crossing"] <= crossing
    assert measure(CAUTIOUS, Point(8, 2, crossing)).total < facts["cost_at_crossing"]  # the diagonal ran
    with pytest.raises(BudgetExhaustedError):
        measure(forced, Point(8, 2, crossing - 1))


def test_the_threshold_it_names_is_quiet(tmp_path):
    (finding,) = fc107(CAUTIOUS)
    matched = tmp_path / "matched.py"
    matched.write_text(CAUTIOUS.read_text().replace(
        "CAUTION * mlp.width**3 * mlp.depth", str(dict(finding.properties)["crossing"])))
    assert fc107(matched) == []


def test_the_matching_threshold_as_a_formula_is_the_real_cost_at_another_width(tmp_path):
    from flopcast.analyzer.formula import evaluate

    (finding,) = fc107(CAUTIOUS)
    formula = dict(finding.properties)["crossing_formula"]
    assert formula == "4·d·w³ + 3·d·w + 2·w"
    forced = tmp_path / "forced.py"
    forced.write_text(CAUTIOUS.read_text().replace("budget < CAUTION * mlp.width**3 * mlp.depth", "False"))
    assert evaluate(formula, 12, 3) == measure(forced, Point(12, 3, BUDGET)).total
