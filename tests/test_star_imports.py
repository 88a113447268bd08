"""`from helpers import *` binds what `__all__` lists, and `importlib.import_module("more")`
is `import more` (FINDINGS #56), against the real flopscope."""

from __future__ import annotations

import textwrap

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

HELPERS = """\
import flopscope.numpy as fnp

__all__ = ["layer", "SCALE"]
SCALE = 2.0
GAIN = 5              # public, but not in __all__: a star import leaves the importer's GAIN alone


def layer(w, x):
    return fnp.tanh(x @ w) * SCALE
"""

MORE = """\
import flopscope.numpy as fnp


def finish(rows):
    return fnp.stack(rows) * 0.5
"""

ESTIMATOR = """\
import importlib

import flopscope.numpy as fnp
from whestbench import BaseEstimator

GAIN = 1

from helpers import *

more = importlib.import_module("more")


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            x = layer(w, x)
            for _ in range(GAIN):
                x = x + 1.0
            rows.append(x)
        return more.finish(rows)
"""


@pytest.mark.parametrize("width,depth", [(8, 1), (16, 3)])
def test_a_star_import_binds_what_all_lists_and_import_module_imports_a_sibling(tmp_path, width, depth):
    for name, text in (("helpers.py", HELPERS), ("more.py", MORE), ("estimator.py", ESTIMATOR)):
        (tmp_path / name).write_text(textwrap.dedent(text))
    path = tmp_path / "estimator.py"
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    assert not report.unpriced and not report.uncertain, report.unpriced
    assert_exact_match(report, measure(path, point), f" at {width}x{depth}")


UTILS = """\
import flopscope.numpy as fnp

__all__ = ["relu"]


def relu(x):
    return fnp.maximum(x, 0.0)


def _hidden():
    return fnp.ones(1000)
"""

FALLBACK = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator
from utils import *


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            x = relu(x @ w)
            rows.append(x)
        try:
            extra = _hidden()
        except NameError:
            extra = fnp.zeros(3)
        return fnp.stack(rows) + fnp.sum(extra)
"""



@pytest.mark.parametrize("utils", [UTILS, UTILS.replace('__all__ = ["relu"]\n', "")], ids=["__all__", "no __all__"])
def test_a_name_a_star_import_leaves_out_is_a_certain_name_error(tmp_path, utils):
    """`_hidden` is a global of utils that `from utils import *` does not bind (`__all__` leaves it
    out; without `__all__`, its `_` does): reading it in predict raises NameError, caught, and the
    fallback's work is the run's. flopcast took any name utils binds for one the estimator might
    have (unpriced, a lower bound: hunt52's star_import_nameerror)."""
    (tmp_path / "utils.py").write_text(utils)
    path = tmp_path / "estimator.py"
    path.write_text(FALLBACK)
    point = Point(8, 2, 10**5)
    report = analyze(path, point)
    assert not report.unpriced and not report.uncertain, report.unpriced
    assert_exact_match(report, measure(path, point))
