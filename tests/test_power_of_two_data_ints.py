"""Rounding an integer read from data to a power of two keeps its bounds: ``1 << (k - 1).bit_length()``
and ``1 << (k.bit_length() - 1)`` of a count ``k`` in ``[1, n + 1]`` are monotone in ``k``, so a size
made of them is analysed at the ends of ``k``'s range (steps of its chain, dataints.derive). The
method call ``.bit_length()`` on such an integer was "a call on an unknown value": everything sized by
it was unpriced and the total a lower bound (a contestant's static-shape bucketing,
corpus knapsack_gather's ``refine_mass``). ``k.bit_count()`` is bounded by the bit length of ``k``'s
largest value.
"""

from __future__ import annotations

import pytest
from oracle import measure, pinned_run

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        k = int(fnp.sum(w[0] > 0.0)) + 1
        m = min({m}, mlp.width)
        a = w[:m, :m] @ w[:m, :m].T
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(a)
"""

ROUNDINGS = {
    "up": "1 << (k - 1).bit_length()",
    "down": "1 << (k.bit_length() - 1)",
}


@pytest.mark.parametrize("rounding", ROUNDINGS)
@pytest.mark.parametrize("point", (Point(8, 2, 10**7), Point(16, 3, 10**7)), ids=lambda p: f"{p.width}x{p.depth}")
def test_a_size_rounded_to_a_power_of_two_is_priced_at_the_ends_of_the_count(tmp_path, rounding, point):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.replace("{m}", ROUNDINGS[rounding]))
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    # k = 1 rounds to 1 either way; k = n + 1 to n or past it (clamped to n)
    assert (report.total.lo, report.total.hi) == (_pinned(tmp_path, 1, point), _pinned(tmp_path, point.width, point))
    assert report.total.contains(measure(path, point).total)


def _pinned(tmp_path, m: int, point: Point) -> int:
    """The run's count where the rounded size is ``m``."""
    return pinned_run(tmp_path, PROGRAM, "{m}", str(m), point)


def test_a_size_made_of_the_set_bits_of_a_count_is_priced_within_its_bit_length(tmp_path):
    # bit_count is not monotone (8 has one bit, 7 three): an integer of its own in [0, bit_length of
    # the count's largest value], as a remainder is; it was "a call on an unknown value", unpriced
    for point in (Point(8, 2, 10**7), Point(16, 3, 10**7)):
        path = tmp_path / "estimator.py"
        path.write_text(PROGRAM.replace("{m}", "max(k.bit_count(), 1)"))
        report = analyze(path, point)
        assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
        most = (point.width + 1).bit_length()
        assert (report.total.lo, report.total.hi) == (_pinned(tmp_path, 1, point), _pinned(tmp_path, most, point))
        assert report.total.contains(measure(path, point).total)


#: session 51's hunt (a competitive programmer's block sizes): a shift of a count by a known amount
#: is monotone in it, ``k >> c`` is ``k // 2**c`` and ``k << c`` is ``k * 2**c``; both left the size
#: "depends on values and has no upper bound", unpriced, a lower bound
SHIFTS = {
    "right": ("max(k >> 1, 1)", lambda n: 1, lambda n: (n + 1) >> 1),
    "left": ("min(k << 1, mlp.width)", lambda n: 2, lambda n: n),
}


@pytest.mark.parametrize("shift", SHIFTS)
@pytest.mark.parametrize("point", (Point(8, 2, 10**7), Point(16, 3, 10**7)), ids=lambda p: f"{p.width}x{p.depth}")
def test_a_size_made_by_shifting_a_count_is_priced_at_the_ends_of_the_count(tmp_path, shift, point):
    size, low, high = SHIFTS[shift]
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.replace("{m}", size))
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    n = point.width
    assert (report.total.lo, report.total.hi) == (_pinned(tmp_path, low(n), point), _pinned(tmp_path, high(n), point))
    assert report.total.contains(measure(path, point).total)


#: ``k & c`` and ``k & (k - 1)`` keep only the bits of their side that is at least 0: in 0..that side's
#: largest value, whatever the other side is (not monotone in ``k``: an integer of its own, as a
#: remainder is); they were unpriced too
MASKS = {
    "a_known_mask": ("max(k & 6, 1)", lambda n: 6),
    # k = n + 1 = 9 or 17 clears its lowest bit to 8 or 16: n // 2 + 1 (below the width, which
    # min(..., mlp.width) alone would give)
    "the_count_less_one": ("(k & (k - 1)) // 2 + 1", lambda n: n // 2 + 1),
}


@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("point", (Point(8, 2, 10**7), Point(16, 3, 10**7)), ids=lambda p: f"{p.width}x{p.depth}")
def test_a_size_masked_by_a_bitwise_and_is_priced_within_the_mask(tmp_path, mask, point):
    size, top = MASKS[mask]
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.replace("{m}", size))
    report = analyze(path, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    high = top(point.width)
    assert (report.total.lo, report.total.hi) == (_pinned(tmp_path, 1, point), _pinned(tmp_path, high, point))
    assert report.total.contains(measure(path, point).total)
