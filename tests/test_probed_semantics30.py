"""Python and flopscope semantics a probe sweep found mispriced (session 30).

Each program is run under the real flopscope (tests/oracle.py) and the analysis must claim
exactly what the run counts, op by op, at two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

HEAD = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = mlp.weights[0]
"""
TAIL = "        return fnp.zeros((mlp.depth, mlp.width)) + z[0]\n"


def _write(tmp_path, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(HEAD) + textwrap.indent(textwrap.dedent(body), " " * 8) + TAIL)
    return path


def test_reading_a_name_flopscope_numpy_lacks_raises_attribute_error(tmp_path):
    """`fnp.not_there` raises AttributeError when read (not only when called): the handler
    runs and the matmuls after the read in the try body never do. Reading it as a library
    reference priced those matmuls as run (a false exact, 30x the count)."""
    path = _write(tmp_path, """\
        try:
            f = fnp.not_a_function
            z = x @ x @ x @ x
        except AttributeError:
            z = x + 1.0
    """)
    assert_exact_at(path, POINTS)


def test_a_ufunc_method_of_a_flopscope_function_raises_attribute_error(tmp_path):
    """flopscope's `fnp.add` is a plain function: `fnp.add.reduce` raises AttributeError, so
    the fallback in the handler is what runs (it was left unpriced, a lower bound)."""
    path = _write(tmp_path, """\
        try:
            z = fnp.add.reduce(x, axis=0)
            z = z @ x
        except AttributeError:
            z = fnp.sum(x, axis=0)
    """)
    assert_exact_at(path, POINTS)


def test_str_of_an_array_prints_it(tmp_path):
    """`str(x)` of a 2-D array returns its text (numpy bills nothing); it was taken for a
    conversion to a Python scalar and predicted to raise TypeError, dropping the rest of predict."""
    path = _write(tmp_path, """\
        text = str(x) + str(x[0]) + str(x.sum())
        z = x * float(len(text) > 0)
    """)
    assert_exact_at(path, POINTS)


def test_a_chained_comparison_asks_the_truth_of_an_array_step(tmp_path):
    """`0 < x[0] < 1` asks bool() of the array `0 < x[0]`: numpy raises ValueError, so the
    handler's multiply runs. The chain returned the first step's array instead (the handler
    unpriced, a false exact)."""
    path = _write(tmp_path, """\
        z = x * 1.0
        try:
            ok = 0 < x[0] < 1
        except ValueError:
            z = z * 3.0
    """)
    assert_exact_at(path, POINTS)


def test_a_chained_comparison_of_a_zero_d_array_runs_its_second_step(tmp_path):
    """`-1e9 < s < 1e9` with `s` a 0-d flopscope array charges both comparisons when the first
    holds (a value-dependent truth); the chain stopped after the first, so the second
    comparison's charge was outside even the interval."""
    path = _write(tmp_path, """\
        s = x.sum()
        flag = -1e9 < s < 1e9
        z = x * 2.0
    """)
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.contains(measure(path, point).total), report.total


def test_a_format_spec_on_a_two_d_array_raises_type_error(tmp_path):
    """`f"{x:.3f}"` of a 2-D array: numpy's __format__ takes a spec only for a 0-d array and
    raises TypeError otherwise, so the handler's matmul runs (the f-string was taken as text
    not followed, the handler unpriced: a false exact)."""
    path = _write(tmp_path, """\
        try:
            text = f"{x:.3f}"
            z = x * 2.0
        except TypeError:
            z = x @ x
        text = f"{x.sum():.2e}"
    """)
    assert_exact_at(path, POINTS)


def test_percent_formatting_an_array_is_str_formatting(tmp_path):
    """`"%.3f" % x` is str's formatting (numpy's remainder never runs): it raises TypeError
    for a 2-D array (float() of it) and formats a 0-d one. It was priced as fnp.remainder of a
    str array, predicted to raise UnsupportedDtypeError."""
    path = _write(tmp_path, """\
        text = "%.3f" % x.sum() + "%.3f and %s" % (x.max(), x[0])
        try:
            text = "%.3f" % x
            z = x * 2.0
        except TypeError:
            z = x @ x
        z = z + float(len(text) > 0)
    """)
    assert_exact_at(path, POINTS)


