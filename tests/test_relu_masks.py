"""A ReLU written as a masked write or a selection by the sign test ``h < 0``.

Of a never-negative ``h`` (a ReLU's output, signs.py) the test is False everywhere: the masked
write or the selection writes nothing, and the count is exact. Of a pre-activation (``x @ w``,
``+ b``) about half the elements are negative, as the data has them: the count is an interval
from none to every element, with no nominal number. flopcast presumed the selection empty in
both ("a unit fires"): an interval with a false nominal number of the pre-activation (the run
writes about half), and no exact count of the ReLU's output. Checked against the real flopscope
at two sizes.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_at, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.random.standard_normal((16, mlp.width)).astype(fnp.float32)
            b = fnp.full(mlp.width, 0.1, dtype=fnp.float32)
            rows = []
            for w in mlp.weights:
                h = {made}
                {relu}
                rows.append(fnp.mean(h, axis=0) + 0.0 * fnp.sum(picked))
                x = h
            return fnp.stack(rows)
    """

#: the ReLU's masked write or selection, each leaving ``picked`` (what it selected, or 0.0)
RELUS = {
    "copyto_where": "fnp.copyto(h, 0.0, where={test}); picked = 0.0",
    "selection": "picked = h[{test}]",
}

NEVER_NEGATIVE = {
    "maximum": "fnp.maximum(x @ w, 0.0)",
    "clip_of_a_shifted_product": "fnp.clip(x @ w + b, 0.0, None)",
}

PRE_ACTIVATIONS = {
    "product_plus_bias": "x @ w + b",
    "product_by_the_transpose_scaled": "(x @ w.T) * 0.5",
    "rows_of_a_product": "(x @ w)[:8]",
    "product_minus_a_bias_array": "x @ w - b",
}


def _program(folder, **fields):
    folder.mkdir(exist_ok=True)
    return write_program(folder, PROGRAM, **fields)


@pytest.mark.parametrize("made", NEVER_NEGATIVE.values(), ids=NEVER_NEGATIVE.keys())
@pytest.mark.parametrize("relu", RELUS.values(), ids=RELUS.keys())
@pytest.mark.parametrize("test", ["h < 0", "0 > h"])
def test_a_negative_test_of_a_never_negative_array_selects_nothing_exactly(tmp_path, made, relu, test):
    path = write_program(tmp_path, PROGRAM, made=made, relu=relu.format(test=test))
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("made", PRE_ACTIVATIONS.values(), ids=PRE_ACTIVATIONS.keys())
@pytest.mark.parametrize("relu", RELUS.values(), ids=RELUS.keys())
@pytest.mark.parametrize("test", ["h < 0", "h > 0"])
def test_a_sign_test_of_a_pre_activation_is_an_interval_with_no_nominal_number(tmp_path, made, relu, test):
    path = write_program(tmp_path, PROGRAM, made=made, relu=relu.format(test=test))
    none = _program(tmp_path / "none", made=made, relu=relu.format(test="h < -1e30"))
    every = _program(tmp_path / "every", made=made, relu=relu.format(test="h > -1e30"))
    for point in POINTS:
        report = analyze(path, point)
        run = measure(path, point).total
        assert report.nominal is None and not report.unpriced, (report.nominal, report.unpriced)
        assert (report.total.lo, report.total.hi) == (measure(none, point).total, measure(every, point).total)
        assert report.total.lo < run < report.total.hi


def test_the_three_spellings_of_a_relu_on_a_pre_activation_agree_with_the_run(tmp_path):
    """``fnp.where`` costs the same whatever the signs (exact); ``h[h < 0] = 0`` raises TypeError
    in flopscope before any write; the masked write is the interval above, with no nominal."""
    where = _program(tmp_path / "where", made="x @ w", relu="h = fnp.where(h < 0, 0, h); picked = 0.0")
    assert_exact_at(where, POINTS)
    setitem = _program(tmp_path / "setitem", made="x @ w", relu="h[h < 0] = 0; picked = 0.0")
    copyto = _program(tmp_path / "copyto", made="x @ w", relu=RELUS["copyto_where"].format(test="h < 0"))
    for point in POINTS:
        raised = analyze(setitem, point)
        assert [r.what.split(":")[0] for r in raised.raises] == ["TypeError"] and raised.raises[0].every_path
        with pytest.raises(TypeError, match="immutable"):
            measure(setitem, point)
        report = analyze(copyto, point)
        assert report.nominal is None and report.total.contains(measure(copyto, point).total)


VIEW_WRITES = {
    "copyto_into_a_row": "fnp.copyto(h[0], -1.0)",
    "copyto_into_a_reshape_slice": "fnp.copyto(h.reshape(-1)[:4], -1.0)",
    "out_into_a_transpose": "fnp.subtract(h.T[0], 5.0, out=h.T[0])",
}

SQRT_PROGRAM = """\
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            h = fnp.abs(mlp.weights[0])
            {write}
            try:
                out = fnp.zeros((mlp.depth, mlp.width)) + math.sqrt(float(fnp.min(h)))
            except ValueError:
                out = fnp.exp(fnp.zeros((mlp.depth, mlp.width)))
            return out
    """


@pytest.mark.parametrize("write", VIEW_WRITES.values(), ids=VIEW_WRITES.keys())
def test_a_negative_write_through_a_view_forgets_that_the_array_is_never_negative(tmp_path, write):
    """The view and the array share a buffer: ``h < 0`` then selects the written elements, and
    ``math.sqrt`` of the minimum raises (flopcast called both exact, the selection empty and the
    square root safe: signs.py's bounds outlived a write through a view)."""
    relu = _program(tmp_path / "relu", made="fnp.maximum(x @ w, 0.0)", relu=f"{write}; picked = h[h < 0]")
    root = _program(tmp_path / "sqrt", made="x", relu="picked = 0.0")
    root.write_text(textwrap.dedent(SQRT_PROGRAM.format(write=write)))
    for point in POINTS:
        for path in (relu, root):
            report, run = analyze(path, point), measure(path, point).total
            assert not report.total.exact and report.total.contains(run), (path.parent.name, report.total, run)


ANSWERED = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.random.standard_normal((16, mlp.width)).astype(fnp.float32)
            rows = []
            for w in mlp.weights:
                h = fnp.maximum(x @ w, 0.0)
                if {test}:
                    h = fnp.exp(h)
                rows.append(fnp.mean(h, axis=0))
                x = h
            return fnp.stack(rows)
    """


@pytest.mark.parametrize("test", ["fnp.any(h < 0)", "fnp.any(0 > h)", "fnp.all(h != -1)", "not fnp.all(h != -1)"])
def test_any_or_all_of_a_decided_sign_test_answers_the_branch_exactly(tmp_path, test):
    # Every element of a ReLU's output passes `h != -1` and none `h < 0` (a NaN neither): the whole
    # any()/all() of the mask is known, so the `if` is no site (it was one, presumed False).
    assert_exact_at(write_program(tmp_path, ANSWERED, test=test), POINTS)
