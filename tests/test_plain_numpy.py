"""Plain numpy in an estimator, checked against the installed flopscope and numpy.

A plain ``np.<name>`` call on a flopscope array follows flopscope's own protocol
implementation (billed as fnp, free, or a TypeError); numpy's own ndarrays compute for
free; fnp bills them. The op-level cases are in tests/ops/cases.py (PLAIN_NUMPY); here are
the protocol table, the fnp results that are plain ndarrays, and whole estimators.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from pathlib import Path

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.analyzer.plain_numpy import PLAIN_RESULT_OPS, protocol
from flopcast.model import Point

FIXTURES = Path(__file__).parent / "fixtures" / "plain_numpy"
POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]


@pytest.mark.parametrize("name, expected", [
    ("fill_diagonal", ("raises", "")),
    ("put_along_axis", ("raises", "")),
    ("zeros_like", ("raises", "")),
    ("asarray", ("converts", "")),
    ("array", ("converts", "")),
    ("asanyarray", ("same", "")),
    ("shape", ("free", "")),
    ("exp", ("routed", "exp")),
    ("abs", ("routed", "absolute")),
    ("sum", ("routed", "sum")),
    ("linalg.norm", ("routed", "linalg.norm")),
])
def test_numpy_protocol_is_read_from_flopscope(name, expected):
    assert protocol(name) == expected


def test_plain_result_ops_are_the_fnp_functions_that_return_plain_ndarrays():
    import numpy as np

    import flopscope as flops
    import flopscope.numpy as fnp

    warnings.filterwarnings("ignore")
    found = set()
    with flops.BudgetContext(flop_budget=10**12, quiet=True):
        x = fnp.ones((3, 4)) + fnp.arange(4.0)
        for name in dir(fnp):
            fn = getattr(fnp, name)
            if name.startswith("_") or isinstance(fn, type) or not callable(fn):
                continue
            for args in ((x,), (x, x)):
                try:
                    out = fn(*args)
                except Exception:  # noqa: BLE001 - not a function of these arguments
                    continue
                outs = out if isinstance(out, (tuple, list)) else (out,)
                if any(type(o) is np.ndarray for o in outs):
                    found.add(name)
                break
    assert found == PLAIN_RESULT_OPS


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_np_asarray_is_free_and_np_fill_diagonal_raises_into_the_handler(point):
    path = FIXTURES / "np_on_flopscope.py"
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_len_bills_nothing_whichever_arrays_it_counts_and_does_not_ask(point, monkeypatch):
    """len of numpy's arrays, of lists holding them and of a list grown in a loop's test is
    counted as flopscope counts it, without asking whether its argument holds numpy's arrays
    (the question walks every item of a list: a loop growing it by one was quadratic)."""
    from flopcast.analyzer import plain_numpy

    asked = []
    has_plain = plain_numpy.has_plain
    monkeypatch.setattr(plain_numpy, "has_plain", lambda values: asked.append(values) or has_plain(values))
    path = FIXTURES / "len_of_plain.py"
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert not any(len(v) == 1 and type(v[0]).__name__ == "ListVal" for v in asked)


def _runtime_raise(path: Path, point: Point):
    """The exception the real run raises in predict, and the estimator line it comes from."""
    try:
        measure(path, point)
    except Exception as exc:  # noqa: BLE001 - the exception is what is measured
        frames = [f for f in traceback.extract_tb(sys.exc_info()[2]) if f.filename == str(path)]
        return type(exc).__name__, frames[-1].lineno
    return None, None


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_an_uncaught_numpy_type_error_is_reported_as_the_raise_at_its_line(point):
    path = FIXTURES / "put_along_axis_uncaught.py"
    report = analyze(path, point)
    kind, line = _runtime_raise(path, point)
    assert kind == "TypeError"
    assert [(r.span.line, r.what.split(":")[0], r.every_path) for r in report.raises] == [(line, "TypeError", True)]
    assert "numpy.put_along_axis" in report.raises[0].what
    assert not report.unpriced


@pytest.mark.parametrize("use", [
    "outs = list(map(lambda a: fnp.exp(a) * 2.0, plains))",
    "outs = sorted(plains, key=lambda a: float(fnp.max(a)))",
    "outs = [next(iter(plains)).sum() + fnp.zeros(mlp.width)] * 4",
    "outs = [a + 1.0 for a in dict(zip('abcd', plains)).values()]",
])
@pytest.mark.parametrize("point", POINTS)
def test_builtins_that_hand_plain_arrays_to_the_programs_functions_bill_their_fnp_calls(use, point, tmp_path):
    # map and a key= run the program's fnp calls, which bill plain operands; iter, zip and
    # dict hand the same plain arrays over, whose own arithmetic stays free
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        plains = [np.ones(mlp.width) * (i + 1) for i in range(4)]
        {use}
        return fnp.stack(outs)[: mlp.depth]
""")
    assert_exact_match(analyze(path, point), measure(path, point), f" ({use})")


@pytest.mark.parametrize("order", ["i", "(7 - i) % 3", "(i + 1) % 3"])
@pytest.mark.parametrize("sort", ["sorted(fl, key=np.sum)", "sorted(fl, key=lambda a: fnp.max(a), reverse=True)",
                                  "sorted([fnp.sum(a) for a in fl])"])
