"""A package's submodule is its attribute only once something imported it.

Python binds ``kit.heavy`` in the package ``kit`` when kit/heavy.py is first imported (by
``import kit.heavy``, ``from kit import heavy``, ``from .heavy import f`` inside kit, or
importlib), not before: ``import kit`` alone with an empty kit/__init__.py leaves
``kit.heavy`` an AttributeError (unless the package has a module ``__getattr__``). flopcast
handed out every submodule of the folder as an attribute, so a `try: kit.heavy ... / except
AttributeError:` fallback never took its fallback, and an unguarded use was claimed exact
where the run raises. Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

ESTIMATOR = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    import kit
    {extra_import}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            try:
                lift = kit.heavy.lift
            except AttributeError:
                lift = None
            for w in mlp.weights:
                x = lift(x, w) if lift is not None else fnp.maximum(x @ w, 0.0)
            return fnp.stack([x] * mlp.depth)
    """


def _write(tmp_path, extra_import: str = "", init: str = ""):
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "__init__.py").write_text(init)
    (tmp_path / "kit" / "heavy.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp


        def lift(x, w):
            return fnp.tanh(fnp.exp(x @ w))
        """))
    (tmp_path / "estimator.py").write_text(textwrap.dedent(ESTIMATOR).format(extra_import=extra_import))
    return tmp_path


def test_a_submodule_nothing_imported_is_no_attribute_of_its_package(tmp_path):
    """`import kit` alone: `kit.heavy` raises AttributeError and the fallback runs."""
    assert_exact_at(_write(tmp_path), POINTS)


def test_a_submodule_imported_anywhere_is_an_attribute_of_its_package(tmp_path):
    """`import kit.heavy as _` binds `heavy` in kit: `kit.heavy.lift` is found."""
    assert_exact_at(_write(tmp_path, extra_import="import kit.heavy as _"), POINTS)


def test_a_submodule_the_package_imports_relatively_is_an_attribute(tmp_path):
    """kit/__init__.py's `from .heavy import lift` loads kit.heavy, binding it in kit too."""
    assert_exact_at(_write(tmp_path, init="from .heavy import lift\n"), POINTS)


def test_an_unguarded_use_of_an_unimported_submodule_raises_as_the_run_does(tmp_path):
    path = _write(tmp_path)
    (tmp_path / "estimator.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        import kit


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                return fnp.stack([kit.heavy.lift(x, w) for w in mlp.weights])
        """))
    report = analyze(path, POINTS[0])
    assert [r.what for r in report.raises] == ["AttributeError: module 'kit' has no attribute 'heavy'"], report.raises
    with pytest.raises(AttributeError):
        measure(path, POINTS[0])
