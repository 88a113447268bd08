"""A helper module first imported inside predict runs its body under the budget.

Python runs a module's body where it is first imported. estimator.py's top-level imports run
when whestbench loads the file (no budget open), but `import tables` inside predict runs
tables.py's body in the first call's BudgetContext, where flopscope counts its ops (a table of
cosines made at module level). flopcast ran every module body unmetered and claimed the first
MLP's count exact without them. Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

from oracle import assert_exact_at, measure_calls

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))


def test_a_module_body_run_by_an_import_inside_predict_is_counted_on_the_first_call(tmp_path):
    (tmp_path / "tables.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp

        BASE = fnp.cos(fnp.arange(64) * 0.1)
        """))
    (tmp_path / "estimator.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                import tables
                x = fnp.ones(mlp.width) + tables.BASE[: mlp.width]
                return fnp.stack([x] * mlp.depth)
        """))
    assert_exact_at(tmp_path, POINTS)


def test_a_module_imported_at_load_time_is_not_counted(tmp_path):
    """The same module imported at the top of estimator.py: its body ran before any budget."""
    (tmp_path / "tables.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp

        BASE = fnp.cos(fnp.arange(64) * 0.1)
        """))
    (tmp_path / "estimator.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        import tables


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width) + tables.BASE[: mlp.width]
                return fnp.stack([x] * mlp.depth)
        """))
    assert_exact_at(tmp_path, POINTS)


def test_a_module_whose_body_raises_makes_each_import_raise_into_the_handler(tmp_path):
    """Python's import raises what the module's body raised and drops the module, so the next
    MLP's import raises again. flopcast noted the raise and took the import as done: the
    handler's cost was never counted (a false exact)."""
    (tmp_path / "tables.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp

        BASE = fnp.cos(fnp.arange(64) * 0.1)
        raise ValueError("no tables here")
        """))
    (tmp_path / "estimator.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                try:
                    import tables
                    x = x * 2.0
                except ValueError:
                    x = fnp.tanh(x @ mlp.weights[0])
                return fnp.stack([x] * mlp.depth)
        """))
    assert_exact_at(tmp_path, POINTS)
    report = analyze(tmp_path / "estimator.py", POINTS[0])
    predicted = [report.per_call[min(i, len(report.per_call) - 1)] if report.per_call else report.total
                 for i in range(3)]
    assert all(i.exact for i in predicted)
    assert [i.lo for i in predicted] == [m.total for m in measure_calls(tmp_path, POINTS[0], 3)]
