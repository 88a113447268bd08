"""FC102's fix: `x ** 2` → `x * x`, `x ** 0.5` → `fnp.sqrt(x)`, `x ** -1` → `1 / x`."""

from __future__ import annotations

from oracle import SAMPLES

from flopcast.model import Point

from .proof import BUDGET, fix_copy, prove

SAMPLE = SAMPLES / "advice" / "costly_power.py"


def test_power_fixes_save_exactly_what_they_announce_and_keep_the_output(tmp_path):
    proven = prove(SAMPLE, tmp_path, ("FC102",))
    assert len(proven.result.applied) == 3
    text = proven.fixed_path.read_text()
    assert "(w * w).T @ var  # second moment of the weights" in text
    assert "scale = fnp.sqrt(var + 1.0)" in text
    assert "mu * (1 / scale)" in text  # parenthesised: `mu * 1 / scale` would be another expression


def test_the_power_fix_keeps_every_untouched_byte(tmp_path):
    proven = fix_copy(SAMPLE, tmp_path, Point(8, 1, BUDGET), ("FC102",))
    before = SAMPLE.read_text().splitlines()
    after = proven.fixed_path.read_text().splitlines()
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(changed) == 3


def test_the_power_fix_on_the_moments_sample(tmp_path):
    proven = prove(SAMPLES / "moments.py", tmp_path, ("FC102",))
    assert len(proven.result.applied) == 1
    assert "h * h" in proven.fixed_path.read_text().splitlines()[25]


def test_a_power_of_an_expression_is_flagged_without_a_fix():
    # mc_control squares `batch - b_mean`: `x * x` would compute the difference twice, so
    # the finding names the saving but offers no rewrite.
    from flopcast.check.engine import check_target
    from flopcast.check.selection import Selection
    from flopcast.check.source import load_submission

    corpus = SAMPLES.parent / "tests" / "realistic" / "estimators" / "mc_control.py"
    found = check_target(load_submission(str(corpus)), Point(8, 2, BUDGET), Selection(select=("FC102",))).findings
    assert [(f.line, f.fix) for f in found] == [(128, None)]
