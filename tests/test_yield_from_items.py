"""A consumer that stops inside a ``yield from``: the subgenerator stays suspended at the yield
of the last item taken, so its code past that yield never runs.

flopcast ran the subgenerator's body whole while the outer generator's body ran, and marked
each item it handed on with the ledger after that whole body: a consumer taking fewer items
(``next()`` in a helper, a loop that breaks, islice) took back the outer body's code past the
item, but not the subgenerator's. A false exact (the corpus's lhs_coroutine: an antithetic
stream's last ``-z`` that the run never computes). Each case is checked against the real
flopscope.
"""

from __future__ import annotations

import pytest
from oracle import assert_first_call_exact
from test_interpreter_semantics import _program

from flopcast.model import Point

PAIRS = """
import itertools


def pairs(mlp, h, n):
    for _ in range(n):
        z = fnp.tanh(h @ mlp.weights[0])
        yield z
        yield -z
    fnp.exp(h)


def source(mlp, h, n):
    yield h
    yield from pairs(mlp, h, n)
    fnp.exp(h + 1.0)


def take(src, k):
    out = []
    while len(out) < k:
        out.append(next(src))
    return out
"""

CASES = {
    "next_in_a_helper_stops_between_a_pair": """
        src = source(mlp, h, 2)
        got = take(src, 2) + take(src, 2)
        h = got[-1]
        STEP
        """,
    "a_loop_that_breaks_inside_the_subgenerator": """
        for i, z in enumerate(source(mlp, h, 3)):
            h = z
            if i == 3:
                break
        STEP
        """,
    "islice_takes_the_subgenerators_first_item": """
        for z in itertools.islice(source(mlp, h, 2), 2):
            h = z
        STEP
        """,
    "every_item_and_the_tails": """
        for z in source(mlp, h, 2):
            h = z
        STEP
        """,
}


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_consumer_that_stops_in_a_yield_from_leaves_the_subgenerator_suspended(name, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program(PAIRS, CASES[name]))
    assert_first_call_exact(path, Point(width, depth, 2**41))
