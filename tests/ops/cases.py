"""The op snippets proven exact against flopscope, one behaviour each, by family."""

POINTWISE = {
    "add_f32": "r = w + w",
    "add_broadcast_col_row": "r = w[:, :1] + v",
    "add_weak_python_float": "r = w + 2.0",
    "mul_weak_python_int": "r = w * 3",
    "div_by_width": "r = w / W",
    "add_f32_f64": "r = v + fnp.ones(W)",
    "strong_numpy_scalar_f64": "r = w + fnp.float64(2.0)",
    "strong_numpy_scalar_f32": "r = w * fnp.float32(0.5)",
    # a numpy scalar's astype is plain numpy (free); the cast scalar is strong in promotion
    "numpy_scalar_astype_f64": "s = v[0].astype(fnp.float64); r = w * s",
    "numpy_scalar_astype_keyword_f32": "s = fnp.linalg.det(w * fnp.float64(1.0)).astype(dtype=fnp.float32); r = w * s",
    "strong_0d_array_f64": "s = fnp.sum(fnp.ones(W)); r = v * s",
    "weak_float_of_0d": "s = fnp.sum(fnp.ones(W)); r = v * float(s)",
    "0d_f32_times_f32": "r = w * fnp.mean(w)",
    "math_sqrt_weak": "r = w * math.sqrt(2.0)",
    "int32_plus_f32_is_f64": "i = fnp.ones(W, dtype=fnp.int32); r = i + v",
    "int32_plus_python_float": "i = fnp.ones(W, dtype=fnp.int32); r = i + 1.5",
    "int64_plus_int64": "i = fnp.arange(W); r = i + i",
    "bool_and_bool": "b = w > 0; r = b & b",
    "exp_f32": "r = fnp.exp(w)",
    "exp_int64_is_f64": "r = fnp.exp(fnp.arange(W))",
    "exp_int8_is_f16": "r = fnp.exp(fnp.ones(W, dtype=fnp.int8))",
    "sqrt_bool_is_f16": "r = fnp.sqrt(v > 0)",
    "log_abs": "r = fnp.log(fnp.abs(w) + 1.0)",
    "tanh_sin_cos": "a = fnp.tanh(v); b = fnp.sin(v); c = fnp.cos(v)",
    "sqrt_square_reciprocal": "a = fnp.sqrt(fnp.abs(v)); b = fnp.square(v); c = fnp.reciprocal(v + 3.0)",
    "pow_2": "r = w ** 2",
    "pow_half": "r = fnp.abs(w) ** 0.5",
    "fnp_power": "r = fnp.power(v, 3)",
    "rpow": "r = 2.0 ** v",
    "floor_divide_mod": "a = w // 2.0; b = w % 2.0",
    "negative_abs_positive": "a = -w; b = abs(w); c = +w",
    "invert_bool": "r = ~(w > 0)",
    "compare_ops": "a = w > 0; b = w <= v; c = w == w; d = w != 0.0",
    "maximum_scalar": "r = fnp.maximum(w, 0.0)",
    "maximum_f32_scalar": "r = fnp.maximum(w, fnp.float32(0.0))",
    "minimum_arrays": "r = fnp.minimum(w, v)",
    "where_3arg": "r = fnp.where(w > 0, w, 0.0)",
    "where_mixed_dtype": "r = fnp.where(v > 0, v, fnp.ones(W))",
    "where_broadcast_cond": "r = fnp.where(v > 0, w, 0.0)",
    "where_1arg_is_nonzero": "r = fnp.where(v > 0)",
    "clip_two_bounds": "r = fnp.clip(w, -1.0, 1.0)",
    "clip_one_bound": "r = fnp.clip(w, 0, None)",
    "clip_method": "r = w.clip(-1.0, 1.0)",
    "fnp_add_dtype_f64": "r = fnp.add(v, v, dtype=fnp.float64)",
    "fnp_multiply_function": "r = fnp.multiply(w, v)",
    "logical_and_not": "a = fnp.logical_and(w > 0, w < 1); b = fnp.logical_not(w > 0)",
    "isnan_isfinite": "a = fnp.isnan(w); b = fnp.isfinite(w)",
    "sign_floor_ceil": "a = fnp.sign(v); b = fnp.floor(v); c = fnp.ceil(v)",
    # round's second positional is decimals, not out=
    "round_decimals": "a = fnp.round(w, 2); b = fnp.around(v, decimals=1); c = w.round(3); d = fnp.round(v)",
    "exp_of_0d": "r = fnp.exp(fnp.sum(v))",
    "zero_size_is_floored": "r = fnp.exp(w[:0])",
    "fnp_on_python_float": "r = fnp.exp(0.5)",
    "arctan2_hypot": "a = fnp.arctan2(w, w); b = fnp.hypot(v, v)",
    "python_sum_of_rows": "r = sum([w[0], w[1], w[2]])",
    "chain_mixed": "r = fnp.exp(-0.5 * v * v) / math.sqrt(2 * math.pi)",
    # found by tests/fuzz: a scalar on the left runs the array's reflected method
    "compare_scalar_left_reflected": "r = 2.0 > w",
    "compare_weak_float_left_reflected": "r = float(fnp.max(w)) <= w",
    "numpy_scalar_left_divide": "r = fnp.float32(2.0) / w",
    "numpy_scalar_left_remainder": "r = fnp.float64(2.0) % w",
}

REDUCTIONS = {
    "sum_whole": "r = fnp.sum(w)",
    "sum_axis0": "r = fnp.sum(w, axis=0)",
    "sum_axis1_method": "r = w.sum(axis=1)",
    "sum_keepdims": "r = w.sum(axis=1, keepdims=True)",
    "sum_tuple_axis_3d": "t = fnp.ones((D, W, 3)); r = t.sum(axis=(0, 2))",
    "sum_int32_accumulates_int64": "r = fnp.sum(fnp.ones(W, dtype=fnp.int32))",
    "sum_bool_accumulates_int64": "r = (w > 0).sum()",
    "sum_dtype_f64": "r = fnp.sum(w, dtype=fnp.float64)",
    "sum_length1": "r = fnp.sum(w[0, :1])",
    "mean_whole_axis": "a = fnp.mean(w); b = w.mean(axis=0)",
    "mean_int_is_f64": "r = fnp.mean(fnp.arange(W))",
    "var_std": "a = fnp.var(w); b = fnp.std(w, axis=1); c = w.std()",
    "max_min_argmax": "a = fnp.max(w); b = w.min(axis=0); c = fnp.argmax(v); d = w.argmin(axis=1)",
    "prod_cumsum": "a = fnp.prod(v); b = fnp.cumsum(w, axis=0); c = v.cumsum()",
    "any_all": "a = fnp.any(w > 0); b = (w > 0).all(axis=0)",
    "ptp": "r = fnp.ptp(w, axis=1)",
    "median": "r = fnp.median(w, axis=0)",
    "average": "r = fnp.average(w, axis=1)",
    # weights add a multiply pass and a second reduction pass; billed with the weights' dtype
    "average_weights_f64_axis0": "r = fnp.average(w, axis=0, weights=fnp.linspace(0.5, 1.0, W))",
    "average_weights_f32_whole": "r = fnp.average(w, weights=w * w)",
    "average_weights_int_axis1": "r = fnp.average(w, axis=1, weights=fnp.arange(W))",
    "count_nonzero": "r = fnp.count_nonzero(w > 0)",
    "nansum_nanmean": "a = fnp.nansum(w); b = fnp.nanmean(w, axis=0)",
    "amax_amin": "a = fnp.amax(w, axis=0); b = fnp.amin(w)",
    "sum_of_list": "r = fnp.sum([v, u])",
}

CONTRACTIONS = {
    "matmul_mat_mat": "r = w @ w",
    "matmul_mat_vec": "r = w @ v",
    "matmul_vec_mat": "r = v @ w",
    "matmul_vec_vec": "r = v @ u",
    "matmul_same_vec": "r = v @ v",
    "matmul_AT_A_dense": "r = w.T @ w",
    "matmul_A_AT_dense": "r = w @ w.T",
    "matmul_f32_f64": "r = w.T @ fnp.ones(W)",
    "matmul_rect": "r = w[:3] @ w[:, :5]",
    "matmul_batched": "t = fnp.ones((D, W, W), dtype=fnp.float32); r = t @ w",
    "fnp_matmul": "r = fnp.matmul(w, w)",
    "dot_mat_mat": "r = fnp.dot(w, w)",
    "dot_A_AT": "r = fnp.dot(w, w.T)",
    "dot_method": "r = w.dot(v)",
    "dot_scalar": "r = fnp.dot(w, 2.0)",
    "inner_vec": "r = fnp.inner(v, u)",
    "inner_same_mat": "r = fnp.inner(w, w)",
    "outer_same": "r = fnp.outer(v, v)",
    "outer_distinct": "r = fnp.outer(v, u)",
    "outer_rebound_alias": "g = v; r = fnp.outer(v, g)",
    "einsum_gram_same": "r = fnp.einsum('ij,kj->ik', w, w)",
    "einsum_gram_distinct": "r = fnp.einsum('ij,kj->ik', w, w.T)",
    "einsum_matvec": "r = fnp.einsum('ji,j->i', w, v)",
    "einsum_three": "r = fnp.einsum('ij,jk,kl->il', w[:3], w, w[:, :4])",
    "einsum_sandwich_same": "r = fnp.einsum('ji,jk,kl->il', w, w, w)",
    "einsum_trace": "r = fnp.einsum('ii->', w)",
    "einsum_one_sided_sum": "r = fnp.einsum('ij,jk->', w[:3], w)",
    "einsum_implicit": "r = fnp.einsum('ij,jk', w, w)",
    "einsum_ellipsis": "r = fnp.einsum('...ij,jk->...ik', w, w)",
    "vdot": "r = fnp.vdot(v, u)",
    # flopscope ravels a matrix operand into a plain view: no symmetry, no same-operand discount
    "vdot_matrices_same": "r = fnp.vdot(w, w)",
    "vdot_gram_matrix": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.vdot(C, C) + fnp.vdot(C, w)",
    "vdot_vector_matrix": "r = fnp.vdot(w[:2].reshape(-1), w[:, :2])",
    "tensordot": "r = fnp.tensordot(w, w, axes=1)",
    "tensordot_full": "r = fnp.tensordot(w, w)",
    "chain_matmul": "r = w.T @ w @ w",
    # priced as the einsum, but flopscope returns tensordot's result untagged
    "tensordot_same_operand_untagged": "g = fnp.tensordot(w, w, axes=([0], [0])); r = fnp.sum(g) + fnp.exp(g)",
}

