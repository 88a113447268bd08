"""The static path never executes, imports or evaluates the user's code."""

from __future__ import annotations

import json
import subprocess
import sys

HOSTILE = '''
import os
import subprocess
open({marker!r}, "w").write("pwned")
os.system("touch " + {marker!r})
subprocess.run(["touch", {marker!r}])
__import__("os").remove({victim!r})
big = [0] * 10 ** 12
raise SystemExit("top level raises")

import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        open({marker!r}, "w")
        return fnp.ones((mlp.depth, mlp.width), dtype=fnp.float32)
'''


def test_a_file_whose_top_level_writes_and_raises_leaves_no_trace(tmp_path):
    marker = tmp_path / "marker"
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    est = tmp_path / "estimator.py"
    est.write_text(HOSTILE.format(marker=str(marker), victim=str(victim)))
    proc = subprocess.run([sys.executable, "-m", "flopcast", "analyze", str(est), "--width", "8", "--depth", "2",
                           "--format", "json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    assert victim.read_text() == "keep me"
    data = json.loads(proc.stdout)
    assert data["total_flops"] == 8 * 2  # ones((2, 8), float32) and a free float32 cast
