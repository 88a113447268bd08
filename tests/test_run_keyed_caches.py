"""Caches keyed by a number read at run time (``id(mlp)``, ``mlp.seed``), against the real
flopscope at two sizes.

A module-level dict is empty when the first MLP's call looks it up: every key misses, whatever
number it is (``get`` gives the default, ``in`` is False, ``d[key]`` raises KeyError), and the
entry stored under that key is the one a lookup by the same key finds again. A later call's
lookup by another MLP's ``id()`` may equal the first's (CPython reuses a freed object's address):
not followed, and said so with where the key came from.
"""

from __future__ import annotations

import textwrap

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]

ID_CACHE = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    _STATS: dict = {}
    _SEEN: dict = {}


    def stats(mlp):
        key = id(mlp)
        hit = _STATS.get(key)
        if hit is not None:
            return hit
        if key in _SEEN:
            return _SEEN[key]
        try:
            return _SEEN[mlp.seed]
        except KeyError:
            pass
        scale = fnp.sqrt(fnp.mean(fnp.stack(mlp.weights) ** 2, axis=(1, 2)))
        _STATS[key] = scale
        return _STATS[key]


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            scale = stats(mlp)
            x = fnp.ones(mlp.width, dtype=fnp.float32)
            rows = []
            for i, w in enumerate(mlp.weights):
                x = fnp.maximum(x @ w, 0.0) / scale[i]
                rows.append(x)
            return fnp.stack(rows)
    """


def test_an_id_keyed_cache_misses_on_the_first_call_and_finds_what_it_stored(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(ID_CACHE))
    for point in POINTS:
        report = analyze(path, point)
        first = report.per_call[0]  # call 2's lookup is not followed (the next test): only call 1 is claimed
        assert first.exact and first.lo == measure(path, point).total, (report.per_call, report.unpriced)


def test_a_later_calls_lookup_by_id_is_not_followed_and_names_the_id(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(ID_CACHE))
    report = analyze(path, POINTS[0])
    assert not report.total.exact
    reasons = [u.reason for u in report.unpriced if u.what == "dict.get()"]
    assert reasons and all("id() of an object" in r for r in reasons), report.unpriced