SYMMETRY = {
    "gram_tag_then_exp": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C)",
    "gram_scalar_mul": "C = fnp.einsum('ij,kj->ik', w, w); r = C * 0.5",
    "gram_plus_gram": "C = fnp.einsum('ij,kj->ik', w, w); r = C + C",
    "gram_plus_eye": "C = fnp.einsum('ij,kj->ik', w, w); r = C + fnp.eye(W)",
    "gram_plus_dense": "C = fnp.einsum('ij,kj->ik', w, w); r = C + w",
    "gram_plus_vector": "C = fnp.einsum('ij,kj->ik', w, w); r = C + v",
    "gram_sum_whole": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.sum(C)",
    "gram_sum_axis": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.sum(C, axis=0)",
    "gram_mean": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.mean(C)",
    "gram_var": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.var(C)",
    "gram_std": "C = fnp.einsum('ij,kj->ik', w, w); r = C.std()",
    "gram_max": "C = fnp.einsum('ij,kj->ik', w, w); r = C.max()",
    "gram_matmul_self": "C = fnp.einsum('ij,kj->ik', w, w); r = C @ C",
    "gram_matmul_T": "C = fnp.einsum('ij,kj->ik', w, w); r = C @ C.T",
    "gram_dot_self": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.dot(C, C)",
    "gram_times_dense": "C = fnp.einsum('ij,kj->ik', w, w); r = w @ C",
    "gram_sandwich": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.einsum('ij,jk,lk->il', w, C, w)",
    "gram_transpose_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C.T)",
    "gram_full_slice_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C[:, :])",
    "gram_partial_slice_drops": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C[1:, 1:])",
    "gram_none_index_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C[None])",
    "gram_copy_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C.copy())",
    "gram_asarray_drops": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.asarray(C))",
    "gram_array_drops": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.array(C))",
    "gram_astype_drops": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C.astype(fnp.float64))",
    "eye_astype_no_copy_drops": "E = fnp.eye(W, dtype=fnp.float32); r = E.astype(fnp.float32, copy=False).var()",
    "astype_no_copy_is_new_object": "g = v.astype(fnp.float32, copy=False); r = fnp.outer(v, g)",
    "gram_reshape_same_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C.reshape((W, W)))",
    "gram_reshape_flat_drops": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(C.reshape(-1))",
    "gram_stack_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.stack([C, C]))",
    # flopscope's flip keeps the permutations mapping the flipped axes among themselves; fliplr
    # and flipud drop the tag (unpriced before: corr_propagation's diagonal -> flip, seed 432)
    "gram_flip_of_every_axis_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.flip(C)) + fnp.flip(C, (1, 0))",
    "gram_flip_of_one_axis_drops": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.flip(C, -1)) + fnp.fliplr(C) + fnp.flipud(C)",
    "cube_flip_of_one_axis_keeps_the_others": "T = fnp.ones((W, W, W)); r = fnp.exp(fnp.flip(T, 0)) + fnp.flip(T, (0, 2))",
    "flip_off_the_block_keeps": "Z = fnp.ones((D, D, W)); r = fnp.exp(fnp.flip(Z, 2))",
    "gram_concat_drops": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.concatenate([C, C]))",
    "gram_where_drops": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.where(C > 0, C, 0.0)",
    "gram_clip_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.clip(C, 0.0, 1.0))",
    "gram_maximum_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.maximum(C, 0.0))",
    "gram_compare_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = (C > 0) & (C > 0)",
    "gram_expand_dims_keeps": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.expand_dims(C, 0))",
    "gram_diag_extract": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.exp(fnp.diag(C))",
    "outer_same_tag": "G = fnp.outer(v, v); r = G * 2.0",
    "outer_plus_gram": "C = fnp.einsum('ij,kj->ik', w, w); r = C + fnp.outer(v, v)",
    "gram_plus_diag": "C = fnp.einsum('ij,kj->ik', w, w); r = C + fnp.diag(v)",
    "ones_square_tag": "O = fnp.ones((W, W)); r = O * 2.0",
    "zeros_square_exp": "r = fnp.exp(fnp.zeros((W, W)))",
    "zeros_depth_square": "r = fnp.exp(fnp.zeros((D, D), dtype=fnp.float32))",
    "zeros_rect_no_tag": "r = fnp.exp(fnp.zeros((D, W)))",
    "zeros_cube": "r = fnp.exp(fnp.zeros((3, 3, 3)))",
    "zeros_partial_cube": "r = fnp.exp(fnp.zeros((D, D, W)))",
    "full_square": "r = fnp.full((W, W), 3.0) + 1.0",
    "ones_plus_dense": "r = fnp.ones((W, W), dtype=fnp.float32) + w",
    "ones_plus_ones": "O = fnp.ones((W, W)); r = O + O",
    "eye_times_scalar": "r = fnp.eye(W) * 3.0",
    "eye_rect_no_tag": "r = fnp.eye(W, W + 1) * 3.0",
    "identity_exp": "r = fnp.exp(fnp.identity(W))",
    "diag_vec_tag": "r = fnp.diag(v) * 2.0",
    "empty_no_tag": "r = fnp.empty((W, W)) * 0.0",
    "zeros_like_square": "r = fnp.zeros_like(w) + 1.0",
    "ones_like_square": "r = fnp.ones_like(w) + 1.0",
    "full_like_square": "r = fnp.full_like(w, 2.0) + 1.0",
    "sum_ones_square": "r = fnp.ones((W, W)).sum()",
    "mean_ones_square": "r = fnp.ones((W, W)).mean()",
    "inv_sym": "C = fnp.einsum('ij,kj->ik', w, w) + W * fnp.eye(W); r = fnp.linalg.inv(C)",
    "as_symmetric": "S = w + w.T; r = fnp.exp(flops.as_symmetric(S, symmetry=(0, 1)))",
    "gram_minus_T": "C = fnp.einsum('ij,kj->ik', w, w); r = C - C.T",
    "gram_times_gram": "C = fnp.einsum('ij,kj->ik', w, w); r = C * C",
    # found by tests/fuzz
    "plain_vs_symmetric_compare_reflected": "r = v > fnp.ones((W, W), dtype=fnp.float32)",
    "broadcast_keeps_tag": "r = fnp.eye(W) + fnp.stack([fnp.eye(W), fnp.eye(W)])",
    "stack_last_axis_keeps_tag": "r = fnp.stack([fnp.eye(W), fnp.eye(W)], axis=-1) * 2.0",
    "stack_middle_axis_keeps_tag": "r = fnp.stack([fnp.eye(W), fnp.eye(W)], axis=1) * 2.0",
    "concat_untagged_axis_keeps_tag": "t = fnp.stack([fnp.eye(W), fnp.eye(W)]); r = fnp.concatenate([t, t]) * 2.0",
    "vstack_keeps_tag": "t = fnp.stack([fnp.eye(W), fnp.eye(W)]); r = fnp.vstack([t, t]) * 2.0",
    "int_index_keeps_tag": "O = fnp.ones((3, 3, 3), dtype=fnp.float32); S = O[0]; r = S @ S",
    "slice_untagged_axis_keeps_tag": "O = fnp.ones((3, W, W), dtype=fnp.float32); r = O[:2] * 2.0",
    "index_partial_slice_of_tagged_drops": "O = fnp.ones((3, W, W), dtype=fnp.float32); r = O[1, :2] * 2.0",
    "partial_slice_drops_all_blocks": "O = fnp.ones((W, W, 3, 3), dtype=fnp.float32); r = O[:2] * 2.0",
}

CREATION = {
    "zeros": "r = fnp.zeros(W)",
    "zeros_f32_square": "r = fnp.zeros((W, W), dtype=fnp.float32)",
    "ones_default_f64": "r = fnp.ones((D, W))",
    "ones_f32": "r = fnp.ones(W, dtype=fnp.float32)",
    "ones_int32": "r = fnp.ones(W, dtype=fnp.int32)",
    "full_int": "r = fnp.full((D, W), 3)",
    "full_float": "r = fnp.full(W, 0.5)",
    "full_dtype": "r = fnp.full((D, W), 0.5, dtype=fnp.float32)",
    "eye": "r = fnp.eye(W)",
    "eye_k1": "r = fnp.eye(W, k=1)",
    "eye_f32": "r = fnp.eye(W, dtype=fnp.float32)",
    "identity": "r = fnp.identity(W)",
    "arange_int": "r = fnp.arange(W)",
    "arange_start_stop": "r = fnp.arange(1, W)",
    "arange_f32": "r = fnp.arange(W, dtype=fnp.float32)",
    "arange_float_step": "r = fnp.arange(0.0, 1.0, 0.25)",
    "linspace": "r = fnp.linspace(0.0, 1.0, W)",
    "linspace_f32": "r = fnp.linspace(0.0, 1.0, W, dtype=fnp.float32)",
    "array_of_fnp": "r = fnp.array(w)",
    "array_dtype_f64": "r = fnp.array(w, dtype=fnp.float64)",
    "array_f64_to_f32": "r = fnp.array(fnp.ones(W), dtype=fnp.float32)",
    "array_of_list": "r = fnp.array([1.0, 2.0, 3.0])",
    "array_of_int_list": "r = fnp.array([1, 2, 3])",
    "asarray_noop": "r = fnp.asarray(w)",
    "asarray_to_f64": "r = fnp.asarray(w, dtype=fnp.float64)",
    "asarray_to_f32": "r = fnp.asarray(fnp.ones(W), dtype=fnp.float32)",
    "asarray_same_dtype": "r = fnp.asarray(w, dtype=fnp.float32)",
    "asarray_list": "r = fnp.asarray([1.0, 2.0])",
    # fnp.asarray bills a non-array source at the heavier of its own dtype (np.asarray's:
    # a Python float or list float64, an int int64) and the target; fnp.array the target alone
    "asarray_python_float_to_f32": "r = fnp.asarray(1.0 / W, dtype=fnp.float32)",
    "asarray_python_int_to_f32": "r = fnp.asarray(W, dtype=fnp.float32)",
    "asarray_float_list_to_f32": "r = fnp.asarray([0.5] * W, dtype=fnp.float32)",
    "asarray_f64_scalar_to_f32": "r = fnp.asarray(fnp.float64(W), dtype=fnp.float32)",
    "asarray_f32_scalar_to_f32": "r = fnp.asarray(fnp.float32(W), dtype=fnp.float32)",
    "asarray_bool_list_to_f32": "r = fnp.asarray([True] * W, dtype=fnp.float32)",
    "array_python_float_to_f32": "r = fnp.array(1.0 / W, dtype=fnp.float32)",
    "array_float_list_to_f32": "r = fnp.array([0.5] * W, dtype=fnp.float32)",
    # array coercion of a list promotes every item, and a Python number there is not weak
    "array_of_0d_f32_and_numpy_f64": "r = fnp.array([fnp.sum(v), fnp.max(v), fnp.float64(1.0)]) * 2.0",
    "array_of_numpy_f32_and_python_float": "r = fnp.array([fnp.float32(1.0), 2.0]) * 2.0",
    "array_of_f32_row_and_f64_row": "r = fnp.array([v, u * fnp.float64(1.0)]) + 1.0",
    "asarray_of_0d_f32_and_python_int": "r = fnp.asarray([fnp.sum(v), 1]) + 1.0",
    "array_of_0d_f32_and_python_bool_stays_f32": "r = fnp.array([fnp.sum(v), True]) + 1.0",
    "astype_to_f64": "r = w.astype(fnp.float64)",
    "astype_same": "r = w.astype(fnp.float32)",
    "astype_copy_false": "r = w.astype(fnp.float32, copy=False)",
    "fnp_astype": "r = fnp.astype(w, fnp.float64)",
    "astype_int": "r = w.astype(fnp.int32)",
    "dtype_call_casts": "r = fnp.float64(w)",
    "copy_function_method": "a = fnp.copy(w); b = w.copy()",
    "flatten": "r = w.flatten()",
    "zeros_like_empty_like": "a = fnp.zeros_like(w); b = fnp.empty_like(v)",
    "ones_like_dtype": "r = fnp.ones_like(w, dtype=fnp.float64)",
    "full_like": "r = fnp.full_like(v, 2.0)",
    # numpy's layout puts dtype second (third for full_like): it sets the billed dtype downstream
    "ones_like_positional_dtype": "r = fnp.ones_like(w, fnp.float64) @ w",
    "full_like_positional_dtype": "r = fnp.full_like(v, 2.0, fnp.float64) * v",
    # flopscope bills full_like by the template's size whatever shape= asks (ones_like reads shape=)
    "full_like_shape_keyword": "r = fnp.full_like(w, 2.0, shape=(3, 3)) @ fnp.ones((3, 3)); s = fnp.ones_like(w, shape=(3,))",
    # wrap= runs a tall array's diagonal on down the buffer: flopscope counts the cells written
    "fill_diagonal_wrap_tall": "a = fnp.ones((3 * W, W)); fnp.fill_diagonal(a, 2.0, wrap=True); r = a * 1.0",
    "fill_diagonal_wrap_by_position": "a = fnp.ones((3 * W, W)); fnp.fill_diagonal(a, 2.0, True); r = a * 1.0",
    "fill_diagonal_wrap_wide": "a = fnp.ones((W, 3 * W)); fnp.fill_diagonal(a, 2.0, True); r = a * 1.0",
    "fill_diagonal_cube": "a = fnp.ones((W, W, W)); fnp.fill_diagonal(a, 2.0); r = a * 1.0",
    "arange_positional_dtype": "r = fnp.arange(0, W, 1, fnp.float32) @ w",
    "arange_positional_dtype_by_name": "r = fnp.arange(0.0, W, 1.0, 'float32') @ w",
    "trace_positional_dtype": "r = fnp.trace(w, 0, 0, 1, fnp.float64) * w",
    "trace_method_positional_dtype": "r = w.trace(0, 0, 1, fnp.float64) * w",
    "generator_positional_dtype_by_name": "r = fnp.random.default_rng(0).standard_normal((W,), 'float32') @ w",
    "empty": "r = fnp.empty((D, W))",
    # the Python builtins as dtypes: bool -> bool, int -> int64, float -> float64
    "eye_dtype_builtin_bool": "m = fnp.eye(W, dtype=bool); r = fnp.where(m, w, 0.0)",
    "ones_dtype_builtin_int": "r = fnp.ones(W, dtype=int) + fnp.arange(W)",
    "astype_builtin_float": "r = w.astype(float)",
}

SHAPE = {
    "reshape": "r = w.reshape((W * W,))",
    "reshape_varargs": "r = w.reshape(W, W)",
    "reshape_function": "r = fnp.reshape(w, (-1, 2))",
    "ravel": "a = fnp.ravel(w); b = w.ravel()",
    "T_free": "r = w.T",
    "transpose": "a = fnp.transpose(w); b = w.transpose()",
    "transpose_axes_3d": "t = fnp.ones((D, W, 3)); r = fnp.transpose(t, (2, 0, 1))",
    "stack": "r = fnp.stack([v, u])",
    "stack_axis1": "r = fnp.stack([v, u], axis=1)",
    "stack_mixed": "r = fnp.stack([v, fnp.ones(W)])",
    "concatenate": "r = fnp.concatenate([w, w])",
    "concatenate_axis1": "r = fnp.concatenate([w, w[:, :2]], axis=1)",
    "interp_vector_f32_knots": "r = fnp.interp(v, fnp.linspace(-1.0, 1.0, 5, dtype=fnp.float32), fnp.ones(5, dtype=fnp.float32)) * 2.0",
    "interp_matrix_list_knots": "r = fnp.interp(w, [0.0, 0.5, 1.0], [1.0, 2.0, 4.0], left=0.0) + v",
    "interp_scalar_query": "r = fnp.interp(0.3, fnp.linspace(0.0, 1.0, W), v) * v",
    "block_2x2": "h = W // 2; r = fnp.block([[w[:h, :h], w[:h, h:]], [w[h:, :h], w[h:, h:]]]) * 2.0",
    "block_row_of_vectors_f64": "r = fnp.block([v, fnp.ones(3)]) + 1.0",
    "block_pads_leaf_ndim": "r = fnp.block([[w], [v]]) * 2.0",
    "block_of_gram_drops_tag": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.block([[C, C]]) * 2.0",
    "vstack_hstack": "a = fnp.vstack([v, u]); b = fnp.hstack([v, u])",
    # atleast_3d then the third axis: (n,) -> (1, n, 1), (m, n) -> (m, n, 1); numel(out), promoted
    "dstack_matrices": "r = fnp.dstack([w, w, w]) * 2.0",
    "dstack_vectors": "r = fnp.dstack((v, fnp.ones(W), v)) + 1.0",
    "dstack_mixed_dtype": "r = fnp.dstack([w, fnp.ones((W, W))]) * 2.0",
    "dstack_cube_and_matrix": "r = fnp.dstack([fnp.ones((W, 3, 2)), w[:, :3]]) * 2.0",
    "diag_of_vector": "r = fnp.diag(v)",
    "diag_of_matrix": "r = fnp.diag(w)",
    "diagonal": "a = fnp.diagonal(w); b = w.diagonal()",
    "fill_diagonal": "c = fnp.array(w); fnp.fill_diagonal(c, 0.0); r = c + 1.0",
    "fill_diagonal_on_eye": "c = fnp.eye(W); fnp.fill_diagonal(c, 2.0); r = c * 2.0",
    "trace": "r = fnp.trace(w)",
    # a batch of matrices on the last two axes (the first stays): one diagonal per matrix
    "trace_batched_last_axes": "t = fnp.stack([w, w, w]); r = fnp.trace(t, axis1=1, axis2=2) + 1.0",
    "trace_axes_reversed_negative_offset": "t = fnp.ones((W, 3, W)); r = fnp.trace(t, -1, axis1=-1, axis2=0) * v[:3]",
    "trace_method_axes": "t = fnp.stack([w, w]); r = t.trace(offset=1, axis1=2, axis2=1) + 1.0",
    "index_int_row": "r = w[2] + 1.0",
    "index_column": "r = w[:, 0] + 1.0",
    "index_slice": "r = w[1:3] + 1.0",
    "index_step": "r = w[::2, ::2] + 1.0",
    "index_newaxis": "r = v[:, None] * v[None, :]",
    "index_ellipsis": "r = w[..., 0] + 1.0",
    "index_scalar_free": "r = v[0] + 1.0",
    "fancy_index_list": "r = v[[0, 2, 3]]",
    "fancy_index_rows": "r = w[[0, 1]]",
    "fancy_index_array": "r = w[fnp.arange(2)]",
    "take": "r = fnp.take(v, fnp.arange(3))",
    "take_axis": "r = fnp.take(w, fnp.arange(2), axis=1)",
    "expand_squeeze": "a = fnp.expand_dims(v, 0); b = fnp.squeeze(a)",
    "squeeze_method": "r = w[:1].squeeze()",
    "squeeze_named_axes": "a = fnp.expand_dims(w, (0, 2)); b = fnp.squeeze(a, axis=(0, 2)); r = a.squeeze(0) + b",
    "iterate_rows": "r = [row.sum() for row in w]",
    "swapaxes_moveaxis": "t = fnp.ones((D, W, 3)); a = fnp.swapaxes(t, 0, 2); b = fnp.moveaxis(t, 0, -1)",
    "broadcast_to": "r = fnp.broadcast_to(v, (D, W))",
    "tile_repeat": "a = fnp.tile(v, 2); b = fnp.repeat(v, 2)",
    "flip": "r = fnp.flip(v)",
    "tril_triu": "a = fnp.tril(w); b = fnp.triu(w)",
    "sort_argsort": "a = fnp.sort(v); b = fnp.argsort(w, axis=0)",
    # found by tests/fuzz: copies of an empty array are floored at 1
    "reshape_empty_floored": "r = w[1:1].reshape(-1)",
    "copy_flatten_empty_floored": "a = w[1:1].copy(); b = w[1:1].flatten()",
    "stack_concat_empty_floored": "a = fnp.stack([w[1:1], w[1:1]]); b = fnp.concatenate([w[1:1], w[1:1]])",
    "full_like_empty_floored": "a = fnp.full_like(w[1:1], 2.0); b = fnp.ones_like(w[1:1])",
}

