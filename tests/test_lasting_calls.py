"""Calls kept across the analyses of one command (flopcast/analyzer/lasting.py): `analyze` and
`check` analyse each fix's rewrite at the point and at a dozen small points in one
``api.Session``, and an analysis reuses the calls another one recorded — of the same text or of
a rewrite, at the same point or another — when the code that can run is the same text at the
same place and every value it can read is equal.

Each analysis must come out exactly as when nothing is kept: every path's charges in order,
sites, roll-ups, comparisons, functions entered, raises and the whole report; and the real
flopscope's count at each point. A call that reads the width, the budget or the FLOPs spent
must not be reused where they differ, and an edit of a helper must reach every caller.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from exploring import kept_program, paths_of
from oracle import measure

from flopcast.analyzer import analyze, api
from flopcast.analyzer.lasting import LastingCalls
from flopcast.analyzer.program import load_program
from flopcast.model import Point

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "realistic" / "estimators"

_HEAD = """
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

"""

# A helper that reads nothing of the point (reused everywhere), and one that reads the width
# through each way a call can: an argument, an attribute setup() stored, a module global.
READS_WIDTH = """
SCALE = {scale}
HALF = None


def moments(x):
    m = fnp.mean(x, axis=0)
    for _ in range(3):
        m = fnp.tanh(m) * SCALE
    return m


def by_argument(n):
    return fnp.ones((n // 2, 4)) * 2.0


def by_global():
    return fnp.ones((HALF, 3)) + 1.0


class Estimator(BaseEstimator):
    def setup(self, ctx):
        global HALF
        self.quarter = ctx.width // 4
        HALF = ctx.width // 2

    def by_attribute(self):
        return fnp.zeros((self.quarter, 5)) - 1.0

    def predict(self, mlp, budget):
        fixed = moments(fnp.ones((4, 4)))
        a = by_argument(mlp.width)
        b = by_global()
        c = self.by_attribute()
        x = fnp.ones((mlp.width,))
        rows = []
        for w in mlp.weights:
            x = fnp.tanh(x @ w)
            rows.append(x)
        return fnp.stack(rows, axis=0) + fnp.sum(a) + fnp.sum(b) + fnp.sum(c) + fnp.sum(fixed)
"""

# A caller whose helper a rewrite edits (``{inner}``: the helper's body), with the line count kept.
EDITED_HELPER = """
def inner(x):
    return {inner}


def outer(x):
    y = inner(x)
    return fnp.tanh(y) + 1.0


def steady(x):
    for _ in range(4):
        x = fnp.exp(x) * 0.5
    return x


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.width,))
        s = steady(fnp.ones((3, 3)))
        rows = []
        for w in mlp.weights:
            x = outer(x @ w)
            rows.append(x)
        return fnp.stack(rows, axis=0) + fnp.sum(s)
