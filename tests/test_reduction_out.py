"""A reduction's ``out=`` buffer is priced as flopscope bills it, and the buffer is the result.

flopscope's reduction_billing_dtype folds the buffer's dtype in: ``out=`` only widens the
accumulator (a float64 buffer bills a float32 sum at float64; a float32 buffer under an int64
accumulator, or a float16 one under a float32 max, bills the accumulator), an explicit
``dtype=`` wins outright, and an index reduction's int64 buffer stays out of it. numpy stores
with unsafe casting (a float sum into an int64 buffer runs), and the call returns the buffer
itself. flopcast refused every reduction's ``out=`` (a lower bound). Checked against the real
flopscope at two sizes.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, write_program

from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            n = mlp.width
            buf = {buf}
            r = {call}
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(r) + fnp.sum(buf)
    """

CASES = {
    "sum_float64_buffer_widens": ("fnp.zeros(n)", "fnp.sum(w, axis=0, out=buf)"),
    "sum_float32_buffer": ("fnp.zeros(n, dtype=fnp.float32)", "fnp.sum(w, axis=1, out=buf)"),
    "max_float16_buffer_keeps_input_width": ("fnp.zeros(n, dtype=fnp.float16)", "fnp.max(w, axis=0, out=buf)"),
    "int_mean_float32_buffer_keeps_float64": ("fnp.zeros(n, dtype=fnp.float32)",
                                              "fnp.mean(fnp.arange(2 * n).reshape(2, n), axis=0, out=buf)"),
    "var_and_std": ("fnp.zeros(n)", "fnp.var(w, axis=0, out=buf) + fnp.std(w, axis=1, out=fnp.zeros(n, dtype=fnp.float32))"),
    "whole_array_into_0d": ("fnp.zeros(())", "fnp.sum(w, out=buf)"),
    "keepdims": ("fnp.zeros((1, n))", "fnp.sum(w, axis=0, keepdims=True, out=buf)"),
    "flattened_cumsum": ("fnp.zeros(n * n)", "fnp.cumsum(w, out=buf)"),
    "method_form": ("fnp.zeros(n)", "w.max(axis=1, out=buf)"),
    "float_into_int64_unsafe_cast": ("fnp.zeros(n, dtype=fnp.int64)", "fnp.sum(w, axis=0, out=buf)"),
    "explicit_dtype_wins": ("fnp.zeros(n)", "fnp.sum(w, axis=1, dtype=fnp.float32, out=buf)"),
    "nan_reductions": ("fnp.zeros(n)", "fnp.nansum(w, axis=0, out=buf) + fnp.nanmean(w, axis=1, out=fnp.zeros(n))"),
    "all_into_float64": ("fnp.zeros(n)", "fnp.all(w > 0, axis=0, out=buf)"),
    "argmax_int64_index_buffer": ("fnp.zeros(n, dtype=fnp.int64)", "fnp.argmax(w, axis=0, out=buf)"),
    "returns_the_buffer": ("fnp.zeros(n)", "fnp.sum(w, axis=0, out=buf) * float(fnp.sum(w, axis=1, out=buf) is buf)"),
    "into_a_row_of_a_copy": ("w.copy()", "fnp.mean(w, axis=0, out=buf[1])"),
}


@pytest.mark.parametrize("buf,call", CASES.values(), ids=CASES.keys())
def test_reduction_out_buffer_is_priced_and_returned(tmp_path, buf, call):
    assert_exact_at(write_program(tmp_path, PROGRAM, buf=buf, call=call), POINTS)
