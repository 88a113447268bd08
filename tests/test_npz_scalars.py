"""0-d members of an .npz (or a 0-d .npy) beside the estimator are read as their values.

A learned head often ships its hyperparameters with its weights: a sample count, a threshold,
a switch. flopcast reads a 0-d numeric member's few data bytes with ``struct`` (never numpy's
pickle path, nothing executed), so ``int(data["k"])``, ``data["k"].item()``, ``data["k"][()]``, ``range(data["k"])``
and comparisons of them steer the work exactly. Each case is checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
    from pathlib import Path

    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    HERE = Path(__file__).parent


    class Estimator(BaseEstimator):
        def setup(self, context):
            {setup}

        def predict(self, mlp, budget):
            x = mlp.weights[0]
            for _ in range(self.steps):
                x = x @ mlp.weights[0]
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + x[0]
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))


def _folder(tmp_path, setup: str, **members):
    np.savez(tmp_path / "head.npz", coef=np.ones((4, 4)), **members)
    np.save(tmp_path / "count.npy", np.int32(5))
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).replace("{setup}", setup))
    return path


READS = {
    "int_of_an_np_load_member": "self.steps = int(np.load(HERE / 'head.npz')['k'])",
    "item_of_an_fnp_load_member": "self.steps = fnp.load(str(HERE / 'head.npz'))['k'].item()",
    "range_of_the_member_itself": "self.steps = np.load(HERE / 'head.npz')['k']",
    "arithmetic_on_members": "d = np.load(HERE / 'head.npz')\n"
                             "        self.steps = int(d['k'] * d['scale'] + 1)",
    "a_threshold_and_a_switch": "d = np.load(HERE / 'head.npz')\n"
                                "        self.steps = 2 if d['thr'] < 0.3 and d['on'] else 7",
    "a_0d_npy_file": "self.steps = int(np.load(HERE / 'count.npy'))",
    "indexed_by_an_empty_tuple": "self.steps = int(np.load(HERE / 'head.npz')['k'][()])",
    "indexed_by_an_ellipsis": "self.steps = np.load(HERE / 'head.npz')['k'][...]",
}


@pytest.mark.parametrize("setup", READS.values(), ids=READS.keys())
def test_a_0d_member_is_read_as_its_value(tmp_path, setup):
    path = _folder(tmp_path, setup, k=np.int64(3), scale=np.float16(2.5), thr=np.float32(0.25), on=np.bool_(True))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, report.unpriced
        assert_exact_match(report, measure(path, point), f" at {point.width}x{point.depth}")


def test_a_0d_member_written_in_place_is_no_longer_known(tmp_path):
    path = _folder(tmp_path, "k = np.load(HERE / 'head.npz')['k']\n"
                             "        k[...] = 4\n"
                             "        self.steps = int(k)", k=np.int64(3))
    report = analyze(path, POINTS[0])
    assert not report.total.exact and report.unpriced  # the loop's trip count is a value flopcast does not know
    assert report.total.lo <= measure(path, POINTS[0]).total


def test_a_big_endian_member_stays_unknown(tmp_path):
    path = _folder(tmp_path, "self.steps = int(np.load(HERE / 'head.npz')['k'])", k=np.array(3, dtype=">i8"))
    report = analyze(path, POINTS[0])
    assert not report.total.exact and report.unpriced  # the loop's trip count is a value flopcast does not know
    assert report.total.lo <= measure(path, POINTS[0]).total
