"""A file the parser reads but Python's compiler refuses is a SyntaxError, as in the run.

``ast.parse`` accepts trees the compiler then refuses (``*x`` as a statement, ``return`` outside
a function): importing such a file raises SyntaxError and none of it runs. flopcast analysed
them as if they ran (the mutation hunt's ``@property`` -> ``*property`` in strassen_levels'
plan/costs.py, seed 410: an internal error, the import in plan/__init__.py unpriced). Checked
against the real run.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.source import SourceError
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

REFUSED_BY_THE_COMPILER = """\
    class Scale:
        *property
        def factor(self):
            return 2.0
    """


def test_a_package_importing_a_module_python_cannot_compile_raises_syntaxerror_at_load(tmp_path):
    """whestbench cannot load the estimator; flopcast says the import raises, not an internal error."""
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "__init__.py").write_text("from .steps import Scale\n")
    (tmp_path / "kit" / "steps.py").write_text(textwrap.dedent(REFUSED_BY_THE_COMPILER))
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        from kit import Scale


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                return fnp.zeros((mlp.depth, mlp.width)) * Scale().factor
        """))
    with pytest.raises(SyntaxError):
        measure(path, POINTS[0])
    report = analyze(path, POINTS[0])
    assert not [u for u in report.unpriced if u.what == "internal error"], report.unpriced
    assert [(r.what, r.at_load) for r in report.raises] == [
        ("SyntaxError: can't use starred expression here (steps.py, line 2)", True)]


def test_an_estimator_python_cannot_compile_is_an_error_for_people(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            *property
            def predict(self, mlp, budget):
                return fnp.zeros((mlp.depth, mlp.width))
        """))
    with pytest.raises(SyntaxError):
        measure(path, POINTS[0])
    with pytest.raises(SourceError, match="estimator.py:6:5: syntax error: can't use starred expression here"):
        analyze(path, POINTS[0])
