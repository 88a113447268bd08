"""``sorted`` of four items by numbers read from data: each of its 24 orders is a path."""

import pytest

from flopcast.analyzer import analyze
from flopcast.model import Point
from tests.oracle import measure
from tests.test_constructs_oracle import FIXTURES, _forced_scores, _variant

NAME = "pick_sorted_four.py"
READS = ["float(fnp.mean(w[0]))", "float(fnp.mean(w[1]))", "float(fnp.mean(w[2]))", "float(fnp.mean(w[3]))"]


@pytest.mark.parametrize("width,depth", [(8, 1), (16, 2)], ids=["8x1", "16x2"])
def test_sorted_of_four_candidates_by_data_errors_is_an_interval_of_its_orders(width, depth, tmp_path):
    # `sorted(errors, key=errors.get)` over four candidates of different costs (a blend ranked
    # by validation errors) was 'the order depends on values' and a lower bound: the interval's
    # ends are now the runs forced into the cheapest ranking (square, cube first) and the
    # dearest (gram, quad first).
    point = Point(width, depth, 2**41)
    report = analyze(FIXTURES / NAME, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    cheapest = measure(_variant(tmp_path / "lo", NAME, _forced_scores(READS, (0, 1, 2, 3))), point).total
    dearest = measure(_variant(tmp_path / "hi", NAME, _forced_scores(READS, (3, 2, 1, 0))), point).total
    assert (report.total.lo, report.total.hi) == (cheapest, dearest)
    assert report.total.contains(measure(FIXTURES / NAME, point).total)
