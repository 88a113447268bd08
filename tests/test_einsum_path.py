"""``fnp.einsum_path`` is priced as flopscope bills it, and its path feeds ``einsum(optimize=)``.

flopscope charges a flat 1 for ``einsum_path``, then searches the path (numpy's ValueError for
operands that do not fit the subscripts comes after that charge) and returns ``(path, info)``,
the path a list of index tuples that ``einsum(..., optimize=path)`` takes (the einsum's price
does not depend on the path it is handed). flopcast left einsum_path unpriced and the einsum
given its path unpriced after it (a lower bound). Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

CALLS = {
    "path_then_einsum": 'fnp.einsum("ij,jk,kl->il", w, w, w, optimize=fnp.einsum_path("ij,jk,kl->il", w, w, w)[0])',
    "greedy_path_with_a_vector": 'fnp.einsum("ij,jk,k->i", w, w.T, w[0], '
                                 'optimize=fnp.einsum_path("ij,jk,k->i", w, w.T, w[0], optimize="greedy")[0])',
    "path_steps_read_as_numbers": 'w[: fnp.einsum_path("ij,jk,k->i", w, w.T, w[0])[0][0][1]]',
    "path_length": 'w * len(fnp.einsum_path("ij,jk->ik", w, w)[0])',
    "symmetric_operand": 'fnp.einsum("ij,jk->ik", fnp.eye(w.shape[0]), w, '
                         'optimize=fnp.einsum_path("ij,jk->ik", fnp.eye(w.shape[0]), w)[0])',
    "one_operand": 'fnp.einsum("ij->i", w, optimize=fnp.einsum_path("ij->i", w)[0])',
    "operands_that_do_not_fit": 'fnp.einsum_path("ij,jk->ik", w, fnp.ones((3, 3)))[0]',
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_einsum_path_is_priced(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
