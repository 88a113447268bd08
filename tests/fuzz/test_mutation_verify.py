"""mutation_verify.py calls a mutant bad only where flopcast's report makes a false claim."""

from __future__ import annotations

from pathlib import Path

import pytest

import mutation_verify

MIXED = Path(__file__).resolve().parents[1] / "fixtures" / "alike" / "mixed_answers.py"


@pytest.mark.parametrize("width, depth", [(8, 2), (16, 3)])
def test_a_run_mixing_the_answers_of_a_site_the_report_assumes_alike_is_no_false_claim(width, depth):
    # verify says MISMATCH (the exp no explored path runs), but the report named the site and
    # the run's total lies inside its interval: a true report, not a mutant to chase
    bad, said = mutation_verify.verdict(MIXED, width, depth, 2**41)
    assert said.startswith("MISMATCH") and not bad, said


EITHER_RAISE = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.max(mlp.weights[0] @ mlp.weights[-1])
        if float(x) < 1e30:
            raise ValueError("the weights are finite")
        raise KeyError("not finite")
'''


@pytest.mark.parametrize("width, depth", [(8, 2), (16, 3)])
def test_a_raise_the_report_predicts_on_some_paths_after_its_exact_count_is_no_false_claim(tmp_path, width, depth):
    # every path raises after the same charges, so the count is exact, but neither raise is on
    # every path: the report had both the raise (on some paths) and the count right
    path = tmp_path / "estimator.py"
    path.write_text(EITHER_RAISE)
    bad, said = mutation_verify.verdict(path, width, depth, 2**41)
    assert said.startswith("raises as predicted") and not bad, said


CLASS_LINE_GONE = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def relu(x):
    return fnp.maximum(x, 0.0)


    def predict(self, mlp, budget):
        return fnp.zeros((mlp.depth, mlp.width))
'''


@pytest.mark.parametrize("width, depth", [(8, 1), (16, 2)])
def test_a_mutant_without_its_class_line_is_refused_by_both_sides_and_is_no_false_claim(tmp_path, width, depth):
    # deleting `class Estimator(BaseEstimator):` leaves valid Python (predict nests in relu,
    # after its return): whestbench finds no estimator and neither does flopcast, which is true
    path = tmp_path / "estimator.py"
    path.write_text(CLASS_LINE_GONE)
    bad, said = mutation_verify.verdict(path, width, depth, 2**41)
    assert said.startswith("LOAD ERROR") and not bad, said
