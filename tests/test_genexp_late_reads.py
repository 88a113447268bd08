"""A generator expression makes each item when it is taken, reading the names its element
mentions as they are bound then; flopcast makes a kept or looped-over one whole where it is
written. A name rebound in between (before the items are taken, or by the loop's body) made a
false "exact" (or a lower bound above the run): the path now ends there. Items made ahead of
their consumer are taken back when a path ends, so the lower bound holds only what the run made.

Each case is checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

HEAD = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
    """


def _write(tmp_path, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(HEAD) + textwrap.indent(textwrap.dedent(body), " " * 8))
    return path


def _lower_bound_holds(path) -> None:
    for point in POINTS:
        report = analyze(path, point)
        assert report.lower_bound and not report.raises, (point, report.total)
        assert report.total.lo <= measure(path, point).total, (point, report.total)


def test_a_kept_generator_reads_the_name_as_rebound_before_it_is_taken(tmp_path):
    """`n` is 5000 where the expression is written and 2 when sum() takes the items: the run
    makes two 2-element arrays (flopcast had counted two of 5,000: a lower bound 40,000 above a
    run of 154)."""
    _lower_bound_holds(_write(tmp_path, """\
        n = 5000
        g = (fnp.ones(n) * 2.0 for _ in range(2))
        n = 2
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(sum(g))
        """))


def test_a_loop_whose_body_rebinds_a_name_its_generator_reads(tmp_path):
    """The first item is made with n = 5000, the next two after the body set n = 2."""
    _lower_bound_holds(_write(tmp_path, """\
        n = 5000
        acc = fnp.zeros(mlp.width)
        for a in (fnp.ones(n) * 2.0 for _ in range(3)):
            n = 2
            acc = acc + fnp.sum(a)
        return fnp.zeros((mlp.depth, mlp.width)) + acc
        """))


def test_a_generator_never_taken_before_the_path_ends_is_not_in_the_lower_bound(tmp_path):
    """The items of `g` are never made by the run; the path ends at the setattr of a name read
    from data, and what it counted must not include them."""
    _lower_bound_holds(_write(tmp_path, """\
        g = (fnp.ones(5000) * 2.0 for _ in range(2))
        setattr(self, "k" + str(float(fnp.sum(mlp.weights[0]))), 1)
        return fnp.zeros((mlp.depth, mlp.width))
        """))


def test_a_kept_generator_over_unchanged_names_stays_exact(tmp_path):
    """Nothing it reads is rebound before sum() takes its items, nor by the loop after."""
    path = _write(tmp_path, """\
        x = fnp.ones(mlp.width)
        g = (x @ w for w in mlp.weights)
        y = sum(g)
        acc = fnp.zeros(mlp.width)
        for a in (fnp.tanh(x * k) for k in range(3)):
            acc = acc + a
        return fnp.zeros((mlp.depth, mlp.width)) + y + acc
        """)
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, (point, report.total)
        assert report.total.lo == measure(path, point).total, point