def test_ufunc_keywords_spelled_at_their_defaults_are_priced(tmp_path):
    """`casting="same_kind"`, `order="K"` and `subok=True` are numpy's defaults: the call costs
    what it costs without them (it was left unpriced, a lower bound)."""
    path = _write(tmp_path, """\
        a = fnp.add(x, 1.0, casting="same_kind")
        b = fnp.exp(x, order="K")
        c = fnp.negative(x, subok=True)
        z = fnp.multiply(x, 2, dtype=fnp.float64, casting="same_kind", order="K") + a + b + c
    """)
    assert_exact_at(path, POINTS)


def test_an_outer_tensordot_of_one_array_with_itself_is_unpriced_not_an_internal_error(tmp_path):
    """`tensordot(x, x, axes=0)` makes a result flopscope tags with a block-swap symmetry
    (axes (0,1) <-> (2,3)), not a product of full symmetric groups: the analysis crashed
    converting it (an internal error). It is now reported not priced, a lower bound."""
    path = _write(tmp_path, """\
        t = fnp.tensordot(x, x, axes=0)
        z = x * t.sum()
    """)
    for point in POINTS:
        report = analyze(path, point)
        assert report.unpriced and not [u for u in report.unpriced if u.what == "internal error"], report.unpriced
        assert report.total.lo <= measure(path, point).total


def test_einsum_in_the_interleaved_form_raises_attribute_error(tmp_path):
    """flopscope's einsum has no interleaved form: `einsum(x, [0, 1], x, [1, 2])` asks the
    sublist's .shape and raises AttributeError, so the handler runs (it was left unpriced)."""
    path = _write(tmp_path, """\
        try:
            z = fnp.einsum(x, [0, 1], x, [1, 2], [0, 2])
        except AttributeError:
            z = x @ x
    """)
    assert_exact_at(path, POINTS)


def test_a_python_bool_index_is_a_zero_d_mask_not_an_integer(tmp_path):
    """`x[True]` is numpy's 0-d boolean mask (shape (1, w, w), billed as a mask), not `x[1]`
    (bool is an int subclass): it was priced as a free row read, a false exact. Not modelled
    yet, so it must be reported unpriced, below the run."""
    path = _write(tmp_path, """\
        a = x[True]
        z = a[0] * 2.0
    """)
    for point in POINTS:
        report = analyze(path, point)
        assert report.unpriced and report.lower_bound, report.total
        assert report.total.lo <= measure(path, point).total


def test_a_float_index_raises_index_error(tmp_path):
    """`x[1.5]` raises IndexError in numpy: the handler's add runs (it was left unpriced)."""
    path = _write(tmp_path, """\
        try:
            z = x[1.5] * 2.0
        except IndexError:
            z = x + 1.0
    """)
    assert_exact_at(path, POINTS)


def test_an_assertion_on_values_inside_a_try_may_fail_into_the_handler(tmp_path):
    """`assert x.sum() > 1e12` inside a try with an AssertionError handler: whether it fails
    depends on the values, a site (as a Cholesky's LinAlgError is there). It was taken to hold
    and the matmul after it claimed exact, while the run failed it and ran the handler."""
    path = _write(tmp_path, """\
        try:
            assert x.sum() > 1e12, "big"
            z = x @ x
        except AssertionError:
            z = x + 1.0
    """)
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.contains(measure(path, point).total), report.total


def test_membership_of_an_array_in_a_list_of_other_arrays_raises_value_error(tmp_path):
    """`x[0] in [x[0], x[1]]`: the needle is a new array, so Python asks `item == needle`
    (billed) and that 2-element answer's truth: ValueError. It was left unpriced and the
    rest of predict counted (above what the run spent before raising)."""
    path = _write(tmp_path, """\
        rows = [x[0], x[1]]
        z = x * 2.0
        try:
            found = x[0] in rows
        except ValueError:
            z = x + 1.0
    """)
    assert_exact_at(path, POINTS)


def test_list_count_of_an_array_it_holds_compares_the_others(tmp_path):
    """`rows.count(rows[0])`: the first item is the needle itself (no comparison), the second
    is compared with `==` (billed) and its truth asked: ValueError."""
    path = _write(tmp_path, """\
        rows = [x[0] * 2.0, x[1]]
        z = x * 2.0
        try:
            n = rows.count(rows[0])
        except ValueError:
            z = x + 1.0
    """)
    assert_exact_at(path, POINTS)


