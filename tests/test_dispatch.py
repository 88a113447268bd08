"""functools.singledispatch / singledispatchmethod (analyzer/dispatch.py) against the real flopscope:
each call runs the implementation registered for its argument's class, as CPython picks it."""

from __future__ import annotations

import textwrap

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

HEADER = '''import functools
from dataclasses import dataclass
import flopscope.numpy as fnp
from whestbench import BaseEstimator

'''

#: Every way of registering: by annotation (a union too), by class, by a call; subclasses pick their
#: nearest registered base, bool finds int's, an unregistered class the generic body (the costliest).
REGISTERED = '''
@dataclass(frozen=True)
class Diag:
    k: int

@dataclass(frozen=True)
class Full(Diag):
    pass

class Other:
    pass

@functools.singledispatch
def step(plan, x, w):
    return (w @ w.T) @ x

@step.register
def _(plan: Diag, x, w):
    return fnp.maximum(w @ x, 0.0)

@step.register(Full)
def _full(plan, x, w):
    return fnp.tanh(w @ x)

def _num(plan, x, w):
    return x * plan

step.register(int, _num)

class Runner:
    @functools.singledispatchmethod
    def go(self, arg, x):
        return x + 1.0

    @go.register
    def _(self, arg: float | str, x):
        return x * 2.0

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.width,))
        r = Runner()
        for wt in mlp.weights:
            x = step(Diag(1), x, wt)
            x = step(Full(2), x, wt)
            x = step(Other(), x, wt)
            x = step(3, x, wt)
            x = step(True, x, wt)
            x = r.go(1.5, x)
            x = r.go(2, x)
            x = r.go("a", x)
        return fnp.stack([x] * mlp.depth)
'''


def test_each_call_runs_the_implementation_registered_for_its_class(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(HEADER + REGISTERED)
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced and not report.raises, (report.unpriced, report.raises)
        assert report.total.lo == measure(path, point).total


def test_a_generic_body_that_raises_is_not_run_for_a_registered_class(tmp_path):
    # flopcast passed @singledispatch through and ran the generic body: predict() "raises TypeError (always)"
    path = tmp_path / "estimator.py"
    path.write_text(HEADER + textwrap.dedent('''
        class Plan:
            pass

        @functools.singledispatch
        def step(plan, x):
            raise TypeError("no plan")

        @step.register
        def _(plan: Plan, x):
            return x * 2.0

        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                return step(Plan(), fnp.stack(list(mlp.weights))[:, 0, :])
    '''))
    point = Point(8, 2, 2**41)
    report = analyze(path, point)
    assert not report.raises and not report.unpriced and report.total.exact, (report.raises, report.unpriced)
    assert report.total.lo == measure(path, point).total


def test_a_dispatch_on_float_of_a_number_read_from_data_runs_the_float_implementation(tmp_path):
    # float(...) returns a Python float whatever it converts (hunt50 singledispatch_float_unpriced.py:
    # this was unpriced, "the implementation depends on the class of a value flopcast does not know")
    path = tmp_path / "estimator.py"
    path.write_text(HEADER + textwrap.dedent('''
        @functools.singledispatch
        def scale(s, x):
            return x @ x.T

        @scale.register
        def _(s: float, x):
            return x * s

        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                s = float(fnp.max(w))
                return fnp.stack([scale(s, w)[0], scale(float(s * 2.0), w)[0]] * mlp.depth)[:mlp.depth]
    '''))
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, report.unpriced
        assert report.total.lo == measure(path, point).total


def test_a_dispatching_method_dispatches_on_the_argument_after_its_receiver(tmp_path):
    # through the class (`Runner.go(r, 1.5, x)`) the receiver is the first argument, and Python
    # dispatches on it; a staticmethod has no receiver, a classmethod's is the class
    path = tmp_path / "estimator.py"
    path.write_text(HEADER + textwrap.dedent('''
        class Runner:
            @functools.singledispatchmethod
            def go(self, arg, x):
                return x + 1.0

            @go.register
            def _(self, arg: float, x):
                return x * 2.0 * x * x

            @functools.singledispatchmethod
            @staticmethod
            def st(arg, x):
                return x + 3.0

            @st.register
            @staticmethod
            def _(arg: int, x):
                return x * x * x

            @functools.singledispatchmethod
            @classmethod
            def cm(cls, arg, x):
                return x - 1.0

            @cm.register
            @classmethod
            def _(cls, arg: str, x):
                return x * x

        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones((mlp.width,))
                r = Runner()
                x = Runner.go(r, 1.5, x)
                x = r.go(1.5, x)
                x = r.st(2, x)
                x = Runner.st(2.0, x)
                x = Runner.cm("a", x)
                x = r.cm(1, x)
                return fnp.stack([x] * mlp.depth)
    '''))
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced and not report.raises, (report.unpriced, report.raises)
        assert report.total.lo == measure(path, point).total
