"""frame_reserve.run: a command's frames stay in one block (no frame chunk mapped per call).

CPython 3.11 maps a 16 KiB chunk when a call needs one past the current chunk's end and unmaps it
when the call at its base returns: a loop of calls at that depth maps and unmaps a chunk (and
faults its first page in) at every call. A depth like that comes about every ~140 frames of
this test's size. Under ``frame_reserve.run`` there is none within the ~1 MiB its frame leaves
free. Counted by the process's minor page faults.
"""

import resource
import sys

import pytest

from flopcast import frame_reserve

pytestmark = pytest.mark.skipif(
    sys.implementation.name != "cpython" or sys.version_info < (3, 11) or not sys.platform.startswith("linux"),
    reason="CPython 3.11+ frame chunks, counted by Linux page faults")

CALLS = 1000
DEPTHS = range(0, 400)  # more than two chunks' worth of these frames


def _leaf() -> int:
    return 1


def _at_depth(depth: int) -> None:
    if depth:
        return _at_depth(depth - 1)
    for _ in range(CALLS):
        _leaf()


def _worst() -> int:
    """The most minor page faults a loop of CALLS calls made at any depth of DEPTHS."""
    worst = 0
    for depth in DEPTHS:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        _at_depth(depth)
        worst = max(worst, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return worst


def test_plain_calls_map_a_chunk_per_call_at_some_depth():
    # What the reserve is for (and that the measure below can fail): one fault per call there.
    assert _worst() >= CALLS


def test_no_chunk_is_mapped_per_call_under_run():
    assert frame_reserve.run(_worst) < CALLS // 2


def test_run_returns_and_raises_as_the_call_does():
    assert frame_reserve.run(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        frame_reserve.run(lambda: 1 // 0)
