"""FC201-FC203, FC301, FC302: rules read from the code alone (never imported or run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import codes

HEADER = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP
"""


def estimator(body: str, setup: str = "pass", top: str = "") -> str:
    indented = "\n".join("        " + line for line in body.strip("\n").splitlines())
    setup_body = "\n".join("        " + line for line in setup.strip("\n").splitlines())
    return (f"{HEADER}{top}\n\nclass Estimator(BaseEstimator):\n"
            f"    def setup(self, ctx):\n{setup_body}\n\n"
            f"    def predict(self, mlp, budget):\n{indented}\n")


CLEAN = estimator("""
w = mlp.width
h = fnp.zeros(w, dtype=fnp.float32)
for layer in mlp.weights:
    h = fnp.maximum(layer.T @ h, 0.0)
return fnp.stack([h] * mlp.depth)
""")


@pytest.mark.parametrize("code", ["FC201", "FC202", "FC203", "FC301", "FC302"])
def test_a_clean_estimator_raises_nothing(check, code):
    assert check(CLEAN, select=code) == []


# FC201 forbidden imports ---------------------------------------------------------

@pytest.mark.parametrize("line", [
    "import numpy as np", "import scipy.stats", "from torch import nn", "import jax",
    "import ctypes", "import cffi", "import threading", "import _thread", "import asyncio",
    "import subprocess", "from multiprocessing import Pool", "from concurrent.futures import ThreadPoolExecutor",
])
def test_fc201_refuses_prohibited_modules(check, line):
    found = check(estimator("return None", top=line), select="FC201")
    assert codes(found) == ["FC201"]
    assert found[0].level.value == "error"
    assert found[0].line == 4


def test_fc201_refuses_third_party_modules(check):
    found = check(estimator("return None", top="import requests"), select="FC201")
    assert "third-party" in found[0].message


def test_fc201_sees_literal_dynamic_imports(check):
    found = check(estimator("np = __import__('numpy')\nreturn np"), select="FC201")
    assert codes(found) == ["FC201"]


@pytest.mark.parametrize("line", [
    "import math, os, json, itertools", "from collections import defaultdict",
    "import flopscope.numpy.linalg", "from whestbench import SetupContext", "from __future__ import annotations",
])
def test_fc201_allows_stdlib_flopscope_and_whestbench(check, line):
    source = (line + "\n" + estimator("return None")) if "__future__" in line else estimator("return None", top=line)
    assert check(source, select="FC201") == []


def test_fc201_allows_sibling_modules_of_the_submission_folder(check):
    source = estimator("return helpers.run(mlp)", top="import helpers\nfrom .tables import TABLE")
    found = check(source, select="FC201", others={"helpers.py": "import math\n", "tables.py": "TABLE = 1\n"})
    assert found == []


def test_fc201_checks_every_python_file_of_a_folder(check):
    found = check(CLEAN, select="FC201", others={"helpers.py": "import numpy\n"})
    assert [(f.path.endswith("helpers.py"), f.line) for f in found] == [(True, 1)]


# FC202 forbidden mechanisms ------------------------------------------------------

@pytest.mark.parametrize("body", [
    "os.system('ls')", "os.execv('/bin/ls', ['ls'])", "os.fork()", "os.popen('ls')",
    "exec('x = 1')", "eval('1 + 1')", "__import__(name)", "importlib.import_module(name)",
    "flops.budget = None", "fnp.einsum = None", "setattr(fnp, 'matmul', None)",
])
def test_fc202_refuses_prohibited_mechanisms(check, body):
    source = estimator(f"name = 'math'\n{body}\nreturn None", top="import os\nimport importlib")
    found = check(source, select="FC202")
    assert codes(found) == ["FC202"]
    assert found[0].level.value == "error"


def test_fc202_follows_from_imports(check):
    found = check(estimator("system('ls')\nreturn None", top="from os import system"), select="FC202")
    assert codes(found) == ["FC202"]


def test_fc202_refuses_subclassing_the_budget_context(check):
    source = estimator("return None", top="\n\nclass Meter(flops.BudgetContext):\n    pass\n")
    assert codes(check(source, select="FC202")) == ["FC202"]


def test_fc202_allows_literal_imports_and_ordinary_attributes(check):
    source = estimator("m = importlib.import_module('math')\nself.cache = {}\nreturn None", top="import importlib")
    assert check(source, select="FC202") == []


# FC203 remote-unsupported --------------------------------------------------------

def test_fc203_refuses_ops_the_grader_client_cannot_run(check):
    found = check(estimator("x = fnp.fromfunction(lambda i: i, (4,))\nreturn x"), select="FC203")
    assert codes(found) == ["FC203"]
    assert "fnp.fromfunction" in found[0].message


