"""A call whose known operands make flopscope raise is the program's error, reported as a Raise.

For each snippet the real flopscope runs the same file (the runtime counter, in process):
it must raise the exception type the analysis names, at the line the analysis names, and
the FLOPs charged before the raise must be the static total, the call's own charge included
(flopscope charges many ops before numpy refuses their arguments: a program that catches the
raise has paid it; before session 28 it was left out, a false exact where caught).
The code after the raise does not run, so it is neither charged nor listed as unpriced.
"""

from __future__ import annotations

import warnings

import pytest
from harness import BODY_LINE, write

from flopcast.analyzer import analyze
from flopcast.model import Point
from flopcast.runtime.counter import run_in_process
from flopcast.runtime.protocol import EXCEPTION, RunRequest

POINT = Point(8, 2, 2**41)

# id: (body whose first line raises at W=8, the exception class flopscope raises)
CASES = {
    "bincount_weights_positional": ("r = fnp.bincount(fnp.argsort(v), v)", "TypeError"),
    "add_shapes_do_not_broadcast": ("r = w + fnp.ones((3,))", "ValueError"),
    "maximum_shapes_do_not_broadcast": ("r = fnp.maximum(w, fnp.ones((2, 3)))", "ValueError"),
    "where_shapes_do_not_broadcast": ("r = fnp.where(w > 0, w, fnp.ones((5,)))", "ValueError"),
    "matmul_inner_dims_differ": ("r = w @ fnp.ones((3, 2), dtype=fnp.float32)", "ValueError"),
    "matmul_vector_inner_dim_differs": ("r = w @ fnp.ones(5)", "ValueError"),
    "dot_inner_dims_differ": ("r = fnp.dot(v, fnp.ones(3))", "ValueError"),
    # tensordot's axes read by flopscope's own helpers (the default 2 on vectors was priced as
    # a contraction; the mutation hunt's `outer` -> `tensordot`)
    "tensordot_default_axes_of_vectors": ("r = fnp.tensordot(v, v)", "IndexError"),
    "tensordot_extents_differ": ("r = fnp.tensordot(w, v[:3], axes=([1], [0]))", "ValueError"),
    "tensordot_axis_twice": ("r = fnp.tensordot(w, w, axes=([0, 0], [0, 1]))", "ValueError"),
    "einsum_label_extents_differ": ("r = fnp.einsum('ij,jk->ik', w, fnp.ones((3, 4)))", "ValueError"),
    "einsum_too_few_indices": ("r = fnp.einsum('ij,jk->ik', v, w)", "ValueError"),
    "batched_matmul_batch_dims_differ": ("r = fnp.ones((2, W, W)) @ fnp.ones((3, W, W))", "ValueError"),
    "reshape_to_a_wrong_size": ("r = fnp.reshape(w, (3, 5))", "ValueError"),
    "reshape_minus_one_does_not_divide": ("r = v.reshape((-1, 3))", "ValueError"),
    "reshape_two_unknown_dims": ("r = fnp.reshape(w, (-1, -1))", "ValueError"),
    "zeros_negative": ("r = fnp.zeros(W - 9)", "ValueError"),
    "ones_negative_extent": ("r = fnp.ones((2, -1), dtype=fnp.float32)", "ValueError"),
    "eye_negative": ("r = fnp.eye(-2)", "ValueError"),
    "draw_negative_extent": ("r = fnp.random.default_rng(0).standard_normal((2, -1))", "ValueError"),
    "concatenate_mismatched": ("r = fnp.concatenate([w, fnp.ones((3, 5))])", "ValueError"),
    "concatenate_ndim_differs": ("r = fnp.concatenate([w, v])", "ValueError"),
    "concatenate_axis_out_of_range": ("r = fnp.concatenate([w, w], axis=2)", "AxisError"),
    "vstack_mismatched": ("r = fnp.vstack([w, fnp.ones(3)])", "ValueError"),
    "hstack_mismatched": ("r = fnp.hstack([w, fnp.ones((3, 2))])", "ValueError"),
    "stack_mismatched": ("r = fnp.stack([v, fnp.ones(3)])", "ValueError"),
    "dict_setdefault_without_a_key": ("r = {1: w}.setdefault()", "TypeError"),
    "membership_in_a_number": ("r = fnp.where(w in 0, w, v)", "TypeError"),
    "expand_dims_axis_out_of_range": ("r = fnp.expand_dims(w, 3)", "AxisError"),
    "expand_dims_repeated_axis": ("r = fnp.expand_dims(w, (0, 0))", "ValueError"),
    "squeeze_an_axis_longer_than_one": ("r = fnp.squeeze(w[:1], axis=1)", "ValueError"),
    "squeeze_method_an_axis_longer_than_one": ("r = w[:1].squeeze(-1)", "ValueError"),
    "sum_axis_out_of_range": ("r = fnp.sum(w, axis=2)", "AxisError"),
    # numpy's ufunc reductions take an int or a tuple of axes, not a list (median and average do)
    "sum_axis_list": ("r = fnp.sum(w, axis=[0, 1])", "TypeError"),
    "mean_method_axis_list": ("r = w.mean(axis=[0])", "TypeError"),
    "sort_axis_out_of_range": ("r = fnp.sort(w, axis=-3)", "AxisError"),
    # flip's axes were not read (a false exact for the hunt's `fnp.flip(v, 2)`), nor the
    # dimensions fliplr and flipud need
    "flip_axis_out_of_range": ("r = fnp.flip(v, 2)", "AxisError"),
    "flip_repeated_axis": ("r = fnp.flip(w, (0, -2))", "ValueError"),
    "fliplr_of_a_vector": ("r = fnp.fliplr(v)", "ValueError"),
    # partition's positions: two dimensions, booleans, none at all
    "partition_kth_of_two_dimensions": ("r = fnp.partition(w, w)", "ValueError"),
    "argpartition_kth_of_two_dimensions": ("r = fnp.argpartition(w, w)", "ValueError"),
    "partition_boolean_kth": ("r = fnp.partition(v, True)", "ValueError"),
    "partition_no_kth": ("r = fnp.partition(v, [])", "TypeError"),
    "partition_float_kth_past_the_axes": ("r = fnp.partition(w, 1.0, axis=5)", "AxisError"),
    # median and the quantiles index the shape by the axis before they charge: IndexError
    "median_axis_past_a_vector": ("r = fnp.median(v, 2)", "IndexError"),
    "median_of_a_0d_array_by_axis": ("r = fnp.median(fnp.sum(w), 0)", "IndexError"),
    "nanmedian_tuple_axis_out_of_range": ("r = fnp.nanmedian(w, (0, 5))", "IndexError"),
    "percentile_axis_out_of_range": ("r = fnp.percentile(v, 50, -2)", "IndexError"),
    "quantile_repeated_axis": ("r = fnp.quantile(w, 0.5, (0, 0))", "ValueError"),
    # an axis numpy refuses after flopscope's charge (the axis wrapped around)
    "sum_repeated_axis": ("r = fnp.sum(w, (0, 0))", "ValueError"),
    "argmax_tuple_axis": ("r = fnp.argmax(w, (0, 1))", "TypeError"),
    "cumsum_tuple_axis": ("r = fnp.cumsum(w, (0, 1))", "TypeError"),
    "cumulative_sum_tuple_axis": ("r = fnp.cumulative_sum(w, (0, 1))", "ValueError"),
    "mean_axis_of_a_0d_array": ("r = fnp.mean(fnp.sum(w), 0)", "AxisError"),
    "var_negative_axis_out_of_range": ("r = fnp.var(w, -3)", "AxisError"),
    "nanargmax_repeated_axis": ("r = fnp.nanargmax(w, (0, 0))", "ValueError"),
    # numpy's dtype takes align, copy and metadata by keyword, nothing else
    "dtype_unknown_keyword": ("r = fnp.dtype('f4', bogus=1)", "TypeError"),
    # the legacy samplers hand their keywords to numpy's before they charge
    "random_normal_unknown_keyword": ("r = fnp.random.normal(size=3, bogus=1)", "TypeError"),
    "random_beta_unknown_keyword": ("r = fnp.random.beta(1.0, 2.0, size=3, bogus=1)", "TypeError"),
    # finfo/iinfo read an array as an object (a numpy scalar as its type)
    "finfo_of_an_array": ("r = fnp.finfo(w)", "ValueError"),
    "iinfo_of_an_array": ("r = fnp.iinfo(fnp.ones(W, dtype=fnp.int32))", "ValueError"),
    "finfo_of_an_integer_type": ("r = fnp.finfo(fnp.int32)", "ValueError"),
    "flipud_of_a_0d_array": ("r = fnp.flipud(fnp.sum(w))", "ValueError"),
    "index_past_the_axis": ("r = w[:, 700]", "IndexError"),
    # flopscope's own function binds the arguments before anything is charged
    "full_like_without_a_fill_value": ("r = fnp.full_like(w)", "TypeError"),
    "outer_with_one_operand": ("r = fnp.outer(v)", "TypeError"),
    "percentile_without_q": ("r = fnp.percentile(v, axis=0)", "TypeError"),
    "zeros_like_a_number_for_dtype": ("r = fnp.zeros_like(w, 0.0)", "TypeError"),
    "count_nonzero_with_a_dtype": ("r = fnp.count_nonzero(w, dtype=fnp.float32)", "TypeError"),
    "matmul_with_a_dtype": ("r = fnp.matmul(w, w, dtype=fnp.float64)", "TypeError"),
    "dot_with_out": ("o = fnp.empty((W, W), dtype=fnp.float32); r = fnp.dot(w, w, out=o)", "TypeError"),
    "vstack_with_a_dtype": ("r = fnp.vstack([v, u], dtype=fnp.float64)", "TypeError"),
    "partition_float_axis": ("r = fnp.partition(v, 1, 2.0)", "TypeError"),
    # flopscope passes the keywords past its own parameters (**kwargs) on to numpy, which refuses
    # one it has no parameter for; these before any charge (see also REFUSED_AFTER_THE_CHARGE)
    "empty_like_unknown_keyword": ("r = fnp.empty_like(w, bogus=1)", "TypeError"),
    "zeros_unknown_keyword": ("r = fnp.zeros(W, bogus=1)", "TypeError"),
    "linspace_unknown_keyword": ("r = fnp.linspace(0.0, 1.0, W, bogus=1)", "TypeError"),  # deduct_after
    "tri_unknown_keyword": ("r = fnp.tri(W, bogus=1)", "TypeError"),  # numpy first, then the charge
    # a Generator method passes its keywords to numpy's, which draws (and refuses) before the bill
    "generator_uniform_with_a_dtype": ("r = fnp.random.default_rng(0).uniform(size=W, dtype=fnp.float32)",
                                       "TypeError"),
    "generator_choice_unknown_keyword": ("r = fnp.random.default_rng(0).choice(W, 3, bogus=1)", "TypeError"),
    # flopscope's array methods bind their own arguments first (astype's signature; take is fnp.take)
    "astype_method_unknown_keyword": ("r = w.astype(fnp.float64, bogus=1)", "TypeError"),
    "take_method_unknown_keyword": ("r = w.take([0, 1], axis=0, bogus=1)", "TypeError"),
    # flopscope's spawn(self, n_children): one argument
    "generator_spawn_two_arguments": ("r = fnp.random.default_rng(0).spawn(2, 3)", "TypeError"),
    "generator_spawn_without_a_count": ("r = fnp.random.default_rng(0).spawn()", "TypeError"),
    # plain numpy binds its arguments first, on a flopscope array too (before the protocol's charge)
    "plain_numpy_sum_unknown_keyword": ("import numpy as np; r = np.sum(w, bogus=1)", "TypeError"),
    "plain_numpy_median_with_a_dtype": ("import numpy as np; r = np.median(w, dtype=fnp.float32)", "TypeError"),
    # and more arguments by position than its signature has room for, of numbers too
    "plain_numpy_kron_of_three_numbers": ("import numpy as np; r = np.kron(2.0, 3.0, 4.0)", "TypeError"),
    "plain_numpy_kron_of_three_arrays": ("import numpy as np; r = np.kron(w, w, w)", "TypeError"),
    # numpy's scalar types take no keywords (the mutation hunt's `fnp.int64(rows, axis=0)`)
    "scalar_type_with_a_keyword": ("r = fnp.int64([1, 2], axis=0)", "TypeError"),
    "float64_with_a_keyword": ("r = fnp.float64(v, bogus=1)", "TypeError"),
    # nor a second argument by position (the mutation hunt's `fnp.int8(x, 0.0)`, seed 414)
    "int8_with_two_arguments": ("r = fnp.int8(v, 0.0)", "TypeError"),
    "float32_of_two_numbers": ("r = v * fnp.float32(1.0, 2.0)", "TypeError"),
    # flops.stats' distribution methods bind their arguments before anything is charged
    "stats_cdf_unknown_keyword": ("r = flops.stats.norm.cdf(w, bogus=1)", "TypeError"),
    "stats_cdf_too_many_positional": ("r = flops.stats.norm.cdf(w, 0.0, 1.0, 2.0)", "TypeError"),
    "stats_lognorm_without_its_shape": ("r = flops.stats.lognorm.pdf(w)", "TypeError"),
    # numpy checks a sampler's known parameters when it draws, before flopscope bills the draw
    "generator_negative_scale": ("r = fnp.random.default_rng(0).normal(0.0, -1.0, W)", "ValueError"),
    "generator_integers_empty_range": ("r = fnp.random.default_rng(0).integers(5, 5, W)", "ValueError"),
    "generator_binomial_p_past_one": ("r = fnp.random.default_rng(0).binomial(W, 1.5, W)", "ValueError"),
    "legacy_negative_scale": ("r = fnp.random.normal(0.0, -1.0, W)", "ValueError"),
    "legacy_randint_empty_range": ("r = fnp.random.randint(3, 3, W)", "ValueError"),
    "negative_seed": ("r = fnp.random.default_rng(-1)", "ValueError"),
    "random_state_negative_seed": ("r = fnp.random.RandomState(-1)", "ValueError"),
    "random_state_randint_empty_range": ("r = fnp.random.RandomState(3).randint(5, 5, size=W)", "ValueError"),
    "random_state_negative_scale": ("r = fnp.random.RandomState(3).normal(0.0, -1.0, W)", "ValueError"),
    "legacy_seed_past_32_bits": ("fnp.random.seed(2 ** 32)", "ValueError"),
    "linspace_negative_count": ("r = fnp.linspace(0.0, 1.0, W - 9)", "ValueError"),
    "geomspace_negative_count": ("r = fnp.geomspace(1.0, 2.0, -1)", "ValueError"),
    "diagonal_float_offset_of_a_vector": ("r = fnp.diagonal(v, 0.0)", "TypeError"),
    "arange_a_dtype_for_a_bound": ("r = fnp.arange(W, fnp.float32)", "TypeError"),
    # flopscope probes a sampler's arguments but dtype= for numeric sources: a type is refused
    "generator_dtype_by_position": ("r = fnp.random.default_rng(0).standard_normal((W,), fnp.float32)",
                                    "UnsupportedDtypeError"),
    "module_sampler_dtype_by_position": ("r = fnp.random.normal(0.0, 1.0, W, fnp.float32)", "UnsupportedDtypeError"),
    "as_symmetric_unknown_keyword": ("r = flops.as_symmetric(fnp.eye(W), symmetric_axes=(0, 1))", "TypeError"),
    "as_symmetric_without_symmetry": ("r = flops.as_symmetric(fnp.eye(W))", "TypeError"),
    "as_symmetric_axis_out_of_range": ("r = flops.as_symmetric(fnp.eye(W), symmetry=(3, 1))", "ValueError"),
    "as_symmetric_duplicate_axes": ("r = flops.as_symmetric(fnp.eye(W), symmetry=(0, 0))", "ValueError"),
    "astype_without_dtype": ("r = w.astype()", "TypeError"),
    # numpy has integer and boolean loops only for the bitwise family
    "bitwise_and_of_floats": ("r = (fnp.arange(W) * 1.5) & 1", "TypeError"),
    "invert_of_floats": ("r = ~w", "TypeError"),
    "bitwise_or_with_a_python_float": ("r = (w > 0) | 0.5", "TypeError"),
    "left_shift_of_floats": ("r = fnp.left_shift(v, 1)", "TypeError"),
    # numpy itself asked whether it has a loop for the operands' dtypes (the snippet swap hunt)
    "bitwise_count_of_floats": ("r = fnp.bitwise_count(w)", "TypeError"),
    "gcd_of_floats": ("r = fnp.gcd(w, w)", "UFuncTypeError"),
    # numpy's clip without bounds is np.positive, which has no bool loop (mutation hunt seed 432)
    "clip_of_a_mask_without_bounds": ("r = fnp.clip(w > 0)", "UFuncTypeError"),
    "ldexp_with_a_float_exponent": ("r = fnp.ldexp(w, w)", "TypeError"),
    "invert_into_out": ("r = fnp.invert(w, w)", "TypeError"),
    "invert_of_ints_in_float32": ("r = fnp.invert((D, W), dtype=fnp.float32)", "TypeError"),
    # flopscope arrays are immutable: every in-place method refuses before doing anything
    "inplace_sort": ("c = fnp.array(v); c.sort()", "ValueError"),
    "inplace_fill": ("c = w.copy(); c.fill(0.5)", "ValueError"),
    "inplace_partition": ("v.partition(2)", "ValueError"),
    "inplace_put": ("v.put([0], [1.0])", "ValueError"),
    "inplace_resize": ("v.resize((2, W // 2))", "ValueError"),
    "delete_past_the_axis": ("r = fnp.delete(v, W)", "IndexError"),
    "insert_past_the_axis": ("r = fnp.insert(v, W + 1, 0.0)", "IndexError"),
    "histogram_range_reversed": ("r = fnp.histogram(v, bins=3, range=(1.0, 0.0))", "ValueError"),
    "histogram_no_bins": ("r = fnp.histogram(v, bins=0)", "ValueError"),
    "convolve_with_an_empty_kernel": ("r = fnp.convolve(v, v[:0])", "ValueError"),
    "vecdot_extents_differ": ("r = fnp.vecdot(w, v[:3])", "ValueError"),
    "namespace_with_a_dot": ("r = flops.namespace('a.b')", "ValueError"),
    "namespace_blank": ("r = flops.namespace('  ')", "ValueError"),
    "put_known_index_out_of_range": ("x = v * 1.0; fnp.put(x, [0, W], 1.0)", "IndexError"),
    "cross_of_4_vectors": ("r = fnp.cross(w[:, :4], w[:, :4])", "ValueError"),
    # session 15 mutation hunt: index arrays of a float dtype (a list of floats passes take)
    "take_float_index_array": ("r = fnp.take(w, w, axis=1)", "TypeError"),
    "take_along_axis_float_indices": ("r = fnp.take_along_axis(w, w, axis=1)", "IndexError"),
    "take_along_axis_bool_indices": ("r = fnp.take_along_axis(w, w > 0, axis=1)", "IndexError"),
    # an argument given by position and by keyword: Python refuses to bind the call
    "var_axis_twice": ("r = fnp.var(w, 0, axis=1)", "TypeError"),
    "sum_axis_twice": ("r = fnp.sum(w, 1, axis=0)", "TypeError"),
    # numpy 2.4: int()/float() of an array with ndim > 0 raise even with one element; round()
    # of an array has no __round__; bool() of more than one element is ambiguous
    "float_of_a_kept_dims_max": ("r = float(fnp.max(w, keepdims=True))", "TypeError"),
    "int_of_a_one_element_vector": ("r = int(v[:1])", "TypeError"),
    "round_of_a_0d_array": ("r = round(fnp.sum(w))", "TypeError"),
    "bool_of_a_vector": ("r = bool(v)", "ValueError"),
    # Python numbers have no `@`, whatever their values
    "matmul_of_the_seed_and_an_int": ("r = mlp.seed @ 99", "TypeError"),
    "matmul_of_floats_read_from_data": ("r = float(fnp.sum(w)) @ 2.0", "TypeError"),
}

