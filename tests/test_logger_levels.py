"""A logger whose level the program set answers ``isEnabledFor`` as the run does (analyzer/loggers.py).

``log.setLevel(logging.DEBUG)`` at import, then ``if log.isEnabledFor(logging.DEBUG):`` around a
diagnostic's FLOPs: the run always pays them (neither whestbench nor flopscope touches logging),
but flopcast read the answer as a value-dependent site and the total was an interval. Checked
against the real flopscope at two sizes. A logger whose level is the root's (set before the run,
not by the program), or one whose ``disabled`` flag the program sets, stays an interval that holds
the run; a level changed inside predict after a test of it was answered ends the path there.
"""

from __future__ import annotations

import logging

import pytest
from oracle import assert_exact_at, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    import logging
    import os

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    log = logging.getLogger({name!r})
    {setup}


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width, dtype=fnp.float32)
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
            if log.isEnabledFor(logging.{asked}):
                log.debug("norm %s", float(fnp.linalg.norm(x)))
            {inside}
            return fnp.stack([x] * mlp.depth)
    """
POINTS = (Point(8, 1, 2**41), Point(16, 2, 2**41))


@pytest.fixture(autouse=True)
def _logging_as_it_was():
    """The oracle runs the estimator in this process: its loggers and logging.disable() would
    stay set for every later test."""
    yield
    logging.disable(logging.NOTSET)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("nb_"):
            logger = logging.getLogger(name)
            logger.setLevel(logging.NOTSET)
            logger.disabled = False

# (each case a logger of its own: the oracle's runs share this process's loggers)
KNOWN = {
    "debug_enabled": ("nb_on", "log.setLevel(logging.DEBUG)", "DEBUG"),
    "debug_below_the_level": ("nb_off", "log.setLevel('WARNING')", "DEBUG"),
    "a_child_of_a_logger_set": ("nb_parent.stage", "logging.getLogger('nb_parent').setLevel(logging.INFO)", "INFO"),
    "disabled_up_to_info": ("nb_disable", "log.setLevel(logging.DEBUG); logging.disable(logging.INFO)", "DEBUG"),
}


@pytest.mark.parametrize("name,setup,asked", KNOWN.values(), ids=KNOWN.keys())
def test_a_level_the_program_set_answers_is_enabled_for(name, setup, asked, tmp_path):
    assert_exact_at(write_program(tmp_path, PROGRAM, name=name, setup=setup, asked=asked, inside="pass"), POINTS)


UNKNOWN = {
    "the_roots_level": ("nb_root", "pass", "pass"),
    "a_disabled_flag": ("nb_flag", "log.setLevel(logging.DEBUG); log.disabled = True", "pass"),
    "a_logger_of_a_name_not_known": ("nb_named", "log.setLevel(logging.DEBUG); "
                                     "logging.getLogger(os.environ.get('NB_LOG', 'nb_named')).setLevel(logging.ERROR)",
                                     "pass"),
    "set_in_predict_after_the_test": ("nb_late", "log.setLevel(logging.DEBUG)", "log.setLevel(logging.ERROR)"),
}


@pytest.mark.parametrize("name,setup,inside", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_a_level_the_program_does_not_decide_stays_value_dependent(name, setup, inside, tmp_path):
    path = write_program(tmp_path, PROGRAM, name=name, setup=setup, asked="DEBUG", inside=inside)
    point = POINTS[1]
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert report.lower_bound or not report.exact, report.total
    assert report.total.lo <= runtime and (report.lower_bound or runtime <= report.total.hi), (report.total, runtime)