@pytest.mark.parametrize("expr", [
    "flops.namespace('x')", "isinstance(x, flops.FlopscopeArray)", "flops.accounting.det_cost(4)",
])
def test_fc203_refuses_server_only_names(check, expr):
    found = check(estimator(f"x = None\ny = {expr}\nreturn y"), select="FC203")
    assert codes(found) == ["FC203"]
    assert "server-side only" in found[0].message


def test_fc203_refuses_importing_them_by_name(check):
    source = estimator("return None", top="from flopscope.numpy import piecewise")
    assert codes(check(source, select="FC203")) == ["FC203"]


@pytest.mark.parametrize("opener", ["flops.budget(budget // 2)", "flops.BudgetContext(flop_budget=10**6)"])
def test_fc203_refuses_a_budget_the_submission_opens(check, opener):
    # locally predict's `with` raises RuntimeError (whestbench's budget is open); the grader's
    # client raises UnauthorizedControlError, which this handler does not catch
    body = f"try:\n    with {opener}:\n        x = mlp.weights[0] @ mlp.weights[0]\nexcept RuntimeError:\n    x = None\nreturn x"
    found = check(estimator(body), select="FC203")
    assert codes(found) == ["FC203"]
    assert "UnauthorizedControlError" in found[0].message


def test_fc203_allows_client_side_cost_helpers(check):
    source = estimator("c = flops.accounting.einsum_cost('ij,jk->ik', [(2, 2), (2, 2)])\nreturn c")
    assert check(source, select="FC203") == []


# FC301 residual loops ------------------------------------------------------------

def test_fc301_flags_scalar_pulls_in_a_loop_over_the_width(check):
    source = estimator("""
w = mlp.width
out = []
for i in range(w):
    out.append(float(mlp.weights[0][i, 0]))
return out
""")
    found = check(source, select="FC301")
    assert codes(found) == ["FC301"]
    assert found[0].level.value == "warning"
    assert "`float(...)`" in found[0].message


def test_fc301_follows_width_through_helpers_and_tuple_unpacking(check):
    source = estimator("""
w, d = mlp.width, mlp.depth
return self.pull(w)
""") + """
    def pull(self, n):
        return [x.item() for x in range(n)]
"""
    found = check(source, select="FC301")
    assert codes(found) == ["FC301"]


def test_fc301_flags_a_while_loop_bounded_by_the_width(check):
    source = estimator("""
i = 0
while i < mlp.width:
    v = int(i)
    i += 1
return None
""")
    assert codes(check(source, select="FC301")) == ["FC301"]


@pytest.mark.parametrize("count", [
    "rounds = min(24, int(0.02 * budget / (32 * mlp.width * mlp.depth)))",  # shrinks as w grows
    "rounds = 64 - mlp.width // 4",
    "rounds = mlp.width % 7",  # no direction
])
def test_fc301_calls_a_range_width_sized_only_when_its_count_grows_with_the_width(check, count):
    source = estimator(f"""
{count}
x = fnp.ones(8)
out = []
for r in range(rounds):
    out.append(float(x[r % 8]))
return out
""")
    assert check(source, select="FC301") == []


def test_fc301_is_quiet_for_loops_over_the_depth_or_without_scalar_work(check):
    source = estimator("""
for i in range(mlp.depth):
    v = float(i)
for i in range(mlp.width):
    pass
return None
""")
    assert check(source, select="FC301") == []


# FC302 setup work ----------------------------------------------------------------

def test_fc302_flags_contractions_and_linalg_in_setup(check):
    source = estimator("return None", setup="""
a = fnp.ones((512, 512), dtype=fnp.float32)
self.g = a @ a
self.inv = fnp.linalg.inv(a)
self.e = fnp.einsum('ij,jk->ik', a, a)
""")
    found = check(source, select="FC302")
    assert codes(found) == ["FC302"] * 3
    assert all("setup()" in f.message for f in found)


def test_fc302_flags_flopscope_calls_in_a_setup_loop_once(check):
    source = estimator("return None", setup="""
self.t = []
for k in range(100):
    self.t.append(fnp.ones(4) @ fnp.ones(4))
""")
    found = check(source, select="FC302")
    assert codes(found) == ["FC302"]
    assert "loop" in found[0].message


def test_fc302_is_quiet_for_light_setup_and_for_predict(check):
    source = estimator("a = fnp.ones((4, 4))\nreturn a @ a", setup="self.n = 4\nself.z = fnp.zeros(4)")
    assert check(source, select="FC302") == []


# FC301/FC302 across the files of a folder submission ------------------------------

