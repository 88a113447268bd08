"""flopcast's ⌈log2 n⌉ is flopscope's own helper's, whose floor is 1 (not 0) for n <= 1."""

from __future__ import annotations

from flopscope._flops import _ceil_log2 as flopscope_ceil_log2

from flopcast.analyzer.ops.sorting import _ceil_log2


def test_ceil_log2_equals_flopscope_s_for_every_small_n():
    for n in range(0, 300):
        assert _ceil_log2(n) == flopscope_ceil_log2(n), n
