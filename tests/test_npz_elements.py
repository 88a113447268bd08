"""Small members of an .npz (or an .npy) beside the estimator are known element by element.

A learned head ships its settings with its weights, not only as 0-d members: a list of ranks, a
few per-layer gains, a small table. ``np.load`` hands out plain ndarrays, whose known elements
flopcast computes with as numpy does (plain_numpy.py); ``fnp.load`` flopscope arrays, whose
elements flopcast reads by index and by iteration. The elements are the file's data bytes
reinterpreted by ``numpy.frombuffer`` (no pickle, nothing executed). Each case is checked
against the real flopscope.
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
            for k in self.ranks:
                x = x + fnp.sum(x[:k] @ mlp.weights[0])
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + x[0]
    """
POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))


def _folder(tmp_path, setup: str):
    np.savez(tmp_path / "head.npz", ranks=np.array([2, 3, 5], dtype=np.int32), gains=np.array([0.25, 1.5]),
             table=np.arange(6, dtype=np.int64).reshape(2, 3), big=np.ones(5000, dtype=np.int64))
    np.save(tmp_path / "ranks.npy", np.array([4, 1], dtype=np.uint8))
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(PROGRAM).replace("{setup}", setup))
    return path


READS = {
    "ints_of_a_1d_member": "self.ranks = [int(k) for k in np.load(HERE / 'head.npz')['ranks']]",
    "tolist_of_a_1d_member": "self.ranks = np.load(HERE / 'head.npz')['ranks'].tolist()",
    "an_element_and_a_slice": "r = np.load(HERE / 'head.npz')['ranks']\n"
                              "        self.ranks = [int(r[1])] + [int(v) for v in r[1:]]",
    "a_gain_compared": "d = np.load(HERE / 'head.npz')\n"
                       "        self.ranks = [1, 2] if d['gains'][0] < 0.3 else [3]",
    "a_2d_table_cell": "t = np.load(HERE / 'head.npz')['table']\n"
                       "        self.ranks = [int(t[1, 2]), int(t.sum() % 4)]",
    "a_1d_npy_file": "self.ranks = [int(k) for k in np.load(HERE / 'ranks.npy')]",
    "ints_of_an_fnp_load_member": "self.ranks = [int(k) for k in fnp.load(str(HERE / 'head.npz'))['ranks']]",
    "an_element_of_an_fnp_load_member": "r = fnp.load(str(HERE / 'head.npz'))['ranks']\n"
                                        "        self.ranks = [int(r[2]), int(r[0])]",
    "fnp_asarray_of_known_elements": "self.ranks = [int(k) for k in fnp.asarray(np.array([3, 1, 4]))]",
    # a per-stage cost table read row by row (stage_framework's Prior.from_npz)
    "rows_of_an_fnp_load_2d_member": "t = fnp.load(str(HERE / 'head.npz'))['table']\n"
                                     "        self.ranks = [int(c) for row in t for c in row][1::2]",
    "a_row_of_an_fnp_load_2d_member": "t = fnp.load(str(HERE / 'head.npz'))['table']\n"
                                      "        self.ranks = [int(t[1][0]), int(t[0][2])]",
    "a_row_by_a_tuple_index": "t = fnp.load(str(HERE / 'head.npz'))['table']\n"
                              "        self.ranks = [int(c) for c in t[1, :2]]",
}


@pytest.mark.parametrize("setup", READS.values(), ids=READS.keys())
def test_a_small_member_is_read_element_by_element(tmp_path, setup):
    path = _folder(tmp_path, setup)
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, report.unpriced
        assert_exact_match(report, measure(path, point), f" at {point.width}x{point.depth}")


@pytest.mark.parametrize("setup", [
    "self.ranks = [int(np.load(HERE / 'head.npz')['big'][:3].sum())]",  # past the elements kept
    "self.ranks = [int(k) for k in fnp.load(str(HERE / 'head.npz'))['big'][:2]]",
], ids=["np_load", "fnp_load"])
def test_a_member_past_the_elements_kept_stays_unknown(tmp_path, setup):
    path = _folder(tmp_path, setup)
    report = analyze(path, POINTS[0])
    assert not report.total.exact
    assert report.total.lo <= measure(path, POINTS[0]).total
