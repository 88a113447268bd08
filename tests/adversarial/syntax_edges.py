"""Syntax corners: async def, with, del, chained comparisons, conditional imports, semicolons,
backslashes, unicode names, nested f-strings, __slots__, try/finally returns, type aliases."""
import contextlib
import typing

import flopscope.numpy as fnp
from whestbench import BaseEstimator

try:
    import scipy  # noqa: F401
except ImportError:
    scipy = None

if typing.TYPE_CHECKING:
    from whestbench import MLP  # noqa: F401

Vector: typing.TypeAlias = "fnp.ndarray"


async def never_awaited():
    return 1


@contextlib.contextmanager
def scope():
    yield 2


def finally_wins():
    try:
        return 1
    finally:
        return 2  # noqa: B012


class Slotted:
    __slots__ = ("a",)

    def __init__(self):
        self.a = 1


class Estimator(BaseEstimator):
    def predict(self, mlp: "MLP", budget: int) -> Vector:
        α = 2.0; β = 3.0  # noqa: E702
        total = α + \
            β
        with scope() as s, open(__file__) if False else contextlib.nullcontext() as _:
            total += s
        ok = 0 < mlp.width <= 10**9 != 7
        label = f"{mlp.width:>{mlp.depth + 3}} {total!r:^10} {'nested ' + f'{ok}'}"
        d = {"a": 1}
        del d["a"]
        coro = never_awaited()
        slot = Slotted()
        w = mlp.weights[0]
        w.T.shape
        ...
        return fnp.zeros((mlp.depth, mlp.width)) + total + finally_wins() + slot.a + len(label)

    if True:
        def extra(self):
            pass
    else:
        predict = None
