"""Quiet on good code: the samples that already follow whestbench's performance tips
(float32 throughout, nothing recomputed or thrown away, discounted contractions, no
budget threshold) get no cost-advice finding, at a small point and at the round."""

from __future__ import annotations

import pytest
from oracle import SAMPLES

from flopcast.check.engine import check_target
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.model import Point

ADVICE = ("FC004", "FC101", "FC102", "FC103", "FC104", "FC105", "FC106", "FC107")
GOOD = ("mean_propagation_f32.py", "einsum_covariance.py", "monte_carlo.py", "budget_doubling.py")


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(1024, 16, 2**41)], ids=["8x2", "1024x16"])
@pytest.mark.parametrize("name", GOOD)
def test_no_advice_for_a_sample_that_follows_the_tips(name, point):
    result = check_target(load_submission(str(SAMPLES / name)), point, Selection(select=ADVICE))
    assert result.analysis_error is None
    assert [f.message for f in result.findings] == []
