"""A value-dependent test in a loop whose arms step a counter or set a flag that a later test of
the loop reads (a stall counter gating a one-shot restart) is explored with its answer changing
once, at every execution after the first, not only alike at every execution (onsets.py).

Each program's test answers False for its first few executions and True after, in every run
(``(res >= 0.0) == (step >= k)``, a norm is never negative: unknown to flopcast). The gate then
fires at a late iteration, and the work it does grows with the iteration: the two alike paths
fire it at the first iteration or never, and the run's count lay above their interval. The arms
may keep the count or flag otherwise (a cap by min(), a dict item, a list's length, a method or a
helper function changing an object) and a ``match`` guard may read it. A site whose state can
open a gate at any set of iterations (a toggle, a count read modulo 2, a restart allowed twice)
leaves the high end open instead: one change of answer does not cover its runs. Checked against
the real flopscope at two sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure, measure_calls, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(8, 2, 2**41), Point(16, 2, 2**41))

#: a stall counter stepped or reset by the test; the restart fires once, when it reaches 2
STALL_COUNTER = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        stalled = 0
        restarted = False
        for step in range(6):
            v = w @ v
            res = float(fnp.linalg.norm(v))
            if (res >= 0.0) == (step >= 3):  # the test
                stalled += 1
            else:
                stalled = 0
            if stalled >= 2 and not restarted:
                basis = fnp.stack([v] * (step + 1), axis=1)
                v = fnp.sum(basis @ basis.T, axis=1)
                restarted = True
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v)
"""

#: a flag on an object the test sets for good; a plain assignment turns it into the gate
STICKY_FLAG = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Run:
    def __init__(self):
        self.drifted = False
        self.refit_at = -1


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        run = Run()
        for step in range(5):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 2):  # the test
                run.drifted = True
            due = run.drifted and run.refit_at < 0
            if due:
                run.refit_at = step
                basis = fnp.stack([v] * (step + 1), axis=1)
                v = fnp.sum(basis @ basis.T, axis=1)
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v)
"""

#: a test answering False before iteration 3 and True from it; its arm changes the state another
#: way, and a gate reading it does work that grows with the iteration, once
STEERED = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Stall:
    def __init__(self):
        self.n = 0

    def step(self):
        self.n += 1


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        acc = 0.0
        {state}
        for step in range(6):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 3):  # the test
                {arm}
            if {gate}:
                basis = fnp.stack([v] * (step + 1), axis=1)
                acc = acc + fnp.sum(basis @ basis.T)
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v) + acc
"""

#: a stall counter a ``match`` statement's case guard reads
MATCH_GUARD = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        acc = 0.0
        stalled = 0
        for step in range(6):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 3):  # the test
                stalled += 1
            match step:
                case _ if stalled == 2:
                    basis = fnp.stack([v] * (step + 1), axis=1)
                    acc = acc + fnp.sum(basis @ basis.T)
                case _:
                    pass
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v) + acc
"""

#: a helper function sets the flag on an object
HELPER_FLAG = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Run:
    def __init__(self):
        self.drifted = False
        self.refit_at = -1


def mark(run):
    run.drifted = True


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        acc = 0.0
        run = Run()
        for step in range(5):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 2):  # the test
                mark(run)
            if run.drifted and run.refit_at < 0:
                run.refit_at = step
                basis = fnp.stack([v] * (step + 1), axis=1)
                acc = acc + fnp.sum(basis @ basis.T)
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v) + acc
"""


def _steered(state: str, arm: str, gate: str, defs: str = "") -> str:
    return STEERED.format(state=state, arm=arm, gate=gate).replace("class Estimator", defs + "class Estimator")


#: a module-level list a helper grows, directly or through another helper
NOTE = """\
FLAGS = []


def note(flag):
    FLAGS.append(flag)


def keep(flag):
    note(flag)


"""

#: a module-level dict whose count a helper steps
BUMP = """\
COUNTS = {"stall": 0}


def bump():
    COUNTS["stall"] += 1


"""


