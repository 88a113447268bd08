"""``decimal.Decimal`` of known numbers in a budget model, against the real flopscope at two
sizes: the real Decimal in the default context (28 digits, half-even), its arithmetic,
``quantize``/``to_integral_value`` with a rounding mode, ``sqrt``, comparisons, ``int()``. A
context of any other kind (``getcontext()``, ``localcontext()``, a write into
``decimal.DefaultContext``) ends the path: the arithmetic after it may round otherwise."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_first_call_below_run, write_program

from flopcast.model import Point

POINTS = [Point(8, 2, 10**6), Point(16, 3, 3 * 10**6)]

PROGRAM = """\
    import decimal
    from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            per_row = Decimal(2 * mlp.width ** 2 * mlp.depth)
            {share}
            n = max(1, min(int(rows), 40))
            x = fnp.ones((n, mlp.width))
            out = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                out.append(fnp.mean(x, axis=0))
            return fnp.stack(out)
    """


@pytest.mark.parametrize("share", [
    'rows = (Decimal(budget) / per_row / Decimal("175.5")).quantize(Decimal(1), rounding=ROUND_FLOOR)',
    "rows = (Decimal(budget).sqrt() / Decimal(mlp.width) / Decimal('4.5')).to_integral_value(rounding=ROUND_HALF_UP)",
    # 1/3 in 28 digits, times 3, is 0.999...: below 1 (a float would round to 1.0)
    "rows = 7 if Decimal(1) / Decimal(3) * 3 < 1 else 3",
    "rows = sum(Decimal('0.1') for _ in range(mlp.depth * 10)) + Decimal(budget) // per_row % 5",
], ids=["quantize_floor", "sqrt_half_up", "division_rounds", "sum_and_floor_division"])
def test_decimal_shares_steer_the_sample_count_exactly(tmp_path, share):
    assert_exact_at(write_program(tmp_path, PROGRAM, share=share), POINTS)


@pytest.mark.parametrize("share", [
    "decimal.getcontext().prec = 3\n        rows = Decimal(1) / Decimal(3) * 30",
    "with decimal.localcontext() as ctx:\n            ctx.prec = 2\n            rows = Decimal(budget) / per_row",
    "decimal.DefaultContext.rounding = ROUND_FLOOR\n        rows = Decimal(5)",
], ids=["getcontext", "localcontext", "default_context"])
def test_another_decimal_context_ends_the_path(tmp_path, share):
    assert_first_call_below_run(write_program(tmp_path, PROGRAM, share=share), Point(16, 3, 3 * 10**6))


@pytest.mark.parametrize("share", [
    # InvalidOperation (an ArithmeticError) of a NaN ordered against a number
    "try:\n            rows = 5 if Decimal('NaN') < 1 else 6\n        except ArithmeticError:\n            rows = 9",
    # DivisionByZero (a ZeroDivisionError too)
    "try:\n            rows = Decimal(budget) / (per_row - per_row)\n        except ZeroDivisionError:\n            rows = 3",
    # InvalidOperation from a method (the square root of a negative number), caught as its base
    "try:\n            rows = Decimal(-budget).sqrt()\n        except ArithmeticError:\n            rows = 4",
    # InvalidOperation of text that is no number, from the constructor
    "try:\n            rows = Decimal('two')\n        except ArithmeticError:\n            rows = 5",
], ids=["nan_ordered", "division_by_zero", "negative_sqrt", "not_a_number"])
def test_decimal_signals_reach_the_handlers_python_picks(tmp_path, share):
    assert_exact_at(write_program(tmp_path, PROGRAM, share=share), POINTS)