RANDOM = {
    "spawn_count_by_keyword": "r = fnp.random.default_rng(0).spawn(n_children=2)[1].normal(size=(D, W))",
    "default_rng": "rng = fnp.random.default_rng(0)",
    "standard_normal_f64": "rng = fnp.random.default_rng(0); r = rng.standard_normal((D, W))",
    "standard_normal_f32": "rng = fnp.random.default_rng(0); r = rng.standard_normal((D, W), dtype=fnp.float32)",
    "standard_normal_scalar": "rng = fnp.random.default_rng(0); r = rng.standard_normal()",
    "standard_normal_int_size": "rng = fnp.random.default_rng(0); r = rng.standard_normal(W)",
    "normal": "rng = fnp.random.default_rng(0); r = rng.normal(0.0, 1.0, size=(D, W))",
    "normal_positional": "rng = fnp.random.default_rng(0); r = rng.normal(1.0, 2.0, W)",
    "uniform": "rng = fnp.random.default_rng(0); r = rng.uniform(-1.0, 1.0, size=W)",
    "random": "rng = fnp.random.default_rng(0); r = rng.random((D, W))",
    "random_f32": "rng = fnp.random.default_rng(0); r = rng.random(W, dtype=fnp.float32)",
    "integers": "rng = fnp.random.default_rng(0); r = rng.integers(0, 10, size=W)",
    "exponential": "rng = fnp.random.default_rng(0); r = rng.exponential(1.0, size=W)",
    "choice": "rng = fnp.random.default_rng(0); r = rng.choice(W, size=3)",
    "permutation": "rng = fnp.random.default_rng(0); r = rng.permutation(W)",
    "draw_then_use_f64": "rng = fnp.random.default_rng(0); x = rng.standard_normal(W); r = v * x",
    "mlp_seed_rng": "rng = fnp.random.default_rng(mlp.seed); r = rng.standard_normal(W)",
    "multivariate_normal": "rng = fnp.random.default_rng(0); a = rng.multivariate_normal(fnp.zeros(W), fnp.eye(W), size=(3, 2)); r = rng.multivariate_normal(v, w @ w.T + fnp.eye(W), 5, method='cholesky')",
    "multivariate_normal_of_a_list": "rng = fnp.random.default_rng(0); r = rng.multivariate_normal([0.0, 1.0], [[1.0, 0.0], [0.0, 2.0]])",
    "standard_exponential": "rng = fnp.random.default_rng(0); r = rng.standard_exponential((D, W))",
    "poisson": "rng = fnp.random.default_rng(0); r = rng.poisson(3.0, size=W)",
    "gamma_beta": "rng = fnp.random.default_rng(0); a = rng.gamma(2.0, 1.0, size=W); b = rng.beta(2.0, 3.0, size=W)",
    "laplace_logistic": "rng = fnp.random.default_rng(0); a = rng.laplace(0.0, 1.0, W); b = rng.logistic(0.0, 1.0, W)",
    "lognormal_binomial": "rng = fnp.random.default_rng(0); a = rng.lognormal(0.0, 1.0, W); b = rng.binomial(5, 0.5, W)",
    # heavy tails and the rest of the Generator's samplers: weight 16 a draw (geometric's are int64)
    "standard_t_chisquare": "rng = fnp.random.default_rng(0); a = rng.standard_t(3.0, size=(D, W)); b = rng.chisquare(2.0, W)",
    "cauchy_gamma_f32": "rng = fnp.random.default_rng(0); a = rng.standard_cauchy(W); b = rng.standard_gamma(2.0, W, dtype=fnp.float32)",
    "rayleigh_weibull_pareto_power": "rng = fnp.random.default_rng(0); r = rng.rayleigh(1.0, W) + rng.weibull(2.0, W) + rng.pareto(3.0, W) + rng.power(2.0, W)",
    "gumbel_wald_vonmises": "rng = fnp.random.default_rng(0); r = rng.gumbel(0.0, 1.0, W) + rng.wald(1.0, 2.0, W) + rng.vonmises(0.0, 1.0, W)",
    "triangular_f_geometric": "rng = fnp.random.default_rng(0); a = rng.triangular(-1.0, 0.0, 2.0, size=(D, W)); b = rng.f(3.0, 4.0, W) + rng.geometric(0.3, W)",
    "standard_t_of_no_size_is_weak": "rng = fnp.random.default_rng(0); r = v * rng.standard_t(5.0) + v * rng.geometric(0.5)",
    # numpy's legacy global RNG: float64 always, a draw of no size is a (weak) Python float
    "legacy_seed_randn_rand": "fnp.random.seed(3); a = fnp.random.randn(D, W); b = fnp.random.rand(W)",
    "legacy_standard_normal_normal": "a = fnp.random.standard_normal((D, W)); b = fnp.random.normal(0.0, 2.0, size=W)",
    "legacy_uniform_random": "a = fnp.random.uniform(-1, 1, (D, W)); b = fnp.random.random(W) + fnp.random.random_sample((W,))",
    "legacy_exponential": "r = fnp.random.exponential(1.0, W)",
    "legacy_scalar_draw_is_weak": "r = w * fnp.random.randn()",
}

DIFF = {
    "diff_last_axis": "r = fnp.diff(w)",
    "diff_axis0_f64": "r = fnp.diff(w.astype(fnp.float64), axis=0)",
    "diff_order3": "r = fnp.diff(w, n=3, axis=1) + 1.0",
    "diff_of_bool": "r = fnp.diff(v > 0)",
}

STATS = {
    "norm_pdf_f32": "r = flops.stats.norm.pdf(v)",
    "norm_cdf": "r = flops.stats.norm.cdf(w)",
    "norm_ppf": "r = flops.stats.norm.ppf(fnp.clip(fnp.abs(v), 0.1, 0.9))",
    "norm_pdf_python_float": "r = flops.stats.norm.pdf(0.5)",
    "norm_pdf_loc_scale": "r = flops.stats.norm.pdf(v, loc=0.0, scale=2.0)",
    "norm_cdf_then_f32_pipeline": "c = flops.stats.norm.cdf(v); r = c * v",
    "uniform_cdf": "r = flops.stats.uniform.cdf(v)",
    # a list of points is priced per point (was as one)
    "norm_ppf_of_a_list": "r = flops.stats.norm.ppf([0.1, 0.5, 0.9]) * 2.0",
}

LINALG = {
    "eigh": "S = w + w.T; vals, vecs = fnp.linalg.eigh(S)",
    "eigvalsh": "S = w + w.T; r = fnp.linalg.eigvalsh(S)",
    "cholesky": "S = fnp.einsum('ij,kj->ik', w, w) + W * fnp.eye(W); r = fnp.linalg.cholesky(S)",
    "solve_vec": "r = fnp.linalg.solve(w + W * fnp.eye(W, dtype=fnp.float32), v)",
    "solve_mat": "r = fnp.linalg.solve(w + W * fnp.eye(W, dtype=fnp.float32), w[:, :3])",
    "qr": "q, rr = fnp.linalg.qr(w)",
    "qr_rect": "q, rr = fnp.linalg.qr(w[:, :3])",
    "svd": "a, s, b = fnp.linalg.svd(w)",
    "svd_thin_rect": "a, s, b = fnp.linalg.svd(w[:, :3], full_matrices=False)",
    "svd_full_rect": "a, s, b = fnp.linalg.svd(w[:, :3])",
    "svd_values": "s = fnp.linalg.svd(w, compute_uv=False)",
    "inv": "r = fnp.linalg.inv(w + W * fnp.eye(W, dtype=fnp.float32))",
    "det": "r = fnp.linalg.det(w)",
    "slogdet": "s, l = fnp.linalg.slogdet(w)",
    "norm_vector": "r = fnp.linalg.norm(v)",
    "norm_matrix": "r = fnp.linalg.norm(w)",
    "norm_axis": "r = fnp.linalg.norm(w, axis=1)",
    "norm_fro": "r = fnp.linalg.norm(w, 'fro')",
    # vector 2- and 0-norms: 2 per element; a general p (-1, 3, 0.5): 18 per element + 16;
    # matrix 2-norm and nuclear norm: the singular values
    "norm_vector_ord2_ord0": "a = fnp.linalg.norm(v, ord=2); b = fnp.linalg.norm(v, 0)",
    "norm_vector_general_p": "a = fnp.linalg.norm(v, -1); b = fnp.linalg.norm(v, 3); c = fnp.linalg.norm(v, 0.5)",
    "norm_matrix_2_nuc": "a = fnp.linalg.norm(w, 2); b = fnp.linalg.norm(w, 'nuc'); c = fnp.linalg.norm(w, -2)",
    "norm_rows_general_p_keepdims": "r = fnp.linalg.norm(w, ord=3, axis=1, keepdims=True)",
    "eig": "vals, vecs = fnp.linalg.eig(w)",
    "linalg_int_input_f64": "r = fnp.linalg.det(fnp.eye(W, dtype=fnp.int32))",
    "eigvals": "r = fnp.linalg.eigvals(w)",
    # qr's mode: 'r' returns R alone, 'complete' a square Q, 'raw' (h, tau); each priced by mode
    "qr_mode_r": "r = fnp.linalg.qr(w[:, :3], mode='r') * 2.0",
    "qr_mode_complete": "q, r = fnp.linalg.qr(w[:, :3], mode='complete'); s = q * 2.0",
    "qr_mode_raw": "h, tau = fnp.linalg.qr(w[:3], mode='raw'); s = h * 2.0 + 1.0",
    # numpy 2's named results: EighResult, SVDResult, QRResult, SlogdetResult
    "named_results": ("g = w.T @ w + fnp.eye(W); a = fnp.linalg.eigh(g).eigenvectors * 2.0; "
                      "b = fnp.linalg.svd(w).S + 1.0; c = fnp.linalg.qr(w).R * 2.0; "
                      "d = fnp.linalg.slogdet(g).logabsdet * v"),
}

FAMILIES = {
    "pointwise": POINTWISE,
    "reduction": REDUCTIONS,
    "contraction": CONTRACTIONS,
    "symmetry": SYMMETRY,
    "creation": CREATION,
    "shape": SHAPE,
    "random": RANDOM,
    "stats": STATS,
    "linalg": LINALG,
    "diff": DIFF,
}

