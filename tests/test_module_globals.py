"""``globals()`` is the module's own namespace: read, written and iterated as Python does.

A hacker's dispatch (``globals()["_" + key](mlp)``, ``globals().get("DEBUG", False)``), a
registry built from ``globals().items()`` and a mode switched by ``globals()["MODE"] = ...``
were unpriced (`globals` was an unmodelled builtin: a lower bound of 0). The dict is now the
module's environment itself, with the names the import system puts first, so each count below
is exact and is the real flopscope's, at two sizes.
"""

from __future__ import annotations

from oracle import assert_exact_at, measure_calls, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = [Point(8, 1, 2**41), Point(16, 2, 2**41)]

DISPATCH = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def _lin(mlp):
        x = fnp.ones(mlp.width)
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        return fnp.stack([x] * mlp.depth)


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            if globals().get("DEBUG", False):
                return fnp.zeros((mlp.depth, mlp.width))
            return globals()["_" + "lin"](mlp)
    """

# The count depends on every key of globals(), in order (an annotated module has __annotations__)
KEYS = """\
    \"\"\"Doc.\"\"\"
    from __future__ import annotations

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    SIZE: int = 3
    SQUARES = [j * j for j in range(3)]


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            keys = list(globals())
            code = sum(i * (len(k) % 5) for i, k in enumerate(keys))
            x = fnp.ones((len(keys) + code % 7 + len(__doc__), mlp.width))
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x, axis=0)
    """

# A registry made from globals() at import, a mode written through it in the first call
SWITCH = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    G = globals()
    MODE = "mc"


    def _m_lin(mlp, n):
        x = fnp.ones(mlp.width)
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        return x


    def _m_mc(mlp, n):
        x = fnp.ones((n, mlp.width))
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        return fnp.mean(x, axis=0)


    METHODS = {{k[3:]: v for k, v in globals().items() if k.startswith("_m_")}}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            out = METHODS[MODE](mlp, len(METHODS) + (G is globals()))
            G["MODE"] = "lin"
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """


def test_a_dispatch_through_globals_is_priced(tmp_path):
    assert_exact_at(write_program(tmp_path, DISPATCH), POINTS)


def test_the_keys_of_globals_are_the_runs_in_order(tmp_path):
    assert_exact_at(write_program(tmp_path, KEYS), POINTS)


def test_a_write_through_globals_switches_the_later_calls(tmp_path):
    path = write_program(tmp_path, SWITCH)
    for point in POINTS:
        report = analyze(path, point)
        runs = [r.total for r in measure_calls(path, point, 3)]
        assert not report.unpriced and all(c.exact for c in report.per_call), report.per_call
        assert [c.lo for c in report.per_call][:2] == runs[:2] and runs[1] == runs[2] and runs[0] != runs[1]
