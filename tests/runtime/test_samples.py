"""Every sample estimator verifies clean: the real analyzer's prediction equals the real count.

This is the integration test of the static analyzer against flopscope as the oracle.
"""

from __future__ import annotations

import pytest

from flopcast.model import Point
from flopcast.runtime.diff import EXACT, INSIDE
from flopcast.runtime.verify import verify_point

from .helpers import SAMPLES, real_analyzer, sample_id

POINTS = [(32, 2), (64, 4), (128, 4)]
BUDGET = 2**41


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_sample_verifies_clean(sample, width, depth):
    real_analyzer()
    result = verify_point(sample.resolve(), Point(width, depth, BUDGET), timeout=120)
    differing = [r for r in result.expressions if not r.matches][:5]
    detail = "; ".join(f"{r.span.short()} {r.op}: expected {r.static}, got {r.dynamic:,}" for r in differing)
    assert result.verdict in (EXACT, INSIDE), (
        f"{sample_id(sample)} at {width}x{depth}: {result.verdict}: expected {result.static_total}, "
        f"got {result.dynamic_total if result.run.ok else result.run.error}"
        + (f" ({result.static_error})" if result.static_error else "")
        + (f"; differing: {detail}" if detail else "")
    )
