"""A call reused from an earlier run of the analysis (repeats.SharedCalls: every path re-runs the
program from the start) returns arrays with the elements the recorded call's returned: its key
holds the elements of every array it read, so an equal call makes the same ones.

The config below is read from an .npz by a classmethod in setup(); a guard at the end of
predict makes a second path, which reuses setup's call. Its elements were dropped there, so the
branch on ``quality[1]`` was a value-dependent site and the interval's high end took the dear
arm the run never takes (the corpus's expert_gate: its planner's expert order, read from
gate.npz, became unknown, and every point a lower bound).
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import flopscope.numpy as fnp
from whestbench import BaseEstimator


@dataclass
class Config:
    quality: np.ndarray = field(default_factory=lambda: np.ones(3))

    @classmethod
    def from_npz(cls, path):
        with np.load(path) as data:
            return cls(quality=data["quality"])


class Estimator(BaseEstimator):
    def __init__(self):
        self.cfg = Config()

    def setup(self, context):
        self.cfg = Config.from_npz(Path(__file__).parent / "tables.npz")

    def predict(self, mlp, budget):
        w = mlp.weights[0]
        if float(self.cfg.quality[1]) > 3.0:
            row = fnp.sum(w @ w, axis=0)
        else:
            row = fnp.sum(w, axis=0)
        out = fnp.zeros((mlp.depth, mlp.width)) + row
        if not fnp.all(fnp.isfinite(out)):
            raise FloatingPointError("non-finite")
        return out
"""


@pytest.mark.parametrize("point", (Point(8, 2, 10**6), Point(16, 3, 10**6)), ids=lambda p: f"{p.width}x{p.depth}")
def test_an_array_read_from_a_file_in_a_reused_call_keeps_its_elements(tmp_path, point):
    np.savez(tmp_path / "tables.npz", quality=np.array([4.0, 2.0, 1.0]))
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM)
    report = analyze(path, point)
    run = measure(path, point).total
    assert not report.unpriced
    assert [u.span.line for u in report.uncertain] == [PROGRAM.splitlines().index(
        "        if not fnp.all(fnp.isfinite(out)):") + 1]
    assert report.total.hi == run and report.total.lo <= run
