"""Plain numpy on a list of flopscope arrays: numpy's dispatcher decides whether flopscope bills.

numpy's ``__array_function__`` dispatch looks at what each function's dispatcher hands over:
``np.sort(a)``, ``np.mean(a)``, ``np.max(a)``, ``np.median(a)``, ``np.linalg.norm(a)`` hand
over the list itself, which has no ``__array_function__``, so numpy converts it with its own
asarray (a copy, unbilled) and runs its own implementation: nothing is billed and the result is
numpy's. ``np.concatenate``/``np.stack`` hand over the items (flopscope bills), and
``np.lexsort`` the items of a tuple but not of a list. flopcast billed ``np.sort(list)`` as
fnp.sort (a false exact: 214 predicted, 206 counted at 8x2) and left ``np.mean(list)``
unpriced. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

VALS = "[fnp.sum(w), fnp.max(w), fnp.mean(w)]"
CALLS = {
    "sort_of_0d_arrays": f"np.sort({VALS})[0] * 2 + w[0]",
    "mean_of_0d_arrays": f"np.mean({VALS}) * 2 + w[0]",
    "max_of_0d_arrays": f"np.max({VALS}) + w[0]",
    "median_of_a_tuple": f"np.median(tuple({VALS})) * w[0]",
    "argsort_picks_a_row": f"w[int(np.argsort({VALS})[0])]",
    "norm_of_0d_arrays": f"np.linalg.norm({VALS}) * w[0]",
    "sort_of_rows": "np.sort([w[0], w[1]]) * 2",
    "stack_is_billed": f"np.stack({VALS})",
    "concatenate_is_billed": "np.concatenate([w[0], w[1]])",
    "lexsort_of_a_tuple_is_billed": "w[0][np.lexsort((w[0], w[1]))]",
    "lexsort_of_a_list_is_numpys": "w[0][np.lexsort([w[0], w[1]])]",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_numpy_on_a_list_of_flopscope_arrays(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
