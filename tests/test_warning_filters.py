"""Warning filters the program installs decide whether its ``warnings.warn`` raises.

``warnings.simplefilter("error")`` in ``setup()`` ("fail loudly while tuning") turns every later
``warnings.warn`` into a raise of the warning; an ``except UserWarning:`` around it then runs
other work. flopcast read ``warnings.warn`` as free and silent, and claimed the no-raise path
exact (3,392 where the run counts 6,272 at 16x3). Filters are followed in order, newest first,
with their category and message pattern, and ``catch_warnings`` puts them back on leaving. Under
an "error" filter for RuntimeWarning, numpy's float warnings (an overflow in ``fnp.exp``) raise
too, depending on values: the path ends, a lower bound, as under ``np.seterr(all="raise")``.
Each case is checked against the real flopscope, at a width that warns and one that does not.
"""

from __future__ import annotations

import textwrap
import warnings

import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 10**6), Point(16, 3, 10**6))

HEAD = """\
    import warnings
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def setup(self, context):
    {setup}

        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            rows = []
            for W in mlp.weights:
                x = fnp.maximum(x @ W, 0.0)
    {body}
                rows.append(x)
            return fnp.stack(rows)
    """

CAUGHT = """\
try:
    if mlp.width > 8:
        warnings.warn(f"width {mlp.width}: refining")
    x = x * 2.0
except UserWarning:
    x = x @ W
"""


def _write(tmp_path, setup: str, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(HEAD).format(setup=textwrap.indent(setup, " " * 8),
                                                 body=textwrap.indent(textwrap.dedent(body), " " * 12)))
    return path


@pytest.fixture(autouse=True)
def _restore_warning_filters():
    """The programs change the process's warning filters; the test process keeps its own."""
    with warnings.catch_warnings():
        yield


CASES = {
    "simplefilter_in_setup": ('warnings.simplefilter("error", UserWarning)', CAUGHT),
    "filterwarnings_on_the_message": ('warnings.filterwarnings("error", message="WIDTH 1", category=UserWarning)',
                                      CAUGHT),
    "catch_warnings_in_predict": ("pass", "with warnings.catch_warnings():\n"
                                  "    warnings.simplefilter('error', UserWarning)\n"
                                  + textwrap.indent(CAUGHT, "    ")),
    "catch_warnings_action": ("pass", "with warnings.catch_warnings(action='error', category=UserWarning):\n"
                              + textwrap.indent(CAUGHT, "    ")),
}


@pytest.mark.parametrize("setup, body", CASES.values(), ids=CASES.keys())
def test_a_warning_under_an_error_filter_raises_into_its_handler(tmp_path, setup, body):
    assert_exact_at(_write(tmp_path, setup, body), POINTS)


def test_catch_warnings_puts_the_filters_back_on_leaving(tmp_path):
    inside = "with warnings.catch_warnings():\n    warnings.simplefilter('error', UserWarning)\n"
    body = inside + textwrap.indent(CAUGHT, "    ") + CAUGHT  # raises inside the `with` only
    assert_exact_at(_write(tmp_path, "pass", body), POINTS)


def test_numpy_float_warnings_under_an_error_filter_end_the_path_below_the_run(tmp_path):
    body = """\
try:
    y = fnp.exp(W * 200.0)
    x = x + fnp.sum(y * y)
except RuntimeWarning:
    x = x @ W
"""
    path = _write(tmp_path, 'warnings.simplefilter("error")', body)
    for point in POINTS:
        report = analyze(path, point)
        runtime = measure(path, point).total
        assert report.unpriced, f"claimed {report.total} while overflows raise (run: {runtime:,})"
        assert not [u for u in report.unpriced if u.what == "internal error"], report.unpriced
        assert report.total.lo <= runtime, (report.total, runtime)


def test_ops_that_only_make_or_move_data_never_raise_a_float_warning(tmp_path):
    # numpy's float warnings come from arithmetic and casts: a stack, concatenate, reshape, copy,
    # zeros or split under an "error" filter raises none whatever the values (each ended the path)
    body = """\
with warnings.catch_warnings():
    warnings.simplefilter("error")
    both = fnp.concatenate([fnp.copy(x), fnp.zeros(mlp.width)])
    x, _ = fnp.split(both, 2)
    x = fnp.reshape(fnp.stack([x]), (mlp.width,))
"""
    assert_exact_at(_write(tmp_path, "pass", body), POINTS)