MORE = {
    # pointwise
    "float_power_logaddexp": "a = fnp.float_power(fnp.abs(v), 2.0); b = fnp.logaddexp(v, u)",
    "exp2_expm1_log1p": "a = fnp.exp2(v); b = fnp.expm1(v); c = fnp.log1p(fnp.abs(v))",
    "log2_log10_arcsin": "a = fnp.log2(fnp.abs(v) + 1.0); b = fnp.log10(fnp.abs(v) + 1.0); c = fnp.arcsin(fnp.clip(v, -1.0, 1.0))",
    "rint_round": "a = fnp.rint(w); b = fnp.round(w); c = w.round()",
    "fmax_fmin_copysign": "a = fnp.fmax(v, u); b = fnp.fmin(v, 0.0); c = fnp.copysign(v, u)",
    "nan_to_num": "r = fnp.nan_to_num(w)",
    "isclose": "r = fnp.isclose(v, u)",
    "int_floor_divide": "i = fnp.arange(W); r = i // 2",
    "bool_to_float_mul": "r = (w > 0) * w",
    "exp_f16": "r = fnp.exp(fnp.ones(W, dtype=fnp.float16))",
    "int8_add_python_int": "i = fnp.ones(W, dtype=fnp.int8); r = i + 1",
    "uint8_times_float": "i = fnp.ones(W, dtype=fnp.uint8); r = i * 0.5",
    # reductions
    "cumsum_whole_2d": "r = fnp.cumsum(w)",
    "median_whole": "r = fnp.median(w)",
    "sym_axis_sum_keeps_tag": "Z = fnp.ones((D, D, W)); s = Z.sum(axis=2); r = fnp.exp(s)",
    "sym_mean_keepdims": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.mean(C, axis=0, keepdims=True)",
    "sym_cumsum": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.cumsum(C, axis=0)",
    "sym_argmax": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.argmax(C)",
    "sym_count_nonzero": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.count_nonzero(C)",
    "sym_ptp_median": "C = fnp.einsum('ij,kj->ik', w, w); a = fnp.ptp(C); b = fnp.median(C)",
    "max_keepdims_then_sub": "m = w.max(axis=1, keepdims=True); r = fnp.exp(w - m)",
    "count_nonzero_is_python_int": "n = fnp.count_nonzero(v > 0); r = v * n",
    "std_of_int": "r = fnp.std(fnp.arange(W))",
    # creation
    "tri": "r = fnp.tri(W)",
    "diagflat": "r = fnp.diagflat(v)",
    "meshgrid": "a, b = fnp.meshgrid(v, u)",
    "geomspace_logspace": "a = fnp.logspace(0.0, 1.0, W); b = fnp.geomspace(1.0, 10.0, W)",
    "zeros_int_shape": "r = fnp.zeros(W, dtype=fnp.int32) + 1",
    # shape
    "pad": "r = fnp.pad(v, 2)",
    "roll": "r = fnp.roll(v, 1)",
    "concatenate_axis_none": "r = fnp.concatenate([w, v[None]], axis=None)",
    "stack_axis_last": "r = fnp.stack([w, w], axis=-1)",
    "column_stack": "r = fnp.column_stack([v, u])",
    "hstack_2d": "r = fnp.hstack([w, w])",
    "atleast_2d": "r = fnp.atleast_2d(v)",
    "ravel_then_reshape": "r = fnp.ravel(w).reshape((W, W))",
    "diag_k": "r = fnp.diag(v, k=1)",
    # sorting and sets
    "unique": "r = fnp.unique(w)",
    "searchsorted": "r = fnp.searchsorted(fnp.sort(v), u)",
    "partition": "r = fnp.partition(v, 2)",
    "argpartition_method": "r = v.argpartition(2)",
    "sort_axis_none": "r = fnp.sort(w, axis=None)",
    # statistics
    "cov": "r = fnp.cov(w)",
    "corrcoef": "r = fnp.corrcoef(w)",
    "cov_rowvar_false": "a = fnp.cov(w[:3], rowvar=False); r = fnp.cov(w[:, :2], w[:, 2:5], rowvar=False)",
    "cov_keywords": "r = fnp.cov(w, bias=True) + fnp.cov(w, ddof=0) + fnp.cov(w, dtype=fnp.float32)",
    "cov_weights": "r = fnp.cov(w, fweights=fnp.ones(W, dtype=fnp.int64), aweights=fnp.abs(v) + 1.0)",
    "cov_of_vectors": "r = fnp.cov(v) + fnp.cov(v, u)[0, 1]",
    "corrcoef_rowvar_false_and_y": "r = fnp.corrcoef(w[:4], rowvar=False) + fnp.corrcoef(v, u)[0, 1]",
    # random
    "gamma_beta": "rng = fnp.random.default_rng(0); a = rng.gamma(2.0, 1.0, size=W); b = rng.beta(2.0, 3.0, size=W)",
    "binomial_poisson": "rng = fnp.random.default_rng(0); a = rng.binomial(5, 0.5, size=W); b = rng.poisson(3.0, size=W)",
    "standard_exponential": "rng = fnp.random.default_rng(0); r = rng.standard_exponential(W)",
    "laplace_logistic_lognormal": "rng = fnp.random.default_rng(0); a = rng.laplace(size=W); b = rng.logistic(size=W); c = rng.lognormal(size=W)",
    "integers_int32": "rng = fnp.random.default_rng(0); r = rng.integers(0, 5, size=W, dtype=fnp.int32)",
    "spawn": "rng = fnp.random.default_rng(0); a, b = rng.spawn(2); r = a.standard_normal(W)",
    "normal_array_loc": "rng = fnp.random.default_rng(0); r = rng.normal(v, 1.0)",
    # stats families
    "expon_cauchy": "a = flops.stats.expon.pdf(v); b = flops.stats.cauchy.cdf(v)",
    "logistic_laplace": "a = flops.stats.logistic.ppf(fnp.clip(fnp.abs(v), 0.1, 0.9)); b = flops.stats.laplace.cdf(v)",
    "lognorm": "r = flops.stats.lognorm.pdf(fnp.abs(v) + 0.5, 1.0)",
    "truncnorm": "r = flops.stats.truncnorm.cdf(v, -1.0, 1.0)",
    # linalg
    "pinv": "r = fnp.linalg.pinv(w)",
    "lstsq": "x, res, rank, sv = fnp.linalg.lstsq(w, v)",
    "matrix_power": "r = fnp.linalg.matrix_power(w, 3)",
    # a negative exponent inverts first (one matmul's price more); an int matrix comes out float64
    "matrix_power_negative": "r = fnp.linalg.matrix_power(w + W * fnp.eye(W, dtype=fnp.float32), -3) * 2.0",
    "matrix_power_minus_one_int": "r = fnp.linalg.matrix_power(2 * fnp.eye(W, dtype=fnp.int32), -1) + 1.0",
    "matrix_power_zero_int": "r = fnp.linalg.matrix_power(fnp.eye(W, dtype=fnp.int32), 0) + 1",
    "multi_dot": "r = fnp.linalg.multi_dot([w, w, v])",
    "cond_rank": "a = fnp.linalg.cond(w); b = fnp.linalg.matrix_rank(w)",
    # tolerances, hermitian= and cond's p (FINDINGS #52; were "with extra arguments is not modelled")
    "pinv_rcond_hermitian": "r = fnp.linalg.pinv(w, rcond=1e-10) + fnp.linalg.pinv(w @ w.T, 1e-12, True)",
    "pinv_rtol": "r = fnp.linalg.pinv(w, rtol=1e-6) * 2.0",
    "matrix_rank_tol_hermitian": "a = fnp.linalg.matrix_rank(w, tol=1e-8); b = fnp.linalg.matrix_rank(w @ w.T, hermitian=True)",
    "cond_p_orders": "a = fnp.linalg.cond(w, 'fro'); b = fnp.linalg.cond(w, p=1); c = fnp.linalg.cond(w, 2); d = fnp.linalg.cond(w, -2)",
    "svdvals": "r = fnp.linalg.svdvals(w)",
    "vector_matrix_norm": "a = fnp.linalg.vector_norm(v); b = fnp.linalg.matrix_norm(w)",
    "linalg_trace_outer": "a = fnp.linalg.trace(w); b = fnp.linalg.outer(v, v)",
    "det_batched": "t = fnp.stack([w, w]); r = fnp.linalg.det(t)",
    "solve_symmetric": "C = fnp.einsum('ij,kj->ik', w, w) + W * fnp.eye(W); r = fnp.linalg.solve(C, v)",
    "det_symmetric": "C = fnp.einsum('ij,kj->ik', w, w) + W * fnp.eye(W); r = fnp.linalg.det(C)",
    "eigh_symmetric": "C = fnp.einsum('ij,kj->ik', w, w); vals, vecs = fnp.linalg.eigh(C)",
    "norm_inf_1": "a = fnp.linalg.norm(v, fnp.inf); b = fnp.linalg.norm(w, 1)",
    "inv_f64": "r = fnp.linalg.inv(fnp.eye(W) * 2.0)",
    "cholesky_then_solve": "S = fnp.einsum('ij,kj->ik', w, w) + W * fnp.eye(W); L = fnp.linalg.cholesky(S); r = fnp.linalg.solve(L, v)",
}
FAMILIES["more"] = MORE

# fft transforms (complex results bill complex64/complex128), and ops on complex arrays
FFT = {
    "fft_f32": "r = fnp.fft.fft(v)",
    "fft_f64": "r = fnp.fft.fft(v * fnp.float64(1.0))",
    "ifft_n": "r = fnp.fft.ifft(v, n=2 * W + 1)",
    "fft_axis0": "r = fnp.fft.fft(w, axis=0)",
    "fft_int_is_c128": "r = fnp.fft.fft(fnp.arange(W))",
    "fft_n1": "r = fnp.fft.fft(v, n=1)",
    "rfft_f32": "r = fnp.fft.rfft(w)",
    "rfft_f64_n": "r = fnp.fft.rfft(fnp.ones((D, W)) * v, n=2 * W - 2)",
    "irfft_roundtrip": "r = fnp.fft.irfft(fnp.fft.rfft(v))",
    "irfft_n_axis0": "r = fnp.fft.irfft(fnp.fft.rfft(w, axis=0), n=W, axis=0)",
    "hfft_ihfft": "a = fnp.fft.hfft(v); b = fnp.fft.ihfft(w * fnp.float64(1.0))",
    "hfft_n": "r = fnp.fft.hfft(fnp.fft.rfft(v), n=W + 3)",
    "fft2": "r = fnp.fft.fft2(w)",
    "ifft2_s": "r = fnp.fft.ifft2(w, s=(W + 1, 3))",
    "rfft2_f64": "r = fnp.fft.rfft2(fnp.ones((D, W)) * v)",
    "irfft2": "r = fnp.fft.irfft2(fnp.fft.rfft2(w))",
    "fftn_axes": "t = fnp.stack([w, w, w]); r = fnp.fft.fftn(t, axes=(0, 2))",
    "ifftn_all": "r = fnp.fft.ifftn(fnp.stack([w, w]))",
    "rfftn_s": "r = fnp.fft.rfftn(w, s=(W, 2 * W))",
    "rfftn_3d_axes": "t = fnp.stack([w, w, w]); r = fnp.fft.rfftn(t, axes=(2, 0))",
    "irfftn_s_minus1": "r = fnp.fft.irfftn(fnp.fft.rfftn(w), s=(-1, W))",
    "fftfreq": "a = fnp.fft.fftfreq(W); b = fnp.fft.rfftfreq(W + 1, 0.5)",
    "fftshift": "a = fnp.fft.fftshift(w); b = fnp.fft.ifftshift(fnp.fft.fft(v), axes=0)",
    "abs_of_fft": "r = fnp.abs(fnp.fft.rfft(v))",
    "abs_of_fft_f64": "r = fnp.abs(fnp.fft.fft(v * fnp.float64(1.0)))",
    "multiply_complex": "z = fnp.fft.fft(w); r = z * z; s = z * 2.0; t = z * v",
    "add_divide_complex": "z = fnp.fft.fft(v); r = z + z; s = z / 3.0",
    "real_imag_attr": "z = fnp.fft.fft(v); r = z.real * z.imag",
    "real_imag_functions": "z = fnp.fft.rfft(w); r = fnp.real(z) + fnp.imag(z)",
    "real_of_real": "r = fnp.real(v) + v.real",
    "conj_power_spectrum": "z = fnp.fft.rfft(v); r = fnp.real(z * fnp.conj(z))",
    "sum_mean_complex": "z = fnp.fft.fft(w); a = fnp.sum(z, axis=0); b = fnp.mean(z)",
    "exp_sqrt_complex_truncates": "z = fnp.fft.fft(v); a = fnp.exp(z); b = fnp.sqrt(z)",
}
FAMILIES["fft"] = FFT

# percentile / quantile (flopscope's tier-2 selection cost), nanmedian
QUANTILE = {
    "percentile_scalar": "r = fnp.percentile(v, 50)",
    "percentile_list_axis": "r = fnp.percentile(w, [10, 90], axis=1)",
    "quantile_axis0": "r = fnp.quantile(w, 0.3, axis=0)",
    "quantile_f64_list": "r = fnp.quantile(w * fnp.float64(1.0), [0.1, 0.5, 0.9], axis=-1)",
    "nanpercentile": "r = fnp.nanpercentile(w, 25.0, axis=0)",
    "nanquantile_list_whole": "r = fnp.nanquantile(w, [0.1, 0.5])",
    "nanmedian": "r = fnp.nanmedian(w, axis=0)",
    "percentile_keepdims_shape": "r = fnp.percentile(w, [25, 75], axis=0, keepdims=True) + w",
    "percentile_int": "r = fnp.percentile(fnp.arange(W), 50)",
    "quantile_symmetric": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.quantile(C, 0.5, axis=0)",
    "quantile_q_array": "q = fnp.linspace(0.0, 1.0, 3); r = fnp.quantile(v, q)",
    "quantile_many_q": "r = fnp.quantile(v, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])",
    "quantile_axis_tuple": "t = fnp.stack([w, w]); r = fnp.quantile(t, 0.5, axis=(0, 2))",
    "quantile_result_used": "r = fnp.quantile(w, 0.5, axis=1) * v",
}
FAMILIES["quantile"] = QUANTILE

# comparisons returning one Python bool
COMPARE = {
    "allclose": "r = fnp.allclose(v, u)",
    "allclose_f64_broadcast": "r = fnp.allclose(w, v * fnp.float64(1.0))",
    "allclose_tolerances": "r = fnp.allclose(w, v, rtol=1e-3, atol=0.0)",
    "allclose_int_is_f64": "r = fnp.allclose(fnp.arange(W), fnp.arange(W))",
    "allclose_python_scalar": "r = fnp.allclose(v, 0.0)",
    "array_equal": "a = fnp.array_equal(w, w); b = fnp.array_equal(w, v)",
    "array_equal_f64": "r = fnp.array_equal(v, fnp.ones(W))",
    "array_equiv": "a = fnp.array_equiv(w, v); b = fnp.array_equiv(v, u[:2])",
}
FAMILIES["compare"] = COMPARE

