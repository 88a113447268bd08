"""A dict key holding a comparison read from data (`key = (n, spread > 1.5)`) is one of two known
keys: a lookup, store or membership test of a dict whose keys are known answers the bool at a
site and goes on with that key (bool_keys.py), as `hot = True if spread > 1.5 else False` would.
Before, the lookup was unpriced and the total a lower bound."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure_calls

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bool_keys"
POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]
SPREAD = "float(fnp.std(ws[0]))"


def _runs(tmp_path: Path, fixture: str, value: str, point: Point) -> list[int]:
    """What two MLPs cost on one instance with the fixture's spread worth ``value``."""
    path = tmp_path / f"{fixture}_{abs(hash(value))}.py"
    source = (FIXTURES / f"{fixture}.py").read_text()
    assert SPREAD in source
    path.write_text(source.replace(SPREAD, f"[{SPREAD}, {value}][1]"))
    return [m.total for m in measure_calls(path, point, 2)]


@pytest.mark.parametrize("fixture", ["plan_memo", "bare_key"])
@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_key_holding_a_comparison_is_priced_at_each_answer(tmp_path, point, fixture):
    report = analyze(FIXTURES / f"{fixture}.py", point)
    # the key's answer leaves `self.plans` with other keys for the next MLP, which a later call
    # reads (mixed_calls.py cannot prove the plan it finds is the one it would store): the high
    # end is open there, and there alone
    assert {u.what for u in report.unpriced} <= {"switches"}
    hot, cold = _runs(tmp_path, fixture, "2.0", point), _runs(tmp_path, fixture, "0.1", point)
    # (no per-call totals: every call costs what the first does)
    per_call = [(c.lo, c.hi) for c in report.per_call] or [(report.total.lo, report.total.hi)] * 2
    assert per_call == [(min(hot[0], cold[0]), max(hot[0], cold[0])),
                                                      (min(hot[1], cold[1]), max(hot[1], cold[1]))]
