"""A library object flopcast models as the real thing (a hash object, a random.Random) has the
attributes of its real class and no others: reading another one is Python's AttributeError,
raised along the path (an except clause catches it, an uncaught one ends predict), never an
unknown value the analysis goes on with. Each program is compared with the real flopscope."""

from __future__ import annotations

import textwrap

import pytest

from flopcast.analyzer import analyze
from flopcast.model import Point
from oracle import measure, measure_capped

POINT = Point(16, 2, 2**41)

CAUGHT = """\
    import hashlib
    import random
    import struct

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            rng = random.Random(3)
            h = hashlib.blake2b(b"abc", digest_size=8)
            out = fnp.sum(w)
            if hasattr(rng, "swapaxes") or getattr(h, "concatenate", None) is not None:
                out = out + fnp.sum(w @ w)
            try:
                k = rng.swapaxes(1, 2)
            except AttributeError:
                k = 2
            try:
                d = h.concatenate()
            except AttributeError:
                d = h.digest()
            n = struct.unpack("<Q", d)[0] % 3 + k
            return fnp.zeros((mlp.depth, mlp.width)) + out * n
    """


def test_a_missing_attribute_is_caught_by_its_handler(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(CAUGHT))
    report = analyze(path, POINT)
    assert report.exact and report.total.lo == measure(path, POINT).total, (report.total, report.unpriced)


UNCAUGHT = {
    "hash object": "h = hashlib.sha256(b'abc'); seed = h.concatenate()",
    "Fraction": "seed = fractions.Fraction(1, 3).numerater",
    "random.Random": "seed = random.Random(5).swapaxes(1, 2)",
}


@pytest.mark.parametrize("name", sorted(UNCAUGHT))
def test_an_uncaught_missing_attribute_ends_predict_at_its_line(tmp_path, name):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(f"""\
        import fractions
        import hashlib
        import random

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                g = w @ w
                {UNCAUGHT[name]}
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(g @ w)
        """))
    report = analyze(path, POINT)
    run = measure_capped(path, POINT)
    assert (run.error, run.line) == ("AttributeError", 13)
    assert report.exact and report.total.lo == run.total, (report.total, report.unpriced)
    assert [(r.span.line, r.exc_type) for r in report.raises] == [(13, "AttributeError")]


def test_an_attribute_the_program_sets_on_a_random_generator_is_not_claimed_missing(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import random

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                rng = random.Random(3)
                rng.extra = 2
                w = mlp.weights[0]
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(w @ w) * rng.extra
        """))
    report = analyze(path, POINT)
    assert not report.raises and report.lower_bound
    assert report.total.lo <= measure(path, POINT).total


#: objects of fixed library types: none has an instance __dict__, so Python refuses a new attribute
REFUSED_STORES = {
    "hash object": "hashlib.sha256(b'abc')",
    "range": "range(3)",
    "slice": "slice(2)",
    "Fraction": "fractions.Fraction(1, 3)",
    "int": "7",
    "str": "'text'",
    "tuple": "(1, 2)",
    "list": "[1, 2]",
    "dict": "{1: 2}",
    "numpy array": "np.zeros(2)",
    "numpy scalar": "np.float64(1.5)",
}

STORE = """\
    import fractions
    import hashlib

    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            obj = {obj}
            try:
                {store}
                out = fnp.sum(w @ w)
            except AttributeError:
                out = fnp.max(w)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """


@pytest.mark.parametrize("name", sorted(REFUSED_STORES))
@pytest.mark.parametrize("store", ["obj.tag = 1", "setattr(obj, 'tag', 1)"])
def test_storing_an_attribute_on_a_fixed_library_type_raises_attribute_error(tmp_path, name, store):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(STORE).format(obj=REFUSED_STORES[name], store=store))
    report = analyze(path, POINT)
    assert report.exact and report.total.lo == measure(path, POINT).total, (report.total, report.unpriced)


def test_an_attribute_a_library_type_lets_python_store_is_not_claimed_refused(tmp_path):
    # ndarray.shape is a data descriptor: the store reshapes the array, which flopcast does not follow
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                obj = np.zeros(4)
                try:
                    obj.shape = (2, 2)
                    out = fnp.sum(w @ w) * obj.shape[0]
                except AttributeError:
                    out = fnp.max(w)
                return fnp.zeros((mlp.depth, mlp.width)) + out
        """))
    report = analyze(path, POINT)
    assert not report.raises and report.lower_bound
    assert report.total.lo <= measure(path, POINT).total
