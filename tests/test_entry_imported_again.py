"""The entry file imported again by its own name is a second module.

whestbench loads estimator.py as ``_whestbench_submission_<hash>``, so a helper of the folder
that runs ``import estimator`` (or ``from estimator import f``) gets a second module object of
the same file: its body runs again and its globals are its own. A memo dict at the top of
estimator.py is then two dicts, one filled through the helper and one by the estimator's own
calls, and the first MLP pays for the memoised work twice. Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

from oracle import assert_exact_at

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

ESTIMATOR = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator
    {top_import}

    MEMO = {{}}


    def basis(w):
        if w not in MEMO:
            MEMO[w] = fnp.cos(fnp.ones((w, w)))
        return MEMO[w]


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            {late_import}
            b = helper.warm(mlp.width)
            c = basis(mlp.width)
            return fnp.zeros((mlp.depth, mlp.width)) + c[0] + b[0]
    """


def _write(tmp_path, helper: str, top_import: str = "", late_import: str = "pass"):
    (tmp_path / "estimator.py").write_text(textwrap.dedent(ESTIMATOR).format(top_import=top_import,
                                                                            late_import=late_import))
    (tmp_path / "helper.py").write_text(textwrap.dedent(helper))
    return tmp_path


def test_a_memo_filled_through_import_estimator_is_not_the_estimators_own(tmp_path):
    """The helper's `import estimator` fills the second module's MEMO: the estimator's own
    basis() still finds its MEMO empty on the first MLP and builds the basis again (flopcast
    shared one module's globals between the two and counted the cosine once)."""
    path = _write(tmp_path, """\
        import estimator


        def warm(w):
            return estimator.basis(w)
        """, late_import="import helper")
    assert_exact_at(path, POINTS)


def test_a_late_from_import_of_the_entry_file_in_a_circular_import(tmp_path):
    """estimator.py imports the helper at its top; the helper's function imports `basis` from
    estimator when first called: the second module object (its body runs then, importing the
    already loaded helper), with a MEMO of its own."""
    path = _write(tmp_path, """\
        def warm(w):
            from estimator import basis
            return basis(w)
        """, top_import="import helper")
    assert_exact_at(path, POINTS)
