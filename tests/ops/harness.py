"""Shared machinery of the op-family oracle tests.

Each case is a few lines of estimator code. :func:`write` wraps them in a
``predict`` whose return is free (``fnp.zeros((depth, width), float32)`` charges 0),
and :func:`compare` runs both flopcast's static analysis and the real flopscope on
the file, returning their per-op totals.

Names the snippet can use: ``W`` (width), ``D`` (depth), ``w`` (the first weight
matrix, float32 (W, W)), ``v`` (its first row, float32 (W,)), ``u`` (its second row),
``math``, ``fnp``, ``flops``.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from oracle import measure, static_per_op

from flopcast.analyzer import analyze
from flopcast.model import Point

BUDGET = 2**41
#: Small points: (W, W) and (D, D) fills are square at all; at (6, 3) a (D, W, 3) buffer has two
#: equal extents; at (4, 4) width equals depth, so every (D, W) fill is square.
POINTS = [(8, 2), (6, 3), (4, 4)]
#: Read by a snippet that can tell the depth: D, or the MLP beyond its first weight matrix.
_READS_DEPTH = re.compile(r"\bD\b|\bmlp\b")


def points_for(body: str) -> list[tuple[int, int]]:
    """The POINTS that can tell ``body`` something: (4, 4) only where it reads the depth. A snippet
    that never does is the same program at (4, 4) as at width 4 alone, where width == depth squares
    no fill of its (session 54: 817 of the 864 op snippets, ~13 CPU s of the suite); (8, 2) and (6, 3)
    still run it at a power-of-two width and at one that is not."""
    return POINTS if _READS_DEPTH.search(body) else POINTS[:2]


TEMPLATE = '''\
import math

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        W, D = mlp.width, mlp.depth
        w = mlp.weights[0]
        v = w[0]
        u = w[1]
{body}
        return fnp.zeros((D, W), dtype=fnp.float32)
'''

BODY_LINE = TEMPLATE.split("\n").index("{body}") + 1  # the snippet's first line in the generated file


def write(tmp_path: Path, body: str, name: str = "estimator.py") -> Path:
    path = tmp_path / name
    path.write_text(TEMPLATE.format(body=textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8)))
    return path


def compare(path: Path, width: int, depth: int):
    point = Point(width, depth, BUDGET)
    report = analyze(path, point)
    measured = measure(path, point)
    return report, static_per_op(report), measured


def assert_exact(path: Path, width: int, depth: int) -> None:
    report, static, measured = compare(path, width, depth)
    where = f"{path.read_text()}\nat {width}x{depth}"
    assert not report.unpriced, f"unpriced: {report.unpriced}\n{where}"
    assert report.total.exact, f"inexact total {report.total}\n{where}"
    assert static == measured.per_op, (
        f"per-op totals differ\nstatic   {sorted(static.items())}\nmeasured {sorted(measured.per_op.items())}\n{where}"
    )
    assert report.total.lo == measured.total