#: Charged after the raising line in every snippet: never priced, since it never runs.
AFTER = "s = fnp.exp(w)\nt = w @ w"


def run(path, point):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_in_process(RunRequest(str(path), point.width, point.depth, point.budget))


@pytest.mark.parametrize("body,exc_type", list(CASES.values()), ids=list(CASES))
def test_a_call_that_raises_on_known_operands_is_reported_as_the_raise(tmp_path, body, exc_type):
    path = write(tmp_path, body + "\n" + AFTER)
    report = analyze(path, POINT)
    runtime = run(path, POINT)
    assert runtime.status == EXCEPTION and runtime.error.type == exc_type, runtime.error
    assert runtime.error.span.line == BODY_LINE
    (raised,) = report.raises
    assert raised.every_path and not raised.in_setup
    assert raised.what.split(":")[0] == exc_type and raised.span.line == BODY_LINE
    assert not report.unpriced and report.total.exact
    # the FLOPs charged before the raise, the raising call's own included; nothing after it
    assert report.total.lo == runtime.flops_used
    assert all(c.span.line <= BODY_LINE for c in report.charges)


#: Keywords flopscope passes on to numpy inside its charge: the charge stands, then numpy's TypeError.
REFUSED_AFTER_THE_CHARGE = {
    "median_with_a_dtype": "r = fnp.median(w, dtype=fnp.float32)",
    "sum_unknown_keyword": "r = fnp.sum(w, axis=0, bogus=1)",
    "exp_unknown_keyword": "r = fnp.exp(w, bogus=1)",
    "add_unknown_keyword": "r = fnp.add(w, v, bogus=1)",
    "sort_unknown_keyword": "r = fnp.sort(w, bogus=1)",
    "concatenate_unknown_keyword": "r = fnp.concatenate([w, w], bogus=1)",
    "argsort_unknown_keyword": "r = fnp.argsort(v, bogus=1)",
    # isnan hands its **kwargs to a flopscope helper, which passes them to numpy's ufunc
    "isnan_with_an_axis": "r = fnp.isnan(w, axis=0)",
    # the array methods that are `fnp.<op>(self, *args, **kwargs)` in flopscope bind the same way
    "sum_method_unknown_keyword": "r = w.sum(axis=0, bogus=1)",
    "mean_method_with_an_unknown_keyword": "r = w.mean(bogus=True)",
    "reshape_method_unknown_keyword": "r = w.reshape(-1, bogus=1)",
    # numpy's clip hands its **kwargs to its ufunc, which refuses what it has no keyword for
    "clip_unknown_keyword": "r = fnp.clip(w, 0, 1, bogus=1)",
    # flopscope's copy/flatten methods hand their arguments to numpy's own method
    "copy_method_unknown_keyword": "r = w.copy(bogus=1)",
    "flatten_method_unknown_keyword": "r = w.flatten(order='C', bogus=1)",
}


