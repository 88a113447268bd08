"""``fnp.diff`` with ``prepend=`` / ``append=`` is priced as flopscope bills it.

flopscope concatenates the edges along the axis first: the differenced length grows by each
edge's length there (1 for a scalar), and the bill is at the dtypes' promotion as arrays
(np.concatenate's: ``prepend=0.0`` on a float32 input bills float64, as a 0-d float64 array).
flopcast refused both keywords (a lower bound on every estimator that used them). A 0-d
input raises IndexError in flopscope's own axis arithmetic before numpy's ValueError, so a
handler for ValueError does not catch it. Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

EDGES = {
    "scalar_prepend_promotes_float32": "fnp.diff(w[0], prepend=0.0)",
    "int_prepend_promotes_float32": "fnp.diff(w[0], prepend=0)",
    "same_dtype_append": "fnp.diff(w[1], append=w[1][-1:])",
    "both_edges_second_order": "fnp.diff(w, n=2, axis=0, prepend=w[:1], append=w[-2:])",
    "positional_edges": "fnp.diff(w, 1, 1, w[:, :1], 0.5)",
    "float64_edge_on_rows": "fnp.diff(w, axis=1, append=fnp.zeros((w.shape[0], 3)))",
    "list_edge": "fnp.diff(w[0], prepend=[1.0, 2.0])",
    "plain_numpy_edge": "fnp.diff(w[0], append=np.ones(2, dtype=np.float32))",
    "zero_d_input": "fnp.diff(fnp.sum(w))",
    "plain_numpy_zero_d_input": "np.diff(np.float64(2.0)) + w[0]",
}


def _write(tmp_path, expr):
    return write_program(tmp_path, PROGRAM, expr=expr)


@pytest.mark.parametrize("expr", EDGES.values(), ids=EDGES.keys())
def test_diff_edges_are_priced_as_flopscope_bills_them(tmp_path, expr):
    assert_exact_at(_write(tmp_path, expr), POINTS)
