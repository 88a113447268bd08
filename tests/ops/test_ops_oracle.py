"""Every op snippet's static per-op totals equal what the real flopscope charges.

Each case is a few lines of estimator code (see :mod:`cases`), run through
``flopcast.analyzer.analyze`` and through flopscope itself (``tests/oracle.py``)
at the small points that can tell it something (``harness.points_for``); both the per-op-name
totals (zero-cost records included) and the total must agree exactly, with nothing reported
unpriced.
"""

from __future__ import annotations

import pytest
from cases import FAMILIES
from harness import assert_exact, points_for, write

CASES = [(f"{family}-{name}", body) for family, table in FAMILIES.items() for name, body in table.items()]


@pytest.mark.parametrize("body", [b for _, b in CASES], ids=[i for i, _ in CASES])
def test_op_snippet_is_exact(tmp_path, body):
    path = write(tmp_path, body)
    for width, depth in points_for(body):
        assert_exact(path, width, depth)
