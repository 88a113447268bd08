"""A mask set at distinct positions counts them: ``mask[np.asarray(top)] = True``.

Active-set code marks the top-k neurons of an argsort (or an argpartition, or k drawn without
replacement, or the head of a permutation) in a plain numpy mask and then selects by it and by its complement (``mean[~mask]``, ``np.flatnonzero(~mask)``)
to scatter a refit back in place. The positions are distinct and in range, so the mask holds
exactly k True elements whatever the values. flopcast made every selection by it a value-
dependent size site, chosen apart from the others, so paths whose counts disagreed "raised"
a shape mismatch and the rest of predict was unpriced. Checked against the real flopscope at
two sizes. So does the rest of the units by a set operation against ``np.arange(w)``
(``np.setdiff1d(np.arange(w), np.sort(top))``: w - k of them). (Positions that may repeat, an argmax per row, stay value-dependent:
/tmp/corpus50/repeat_positions.py in session 40's report.)
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            width, k = mlp.width, mlp.width // 4
            x = fnp.ones((8, width))
            rows = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                mean = fnp.mean(x, axis=0)
                top = {top}
                mask = np.{fill}(width, dtype=bool)
                mask[np.asarray(top)] = {truth}
                chosen = mask if {truth} else ~mask
                perm = np.concatenate([np.asarray(top), np.flatnonzero(~chosen)])
                spread = fnp.concatenate([mean[top] * 2.0, mean[~chosen]])[np.argsort(perm)]
                rows.append(fnp.where(chosen, spread, mean))
            return fnp.stack(rows)
    """
POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

TOPS = {
    "argsort_tail": "fnp.argsort(mean)[width - k:]",
    "argsort_strided": "fnp.argsort(mean)[::-1][:k]",
    "argpartition_tail": "fnp.argpartition(mean, width - k)[width - k:]",
    "plain_argsort": "np.argsort(np.asarray(mean))[:k]",
    "flat_argsort_of_a_row": "fnp.argsort(x[:1], axis=None)[:k]",
    "numpy_choice_without_replacement": "np.random.default_rng(0).choice(width, size=k, replace=False)",
    "numpy_permutation_head": "np.random.default_rng(0).permutation(width)[:k]",
    "flopscope_choice_without_replacement": "fnp.random.default_rng(0).choice(width, size=k, replace=False)",
    "legacy_permutation_head": "fnp.random.permutation(width)[:k]",
    "legacy_choice_without_replacement": "fnp.random.choice(width, size=k, replace=False)",
}


# each source of positions once, set in a zero mask or cleared in a mask of ones by turns
CASES = [pytest.param(top, *(("zeros", "True") if i % 2 == 0 else ("ones", "False")), id=name)
         for i, (name, top) in enumerate(TOPS.items())]


@pytest.mark.parametrize("top,fill,truth", CASES)
def test_a_mask_set_at_distinct_positions_selects_their_count(tmp_path, top, fill, truth):
    assert_exact_at(write_program(tmp_path, PROGRAM, top=top, fill=fill, truth=truth), POINTS)


SETS = """\
    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            width, k = mlp.width, mlp.width // 4
            x = fnp.ones((8, width))
            rows = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                mean = fnp.mean(x, axis=0)
                top = np.sort(np.asarray(fnp.argpartition(mean, width - k)[width - k:]))
                units = np.arange(width)
                rest = {rest}
                rows.append(fnp.concatenate([mean[top] * 2.0, mean[rest]]) + fnp.sum(mean[{other}]))
            return fnp.stack(rows)
    """
SET_OPS = {
    "setdiff1d": ("np.setdiff1d(units, top)", "np.intersect1d(units, top)"),
    "setxor1d": ("np.setxor1d(units, top)", "np.union1d(units, top)"),
}


@pytest.mark.parametrize("rest,other", SET_OPS.values(), ids=SET_OPS.keys())
def test_the_rest_of_the_units_by_a_set_operation_has_a_known_size(tmp_path, rest, other):
    assert_exact_at(write_program(tmp_path, SETS, rest=rest, other=other), POINTS)
