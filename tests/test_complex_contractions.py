"""A contraction on complex operands is priced as flopscope bills it.

flopscope replaces the registry's "exact" complex factor of a contraction with the contraction's
own decomposition (``contraction_complex_override``): 6 real FLOPs per multiply and 2 per add,
over its total, so the bill is ``int(total x rate x factor x weight)``. A real operand meeting a
complex one is billed at the complex promotion. flopcast refused every complex matmul, dot,
einsum, tensordot and vdot (a lower bound on an FFT-based estimator's products). Checked
against the real flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import CAUGHT_RAISE_PROGRAM as PROGRAM
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

C = "w.astype(fnp.complex128)"
CALLS = {
    "complex128_matmul": f"({C} @ {C}).real",
    "complex64_matrix_vector": "fnp.abs(w.astype(fnp.complex64) @ fnp.ones(w.shape[1]))",
    "real_times_complex": "(w @ (w * 1j)).imag",
    "dot_with_transpose": f"fnp.dot({C}, {C}.T).real",
    "einsum_of_three": f'fnp.einsum("ij,jk,k->i", {C}, {C}, fnp.ones(w.shape[1])).real',
    "vdot_of_rows": f"fnp.abs(fnp.vdot({C}[0], {C}[1]))",
    "fft_then_matmul": "(fnp.fft.fft(w) @ fnp.fft.fft(w)).real",
    "batched": f"(fnp.stack([{C}, {C}]) @ {C}).real",
    "symmetric_complex": "(fnp.eye(w.shape[0]).astype(fnp.complex128) @ fnp.eye(w.shape[0]).astype(fnp.complex128)).real",
    "tensordot": f"fnp.tensordot({C}, {C}, axes=1).real",
    "trace_does_no_multiply": f'fnp.einsum("ii->", {C}).real',
    "kron": "fnp.kron(w[:2, :2].astype(fnp.complex128), w[:2, :2].astype(fnp.complex128)).real",
}


@pytest.mark.parametrize("expr", CALLS.values(), ids=CALLS.keys())
def test_complex_contraction_is_priced(tmp_path, expr):
    assert_exact_at(write_program(tmp_path, PROGRAM, expr=expr), POINTS)
