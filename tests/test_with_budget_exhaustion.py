"""flopscope's refusal of a charge past the budget inside a `with` whose manager may swallow it.

flopscope raises BudgetExhaustedError at the op that would pass the budget; a user ``__exit__``
returning true for it, or ``contextlib.suppress(flops.BudgetExhaustedError)``, swallows it and
predict goes on after the `with` on what was spent. flopcast counted the body on as if the budget
were unbounded and said "exact" (496,592 at 8x2 b=2e4 where the run spent 19,936): the with is
now a handler of the refusal, as a `try` whose clause catches it is, and the ``__exit__`` is
handed flopscope's class, so ``issubclass``/``is``/``isinstance`` on it answer as in the run.
Each case runs the real flopscope on the same code.
"""

from __future__ import annotations

import textwrap

import flopscope as flops
import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import contextlib

    import flopscope as flops
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Guard:
        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            return {swallows}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            rows = []
            for W in mlp.weights:
                x = fnp.maximum(x @ W, 0.0)
                rows.append(x)
            with {manager}:
                for _ in range(100):
                    x = fnp.tanh(x @ mlp.weights[0])
            return fnp.stack(rows)
    """
POINT = Point(4, 1, 1100)

SWALLOWING = {
    "exit_returns_true": ("Guard()", "True"),
    "exit_issubclass": ("Guard()", "exc_type is not None and issubclass(exc_type, flops.BudgetExhaustedError)"),
    "exit_issubclass_base": ("Guard()", "exc_type is not None and issubclass(exc_type, flops.FlopscopeError)"),
    "exit_is_class": ("Guard()", "exc_type is flops.BudgetExhaustedError"),
    "exit_isinstance": ("Guard()", "isinstance(exc, (KeyError, flops.BudgetExhaustedError))"),
    "suppress": ("contextlib.suppress(flops.BudgetExhaustedError)", "False"),
}


def _write(tmp_path, manager: str, swallows: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(manager=manager, swallows=swallows))
    return path


@pytest.mark.parametrize("manager, swallows", SWALLOWING.values(), ids=SWALLOWING.keys())
def test_a_with_swallowing_the_refusal_goes_on_after_it(tmp_path, manager, swallows):
    path = _write(tmp_path, manager, swallows)
    report = analyze(path, POINT)
    counted = measure(path, POINT).total
    assert report.total.exact and not report.unpriced, (report.total, report.unpriced)
    assert report.total.lo == counted, (report.total, counted)


def test_an_exit_declining_the_refusal_lets_it_leave_predict(tmp_path):
    """``issubclass(exc_type, ValueError)`` is false for flopscope's class: the refusal leaves
    predict at the op, as the run's does."""
    path = _write(tmp_path, "Guard()", "exc_type is not None and issubclass(exc_type, ValueError)")
    report = analyze(path, POINT)
    with pytest.raises(flops.BudgetExhaustedError):
        measure(path, POINT)
    assert [(r.span.line, r.budget, r.every_path) for r in report.raises] == [(25, True, True)], report.raises
    assert not report.unpriced and report.total.hi <= POINT.budget