def test_an_array_found_by_identity_in_a_list_is_not_compared(tmp_path):
    """`x in [x]`: the item is the needle itself, so Python answers True with no comparison
    (nothing billed, no truth of an array asked); it was left unpriced."""
    path = _write(tmp_path, """\
        z = x * 2.0 if x in [x] else x @ x
    """)
    assert_exact_at(path, POINTS)


def test_an_array_as_a_dict_key_raises_type_error(tmp_path):
    """`{x: 1}` hashes the key: numpy arrays define no hash (TypeError), so the handler's
    multiply runs; the display was built with the array's identity as its key (a false exact)."""
    path = _write(tmp_path, """\
        z = x + 1.0
        try:
            table = {x: 1}
        except TypeError:
            z = x * 2.0
    """)
    assert_exact_at(path, POINTS)


def test_stop_iteration_out_of_a_generator_body_is_a_runtime_error(tmp_path):
    """PEP 479: `raise StopIteration` in a generator's body reaches the consumer as
    RuntimeError; it was predicted to leave predict as StopIteration, past the handler."""
    path = _write(tmp_path, """\
        def rows():
            yield x[0] * 2.0
            raise StopIteration
        try:
            z = list(rows())[0]
        except RuntimeError:
            z = x + 1.0
    """)
    assert_exact_at(path, POINTS)


def test_sum_adds_the_items_a_generator_made_before_it_raised(tmp_path):
    """`sum(gen)` whose body raises after three items: sum adds (and flopscope bills) those
    three before the error reaches it. The error was raised before any add: the interval's
    upper end fell below the run."""
    path = _write(tmp_path, """\
        def rows():
            for i in range(5):
                if i == 3:
                    raise ValueError("stop")
                yield x[i] * 2.0
        try:
            z = sum(rows())
        except ValueError:
            z = x + 1.0
    """)
    assert_exact_at(path, POINTS)


def test_reduce_calls_its_function_on_the_items_before_the_generator_raised(tmp_path):
    """`functools.reduce(operator.add, gen)`: the adds of the items made before the body
    raised are billed before the error; they were dropped (a false exact)."""
    path = _write(tmp_path, """\
        import functools, operator
        def rows():
            for i in range(5):
                if i == 3:
                    raise ValueError("stop")
                yield x[i] * 2.0
        try:
            z = functools.reduce(operator.add, rows())
        except ValueError:
            z = x + 1.0
    """)
    assert_exact_at(path, POINTS)


def test_a_number_in_a_flopscope_array_bills_an_equal_and_an_any(tmp_path):
    """`0.5 in x` is numpy's `(x == 0.5).any()`: flopscope bills an `equal` and an `any` over
    every element (for a 0-d or numpy-scalar needle too); it was left unpriced."""
    path = _write(tmp_path, """\
        a = 0.5 in x
        b = x[0, 0] in x
        c = 3 in fnp.arange(x.shape[0])
        z = x * 2.0
    """)
    assert_exact_at(path, POINTS)


def test_a_bool_method_returning_an_array_raises_type_error(tmp_path):
    """`__bool__` returning `self.a.sum() > 0` hands Python a 0-d flopscope array, not a
    bool: TypeError, so the handler's matmul runs. It was taken for a value-dependent truth
    (both arms cost the same: a false exact)."""
    path = _write(tmp_path, """\
        class Gate:
            def __init__(self, a):
                self.a = a
            def __bool__(self):
                return self.a.sum() > 0
        try:
            z = x * 2.0 if Gate(x) else x + 1.0
        except TypeError:
            z = x @ x
    """)
    assert_exact_at(path, POINTS)


def test_any_of_a_list_of_arrays_asks_an_array_its_truth(tmp_path):
    """`any([x[0], x[1]])` asks bool(x[0]): numpy's ValueError, so the handler runs; it was
    taken for a value-dependent answer (the handler unpriced, a false exact)."""
    path = _write(tmp_path, """\
        z = x + 1.0
        try:
            hit = any([x[0], x[1]])
        except ValueError:
            z = x * 2.0
    """)
    assert_exact_at(path, POINTS)