PROGRAMS = {"a stall counter gating a one-shot restart": STALL_COUNTER,
            "a flag set for good gating a refit through a plain assignment": STICKY_FLAG,
            "a cap kept by min(), one step after it is set": _steered("cap = 99", "cap = min(cap, step)",
                                                                       "step - cap == 1"),
            "a count kept in a dict": _steered('counts = {"stall": 0}', 'counts["stall"] += 1',
                                               'counts["stall"] == 2'),
            "a count kept as a list's length": _steered("hits = []", "hits.append(step)", "len(hits) == 2"),
            "a count a method steps": _steered("stall = Stall()", "stall.step()", "stall.n == 2"),
            "a count a match statement's case guard reads": MATCH_GUARD,
            "a flag a helper function sets on an object": HELPER_FLAG,
            "a count kept as the length of a module's list a helper grows":
                _steered("FLAGS.clear()", "note(step)", "len(FLAGS) == 2", NOTE),
            "a count kept as the length of a module's list a helper's helper grows":
                _steered("FLAGS.clear()", "keep(step)", "len(FLAGS) == 2", NOTE),
            "a count a helper steps in a module's dict":
                _steered('COUNTS["stall"] = 0', "bump()", 'COUNTS["stall"] == 2', BUMP),
            "a count kept as the length of a module's list grown by its append held in a name":
                _steered("FLAGS.clear()", "note(step)", "len(FLAGS) == 2", "FLAGS = []\nnote = FLAGS.append\n\n\n"),
            "a count kept as the length of a list grown by its append held in a local name":
                _steered("hits = []\n        grow = hits.append", "grow(step)", "len(hits) == 2"),
            "a count kept as the length of a list grown by adding a list to it":
                _steered("hits = []", "hits += [step]", "len(hits) == 2"),
            "a count kept as the length of a list made anew as itself and a list":
                _steered("hits = []", "hits = hits + [step]", "len(hits) == 2"),
            "a count kept as the length of a module's list a helper the gate calls reads":
                _steered("FLAGS.clear()", "FLAGS.append(step)", "seen() == 2",
                         "FLAGS = []\n\n\ndef seen():\n    return len(FLAGS)\n\n\n"),
            "a count a method the gate calls reads":
                _steered("count = Count()", "count.n += 1", "count.seen() == 2",
                         "class Count:\n    def __init__(self):\n        self.n = 0\n\n"
                         "    def seen(self):\n        return self.n\n\n\n")}


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", PROGRAMS)
def test_the_run_whose_test_first_answers_otherwise_at_a_late_iteration_is_inside_the_interval(tmp_path, name, point):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAMS[name])
    report = analyze(path, point)
    counted = measure(path, point).total
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)
    assert not report.total.exact and not report.lower_bound
    # the site is named as answering alike or changing once; any other mix is still assumed
    test_line = next(i for i, text in enumerate(PROGRAMS[name].splitlines(), 1) if "# the test" in text)
    assert [s.line for s in report.switching] == [test_line]
    assert test_line in [s.line for s in report.alike]


#: a stability counter that only stops the loop: a switch stops it later, between the alike ends
EARLY_STOP = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        stable = 0
        for step in range(8):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 3):  # the test
                stable += 1
                if stable >= 2:
                    break
            else:
                stable = 0
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v)
"""

#: a label every arm sets, read later in the same iteration only: it carries nothing to the next
LABEL = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        for step in range(5):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 2):  # the test
                kind = "gauss"
            else:
                kind = "moment"
            if kind == "gauss":
                v = v + fnp.sum(w @ w, axis=0)
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v)
"""


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("program", [EARLY_STOP, LABEL], ids=["a counter that only stops the loop",
                                                            "a label set in every arm, read after"])
