"""An exploration made again with other values analysed at takes the runs it would repeat.

A selection whose size a test reads is analysed again, in a second exploration, at the counts
where the test changes its answer (sizetests.py); an integer read from data that picks an item
is analysed again at each of its values (dataints.py). A run of the earlier exploration that
took, at every site it met, the option a new path takes there, and met no site whose values
changed but a selection's (whose new counts only add options: a run at one of its old counts is
the same run), is that path's run: it is taken instead of being made again
(api.run_point, ``_earlier_run``), with the selection's site as the new exploration has it.

Each path must come out exactly as when every run is made: the same charges in the same order,
the same sites with the same options and reasons, the same roll-ups; with a trace, the same loop
runs and memory. The real flopscope's count lies inside the interval.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze, api
from flopcast.analyzer.api import run_point
from flopcast.analyzer.interpreter import Interpreter
from flopcast.analyzer.program import estimator_class, load_program
from flopcast.model import Point

POINTS = [Point(8, 2, 10**6), Point(16, 3, 10**9)]

_HEAD = """
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

"""

PROGRAMS = {
    # the size test's counts make a second exploration; the rescale and the guard are sites
    # met after the selection, each path at the old counts is taken from the first
    "a size test and two guards": """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        idx = fnp.flatnonzero(w[0] > 0.2)
        k = len(idx) // 2
        if k < 1:
            x = fnp.ones((mlp.width,))
        else:
            x = fnp.mean(w[:, idx], axis=1)
        for v in mlp.weights:
            x = fnp.tanh(x @ v)
            if float(fnp.max(x)) > 1e30:
                x = x / 2.0
        if not bool(fnp.isfinite(x).all()):
            x = fnp.zeros_like(x)
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + x
""",
    # a guard met before the selection: the paths that flip it differ from the first site on
    "a guard before the size test": """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        s = float(fnp.max(fnp.abs(w)))
        if s > 1e30:
            w = w / s
        keep = fnp.nonzero(w[1] > 0.1)[0]
        if keep.size <= 2:
            y = fnp.sum(w @ w)
        else:
            y = fnp.sum(fnp.exp(w[:, keep]))
        x = fnp.ones((mlp.width,))
        for v in mlp.weights:
            x = fnp.tanh(x @ v) + y
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + x
""",
    # an integer read from data used as a size, then picking an item: analysed at each of its
    # values in a second round; the paths that return early never meet it
    "a pick by an integer read from data": """
RIDGES = (0.1, 0.2, 0.5)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.width,))
        if float(fnp.min(mlp.weights[0])) < -10.0:
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
        if float(fnp.max(mlp.weights[0])) > 10.0:
            return fnp.ones((mlp.depth, mlp.width), dtype=fnp.float32) * fnp.sum(mlp.weights[0])
        k = int(fnp.argmax(mlp.weights[0][0, :3]))
        x = x + fnp.sum(fnp.ones((k + 1, mlp.width)), axis=0)  # a size at one end of k's range first
        ridge = RIDGES[k]
        for v in mlp.weights:
            x = fnp.tanh(x @ v) * ridge
        n = int(fnp.count_nonzero(x > 0.0))
        y = fnp.zeros((n, mlp.width))
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(y) + x
""",
}


def _paths(path: Path, point: Point, reuse: bool) -> list:
    program = load_program(path)
    explored = run_point(program, estimator_class(program, None), point, True, share_calls=True, reuse_runs=reuse)
    return [(r.chosen, [(c.span, c.op, c.flops, c.dtype, c.function) for c in r.charges],
             [(s.key, s.options, s.reason, s.presumed) for s in r.sites], r.spent, r.inclusive, r.calls,
             r.compares, sorted((n.lineno, n.col_offset) for n in r.entered), r.raised, r.unpriced, r.notes,
             r.uncertain, r.count_breaks, r.data_ints, r.bounding)
            for r in explored.results]


def _report(monkeypatch, path: Path, point: Point, reuse: bool) -> list:
    """What `analyze` reports (loops and memory traced), field by field."""
    with monkeypatch.context() as m:
        m.setattr(api, "run_point", functools.partial(run_point, reuse_runs=reuse))
        report = analyze(path, point, trace=True, memory=True)
    return [(f.name, repr(getattr(report, f.name))) for f in dataclasses.fields(report) if f.name not in ("executed", "loops")] + \
        [("executed", sorted(map(repr, report.executed))),
         ("loops", report.loops and report.loops.at(range(len(report.charges))))]


def _runs_made(monkeypatch, path: Path, point: Point, reuse: bool) -> int:
    made = []
    real = Interpreter.run

    def counted(self, class_name):
        made.append(None)
        return real(self, class_name)

    with monkeypatch.context() as m:
        m.setattr(Interpreter, "run", counted)
        _paths(path, point, reuse)
    return len(made)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_path_is_as_when_every_run_is_made(monkeypatch, tmp_path: Path, name: str) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS[name])
    for point in POINTS:
        reused = _paths(path, point, reuse=True)
        assert len(reused) >= 4
        assert reused == _paths(path, point, reuse=False)
        assert _report(monkeypatch, path, point, reuse=True) == _report(monkeypatch, path, point, reuse=False)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_fewer_runs_are_made_and_the_real_count_is_inside(monkeypatch, tmp_path: Path, name: str) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS[name])
    for point in POINTS:
        assert _runs_made(monkeypatch, path, point, reuse=True) < _runs_made(monkeypatch, path, point, reuse=False)
        report = analyze(path, point, trace=True, memory=True)
        assert report.total.contains(measure(path, point).total), (name, point, report.total)
