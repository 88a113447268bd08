"""``str(x.dtype)`` is the dtype's name, as numpy prints it.

A learned head stored as float32 or float64 is cached on the instance by ``(width,
str(head.dtype))``; flopcast did not know the text of a dtype, so the key, the cache's
membership test and everything computed from the cached value were unknown (a lower bound
for a program whose every value is known). Checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

from oracle import assert_exact_at

from flopcast.model import Point


def test_a_cache_keyed_by_the_text_of_a_dtype_is_known(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def setup(self, context):
                self.head = np.ones((context.width, 2), np.float32)
                self.cache = {}

            def predict(self, mlp, budget):
                key = (mlp.width, str(self.head.dtype))
                if key not in self.cache:
                    h = fnp.asarray(self.head)
                    self.cache[key] = fnp.linalg.cholesky(h.T @ h + fnp.eye(2))
                x = fnp.ones(mlp.width, dtype=str(self.head.dtype))
                for w in mlp.weights:
                    x = fnp.tanh(x @ w)
                return fnp.stack([x] * mlp.depth) + fnp.sum(self.cache[key])
        """))
    assert_exact_at(path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])