def test_a_site_steering_only_a_stop_or_this_iterations_label_keeps_its_alike_answers(tmp_path, program, point):
    path = write_program(tmp_path, program)
    report = analyze(path, point)
    counted = measure(path, point).total
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)
    assert not report.lower_bound
    test_line = next(i for i, text in enumerate(program.splitlines(), 1) if "# the test" in text)
    assert report.switching == [] and test_line in [s.line for s in report.alike]


#: a test answering True at iteration 3 alone; its arm toggles a flag or steps a count read modulo 2,
#: and the work is dear where the flag is up from iteration 3 on and down before: only a run whose
#: answers change twice (False, True, False) is dear at every iteration
FLIPPED = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        acc = 0.0
        {state}
        for step in range(6):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step == 3):  # the test
                {arm}
            size = 7 if ({up}) == (step >= 3) else 1
            basis = fnp.stack([v] * size, axis=1)
            acc = acc + fnp.sum(basis @ basis.T)
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v) + acc
"""

#: a restart allowed twice, each time the test answers True twice running; it resets the stall
#: counter, and its work grows with the iterations since the last restart, up to 4: two restarts
#: 4 iterations apart (answers changing 3 times) cost more than any pair one change makes
TWO_RESTARTS = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        acc = 0.0
        stalled = 0
        restarts = 0
        last = -1
        for step in range(8):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step in (2, 3, 6, 7)):  # the test
                stalled += 1
            else:
                stalled = 0
            if stalled >= 2 and restarts < 2:
                basis = fnp.stack([v] * min(step - last, 4), axis=1)
                acc = acc + fnp.sum(basis @ basis.T)
                restarts += 1
                stalled = 0
                last = step
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v) + acc
"""

#: a sibling module of the estimator's folder: a list its helpers grow (one through its bound
#: append held in a name), empty and count
HELPERS = NOTE + "grow = FLAGS.append\n\n\ndef reset():\n    FLAGS.clear()\n\n\ndef seen():\n    return len(FLAGS)\n"

#: the estimator's import of the sibling module, and how its state, the test's arm and the gate name
#: what the module's helpers change
FROM_SIBLING = {"a helper imported by name": ("from helpers import FLAGS, note", "FLAGS.clear()", "note(step)",
                                              "len(FLAGS) == 2"),
                "a helper's helper imported under other names": ("from helpers import FLAGS as F, keep as k",
                                                                 "F.clear()", "k(step)", "len(F) == 2"),
                "a bound append the module holds in a name": ("from helpers import FLAGS, grow", "FLAGS.clear()",
                                                             "grow(step)", "len(FLAGS) == 2")}


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", FROM_SIBLING)
def test_a_test_whose_arm_calls_a_sibling_modules_helper_is_inside_the_interval(tmp_path, name, point):
    # the helper's module is read as the interpreter reads it: what it changes steers the gate
    # as a helper of the estimator's own file does (before, the run counted past the interval's
    # high end: the alike paths fire the gate at the first iteration or never)
    imports, state, arm, gate = FROM_SIBLING[name]
    (tmp_path / "helpers.py").write_text(HELPERS)
    path = tmp_path / "estimator.py"
    path.write_text(imports + "\n" + _steered(state, arm, gate))
    report = analyze(path, point)
    counted = measure(path, point).total
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)
    assert not report.total.exact and not report.lower_bound


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_helpers_changing_and_reading_a_list_the_estimator_never_names_are_followed(tmp_path, point):
    # as above, with `reset()`, `note(step)` and `seen() == 2` from the sibling module. Precision
    # lost (session 51): the paths leave FLAGS holding other steps, and mixed_calls.py proves a
    # list no later call reads only where predict itself clears it at its top, not inside a helper:
    # the high end is open at the test ("switches"), the run above the low end
    (tmp_path / "helpers.py").write_text(HELPERS)
    path = tmp_path / "estimator.py"
    path.write_text("from helpers import note, reset, seen\n" + _steered("reset()", "note(step)", "seen() == 2"))
    report = analyze(path, point)
    counted = measure(path, point).total
    assert report.total.lo <= counted, (report.total, counted)
    assert report.lower_bound and {u.what for u in report.unpriced} == {"switches"}