@pytest.mark.parametrize("body", list(REFUSED_AFTER_THE_CHARGE.values()), ids=list(REFUSED_AFTER_THE_CHARGE))
def test_a_keyword_numpy_refuses_after_flopscope_charged_raises_with_the_charge_counted(tmp_path, body):
    # Before, these were priced as running: an exact total for a run that raises TypeError.
    _, runtime = _typeerror_as_run(tmp_path, body, "unexpected keyword argument")
    assert runtime.flops_used > 0


def _typeerror_as_run(tmp_path, body: str, says: str):
    """The run of ``body`` raises a TypeError that ``says`` so; flopcast claims it on every path at
    the body's line, exactly, with the FLOPs the run charged before it. (report, runtime)"""
    path = write(tmp_path, body + "\n" + AFTER)
    report = analyze(path, POINT)
    runtime = run(path, POINT)
    assert runtime.status == EXCEPTION and runtime.error.type == "TypeError", runtime.error
    assert says in runtime.error.message
    (raised,) = report.raises
    assert raised.every_path and raised.what.split(":")[0] == "TypeError" and raised.span.line == BODY_LINE
    assert not report.unpriced and report.total.exact
    assert report.total.lo == runtime.flops_used
    return report, runtime


#: More arguments by position than flopscope binds: its innermost function's own TypeError
#: before any charge, or numpy's, for the ones flopscope's ``*args`` spreads into numpy's call
#: (after the charge where numpy is called inside it). Before, the first kind was unpriced and the
#: code after it counted (a lower bound over the run's count), the second a false exact.
TOO_MANY_BY_POSITION = {
    "argsort_kind_by_position": "r = fnp.argsort(v, -1, 'stable')",
    "flip_a_third_argument": "r = fnp.flip(v, 0, 5)",
    "searchsorted_side_by_position": "r = fnp.searchsorted(fnp.sort(v), u, 'right')",
    "dot_out_by_position": "o = fnp.empty((W, W), dtype=fnp.float32); r = fnp.dot(w, w, o)",
    "flatnonzero_spread": "r = fnp.flatnonzero(v, 2)",
    "nonzero_spread": "r = fnp.nonzero(v, 2)",
    "argwhere_spread": "r = fnp.argwhere(v, 2)",
    "fliplr_spread": "r = fnp.fliplr(w, 2)",
    "flipud_spread": "r = fnp.flipud(w, 2)",
    "diag_indices_from_spread_before_its_charge": "r = fnp.diag_indices_from(w, 2)",
    # block strips each block in a comprehension and walks them for a warning first (the mutation
    # hunt's einsum -> block, seed 408: the first array list was joined, a false exact)
    "block_spread": "r = fnp.block([w, w], [w, w])",
    "ravel_spread": "r = fnp.ravel(w, 'C', 2)",
    # the array methods that are `fnp.<op>(self, *args, **kwargs)` bind as that call
    "argsort_method_by_position": "r = w.argsort(-1, 'stable', None, 5)",
    "nonzero_method_spread": "r = w.nonzero(2)",
    # those that hand their arguments to numpy's own method (`super().copy(*args)`)
    "copy_method_spread": "r = w.copy('C', 1)",
    "flatten_method_spread": "r = w.flatten('C', 1)",
    # the legacy samplers call numpy before they charge
    "random_randint_spread": "r = fnp.random.randint(0, 3, 3, 'int64', 5)",
}


