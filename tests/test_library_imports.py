"""An analysis imports numpy and flopscope only to ask what no earlier analysis asked.

Importing numpy is about a tenth of a second of a cold `flopcast analyze` (flopscope more), so
the answers an analysis needs from them — promotions, ufunc loops, whether an array has an
attribute — are kept on disk per library version (analyzer/disk_answers.py), and what needs no
library is computed without one: .npy headers (of a member past the 4,096 elements flopcast
reads: a small member's elements are read into a numpy array), advanced-index shapes, the value
of a scalar op on arrays of unknown value. The estimator below meets each of these; its second analysis, in a
fresh process sharing the first one's cache folder, must import neither library and print the
same report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from oracle import measure

from flopcast.installed import resolve_point

ESTIMATOR = '''
from pathlib import Path

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def setup(self, ctx):
        self.head = fnp.load(Path(ctx.submission_dir) / "head.npz")["scale"]

    def predict(self, mlp, budget):
        x = fnp.ones((mlp.width,), dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            h = x @ w
            picked = h[[0, 1]]                          # a list index: advanced indexing
            order = fnp.argsort(h)[:2]
            top = h[order]                              # an index array
            h = fnp.nan_to_num(h * float(self.head[0])) # a numpy function, not a ufunc
            fnp.maximum(h, 0.0, out=h)                  # out=: numpy's casting rule
            mask = fnp.ones(mlp.width, dtype=bool)      # dtype= a Python type
            if hasattr(h, "shape") and hasattr(fnp.maximum, "reduce"):
                h = h + fnp.sum(picked) + fnp.sum(top) + fnp.sum(mask)
            x = fnp.sqrt(fnp.abs(h)) * 2.0              # scalar ops on values flopcast does not know
            rows.append(x)
        return fnp.stack(rows)
'''

PROBE = '''
import contextlib, io, sys
from flopcast.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    main(["analyze", sys.argv[1], "--width", "16", "--depth", "3", "--format", "json"])
print(out.getvalue())
print(sorted(m for m in ("numpy", "flopscope") if m in sys.modules))
'''


def _analyze(folder, cache) -> tuple[dict, list]:
    env = dict(os.environ, FLOPCAST_CACHE_DIR=str(cache))
    proc = subprocess.run([sys.executable, "-c", PROBE, str(folder / "estimator.py")], capture_output=True,
                          text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    report, imported = proc.stdout.rsplit("\n", 2)[:2]
    return json.loads(report), eval(imported)  # noqa: S307 - a list of names this test printed


def test_a_second_analysis_imports_neither_numpy_nor_flopscope(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "estimator.py").write_text(ESTIMATOR)
    np.savez(folder / "head.npz", scale=np.ones(5000, dtype=np.float32))
    first, _ = _analyze(folder, tmp_path / "cache")
    second, imported = _analyze(folder, tmp_path / "cache")
    assert imported == []
    assert second == first
    point = resolve_point(None, 16, 3, None)
    assert first["total"]["exact"] and first["total"]["lo"] == measure(folder, point).total


DRAWS = '''
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        rng = fnp.random.default_rng(7)                                  # a seed numpy takes
        x = rng.standard_normal(mlp.width, dtype=fnp.float32)            # keywords numpy's Generator binds
        noise = rng.exponential(scale=0.5, size=mlp.width)               # parameters numpy checks as it draws
        picks = rng.integers(0, mlp.width, size=4)                       # the dtype numpy draws at
        for w in mlp.weights:
            x = fnp.maximum(x @ w, 0.0)
        w0 = mlp.weights[0]
        g = fnp.linalg.inv(w0 @ w0.T + fnp.eye(mlp.width, dtype=fnp.float32))   # a dtype LAPACK takes
        try:
            fnp.linalg.inv(g.astype(fnp.float16))                        # one it refuses: TypeError
        except TypeError:
            pass
        try:
            fnp.random.default_rng(-1)                                   # a seed numpy refuses: ValueError
        except ValueError:
            pass
        try:
            rng.standard_normal(mlp.width, dtype=fnp.float16)            # a dtype the sampler refuses
        except (TypeError, ValueError):
            pass
        row = x + fnp.sum(g) + noise.astype(fnp.float32) + fnp.sum(picks)
        return fnp.stack([row] * mlp.depth)
'''


def test_seeded_draws_and_lapack_dtypes_are_answered_from_disk_the_second_time(tmp_path):
    """What numpy answers of seeds, draws and LAPACK dtypes (taken or refused) is kept too: a
    second analysis of an estimator that draws from a seeded Generator and inverts a matrix imports
    no numpy, and both give flopscope's count."""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "estimator.py").write_text(DRAWS)
    first, _ = _analyze(folder, tmp_path / "cache")
    second, imported = _analyze(folder, tmp_path / "cache")
    assert imported == []
    assert second == first
    point = resolve_point(None, 16, 3, None)
    assert first["total"]["exact"] and first["total"]["lo"] == measure(folder, point).total
