"""A builtin flopcast does not model (``bytes``, ``bytearray``, ``memoryview``) is named as such in
what is not priced: the report said the name was "not defined on this path", which sends its reader
looking for a missing import."""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

DECODED = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            codes = fnp.frombuffer(BUFFER, dtype=fnp.uint8).astype(fnp.int64)
            out = fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
            return out + fnp.sum(mlp.weights[0][codes, :])
"""


@pytest.mark.parametrize("buffer", ["bytes(range(4))", "bytearray(range(4))", r"memoryview(b'\x00\x01\x02\x03')"])
def test_an_unmodelled_builtin_is_reported_as_one(tmp_path, buffer):
    builtin = buffer.split("(")[0]
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(DECODED).replace("BUFFER", buffer))
    point = Point(8, 2, 10**6)
    report = analyze(path, point)
    named = [u for u in report.unpriced if u.what == f"name {builtin!r}"]
    assert [u.reason for u in named] == [f"the builtin {builtin} is not modelled"]
    assert report.lower_bound and report.total.lo <= measure(path, point).total
