"""A test on the size of a selection (``if idx.size == 0:``) depends on values.

A selection's size (nonzero, unique, a boolean mask, setdiff1d) is analysed at the ends of
its range; a run usually stops between them, where a test of the size can go the other way
than at either end (a fallback for "nothing selected" is dearer than a small selection and
cheaper than a full one). So the selection is also analysed at the counts where a test of its
size changes its answer, also when the size went through arithmetic first
(``k = idx.size - 1; if k > 0:``, ``min(len(idx), 8)``), and the interval contains the run's
count. The real flopscope runs each program (seed 0: ``w[0] > 0.2`` keeps a few units).
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = [Point(8, 2, 10**6), Point(16, 2, 10**6)]

TESTS = {
    "shape_equals_zero": ("idx = fnp.nonzero(w[0] > 0.2)[0]", "idx.shape[0] == 0", "w[:, idx]"),
    "len_is_zero": ("idx = fnp.flatnonzero(w[0] > 0.2)", "len(idx) == 0", "w[:, idx]"),
    "not_size": ("idx = fnp.where(w[0] > 0.2)[0]", "not idx.size", "w[:, idx]"),
    "mask_rows_below_two": ("sel = w[w[:, 0] > 0.2]", "sel.shape[0] < 2", "sel"),
    "unique_count": ("u = fnp.unique(fnp.floor(w[0] * 2.0))", "u.size <= 1", "fnp.outer(u, u)"),
    # the size goes through arithmetic before the test
    "size_minus_one": ("idx = fnp.nonzero(w[0] > 0.2)[0]; k = idx.size - 1", "not k > 0", "w[:, idx]"),
    "half_the_count": ("idx = fnp.flatnonzero(w[0] > 0.2); n_act = len(idx) // 2", "n_act < 1", "w[:, idx]"),
    "clamped_count": ("idx = fnp.flatnonzero(w[0] > 0.2); m = min(len(idx), 2)", "m != 2", "w[:, idx[:m]]"),
    "fraction_kept": ("sel = w[w[:, 0] > 0.2]; frac = float(sel.shape[0]) / w.shape[0]", "frac < 0.2", "sel"),
    "count_of_rows_times_width": ("sel = w[w[:, 0] > 0.2]", "sel.size - 2 * w.shape[1] < 0", "sel"),
    "truth_of_a_difference": ("idx = fnp.flatnonzero(w[0] > 0.2)", "not (len(idx) - 1)", "w[:, idx]"),
    "math_ceil_of_a_share": ("idx = fnp.flatnonzero(w[0] > 0.2); q = math.ceil(len(idx) / 3)", "q <= 1",
                             "w[:, idx]"),
}


def _program(select: str, test: str, use: str) -> str:
    return textwrap.dedent(f"""\
        import math

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                {select}
                if {test}:
                    s = fnp.sum(w @ w @ w)       # the fallback when little or nothing is selected
                else:
                    s = fnp.sum(fnp.exp({use}))
                return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + s
        """)


@pytest.mark.parametrize("name", sorted(TESTS))
def test_a_test_of_a_selections_size_is_a_value_dependent_site(tmp_path, name):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*TESTS[name]))
    for point in POINTS:
        report = analyze(path, point)
        runtime = measure(path, point).total
        assert not report.unpriced, report.unpriced
        site = [u.reason for u in report.uncertain if u.span.line == 10]
        assert site and "test of its size at line 11" in site[0], [(u.span.line, u.reason) for u in report.uncertain]
        assert report.total.contains(runtime), (name, point, report.total, runtime)


LOOPS = {
    # a while loop over the selection: its exit counts iterations, as range(len(idx)) does
    "while_over_the_selection": """\
        i = 0
        s = fnp.zeros(())
        while i < len(idx):
            s = s + fnp.sum(w[:, idx[i]])
            i += 1""",
    # a loop capped by a constant that stops when the selection runs out, with a dear exit
    "for_with_a_break_on_the_size": """\
        s = fnp.zeros(())
        for t in range(12):
            if t >= len(idx):
                s = s + fnp.sum(w @ w)
                break
            s = s + fnp.sum(w[:, idx[t]])""",
    # a threshold on half the count, tested again in every layer
    "half_the_count_in_every_layer": """\
        s = fnp.zeros(())
        for layer in mlp.weights:
            n_act = len(idx) // 2
            if n_act >= 2:
                s = s + fnp.sum(layer[:, idx[:n_act]])
            else:
                s = s + fnp.sum(layer @ layer)""",
}


def _loop_program(body: str) -> str:
    return textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                idx = fnp.nonzero(w[0] > 0.2)[0]
        {body}
                return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + s
        """).format(body=textwrap.indent(textwrap.dedent(body), " " * 8))


