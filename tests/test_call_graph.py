"""The call graph rooted at predict: costs with callees, recursion and unreached helpers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from oracle import SAMPLES, assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINT = Point(32, 2, 2**41)


def test_predict_with_callees_is_the_whole_prediction_less_the_scorer_cast():
    report = analyze(SAMPLES / "mean_propagation_f32.py", POINT)
    scorer = sum(c.flops for c in report.charges if c.function.startswith("<"))
    assert report.inclusive["Estimator.predict"] == report.total.lo - scorer


def test_a_helper_with_callees_counts_exactly_the_charges_made_while_it_ran():
    report = analyze(SAMPLES / "mean_propagation_f32.py", POINT)
    own = sum(c.flops for c in report.charges if c.function == "relu_moments")
    assert report.inclusive["relu_moments"] == own > 0
    assert report.calls[("Estimator.predict", "relu_moments")] == POINT.depth


def test_recursion_is_named_in_the_notes():
    report = analyze(SAMPLES / "strassen.py", POINT)
    assert any(n.message.startswith("recursive: strassen → strassen") for n in report.notes)


def test_a_helper_predict_never_calls_is_noted_as_not_counted(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
        "def unused(x):\n    return fnp.exp(x)\n\n\n"
        "class Estimator(BaseEstimator):\n    def predict(self, mlp, budget):\n"
        "        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)\n")
    report = analyze(path, POINT)
    assert any("unused is never called from predict" in n.message for n in report.notes)


def test_a_helper_only_setup_calls_is_noted_as_setup_s(tmp_path):
    """A loader called in setup() (off the meter) and never from predict is named as setup's,
    not as code nothing runs; a helper nothing calls keeps the plain note."""
    path = tmp_path / "estimator.py"
    path.write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
        "def load_head(n):\n    return fnp.ones(n)\n\n\n"
        "def unused(x):\n    return fnp.exp(x)\n\n\n"
        "class Estimator(BaseEstimator):\n    def setup(self, context):\n        self.head = load_head(4)\n\n"
        "    def predict(self, mlp, budget):\n"
        "        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)\n")
    notes = [n.message for n in analyze(path, POINT).notes]
    assert "load_head is never called from predict at this point (only from setup(), which whestbench runs off " \
           "the meter); its cost is not counted" in notes, notes
    assert "unused is never called from predict at this point; its cost is not counted" in notes, notes


MUTUAL = (
    "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
    "def even(x, n):\n    return x if n == 0 else odd(fnp.exp(x), n - 1)\n\n\n"
    "def odd(x, n):\n    return even(fnp.tanh(x), n - 1)\n\n\n"
    "class Estimator(BaseEstimator):\n    def predict(self, mlp, budget):\n"
    "        x = even(fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32), 4)\n"
    "        return x\n")


def test_mutual_recursion_is_named_in_the_notes(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(MUTUAL)
    report = analyze(path, POINT)
    rings = [n.message for n in report.notes if n.message.startswith("recursive: ")]
    assert len(rings) == 1 and set(rings[0].split(" (")[0].split(": ")[1].split(" → ")) == {"even", "odd"}


def test_a_ring_is_written_from_its_first_defined_function_in_every_process(tmp_path):
    """networkx picks a ring's first node from a set of names, whose order follows Python's string
    hashing: processes with other hash seeds must still print the same note."""
    path = tmp_path / "estimator.py"
    path.write_text(MUTUAL)
    rings = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        out = subprocess.run([sys.executable, "-m", "flopcast", "analyze", "--format", "json", "--width", "8",
                              "--depth", "2", str(path)], capture_output=True, text=True,
                             env=dict(os.environ, PYTHONHASHSEED=seed), check=True).stdout
        rings.update(n["message"] for n in json.loads(out)["notes"] if n["message"].startswith("recursive: "))
    assert rings == {"recursive: even → odd → even (unrolled with the known arguments)"}


WRAPPED = """
import functools

import flopscope.numpy as fnp
from whestbench import BaseEstimator


def counted(fn):
    @functools.wraps(fn)
    def wrap(*args):
        return fn(*args)
    return wrap


@counted
def inner(x):
    return fnp.maximum(x, 0.0)


@counted
def outer(mlp):
    x = fnp.ones(mlp.width)
    for w in mlp.weights:
        x = inner(x @ w)
    return x


@counted
def halve(x, n):
    return x if n == 0 else halve(x * 0.5, n - 1)


@counted
@counted
def twice(x):
    return x + 1.0


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = twice(halve(outer(mlp), 2))
        return fnp.stack([x] * mlp.depth)
