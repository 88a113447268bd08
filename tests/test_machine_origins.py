"""A value read from the machine (a clock, the environment) is known as such wherever it decides
the work: check rule FC303 reads that origin (``Uncertainty.machine``), not the reason's wording.

Each site below is decided by a value computed from a clock reading or an environment variable
through some steps (a method of the difference of two readings, ``int()`` of the text, an enum
member made of it, a membership test); the timing kept only for a log decides nothing.
"""

from __future__ import annotations

from oracle import write_program

from flopcast.analyzer import analyze
from flopcast.model import Machine, Point

PROGRAM = """\
    import datetime
    import enum
    import os
    import time

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    TIMINGS = []


    class Kind(enum.Enum):
        PLAIN = "plain"
        TANH = "tanh"


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            start, t0 = datetime.datetime.now(), time.perf_counter()
            x = fnp.ones(mlp.width, dtype=fnp.float32)
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            TIMINGS.append(time.perf_counter() - t0)
            if (datetime.datetime.now() - start).total_seconds() > 1.0:
                x = fnp.tanh(x)
            if int(os.environ.get("NB_STEPS", "0")) > 2:
                x = fnp.tanh(x)
            if Kind(os.environ.get("NB_KIND", "plain")) is Kind.TANH:
                x = fnp.tanh(x)
            if "NB_OFF" in os.environ:
                x = fnp.tanh(x)
            return fnp.stack([x] * mlp.depth)
    """


def test_every_site_a_machine_reading_decides_names_that_machine(tmp_path):
    report = analyze(write_program(tmp_path, PROGRAM), Point(8, 1, 2**41))
    by_line = {}
    for u in report.uncertain:
        by_line.setdefault(u.span.line, set()).add(u.machine)
    assert by_line == {24: {Machine.CLOCK}, 26: {Machine.ENVIRONMENT}, 28: {Machine.ENVIRONMENT},
                       30: {Machine.ENVIRONMENT}}, by_line
