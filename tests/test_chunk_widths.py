"""A loop over chunk bounds whose body reads them only as the chunk's width (`hi - lo`) compares
its items by that width (loop_syntax.bounds_read_as_width): equal chunks are skipped once the
state repeats, as a loop over equal items is. The counts are flopscope's."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flopcast.analyzer.loop_syntax import bounds_read_as_width
from flopcast.model import Point
from oracle import assert_exact_at
from test_paths import line_runs

HERE = Path(__file__).resolve().parent
CHUNKS = HERE / "fixtures" / "steady" / "chunk_widths.py"


def _loop(source: str) -> ast.For:
    return ast.parse(source).body[0]


@pytest.mark.parametrize("width,depth", [(8, 3), (16, 6)])
def test_chunks_read_as_widths_are_counted_exactly(width: int, depth: int) -> None:
    assert_exact_at(CHUNKS, [Point(width, depth, 2**41)])


def test_equal_chunks_run_only_until_the_state_repeats() -> None:
    runs = line_runs(CHUNKS, 8, (3, 40))("x = rng.standard_normal((hi - lo, mlp.width))")
    assert runs[40] < 12 and runs[40] - runs[3] < 4, runs  # 401 chunks at depth 40


@pytest.mark.parametrize("source", [
    "for lo, hi in b:\n    x = f((hi - lo, 3))\n",
    "for a, b in b:\n    n = a - b\n    m = (a - b) // 2\n",
])
def test_bounds_read_only_as_their_difference_are_widths(source: str) -> None:
    assert bounds_read_as_width(_loop(source)) is not None


@pytest.mark.parametrize("source", [
    "for lo, hi in b:\n    x = y[lo:hi]\n",                # a slice: where the chunk is
    "for lo, hi in b:\n    x = f(hi - lo, lo)\n",          # lo read alone
    "for lo, hi in b:\n    lo = lo + 1\n    x = hi - lo\n",  # lo bound in the body
    "for lo, hi in b:\n    g = lambda: hi - lo\n",        # read by a function the body makes
    "for lo, hi, k in b:\n    x = hi - lo\n",               # three names
    "for lo, hi in b:\n    x = hi + lo\n",                 # a sum
    "for lo, hi in b:\n    try:\n        f()\n    except E as lo:\n        pass\n    x = hi - lo\n",  # bound by except
    "for lo, hi in b:\n    import lo\n    x = hi - lo\n",  # bound by an import
    "for lo, hi in b:\n    def lo():\n        pass\n    x = hi - lo\n",  # bound by a def
])
def test_bounds_read_otherwise_are_not(source: str) -> None:
    assert bounds_read_as_width(_loop(source)) is None