# Generator.choice without replacement and with p=
CHOICE = {
    "choice_no_replace": "rng = fnp.random.default_rng(0); r = rng.choice(W, 2, replace=False)",
    "choice_p": "rng = fnp.random.default_rng(0); r = rng.choice(W, 3, p=fnp.ones(W) / W)",
    "choice_p_no_replace": "rng = fnp.random.default_rng(0); r = rng.choice(W, (2,), replace=False, p=fnp.ones(W) / W)",
    "choice_array_no_replace": "rng = fnp.random.default_rng(0); r = rng.choice(w, 2, replace=False)",
    "choice_p_positional": "rng = fnp.random.default_rng(0); r = rng.choice(v, (D, 2), True, fnp.ones(W) / W)",
    "choice_rows_count_elements": "rng = fnp.random.default_rng(0); r = rng.choice(w, 2)",
    "choice_rows_with_p": "rng = fnp.random.default_rng(0); r = rng.choice(w, 3, p=fnp.ones(W) / W)",
    "choice_scalar_no_replace": "rng = fnp.random.default_rng(0); r = rng.choice(W, replace=False)",
}
FAMILIES["choice"] = CHOICE

# out= on pointwise ufuncs: the buffer's dtype joins the billed dtype
OUT = {
    "exp_out_f64": "o = fnp.empty((W, W)); r = fnp.exp(w, out=o)",
    "add_out_f64": "o = fnp.empty((W, W)); fnp.add(w, w, out=o); r = o + 1.0",
    "multiply_out_f32": "o = fnp.empty((W, W), dtype=fnp.float32); r = fnp.multiply(w, 2.0, out=o)",
    "subtract_out_positional": "o = fnp.empty(W); r = fnp.subtract(v, u, o)",
    "sqrt_out_f32_of_f64": "o = fnp.empty(W, dtype=fnp.float32); r = fnp.sqrt(fnp.ones(W), out=o)",
    "maximum_out_broadcast": "o = fnp.empty((W, W)); r = fnp.maximum(w, v, out=o)",
    "out_of_symmetric_operands_is_plain": "o = fnp.empty((W, W)); r = fnp.tanh(fnp.eye(W), out=o); s = r + r",
    # a constant fill's inferred tag is dropped by an unsymmetric result (it was unpriced)
    # a write through a row drops the whole buffer's tag (flopscope voids the buffer's tags): the
    # matrix was billed as still symmetric after it (a false exact)
    "out_into_a_row_of_a_square_fill": "o = fnp.zeros((W, W)); fnp.exp(w[0], out=o[0]); r = o * 2.0",
    "out_into_a_row_of_a_row_view": "o = fnp.eye(W) * 1.0; p = o[1:]; fnp.multiply(v, 2.0, out=p[0]); r = o * 2.0 + p[0]",
    "every_writer_through_a_row_drops_the_tag": ("B = fnp.zeros((W, W)); C = fnp.zeros((W, W)); M = fnp.zeros((W, W)); "
                                                 "E = fnp.zeros((W, W)); fnp.sum(w, axis=0, out=B[0]); fnp.copyto(C[2], v); "
                                                 "fnp.matmul(w, v, out=M[3]); fnp.fill_diagonal(E[:3, :3], 1.0); "
                                                 "r = B * 2.0 + C * 2.0 + M * 2.0 + E * 2.0"),
    "a_write_into_the_array_drops_its_views_tags": "S = fnp.zeros((W, W)); s = S[:, :]; fnp.fill_diagonal(S, 1.0); r = s * 2.0",
    "a_write_through_one_view_drops_another_views_tag": ("T = fnp.ones((W, W)); t = T[None]; fnp.exp(v, out=T[0]); "
                                                         "r = t[0] * 2.0"),
    "out_into_a_square_fill_drops_its_tag": ("o = fnp.zeros((W, W)); fnp.exp(w, out=o); p = fnp.ones((W, W)); "
                                             "fnp.multiply(w, 2.0, out=p); q = fnp.full_like(w, 2.0); "
                                             "fnp.subtract(w, q, out=q); r = o * 3.0 + p * 2.0 + q"),
}
FAMILIES["out"] = OUT

# handlers that had no case of their own
ALIASES_AND_VIEWS = {
    "concat_alias": "r = fnp.concat([w, w], axis=0)",
    "row_stack": "r = fnp.row_stack([v, u])",
    "permute_dims": "r = fnp.permute_dims(w, (1, 0)) + w",
    "matrix_transpose": "t = fnp.stack([w[:3], w[:3]]); r = fnp.matrix_transpose(t) @ fnp.ones(3, dtype=fnp.float32)",
    "atleast_1d_3d": "a = fnp.atleast_1d(v) + v; b = fnp.atleast_3d(w) * 2.0",
    "fliplr_flipud": "a = fnp.fliplr(w) + w; b = fnp.flipud(w) - w",
    "isinf": "r = fnp.isinf(w)",
    "take_along_axis": "i = fnp.argsort(w, axis=1); r = fnp.take_along_axis(w, i, axis=1)",
}
FAMILIES["aliases_and_views"] = ALIASES_AND_VIEWS


# constructs from participants' files (issue 9): replacement kwargs, scatters, bytes buffers
CONSTRUCTS = {
    "nan_to_num_replacement_kwargs": "r = fnp.nan_to_num(w, nan=0.0, posinf=1.0, neginf=-1.0)",
    "nan_to_num_kwargs_keep_symmetry": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.nan_to_num(C, nan=0.0) + C",
    "put_along_axis_drops_the_tag": "x = fnp.zeros((W, W)); i = fnp.argsort(w, axis=0); "
                                    "fnp.put_along_axis(x, i, w, axis=0); r = x @ x",
    "put_along_axis_fewer_indices": "x = fnp.zeros((D, W), dtype=fnp.float32); "
                                    "i = fnp.argsort(w[:D], axis=1)[:, :2]; fnp.put_along_axis(x, i, 1.0, axis=1)",
    "put_along_axis_axis_none": "x = fnp.zeros(W, dtype=fnp.float32); fnp.put_along_axis(x, fnp.argsort(v), v, axis=None)",
    "frombuffer_of_encoded_string": "b = f'w={W}|d={D}'.encode('ascii'); "
                                    "r = fnp.frombuffer(b, dtype=fnp.uint8).astype(fnp.int64)",
    "frombuffer_default_float64": "r = fnp.frombuffer(b'\\x00' * 8 * W) + 1.0",
    "frombuffer_count_offset": "r = fnp.frombuffer(b'abcdefgh' * W, dtype=fnp.int16, count=W, offset=2) * 2",
}
FAMILIES["constructs"] = CONSTRUCTS

# Plain numpy in an estimator (flopcast/analyzer/plain_numpy.py): np.* on flopscope arrays goes
# through flopscope's protocols; numpy's own ndarrays compute for free; fnp bills them as operands.
PLAIN_NUMPY = {
    # numpy's scalar types called on a sequence make numpy's own array of it (ops on it are billed
    # as on any plain array handed to flopscope; arithmetic on it alone is numpy's, free)
    "scalar_type_of_a_list_of_rows": "r = fnp.isfinite(fnp.float64([v, u]))",
    "scalar_type_of_a_nested_list_then_matmul": "r = fnp.asarray(fnp.float32([[1.0] * W] * 2)) @ w",
    "scalar_type_of_rows_reduced": "r = fnp.mean(fnp.float64([v, u]), axis=0) @ w",
    "scalar_type_of_a_list_alone_is_free": "r = fnp.float64([v, u]) * 1.0",
    "np_asarray_is_free": "import numpy as np; p = np.asarray(w, dtype=np.float64); r = len(p)",
    "fnp_bills_plain_operand": "import numpy as np; p = np.asarray(w, dtype=np.float64); r = fnp.exp(p) + w",
    "plain_arithmetic_is_free": "import numpy as np; p = np.asarray(w); r = (p * 2.0 + p).sum(axis=0) - p[0]",
    "plain_matmul_flopscope_is_billed": "import numpy as np; p = np.asarray(w); a = p @ w; b = w @ p",
    "plain_outer_of_same_object": "import numpy as np; p = np.asarray(v); r = fnp.outer(p, p)",
    "np_ufunc_on_flopscope_is_routed": "import numpy as np; a = np.exp(w); b = np.maximum(w, 0.0); c = np.abs(v)",
    "np_function_on_flopscope_is_routed": "import numpy as np; a = np.sum(w, axis=0); b = np.linalg.norm(v); c = np.dot(w, v)",
    "np_shape_query_is_free": "import numpy as np; s = np.shape(w); r = fnp.zeros(s) + np.ndim(w)",
    "np_creation_is_plain": "import numpy as np; z = np.zeros((W, W)); r = z + w; e = np.eye(W) * 3.0",
    "np_random_draws_are_free": ("import numpy as np; rng = np.random.default_rng(0); "
                                 "x = rng.standard_normal((W, W)); r = fnp.maximum(x @ w, 0.0)"),
    "isfinite_result_is_plain": "ok = fnp.isfinite(w).all(); bad = ~fnp.isnan(v); r = fnp.all(fnp.isinf(w))",
    # of a SymmetricTensor: numpy's own bool array (negation free, fnp calls on it billed)
    "isnan_of_symmetric": "C = fnp.einsum('ij,kj->ik', w, w); r = fnp.isnan(C); s = fnp.sum(r) + fnp.all(~fnp.isfinite(C))",
    "plain_inplace_and_item_assignment": "import numpy as np; p = np.zeros(W); p += 1.0; p[0] = 2.0; r = v * p",
    "not_of_0d_array_is_free": "r = fnp.zeros(W) + (1.0 if not fnp.all(fnp.isfinite(w)) else 2.0)",
    "np_fill_diagonal_raises_into_handler": ("import numpy as np\n"
                                             "c = w + 0.0\n"
                                             "try:\n"
                                             "    np.fill_diagonal(c, 0.0)\n"
                                             "    c = c @ w\n"
                                             "except TypeError:\n"
                                             "    c = c * 2.0"),
    "np_ufunc_of_plain_array_is_free_and_plain": ("import numpy as np; t = np.cos(np.pi * (np.arange(W) + 0.5) / W); "
                                                  "r = fnp.asarray(np.exp(t), dtype=fnp.float32) * v"),
    "np_zeros_like_raises_into_handler": ("import numpy as np\n"
                                          "try:\n"
                                          "    z = np.zeros_like(w) + w\n"
                                          "except TypeError:\n"
                                          "    z = w * 2.0"),
}
FAMILIES["plain_numpy"] = PLAIN_NUMPY

# Polynomials (flopcast/analyzer/ops/polynomial.py): flopscope's polyval/polyfit bill their own
# cost functions; numpy.polynomial's quadrature rules and fits strip flopscope arrays, free.
POLYNOMIAL = {
    "polyval_f32": "r = fnp.polyval(v[:4], w) * 2.0",
    "polyval_list_coefficients_f64": "r = fnp.polyval([1.0, 0.5, 0.25], v) + v",
    "polyval_2d_coefficients": "r = fnp.polyval(w[:3], v) * 2.0",
    "polyval_scalar_point_is_numpy_scalar": "r = v * fnp.polyval(v[:5], 0.5)",
    "polyfit_f32_bills_f64": "r = fnp.polyfit(v, fnp.tanh(v), 3) * 2.0",
    "polyfit_2d_y": "c = fnp.polyfit(v, w[:, :3], 2); r = fnp.polyval(c, v[:3])",
    "np_polynomial_fit_is_free_and_plain": ("import numpy as np\n"
                                            "c = np.polynomial.polynomial.polyfit(v, fnp.tanh(v), 4)\n"
                                            "r = fnp.asarray(c, dtype=fnp.float32) * 2.0 + fnp.sum(w)"),
    "np_hermegauss_is_free_and_plain": ("from numpy.polynomial import hermite_e\n"
                                        "x, q = hermite_e.hermegauss(6)\n"
                                        "r = fnp.sum(fnp.tanh(fnp.asarray(x, dtype=fnp.float32)) * q)"),
}
FAMILIES["polynomial"] = POLYNOMIAL

# trapezoid: flopscope's _trapezoid_cost (4 per sample of y), billed at y, dx and x promoted
TRAPEZOID = {
    "trapezoid_f32_rows": "r = fnp.trapezoid(w, axis=0) * 2.0",
    "trapezoid_1d_is_numpy_scalar": "r = v * fnp.trapezoid(v, dx=0.5)",
    "trapezoid_f64_grid_bills_f64": "r = fnp.trapezoid(w, x=fnp.linspace(0.0, 1.0, W)) + v",
    "trapezoid_int_samples_bill_f64": "r = fnp.trapezoid(fnp.arange(W)) * v",
}
FAMILIES["trapezoid"] = TRAPEZOID

# np.pad's width forms (numel(output), whatever the form), as Strassen pads odd sizes.
PAD = {
    "pad_pair_per_axis": "r = fnp.pad(w, ((0, 1), (0, 1))) * 2.0",
    "pad_one_pair_every_axis": "r = fnp.pad(w, (1, 2)) + 1.0",
    "pad_list_of_pairs_constant_values": "r = fnp.pad(v, [(3, 1)], constant_values=2.0) * 2.0",
    "pad_edge_mode": "r = fnp.pad(w, 1, mode='edge') * 2.0",
    "pad_column_widths": "r = fnp.pad(w, ((1,), (2,))) * 2.0",
}
FAMILIES["pad"] = PAD

