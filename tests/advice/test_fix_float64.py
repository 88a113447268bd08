"""FC101's fix (unsafe: float32 rounds differently): `dtype=fnp.float32` where the float64 is made."""

from __future__ import annotations

from oracle import SAMPLES

from flopcast.check.engine import check_target
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.model import Point

from .proof import BUDGET, prove

SAMPLE = SAMPLES / "mean_propagation.py"


def test_the_float32_creation_saves_exactly_what_it_announces(tmp_path):
    proven = prove(SAMPLE, tmp_path, ("FC101",), unsafe=True, points=((8, 2), (16, 3)))
    text = proven.fixed_path.read_text()
    assert "mu = fnp.zeros(mlp.width, dtype=fnp.float32)" in text
    assert "var = fnp.ones(mlp.width, dtype=fnp.float32)" in text
    assert "norm.pdf(alpha)\n" in text  # a cast of the stats result would cost more than it saves


def test_unsafe_fixes_are_not_applied_without_the_flag():
    result = check_target(load_submission(str(SAMPLE)), Point(8, 2, BUDGET), Selection(select=("FC101",)))
    fixes = [f.fix for f in result.findings if f.fix is not None]
    assert fixes and not any(f.safe for f in fixes)