def test_a_sort_keyed_by_flopscope_scalars_bills_the_comparisons_its_order_makes(order, sort, tmp_path):
    # flopscope bills each `<` the sort asks of two 0-d arrays; how many it asks depends on the
    # keys' order, so the report is an interval that holds every order's run
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        fl = [fnp.ones(mlp.width) * ({order}) for i in range(3)]
        o = {sort}
        return fnp.ones((mlp.depth, mlp.width)) * len(o)
""")
    point = POINTS[0]
    report, measured = analyze(path, point), measure(path, point)
    assert not report.unpriced and not report.total.exact
    assert report.total.lo <= measured.total <= report.total.hi


def test_a_sort_of_more_flopscope_keys_than_orders_followed_is_a_lower_bound(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text("""\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        fl = [fnp.ones(mlp.width) * i for i in range(5)]
        return fnp.stack(sorted(fl, key=np.sum))[: mlp.depth]
""")
    report = analyze(path, POINTS[0])
    assert [u.what for u in report.unpriced][:1] == ["sorted()"]
    assert report.total.lo < measure(path, POINTS[0]).total


@pytest.mark.parametrize("callback", [
    "lambda r: float(fnp.sum(fnp.exp(r)))",
    "lambda r: fnp.sum(fnp.exp(r))",  # numpy's zeros_like of a flopscope result: a TypeError
])
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_numpys_own_apply_along_axis_bills_the_fnp_calls_of_the_programs_callback(callback, point, tmp_path):
    # numpy's work on its own arrays is free, the callback is the program's: its fnp calls bill
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        a = np.ones((4, mlp.width)) * np.arange(mlp.width)
        try:
            o = np.apply_along_axis({callback}, 1, a)
        except TypeError:
            o = np.zeros(4)
        return fnp.ones((mlp.depth, mlp.width)) * fnp.asarray(o).sum()
""")
    assert_exact_match(analyze(path, point), measure(path, point))


@pytest.mark.parametrize("array", ["fnp.sum(h)", "np.asarray(fnp.sum(h))"])
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_round_with_ndigits_of_an_array_raises_as_round_without(array, point, tmp_path):
    # neither FlopscopeArray nor numpy.ndarray defines __round__, whatever the arguments
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width) @ mlp.weights[0]
        try:
            s = round({array}, 2)
        except TypeError:
            s = float(fnp.max(fnp.exp(h)))
        return fnp.ones((mlp.depth, mlp.width)) * s
""")
    assert_exact_match(analyze(path, point), measure(path, point))


@pytest.mark.parametrize("test", ["fnp.max(h) in [0.0, 1.0]", "fnp.max(h) not in (0.0, 1.0)",
                                  "3.0 in [fnp.max(h), fnp.min(h)]"])
def test_membership_among_flopscope_arrays_is_a_lower_bound(test, tmp_path):
    # Python asks `item == x` until one holds and flopscope bills each comparison: how many
    # it asks depends on the values, so the test is not priced (it was a free, exact one)
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width) @ mlp.weights[0]
        k = 1.0 if {test} else 2.0
        return fnp.ones((mlp.depth, mlp.width)) * k
""")
    report = analyze(path, POINTS[0])
    assert [u.what for u in report.unpriced] == ["membership test"]
    assert report.total.lo < measure(path, POINTS[0]).total


@pytest.mark.parametrize("test", ["0.5 in h", "0.5 not in h"])
def test_a_number_in_a_flopscope_array_bills_an_equal_and_an_any(test, tmp_path):
    # `x in array` is numpy's `(array == x).any()`, billed through flopscope's ufuncs: an
    # `equal` and an `any` over every element; which branch follows depends on the values
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width) @ mlp.weights[0]
        k = 1.0 if {test} else 2.0
        return fnp.ones((mlp.depth, mlp.width)) * k
""")
    report = analyze(path, POINTS[0])
    assert not report.unpriced, report.unpriced
    assert report.total.contains(measure(path, POINTS[0]).total), report.total


@pytest.mark.parametrize("call", [
    "np.add.reduce(w) + np.add.reduce(w, 1) + np.maximum.reduce(w, axis=1) + np.minimum.reduce(w, 0, None, None, True)[0]",
    "np.add.accumulate(w[0]) + np.multiply.accumulate(w * 0.5, 1)[1]",
    "np.multiply.reduce(fnp.eye(w.shape[0]) + 1.0, keepdims=True)[0] + float(np.add.reduce(w, axis=None))",
    "w[0] * float(np.logical_and.reduce(w > -10.0, None, bool)) + float(np.logical_or.reduce(w > 0.0, axis=(0, 1)))",
])
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_ufunc_reduce_and_accumulate_on_a_flopscope_array_bill_the_fnp_function_they_run(call, point, tmp_path):
    """flopscope's array hands np.add.reduce (multiply, maximum, minimum, logical_and, logical_or)
    to fnp.sum (prod, max, min, all, any) with numpy's axis=0, and np.add.accumulate (multiply) to
    fnp.cumsum (cumprod); they were unpriced, a lower bound."""
    path = tmp_path / "estimator.py"
    path.write_text(f"""\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        r = {call}
        return fnp.ones((mlp.depth, mlp.width)) * r
""")
    report = analyze(path, point)
    assert report.exact and not report.unpriced, report.unpriced
    assert_exact_match(report, measure(path, point))
