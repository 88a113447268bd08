"""Switches read from the environment (a notebook's ablation knobs left in the submission),
against the real flopscope at two sizes, with the variable unset (as on the grader) and set.

flopcast never knows the variable: the text ``os.environ.get(name, "")`` gives is a value read at
run time, and the work it chooses is an interval. Its str methods (``.strip().lower()``) give
text again, and ``Kind(text)`` is some member or, where a handler may catch it, the ValueError
of a text no member has, a path of its own: the interval holds the run whatever the variable says.
"""

from __future__ import annotations

import pytest
from oracle import measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))

PROGRAM = """\
    import enum
    import os

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Kind(enum.StrEnum):
        PLAIN = "plain"
        TANH = "tanh"


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width, dtype=fnp.float32)
            try:
                kind = Kind(os.environ.get("NB_KIND", "plain").strip().lower())
            except ValueError:  # an unknown switch: the notebook's "safe" path, dearer
                kind = Kind.PLAIN
                x = fnp.exp(fnp.exp(fnp.exp(fnp.exp(x))))
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                if kind is Kind.TANH:
                    x = fnp.tanh(x)
            return fnp.stack([x] * mlp.depth)
    """


@pytest.mark.parametrize("value", [None, " TANH ", "zzz"])
def test_the_interval_holds_the_run_whatever_the_variable_says(value, tmp_path, monkeypatch):
    path = write_program(tmp_path, PROGRAM)
    for point in POINTS:
        monkeypatch.delenv("NB_KIND", raising=False)
        report = analyze(path, point)
        if value is not None:
            monkeypatch.setenv("NB_KIND", value)
        runtime = measure(path, point).total
        assert not report.unpriced and not report.raises, (report.unpriced, report.raises)
        assert not report.total.exact and report.total.lo <= runtime <= report.total.hi, (report.total, runtime)


NO_DEFAULT = """\
    import enum
    import os

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Kind(enum.StrEnum):
        PLAIN = "plain"
        TANH = "tanh"


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            kind = Kind.PLAIN
            forced = os.environ.get("NB_KIND")
            if forced:  # set, so text: its str methods are text again
                try:
                    kind = Kind(forced.lower())
                except ValueError:
                    kind = Kind.PLAIN
            x = fnp.ones(mlp.width, dtype=fnp.float32)
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                if kind is Kind.TANH:
                    x = fnp.tanh(x)
            return fnp.stack([x] * mlp.depth)
    """


@pytest.mark.parametrize("value", [None, "TANH"])
def test_a_variable_read_with_no_default_is_text_where_a_test_found_it_set(value, tmp_path, monkeypatch):
    # os.environ.get(name) is text or None; under `if forced:` it is text, so `forced.lower()` is
    # priced like the text of a variable read with a default (it was unpriced: a lower bound from 0)
    path = write_program(tmp_path, NO_DEFAULT)
    for point in POINTS:
        monkeypatch.delenv("NB_KIND", raising=False)
        report = analyze(path, point)
        if value is not None:
            monkeypatch.setenv("NB_KIND", value)
        runtime = measure(path, point).total
        assert not report.unpriced and not report.raises, (report.unpriced, report.raises)
        assert not report.total.exact and report.total.lo <= runtime <= report.total.hi, (report.total, runtime)
