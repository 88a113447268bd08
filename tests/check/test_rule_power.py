"""FC102: power (16x) where a 1x op gives the same values."""

from __future__ import annotations


from .helpers import charge, report

SOURCE = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones((mlp.depth, mlp.width), dtype=fnp.float32)
        a = h ** 2
        b = fnp.power(h, 2)
        c = h ** 0.5
        d = h ** -1
        e = h ** 3
        n = mlp.width ** 2
        return a + b + c + d + e
"""


def power_charges(p):
    return [charge(p, 8, 4096, op="power", col=12, end_col=18),
            charge(p, 9, 4096, op="power", col=12, end_col=27),
            charge(p, 10, 4096, op="power", col=12, end_col=20),
            charge(p, 11, 4096, op="power", col=12, end_col=19),
            charge(p, 12, 4096, op="power", col=12, end_col=18)]


def test_fc102_suggests_the_1x_twin_with_the_flops_it_saves(check):
    found = check(SOURCE, select="FC102", report=lambda p: report(p, power_charges(p)))
    assert [f.line for f in found] == [8, 9, 10, 11]
    assert "`h * h`" in found[0].message
    assert "saves 3,840 FLOPs" in found[0].message  # 4096 * (1 - 1/16)
    assert "`h * h`" in found[1].message
    assert "`fnp.sqrt(h)`" in found[2].message
    assert "`1 / h`" in found[3].message


def test_fc102_is_quiet_for_exponents_without_an_exact_1x_twin(check):
    found = check(SOURCE, select="FC102", report=lambda p: report(p, power_charges(p)))
    assert 12 not in [f.line for f in found]


def test_fc102_is_quiet_on_python_number_powers_the_analyzer_did_not_charge(check):
    found = check(SOURCE, select="FC102", report=lambda p: report(p, power_charges(p)))
    assert 13 not in [f.line for f in found]


def test_fc102_falls_back_to_the_pattern_when_there_is_no_report(check):
    found = check(SOURCE, select="FC102", report=None)
    assert 8 in [f.line for f in found]
    assert "93.8%" in found[0].message
