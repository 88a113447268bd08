"""flopscope meters only numeric dtypes: a string, bytes or object operand or dtype= raises.

flopscope 0.12 refuses any flopscope op whose operand, ``dtype=`` or ``out=`` has a dtype
outside bool, integer, float and complex, with ``UnsupportedDtypeError`` (a TypeError).
flopcast reports that raise on the line (a mutant of the corpus, ``fnp.copy`` of an einsum
subscript string, once made an internal error; ``dtype="U3"`` was a false "exact"), and an
``except TypeError`` catches it as in the real run.
"""

from __future__ import annotations

import textwrap

import pytest
from flopscope.errors import UnsupportedDtypeError
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.zeros(mlp.width)
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            {statement}
            return fnp.stack([x] * mlp.depth)
    """
POINT = Point(8, 2, 10**6)
LINE = 10

REFUSED = {
    "copy_of_a_string": "s = fnp.copy('...ij,...ij->...i')",
    "string_dtype": "s = fnp.zeros(mlp.width, dtype='U3')",
    "str_dtype": "s = fnp.ones(mlp.width, dtype=str)",
    "astype_object": "s = x.astype(object)",
    "string_fill": "s = fnp.full(mlp.width, 'a')",
    "mixed_list": "s = fnp.asarray([1, 'a'])",
}


def _write(tmp_path, statement: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(statement=statement)))
    return path


@pytest.mark.parametrize("statement", list(REFUSED.values()), ids=list(REFUSED))
def test_a_non_numeric_dtype_raises_unsupported_dtype_error_on_its_line(tmp_path, statement):
    path = _write(tmp_path, statement)
    report = analyze(path, POINT)
    assert not report.unpriced, report.unpriced
    assert [r.span.line for r in report.raises if "UnsupportedDtypeError" in r.what] == [LINE], report.raises
    with pytest.raises(UnsupportedDtypeError):
        measure(path, POINT)


def test_except_type_error_catches_the_refusal_and_the_count_goes_on(tmp_path):
    path = _write(tmp_path, "try:\n                s = fnp.zeros(mlp.width, dtype='U3')\n"
                            "            except TypeError:\n                x = fnp.exp(x)")
    report = analyze(path, POINT)
    assert not report.raises, report.raises
    assert_exact_match(report, measure(path, POINT))