@pytest.mark.parametrize("body", list(TOO_MANY_BY_POSITION.values()), ids=list(TOO_MANY_BY_POSITION))
def test_more_arguments_by_position_than_bound_raise_typeerror_with_what_was_charged(tmp_path, body):
    report, runtime = _typeerror_as_run(tmp_path, body, "positional argument")
    assert report.raises[0].what.split(": ", 1)[1] == runtime.error.message



def _fnp_names_priced() -> set:
    """Every fnp name (and linalg./fft./random. one) flopcast prices."""
    import flopscope.numpy as fnp

    from flopcast.analyzer import ops

    names = {n for n in ops.HANDLERS if not n.startswith(("ndarray.", "flopscope.")) and n != "dtype_call"}
    for prefix, module in (("", fnp), ("linalg.", fnp.linalg), ("fft.", fnp.fft), ("random.", fnp.random)):
        names |= {prefix + n for n in dir(module) if not n.startswith("_") and ops.handles(prefix + n)}
    return names

def test_the_arguments_flopscope_spreads_into_numpy_are_refused_past_numpys_capacity():
    """For every op whose innermost function spreads its ``*args`` into a numpy call,
    ``pricing.spread`` says how many it takes by position in all: flopscope must raise numpy's
    TypeError for one more (with the message the analysis gives), and charge nothing first
    where the analysis says numpy is called before any charge."""
    import importlib

    import flopscope as flops
    import flopscope.numpy as fnp

    from flopcast.analyzer import pricing

    names = _fnp_names_priced()
    operands = [fnp.ones((3, 3)), fnp.ones((3, 3), dtype=fnp.int64), 3]
    checked = 0
    for name in sorted(names):
        spread = pricing.spread(name)
        if pricing.parameters(name).capacity >= 0 or spread is None:
            continue
        module, _, attr = f"flopscope.numpy.{name}".rpartition(".")
        fn = getattr(importlib.import_module(module), attr)
        for operand in operands:
            with warnings.catch_warnings(), flops.BudgetContext(flop_budget=10**9, quiet=True) as budget:
                warnings.simplefilter("ignore")
                try:
                    fn(*[operand] * (spread.capacity + 1))
                except TypeError as exc:
                    if "positional argument" not in str(exc):
                        continue
                    assert "TypeError: " + str(exc) == spread.message(spread.capacity + 1), (name, exc)
                    assert spread.charged_first or budget.flops_used == 0, name
                    checked += 1
                    break
                except Exception:
                    continue
                raise AssertionError(f"fnp.{name} took more arguments by position than numpy's {spread.function}")
    assert checked > 15


