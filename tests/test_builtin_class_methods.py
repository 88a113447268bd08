"""The builtin classes' pure alternate constructors and int's pure methods are Python's own.

``SALT = int.from_bytes(b"team", "little") % 10_007`` (a seed salt stable across runs, unlike
``hash()``) at module level, then a sample count or a seed made from it: flopcast left the
attribute unknown ("attribute 'from_bytes' not known on Builtin"), so every name the module
defined after it, and the work sized by them, went unpriced.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    SALT = {salt}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = 8 + SALT % 8
            rng = fnp.random.default_rng(SALT)
            x = rng.standard_normal((n, mlp.width))
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x, axis=0)
    """

SALTS = {
    "int_from_bytes": 'int.from_bytes(b"scatter", "little") % 10_007',
    "int_from_bytes_big_signed": 'int.from_bytes(b"\\xc8\\x07", byteorder="big", signed=True) % 97',
    "float_fromhex": 'int(float.fromhex("0x1.8p3"))',
    "int_bit_count": '(1234).bit_count()',
    "int_to_bytes": '(517).to_bytes(2, "little")[0]',
    "int_as_integer_ratio": 'sum((6).as_integer_ratio())',
}


@pytest.mark.parametrize("salt", SALTS.values(), ids=SALTS.keys())
def test_pure_builtin_class_methods_give_known_values(tmp_path, salt):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(salt=salt)))
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, report.unpriced
        assert_exact_match(report, measure(path, point))


RAISES = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = mlp.weights[0] @ mlp.weights[0]
            try:
                salt = int.from_bytes("text", "little")
            except TypeError:
                salt = 3
            return fnp.zeros((mlp.depth, mlp.width)) + x[salt]
    """


def test_a_bad_argument_is_pythons_raise(tmp_path):
    """int.from_bytes("text", ...) raises TypeError in Python, which the handler catches."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(RAISES))
    point = Point(8, 2, 2**41)
    report = analyze(path, point)
    assert report.total.exact and not report.unpriced, report.unpriced
    assert_exact_match(report, measure(path, point))