"""

# A helper that asks the FLOPs left: reused only at the same budget and FLOPs spent.
ASKS_BUDGET = """
def samples():
    left = flops.current_budget().flops_remaining
    return max(1, min(64, left // 10**7))


def draw(n):
    return fnp.ones((n, 8)) * 3.0


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        n = samples()
        x = draw(n)
        for w in mlp.weights:
            x = fnp.tanh(x @ w[:8, :8])
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x)
"""


# A helper that returns a module global (``{before}``: a line two above the helper).
RETURNS_A_GLOBAL = """
{before}

def pick():
    return TABLE


TABLE = [fnp.ones((3, 3)), fnp.ones((5, 5))]


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        rows = []{comment}
        x = fnp.ones((mlp.width,))
        for w in mlp.weights:
            first, second = pick()
            x = fnp.tanh(x @ w) + fnp.sum(second @ second)
            rows.append(x)
        return fnp.stack(rows, axis=0)
"""


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "estimator.py"
    path.write_text(_HEAD + text)
    return path


def _alone(path: Path, source: str | None = None):
    return load_program(path, source)


def test_a_call_that_reads_the_width_is_not_reused_at_another_width(tmp_path: Path) -> None:
    path = _write(tmp_path / "a", READS_WIDTH.format(scale="0.5"))
    store = LastingCalls()
    first, second = Point(16, 2, 10**9), Point(24, 3, 10**9)
    paths_of(kept_program(path, store), first)
    kept, kept_work = paths_of(kept_program(path, store), second)
    alone, alone_work = paths_of(_alone(path), second)
    assert kept == alone
    assert kept_work < alone_work  # `moments` (it reads nothing of the point) was reused
    report = analyze(path, second)
    assert report.total.exact and report.total.lo == measure(path, second).total


def test_an_edit_of_a_helper_reaches_its_callers_and_spares_the_rest(tmp_path: Path) -> None:
    path = _write(tmp_path / "a", EDITED_HELPER.format(inner="x * 2.0"))
    rewrite = _HEAD + EDITED_HELPER.format(inner="x * fnp.exp(x)")
    store = LastingCalls()
    point = Point(16, 3, 10**9)
    before, _ = paths_of(kept_program(path, store), point)
    kept, kept_work = paths_of(kept_program(path, store, rewrite), point)
    alone, alone_work = paths_of(_alone(path, rewrite), point)
    assert kept == alone
    assert kept != before  # the rewrite costs more: `outer` was run again with the new `inner`
    assert kept_work < alone_work  # `steady` was reused from the analysis of the other text
    edited = tmp_path / "b" / "estimator.py"
    _write(edited.parent, EDITED_HELPER.format(inner="x * fnp.exp(x)"))
    assert analyze(edited, point).total.lo == measure(edited, point).total


def test_a_line_inserted_above_moves_every_span(tmp_path: Path) -> None:
    path = _write(tmp_path / "a", EDITED_HELPER.format(inner="x * 2.0"))
    moved = _HEAD + "\nLIMIT = 3\n" + EDITED_HELPER.format(inner="x * 2.0")
    store = LastingCalls()
    point = Point(16, 3, 10**9)
    paths_of(kept_program(path, store), point)
    assert paths_of(kept_program(path, store, moved), point) == paths_of(_alone(path, moved), point)  # nothing reused


def test_a_returned_global_is_the_global_of_the_analysis_that_reuses_the_call(tmp_path: Path) -> None:
    # In the rewrite another list comes first among the module's globals, every line in place,
    # and predict has a comment (it runs again): `pick` is the same code reading an equal TABLE,
    # and must return this program's TABLE.
    path = _write(tmp_path / "a", RETURNS_A_GLOBAL.format(before="", comment=""))
    rewrite = _HEAD + RETURNS_A_GLOBAL.format(before="EXTRA = [fnp.ones((7, 7))]", comment="  # rewritten")
    store = LastingCalls()
    point = Point(16, 3, 10**9)
    paths_of(kept_program(path, store), point)
    assert paths_of(kept_program(path, store, rewrite), point) == paths_of(_alone(path, rewrite), point)


@pytest.mark.parametrize("budgets", [(10**9, 10**8), (10**9, 10**9)])
def test_a_call_that_asks_the_budget_is_reused_only_at_the_same_budget(tmp_path: Path, budgets) -> None:
    path = _write(tmp_path / "a", ASKS_BUDGET)
    store = LastingCalls()
    first, second = Point(16, 2, budgets[0]), Point(16, 2, budgets[1])
    paths_of(kept_program(path, store), first)
    kept, kept_work = paths_of(kept_program(path, store), second)
    alone, alone_work = paths_of(_alone(path), second)
    assert kept == alone
    assert (kept_work < alone_work) == (budgets[0] == budgets[1])
    report = analyze(path, second)
    assert report.total.lo == measure(path, second).total


@pytest.mark.parametrize("name", ["hermite_quadrature.py", "lowrank_moments.py", "segment_planner.py"])
def test_the_savings_and_their_formulas_are_as_when_nothing_iskept_program(monkeypatch, name: str) -> None:
    from flopcast.check import engine, savings

    path = CORPUS / name
    point = Point(32, 2, 2**41)
    report = analyze(path, point, trace=True, memory=True)

    def found() -> list:
        return [(f.code, f.line, f.fix.title, f.fix.saving, f.fix.formula, f.fix.safe)
                for f in savings.savings(str(path), report, formulas=True)]

    kept = found()
    monkeypatch.setattr(engine, "session", lambda: api.Session(keep_calls=False).analyze)
    assert kept and kept == found()


def test_a_rewrite_resolves_no_import_an_earlier_rewrite_found_no_file_of_the_folder_for(tmp_path, monkeypatch):
    # Each fix's rewrite is a program of its own; `import heapq` is looked for in the folder
    # (heapq.py, heapq/__init__.py) by the first rewrite only, and counts the same.
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + """
import heapq
import math


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones(mlp.width)
        for w in mlp.weights:
            x = fnp.maximum(w @ x, 0.0) * math.sqrt(2.0)
        heapq.heapify([3, 1, 2])
        return fnp.stack([x] * mlp.depth)
""")
    point = Point(16, 3, 2**41)
    session = api.Session()
    session.analyze(path, point, source=path.read_text() + "# one rewrite\n")
    looked = []
    resolve = Path.resolve
    monkeypatch.setattr(Path, "resolve", lambda self, *a, **k: looked.append(self.name) or resolve(self, *a, **k))
    report = session.analyze(path, point, source=path.read_text() + "# another\n")
    assert "heapq.py" not in looked and "math.py" not in looked
    assert report.exact and report.total.lo == measure(path, point).total