#: Raises a program catches, and what its handler sees: flopscope bills some ops before numpy
#: refuses their arguments (the scatter of put_along_axis, bincount, partition), others not at all.
CAUGHT = {
    "matmul_shapes": ("w @ fnp.ones((3, 2), dtype=fnp.float32)", "ValueError"),
    "put_along_axis_float_indices": ("fnp.put_along_axis(w * 1.0, w, 1.0, axis=1)", "IndexError"),
    "bincount_negative": ("fnp.bincount(fnp.array([-2, -1]))", "ValueError"),
    "argpartition_float_kth": ("fnp.argpartition(v, v)", "TypeError"),
    "partition_float_kth": ("fnp.partition(v, 2.0)", "TypeError"),
    "partition_float_in_list": ("fnp.partition(v, [1, 2.0])", "TypeError"),
    "partition_kth_past_the_end": ("fnp.partition(v, W + 1)", "ValueError"),
    "partition_kth_before_the_start": ("fnp.partition(w, [1, -W - 1])", "ValueError"),
    "argpartition_kth_past_the_end": ("fnp.argpartition(v, W)", "ValueError"),
    "partition_axis_out_of_range": ("fnp.partition(w, 1, axis=2)", "IndexError"),  # numpy.exceptions.AxisError
    "fill_diagonal_of_a_vector": ("fnp.fill_diagonal(fnp.ones(W), 2.0)", "ValueError"),
    "fill_diagonal_of_unequal_dims": ("fnp.fill_diagonal(fnp.ones((W, W, 3)), 2.0)", "ValueError"),
    "lcm_of_floats_caught_as_a_type_error": ("fnp.lcm(v, 2)", "TypeError"),
    "cumulative_sum_of_a_matrix_without_an_axis": ("fnp.cumulative_sum(w)", "ValueError"),
    "clip_with_one_bound_by_position": ("fnp.clip(w, 0.0)", "TypeError"),
    "copy_with_an_int_order": ("fnp.copy(v, 2)", "TypeError"),
    "ravel_with_an_int_order": ("fnp.ravel(v, 2)", "TypeError"),
    "clip_with_a_min_and_max_keyword": ("fnp.clip(w, a_min=0.0, max=1.0)", "TypeError"),
    "clip_of_a_mask_with_bounds_of_none": ("fnp.clip(w > 0, None, None)", "TypeError"),
    # a keyword numpy refuses after flopscope charged: the charge stands (the handler's exp is priced)
    "median_with_a_dtype": ("fnp.median(w, axis=0, dtype=fnp.float64)", "TypeError"),
    "mean_unknown_keyword": ("fnp.mean(w, bogus=True)", "TypeError"),
    "linspace_unknown_keyword": ("fnp.linspace(0.0, 1.0, W, bogus=1)", "TypeError"),
    # flopscope charges these before numpy refuses them: the handler runs after that charge
    "sum_axis_out_of_range": ("fnp.sum(w, axis=2)", "ValueError"),
    "std_tuple_axis_out_of_range": ("fnp.std(w, (0, 5))", "ValueError"),
    "reshape_to_a_wrong_size": ("fnp.reshape(w, (3, 5))", "ValueError"),
    "sort_axis_out_of_range": ("fnp.sort(w, axis=-3)", "IndexError"),
    "concatenate_mismatched": ("fnp.concatenate([w, fnp.ones((3, 5))])", "ValueError"),
    "histogram_no_bins": ("fnp.histogram(v, bins=0)", "ValueError"),
    "partition_kth_of_two_dimensions": ("fnp.partition(w, w)", "ValueError"),
    # numpy refuses a second argument flopscope's *args spread into its call: after the charge
    "fliplr_spread_past_numpys_capacity": ("fnp.fliplr(w, 2)", "TypeError"),
    "flatnonzero_spread_past_numpys_capacity": ("fnp.flatnonzero(v, 2)", "TypeError"),
}


