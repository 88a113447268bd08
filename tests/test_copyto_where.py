"""``fnp.copyto(dst, src, where=mask)``: flopscope charges the elements the mask writes."""

import pytest

from flopcast.analyzer import analyze
from flopcast.model import Point
from tests.oracle import measure
from tests.test_constructs_oracle import FIXTURES, _variant

NAME = "copyto_where.py"


@pytest.mark.parametrize("width,depth", [(8, 1), (16, 2)], ids=["8x1", "16x2"])
def test_copyto_with_a_data_mask_costs_between_no_and_every_element_written(width, depth, tmp_path):
    # was 'copyto with where= ... is not modelled' and a lower bound: the count is the mask's
    # nonzero count (times the rows a one-row mask is broadcast over), so the interval's ends
    # are the runs whose masks select nothing and everything; `where=False` writes nothing.
    point = Point(width, depth, 2**41)
    report = analyze(FIXTURES / NAME, point)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    none = measure(_variant(tmp_path / "none", NAME, {"THRESHOLD = 0.0": "THRESHOLD = -1e30"}), point).total
    every = measure(_variant(tmp_path / "all", NAME, {"THRESHOLD = 0.0": "THRESHOLD = 1e30"}), point).total
    assert (report.total.lo, report.total.hi) == (none, every)
    assert report.total.contains(measure(FIXTURES / NAME, point).total)
