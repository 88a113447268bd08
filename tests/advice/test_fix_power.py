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
