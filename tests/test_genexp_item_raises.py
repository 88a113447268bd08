"""An item of a generator expression that raises raises where the item is taken, not where the
expression is written.

flopcast makes a kept generator expression's items where it is written (genexp_as_generator);
Python makes each when a consumer asks for it, so its exception reaches the consumer, in the
consumer's `try`, after the items before it were taken. A ValueError of a matmul whose shapes do
not match, made ahead outside the `try` that takes it, was raised outside it: a false exact of
the work before the raise, the handler never counted. Each case against the real flopscope at
two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            out = w
            rows = [fnp.sum(w)]
            {body}
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(out) + fnp.sum(fnp.stack(rows))
    """
POINTS = (Point(8, 2, 10**7), Point(16, 3, 10**8))

TAKEN_IN_A_TRY = {
    "kept_then_next": """gen = (x @ fnp.ones(3) for x in [w, w])
        try:
            out = out + next(gen)
        except ValueError:
            out = w @ w""",
    "zip_over_an_expression_written_in_the_call": """try:
            for i, m in zip(range(5), (x @ w for x in [w, w, w[:, :2]])):
                rows.append(fnp.sum(m * i))
        except ValueError:
            rows.append(fnp.sum(w @ w))""",
    "kept_then_looped_over": """gen = (x @ w for x in [w, w[:, :3], w])
        try:
            for m in gen:
                rows.append(fnp.sum(m @ w))
        except ValueError:
            out = out * 2.0""",
}


@pytest.mark.parametrize("body", TAKEN_IN_A_TRY.values(), ids=TAKEN_IN_A_TRY.keys())
def test_an_item_that_raises_raises_in_the_try_of_the_consumer_that_takes_it(tmp_path, body):
    assert_exact_at(write_program(tmp_path, PROGRAM, body=body), POINTS)


def test_an_expression_written_in_a_try_raises_where_its_item_is_taken_outside_it(tmp_path):
    path = write_program(tmp_path, PROGRAM, body="""try:
            gen = (x @ fnp.ones(3) for x in [w, w])
        except ValueError:
            gen = iter([w])
        out = out + next(gen)""")
    for point in POINTS:
        report = analyze(path, point)
        assert [(r.span.line, r.exc_type, r.every_path) for r in report.raises] == [(11, "ValueError", True)]
        with pytest.raises(ValueError):
            measure(path, point)
