"""Objects that are their own iterators (``__iter__`` returning self, ``__next__`` raising
StopIteration): a ``for`` over one and ``list()``/``sum()`` of one take every item; ``iter()`` and
``next()`` step it as the program asks: a ``for`` calls ``__next__`` before each iteration, after the
body before it ran (a body may feed the iterator). Exact against the real flopscope."""

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


def test_a_loop_that_breaks_out_of_one_asks_for_no_further_item(tmp_path):
    """A ``for`` steps the iterator as it goes (one ``__next__`` before each iteration), so a
    break leaves the rest untaken: exact (it was left unpriced while the items were taken all at
    once, ahead of the body)."""
    _assert_exact(_write(tmp_path, """
        for W in Layers(mlp.weights):
            x = x @ W
            if x.shape[1] > 8:
                break
    """))


PLANNER = '''import collections

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Planner:
    """Chunk sizes until the plan is spent; fed each chunk back by the loop's body."""

    def __init__(self, total):
        self.total = total
        self.used = 0
        self.fed = True

    def __iter__(self):
        return self

    def __next__(self):
        if not self.fed:
            raise RuntimeError("feed() the last chunk first")
        if self.used >= self.total:
            raise StopIteration
        self.fed = False
        return min(4 * (1 + self.used), self.total - self.used)

    def feed(self, rows):
        self.used += rows
        self.fed = True


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        acc = fnp.zeros(mlp.width)
        plan = Planner(3 * mlp.width)
        for size in plan:
            x = fnp.ones((size, mlp.width)) @ w
            acc = acc + fnp.sum(x, axis=0)
            plan.feed(size)
        return fnp.zeros((mlp.depth, mlp.width)) + acc
'''


def test_a_body_that_feeds_the_iterator_changes_what_it_hands_out_next(tmp_path):
    """The run calls ``__next__`` after each body, which fed it: the chunk sizes follow the
    feeds and the loop ends when the plan is spent. Stepped ahead of the body, ``__next__``
    saw no feed and raised the RuntimeError the run never raises (an interval without the count)."""
    path = tmp_path / "estimator.py"
    path.write_text(PLANNER)
    _assert_exact(path)