ROUTED = """\
try:
    s = {expr}
except UserWarning:
    s = fnp.sqrt(x @ W)
x = x + s
"""


@pytest.mark.parametrize("expr", ["np.sqrt(x)", "np.sum(x)", "np.add.reduce(x)", "np.multiply.outer(x, x)[0]",
                                  "np.float64(2.0) * x"])
def test_numpy_on_a_flopscope_array_warns_before_it_is_routed(tmp_path, expr):
    """flopscope's numpy protocol warns (UserWarning) before routing np.<f> of its array to
    fnp.<f>: under an "error" filter the warning is raised and nothing is charged for np.<f>
    (flopcast billed the routed op: 656 where the run counts 1,136 at 8x2 for np.sqrt)."""
    path = _write(tmp_path, 'warnings.simplefilter("error", UserWarning)\nimport numpy as np',
                  ROUTED.format(expr=expr).replace("try:", "import numpy as np\ntry:", 1))
    assert_exact_at(path, POINTS)


def test_a_message_filter_picks_which_routed_call_raises(tmp_path):
    body = ROUTED.format(expr="np.sqrt(x) + np.sum(x)")
    path = _write(tmp_path, 'warnings.filterwarnings("error", message=r"np\\.sum\\(", category=UserWarning)', body)
    path.write_text("import numpy as np\n" + path.read_text())
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("expr", ["fnp.sum(C + W, axis=0)", "fnp.sum(C, axis=0)", "C[0] * 2.0"])
def test_symmetry_loss_under_an_error_filter_ends_the_path_below_the_run(tmp_path, expr):
    """flopscope warns SymmetryLossWarning (a UserWarning) after charging an op that drops a
    symmetric tensor's tag; under an "error" filter it raises there. Which ops warn is not
    modelled: the path ends, a lower bound (flopcast claimed 1,336 exact where the run counts
    3,256 at 8x2 for ``C + W``)."""
    body = f"""\
C = fnp.einsum("ij,ik->jk", W, W)
try:
    m = {expr}
except UserWarning:
    m = fnp.sum(C @ W, axis=0)
x = x + m
"""
    path = _write(tmp_path, 'warnings.simplefilter("error", UserWarning)', body)
    for point in POINTS:
        report = analyze(path, point)
        runtime = measure(path, point).total
        assert report.unpriced, f"claimed {report.total} while symmetry loss raises (run: {runtime:,})"
        assert report.total.lo <= runtime, (report.total, runtime)


@pytest.mark.parametrize("call", ["m = fnp.apply_along_axis(fnp.sum, 0, W)", "flops.configure(symmetry_warnings=True)"])
def test_flopscope_warnings_before_a_callback_op_or_after_configure_raise(tmp_path, call):
    """flopscope warns RemoteCallbackWarning as an op that runs a Python callback starts (its
    remote-unsupported ops) and ConfigureNoOpWarning after ``flops.configure(...)``; both are
    UserWarnings, raised under an "error" filter (flopcast: 7 exact for apply_along_axis where
    the run counts 2,048 at 8x2)."""
    body = f"""\
try:
    {call}
    x = x * 2.0
except UserWarning:
    x = x @ W
"""
    path = _write(tmp_path, 'warnings.simplefilter("error", UserWarning)', body)
    path.write_text("import flopscope as flops\n" + path.read_text())
    assert_exact_at(path, POINTS)


@pytest.mark.parametrize("category", ["flops.SymmetryLossWarning", "flops.FlopscopeWarning",
                                      "flopscope.errors.SymmetryLossWarning"])
def test_a_filter_on_flopscope_s_own_warning_class_is_followed(tmp_path, category):
    """A filter on a class of flopscope's own (``flops.SymmetryLossWarning``) is followed as a
    UserWarning filter is: where no operand is symmetric nothing warns (flopcast left the whole
    estimator a lower bound at the filter), where one is the path ends a lower bound."""
    body = """\
C = fnp.einsum("ij,ik->jk", W, W) if mlp.width > 8 else W
try:
    m = fnp.sum(C, axis=0)
except flops.SymmetryLossWarning:
    m = fnp.sum(C @ W, axis=0)
x = x + m
"""
    path = _write(tmp_path, f'warnings.simplefilter("error", {category})', body)
    path.write_text("import flopscope as flops\nimport flopscope.errors\n" + path.read_text())
    quiet, warns = POINTS  # width 8: no symmetric operand; width 16: C is symmetric
    assert_exact_at(path, (quiet,))
    report = analyze(path, warns)
    assert report.unpriced and report.total.lo <= measure(path, warns).total