#: the estimator importing itself by its file's name: whestbench loaded it under another, so
#: that is a second module object (its body run again), whose FLAGS is not the estimator's own
ITSELF = NOTE + "from estimator import FLAGS as TWIN, note as twin_note  # noqa: E402\n\n\n"


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_helper_of_the_estimators_twin_steers_the_twins_state(tmp_path, point):
    # the twin's helpers change the twin's globals: followed as a sibling module's are (before,
    # `from estimator import` in estimator.py was taken for the module itself and not followed:
    # 8x2 [1,591, ...] with the run at 1,183)
    path = tmp_path / "estimator.py"
    path.write_text(_steered("TWIN.clear()", "twin_note(step)", "len(TWIN) == 2", ITSELF))
    report = analyze(path, point)
    counted = measure(path, point).total
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)
    assert not report.total.exact and not report.lower_bound


#: a flag a method of its object toggles
STATE = """\
class State:
    def __init__(self):
        self.up = False

    def flip(self):
        self.up = not self.up


"""

REPEATING = {"a flag toggled": FLIPPED.format(state="up = False", arm="up = not up", up="up"),
             "a flag a method toggles": FLIPPED.format(state="state = State()", arm="state.flip()", up="state.up")
             .replace("class Estimator", STATE + "class Estimator"),
             # each arm notes its answer: the sum counts the True answers, at whichever executions
             "every answer noted in a module's list, summed":
                 FLIPPED.format(state="FLAGS.clear()", arm="note(1)\n            else:\n                note(0)",
                                up="sum(FLAGS) == 1").replace("class Estimator", NOTE + "class Estimator"),
             "every answer added to a list, summed":
                 FLIPPED.format(state="hits = []", arm="hits += [1]\n            else:\n                hits += [0]",
                                up="sum(hits) == 1"),
             "a count read modulo 2": FLIPPED.format(state="flips = 0", arm="flips += 1", up="flips % 2 == 1"),
             "a stall counter a restart allowed twice resets": TWO_RESTARTS}


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", REPEATING)
def test_a_site_whose_state_may_open_a_gate_at_any_set_of_iterations_leaves_the_high_end_open(tmp_path, name,
                                                                                             point):
    path = tmp_path / "estimator.py"
    path.write_text(REPEATING[name])
    report = analyze(path, point)
    counted = measure(path, point).total
    # the run's answers change more than once: it costs more than every path explored
    assert counted > report.total.hi, (report.total, counted)
    assert report.total.lo <= counted
    test_line = next(i for i, text in enumerate(REPEATING[name].splitlines(), 1) if "# the test" in text)
    assert [(u.what, u.span.line) for u in report.unpriced] == [("switches", test_line)]


def test_a_repeating_site_whose_later_answers_were_replayed_is_floored_at_a_recorded_execution():
    # ritz_deflation's stall restart (allowed MAX_RESTARTS times, the counter reset when it fires)
    # is met again in replayed answers (a reused call's), which record no spending: the low end comes
    # from the executions recorded, and the analysis does not fail on the ones that were not
    path = Path(__file__).parent / "realistic" / "estimators" / "ritz_deflation.py"
    report = analyze(path, Point(16, 2, 2**41))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                if "res > STALL_RATIO * run.history[-2]" in text)
    assert ("switches", line) in [(u.what, u.span.line) for u in report.unpriced]


def test_a_retry_met_again_in_a_reused_call_is_floored_at_a_recorded_execution():
    # expert_gate at 16x2: a retry's plan (onsets.retrying) switches at an execution a reused call
    # replayed without its spend: the analysis must not index past the spends it recorded (an
    # IndexError, an internal error) and the run stays inside
    path = Path(__file__).parent / "realistic" / "estimators" / "expert_gate" / "estimator.py"
    point = Point(16, 2, 2**41)
    report = analyze(path, point)
    assert not [u for u in report.unpriced if u.what == "internal error"], report.unpriced
    counted = measure(path, point).total
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)



