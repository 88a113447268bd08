"""broadcast_to carries flopscope's symmetry tag, and a tag of two blocks is priced as both.

flopscope's ``broadcast_to`` tags its output (``broadcast_group``) whatever the input: prepended
axes of one extent form a symmetric block, so ``fnp.broadcast_to(w[0], (3, 3, n))`` is
symmetric in its first two axes and ``fnp.exp`` of it is charged per unique element (768 at
8x2 where flopcast, reading it as dense, claimed an exact 1,152). A tagged input keeps its
blocks (shifted; an axis of extent 1 that is stretched leaves its block); flopcast left that
unpriced. An array with two symmetric blocks (``broadcast_to`` of a Gram matrix to
``(2, 2, n, n)``) was priced with only its last block in reductions and contractions
(``SymmetryGroup.direct_product`` is a classmethod: ``g1.direct_product(g2)`` is ``g2``).
Checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at

from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            n = mlp.width
            gram = fnp.einsum('ij,kj->ik', w, w)
            r = {expr}
            return fnp.zeros((mlp.depth, n)) + fnp.sum(r) * 0
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

EXPRS = {
    "prepended_axes_of_one_extent": "fnp.exp(fnp.broadcast_to(w[0], (3, 3, n)))",
    "prepended_pair_before_a_matrix": "fnp.broadcast_to(w, (2, 2, n, n)) * 2.0",
    "prepended_axes_apart": "fnp.exp(fnp.broadcast_to(w[0], (3, 2, 3, n)))",
    "one_prepended_axis_stays_dense": "fnp.sqrt(fnp.abs(fnp.broadcast_to(w[0], (n, n))))",
    "symmetric_input_stacked": "fnp.exp(fnp.broadcast_to(fnp.eye(n), (3, n, n)))",
    "symmetric_input_under_a_new_block": "fnp.exp(fnp.broadcast_to(gram, (2, 2, n, n)))",
    "stretched_axis_leaves_the_block": "fnp.exp(fnp.broadcast_to(w[:1], (3, 3, n, n)))",
    "zero_size_drops_the_tag": "fnp.exp(fnp.broadcast_to(w[0], (0, 3, n)))",
    "two_blocks_reduced_over_an_axis": "fnp.sum(fnp.exp(fnp.broadcast_to(gram, (2, 2, n, n))), axis=0)",
    "two_blocks_contracted": "fnp.einsum('abij,abjk->abik', fnp.broadcast_to(gram, (2, 2, n, n)) + 0.0, "
                            "fnp.broadcast_to(gram, (2, 2, n, n)) + 0.0)",
}


@pytest.mark.parametrize("expr", EXPRS.values(), ids=EXPRS.keys())
def test_broadcast_to_tags_its_output_as_flopscope(tmp_path, expr):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).format(expr=expr))
    assert_exact_at(path, POINTS)