def _float_silent_calls(fnp, x, v, index) -> dict:
    """One call of each op warning_filters.FLOAT_SILENT(_UNLESS_CAST) lists, on arrays holding inf,
    NaN, signed zeros, subnormals and numbers near the float64 limits."""
    return {
        "zeros": lambda: fnp.zeros(4), "ones": lambda: fnp.ones(4), "empty": lambda: fnp.empty(4),
        "zeros_like": lambda: fnp.zeros_like(x), "ones_like": lambda: fnp.ones_like(x),
        "empty_like": lambda: fnp.empty_like(x), "eye": lambda: fnp.eye(4), "identity": lambda: fnp.identity(4),
        "reshape": lambda: fnp.reshape(x, (2, 8)), "ravel": lambda: fnp.ravel(x), "transpose": lambda: fnp.transpose(x),
        "swapaxes": lambda: fnp.swapaxes(x, 0, 1), "moveaxis": lambda: fnp.moveaxis(x, 0, 1),
        "squeeze": lambda: fnp.squeeze(x[None]), "expand_dims": lambda: fnp.expand_dims(x, 0),
        "copy": lambda: fnp.copy(x), "broadcast_to": lambda: fnp.broadcast_to(v, (3, 4)),
        "atleast_1d": lambda: fnp.atleast_1d(v), "atleast_2d": lambda: fnp.atleast_2d(v),
        "atleast_3d": lambda: fnp.atleast_3d(v), "diag": lambda: fnp.diag(v), "diagonal": lambda: fnp.diagonal(x),
        "triu": lambda: fnp.triu(x), "tril": lambda: fnp.tril(x), "take": lambda: fnp.take(v, index),
        "repeat": lambda: fnp.repeat(v, 2), "tile": lambda: fnp.tile(v, 2), "flip": lambda: fnp.flip(x),
        "fliplr": lambda: fnp.fliplr(x), "flipud": lambda: fnp.flipud(x), "roll": lambda: fnp.roll(v, 1),
        "split": lambda: fnp.split(v, 2), "array_split": lambda: fnp.array_split(v, 3),
        "hsplit": lambda: fnp.hsplit(x, 2), "vsplit": lambda: fnp.vsplit(x, 2), "stack": lambda: fnp.stack([v, v]),
        "hstack": lambda: fnp.hstack([v, v]), "vstack": lambda: fnp.vstack([v, v]), "dstack": lambda: fnp.dstack([v, v]),
        "column_stack": lambda: fnp.column_stack([v, v]), "concatenate": lambda: fnp.concatenate([v, v]),
    }


def test_the_ops_taken_as_float_silent_raise_nothing_under_error_filters_in_the_real_flopscope():
    """warning_filters' table of ops that never warn, checked op by op against the installed
    flopscope under `simplefilter("error")` and `np.seterr(all="raise")`, on inf and NaN data."""
    import numpy as np
    import flopscope as flops
    import flopscope.numpy as fnp

    from flopcast.analyzer.warning_filters import FLOAT_SILENT, FLOAT_SILENT_UNLESS_CAST

    edges = np.array([[np.inf, np.nan, -np.inf, 1e308], [0.0, -0.0, 5e-324, -1e308]] * 2)
    calls = _float_silent_calls(fnp, fnp.asarray(edges), fnp.asarray(edges[0]), fnp.asarray(np.array([0, 2])))
    assert set(calls) == FLOAT_SILENT | FLOAT_SILENT_UNLESS_CAST, "every op of the table has a call here"
    with flops.BudgetContext(flop_budget=10**9, quiet=True):
        for name, call in calls.items():
            with warnings.catch_warnings(), np.errstate(all="raise"):
                warnings.simplefilter("error")
                call()  # raises (failing the test) where the op warns after all