# searchsorted bills at the promotion of the haystack's and the needles' dtypes
SEARCHSORTED = {
    "searchsorted_f32_haystack_f64_needles": "c = fnp.cumsum(fnp.abs(v)); r = fnp.searchsorted(c, fnp.linspace(0.0, 1.0, 5))",
    "searchsorted_f32_haystack_python_float": "c = fnp.cumsum(fnp.abs(v)); r = fnp.searchsorted(c, 0.5) + 1",
    "searchsorted_int_haystack_f32_needles": "r = fnp.searchsorted(fnp.arange(W), v, side='right')",
    # sorter= (argsort's permutation) changes where the needles land, not the bill (it was unpriced)
    "searchsorted_with_argsorts_sorter": ("s = fnp.argsort(v); r = fnp.searchsorted(v, u, sorter=s) "
                                          "+ fnp.searchsorted(v, w[0], side='right', sorter=s)"),
}
FAMILIES["searchsorted"] = SEARCHSORTED

# split/array_split are free views; triu/tril indices bill the size of both index arrays
SPLIT_AND_TRIANGLES = {
    "split_equal_sections": "a, b = fnp.split(w, 2, axis=1); r = a * 2.0 + b",
    "array_split_unequal": "parts = fnp.array_split(v, 3); r = sum(fnp.sum(p) for p in parts) * v",
    "array_split_at_cut_points": "a, b, c = fnp.array_split(w, [1, 3]); r = fnp.sum(a) + fnp.sum(b) + fnp.sum(c) * v",
    "triu_indices_offset": "iu = fnp.triu_indices(W, k=1); r = w[iu] * 2.0",
    "tril_indices_rectangular": "il = fnp.tril_indices(W, -1, 3); r = fnp.sum(w[il]) * v",
    "triu_indices_from_matrix": "iu = fnp.triu_indices_from(w); r = w[iu[0], iu[1]] + 1.0",
    "diag_indices_pick_the_diagonal": "di = fnp.diag_indices(W); r = w[di] * 2.0",
    "kron_f32_f64": "r = fnp.kron(w[:2, :2], fnp.ones((2, 3))) + 1.0",
    "kron_of_symmetric_operands_is_untagged": "k = fnp.kron(fnp.eye(2), fnp.ones((4, 4)) / 4.0); r = k @ k",
    "broadcast_arrays_free": "a, b = fnp.broadcast_arrays(v[None, :], v[:, None]); r = a * b",
}
FAMILIES["split_and_triangles"] = SPLIT_AND_TRIANGLES

# bincount bills numel(x) at the heavier of x's dtype and int64; the length is known when the
# indices' bounds (argsort, argpartition, argmin, a bool mask) fit inside minlength
BINCOUNT = {
    "bincount_argsort_prefix_minlength": "a = fnp.argsort(v)[: W // 2]; r = fnp.bincount(a, minlength=W) * 2.0",
    "bincount_argmin_weights_f32_is_f64": "i = fnp.argmin(w, axis=1); r = fnp.bincount(i, weights=v, minlength=W) + v",
    "bincount_of_a_mask": "r = fnp.bincount(v > 0, minlength=2) * 2",
    "bincount_argpartition_int32": "a = fnp.argpartition(v, 2)[:3].astype(fnp.int32); r = fnp.bincount(a, minlength=W) * u",
    "bincount_empty_is_minlength": "r = fnp.bincount(fnp.argsort(v)[:0], minlength=3) + 1",
    # triangle and diagonal indices carry their values' bounds (FINDINGS #49)
    "bincount_triu_indices_gathered": "iu, ju = fnp.triu_indices(W, k=1); o = fnp.argsort(w[iu, ju])[:3]; "
                                      "r = fnp.bincount(iu[o], minlength=W) + fnp.bincount(ju[o], minlength=W)",
    "bincount_tril_indices_weights": "il, jl = fnp.tril_indices(W, k=-1); r = fnp.bincount(jl, weights=w[il, jl], minlength=W) + v",
    "bincount_diag_indices": "d, e = fnp.diag_indices(W); r = fnp.bincount(d, weights=v, minlength=W) * 2.0",
    # integer arithmetic with known ints carries the bounds: quantile bins of ranks, shifted ids
    "bincount_rank_bins": "b = (fnp.argsort(fnp.argsort(v)) * 4) // W; r = fnp.bincount(b, weights=v, minlength=4) * 2.0",
    "bincount_shifted_and_mirrored": "i = fnp.argsort(v); r = fnp.bincount(i + 1, minlength=W + 1)[1:] + fnp.bincount((W - 1) - i, minlength=W) * 2",
    "bincount_ids_floor_divided_by_two": "r = fnp.bincount(fnp.argsort(v) // 2, minlength=(W + 1) // 2) * 2.0",
}
FAMILIES["bincount"] = BINCOUNT

# a nested list of numbers: its rows' dtypes promote (were unpriced: "cannot use ListVal")
NESTED_LISTS = {
    "array_nested_rows_f64": "a = fnp.array([[0.9, 0.1], [0.0, 1.0]]); r = a @ a",
    "array_nested_int_rows_to_f32": "a = fnp.array([[1, 2], [3, 4]], dtype=fnp.float32); r = a * 2.0",
    "array_nested_tuple_and_list_rows": "a = fnp.array([(1, 2.5), [3, 4]]); r = a + 1",
    "asarray_nested_three_levels": "a = fnp.asarray([[[1.0], [2.0]], [[True], [4]]]); r = fnp.sum(a * v[:1])",
}
FAMILIES["nested_lists"] = NESTED_LISTS

# numpy's finfo/iinfo/errstate, which flopscope's registry calls blacklisted but still exports
# (unbilled): finfo's scalars are numpy scalars of the dtype (strong in promotion)
TYPE_INFO = {
    "finfo_eps_f32_keeps_f32": "r = w * fnp.finfo(fnp.float32).eps + fnp.finfo(w.dtype).tiny",
    "finfo_eps_f64_promotes": "r = fnp.maximum(v, fnp.finfo(fnp.float64).eps)",
    "finfo_of_python_float_and_bits": "r = v * float(fnp.finfo(float).max) + fnp.finfo(fnp.float16).bits",
    "iinfo_max_is_a_python_int": "n = fnp.iinfo(fnp.int32).max; r = v * (1 if n > 0 else 2)",
    "errstate_that_only_ignores": "with fnp.errstate(over='ignore', invalid='ignore'):\n    r = fnp.exp(w * 100.0)",
}
FAMILIES["type_info"] = TYPE_INFO

# object identity (the same operand twice is cheaper): which calls hand back the same object
IDENTITY = {
    "asarray_is_a_new_object": "a = fnp.asarray(w); r = fnp.einsum('ij,kj->ik', w, a)",
    "asarray_same_dtype_is_a_new_object": "a = fnp.asarray(v, dtype=fnp.float32); r = fnp.outer(v, a)",
    "astype_without_copy_is_a_new_object": "a = w.astype(fnp.float32, copy=False); r = fnp.einsum('ij,kj->ik', w, a)",
    "a_rebinding_is_the_same_object": "a = w; r = fnp.einsum('ij,kj->ik', w, a)",
    "a_list_item_is_the_same_object": "l = [v, u]; r = fnp.outer(l[0], v)",
    "the_same_transpose_twice": "t = w.T; r = t @ t",
    "two_transposes_are_two_objects": "r = w.T @ w.T",
    # FINDINGS #55: x.view() was unpriced
    "view_is_a_new_object": "a = w.view(); r = fnp.einsum('ij,kj->ik', w, a)",
    "view_of_a_symmetric_fill_is_billed_dense": "s = fnp.ones((W, W)).view(); r = s * 2.0 + s.view(fnp.float64)",
}
FAMILIES["identity"] = IDENTITY

# np.gradient with uniform spacing (FINDINGS #57; was unpriced)
GRADIENT = {
    "gradient_of_a_vector": "r = fnp.gradient(v) * 2.0",
    "gradient_of_a_matrix_every_axis": "gy, gx = fnp.gradient(w); r = gy + gx",
    "gradient_one_axis_edge_order_2": "r = fnp.gradient(w, axis=0, edge_order=2) + 1.0",
    "gradient_axes_tuple_scalar_spacing": "a, b = fnp.gradient(w, 0.5, axis=(1, 0)); r = a * b",
    "gradient_of_ints_is_f64": "r = fnp.gradient(fnp.argsort(v)) + v",
    "gradient_f32_stays_f32": "r = fnp.gradient(w.astype(fnp.float32)[0]) * 2.0",
}
FAMILIES["gradient"] = GRADIENT

# membership, binning, multi-key sorts and unique's extra returns (were unpriced)
SEARCH_AND_UNIQUE = {
    "isin_of_indices_sorts_both": "a = fnp.argsort(v); r = fnp.isin(a, a[:3])",
    "isin_of_floats_takes_the_masked_loop": "r = fnp.isin(w, v)",
    "isin_of_a_0d_inverted": "r = fnp.isin(fnp.sum(v), v, invert=True)",
    "digitize_f32_by_f64_edges": "r = fnp.digitize(v, fnp.linspace(-1, 1, 5)) + 1",
    "digitize_matrix_by_int_bins_right": "r = fnp.digitize(w, fnp.arange(3), right=True)",
    "lexsort_tuple_of_keys": "r = fnp.lexsort((v, u))",
    "lexsort_rows_of_a_matrix": "r = fnp.lexsort(w[:3])",
    "unique_return_counts": "vals, cnt = fnp.unique(fnp.argmax(w, axis=1), return_counts=True); r = fnp.sum(v)",
    "unique_return_inverse_has_the_input_shape": "vals, inv = fnp.unique(w > 0, return_inverse=True); r = inv + 1",
    "unique_values_of_a_matrix": "r = fnp.unique_values(w)",
    "unique_counts_fields": "res = fnp.unique_counts(fnp.argmax(w, axis=1)); r = res.counts.size + fnp.sum(v)",
    "unique_inverse_field_has_the_input_shape": "res = fnp.unique_inverse(w > 0); r = res.inverse_indices * 2",
    "unique_all_unpacked": "a, i, j, c = fnp.unique_all(v); r = j + 1",
    "unique_every_flag": "a, i, j, c = fnp.unique(v, return_index=True, return_inverse=True, return_counts=True); r = j * 2",
    # the slices along the axis sorted lexicographically: numel / R sorts of R (it was unpriced)
    "unique_rows": "u = fnp.unique(fnp.round(w), axis=0); r = fnp.sum(v) * float(u.shape[1])",
    "unique_columns_negative_axis": "u = fnp.unique(w[:, :3].astype(fnp.float32), axis=-1); r = fnp.sum(v) + u.shape[0]",
    "unique_axis_of_a_3d_array": "u = fnp.unique(fnp.zeros((2, 3, D)), axis=1, equal_nan=True); r = v * float(u.ndim)",
}
FAMILIES["search_and_unique"] = SEARCH_AND_UNIQUE

# growing, shrinking and querying arrays (were unpriced)
GROW_AND_QUERY = {
    "shape_ndim_size_queries": "r = fnp.ones(fnp.shape(w)) * fnp.ndim(v) + fnp.size(w) + fnp.size(w, 1)",
    "shape_of_a_list": "r = fnp.zeros(fnp.shape([[1.0, 2.0]])) + fnp.size([1, 2, 3])",
    "rot90_is_a_free_view": "r = fnp.rot90(w[:, :2]) * 2.0",
    "rot90_twice_keeps_the_shape": "r = fnp.rot90(w[:3], k=2) + w[:3]",
    "append_flattens": "r = fnp.append(w, v) * 2.0",
    "append_a_python_float_is_f64": "r = fnp.append(v, 1.0) + 1.0",
    "append_rows_along_axis": "r = fnp.append(w, w[:2], axis=0) + 1.0",
    "delete_one_position": "r = fnp.delete(v, 0) + 1.0",
    "delete_columns": "r = fnp.delete(w, [0, 2, -1], axis=1) * 2.0",
    "delete_from_flattened": "r = fnp.delete(w, (1, 1, 3)) + 1",
    "insert_a_python_float_weakly": "r = fnp.insert(v, 1, 0.5) * 2.0",
    "insert_a_row": "r = fnp.insert(w, 0, v, axis=0) + 1.0",
    "insert_a_column_of_f64": "r = fnp.insert(w, W, fnp.ones(W), axis=1) + 1.0",
    "insert_into_flattened": "r = fnp.insert(w, 3, u[:2]) + 1.0",
    "resize_repeats": "r = fnp.resize(v, (3, W)) + 1.0",
}
FAMILIES["grow_and_query"] = GROW_AND_QUERY

# numpy's legacy global RNG beyond the normal family, and Generator.shuffle (were unpriced)
LEGACY_RANDOM = {
    "legacy_randint_sized": "r = fnp.random.randint(0, W, size=(D, W)) + 1",
    "legacy_randint_int32": "r = fnp.random.randint(0, 5, size=W, dtype=fnp.int32) * 2",
    "legacy_randint_scalar_is_a_python_int": "k = fnp.random.randint(3); r = v * k",
    "legacy_choice_with_replacement": "r = v[fnp.random.choice(W, size=5)] * 2.0",
    "legacy_choice_with_p": "p = fnp.ones(W) / W; r = fnp.random.choice(W, size=3, p=p) + 1",
    "legacy_choice_without_replacement": "r = fnp.random.choice(W, 3, replace=False) + 1",
    "legacy_choice_without_replacement_with_p": "p = fnp.ones(W) / W; r = fnp.random.choice(v, 2, replace=False, p=p) * 2",
    "legacy_choice_scalar_of_an_array": "r = fnp.random.choice(v) * v",
    "legacy_permutation_of_int_and_rows": "a = fnp.random.permutation(W); b = fnp.random.permutation(w); r = w[a] + b",
    "legacy_shuffle_in_place": "x = fnp.ones((W, 2)); fnp.random.shuffle(x); r = x * 2.0",
    "legacy_shuffle_drops_the_symmetry_tag": "x = fnp.ones((W, W)); fnp.random.shuffle(x); r = x * 2.0",
    "generator_shuffle_axis": "rng = fnp.random.default_rng(0); x = fnp.ones((D, W)); rng.shuffle(x, axis=1); r = x + 1.0",
    "legacy_poisson_binomial_are_int64": "a = fnp.random.poisson(3.0, W); b = fnp.random.binomial(4, 0.5, (D, W)); r = a + b + v",
    "legacy_gamma_beta_lognormal": "a = fnp.random.gamma(2.0, 1.0, W); b = fnp.random.beta(1.0, 2.0, W); c = fnp.random.lognormal(0.0, 1.0, W); r = a + b + c",
    "legacy_scalar_poisson_is_a_python_int": "r = v * fnp.random.poisson(2.0)",
}
FAMILIES["legacy_random"] = LEGACY_RANDOM

