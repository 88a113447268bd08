"""FC106's fixes: pass the same object twice where flopscope discounts it.

What flopscope discounts was measured on the installed flopscope (docs/rules/FC106.md):
`A @ A.T`, `A.T @ A` and `dot(A, A.T)` are charged dense, `einsum('ij,kj->ik', A, A)`
and `einsum('ji,jk->ik', A, A)` for the unique half; `outer(g, g.copy())` dense,
`outer(g, g)` for the unique half. These tests hold the rule to the real flopscope.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import SAMPLES, measure

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.errors import SymmetryError

from flopcast.model import Point

from .proof import BUDGET, prove

SAMPLE = SAMPLES / "advice" / "aliasing.py"


def test_the_outer_of_a_copy_becomes_the_outer_of_one_object_and_keeps_the_output(tmp_path):
    proven = prove(SAMPLE, tmp_path, ("FC106",))
    assert [f.fix.safe for f in proven.result.applied] == [True]
    assert "spread = fnp.outer(mu, mu)\n" in proven.fixed_path.read_text()


def test_the_gram_products_become_einsums_of_one_object_with_unsafe_fixes(tmp_path):
    proven = prove(SAMPLE, tmp_path, ("FC106",), unsafe=True)
    text = proven.fixed_path.read_text()
    assert "gram = fnp.einsum('ji,jk->ik', w, w)  # column Gram matrix" in text
    assert "fnp.trace(fnp.einsum('ij,kj->ik', w, w))" in text
    assert len(proven.result.applied) == 3


def test_the_announced_saving_is_what_the_real_run_saves(tmp_path):
    point = Point(16, 2, BUDGET)
    proven = prove(SAMPLE, tmp_path, ("FC106",), unsafe=True, points=((16, 2),))
    assert measure(SAMPLE, point).total - measure(proven.fixed_path, point).total == proven.saving


def test_the_einsum_form_is_unsafe_because_flopscope_may_refuse_its_rounding():
    # A float32 operand that is not contiguous: where numpy's einsum rounds the two triangles
    # separately, flopscope's symmetry check of the einsum raises where `A @ A.T` does not.
    # Whether it does depends on the CPU's kernels (it raised on the machine of session 16,
    # not on the AMD EPYC of 2 December 2026), so a machine that rounds both alike skips.
    rng = np.random.default_rng(1)
    raw = rng.standard_normal((256, 512)).astype(np.float32)[:, ::2]
    rounded = np.einsum("ij,kj->ik", raw, raw)
    if np.allclose(rounded, rounded.T, atol=1e-6, rtol=1e-5):
        pytest.skip("this CPU's numpy rounds both triangles of a strided float32 einsum alike")
    a = fnp.asarray(raw)
    with flops.BudgetContext(flop_budget=10**12, quiet=True):
        a @ a.T
        with pytest.raises(SymmetryError):
            fnp.einsum("ij,kj->ik", a, a)
