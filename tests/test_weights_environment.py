"""flopcast follows flopscope's weight overrides, as flopscope reads them at import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ESTIMATOR = '''
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        spd = w.T @ w + fnp.eye(mlp.width, dtype=fnp.float32)
        chol = fnp.linalg.cholesky(spd)
        row = fnp.exp(fnp.diagonal(chol))
        return fnp.stack([row] * mlp.depth)
'''

SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from oracle import measure
from flopcast.analyzer import analyze
from flopcast.model import Point
point = Point(16, 2, 2**41)
print(json.dumps([analyze({path!r}, point).total.lo, measure({path!r}, point).total]))
"""


def _static_and_runtime(estimator, env_overrides: dict, cache_dir) -> list[int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOPSCOPE_")}
    env.update(FLOPCAST_CACHE_DIR=str(cache_dir), **env_overrides)
    tests = os.path.dirname(os.path.abspath(__file__))
    code = SCRIPT.format(tests=tests, path=str(estimator))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _estimator(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(ESTIMATOR)
    return path


def test_disabled_weights_are_followed(tmp_path):
    static, runtime = _static_and_runtime(_estimator(tmp_path), {"FLOPSCOPE_DISABLE_WEIGHTS": "1"}, tmp_path)
    assert static == runtime


def test_a_custom_weights_file_is_followed_and_does_not_poison_the_default_cache(tmp_path):
    from flopcast.installed import weights as installed_weights

    estimator = _estimator(tmp_path)
    weights = tmp_path / "w.json"
    rates = dict(installed_weights().dtype_rates, float32=3.0)  # flopscope refuses dtypes left out
    weights.write_text(json.dumps({"weights": {"matmul": 3.0, "linalg.cholesky": 7.0, "exp": 2.0},
                                   "dtype_rates": rates}))
    custom = _static_and_runtime(estimator, {"FLOPSCOPE_WEIGHTS_FILE": str(weights)}, tmp_path)
    assert custom[0] == custom[1]
    default = _static_and_runtime(estimator, {}, tmp_path)  # same cache folder, default weights
    assert default[0] == default[1]
    assert default != custom


FRACTIONAL_ESTIMATOR = '''
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        spd = w.T @ w + fnp.eye(mlp.width)
        c = fnp.linalg.cholesky(fnp.stack([spd, spd, spd]))
        e = fnp.linalg.eigvalsh(fnp.stack([spd] * 3))
        n = fnp.linalg.vector_norm(w, axis=0)
        p = fnp.polyval(w[0], w[1])
        f = fnp.polyfit(w[0], w[1], 2)
        return fnp.zeros((mlp.depth, mlp.width)) + c[0, 0] + e[0] + n + p + f[0]
'''


def test_fractional_weights_are_applied_once_after_the_batch(tmp_path):
    """flopscope multiplies a linalg op's unweighted cost by the batch (or a norm's groups)
    and weights the product once; polyval and polyfit are weighted too. flopcast weighted each
    matrix's price before the batch (936 where flopscope bills 937 for three Cholesky factors
    at weight 1.37) and never weighted polyval/polyfit (84 for 210 at weight 2.5)."""
    from flopcast.installed import weights as installed_weights

    estimator = tmp_path / "estimator.py"
    estimator.write_text(FRACTIONAL_ESTIMATOR)
    weights = tmp_path / "w.json"
    weights.write_text(json.dumps({"weights": {"linalg.cholesky": 1.37, "linalg.eigvalsh": 1.11,
                                               "linalg.vector_norm": 1.7, "polyval": 2.5, "polyfit": 1.3},
                                   "dtype_rates": dict(installed_weights().dtype_rates)}))
    static, runtime = _static_and_runtime(estimator, {"FLOPSCOPE_WEIGHTS_FILE": str(weights)}, tmp_path)
    assert static == runtime


SWEEP = """
import json, sys, tempfile
from pathlib import Path
sys.path[:0] = [{tests!r}, {ops!r}]
from cases import FAMILIES
from harness import compare, write
cases = [(f"{{family}}-{{name}}", body) for family, table in FAMILIES.items() for name, body in table.items()]
wrong = []
for case, body in cases[::{stride}]:
    path = write(Path(tempfile.mkdtemp()), body)
    report, static, measured = compare(path, 6, 3)
    if report.unpriced or not report.total.exact or static != measured.per_op:
        wrong.append([case, sorted(static.items()), sorted(measured.per_op.items())])
print(json.dumps([len(cases[::{stride}]), wrong]))
"""


def test_distinct_fractional_weights_on_sampled_op_snippets(tmp_path):
    """Every op weighted by its own fractional weight (1 + crc32(name) % 97 / 64): an op billed
    under another op's name, weighted twice, or weighted before a batch product shows here,
    where the default table's weights (mostly 1.0) hide it. A sample of the op snippets
    (tests/ops/cases.py, every fifth), each analysed and run under the same weights."""
    import zlib

    from flopcast.installed import weights as installed_weights

    table = installed_weights()
    weights = tmp_path / "w.json"
    weights.write_text(json.dumps({"weights": {n: 1 + (zlib.crc32(n.encode()) % 97) / 64 for n in table.weights},
                                   "dtype_rates": dict(table.dtype_rates)}))
    tests = os.path.dirname(os.path.abspath(__file__))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOPSCOPE_")}
    (tmp_path / "cases").mkdir()  # the sweep's folder per case (mkdtemp), removed with pytest's
    env.update(FLOPCAST_CACHE_DIR=str(tmp_path / "cache"), FLOPSCOPE_WEIGHTS_FILE=str(weights),
               TMPDIR=str(tmp_path / "cases"))
    code = SWEEP.format(tests=tests, ops=os.path.join(tests, "ops"), stride=5)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    checked, wrong = json.loads(out.stdout.strip().splitlines()[-1])
    assert checked > 100
    assert wrong == []
