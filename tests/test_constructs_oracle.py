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


def _variant(folder: Path, name: str, replacements: dict) -> Path:
    """A copy of a fixture in ``folder`` with some source text replaced (to force what the
    data decides)."""
    text = (FIXTURES / name).read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("width,depth", POINTS, ids=[f"{w}x{d}" for w, d in POINTS])
def test_one_mask_at_two_sites_selects_one_count(width, depth, tmp_path):
    # `idx = arange(w)[keep]` and `sub = w[:, keep]` have the same length, so
    # `idx[alpha > 0.0]` (alpha computed from `sub`) is a valid mask: nothing is unpriced,
    # and the interval's ends are the runs where the masks select nothing and everything.
    path = FIXTURES / "mask_twice.py"
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, point).total)
    nothing = _variant(tmp_path / "none", "mask_twice.py", {"score > 0.1": "score > 1e30"})
    everything = _variant(tmp_path / "all", "mask_twice.py",
                          {"score > 0.1": "score > -1e30", "alpha > 0.0": "alpha > -1e30"})
    assert report.total.lo == measure(nothing, point).total
    assert report.total.hi == measure(everything, point).total
    mask_sites = [u for u in report.uncertain if u.kind == "shape"]
    assert [u.span.line for u in mask_sites] == [11, 14]  # `sub = w[:, keep]` (line 12) shares line 11's count