@pytest.mark.parametrize("call,exc_type", list(CAUGHT.values()), ids=list(CAUGHT))
def test_a_raise_caught_by_the_program_runs_its_handler_after_what_flopscope_billed(tmp_path, call, exc_type):
    path = write(tmp_path, f"""
        try:
            r = {call}
        except {exc_type}:
            r = fnp.exp(w)
        """)
    report = analyze(path, POINT)
    runtime = run(path, POINT)
    assert runtime.ok and not report.raises and report.total.exact
    assert report.total.lo == runtime.flops_used


def test_bincount_of_values_that_may_be_negative_is_not_priced_as_running(tmp_path):
    # the mutation hunt's `range(-1, w, 3)`: numpy raises; flopcast cannot tell it from the bounds
    path = write(tmp_path, """
        r = fnp.bincount(fnp.array(sorted(set(range(-1, W, 3)))), minlength=W)
        """)
    report = analyze(path, POINT)
    runtime = run(path, POINT)
    assert runtime.status == EXCEPTION and runtime.error.type == "ValueError"
    assert report.raises or report.lower_bound


def test_a_shape_from_data_is_not_claimed_to_raise(tmp_path):
    # k is read from the data: only its range is known, so whether x + v broadcasts is not.
    path = write(tmp_path, """
        k = int(fnp.sum(v > 0))
        x = fnp.ones(k, dtype=fnp.float32)
        r = x + v
        """)
    report = analyze(path, POINT)
    assert not report.raises
    assert any(u.span.line == BODY_LINE + 2 for u in report.unpriced)


