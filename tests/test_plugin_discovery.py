"""A plugin package that imports its own modules by listing its folder.

``for info in pkgutil.iter_modules(__path__): importlib.import_module(f"{__name__}.{info.name}")``
in a package's ``__init__.py`` imports every module beside it; their decorators fill a registry
the estimator runs. pkgutil only reads the folder (sorted by file name, subpackages marked
``ispkg``), which whestbench ships as it is. flopcast knew no ``__path__`` and left the loop
unpriced (the plugins' work uncounted). Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

from oracle import assert_exact_at

from flopcast.model import Point


def test_plugins_found_by_pkgutil_iter_modules_are_imported_and_run(tmp_path):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "__init__.py").write_text(textwrap.dedent("""\
        import importlib
        import pkgutil

        REGISTRY = {}


        def register(name):
            def deco(fn):
                REGISTRY[name] = fn
                return fn
            return deco


        for info in pkgutil.iter_modules(__path__):
            if not info.ispkg:
                importlib.import_module(f"{__name__}.{info.name}")
        """))
    for name, body in (("a_tanh", "fnp.tanh(x @ w)"), ("b_exp", "fnp.exp(fnp.tanh(x @ w))")):
        (tmp_path / "plugins" / f"{name}.py").write_text(textwrap.dedent(f"""\
            import flopscope.numpy as fnp

            from . import register


            @register("{name}")
            def run(x, w):
                return {body}
            """))
    (tmp_path / "estimator.py").write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        from plugins import REGISTRY


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                for name in REGISTRY:
                    for w in mlp.weights:
                        x = REGISTRY[name](x, w)
                return fnp.stack([x] * mlp.depth)
        """))
    assert_exact_at(tmp_path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])
