"""Participant-style estimators (tests/realistic/estimators/) against the real flopscope.

Each estimator is 200-400 lines of competition-style code: budget-planned sample counts
with min/max clamps, a hand-written cost model that picks an algorithm, helper classes
(@dataclass, NamedTuple, __call__, properties, class attributes as loop counts),
@lru_cache, eigh/cholesky/solve/qr/svd/norm, argsort/argpartition with fancy indexing,
flops.stats.norm moments, einsum with repeated operands, enumerate/zip/reversed loops,
tuple and star unpacking, and float(...) of array values that only scales values.

* exact estimators: the static total equals the runtime count at every point, per op too,
  with nothing unpriced;
* ``mc_control`` has one value-dependent branch (clipping a regression coefficient): its
  static total is an interval that contains the runtime count and names that line, and the
  same file with ``# flopcast: assume False`` on the branch is exact.

The points are chosen so that each cost-model arm runs (see the comments).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

HERE = Path(__file__).resolve().parent / "estimators"
BIG = 2**36

EXACT = {
    "lowrank_moments": [
        (16, 2, BIG),         # low rank = full width, two refinement sweeps
        (32, 3, BIG),
        (64, 4, BIG),         # rank capped at MAX_RANK
        (64, 4, 40_000_000),  # smaller rank, no refinement sweeps
        (64, 4, 1_000_000),   # mean-field fallback
    ],
    "spectral_ut": [
        (8, 2, 10**8),        # eigh subspace, rank = width
        (16, 2, 3 * 10**8),
        (32, 3, 2 * 10**9),   # eigh, rank capped
        (64, 4, 10**9),       # randomised sketch (qr + svd)
        (64, 4, 10**6),       # diagonal fallback
    ],
}
VALUE_DEPENDENT = {
    "mc_control": [(8, 2, 10**6), (16, 2, 3 * 10**6), (32, 3, 2 * 10**7), (64, 4, 10**8)],
}
BRANCH = "if float(fnp.max(fnp.abs(beta))) > BETA_CLIP:"


def _cases(table):
    return [pytest.param(name, w, d, b, id=f"{name}-{w}x{d}-b{b:.0e}") for name, pts in table.items()
            for w, d, b in pts]


def _per_op(report) -> dict:
    ops: dict = {}
    for c in report.charges:
        ops[c.op] = ops.get(c.op, 0) + c.flops
    return ops


def _where(name, w, d, b) -> str:
    return f"{name} at {w}x{d} (budget {b:,})"


@pytest.mark.parametrize("name,width,depth,budget", _cases(EXACT))
def test_exact_estimator_equals_runtime(name, width, depth, budget):
    path = HERE / f"{name}.py"
    point = Point(width, depth, budget)
    report = analyze(path, point)
    runtime = measure(path, point)
    where = _where(name, width, depth, budget)
    assert not report.unpriced, f"{where}: unpriced {[(str(u.span), u.what, u.reason) for u in report.unpriced]}"
    assert report.total.exact, f"{where}: expected an exact total {runtime.total:,}, got {report.total}"
    assert report.total.lo == runtime.total, f"{where}: expected {runtime.total:,}, got {report.total.lo:,}"
    static = _per_op(report)
    diff = {op: (runtime.per_op.get(op), static.get(op)) for op in set(static) | set(runtime.per_op)
            if static.get(op) != runtime.per_op.get(op)}
    assert not diff, f"{where}: per-op totals differ (op: (expected, got)) {diff}"


@pytest.mark.parametrize("name,width,depth,budget", _cases(VALUE_DEPENDENT))
def test_value_dependent_estimator_interval_contains_runtime(name, width, depth, budget):
    path = HERE / f"{name}.py"
    point = Point(width, depth, budget)
    report = analyze(path, point)
    runtime = measure(path, point).total
    where = _where(name, width, depth, budget)
    assert not report.unpriced, f"{where}: unpriced {[(str(u.span), u.what, u.reason) for u in report.unpriced]}"
    assert not report.total.exact, f"{where}: expected an interval, got exact {report.total}"
    assert report.total.contains(runtime), f"{where}: expected an interval containing {runtime:,}, got {report.total}"
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == BRANCH)
    assert [(u.kind, u.span.line) for u in report.uncertain] == [("branch", line)], (
        f"{where}: expected the one value-dependent branch at line {line}, got "
        f"{[(u.kind, u.span.line, u.reason) for u in report.uncertain]}")


@pytest.mark.parametrize("name,width,depth,budget", _cases(VALUE_DEPENDENT))
def test_value_dependent_estimator_with_assume_is_exact(name, width, depth, budget, tmp_path):
    source = (HERE / f"{name}.py").read_text()
    assert source.count(BRANCH) == 1
    path = tmp_path / f"{name}_assumed.py"
    path.write_text(source.replace(BRANCH, BRANCH + "  # flopcast: assume False"))
    point = Point(width, depth, budget)
    report = analyze(path, point)
    runtime = measure(path, point).total
    where = _where(f"{name} (assume False)", width, depth, budget)
    assert not report.unpriced, f"{where}: unpriced {report.unpriced}"
    assert report.total.exact, f"{where}: expected exact {runtime:,}, got {report.total}"
    assert report.total.lo == runtime, f"{where}: expected {runtime:,}, got {report.total.lo:,}"


@pytest.mark.parametrize("path", sorted(HERE / f"{name}.py" for name in {**EXACT, **VALUE_DEPENDENT}),
                         ids=lambda p: p.stem)
def test_estimators_are_realistic_size_and_return_depth_by_width(path):
    lines = len(path.read_text().splitlines())
    assert 200 <= lines <= 400, f"{path.stem}: {lines} lines"
    report = analyze(path, Point(16, 2, BIG))
    assert report.returned is not None and report.returned[0] == (2, 16), f"{path.stem}: returns {report.returned}"
