"""FC201-FC203, FC301, FC302: rules read from the code alone (never imported or run)."""

from __future__ import annotations

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
