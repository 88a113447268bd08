"""A `with` whose manager may swallow an exception is a handler around its body.

``with Stage():`` (a user ``__exit__`` returning True for a LinAlgError),
``with contextlib.suppress(np.linalg.LinAlgError):``, a ``@contextmanager`` whose ``yield`` is
inside ``try``/``except`` and ``contextlib.ExitStack`` all catch what the body raises, as a
``try`` does. An op whether it raises depends on the values (a Cholesky of a matrix that is not
positive definite) was presumed not to raise there, as outside any ``try``: the work after it in
the body was counted although the run skipped it (a false exact, or a "lower bound" above the
run). Each case is checked against the real flopscope, on a matrix whose Cholesky fails.
"""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

HEAD = """\
    import contextlib
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Stage:
        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None:
                return False
            return issubclass(exc_type, np.linalg.LinAlgError)


    @contextlib.contextmanager
    def guarded():
        try:
            yield
        except np.linalg.LinAlgError:
            pass


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            p = -(w.T @ w)
            out = fnp.zeros((mlp.width, mlp.width))
            with {manager}:{enter}
                c = fnp.linalg.cholesky(p)
                out = c @ c
            return fnp.stack([out[0]] * mlp.depth)
    """
POINT = Point(8, 1, 2**41)

MANAGERS = {
    "user_exit_returns_true": ("Stage()", ""),
    "contextlib_suppress": ("contextlib.suppress(np.linalg.LinAlgError)", ""),
    "contextmanager_with_except": ("guarded()", ""),
    "exit_stack_of_suppress": ("contextlib.ExitStack() as es",
                               "\n            es.enter_context(contextlib.suppress(np.linalg.LinAlgError))"),
}


@pytest.mark.parametrize("manager, enter", MANAGERS.values(), ids=MANAGERS.keys())
def test_a_swallowing_with_makes_a_value_dependent_raise_a_site(tmp_path, manager, enter):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(HEAD).format(manager=manager, enter=enter))
    report = analyze(path, POINT)
    counted = measure(path, POINT).total
    assert not report.total.exact or report.lower_bound
    assert report.total.lo <= counted
    if not report.lower_bound:  # (the generator's except and the ExitStack's suppress are unpriced)
        assert not report.raises, report.raises
        assert report.total.contains(counted), (report.total, counted)


@pytest.mark.parametrize("manager", ["Stage()", "contextlib.suppress(np.linalg.LinAlgError)"])
def test_the_swallowed_path_is_priced(tmp_path, manager):
    """A user ``__exit__`` handed numpy's LinAlgError class answers issubclass() exactly, and a
    suppress matches it: the path where the Cholesky failed is priced, not a lower bound."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(HEAD).format(manager=manager, enter=""))
    report = analyze(path, POINT)
    counted = measure(path, POINT).total
    assert not report.lower_bound, report.unpriced
    assert report.total.contains(counted) and report.total.lo == counted, (report.total, counted)


@pytest.mark.parametrize("point", [POINT, Point(8, 2, 2**41), Point(16, 3, 2**41)],
                         ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("compare", ["is", "=="])
@pytest.mark.parametrize("names", ["np.linalg.LinAlgError", "LinAlgError"])
def test_an_exit_naming_the_class_by_identity_swallows_it(tmp_path, names, compare, point):
    """``return exc_type is np.linalg.LinAlgError`` (or ``==``: a class equals only itself; or
    the class imported from numpy.linalg) is true for the class an op raised: the same class.
    Taken as false, the LinAlgError left predict on the analysis' path while the run went on (the
    interval below the run); ``==`` left unanswered, the total was a lower bound."""
    head = HEAD.replace("return issubclass(exc_type, np.linalg.LinAlgError)", f"return exc_type {compare} {names}")
    head = head.replace("import numpy as np", "import numpy as np\n    from numpy.linalg import LinAlgError")
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(head).format(manager="Stage()", enter=""))
    report = analyze(path, point)
    counted = measure(path, point).total
    assert not report.raises and not report.lower_bound, (report.raises, report.unpriced)
    assert report.total.contains(counted) and report.total.lo == counted, (report.total, counted)


ONE_CLASS_SWALLOWED = """\
import contextlib

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Soft(ValueError):
    pass


class Hard(ValueError):
    pass


{manager}


def check(v, i):
    if i == 1:
        raise Soft{args_one}
    if i == 3:
        raise Hard{args_three}
    return v * 2.0


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((4, mlp.width))
        rows = []
        for i, w in enumerate(mlp.weights):
            x = fnp.maximum(x @ w, 0.0)
            m = fnp.mean(x, axis=0)
            with Swallow():
                m = check(m, i)
            rows.append(m)
        return fnp.stack(rows)
"""


SWALLOW_SOFT = {
    "exit": """\
class Swallow:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        return exc_type is not None and issubclass(exc_type, Soft)""",
    "contextmanager": """\
@contextlib.contextmanager
def Swallow():
    try:
        yield
    except Soft:
        pass""",
    "ExitStack": """\
class SwallowExit:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        return exc_type is not None and issubclass(exc_type, Soft)


def Swallow():
    stack = contextlib.ExitStack()
    stack.enter_context(SwallowExit())
    return stack""",
}


@pytest.mark.parametrize("depth", [2, 5])
@pytest.mark.parametrize("manager, bare", [(SWALLOW_SOFT["exit"], False), (SWALLOW_SOFT["contextmanager"], False),
                                           (SWALLOW_SOFT["ExitStack"], False), (SWALLOW_SOFT["exit"], True)],
                         ids=["exit", "contextmanager", "ExitStack", "exit, raise of the bare class"])
def test_a_manager_swallows_by_the_user_class_raised(tmp_path, manager, bare, depth):
    """The manager swallows Soft, raised in layer 1, and lets Hard out of predict in layer 3.
    `__exit__` was handed an unknown class, so its test was one value-dependent site assumed to
    answer alike in every layer (swallow both or neither): at depth 5 the run's raise of Hard was
    on no path. A @contextmanager's `except` clause around its `yield` was not followed: Soft was
    claimed to leave predict (a lower bound that "raises Soft always"), and an ExitStack's exit
    was handed an unknown class and left unpriced (the same claim). `raise Soft` makes the
    instance as `raise Soft()` does (it was no instance, and its class unknown to `__exit__`)."""
    path = tmp_path / "estimator.py"
    program = ONE_CLASS_SWALLOWED.format(manager=manager, args_one="" if bare else '("one")',
                                         args_three="" if bare else '("three")')
    path.write_text(program)
    hard = next(i for i, line in enumerate(program.splitlines(), 1) if "raise Hard" in line)
    point = Point(8, depth, 10**6)
    report = analyze(path, point)
    assert not report.uncertain and not report.unpriced, report.uncertain
    if depth == 2:
        assert not report.raises and report.exact and report.total.lo == measure(path, point).total
        return
    assert [(r.what, r.span.line, r.every_path) for r in report.raises] == [
        ("Hard" if bare else "Hard('three')", hard, True)]
    with pytest.raises(Exception) as raised:
        measure(path, point)
    assert type(raised.value).__name__ == "Hard"
