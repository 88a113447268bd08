"""``d |= e`` changes the dict ``d`` names, as ``d.update(e)`` does: every alias of it sees the
new items (``d | e`` makes a new dict). flopcast made a new dict, and a count read through an
alias was the old one's."""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

SIZED_BY_AN_ALIAS = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            seen = {}
            alias = seen
            seen |= {"a": 1, "b": 2}
            x = fnp.ones((len(alias) + 1, mlp.width))
            return fnp.stack([fnp.sum(x) * w[0] for w in mlp.weights])
"""


@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(32, 3, 10**6)], ids=lambda p: p.label())
def test_an_alias_sees_the_items_merged_in_by_or_assign(tmp_path, point):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(SIZED_BY_AN_ALIAS))
    report = analyze(path, point)
    assert report.total.exact and report.total.lo == measure(path, point).total
