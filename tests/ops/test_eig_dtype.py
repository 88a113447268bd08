"""``linalg.eig``/``eigvals`` return a complex array (complex64 from float32) unless every
eigenvalue is real, and then a real one: the dtype, and so the price of what follows, depends
on the values. flopcast makes it a value-dependent site whose nominal answer is complex for a
general matrix and real for a symmetric-tagged one; the real flopscope run is the oracle."""

from __future__ import annotations

import pytest
from harness import compare, write

DOWNSTREAM = "r = fnp.abs(vals) * 2.0"


@pytest.mark.parametrize("body", [
    "vals, vecs = fnp.linalg.eig(w)",                                      # complex64
    "vals = fnp.linalg.eigvals(w * fnp.float64(1.0))",                     # complex128
    "vals, vecs = fnp.linalg.eig(fnp.einsum('ij,kj->ik', w, w))",           # symmetric: float32
], ids=["general_f32", "general_f64", "symmetric_f32"])
@pytest.mark.parametrize("width, depth", [(8, 2), (6, 3)])
def test_eig_result_dtype_is_a_site_whose_nominal_answer_is_the_run(tmp_path, body, width, depth):
    path = write(tmp_path, f"{body}\n{DOWNSTREAM}")
    report, _, measured = compare(path, width, depth)
    assert not report.unpriced
    assert not report.total.exact  # the two answers cost differently downstream
    assert report.total.contains(measured.total)
    assert report.nominal == measured.total
