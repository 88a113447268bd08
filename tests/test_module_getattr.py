"""A module's own ``__getattr__`` (PEP 562) answers the attributes its globals do not hold.

Packages of a folder submission load submodules lazily (``def __getattr__(name): return
importlib.import_module(f".{name}", __name__)``) or make constants on first use
(``EPS_float32``). flopcast left ``pkg.EPS_float32`` unpriced ("not known on ModuleVal") and
every op using it; a star import whose ``__all__`` lists a lazy name raised AttributeError
where Python asks ``__getattr__``. Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

from oracle import assert_exact_at

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))


def _write(tmp_path, estimator: str, init: str):
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "__init__.py").write_text(textwrap.dedent(init))
    (tmp_path / "kit" / "heavy.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp


        def lift(x, w):
            return fnp.tanh(x @ w)
        """))
    (tmp_path / "estimator.py").write_text(textwrap.dedent(estimator))
    return tmp_path


INIT = """\
    import importlib

    import numpy as np

    __all__ = ["SCALE", "heavy"]
    SCALE = 0.5


    def __getattr__(name):
        if name.startswith("EPS_"):
            return float(np.finfo(name[4:]).eps) * 1e6
        if name == "heavy":
            return importlib.import_module(".heavy", __name__)
        raise AttributeError(name)
    """


def test_a_constant_made_by_a_module_getattr_is_known(tmp_path):
    """`kit.EPS_float32` is the value __getattr__ returns (it floors the variance here)."""
    path = _write(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        import kit


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                rows = []
                for w in mlp.weights:
                    x = fnp.maximum(x @ w, kit.EPS_float32) * kit.SCALE
                    rows.append(x)
                return fnp.stack(rows)
        """, INIT)
    assert_exact_at(path, POINTS)


def test_a_star_import_takes_a_lazy_name_from_the_module_getattr(tmp_path):
    """`from kit import *` with `heavy` in __all__ but not imported yet: Python gets it with
    getattr, so __getattr__ imports kit.heavy (flopcast raised AttributeError)."""
    path = _write(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        from kit import *


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                rows = []
                for w in mlp.weights:
                    x = heavy.lift(x, w) * SCALE
                    rows.append(x)
                return fnp.stack(rows)
        """, INIT)
    assert_exact_at(path, POINTS)


def test_a_lazy_submodule_that_caches_itself_in_globals_is_the_submodule(tmp_path):
    """The common lazy-import hook, `module = importlib.import_module(f".{name}", __name__);
    globals()[name] = module`: `kit.heavy` is the folder's kit/heavy.py (asking the hook would
    meet globals(), which flopcast does not model, and leave every call into it unpriced)."""
    path = _write(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        import kit


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                rows = []
                for w in mlp.weights:
                    x = kit.heavy.lift(x, w)
                    rows.append(x)
                return fnp.stack(rows)
        """, """\
        import importlib


        def __getattr__(name):
            if name in ("heavy",):
                module = importlib.import_module(f".{name}", __name__)
                globals()[name] = module
                return module
            raise AttributeError(name)
        """)
    assert_exact_at(path, POINTS)
