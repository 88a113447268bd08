"""Constructs from participants' files (issue 9), each proven against the real flopscope.

The files in tests/fixtures/constructs/ are minimal estimators built around one construct
each; every one is analysed statically and run under flopscope at two points. Where the
construct does not read values the prediction is exact; where it does, the interval contains
the run (and its ends are real counts).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "constructs"
BUDGET = 2**41
POINTS = [(16, 2), (40, 2)]  # the probes use weights[0] and weights[1]
EXACT = ["nan_to_num_kwargs.py", "put_along_axis.py", "frombuffer_encode.py"]


@pytest.mark.parametrize("name", EXACT)
@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_construct_is_exact(name, width, depth):
    path = FIXTURES / name
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    where = f" — {name} at {width}x{depth}"
    assert not report.unpriced, f"unpriced {report.unpriced}{where}"
    assert not report.uncertain, f"value-dependent sites {report.uncertain}{where}"
    assert_exact_match(report, measure(path, point), where)