@pytest.mark.parametrize("name", sorted(LOOPS))
def test_tests_of_a_selections_size_inside_loops_keep_the_run_inside_the_interval(tmp_path, name):
    path = tmp_path / "estimator.py"
    path.write_text(_loop_program(LOOPS[name]))
    for point in (Point(8, 2, 10**6), Point(8, 3, 10**6)):
        report = analyze(path, point)
        for seed in (0, 1):
            runtime = measure(path, point, seed=seed).total
            assert not report.unpriced, report.unpriced
            assert not report.raises, report.raises
            assert report.total.contains(runtime), (name, point, seed, report.total, runtime)


def test_a_size_tested_at_more_counts_than_analysed_leaves_an_honest_lower_bound(tmp_path):
    # at width 32 the break can come after any of 32 counts: more stretches than are analysed
    path = tmp_path / "estimator.py"
    path.write_text(_loop_program(LOOPS["for_with_a_break_on_the_size"].replace("range(12)", "range(40)")))
    point = Point(32, 2, 10**6)
    report = analyze(path, point)
    assert [u.span.line for u in report.unpriced] == [11], report.unpriced
    assert report.total.lo <= measure(path, point).total


GROWING = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        wts = fnp.ones(1)
        rows = []
        for w in mlp.weights:
            wts = fnp.concatenate([wts, wts * 0.5, wts * 0.25])
            idx = fnp.nonzero(wts >= {threshold} * float(fnp.abs(w[0, 0])))[0]
            if idx.shape[0] == 0:
                wts = fnp.ones(1)
            else:
                wts = wts[idx]
            rows.append(fnp.zeros(mlp.width) + fnp.sum(wts))
        return fnp.stack(rows)
'''


@pytest.mark.parametrize("threshold", ["0.001", "1e9"])  # every weight kept at every layer; none ever
def test_a_selection_from_a_growing_array_keeps_its_policy_at_every_layer(tmp_path, threshold):
    """The array the selection is made from grows threefold per layer: the option "every element
    kept" is 3 elements at the first layer and 9 at the second, not 3 again (the interval missed
    the run that prunes nothing, 780 against [218, 366] at 8x3)."""
    path = tmp_path / "estimator.py"
    path.write_text(GROWING.format(threshold=threshold))
    for point in (Point(8, 3, 10**6), Point(16, 4, 10**6)):
        total = analyze(str(path), point).total
        assert total.lo <= measure(path, point).total <= total.hi, point


def test_the_counts_where_a_size_test_turns_are_kept_apart_for_equal_numbers_of_other_types():
    """The breakpoints are remembered per question (a recursion asks the same thousands of
    times); ``2 ** k`` and ``2.0 ** k`` are equal keys that turn at other counts (the float one
    overflows at 1024), so each is worked out for its own type, whichever is asked first."""
    from flopcast.analyzer.sizetests import breakpoints
    from flopcast.analyzer.values import CountKnown, Known

    def size(base):
        return CountKnown(base ** 1000, None, None, "site", 1000, 1100, (("Pow", (base,), ()),))

    for order in ((2, 2.0), (2.0, 2)):
        found = {type(base): breakpoints("Gt", size(base), Known(0)) for base in order}
        assert found == {int: (), float: (1024,)}