# selections and in-place writes by mask (were unpriced)
SELECT_AND_WRITE = {
    "select_two_conditions": "r = fnp.select([v > 0, v < -0.5], [v, -v]) + 1.0",
    "select_python_default_is_weak": "r = fnp.select([w > 0], [w], default=0.5) * 2.0",
    "select_f64_default_promotes": "r = fnp.select([v > 0], [v], default=fnp.float64(1.0)) + 1.0",
    "extract_charges_the_whole_input": "r = fnp.extract(w > 0, w)",
    "putmask_in_place": "x = w * 1.0; fnp.putmask(x, x > 0, 0.0); r = x + 1.0",
    "place_into_a_symmetric_fill": "x = fnp.ones((W, W)); fnp.place(x, w > 0, [0.0]); r = x * 2.0",
    "putmask_into_a_symmetric_fill": "x = fnp.ones((W, W)); fnp.putmask(x, w > 0, 3.0); r = x * 2.0",
    "copyto_a_row_into_a_matrix": "x = fnp.zeros((W, W)); fnp.copyto(x, v); r = x + 1.0",
    "copyto_f64_into_f32": "x = w * 1.0; fnp.copyto(x, fnp.ones(W), casting='unsafe'); r = x * 2.0",
}
FAMILIES["select_and_write"] = SELECT_AND_WRITE

# vector contractions numpy 2 added (were unpriced), priced by flopscope's einsum engine
VECTOR_CONTRACTIONS = {
    "vecdot_rows": "r = fnp.vecdot(w, w) + 1.0",
    "vecdot_batch_with_a_vector_f64": "x = fnp.ones((D, W)); r = fnp.vecdot(x, v) * 2.0",
    "vecdot_of_vectors": "r = fnp.vecdot(v, u) * v",
    "linalg_vecdot_axis0": "r = fnp.linalg.vecdot(w, u[:, None] * w, axis=0) + 1.0",
    "linalg_vecdot_axis0_of_one_array_twice": "r = fnp.linalg.vecdot(w, w, axis=0) + 1.0",
    "vecdot_of_a_symmetric_fill": "e = fnp.eye(W); r = fnp.vecdot(e, e) + 1.0",
    "matvec": "r = fnp.matvec(w, v) + 1.0",
    "vecmat_batched": "x = fnp.ones((D, W)); r = fnp.vecmat(x, w) + 1.0",
}
FAMILIES["vector_contractions"] = VECTOR_CONTRACTIONS

# index meshes, flat-index conversion, Vandermonde and edge differences (were unpriced)
MESH_AND_SERIES = {
    "ix_of_int_arrays_indexes_a_block": "i = fnp.argsort(v)[:3]; r = w[fnp.ix_(i, i)] * 2.0",
    "ix_of_lists": "a, b = fnp.ix_([0, 2], [1, 3, 4]); r = a + b",
    "unravel_argmax_of_a_matrix": "i, j = fnp.unravel_index(fnp.argmax(w), w.shape); r = w[i] * w[:, j]",
    "unravel_an_index_array": "a, b = fnp.unravel_index(fnp.argsort(v), (2, W // 2)); r = a + b",
    "unravel_a_python_int": "i, j = fnp.unravel_index(5, (W, W)); r = v * i",
    "vander_f32_is_f64": "r = fnp.vander(v, 3) + 1.0",
    "vander_square_increasing": "r = fnp.vander(v[:4], increasing=True) * 2.0",
    "ediff1d_with_ends": "r = fnp.ediff1d(w, to_begin=0.0, to_end=[1.0, 2.0]) * 2.0",
    "ediff1d_plain": "r = fnp.ediff1d(v) + 1.0",
}
FAMILIES["mesh_and_series"] = MESH_AND_SERIES

# histograms with a known number of bins or known edges (were unpriced)
HISTOGRAM = {
    "histogram_f32_default_bins": "h, e = fnp.histogram(w); r = h + 1",
    "histogram_f64_bins_and_range": "h, e = fnp.histogram(fnp.ones(W), bins=5, range=(0.0, 2.0)); r = e * 2.0",
    "histogram_int_data_edges_are_f64": "h, e = fnp.histogram(fnp.arange(W), bins=3); r = e + 1.0",
    "histogram_by_edges": "h, e = fnp.histogram(v, bins=fnp.linspace(-1, 1, 5)); r = h * 2",
    "histogram_by_a_list_of_edges": "h, e = fnp.histogram(v, bins=[-1.0, 0.0, 1.0]); r = h * 2",
    "histogram_density": "h, e = fnp.histogram(w, bins=4, density=True); r = h * 2.0",
    "histogram_density_weighted_f32": "h, e = fnp.histogram(v, bins=3, weights=u, density=True); r = h + 1.0",
    "histogram_weighted_counts_keep_f32": "h, e = fnp.histogram(v, bins=3, weights=u); r = h + 1.0",
    # histogram2d: n·Σ⌈log2 bins⌉ at float64, edges in the data's float dtype (it was unpriced)
    "histogram2d_f32_edges_stay_f32": "h, a, b = fnp.histogram2d(v, u, bins=4); r = h * 2.0 + fnp.sum(a * b)",
    "histogram2d_bins_per_axis_density": "h, a, b = fnp.histogram2d(v, v * 1.0, [3, 7], density=True); r = h + b[0]",
    "histogram2d_range_makes_f64_edges": ("h, a, b = fnp.histogram2d(fnp.argmax(w, axis=0), u, bins=(5, 2), "
                                          "range=((0, W), (-1.0, 1.0))); r = a * 2.0 + fnp.sum(h)"),
}
FAMILIES["histogram"] = HISTOGRAM

# 1-d convolution and correlation in every mode (were unpriced)
CONVOLUTION = {
    "convolve_full_f32": "r = fnp.convolve(v, u[:3]) * 2.0",
    "convolve_valid_f64_kernel": "r = fnp.convolve(v, fnp.ones(3) / 3, mode='valid') + 1.0",
    "convolve_same_short_first": "r = fnp.convolve(v[:2], u, mode='same') + 1.0",
    "correlate_default_valid": "r = fnp.correlate(v, u[:4]) + 1.0",
    "correlate_full_by_int_mode": "r = fnp.correlate(v, u, 2) + 1.0",
    "correlate_same": "r = fnp.correlate(v, u[:3], mode='same') * v",
}
FAMILIES["convolution"] = CONVOLUTION

# flopscope's own API around the ops: a namespace labels records and charges nothing
FLOPSCOPE_API = {
    "namespace_with": "with flops.namespace('layer'):\n    r = w * 2.0",
    "namespace_nested_by_fstring": "for i in range(D):\n    with flops.namespace(f'layer{i}'):\n        with flops.namespace('inner'):\n            r = v + 1.0",
    "budget_summary_dict_is_free_and_its_numbers_weak": "s = flops.budget_summary_dict(); r = w * 2.0 + s['flops_used'] * 0.0",
    "budget_summary_prints_and_is_free": "flops.budget_summary(); r = v + 1.0",
}
FAMILIES["flopscope_api"] = FLOPSCOPE_API

# windows, grids, choose/put and cross (were unpriced); a window's per-sample cost is read
# from flopscope's source, so these also catch a repricing flopcast failed to read
WINDOWS_GRIDS_AND_PICKS = {
    "hanning_hamming_of_width": "r = fnp.hanning(W) * fnp.hamming(W)",
    "blackman_bartlett_kaiser": "r = fnp.blackman(W) + fnp.bartlett(W) + fnp.kaiser(W, 2.5) + fnp.hanning(W + 1)[:W]",
    "window_of_zero_is_floored": "r = fnp.hanning(0)",
    "window_f64_promotes_f32": "r = v * fnp.hanning(W)",
    "indices_dense": "g = fnp.indices((D, W)); r = g[0] + g[1]",
    "indices_sparse_f32": "i, j = fnp.indices((W, D), dtype=fnp.float32, sparse=True); r = i + j",
    "indices_of_nothing_is_free": "r = fnp.indices(())",
    "choose_f32_and_weak_float": "r = fnp.choose(fnp.argsort(v) % 2, [v, 0.5]) * 2.0",
    "choose_promotes_to_f64": "r = fnp.choose(fnp.zeros(W, dtype=fnp.int64), [v, fnp.ones(W)]) + 1.0",
    "choose_broadcasts_a_column": "r = fnp.choose(fnp.zeros((2, 1), dtype=fnp.int64), [u, v])",
    "choose_method": "r = (fnp.argsort(v) % 3).choose([v, u, v * 2.0])",
    "put_by_an_index_array": "x = w * 1.0; fnp.put(x, fnp.argsort(v)[:3], 0.0); r = x + 1.0",
    "put_empty_is_free": "x = v * 1.0; fnp.put(x, [], 0.0); r = x",
    "put_into_symmetric_drops_the_tag": "S = fnp.einsum('ij,kj->ik', w, w); fnp.put(S, [0, 1], 1.0, mode='clip'); r = S * 2.0",
    "cross_of_3_vectors": "r = fnp.cross(w[:, :3], w[:, 1:4])",
    "cross_of_2_vectors_is_z_only": "r = fnp.cross(w[:, :2], u[:2]) + 1.0",
    "cross_mixed_2_and_3_f64": "r = fnp.cross(w[:, :2], [1.0, 0.0, 0.0])",
}
FAMILIES["windows_grids_and_picks"] = WINDOWS_GRIDS_AND_PICKS

# flopscope's ⌈log2 n⌉ is at least 1: a search among one sorted value, one edge or one bin
# still bills a comparison per query (each was billed 0, floored to 1 in total)
LOG2_OF_ONE = {
    "searchsorted_in_one_value": "r = fnp.searchsorted(v[:1], u)",
    "digitize_by_one_edge": "r = fnp.digitize(v, v[:1])",
    "interp_on_one_knot": "r = fnp.interp(v, v[:1], u[:1])",
    "legacy_choice_of_one_with_p": "r = fnp.random.choice(1, size=W, p=fnp.ones(1))",
    "histogram_one_bin": "h, e = fnp.histogram(v, bins=1)",
    "histogram_one_bin_in_a_range": "h, e = fnp.histogram(w, bins=1, range=(0.0, 1.0))",
}
FAMILIES["log2_of_one"] = LOG2_OF_ONE

# a Generator's draw of no size is what numpy hands back: a Python float (a Python int for
# poisson/binomial, and for choice from an int pool), weak in promotion, billed by its type
# (float64 even when dtype=float32 was asked); integers() a numpy scalar of its dtype
GENERATOR_SCALARS = {
    "random_of_no_size_is_a_python_float": "rng = fnp.random.default_rng(0); r = rng.random() * v",
    "normal_of_no_size_is_weak": "rng = fnp.random.default_rng(0); r = v * rng.normal()",
    "standard_normal_f32_of_no_size_bills_f64": "rng = fnp.random.default_rng(0); r = v * rng.standard_normal(dtype=fnp.float32)",
    "uniform_of_no_size_is_weak": "rng = fnp.random.default_rng(0); r = w - rng.uniform(-1.0, 1.0)",
    "poisson_of_no_size_is_a_python_int": "rng = fnp.random.default_rng(0); r = v * rng.poisson(2.0)",
    "choice_of_an_int_pool_is_a_python_int": "rng = fnp.random.default_rng(0); r = v * rng.choice(W)",
    "integers_of_no_size_is_a_numpy_int": "rng = fnp.random.default_rng(0); r = v * rng.integers(W)",
    "normal_of_a_0d_loc_is_a_python_float": "rng = fnp.random.default_rng(0); r = v * rng.normal(fnp.sum(v), 2.0)",
    # the parameters by keyword give the draw its shape too
    "normal_loc_by_keyword_shapes_the_draw": "rng = fnp.random.default_rng(0); r = rng.normal(loc=v) + v",
    "integers_high_array_by_keyword": "rng = fnp.random.default_rng(0); r = rng.integers(0, high=fnp.argsort(v) + 1) + 1",
    "binomial_p_array_is_accepted": "rng = fnp.random.default_rng(0); r = rng.binomial(3, fnp.clip(fnp.abs(v), 0.0, 1.0)) + 1",
}
FAMILIES["generator_scalars"] = GENERATOR_SCALARS

# diagonal's offset= and axes (the view's shape), nan variance's isnan pass, average's returned=
DIAGONAL_NANVAR_AVERAGE = {
    "diagonal_offset_is_shorter": "r = fnp.diagonal(w, offset=1) * 2.0 + fnp.diagonal(w, -2).sum()",
    "diagonal_of_the_last_two_axes": "t = fnp.ones((D, W, W), dtype=fnp.float32); r = fnp.diagonal(t, axis1=1, axis2=2) * 2.0",
    "diagonal_of_a_3d_default_axes_goes_last": "t = fnp.ones((D, W, 3), dtype=fnp.float32); r = fnp.diagonal(t) * 2.0 + t[:, 0].T[:, :1]",
    "diagonal_method_with_offset": "r = w.diagonal(1) * 2.0 + w.diagonal(offset=-1, axis1=1, axis2=0)",
    "nanvar_adds_the_isnan_pass": "r = fnp.nanvar(w, ddof=1) + fnp.nanvar(w, axis=0)",
    "nanstd_adds_the_isnan_pass": "r = fnp.nanstd(w, axis=1) * 2.0",
    "nanvar_of_ints_has_no_isnan_pass": "r = fnp.nanvar(fnp.argsort(v)) * 2.0",
    "average_returned_rows": "a, s = fnp.average(w, axis=0, returned=True); r = a * s",
    "average_returned_whole_is_numpy_scalars": "a, s = fnp.average(w, returned=True); r = v * a + s",
    "average_returned_with_weights": "a, s = fnp.average(w, axis=1, weights=v, returned=True); r = a / s",
    "average_returned_is_one_stacked_array": "p = fnp.average(w, axis=0, returned=True); r = p * 2.0",
}
FAMILIES["diagonal_nanvar_average"] = DIAGONAL_NANVAR_AVERAGE

