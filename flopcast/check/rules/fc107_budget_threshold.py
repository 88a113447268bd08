"""FC107: a budget threshold that does not match the real cost of the branch it chooses.

whestbench's tips suggest choosing the method from the budget (diagonal propagation
below 30·w²). The threshold is a guess; the budget at which the expensive branch really
fits is a fact of the code (flopcast/check/thresholds.py computes it with the analyzer).
A threshold below it sends budgets in between to a branch that overruns them (a zero
score); one above it leaves them on the cheaper branch although the better one fits.
"""

from __future__ import annotations

import ast
from typing import Iterator, Optional

from flopcast.check import fmt
from flopcast.check.advice import short, single_path
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule
from flopcast.check.thresholds import (BudgetBranch, Crossing, budget_branches, crossing, crossing_formula,
                                      forced_cost)


class BudgetThreshold(Rule):
    code = "FC107"
    name = "budget-threshold"
    level = Level.WARNING
    summary = ("a branch on the budget whose threshold is not where the expensive branch's real "
               "cost crosses the budget")
    wants_report = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        if not single_path(ctx) or ctx.reanalyze is None:
            return
        try:
            branches = list(budget_branches(ctx))
        except Exception:  # noqa: BLE001 - the other rules' findings stand; this one has no answer
            return
        for branch in branches:
            cost = forced_cost(ctx, branch)
            found = crossing(cost, ctx.point.budget)
            if found is None:
                continue
            first = branch.first_big_budget()
            if first == found.budget:
                continue
            formula = crossing_formula(cost, found, ctx.point)
            yield self.finding(branch.span, _message(ctx, branch, found, first, formula),
                               properties=(("threshold", first), ("crossing", found.budget),
                                           ("cost_at_crossing", found.cost_at), ("crossing_formula", formula)))


def _message(ctx: CheckContext, branch: BudgetBranch, found: Crossing, first: int,
             formula: Optional[str]) -> str:
    text = short(branch.file.segment(branch.test) or "the test", 60)
    where = fmt.where_point(ctx.point)
    big, small = branch.arm(branch.big), branch.arm(not branch.big)
    if first < found.budget:
        window = (first, found.budget - 1)
        what = (f"budgets from {fmt.flops(first)} to {fmt.flops(found.budget - 1)} take it and overrun "
                f"(a zero score)")
    else:
        window = (found.budget, first - 1)
        what = (f"budgets from {fmt.flops(found.budget)} to {fmt.flops(first - 1)} stay on {small} although "
                f"{big} fits them")
    if window[0] <= ctx.point.budget <= window[1]:
        what += ", the analysed budget among them"
    match = "b ≥" if branch.big else "b <"
    return (f"`{text}` sends budgets from {fmt.flops(first)} up to {big} at {where}, but the estimator's "
            f"cost with that branch ({fmt.flops(found.cost_at)} FLOPs there) first fits at a budget of "
            f"{fmt.flops(found.budget)}: {what}; the threshold matching the code's own costs is "
            f"{match} {fmt.flops(found.budget)}" + (f" (in w, d: {match} {formula})" if formula else ""))