"""


def test_two_closures_of_one_decorator_calling_each_other_are_no_recursion(tmp_path):
    """Every wrapper `counted` makes is one node of the call graph: outer's wrapper reaching
    inner's, and twice's outer wrapper calling its inner one with the same arguments, recurse
    no more than at run time. Only halve's ring is one; the count stays exact."""
    path = tmp_path / "estimator.py"
    path.write_text(WRAPPED)
    point = Point(8, 2, 10**6)
    report = analyze(path, point)
    rings = [n.message for n in report.notes if n.message.startswith("recursive: ")]
    assert rings == ["recursive: counted.<locals>.wrap → halve → counted.<locals>.wrap "
                     "(unrolled with the known arguments)"]
    assert_exact_match(report, measure(path, point))


def test_a_wrapper_reaching_another_of_its_decorator_imports_no_graph_library(tmp_path):
    """A ring only closures of one def make is none: networkx, whose import costs more than a
    small analysis, is not loaded to list it."""
    path = tmp_path / "estimator.py"
    path.write_text(WRAPPED.replace("halve(outer(mlp), 2)", "outer(mlp)"))
    probe = ("import sys\nfrom flopcast.analyzer import analyze\nfrom flopcast.model import Point\n"
             f"analyze({str(path)!r}, Point(8, 1, 10**6))\nprint('networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]


BRANCHED = '''
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def settle(x, s):
    if s > 0:
        return x + 1.0
    return fnp.exp(x) * 2.0 + fnp.tanh(x) * fnp.sqrt(fnp.abs(x))


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        mu = fnp.ones(mlp.width)
        for w in mlp.weights:
            mu = mu @ w
        s = float(fnp.sum(mu))
        mu = settle(mu, s)
        if s > 0:
            big = mlp.weights[0] @ mlp.weights[0] @ mlp.weights[0]
            mu = mu + big[0]
        return fnp.stack([mu] * mlp.depth)
'''


def test_with_callees_is_never_below_the_own_body_when_paths_differ(tmp_path):
    """The dearest path (s > 0) takes settle's cheap arm; the other path its dear one. The
    per-function table's own body is each line's most on any path, so "with callees" is the
    most any path charged while the function ran, never the dearest path's alone (it was
    below the own body: winograd_padded's factor_cov at 32x2 b3e6)."""
    path = tmp_path / "estimator.py"
    path.write_text(BRANCHED)
    report = analyze(path, POINT)
    assert len({c.span.line for c in report.charges if c.function == "settle"}) > 1  # both arms listed
    from flopcast.analyzer import rollup

    for f in rollup.by_function(report):
        if f.qualname in report.inclusive:  # (the scorer's cast is no user function)
            assert f.inclusive >= f.flops, f
    own = sum(c.flops for c in report.charges if c.function == "settle" and c.span.line == 9)  # the dear arm
    assert report.inclusive["settle"] == report.own["settle"] == own > 0


@pytest.mark.parametrize("point", [POINT, Point(8, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_each_functions_own_body_in_the_run_is_within_the_tables(tmp_path, point):
    """The per-function table against the real run: what flopscope charged inside each function's
    own lines (the run's charges carry their function) is at most the table's own body, which is
    at most its with-callees; the run takes one of the two paths, the table holds both."""
    from collections import Counter

    from flopcast.analyzer import rollup
    from flopcast.runtime.counter import run_in_process
    from flopcast.runtime.protocol import RunRequest

    path = tmp_path / "estimator.py"
    path.write_text(BRANCHED)
    report = analyze(path, point)
    run = run_in_process(RunRequest(str(path), point.width, point.depth, point.budget, scorer=False))
    assert run.ok, run.error
    ran: Counter = Counter()
    for c in run.charges:
        ran[c.function] += c.flops
    table = {f.qualname: f for f in rollup.by_function(report)}
    assert set(ran) <= set(table), (set(ran), set(table))
    for name, flops in ran.items():
        assert 0 < flops <= table[name].flops <= table[name].inclusive, (name, flops, table[name])


@pytest.mark.parametrize("width", [8, 16])
def test_a_helper_called_on_a_cheaper_value_dependent_path_is_not_noted_as_never_called(tmp_path, width):
    # the call graph was the widest path's alone: a helper only the cheaper answer of a branch
    # calls was noted "never called ... its cost is not counted" though the interval's low end counts it
    path = tmp_path / "estimator.py"
    path.write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
        "def cheap_check(w):\n    return fnp.sum(w)\n\n\n"
        "class Estimator(BaseEstimator):\n    def predict(self, mlp, budget):\n"
        "        w = mlp.weights[0]\n"
        "        if float(fnp.max(w)) > 0.5:\n            s = cheap_check(w)\n"
        "        else:\n            s = fnp.sum(w @ w)\n"
        "        return fnp.zeros((mlp.depth, mlp.width)) + s\n")
    report = analyze(path, Point(width, 2, 2**41))
    assert report.inclusive["cheap_check"] > 0
    assert report.calls[("Estimator.predict", "cheap_check")] == 1
    assert not any("cheap_check is never called" in n.message for n in report.notes)