# ufuncs of two outputs hand back a tuple, each output billed (nout × the pointwise cost), and
# Python's divmod()/pow() of a flopscope array are its ufuncs; ldexp's exponent is not billed
TWO_OUTPUT_UFUNCS = {
    "frexp_mantissa_and_int32_exponent": "m, e = fnp.frexp(v); r = fnp.ldexp(m, e) + e * 2",
    "modf_of_ints_is_f64": "a, b = fnp.modf(fnp.arange(W)); r = a + b",
    "modf_keeps_the_symmetry_on_both": "C = fnp.einsum('ij,kj->ik', w, w); a, b = fnp.modf(C); r = a * 2.0 + b",
    "divmod_function_pair": "q, m = fnp.divmod(v, 2.0); r = q + m",
    "divmod_of_ints": "q, m = fnp.divmod(fnp.arange(W), 3); r = q * m",
    "builtin_divmod_of_an_array": "q, m = divmod(w, 2.0); r = q + m",
    "builtin_divmod_reflected": "q, m = divmod(2.0, fnp.abs(v) + 1.0); r = q * m",
    "builtin_divmod_of_a_0d": "q, m = divmod(fnp.sum(v), 2.0); r = v * q",
    "builtin_pow_of_an_array": "r = pow(w, 2) + pow(2.0, v)",
    "ldexp_int64_exponent_bills_the_mantissa": "r = fnp.ldexp(v, fnp.arange(W))",
}
FAMILIES["two_output_ufuncs"] = TWO_OUTPUT_UFUNCS

# clip(..., out=): the buffer's dtype joins the billed dtype (was ignored: a float64 buffer
# billed float32), and the buffer itself is written and handed back
CLIP_OUT = {
    "clip_into_itself": "x = w * 1.0; fnp.clip(x, 0.0, None, out=x); r = x * 2.0",
    "clip_into_itself_is_the_same_object": "x = w * 1.0; y = fnp.clip(x, 0.0, 1.0, out=x); r = fnp.outer(x[0], y[0])",
    "clip_into_a_f64_buffer_bills_f64": "o = fnp.empty((W, W)); r = fnp.clip(w, 0.0, 1.0, out=o) + 1.0",
    "clip_f64_into_a_f32_buffer": "o = fnp.empty((W, W), dtype=fnp.float32); r = fnp.clip(fnp.ones((W, W)), 0.0, 1.0, out=o) * 2.0",
    "clip_out_positional": "o = fnp.empty((W, W)); r = fnp.clip(w, 0.0, 1.0, o) + 1.0",
    "clip_of_a_symmetric_input_into_a_plain_buffer": ("C = fnp.einsum('ij,kj->ik', w, w); o = fnp.empty((W, W), dtype=fnp.float32); "
                                                      "r = fnp.clip(C, 0.0, 1.0, out=o) * 2.0"),
    "clip_method_out": "x = w * 1.0; x.clip(0.0, 1.0, out=x); r = x * 2.0",
}
FAMILIES["clip_out"] = CLIP_OUT

# matmul(..., out=): billed at result_type(a, b, out) (the buffer was ignored: a float64 buffer
# billed float32), the buffer written and handed back untagged
MATMUL_OUT = {
    "matmul_into_a_f32_buffer_is_untagged": "o = fnp.empty((W, W), dtype=fnp.float32); r = fnp.matmul(w, w.T, out=o); s = fnp.exp(r)",
    "matmul_into_a_f64_buffer_bills_f64": "o = fnp.empty((W, W)); r = fnp.matmul(w, w, out=o) + 1.0",
    "matmul_of_symmetric_operands_into_a_buffer": ("C = fnp.einsum('ij,kj->ik', w, w); o = fnp.empty((W, W), dtype=fnp.float32); "
                                                   "r = fnp.matmul(C, C, out=o); s = fnp.exp(r)"),
    "matmul_vector_into_a_buffer": "o = fnp.empty(W, dtype=fnp.float32); fnp.matmul(w, v, out=o); r = o * 2.0",
    "matmul_out_positional": "o = fnp.empty((W, W), dtype=fnp.float32); r = fnp.matmul(w, w, o) + 1.0",
    "matmul_then_maximum_into_one_buffer": ("buf = fnp.empty((D, W), dtype=fnp.float32); mu = fnp.ones((D, W), dtype=fnp.float32)\n"
                                            "for _ in range(D):\n"
                                            "    fnp.matmul(mu, w, out=buf)\n"
                                            "    fnp.maximum(buf, 0.0, out=buf)\n"
                                            "    mu = buf * 1.0"),
}
FAMILIES["matmul_out"] = MATMUL_OUT

# linspace/logspace take their endpoints' dtype (float32 numpy scalars or 0-d arrays give
# float32; was always float64), linspace's retstep= hands back (samples, step); stack and
# concatenate with dtype= bill the inputs' promotion and hand back the asked dtype
SPACES_AND_JOINS = {
    "linspace_between_f32_scalars": "r = fnp.linspace(fnp.float32(0.0), fnp.float32(1.0), W) * v",
    "linspace_between_0d_extremes": "r = fnp.linspace(fnp.min(v), fnp.max(v), W) * v",
    "linspace_of_int_scalars_is_f64": "r = fnp.linspace(fnp.int32(0), fnp.int32(3), W) * v",
    "linspace_f32_start_python_stop": "r = fnp.linspace(fnp.float32(0.0), 1.0, W, endpoint=False) + v",
    "linspace_retstep_pair": "x, dx = fnp.linspace(0, 1, W, retstep=True); r = x * dx",
    "linspace_retstep_f32_step_is_f32": "x, dx = fnp.linspace(fnp.min(v), fnp.max(v), W, retstep=True); r = v * dx",
    "logspace_between_f32_scalars": "r = fnp.logspace(fnp.float32(0.0), fnp.float32(1.0), W) * v",
    "logspace_f64_base_promotes": "r = fnp.logspace(fnp.float32(0.0), 1.0, W, base=fnp.float64(2.0)) * v",
    "geomspace_of_f32_is_f64": "r = fnp.geomspace(fnp.float32(1.0), fnp.float32(2.0), W) * v",
    "stack_dtype_bills_the_inputs": "r = fnp.stack([v, u], dtype=fnp.float64) * 2.0",
    "stack_narrower_dtype_bills_the_inputs": "r = fnp.stack([v * fnp.float64(1.0), u], dtype=fnp.float32) * 2.0",
    "concatenate_dtype_bills_the_inputs": "r = fnp.concatenate([v, u], dtype=fnp.float64) + 1.0",
    "concat_dtype_f16": "r = fnp.concat([w, w], dtype=fnp.float16) * 2.0",
    # the array's data attributes: its item size and byte count are numbers
    "itemsize_and_nbytes": "r = v * w.itemsize + w.nbytes",
    # median and average normalise a list of axes (the ufunc reductions refuse one)
    "median_and_average_axis_list": "r = fnp.median(w, axis=[0, 1]) * v + fnp.average(w, axis=[0])",
}
FAMILIES["spaces_and_joins"] = SPACES_AND_JOINS

# einsum's optimize= changes no price (flopscope searches its own path) in every form it accepts
EINSUM_OPTIMIZE = {
    "optimize_path_of_tuples": "r = fnp.einsum('ij,jk,kl->il', w, w, w, optimize=[(0, 1), (0, 1)])",
    "optimize_named_optimizers": ("a = fnp.einsum('ij,jk,kl->il', w, w, w, optimize='greedy'); "
                                  "b = fnp.einsum('ij,jk,kl->il', w, w, w, optimize='dp')"),
    "optimize_any_name_with_two_operands": "r = fnp.einsum('ij,jk->ik', w, w, optimize='bogus')",
}
FAMILIES["einsum_optimize"] = EINSUM_OPTIMIZE

# a reduction's axis by position is read (what follows it by position is not modelled)
AXIS_BY_POSITION = {
    "reductions_axis_by_position": "r = fnp.sum(w, 0) + w.mean(1) + fnp.max(w, -1) + fnp.average(w, 0, v)",
}
FAMILIES["axis_by_position"] = AXIS_BY_POSITION

# numpy's legacy generator object: flopscope bills RandomState.<name> at the legacy global
# function's price, under its own op name (were unpriced, and everything computed from them)
RANDOM_STATE = {
    "random_state_randn_rand": "rs = fnp.random.RandomState(3); a = rs.randn(D, W); b = rs.rand(W); r = a @ w",
    "random_state_scalar_draw_is_weak": "rs = fnp.random.RandomState(0); r = w * rs.randn()",
    "random_state_normal_family": "rs = fnp.random.RandomState(1); a = rs.standard_normal((D, W)); b = rs.normal(0.0, 2.0, size=W); c = rs.uniform(-1, 1, (D, W)); r = a + b + c",
    "random_state_random_exponential": "rs = fnp.random.RandomState(); r = rs.random(W) + rs.random_sample((W,)) + rs.exponential(1.0, W)",
    "random_state_int_draws": "rs = fnp.random.RandomState(2); a = rs.randint(0, W, size=(D, W)); b = rs.poisson(3.0, W); c = rs.binomial(4, 0.5, (D, W)); r = a + b + c + v",
    "random_state_randint_scalar": "rs = fnp.random.RandomState(2); k = rs.randint(3); r = v * k",
    "random_state_choice_permutation_shuffle": "rs = fnp.random.RandomState(5); a = rs.choice(W, size=3); b = rs.permutation(W); x = fnp.ones((W, 2)); rs.shuffle(x); r = w[b] + x[a].sum()",
    "random_state_choice_without_replacement_with_p": "rs = fnp.random.RandomState(5); p = fnp.ones(W) / W; r = rs.choice(v, 2, replace=False, p=p) * 2",
    "random_state_gamma_beta_lognormal": "rs = fnp.random.RandomState(7); r = rs.gamma(2.0, 1.0, W) + rs.beta(1.0, 2.0, W) + rs.lognormal(0.0, 1.0, W)",
    "random_state_reseeded": "rs = fnp.random.RandomState(7); rs.seed(11); r = rs.randn(W) * v",
    "numpy_random_state_draws_free": "import numpy as np; rs = np.random.RandomState(3); r = fnp.asarray(rs.randn(D, W)) @ w",
}
FAMILIES["random_state"] = RANDOM_STATE

# a complex matrix's eigenvalues (eigh, eigvalsh), singular values (svd, svdvals, lstsq), cond
# and slogdet's log|det| are real: complex64 -> float32 (they came back complex, and every op
# after them was billed at the complex rate: false exacts)
COMPLEX_LINALG_REAL_RESULTS = {
    "eigh_eigvalsh_of_hermitian": ("H = w + 1j * w.T; H = H + H.conj().T; e, q = fnp.linalg.eigh(H); "
                                   "r = v + e + fnp.linalg.eigvalsh(H) + q[0]"),
    "svd_svdvals_cond": ("H = w + 1j * w.T; u_, s, vh = fnp.linalg.svd(H); "
                         "r = v + s + fnp.linalg.svd(H, compute_uv=False) + fnp.linalg.svdvals(H) + fnp.linalg.cond(H)"),
    "slogdet_lstsq_of_complex128": ("H = w.astype(fnp.float64) + 1j * w.T; sign, ld = fnp.linalg.slogdet(H); "
                                    "x_, res, rk, sv = fnp.linalg.lstsq(H[:, :3], H[:, 0]); r = v * ld + sv[0] + fnp.sum(res)"),
    "batched_eigvalsh": "H = w + 1j * w.T; A = fnp.stack([H + H.conj().T] * 2); r = v + fnp.linalg.eigvalsh(A)[1]",
}
FAMILIES["complex_linalg_real_results"] = COMPLEX_LINALG_REAL_RESULTS

# so is a complex array's var/std (nan-aware too): complex64 -> float32 (it came back complex)
COMPLEX_SPREAD = {
    "var_std_of_complex64": "H = w + 1j * w.T; r = v + fnp.std(H, axis=0) + fnp.var(H[0]) + fnp.nanstd(H, axis=1)",
    "nanvar_of_complex128_whole": "H = w.astype(fnp.float64) + 1j * w.T; r = v * fnp.nanvar(H)",
}
FAMILIES["complex_spread"] = COMPLEX_SPREAD

# lstsq's rank is a numpy int32 scalar, strong in promotion: float32 times it is float64 (it was
# read as a Python int, weak: billed at float32, and the scorer's cast missed)
LSTSQ_RANK = {
    "lstsq_rank_promotes_float32": "x_, res, rk, sv = fnp.linalg.lstsq(w, v); r = v * rk + float(rk) * u",
}
FAMILIES["lstsq_rank"] = LSTSQ_RANK

# ndarray.flat: flopscope's tracked flat iterator reads numpy scalars and plain copies for free,
# and a write through it changes the array and drops its tag (it was unpriced)
FLAT = {
    "flat_reads": "r = v * w.flat[3] + fnp.asarray(w.flat[2:2 + W]) * 2.0 + float(len(w.flat) + sum(1 for _ in w.flat))",
    "flat_write_drops_the_tag": "b = fnp.zeros((W, W)); b.flat[1] = 5.0; b.flat[::3] = 1.0; r = b * 2.0",
    "flat_index_out_of_range": "r = v * 1.0\ntry:\n    w.flat[10 ** 6]\nexcept IndexError:\n    r = v * 3.0",
}
FAMILIES["flat"] = FLAT
