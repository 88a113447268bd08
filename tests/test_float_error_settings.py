"""numpy's float error handling set to raise: any float op after it may raise FloatingPointError.

``np.seterr(over="raise")`` (or ``fnp.seterr``, flopscope exports numpy's own) holds for the rest
of the process, in predict or from the module's import; ``fnp.errstate(over="raise")`` holds in
its ``with`` body. Whether ``fnp.exp`` of the weights overflows depends on the values, so the run
may raise into a handler (or out of predict) after flopscope charged the op: the path ends there,
a lower bound at most the run's count. flopcast read ``np.seterr`` as an unknown plain numpy call
with no effect and claimed the no-raise path exact (1,344 where the run counts 1,216 at 8x2).
Quiet settings (``np.seterr(all="ignore")`` ... ``np.seterr(**old)``) change no count: exact.
Each case is checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINT = Point(8, 2, 10**6)

HEAD = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator
    {module}

    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = mlp.weights[0] * 200.0
    {body}
            return fnp.zeros((mlp.depth, mlp.width)) + z * 0
    """

CAUGHT = """\
try:
    y = fnp.exp(x)
    z = fnp.sum(y) + fnp.sum(y * y)
except FloatingPointError:
    z = fnp.sum(x)
"""


def _write(tmp_path, body: str, module: str = ""):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(HEAD).format(module=module, body=textwrap.indent(textwrap.dedent(body), " " * 8)))
    return path


@pytest.fixture(autouse=True)
def _restore_numpy_settings():
    """The programs set numpy's process-wide float error handling; the test process keeps its own."""
    saved = np.seterr()
    np.seterr(**saved)
    yield
    np.seterr(**saved)


CASES = {
    "seterr_in_predict": ("np.seterr(all='raise')\n" + CAUGHT, ""),
    "seterr_over_only": ("old = np.seterr(over='raise')\n" + CAUGHT, ""),
    "fnp_seterr": ("fnp.seterr(over='raise')\n" + CAUGHT, ""),
    "seterr_at_import": (CAUGHT, "np.seterr(over='raise')"),
    "errstate_made_outside_the_try": ("guard = fnp.errstate(over='raise')\n" + CAUGHT.replace(
        "    y = fnp.exp(x)", "    with guard:\n        y = fnp.exp(x)"), ""),
}


@pytest.mark.parametrize("body, module", CASES.values(), ids=CASES.keys())
def test_float_errors_set_to_raise_end_the_path_below_the_run(tmp_path, body, module):
    path = _write(tmp_path, body, module)
    report = analyze(path, POINT)
    runtime = measure(path, POINT).total
    assert report.unpriced, f"claimed {report.total} with float errors raising (run: {runtime:,})"
    assert not [u for u in report.unpriced if u.what == "internal error"], report.unpriced
    assert report.total.lo <= runtime, (report.total, runtime)


def test_quiet_settings_restored_from_what_seterr_returned_stay_exact(tmp_path):
    """``np.seterr`` hands back the settings it replaced: ``np.seterr(**old)`` restores them
    (was unpriced: an unknown mapping unpacked)."""
    path = _write(tmp_path, """\
        old = np.seterr(all='ignore')
        y = fnp.exp(x)
        z = fnp.sum(y) + fnp.sum(y * y)
        np.seterr(**old)
        """)
    assert_exact_at(path, (POINT, Point(16, 3, 10**6)))


def test_raise_set_and_restored_before_any_op_stays_exact(tmp_path):
    path = _write(tmp_path, """\
        old = np.seterr(over='raise', invalid='raise')
        settings = np.geterr()
        np.seterr(**old)
        y = fnp.exp(x)
        z = fnp.sum(y) + len(settings)
        """)
    assert_exact_at(path, (POINT,))


def test_quiet_errstate_entered_by_an_exit_stack_stays_exact(tmp_path):
    """``stack.enter_context(fnp.errstate(over="ignore"))`` changes no count (was unpriced, the
    cost after it not counted); ``with fnp.errstate(...) as got`` binds None, as numpy's
    ``__enter__`` returns; a quiet errstate as a decorator only runs the function."""
    path = _write(tmp_path, """\
        import contextlib

        @fnp.errstate(invalid="ignore")
        def grow(a):
            return fnp.exp(a) + 1.0

        with contextlib.ExitStack() as stack:
            stack.enter_context(fnp.errstate(over="ignore", under="ignore"))
            y = grow(x)
        with fnp.errstate(divide="ignore") as got:
            z = fnp.sum(y) + (fnp.sum(y * y) if got is None else fnp.sum(x))
        """)
    assert_exact_at(path, (POINT, Point(16, 3, 10**6)))


@pytest.mark.parametrize("enter", ["with guard:", "with contextlib.ExitStack() as stack:\n    stack.enter_context(guard)"])
def test_an_errstate_entered_a_second_time_raises_type_error(tmp_path, enter):
    """numpy sets an errstate's token once and never clears it: the second `with` of the same
    object raises TypeError (was exact, for a run that raises)."""
    path = _write(tmp_path, f"""\
        import contextlib

        guard = fnp.errstate(over="ignore")
        z = fnp.sum(x)
        for _ in range(2):
{textwrap.indent(enter, " " * 12)}
                z = z + fnp.sum(fnp.exp(x))
        """)
    report = analyze(path, POINT)
    assert [(r.what, r.every_path) for r in report.raises] == [("TypeError: Cannot enter `np.errstate` twice.", True)]
    with pytest.raises(TypeError, match="twice"):
        measure(path, POINT)
