"""Objects that are their own iterators (``__iter__`` returning self, ``__next__`` raising
StopIteration): a ``for`` over one and ``list()``/``sum()`` of one take every item; ``iter()`` and
``next()`` step it as the program asks. Exact against the real flopscope; a loop that may stop
early over one is not modelled (a lower bound that holds the real count)."""

from __future__ import annotations

import textwrap

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

ITERATOR = '''import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Layers:
    def __init__(self, weights):
        self._w = list(weights)

    def __iter__(self):
        self._i = 0
        return self

    def __next__(self):
        if self._i >= len(self._w):
            raise StopIteration
        self._i += 1
        return self._w[self._i - 1]


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        x = fnp.ones((4, mlp.width), dtype=fnp.float32)
{body}
        return fnp.zeros((mlp.depth, mlp.width)) + x[0]
'''


def _write(tmp_path, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(ITERATOR.format(body=textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8)))
    return path


def _assert_exact(path):
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced and not report.raises, (report.unpriced, report.raises)
        assert report.total.lo == measure(path, point).total


def test_a_for_loop_over_an_object_that_is_its_own_iterator_takes_every_item(tmp_path):
    _assert_exact(_write(tmp_path, """
        for W in Layers(mlp.weights):
            x = fnp.maximum(x @ W, 0.0)
            for j in range(3):
                if j == 1:
                    break  # the inner loop's own break
    """))


def test_iter_and_next_step_it_one_item_at_a_time_and_a_default_ends_it(tmp_path):
    _assert_exact(_write(tmp_path, """
        it = iter(Layers(mlp.weights))
        x = x @ next(it)
        total = sum(1 for _ in [0])
        if next(it, None) is not None and next(it, None) is None:
            x = x * 2.0
        x = x + len(list(Layers(mlp.weights)))
    """))


def test_a_loop_that_may_break_out_of_one_is_not_modelled_and_its_lower_bound_holds(tmp_path):
    path = _write(tmp_path, """
        for W in Layers(mlp.weights):
            x = x @ W
            if x.shape[0] > 100:
                break
    """)
    point = Point(8, 2, 2**41)
    report = analyze(path, point)
    assert report.unpriced
    assert report.total.lo <= measure(path, point).total