SCALAR_HELPERS = """\
import flopscope.numpy as fnp


def scalar_loop(x, n):
    out = []
    for i in range(n):
        out.append(float(x[i]))
    return out


class Puller:
    def __init__(self, scale):
        self.scale = scale

    def pull(self, x, n):
        return self._each(x, n)

    def _each(self, x, count):
        return [x[i].item() for i in range(count)]
"""


def _only(found, file_name, line):
    """One finding, at `line` of the sibling module (its own display path)."""
    assert [(Path(f.path).name, f.line) for f in found] == [(file_name, line)]


@pytest.mark.parametrize("top, call", [
    ("from helpers import scalar_loop", "scalar_loop(h, w)"),
    ("from helpers import scalar_loop as loop", "loop(h, n=w)"),
    ("import helpers as hp", "hp.scalar_loop(h, w)"),
    ("import helpers", "helpers.scalar_loop(h, w)"),
])
def test_fc301_follows_width_into_a_sibling_module_and_reports_there(check, top, call):
    source = estimator(f"""
w = mlp.width
h = fnp.ones(w, dtype=fnp.float32)
return {call}
""", top=top)
    found = check(source, select="FC301", others={"helpers.py": SCALAR_HELPERS})
    _only(found, "helpers.py", 6)
    assert found[0].code == "FC301" and found[0].span.col == 4


@pytest.mark.parametrize("body", [
    "local = Puller(2.0)\nreturn local.pull(h, mlp.width)",
    "return self.puller.pull(h, mlp.width)",
    "return Puller(2.0).pull(h, mlp.width)",
])
def test_fc301_follows_methods_of_a_sibling_class_instantiated_in_the_estimator(check, body):
    source = estimator("h = fnp.ones(mlp.width, dtype=fnp.float32)\n" + body,
                       setup="self.puller = Puller(1.0)", top="from helpers import Puller")
    found = check(source, select="FC301", others={"helpers.py": SCALAR_HELPERS})
    _only(found, "helpers.py", 19)  # the comprehension in Puller._each


def test_fc301_follows_packages_re_exports_and_relative_imports(check):
    source = estimator("return run(fnp.ones(4), mlp.width)", top="from pkg import run")
    found = check(source, select="FC301", others={
        "pkg/__init__.py": "from .api import run\n",
        "pkg/api.py": "from . import core\n\n\ndef run(x, n):\n    return core.loop(x, n)\n",
        "pkg/core.py": "def loop(x, n):\n    while n > 0:\n        n -= int(x[0])\n",
    })
    _only(found, "core.py", 2)


def test_fc301_is_quiet_when_the_sibling_loop_is_not_width_sized_or_not_reached(check):
    source = estimator("""
h = fnp.ones(mlp.width, dtype=fnp.float32)
a = scalar_loop(h, mlp.depth)
b = Puller(1.0).pull(h, 8)
return h
""", top="from helpers import scalar_loop, Puller")
    others = {"helpers.py": SCALAR_HELPERS + "\n\ndef unused(mlp):\n"
                                             "    return [float(i) for i in range(mlp.width)]\n"}
    assert check(source, select="FC301", others=others) == []


def test_fc301_noqa_in_the_sibling_module_silences_it(check):
    helpers = SCALAR_HELPERS.replace("for i in range(n):", "for i in range(n):  # noqa: FC301")
    source = estimator("return scalar_loop(fnp.ones(4), mlp.width)", top="from helpers import scalar_loop")
    assert check(source, select="FC301", others={"helpers.py": helpers}) == []


SETUP_HELPERS = """\
import flopscope.numpy as np_


def build(n):
    a = np_.ones((n, n), dtype=np_.float32)
    return np_.linalg.qr(a)


def light(n):
    return np_.zeros(n)


class Tables:
    def __init__(self, n):
        self.rows = [np_.ones(n) @ np_.ones(n) for _ in range(3)]
        for k in range(n):
            self.rows.append(np_.ones(k))
"""


def test_fc302_follows_setup_into_sibling_functions_and_classes(check):
    source = estimator("return None", setup="""
self.q = tools.build(512)
self.t = Tables(64)
""", top="import helpers as tools\nfrom helpers import Tables")
    found = check(source, select="FC302", others={"helpers.py": SETUP_HELPERS})
    assert [(Path(f.path).name, f.line) for f in found] == [
        ("helpers.py", 6), ("helpers.py", 15), ("helpers.py", 16)]
    assert "`fnp.linalg.qr` in setup()" in found[0].message


def test_fc302_is_quiet_for_light_sibling_work_and_helpers_only_predict_calls(check):
    source = estimator("return build(mlp.width)", setup="self.z = light(4)",
                       top="from helpers import build, light")
    assert check(source, select="FC302", others={"helpers.py": SETUP_HELPERS}) == []
