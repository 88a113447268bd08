"""``collections.defaultdict(factory, mapping, **kw)`` starts out holding what ``dict(mapping, **kw)``
would: its length and values feed sizes like any dict's (hunt54a: the contents were dropped, a
false "exact" 2 FLOPs short on a size taken from ``len(...)``)."""

from __future__ import annotations

import textwrap

from oracle import assert_exact_at

from flopcast.model import Point

SEEDED = """\
    from collections import defaultdict

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            seen = defaultdict(list, {"warm": [1, 2]}, cold=[3])
            seen["hot"].append(4)
            n = sum(len(v) for v in seen.values()) + len(seen)
            x = fnp.ones(mlp.width) * fnp.sum(fnp.ones(n))
            rows = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                rows.append(x)
            return fnp.stack(rows)
"""


def test_a_defaultdict_made_from_a_mapping_holds_its_items(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(SEEDED))
    assert_exact_at(path, [Point(4, 2, 10**5)])
