"""Annotations are evaluated where Python evaluates them.

Without `from __future__ import annotations` (Python before 3.14), a function's parameter and
return annotations, and a module's or class body's variable annotations, are evaluated when the
`def` or the statement runs: a name no code of the module defines raises NameError there, and
whestbench cannot load the file. flopcast never looked at annotations (an exact count for a file
that does not load). With the future import, or inside a function body, nothing is evaluated.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINT = Point(16, 2, 2**41)

PROGRAM = """\
    {future}
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def helper(x: {annotation}) -> "Later":
        y: NotEvaluatedInsideAFunction = x
        return y


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            return fnp.stack([helper(x)] * mlp.depth)
    """


def _write(tmp_path, future: str, annotation: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(future=future, annotation=annotation)))
    return path


def test_an_annotation_naming_nothing_raises_nameerror_at_import(tmp_path):
    path = _write(tmp_path, "", "UndefinedType")
    report = analyze(path, POINT)
    assert [(r.what, r.at_load) for r in report.raises] == [("NameError: name 'UndefinedType' is not defined", True)]
    with pytest.raises(NameError, match="UndefinedType"):
        measure(path, POINT)


@pytest.mark.parametrize("future, annotation", [("from __future__ import annotations", "UndefinedType"),
                                                ("", "'UndefinedType'"), ("", "fnp.ndarray"), ("", "list[int] | None")])
def test_annotations_that_are_not_evaluated_or_resolve_leave_the_count_exact(tmp_path, future, annotation):
    assert_exact_at(_write(tmp_path, future, annotation), (POINT, Point(32, 3, 2**41)))
