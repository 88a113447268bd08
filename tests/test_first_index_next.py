"""``next(...)`` of the first index whose item passes a test leaves an index anywhere in the items'
range or the default, not only the first index or the default (first_index.py).

Each program finds the first item of a boolean array that the run answers True for its first
``width // 4`` items and False after (``fnp.abs(x) >= 0.0`` then ``< 0.0``: always so at run time,
unknown to flopcast), then splits the weights at that index and multiplies the two parts: the
product costs nothing at the first index or at the default and the most in between. Presumed
alike at every item, the index was 0 or the default (or StopIteration) only, and the run's count
lay above the interval. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_interval_holds_run

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 4, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        head = mlp.width // 4
{flags}
{find}
        kept, rest = w[:, :n], w[:, n:]
        cross = kept.T @ rest
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(cross)
"""

#: the run's flags: `first` for the first `head` items, `then` after; flopcast cannot read them
DATA = "conv = fnp.concatenate([fnp.abs(w[0, :head]) {first} 0.0, fnp.abs(w[0, head:]) {then} 0.0])"
TRUE_FIRST = DATA.format(first=">=", then="<")
FALSE_FIRST = DATA.format(first="<", then=">=")

FINDS = {
    "enumerate_with_the_length_as_default": (
        TRUE_FIRST, "n = next((i for i, flag in enumerate(conv) if not bool(flag)), len(conv))"),
    "range_with_the_length_as_default": (
        FALSE_FIRST, "n = next((i for i in range(mlp.width) if conv[i]), mlp.width)"),
    "enumerate_with_minus_one_as_default": (
        TRUE_FIRST, "n = next((i for i, flag in enumerate(conv) if not flag), -1) + 1"),
    # no default, or one that is no index: whether any item passes is a site of its own
    "range_with_no_default": (FALSE_FIRST, "n = next(i for i in range(mlp.width) if conv[i])"),
    "enumerate_with_none_as_default": (
        TRUE_FIRST, "found = next((i for i, flag in enumerate(conv) if not flag), None)\n"
                    "n = mlp.width if found is None else found"),
}


def _write(path, flags: str, find: str):
    path.write_text(PROGRAM.format(flags=textwrap.indent(flags, " " * 8), find=textwrap.indent(find, " " * 8)))
    return path


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("form", FINDS.values(), ids=FINDS.keys())
def test_a_run_finding_a_middle_item_is_inside_the_interval(tmp_path, form, point):
    assert_interval_holds_run(_write(tmp_path / "estimator.py", *form), point)


@pytest.mark.parametrize(("form", "named"), [(FINDS["enumerate_with_the_length_as_default"], "from 0 to 8"),
                                             (FINDS["enumerate_with_minus_one_as_default"], "from 0 to 8"),  # (of n, the index + 1)
                                             (FINDS["enumerate_with_none_as_default"], "from 0 to 7")],
                         ids=["length_default", "minus_one_default", "none_default"])
def test_the_report_names_the_index_and_its_range_at_the_next_call(tmp_path, form, named):
    path = _write(tmp_path / "estimator.py", *form)
    report = analyze(path, Point(8, 4, 2**41))
    reasons = [u.reason for u in report.uncertain if u.span.line == 10]
    assert any("the first index at which `not" in r and named in r for r in reasons), reasons