def test_type_of_an_array_is_fnp_ndarray_and_the_same_class_each_time(tmp_path):
    """`fnp.ndarray` is flopscope's FlopscopeArray: `type(x) is fnp.ndarray`, `type(x) ==
    fnp.ndarray` and `type(x) is type(z)` hold for flopscope arrays, and a plain numpy array is
    no `fnp.ndarray`. Each `type()` made a new class reference, so `is` was always False, `==`
    value-dependent and isinstance of a numpy array True (false exacts)."""
    path = _write(tmp_path, """\
        import numpy as np
        z = x * 1.0
        if type(x) is type(z):
            z = z + 1.0
        if type(x) == fnp.ndarray and type(x) is fnp.ndarray:
            z = z * 2.0
        if isinstance(np.ones(3), fnp.ndarray):
            z = z @ x
    """)
    assert_exact_at(path, POINTS)


def test_math_fsum_of_zero_d_arrays_is_a_float_of_unknown_value(tmp_path):
    """`math.fsum([row sums])` takes each 0-d array's float() (unbilled) and returns a Python
    float; it was refused as a call that may change the program's objects, and the rest of
    predict went uncounted."""
    path = _write(tmp_path, """\
        import math
        total = math.fsum([x[i].sum() for i in range(3)])
        z = x * total
    """)
    assert_exact_at(path, POINTS)


def test_hsplit_vsplit_and_dsplit_are_splits_along_their_axes(tmp_path):
    """`hsplit`/`vsplit`/`dsplit` are `split` along axis 1 (0 for a vector), 0 and 2, recorded
    by flopscope at no cost; `vsplit` of a vector raises ValueError. They were left unpriced."""
    path = _write(tmp_path, """\
        left, right = fnp.hsplit(x, 2)
        top = fnp.vsplit(x, [1, 3])[2]
        halves = fnp.hsplit(x[0], 2)
        deep = fnp.dsplit(fnp.stack([x, x], axis=-1), 2)[1]
        z = x * left.sum() + right.sum() + top.sum() + halves[1].sum() + deep.sum()
        try:
            bad = fnp.vsplit(x[0], 2)
        except ValueError:
            z = z + 1.0
    """)
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("call", ["fnp.broadcast_to(x, (x.shape[0],))", "fnp.broadcast_to(x[:, :1], (2, 3))",
                                  "fnp.tile(x, -1)", "fnp.tile(x, (2, -1))"])
def test_broadcast_to_and_tile_refuse_what_numpy_refuses(tmp_path, call):
    """broadcast_to goes one way (the array's extents must be the target's or 1, and it may
    not lose dimensions) and tile takes no negative repetition: numpy raises ValueError, so the
    handler runs. The mutual broadcast check and the missing sign check priced the call and the
    matmul after it (false exacts)."""
    path = _write(tmp_path, """\
        z = x * 1.0
        try:
            r = CALL
            z = z @ x
        except ValueError:
            z = z + 2.0
    """.replace("CALL", call))
    assert_exact_at(path, POINTS)


def test_operator_functions_of_arrays_are_their_operators(tmp_path):
    """`operator.neg(x)` is `-x` and `operator.and_(m, n)` is `m & n`: flopscope bills the same
    ops. They were library calls of unknown charges (unpriced)."""
    path = _write(tmp_path, """\
        import operator
        m = x > 0
        k = operator.and_(m, operator.invert(m))
        z = operator.neg(x) + operator.pos(x) + k
    """)
    assert_exact_at(path, POINTS)


def test_tile_of_an_empty_array_by_a_negative_repetition_is_not_claimed_to_raise(tmp_path):
    """numpy tiles an empty vector by -1 into an empty vector (it raises only when the output
    has elements to place), so the analysis must not claim the ValueError: it is left unpriced,
    a lower bound of the run's count."""
    from oracle import measure

    from flopcast.analyzer import analyze

    path = _write(tmp_path, """\
        z = x * 1.0
        try:
            r = fnp.tile(x[:0, 0], -1)
            z = z @ x
        except ValueError:
            z = z + 2.0
    """)
    for point in POINTS:
        report = analyze(path, point)
        assert report.lower_bound and not report.raises
        assert report.total.lo <= measure(path, point).total
