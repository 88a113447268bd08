"""A charge a lazy iterator makes for an item is filed where the program asks for the item.

``map(fnp.exp, xs)`` and ``itertools.accumulate(ws, operator.matmul)`` call flopscope from C
when an item is asked for: the run files the charge at the innermost frame of the program's,
at the instruction running there (the ``list(...)`` call, the ``for`` statement, the unpacking
target, the comprehension, the starred display, ``yield from``, ``in``). flopcast filed it where
the iterator was built, so verify failed points whose every count matched, and a ``map`` built
on one line and taken on the next put the FLOPs on the wrong line (block_planner's
``list(itertools.accumulate(...))``). A function of the program's that the iterator calls
still charges in its own body. Also: ``first, *rest = map(...)`` left ``first`` unbound (the
map was asked for its items twice)."""

from __future__ import annotations

from flopcast.model import Point

from .helpers import assert_verified_exact

PROGRAM = """\
    import functools
    import itertools
    import operator

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def take(it):
        return list(it)


    def gen(m):
        for y in m:
            yield fnp.sum(y)


    def passed_on(m):
        yield from m


    class Estimator(BaseEstimator):
        def step(self, x):
            return fnp.exp(x)

        def predict(self, mlp, budget):
            xs = list(mlp.weights)
            w = xs[0]
            a1 = list(map(fnp.exp, xs))
            acc = xs[0]
            for y in map(fnp.sqrt, xs):
                acc = acc + y
            s3 = sum(map(fnp.sum, xs))
            p, q = map(fnp.abs, xs[:2])
            star = [*map(fnp.tanh, xs)]
            first = next(map(fnp.sin, xs))
            st = fnp.stack(list(map(fnp.cos, xs)))
            prods = list(itertools.accumulate(xs, operator.matmul))
            m = map(fnp.log1p, xs)
            later = list(m)
            comp = [fnp.sum(y) for y in map(fnp.square, xs)]
            for i, y in enumerate(map(fnp.exp2, xs)):
                acc = acc + y
            nested = list(map(fnp.floor, map(fnp.ceil, xs)))
            sm = list(itertools.starmap(fnp.add, zip(xs, xs)))
            a = take(map(fnp.exp, xs))
            b = list(gen(map(fnp.sqrt, xs)))
            c = list(passed_on(map(fnp.abs, xs)))
            d = list(map(self.step, xs))
            e = list(map(lambda x: fnp.tanh(x), xs))
            f = list(map(functools.partial(fnp.dot, w), xs))
            h = list(zip(*map(fnp.cos, xs)))
            z, *others = map(fnp.floor, xs)
            o = list(itertools.accumulate(map(fnp.ceil, xs)))
            total = fnp.sum(acc) + s3 + fnp.sum(p) + fnp.sum(first) + fnp.sum(prods[-1]) + fnp.sum(z) + b[0]
            return fnp.zeros((mlp.depth, mlp.width)) + total
    """


def test_a_lazy_iterators_charge_is_filed_where_its_item_is_asked_for(tmp_path):
    assert_verified_exact(tmp_path, PROGRAM, (Point(8, 2, 2**41), Point(16, 3, 2**41)))
