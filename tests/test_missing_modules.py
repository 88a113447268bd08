"""An import of a module the grader does not have raises ModuleNotFoundError, as it does there.

The grader provides flopscope, whestbench and the standard library; a module found neither in
the submission folder, nor in the standard library, nor installed beside flopscope is missing
there too. flopcast took it for a library it does not model: `try: import fast_lib` / `except
ImportError:` fallbacks never took their fallback (a lower bound, or a call on an unknown value),
and an import inside predict was not the raise it is. Checked against the real run.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))


def _write(tmp_path, source: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(source))
    return path


def test_an_optional_import_that_is_missing_takes_its_fallback(tmp_path):
    path = _write(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        try:
            import fancy_solver_not_installed_anywhere as fancy
            HAVE_FANCY = True
        except ImportError:
            fancy = None
            HAVE_FANCY = False


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                for w in mlp.weights:
                    x = fancy.step(x, w) if HAVE_FANCY else fnp.tanh(x @ w)
                return fnp.stack([x] * mlp.depth)
        """)
    assert_exact_at(path, POINTS)


def test_an_import_of_a_missing_module_in_predict_raises(tmp_path):
    path = _write(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones((mlp.depth, mlp.width))
                import fancy_solver_not_installed_anywhere
                return x
        """)
    point = POINTS[0]
    report = analyze(path, point)
    assert [(r.span.line, r.every_path) for r in report.raises] == [(8, True)], report.raises
    assert report.raises[0].what == "ModuleNotFoundError: No module named 'fancy_solver_not_installed_anywhere'"
    with pytest.raises(ModuleNotFoundError):
        measure(path, point)


def test_a_module_in_a_folder_the_submission_puts_on_sys_path_is_not_called_missing(tmp_path):
    """`sys.path.insert(0, HERE / "vendor")` then `try: import fastkit / except ImportError:`:
    the run finds vendor/fastkit.py and takes the try arm. flopcast, which does not follow
    sys.path, raised ModuleNotFoundError there and claimed the fallback's count exact; the
    import is now left unpriced (a lower bound, at most the run's count)."""
    from oracle import assert_first_call_below_run

    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "fastkit.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp


        def boost(x):
            return fnp.exp(x) + fnp.tanh(x)
        """))
    path = _write(tmp_path, """\
        import sys
        from pathlib import Path

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        sys.path.insert(0, str(Path(__file__).resolve().parent / "vendor"))
        try:
            import fastkit
        except ImportError:
            fastkit = None


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                if fastkit is not None:
                    x = fastkit.boost(x)
                return fnp.stack([x] * mlp.depth)
        """)
    assert_first_call_below_run(path, Point(16, 2, 2**41))
