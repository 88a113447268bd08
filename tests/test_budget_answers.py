"""A layer loop that asks the budget at every iteration (`flops.current_budget().flops_remaining`,
`.flops_used`) and acts on the answer repeats while every answer compares as the watched
iteration's did: the answers of a skipped iteration are worked out from the FLOPs charged when
it begins (counters.CounterWatch.budget_read). Counted against flopscope, and against the same
analysis with no iteration skipped, at budgets where the answers change mid-loop or run out."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer import analyze, repeats
from flopcast.model import Point
from test_paths import assert_counted_exactly, line_runs

ANSWERS = Path(__file__).resolve().parent / "fixtures" / "steady" / "budget_answers.py"
INNER = ANSWERS.with_name("budget_inner.py")


@pytest.mark.parametrize("width,depth,budget", [(16, 12, 2**41), (16, 12, 117_000), (16, 12, 90_000),
                                                (8, 30, 82_081), (8, 30, 72_961), (24, 9, 150_000)])
def test_loops_acting_on_the_budget_s_answers_are_counted_exactly(width, depth, budget):
    assert_counted_exactly(ANSWERS, Point(width, depth, budget))


@pytest.mark.parametrize("width,depth,budget", [(16, 12, 42_787), (8, 30, 60_000), (8, 30, 21_895)])
def test_skipping_them_changes_nothing_where_the_budget_runs_out(width, depth, budget, monkeypatch):
    def said(report):
        return (report.total, report.charges, report.notes, report.unpriced,
                sorted((r.what, r.span, r.every_path) for r in report.raises))

    point = Point(width, depth, budget)
    skipping = said(analyze(ANSWERS, point, formula=False))
    monkeypatch.setattr(repeats.SteadyLoop, "watch", classmethod(lambda cls, *args: None))
    assert skipping == said(analyze(ANSWERS, point, formula=False))
    assert skipping[-1]  # (the budget does run out)


def test_a_loop_is_skipped_while_the_budget_s_answers_compare_alike():
    runs = line_runs(ANSWERS, 16, (8, 400))
    for text in ("left = flops.current_budget().flops_remaining",  # compared with a bound
                 "spare = room(layer)",  # through a helper, with arithmetic, logged
                 "now = flops.current_budget().flops_remaining",  # kept, tested `is not None`
                 "if flops.current_budget().flops_used * 4 < 3 * budget:",
                 "self.seen = flops.current_budget().flops_remaining",  # kept for after the loop
                 "u = fnp.tanh(u @ w)"):  # asked in an inner loop's test
        assert runs(text)[400] < 40, text
    # an answer that sizes an array is read otherwise than compared: every iteration runs
    assert runs("n = max(1, min(3, flops.current_budget().flops_remaining // (budget // 4)))")[400] == 400


@pytest.mark.parametrize("width,depth,budget", [(8, 6, 10_088), (8, 9, 23_902), (12, 7, 33_349)])
def test_an_inner_loop_asking_the_budget_inside_a_watched_iteration_runs_its_iterations(width, depth, budget):
    # the layer loop's watch follows the inner loop's answers; the inner loop repeated on that
    # account had its tanh go on past the half-budget mark (6,352 counted 7,632 at 8x6)
    assert_counted_exactly(INNER, Point(width, depth, budget))
