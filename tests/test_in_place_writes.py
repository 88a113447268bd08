"""An in-place op (fill_diagonal, putmask, put, copyto, shuffle) changes the array object itself:
flopscope drops its symmetry tag, and every name that holds the object sees a dense array from
then on — the caller of a helper that writes into its argument, an attribute, a list. Each case
is exact against the real flopscope at two points."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

TEMPLATE = '''import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


def zero_diagonal(C):
    fnp.fill_diagonal(C, 0.0)


def clamp(C):
    fnp.putmask(C, C > 100.0, 100.0)
    return C


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        w = mlp.weights[0]
        C = fnp.einsum('ij,kj->ik', w, w)
{body}
        return fnp.zeros((mlp.depth, mlp.width)) + r[0]
'''

CASES = {
    "helper_fills_the_caller_s_diagonal": "zero_diagonal(C)\nr = C * 2.0",
    "helper_clamps_an_attribute_s_array": "self.C = C\nclamp(C)\nr = self.C * 2.0",
    "a_list_holds_the_written_array": "held = [C, C * 1.0]\nfnp.put(C, [0], 1.0)\nr = held[0] * 2.0 + held[1]",
    "a_memoised_helper_writes_twice": ("D = fnp.einsum('ij,kj->ik', w, w)\nfor M in (C, D, C):\n"
                                       "    zero_diagonal(M)\nr = C * 2.0 + D * 3.0"),
    "copyto_into_an_alias": "A = C\nfnp.copyto(C, w)\nr = A * 2.0",
    "untouched_symmetric_keeps_its_tag": "D = C * 1.0\nzero_diagonal(C)\nr = D * 2.0 + C",
}


def _estimator(tmp_path, body: str):
    """TEMPLATE with ``body`` in predict, written to tmp_path."""
    path = tmp_path / "estimator.py"
    path.write_text(TEMPLATE.format(body="\n".join("        " + line for line in body.splitlines())))
    return path


POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))


@pytest.mark.parametrize("body", CASES.values(), ids=CASES.keys())
def test_every_holder_of_a_written_array_sees_it_dense(tmp_path, body):
    assert_exact_at(_estimator(tmp_path, body), POINTS)


#: writes through another array object over C's buffer: flopscope voids C's tag by the buffer's
#: write count, which every alias shares (flopscope/_write_epoch.py), not only basic-index views
VIEW_CASES = {
    "fill_diagonal_through_dot_T": "fnp.fill_diagonal(C.T, 0.0)\nr = C * 2.0",
    "fill_diagonal_through_fnp_transpose": "fnp.fill_diagonal(fnp.transpose(C), 0.0)\nr = C * 2.0",
    "fill_diagonal_through_swapaxes_method": "fnp.fill_diagonal(C.swapaxes(0, 1), 0.0)\nr = C * 2.0",
    "fill_diagonal_through_a_flip": "fnp.fill_diagonal(fnp.flipud(C), 0.0)\nr = C * 2.0",
    "fill_diagonal_through_expand_dims": "fnp.fill_diagonal(fnp.expand_dims(C, 0)[0], 0.0)\nr = C * 2.0",
    "fill_diagonal_through_asarray": "fnp.fill_diagonal(fnp.asarray(C), 0.0)\nr = C * 2.0",
    "fill_diagonal_through_astype_without_copy": "zero_diagonal(C.astype(C.dtype, copy=False))\nr = C * 2.0",
    "out_into_an_asarray_alias": "fnp.exp(C, out=fnp.asarray(C))\nr = C * 2.0",
    "a_transpose_made_before_the_write": "T = C.T\nzero_diagonal(C)\nr = T * 2.0",
    # an fnp write into numpy's own view of C counts on C's buffer too (np.fill_diagonal would not)
    "fill_diagonal_into_np_asarray": "raw = np.asarray(C)\nfnp.fill_diagonal(raw, 0.0)\nr = C * 2.0",
}


@pytest.mark.parametrize("body", VIEW_CASES.values(), ids=VIEW_CASES.keys())
def test_a_write_through_any_view_of_a_buffer_voids_every_tag_on_it(tmp_path, body):
    """(C * 2.0 at 8x2 costs 64 dense; each case was once called exact at 36, the tagged count)"""
    assert_exact_at(_estimator(tmp_path, body), POINTS)


#: a reshape or a ravel is a view or a copy by the memory layout, which flopcast does not follow
MAYBE_VIEW_CASES = {
    "fill_diagonal_through_a_reshape": "fnp.fill_diagonal(C.reshape(C.shape), 0.0)\nr = C * 2.0",
    "put_through_a_ravel": "fnp.put(fnp.ravel(C), [0], 1.0)\nr = C * 2.0",
}


@pytest.mark.parametrize("body", MAYBE_VIEW_CASES.values(), ids=MAYBE_VIEW_CASES.keys())
def test_a_write_through_a_reshape_of_a_tagged_array_is_left_unpriced(tmp_path, body):
    """(both are views of C here, and the run prices C * 2.0 dense: once called exact, tagged)"""
    path = _estimator(tmp_path, body)
    for point in POINTS:
        report = analyze(path, point)
        assert [u.what for u in report.unpriced] == ["a write through a reshape or ravel of a symmetric array"]
        assert report.total.lo < measure(path, point).total
