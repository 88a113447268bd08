"""Calls whose arguments are known to make Python or numpy raise are taken as raising.

Each was claimed exact while the run raised (a false exact: the handler's work, or the
exception itself, missed): an index array holding an index known to lie out of the axis (a
list of known ints through ``ix_``, an ``fnp.full`` of one), a ``choice`` whose known ``p=``
numpy refuses, an iteration of a number or of an object whose classes define no
``__iter__``/``__getitem__`` (an unknown value before, so nothing raised). The program catches
the exception and does other work in its handler, so a missed raise shows in the count. Each
case is checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import functools
    import itertools

    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    class Plain:
        pass


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            n = mlp.width
            z = fnp.zeros((mlp.depth, mlp.width))
            try:
                got = {expr}
                extra = 1.0
            except (TypeError, IndexError, ValueError):
                extra = (w @ w)[0]
            return z + extra
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))  # each exact claim checked at two sizes

RAISING = {
    # IndexError: index n is out of bounds for axis 0 (nothing charged by the getitem)
    "ix_mesh_of_known_ints_out_of_the_axis": "w[fnp.ix_([0, n], [1])]",
    "ix_mesh_of_known_negative_int_out_of_the_axis": "w[fnp.ix_([1], [-n - 1, 0])]",
    "full_index_array_out_of_the_axis": "w[fnp.full((3,), n + 2)]",
    "take_along_axis_of_a_full_out_of_the_axis": "fnp.take_along_axis(w, fnp.full((n, 1), n + 3, dtype=int), axis=1)",
    "take_along_axis_flat_of_a_full_out_of_range": "fnp.take_along_axis(w[0], fnp.full((2,), -n - 1), axis=0)",
    "take_of_an_arange_past_the_axis": "fnp.take(w, fnp.arange(n + 1), axis=0)",
    "arange_shifted_past_the_axis": "w[fnp.arange(n).astype(fnp.int32) + 1]",
    # plain numpy's index arrays keep what is known of their values
    "plain_ix_mesh_of_known_ints_out_of_the_axis": "w[np.ix_([0, n], [1])]",
    "plain_array_of_known_ints_out_of_the_axis": "w[np.array([0, n])]",
    "plain_full_out_of_the_axis": "w[np.full(2, n)]",
    # numpy's repeat refuses a negative repetition before flopscope bills the tile
    "tile_by_a_negative_repetition": "fnp.tile(w, (2, -1))",
    # numpy refuses p before flopscope bills the Generator's draw
    "choice_with_a_negative_probability": "fnp.random.default_rng(0).choice(3, p=[.5, .6, -.1])",
    "choice_with_probabilities_off_one": "fnp.random.default_rng(0).choice(3, p=[.5, .6, .1])",
    "choice_without_replacement_of_too_few_nonzero": "fnp.random.default_rng(0).choice(3, size=2, replace=False, p=[1.0, 0.0, 0.0])",
    # the legacy global draw is billed first, then numpy refuses p
    "legacy_choice_with_a_nan_probability": "fnp.random.choice(3, p=[.5, .5, float('nan')])",
    # TypeError: 'int' object is not iterable, at the call or when the items are reached
    "chain_of_ints_when_listed": "list(itertools.chain(1, 2))",
    "chain_reaching_an_int_after_a_list": "list(itertools.chain([1, 2], 3))",
    "chain_from_iterable_of_ints": "list(itertools.chain.from_iterable([[1], 2]))",
    "starmap_of_ints": "list(itertools.starmap(max, [(1, 2), 3]))",
    "product_of_an_int": "itertools.product(3)",
    "islice_of_none": "itertools.islice(None, 2)",
    "chain_of_a_numpy_scalar": "list(itertools.chain([1], fnp.float64(2.0)))",
    "max_of_an_int": "max(3)",
    "set_of_an_int": "set(3)",
    "zip_of_an_int": "list(zip(1, [2]))",
    "enumerate_of_an_int": "list(enumerate(3))",
    "reversed_of_an_int": "list(reversed(3))",
    "list_of_a_plain_object": "list(Plain())",
    "sorted_of_a_plain_object": "sorted(Plain())",
    "zip_of_a_plain_object": "list(zip(Plain(), [1]))",
    "comprehension_over_a_plain_object": "[x for x in Plain()]",
    "map_over_a_plain_object": "list(map(str, Plain()))",
    # TypeError: object of type ... has no len() / enumerate's start is no integer
    "len_of_a_plain_object": "len(Plain())",
    "len_of_an_int": "len(3)",
    "len_of_a_numpy_scalar": "len(fnp.float64(1.0))",
    "enumerate_from_a_float": "list(enumerate([1], start=1.5))",
    # TypeError: no iterator / no container / not callable
    "next_of_a_plain_object": "next(Plain())",
    "next_of_a_list": "next([1, 2])",
    "membership_in_a_plain_object": "3 in Plain()",
    "a_call_of_an_array": "w(3)",
    "a_call_of_a_numpy_scalar": "fnp.float64(1.0)(2)",
    "keywords_unpacked_from_a_dict_of_ints": "dict(zip([1], [2]), **{1: 2})",
    "a_keyword_given_twice_through_an_unpacked_dict": "dict(**{'a': 1}, a=2)",
    # TypeError: reduce takes 2 or 3 positional arguments (was an internal error: a mutant of
    # dispatch_plans.py)
    "reduce_of_a_function_alone": "functools.reduce(max)",
    "reduce_with_four_arguments": "functools.reduce(max, [1], 0, 3)",
    # TypeError: bad operand type for unary -/+/~ (flopcast gave the operand back: a mutant of
    # calib_mix whose `@property` was typed `-property` loaded and was priced)
    "unary_minus_of_a_builtin_type": "-property",
    "unary_plus_of_a_builtin_function": "+len",
    "unary_minus_of_a_class": "-Plain",
    "unary_minus_of_a_lambda": "-(lambda: 1)",
    "invert_of_a_list": "~[1, 2]",
    "unary_minus_of_a_tuple": "-(1, 2)",
    "unary_plus_of_a_dict": "+{'a': 1}",
    "unary_minus_of_a_text": "-'a'",
}

NOT_RAISING = {
    "ix_mesh_of_known_ints_in_the_axis": "w[fnp.ix_([0, n - 1], [-n])]",
    "full_index_array_of_a_negative_in_range": "w[fnp.full((3,), -n)]",
    "index_array_out_of_the_axis_broadcast_to_nothing": "w[fnp.full((2, 1), n + 5), fnp.zeros((0,), dtype=int)]",
    "arange_shifted_within_the_axis": "w[fnp.arange(n - 1) + 1]",
    "take_along_axis_of_a_full_in_range": "fnp.take_along_axis(w, fnp.full((n, 1), n - 1, dtype=int), axis=1)",
    "choice_with_valid_known_probabilities": "fnp.random.default_rng(0).choice(3, p=[.5, .5, 0.0])",
    "legacy_choice_with_valid_known_probabilities": "fnp.random.choice(3, p=[.25, .25, .5])",
    "chain_of_lists": "list(itertools.chain([1, 2], [3]))",
    "keywords_unpacked_from_a_dict_of_text": "dict(b=0, **{'a': 1})",
    "chain_of_ints_never_listed": "itertools.chain(1, 2)",
    "chain_from_iterable_of_ints_never_listed": "itertools.chain.from_iterable([[1], 2])",
}


def _check(tmp_path, expr: str) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(expr=expr)))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.raises and not report.unpriced, (report.raises, report.unpriced)
        assert_exact_match(report, measure(path, point))


@pytest.mark.parametrize("expr", RAISING.values(), ids=RAISING.keys())
def test_a_call_known_to_raise_goes_to_the_handler(tmp_path, expr):
    _check(tmp_path, expr)


def test_a_decorator_typed_as_a_unary_minus_stops_the_module_loading(tmp_path):
    """`-property` above a method is an expression statement of the class body: Python raises
    there, so whestbench cannot load the file (flopcast priced predict, exact)."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(expr="1.0")).replace(
        "class Plain:\n    pass", "class Plain:\n    -property\n\n    def cost(self):\n        return 1"))
    report = analyze(path, POINTS[0])
    assert [(r.what, r.at_load, r.span.line) for r in report.raises] == [
        ("TypeError: bad operand type for unary -: 'type'", True, 10)]
    with pytest.raises(TypeError, match="bad operand type for unary -"):
        measure(path, POINTS[0])


