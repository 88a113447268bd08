"""A sample built to fail fails where flopcast said it would: the memory hog's draw is over
whestbench's memory limit, FC004 names its line, and the run dies there with MemoryError, which
the report predicts (a Raise with memory=True): `verify` finds the raise as predicted, the
charges before it the run's."""

from __future__ import annotations

import pytest

from flopcast.check.engine import check_target
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.model import Point
from flopcast.runtime.diff import RAISES
from flopcast.runtime.verify import verify_point

from .helpers import FAIL_WHEN_RUN, sample_id

POINT = Point(32, 2, 2**41)


@pytest.mark.parametrize("sample", sorted(FAIL_WHEN_RUN), ids=sample_id)
def test_the_run_dies_of_memory_on_the_line_fc004_names(sample):
    static = check_target(load_submission(str(sample)), POINT, Selection(select=("FC004",)))
    assert [f.code for f in static.findings] == ["FC004"]
    result = verify_point(sample.resolve(), POINT, timeout=120)
    assert result.verdict == RAISES
    assert result.run.error.type == "MemoryError"
    assert result.run.error.span.line == static.findings[0].span.line
