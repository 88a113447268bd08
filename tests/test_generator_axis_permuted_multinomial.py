"""``rng.choice(a, k, axis=)``, ``rng.permuted`` and ``rng.multinomial`` are priced as flopscope
bills them.

flopscope's ``_choice_cost`` takes the pool along ``axis`` and counts every element of the
result (``p=`` adds its CDF over that pool and a binary search per element); ``permuted`` is
``numel(input)`` moved, dtype-neutral, of the input's shape and dtype, untagged; ``multinomial``
is ``numel(output)`` at the int64 result's rate, of shape ``size + (len(pvals),)``, and numpy
refuses bad known pvals before anything is charged. flopcast left all three unpriced (a lower
bound). Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

RNG = "fnp.random.default_rng(0)"
CALLS = {
    "choice_along_columns": f"{RNG}.choice(w, 3, axis=1)",
    "choice_rows_without_replacement": f"{RNG}.choice(w, 2, axis=0, replace=False)",
    "choice_negative_axis_tuple_size": f"{RNG}.choice(w, (2, 3), axis=-1)",
    "choice_no_size_drops_the_axis": f"{RNG}.choice(w, axis=1)",
    "choice_axis_with_p": f"{RNG}.choice(w, 3, axis=1, p=fnp.ones(w.shape[1]) / w.shape[1])",
    "choice_no_shuffle": f"{RNG}.choice(w, 2, replace=False, axis=1, shuffle=False)",
    "choice_of_a_symmetric_pool": f"{RNG}.choice(fnp.eye(w.shape[0]), 2, axis=1)",
    "permuted_along_rows": f"{RNG}.permuted(w, axis=1)",
    "permuted_whole": f"{RNG}.permuted(w)",
    "permuted_symmetric_loses_its_tag": f"fnp.exp({RNG}.permuted(fnp.eye(w.shape[0])))",
    "permuted_ints_then_float": f"{RNG}.permuted(fnp.arange(5)) * 1.5",
    "multinomial_known_pvals": f"{RNG}.multinomial(10, [0.25, 0.25, 0.5], size=4).astype(fnp.float64)",
    "multinomial_array_pvals_size_tuple": f"{RNG}.multinomial(20, fnp.ones(w.shape[1]) / w.shape[1], size=(2, 3))",
    "multinomial_float32_pvals_positional_size": f"{RNG}.multinomial(5, fnp.ones(4, dtype=fnp.float32) / 4, 3) / 5",
    "multinomial_refused_pvals": f"{RNG}.multinomial(10, [0.9, 0.9, 0.5])",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_generator_draw_is_priced(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
