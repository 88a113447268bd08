"""A lower bound is never "exact", even when its two ends meet: an op flopcast could not price may
charge anything, so a one-number total with something unpriced claims its low end only. Before
session 53 the JSON said `"exact": true, "lower_bound": true` for such a total (hunt52's star import
whose NameError handler was left unpriced: 3,360 both ends, the run 3,460)."""

from __future__ import annotations

import json

from flopcast.analyzer.render import render_json
from flopcast.model import Interval, Point, Report, Span, Unpriced

POINT = Point(8, 2, 10**5)


def _one_number_lower_bound() -> Report:
    return Report(path="estimator.py", point=POINT, total=Interval(3_360, 3_360),
                  unpriced=[Unpriced(Span("estimator.py", 12, 8, 12, 20), "a name bound by a star import",
                                     "the module it comes from is not followed")])


def test_a_one_number_total_with_an_unpriced_op_is_not_exact():
    report = _one_number_lower_bound()
    assert report.lower_bound and not report.exact


def test_its_json_says_lower_bound_and_not_exact():
    total = json.loads(render_json(_one_number_lower_bound()))["total"]
    assert (total["exact"], total["lower_bound"]) == (False, True)