#: a module's list cleared at each call of predict, that the test's state opens a gate with once per
#: call, or that the work after a loop the test stops reads: every MLP's run switches the test anew
#: at the same iteration, and the work grows with the iteration it switches at
EVERY_CALL = {
    "a gate a module's list opens": """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator

FLAGS = []


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        FLAGS.clear()
        acc = 0.0
        for step in range(6):
            v = w @ v
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 4):  # the test: True from step 4 on
                FLAGS.append(step)
            size = 1 + 6 * step if len(FLAGS) == 1 else 1
            basis = fnp.stack([v] * size, axis=1)
            acc = acc + fnp.sum(basis @ basis.T)
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(v) + acc
""",
    "a stop whose later work reads a module's list": """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator

FLAGS = []


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        FLAGS.clear()
        for step in range(6):
            v = w @ v
            FLAGS.append(step)
            if (float(fnp.linalg.norm(v)) >= 0.0) == (step >= 4):  # the test: True from step 4 on
                break
        size = 1 + 6 * len(FLAGS) if len(FLAGS) < 6 else 1
        basis = fnp.stack([v] * size, axis=1)
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(basis @ basis.T)
"""}


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", EVERY_CALL)
def test_every_call_of_predict_may_switch_the_test_again(tmp_path, name, point):
    # A plan switches within each call of predict (decisions.Decisions.next_call): counted over the
    # whole run, it switched once, in the first or second call, and the third call on was priced
    # from alike answers alone (the gate's: 1,727 exact at 8x2, where each run counts 4,991).
    path = tmp_path / "estimator.py"
    path.write_text(EVERY_CALL[name])
    report = analyze(path, point)
    counted = [m.total for m in measure_calls(path, point, 5)]
    calls = report.per_call or [report.total]
    assert report.per_call_settled and not report.lower_bound
    for i, total in enumerate(counted):
        predicted = calls[min(i, len(calls) - 1)]
        assert predicted.lo <= total <= predicted.hi, (i + 1, predicted, total)


def test_a_sibling_module_python_cannot_parse_is_no_internal_error(tmp_path):
    # the estimator tries to import it and goes on without it: the arm's helper is still followed,
    # and the module that does not parse was an internal error (a lower bound) where onsets read it
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "bad.py").write_text("def f(:\n")
    imports = "from helpers import FLAGS, note\ntry:\n    import bad\nexcept SyntaxError:\n    bad = None\n"
    path = tmp_path / "estimator.py"
    path.write_text(imports + _steered("FLAGS.clear()", "note(step)", "len(FLAGS) == 2"))
    point = POINTS[0]
    report = analyze(path, point)
    counted = measure(path, point).total
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)


#: a retry loop: each failed try makes the matrix more positive and goes on without progress, so a
#: run fails a few tries, then succeeds from one on; the check is a raise caught by an except clause
#: (in the loop, or in a helper its try body calls) or an ``if`` on the matrix's eigenvalues
_RETRY = """\
import numpy as np
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        n = mlp.width
        rows = []
        jitter = 1e-3
        mu = fnp.ones((n,))
        tries = 0
        while len(rows) < mlp.depth:
            w = mlp.weights[len(rows)]
            tries += 1
            m = w.T @ w - (2.0 - jitter) * fnp.eye(n)
{check}
            mu = fnp.maximum(mu @ l, 0.0)
            rows.append(mu)
        return fnp.stack(rows)
"""
_HELPER = """

def _factor({params}):
    return fnp.linalg.cholesky({made})  # the test
"""
_GUARDED = """

CACHE = {{}}


def _factor(m):
    try:
        return fnp.linalg.cholesky(m)  # the test
    except {clause}:
        {arm}
"""
_CALL_FACTOR = """\
            try:
                l = _factor(m)
            except np.linalg.LinAlgError:
                jitter *= 4.0
                if tries > 6:
                    rows.append(mu)
                continue"""