def test_the_required_arguments_read_from_flopscope_are_those_it_refuses_a_call_without():
    """``pricing.parameters`` reads each op's required arguments from flopscope's innermost
    function; a call with one positional argument fewer than it requires must really raise
    TypeError in flopscope (and the analysis says so), for every op flopcast prices."""
    import importlib

    import flopscope.numpy as fnp

    from flopcast.analyzer import ops, pricing

    checked = 0
    for name in sorted(ops.HANDLERS):
        if name.startswith(("ndarray.", "flopscope.")) or name == "dtype_call":
            continue
        required = pricing.parameters(name).required
        if not required:
            continue
        module, _, attr = f"flopscope.numpy.{name}".rpartition(".")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(TypeError, match="missing"):
                getattr(importlib.import_module(module), attr)(*[fnp.ones((3, 3))] * (len(required) - 1))
        checked += 1
    assert checked > 50


def test_the_keywords_read_from_flopscope_are_those_it_refuses_others_than():
    """An op whose innermost function takes no ``**kwargs`` binds only its own parameter names:
    flopscope raises TypeError for any other keyword, and ``pricing.parameters`` says so."""
    import importlib

    import flopscope.numpy as fnp

    from flopcast.analyzer import ops, pricing

    checked = 0
    for name in sorted(ops.HANDLERS):
        if name.startswith(("ndarray.", "flopscope.")) or name == "dtype_call":
            continue
        params = pricing.parameters(name)
        if params.keywords is None:
            continue
        assert params.unexpected({"not_a_parameter": 1}) == ["not_a_parameter"]
        module, _, attr = f"flopscope.numpy.{name}".rpartition(".")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(TypeError, match="unexpected keyword"):
                getattr(importlib.import_module(module), attr)(fnp.ones((3, 3)), not_a_parameter=1)
        checked += 1
    assert checked > 50


