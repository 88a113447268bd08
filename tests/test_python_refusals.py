"""What Python refuses of known numbers, text and containers is the program's error.

``range(n / 2)``, ``len(5)``, ``divmod(k, 0)``, ``pow(2, -1, 0)``, ``"a" * 1.5``, ``1 << -1``,
``"%d" % "x"``, ``xs[::0]``, ``hash([1])``, ``dict([(1, 2, 3)])``, ``itertools.islice(gen, 0.5)``
raise in Python; an `except` then takes over. flopcast went on past some of them as if they
had worked (a false exact: the handler's cheaper path never taken), took others for an op it
does not model (a "lower bound" above the run's count), and some were internal errors. Each is
checked against the real run, in a try whose handler costs otherwise.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

PROGRAM = """\
    import collections
    import itertools
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def gen(n):
        for i in range(n):
            yield fnp.ones(4) * i


    def first(a, /, b=1):
        return a


    class Bare:
        pass


    class Child:
        def __init__(self, n):
            super().__init__(n)


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = mlp.width
            k = 2
            try:
                r = {expr}
            except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                k = 1
            x = fnp.ones(mlp.width)
            for _ in range(k):
                x = x @ mlp.weights[0]
            return fnp.stack([x] * mlp.depth)
    """

REFUSED = {
    "range_of_a_float": "list(range(n / 2))",
    "len_of_a_number": "len(n)",
    "divmod_by_zero": "divmod(n, 0)",
    "pow_modulo_zero": "pow(2, -1, 0)",
    "text_times_a_float": "'a' * 1.5",
    "negative_shift": "n << -1",
    "percent_d_of_text": "'%d' % 'x'",
    "sum_starting_at_text": "sum([n], start='a')",
    "slice_step_zero": "[1, 2][::0]",
    "hash_of_a_list": "hash([n])",
    "dict_of_triples": "dict([(1, 2, 3)])",
    "islice_of_a_generator_by_a_float": "list(itertools.islice(gen(n), 0.5))",
    "round_to_float_digits": "round(1.5, 0.5)",
    "isinstance_of_a_number": "isinstance(n, 5)",
    "count_by_text": "list(itertools.count(0, 'a'))",
    # arguments Python cannot bind, whatever their values (signatures read from Python itself)
    "sorted_reversed_keyword": "sorted([n, 1], reversed=True)",
    "enumerate_begin_keyword": "list(enumerate([n], begin=1))",
    "dict_get_default_keyword": "{1: n}.get(1, default=0)",
    "list_sort_reversed_keyword": "[n, 1].sort(reversed=True)",
    "math_sqrt_by_keyword": "math.sqrt(x=n)",
    "abs_by_keyword": "abs(x=n)",
    "isinstance_of_three": "isinstance(n, int, float)",
    "list_of_two": "list([n], 2)",
    "round_digits_keyword": "round(2.5, digits=1)",
    # the user's own: a positional-only parameter by keyword, object's __init__ given arguments
    "positional_only_by_keyword": "first(a=n)",
    "object_init_given_arguments": "Bare(n)",
    "super_init_to_object_given_arguments": "Child(n)",
    # builtins Python gives no signature: their keywords are Python 3.11's
    "max_unknown_keyword": "max([n, 1], axis=0)",
    "int_base_misspelt": "int('5', bas=10)",
    "map_with_a_keyword": "list(map(abs, [n], strict=True))",
    # deque's C constructor states no signature: its keywords and count checked by hand
    "deque_unknown_keyword": "collections.deque([n], bogus=1)",
    "deque_of_three": "collections.deque([n], 2, 3)",
    "deque_iterable_twice": "collections.deque([n], iterable=[1])",
}


@pytest.mark.parametrize("expr", REFUSED.values(), ids=REFUSED.keys())
def test_pythons_refusal_takes_the_handler(tmp_path, expr):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(expr=expr)))
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("expr", ["bytes(-1)", "memoryview(n)"])
def test_an_op_flopcast_does_not_follow_inside_a_try_ends_the_path_below_the_run(tmp_path, expr):
    """It may raise into the handler (these do): going on as if it had not put the "lower bound"
    above the run's count."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM.format(expr=expr)))
    point = POINTS[0]
    report = analyze(path, point)
    assert report.lower_bound or not report.exact
    assert report.total.lo <= measure(path, point).total