@pytest.mark.parametrize("expr", NOT_RAISING.values(), ids=NOT_RAISING.keys())
def test_a_call_known_not_to_raise_does_not(tmp_path, expr):
    _check(tmp_path, expr)


@pytest.mark.parametrize("expr, shape", [("fnp.tri(-2)", "(0, 0)"), ("fnp.tri(3, -2)", "(3, 0)"),
                                         ("fnp.tri(-1, 4, dtype=fnp.float32)", "(0, 4)")])
def test_tri_of_a_negative_side_is_empty_and_costs_nothing(tmp_path, expr, shape):
    """numpy makes a negative N or M of ``tri`` an empty side, and flopscope bills the output's
    size, 0 for an empty one (flopcast billed N·M floored at 1 and made a negative extent)."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(f"""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                t = {expr}
                assert t.shape == {shape}
                return fnp.zeros((mlp.depth, mlp.width)) + 1.0 + t.sum()
        """))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises, report.raises
        assert_exact_match(report, measure(path, point))


def test_a_predicate_takes_its_array_by_keyword(tmp_path):
    """``fnp.isfinite(x=w)``: flopscope's signature is ``(x, **kwargs)``, so the array may come
    by keyword (flopcast read the first positional and failed with an internal error)."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                m = fnp.isfinite(x=mlp.weights[0])
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(m)
        """))
    for point in POINTS:
        report = analyze(path, point)
        assert not report.raises and not report.unpriced, (report.raises, report.unpriced)
        assert_exact_match(report, measure(path, point))


INPLACE = {
    # numpy's in-place op changes the values: `idx -= 1` brings [0, n] back into the axis, for
    # every name over that buffer
    "index_array_moved_back_in_place": ("idx = np.array([0, n])\n        view = idx\n        idx -= 1", "w[view]"),
    # a 0-d plain array's known value after `a += 2` (the loop ran 3 times, not 5)
    "zero_d_value_after_an_in_place_add": ("a = np.asarray(3)\n        a += 2", "[w + 1.0 for _ in range(int(a))]"),
}


@pytest.mark.parametrize("setup, expr", INPLACE.values(), ids=INPLACE.keys())
def test_what_is_known_of_a_plain_array_follows_its_in_place_ops(tmp_path, setup, expr):
    """numpy's ``x op= y`` on a plain ndarray writes its buffer: what flopcast knew of its values
    (a 0-d value, the bounds of an index array) must follow (the 0-d value stayed 3: a false
    exact of the loop it sized)."""
    path = tmp_path / "estimator.py"
    program = PROGRAM.replace("            try:\n", "            " + setup.replace("\n        ", "\n            ") + "\n            try:\n")
    path.write_text(textwrap.dedent(program.format(expr=expr)))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.raises and not report.unpriced, (report.raises, report.unpriced)
        assert_exact_match(report, measure(path, point))
