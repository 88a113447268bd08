"""Builtins that ask an object for its own method run the user's method, charges and all.

``round(x)``, ``complex(x)``, ``hash(x)``, ``reversed(x)``, ``divmod(x, n)``, ``math.floor``/
``ceil``/``trunc`` and ``dict(mapping)`` call ``__round__``, ``__complex__``, ``__hash__``,
``__reversed__``, ``__divmod__``, ``__floor__``... of an instance of the user's classes; a method
that sums an array charges flopscope for it. flopcast called none of them: a false "exact".
A ``__hash__`` that may charge, run by a dict or set operation, is reported as not counted.
Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

PROGRAM = """\
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Probe:
        def __init__(self, w):
            self.w = w

        def {method}:
            s = fnp.sum(self.w)
            return {result}

        def __getitem__(self, key):
            return fnp.max(self.w)


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            p = Probe(mlp.weights[0])
            r = {use}
            x = fnp.ones(mlp.width)
            return fnp.stack([x] * mlp.depth)
    """

#: (the method, what it returns, the use that asks for it)
PROTOCOLS = {
    "round": ("__round__(self, n=None)", "1", "round(p)"),
    "round_to_digits": ("__round__(self, n=None)", "1.5", "round(p, 2)"),
    "complex": ("__complex__(self)", "1j", "complex(p)"),
    "hash": ("__hash__(self)", "7", "hash(p)"),
    "reversed": ("__reversed__(self)", "iter([1, 2])", "list(reversed(p))"),
    "divmod": ("__divmod__(self, other)", "(1, 0)", "divmod(p, 2)"),
    "math_floor": ("__floor__(self)", "1", "math.floor(p)"),
    "math_ceil": ("__ceil__(self)", "1", "math.ceil(p)"),
    "math_trunc": ("__trunc__(self)", "1", "math.trunc(p)"),
    "dict_of_a_mapping": ("keys(self)", "['a', 'b']", "dict(p)"),
}


def _write(tmp_path, method: str, result: str, use: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(method=method, result=result, use=use)))
    return path


@pytest.mark.parametrize("method, result, use", PROTOCOLS.values(), ids=PROTOCOLS.keys())
def test_the_method_python_asks_for_runs_and_is_charged(tmp_path, method, result, use):
    path = _write(tmp_path, method, result, use)
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("use", ["{p: 1}[p]", "{p}", "len({p: 1, 'k': p})"])
def test_a_dict_or_set_hashing_an_object_whose_hash_charges_gives_a_lower_bound(tmp_path, use):
    path = _write(tmp_path, "__hash__(self)", "7", use)
    point = POINTS[0]
    report = analyze(path, point)
    assert report.lower_bound and {u.what for u in report.unpriced} == {"__hash__"}
    assert report.total.lo <= measure(path, point).total
