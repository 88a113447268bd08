"""``hasattr(itertools, "batched")`` / ``getattr(math, "cbrt", None)``: a feature check on a standard
library module is answered by the module the run imports, and a missing name takes the fallback.
hunt54a: flopcast answered hasattr True for a name the module lacks, then said predict raises
AttributeError always (exact 34 at 4x3) where the run took the fallback and counted 274."""

from __future__ import annotations

import textwrap

from oracle import assert_exact_at

from flopcast.model import Point

FEATURE_CHECKS = """\
    import itertools
    import math

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def chunks(seq, n):
        if hasattr(itertools, "{missing}"):
            return [list(c) for c in itertools.{missing}(seq, n)]
        return [seq[i:i + n] for i in range(0, len(seq), n)]


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            cube = getattr(math, "cbrt", None)
            k = 3 if cube is None else int(cube(27.0)) + 2
            x = fnp.ones(mlp.width) * fnp.sum(fnp.ones(k))
            rows = []
            for group in chunks(list(mlp.weights), 2):
                for w in group:
                    x = fnp.maximum(x @ w, 0.0)
                    rows.append(x)
            return fnp.stack(rows)
"""


def test_a_feature_check_on_a_stdlib_module_takes_the_fallback_for_a_missing_name(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(FEATURE_CHECKS).replace("{missing}", "not_in_this_python"))
    assert_exact_at(path, [Point(4, 3, 10**5)])