RETRY = {
    "an except clause": _RETRY.format(check="""\
            try:
                l = fnp.linalg.cholesky(m)  # the test
            except np.linalg.LinAlgError:
                jitter *= 4.0
                if tries > 6:
                    rows.append(mu)
                continue"""),
    "an if on the values": _RETRY.format(check="""\
            if float(fnp.min(fnp.linalg.eigvalsh(m))) <= 0.0:  # the test
                jitter *= 4.0
                if tries > 6:
                    rows.append(mu)
                continue
            l = fnp.linalg.cholesky(m)"""),
    "an assert": _RETRY.format(check="""\
            try:
                assert float(fnp.min(fnp.linalg.eigvalsh(m))) > 0.0  # the test
                l = fnp.linalg.cholesky(m)
            except AssertionError:
                jitter *= 4.0
                if tries > 6:
                    rows.append(mu)
                continue"""),
    # the failing op in a helper the try body calls: the try it reaches is the retrying one
    "a helper of the try body": _RETRY.format(check="""\
            try:
                l = _factor(m)
            except np.linalg.LinAlgError:
                jitter *= 4.0
                if tries > 6:
                    rows.append(mu)
                continue""") + _HELPER.format(params="m", made="m"),
    "a helper handed the jitter": _RETRY.format(check="""\
            try:
                l = _factor(w, jitter, n)
            except np.linalg.LinAlgError:
                jitter *= 4.0
                if tries > 6:
                    rows.append(mu)
                continue""") + _HELPER.format(params="w, jitter, n", made="w.T @ w - (2.0 - jitter) * fnp.eye(n)"),
    # a nearer try the failure passes: its clauses catch something else, or the one that catches
    # it raises it on (numpy's LinAlgError is a ValueError); the retrying try is the one it reaches
    **{f"a helper's own try: except {clause}: {arm}": _RETRY.format(check=_CALL_FACTOR)
       + _GUARDED.format(clause=clause, arm=arm)
       for clause, arm in (("KeyError", "return CACHE[len(m)]"), ("(ValueError, TypeError)", "raise"),
                           ("np.linalg.LinAlgError", "raise"), ("Exception", "raise"))},
    "a helper's own try: bare except: raise": _RETRY.format(check=_CALL_FACTOR)
    + _GUARDED.format(clause="", arm="raise").replace("except :", "except:"),
    # a clause whose classes are not read without evaluating it: the tries around it count too
    "a helper's own try: except Cfg.errors": _RETRY.format(check=_CALL_FACTOR)
    + _GUARDED.format(clause="Cfg.errors", arm="return CACHE[len(m)]") + "\n\nclass Cfg:\n    errors = (KeyError,)\n",
    **{f"a nested try: except {clause}: {arm}": _RETRY.format(check=f"""\
            try:
                try:
                    l = fnp.linalg.cholesky(m)  # the test
                except {clause}:
                    {arm}
            except np.linalg.LinAlgError:
                jitter *= 4.0
                if tries > 6:
                    rows.append(mu)
                continue""") for clause, arm in (("KeyError", "l = fnp.eye(n)"), ("ValueError", "raise"))},
}


@pytest.mark.parametrize("point", (Point(8, 2, 2**41), Point(16, 3, 2**41)), ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("name", RETRY)
def test_a_retry_that_changes_what_its_own_check_reads_may_fail_then_succeed(tmp_path, name, point):
    # alike answers fail every try or none: the run's few failures before a success lay above both
    # (8x2: [3,624, 12,208], run 12,720 for the except clause)
    path = tmp_path / "estimator.py"
    path.write_text(RETRY[name])
    report = analyze(path, point)
    counted = measure(path, point).total
    assert report.total.lo <= counted <= report.total.hi, (report.total, counted)
    test_line = next(i for i, text in enumerate(RETRY[name].splitlines(), 1) if "# the test" in text)
    assert [s.line for s in report.switching] == [test_line]