def test_the_keywords_flopscope_passes_on_are_refused_by_numpy_where_the_analysis_says():
    """For every op whose innermost function passes its ``**kwargs`` on to numpy,
    ``pricing.forwarded`` names the numpy function and where the call sits: flopscope must
    raise numpy's TypeError for a keyword numpy has no parameter for, and charge nothing first
    where the analysis says the call comes before any charge."""
    import importlib

    import flopscope as flops
    import flopscope.numpy as fnp

    from flopcast.analyzer import pricing

    names = _fnp_names_priced()
    operands = [fnp.ones((3, 3)), fnp.ones((3, 3), dtype=fnp.int64), 3]
    checked = 0
    for name in sorted(names):
        params, passed = pricing.parameters(name), pricing.forwarded(name)
        if params.keywords is not None or passed is None:
            continue
        assert passed.refused({"not_a_parameter": 1}) == ["not_a_parameter"]
        module, _, attr = f"flopscope.numpy.{name}".rpartition(".")
        fn = getattr(importlib.import_module(module), attr)
        for operand in operands:
            with warnings.catch_warnings(), flops.BudgetContext(flop_budget=10**9, quiet=True) as budget:
                warnings.simplefilter("ignore")
                try:
                    fn(*[operand] * max(len(params.required), 1), not_a_parameter=1)
                except TypeError as exc:
                    if "not_a_parameter" not in str(exc):
                        continue
                    # (numpy's clip hands a call without bounds to its `positive` ufunc)
                    assert str(exc).startswith(f"{passed.function}()") or name == "clip", (name, exc)
                    assert passed.charged_first or budget.flops_used == 0, name
                    checked += 1
                    break
                except Exception:
                    continue
                raise AssertionError(f"fnp.{name} took a keyword numpy has no parameter for")
    assert checked > 150


@pytest.mark.parametrize("call,escapes,caught_by", [
    ("fnp.median(v, 2)", "IndexError", "ValueError"),
    ("fnp.partition(w, w)", "ValueError", "TypeError"),
    ("fnp.argmax(w, (0, 1))", "TypeError", "ValueError"),
])
def test_a_handler_for_another_class_does_not_catch_the_raise(tmp_path, call, escapes, caught_by):
    """``except ValueError`` around ``fnp.median(v, 2)``: flopscope raises IndexError (it indexes
    the shape by the axis), which escapes; flopcast said AxisError (a ValueError), caught, and
    priced the handler as run (the hunt's wrong-class raises)."""
    path = write(tmp_path, f"""
        try:
            r = {call}
        except {caught_by}:
            r = fnp.exp(w)
        """)
    report = analyze(path, POINT)
    runtime = run(path, POINT)
    assert runtime.status == EXCEPTION and runtime.error.type == escapes, runtime.error
    (raised,) = report.raises
    assert raised.what.split(":")[0] == escapes and report.total.exact
    assert report.total.lo == runtime.flops_used


def test_a_raise_flopscope_makes_otherwise_is_not_claimed(tmp_path):
    """``fnp.piecewise("r,wr,wv->v", proj, basis, weight)`` (the hunt's einsum -> piecewise):
    flopscope counts the functions against the conditions first (ValueError); flopcast claimed
    the text's dtype (UnsupportedDtypeError). Where flopscope, asked on the same shapes, raises
    another class, no raise is claimed: the path ends, a lower bound."""
    path = write(tmp_path, "r = fnp.piecewise('r,wr,wv->v', v, w, w)\n" + AFTER)
    report = analyze(path, POINT)
    runtime = run(path, POINT)
    assert runtime.status == EXCEPTION and runtime.error.type == "ValueError", runtime.error
    assert not report.raises and report.lower_bound
    assert report.total.lo <= runtime.flops_used
