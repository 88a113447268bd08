"""Calls shared across the runs of one analysis (flopcast/analyzer/repeats.py, SharedCalls): every
path re-runs the program from the start, and a later run reuses the calls an earlier one
recorded in an equal state. Each path must come out exactly as when every call runs: the same
charges in the same order, sites, roll-ups, comparisons, functions entered, raises (only
``RunResult.work``, what the run interpreted, is smaller).

With a trace (what `analyze` runs), the loop runs of every charge and, on the runs that
measure memory (the first, and all of them when a selection's size is tested), the memory
peaks and the largest allocation must be the same too.

The oracle is the same exploration with nothing shared (and, for the corpus file, the real
flopscope count, which must lie inside the interval).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.api import run_point
from flopcast.analyzer.interpreter import Interpreter
from flopcast.analyzer.onsets import Onset
from flopcast.analyzer.program import estimator_class, load_program
from flopcast.analyzer.trace import ChargeLoops
from flopcast.model import Point

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "realistic" / "estimators"
POINT = Point(16, 3, 10**9)

_HEAD = """
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

"""

# A cost model whose table's keys name it (``self``) by identity: a planner's calls made with the
# table empty are reused with another object in its place.
_COSTS = """
import functools

class Costs:
    def __init__(self, width):
        self.width = width

    def layer(self, kind):
        return (kind + 1) * self.width

    @functools.lru_cache(maxsize=None)
    def best(self, layers, units):
        if layers == 0:
            return (0, ())
        found = (10**9, ())
        for kind in range(3):
            cost = self.layer(kind)
            if cost <= units:
                err, rest = self.best(layers - 1, units - cost)
                if err + 2 - kind < found[0]:
                    found = (err + 2 - kind, (kind,) + rest)
        return found
"""

# Each program has a pure planner called before its sites, and a helper that does one thing
# a shared call must carry over (or must not be shared for).
PROGRAMS = {
    "planner and a consulting helper": """
def plan(w, d, b):
    k = 0
    while k < w and (k + 1) ** 2 * d < b // 1000:
        k += 1
    return k

def damp(x):
    s = float(fnp.max(x))
    if s > 1e30:
        return x / s
    return x

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        k = plan(mlp.width, mlp.depth, budget)
        x = fnp.ones((k, mlp.width))
        for w in mlp.weights:
            x = damp(fnp.maximum(x @ w, 0.0))
            if float(fnp.min(x)) < -1.0:
                x = x * 0.5
        return fnp.mean(x, axis=0)
""",
    "a planner returning an object it made": """
class Plan:
    def __init__(self, k, layers):
        self.k = k
        self.layers = layers

def plan(w, d):
    return Plan(max(1, w // 4), list(range(d)))

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        p = plan(mlp.width, mlp.depth)
        x = fnp.ones((p.k, mlp.width))
        for i in p.layers:
            x = fnp.maximum(x @ mlp.weights[i], 0.0)
            if float(fnp.max(x)) > 1e3:
                x = x / 1e3
                p.k += 1
        q = plan(mlp.width, mlp.depth)
        return fnp.zeros((q.k, mlp.width)) + fnp.mean(x, axis=0) * p.k
""",
    "a helper reused within its run, inside a call shared with other runs": """
def root(x):
    s = float(fnp.max(x))
    if s > 1e30:
        return fnp.sqrt(x) + x / s
    return x * 2.0

def advance(x, w):
    h = fnp.maximum(x @ w, 0.0)
    return root(h), h

def rows(width):
    n = 1
    while n * n < width:
        n += 1
    return n

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.maximum(fnp.ones((rows(mlp.width), mlp.width)) @ mlp.weights[0], 0.0)
        x = root(x)
        for w in mlp.weights:
            x, h = advance(x, w)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.mean(x + h, axis=0)
""",
    "helper charging 0 FLOPs and a generator": """
def draw(n, w):
    return fnp.zeros((n, w))

def chunks(n, size):
    for a in range(0, n, size):
        yield a, min(a + size, n)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = draw(8, mlp.width)
        for w in mlp.weights:
            parts = [fnp.tanh(x[a:b] @ w) for a, b in chunks(8, 3)]
            x = fnp.concatenate(parts, axis=0)
            if float(fnp.sum(x)) > 0.0:
                x = draw(8, mlp.width) + x
        return fnp.mean(x, axis=0)
""",
    "a class made inside a function": """
def make(scale):
    class Step:
        def __call__(self, x, w):
            return fnp.tanh(x @ w) * scale
    return Step()

def mean_of(x):
    return fnp.mean(x, axis=0)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        step = make(2.0)
        x = fnp.ones((4, mlp.width))
        for w in mlp.weights:
            x = step(x, w)
            if float(fnp.max(x)) > 1.5:
                x = x / 2.0
            m = mean_of(x)
        return m
""",
    "a namedtuple state moved by a helper": """
import functools
from collections import namedtuple

Moments = namedtuple("Moments", "mean var")

def step(s, w):
    return s._replace(mean=fnp.maximum(s.mean @ w, 0.0), var=s.var @ (w * w))

def mean_field(ws, width):
    return functools.reduce(step, ws, Moments(fnp.zeros(width), fnp.ones(width)))

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        mf = mean_field(mlp.weights, mlp.width)
        x = mf.mean + mf.var
        if float(fnp.max(x)) > 1.0:
            x = x / 2.0
        if float(fnp.min(x)) < 0.5:
            x = x + 1.0
        return fnp.stack([x] * mlp.depth)
""",
    "a helper whose temporary is the largest allocation, after a test of a selection's size": """
def spread(x):
    t = fnp.outer(x, x)
    for _ in range(2):
        t = fnp.tanh(t)
    return fnp.sum(t, axis=0)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.width,))
        keep = fnp.nonzero(x > 0.5)[0]
        if keep.size < 4:
            x = x * 2.0
        for w in mlp.weights:
            if float(fnp.max(x)) > 1e30:
                fnp.sum(x)
            x = fnp.tanh(x @ w)
            s = spread(x[:4])
        if float(fnp.min(x)) < -2.0:
            x = x + spread(x)
        return x + fnp.mean(s)
""",
    "a helper that meets its sites first, then sites after it": """
def sample(x, w, seed):
    # (the choice made in a lambda: an assignment's own `seed or None` joins where its statement
    # ends, and the runs then have no call left to share)
    rng = fnp.random.default_rng((lambda s: s or None)(seed))
    acc = fnp.zeros(x.shape[1])
    for _ in range(5):
        x = fnp.tanh(x @ w)
        acc = acc + fnp.sum(x, axis=0)
    if not fnp.all(fnp.isfinite(acc)):
        raise FloatingPointError("overflow")
    if float(fnp.max(acc)) > 1e30:
        acc = acc / 1e30
    return acc

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        m = sample(fnp.ones((4, mlp.width)), mlp.weights[0], mlp.seed)
        # (tested twice: a run ending its choices at the first test would price the other answer
        # without a run, ending_guards.py, and leave no run to share the helper's call)
        for _ in range(2):
            if float(fnp.min(m)) < 0.0:
                m = fnp.exp(m)
            if float(fnp.max(m)) > 2.0:
                m = m @ mlp.weights[1]
        return m
""",
    # Both helpers take every item of a generator that charges nothing: one to its end, one
    # breaking at its last item. Used up inside the call, it leaves nothing the path reads later.
    "helpers that use a generator up": """
def layers(ws):
    last = len(ws) - 1
    for i, w in enumerate(ws):
        yield i, w, i == last

def forward(x, ws):
    for _, w, _ in layers(ws):
        x = fnp.maximum(x @ w, 0.0)
    return fnp.sum(x, axis=0)

def walk(x, ws):
    for _, w, last in layers(ws):
        x = fnp.tanh(x @ w)
        if last:
            break
    return fnp.mean(x, axis=0)

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        ws = list(mlp.weights)
        x = fnp.ones((4, mlp.width))
        if float(fnp.max(x @ ws[0])) > 1.0:
            x = x * 0.5
        m = forward(x, ws) + walk(x, ws)
        if float(fnp.min(m)) < 0.0:
            m = fnp.exp(m)
        return fnp.stack([m] * mlp.depth)
""",
    # The table's keys name the cost model (``self``) by identity, and each path makes its own:
    # the planner's first call, made with the table empty, is reused with that path's object.
    "a memoised method of an object made on each path": _COSTS + """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        _, kinds = Costs(mlp.width).best(mlp.depth, 5 * mlp.width)
        x = fnp.ones((4, mlp.width))
        for w, kind in zip(mlp.weights, kinds):
            x = fnp.maximum(x @ w, 0.0) if kind else fnp.tanh(x @ w)
            if float(fnp.min(x)) < -1.0:
                x = x * 0.5
        return fnp.stack([fnp.mean(x, axis=0)] * mlp.depth)
""",
    # The cost model comes from a cached factory of the estimator, whose entry is in the tables
    # when the planner's first call begins: that call read only its own table, then empty.
    "a memoised method of an object a cached factory makes": _COSTS + """
class Estimator(BaseEstimator):
    @functools.lru_cache(maxsize=None)
    def costs(self, width):
        return Costs(width)

    def predict(self, mlp, budget):
        _, kinds = self.costs(mlp.width).best(mlp.depth, 5 * mlp.width)
        x = fnp.ones((4, mlp.width))
        for w, kind in zip(mlp.weights, kinds):
            x = fnp.maximum(x @ w, 0.0) if kind else fnp.tanh(x @ w)
            if float(fnp.min(x)) < -1.0:
                x = x * 0.5
        return fnp.stack([fnp.mean(x, axis=0)] * mlp.depth)
""",
    # A planner's recursion is an lru_cache'd closure it makes at each call, consulting a cost model
    # cached at module level (a bounded table: hits move its entries), which predict hits again
    # afterwards. Both tables are empty when the planner begins: it is shared with the entries it
    # added, the closure's under a stand-in and the cost model's in its table.
    "a planner's cached closure consulting a cached cost model": """
import functools

@functools.lru_cache(maxsize=64)
def layer_cost(width, kind):
    fnp.sum(fnp.ones(width))
    return kind + 1

def plan(width, depth, units):
    @functools.lru_cache(maxsize=None)
    def best(layer, left, prev):
        if layer == depth:
            return (0, ())
        found = (10**9, ())
        for kind in range(4):
            cost = layer_cost(width, kind) + (kind != prev)
            if cost <= left:
                err, rest = best(layer + 1, left - cost, kind)
                if err + 2 - kind < found[0]:
                    found = (err + 2 - kind, (kind,) + rest)
        return found

    return best(0, units, None)[1]

class Estimator(BaseEstimator):
    def setup(self, context=None):
        self.plans = {}

    def predict(self, mlp, budget):
        if mlp.width not in self.plans:
            self.plans[mlp.width] = plan(mlp.width, mlp.depth, 4 * mlp.depth)
        x = fnp.ones((4, mlp.width)) * layer_cost(mlp.width, 2)
        for w, kind in zip(mlp.weights, self.plans[mlp.width]):
            x = fnp.maximum(x @ w, 0.0) if kind else fnp.tanh(x @ w)
            if float(fnp.min(x)) < -1.0:
                x = x * 0.5
        return fnp.stack([fnp.mean(x, axis=0)] * mlp.depth)
""",
    # The planner looks up another cached function's table too, whose entry only some paths
    # have added before it: it misses (and charges) on those without. Not shared across them.
    "a memoised method that looks up another function's table": """
import functools

@functools.lru_cache(maxsize=None)
def unit(width):
    fnp.sum(fnp.ones(width))
    return width

class Costs:
    def __init__(self, width):
        self.width = width

    @functools.lru_cache(maxsize=None)
    def best(self, layers, units):
        if layers == 0:
            return (0, ())
        found = (10**9, ())
        for kind in range(3):
            cost = (kind + 1) * unit(self.width)
            if cost <= units:
                err, rest = self.best(layers - 1, units - cost)
                if err + 2 - kind < found[0]:
                    found = (err + 2 - kind, (kind,) + rest)
        return found

class Estimator(BaseEstimator):
    @functools.lru_cache(maxsize=None)
    def costs(self, width):
        return Costs(width)

    def predict(self, mlp, budget):
        costs = self.costs(mlp.width)
        x = fnp.ones((4, mlp.width)) @ mlp.weights[0]
        if float(fnp.max(x)) > 0.0:
            unit(mlp.width)
        _, kinds = costs.best(mlp.depth, 5 * mlp.width)
        for w, kind in zip(mlp.weights, kinds):
            x = fnp.maximum(x @ w, 0.0) if kind else fnp.tanh(x @ w)
        return fnp.stack([fnp.mean(x, axis=0)] * mlp.depth)
""",
}


def _paths(path: Path, share_calls: bool, traced: bool = False, point: Point = POINT) -> list:
    program = load_program(path)
    traces: list = []
    explored = run_point(program, estimator_class(program, None), point, True, traces=traces if traced else None,
                         memory=traced, share_calls=share_calls)
    return _summary(explored.results, traces if traced else None)


def _summary(results: list, traces: Optional[list] = None) -> list:
    """What each run left of its path (``traces``: with the loop runs of its charges and its memory)."""
    traced = traces is not None
    return [(r.chosen, [(c.span, c.op, c.flops, c.dtype, c.function) for c in r.charges],
             [s.key for s in r.sites], r.spent, r.inclusive, r.calls, r.compares,
             sorted((n.lineno, n.col_offset) for n in r.entered), r.raised,
             r.unpriced, r.notes, r.uncertain) + ((
                 ChargeLoops(t, len(r.charges)).at(range(len(r.charges))), None if t.memory is None else t.memory.result())
                 if traced and t is not None else ())
            for r, t in zip(results, traces if traced else results)]


def _work(path: Path, share_calls: bool) -> int:
    program = load_program(path)
    explored = run_point(program, estimator_class(program, None), POINT, True, traces=[], memory=True,
                         share_calls=share_calls)
    return sum(r.work for r in explored.results)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_path_is_as_when_every_call_runs(tmp_path: Path, name: str) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS[name])
    shared = _paths(path, share_calls=True)
    assert len(shared) >= 2
    assert shared == _paths(path, share_calls=False)
    assert _paths(path, share_calls=True, traced=True) == _paths(path, share_calls=False, traced=True)


@pytest.mark.parametrize("name", sorted(set(PROGRAMS) - {"a class made inside a function"}))
def test_calls_are_shared(tmp_path: Path, name: str) -> None:
    # What the runs interpreted (RunResult.work) shrinks: the comparisons above compared shared calls.
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS[name])
    assert _work(path, share_calls=True) < _work(path, share_calls=False)


#: quantile_gram at 8x2 (session 52: ~40% less than at POINT's 16x3): the same 64 paths, value-dependent
#: sites, raises and notes as at 16x3, and its calls still shared (11,777 steps interpreted, 20,924 unshared).
CORPUS_POINT = Point(8, 2, 10**9)


def test_a_corpus_file_keeps_its_paths_and_its_interval_holds_the_real_count() -> None:
    path = CORPUS / "quantile_gram.py"
    assert _paths(path, share_calls=True, point=CORPUS_POINT) == _paths(path, share_calls=False, point=CORPUS_POINT)
    assert _paths(path, share_calls=True, traced=True, point=CORPUS_POINT) \
        == _paths(path, share_calls=False, traced=True, point=CORPUS_POINT)
    report = analyze(path, CORPUS_POINT)
    assert report.total.lo <= measure(path, CORPUS_POINT).total <= report.total.hi


def _watched_run(program, share_calls: bool):
    """The separability check's nominal run (paths.py: watched, sites at their presumed options,
    stage boundaries recorded), after a plain run that recorded the calls it can share. (Joins
    name statements by id: both runs compared are of one program.)"""
    from flopcast.analyzer.interpreter import Decisions, Interpreter
    from flopcast.analyzer.repeats import SharedCalls

    cls = estimator_class(program, None)
    shared = SharedCalls()
    first = Interpreter(program, POINT.width, POINT.depth, POINT.budget, Decisions(), True)
    shared.attach(first.memo)
    first.run(cls)
    watched = Interpreter(program, POINT.width, POINT.depth, POINT.budget,
                          Decisions(watch=True, presume=True, stages=True), True)
    if share_calls:
        shared.attach(watched.memo)
    result = watched.run(cls)
    return result, (result.consults, result.joins, [(c.span, c.op, c.flops, c.dtype, c.function) for c in result.charges],
                    [s.key for s in result.sites], result.inclusive, result.calls, result.compares,
                    sorted((n.lineno, n.col_offset) for n in result.entered), result.raised, result.unpriced,
                    result.notes, result.uncertain)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_watched_run_records_every_consultation_and_join_as_when_every_call_runs(tmp_path: Path,
                                                                                   name: str) -> None:
    # A watched run reuses only the calls that consulted no site: those consulted nothing it
    # logs and ended no statement whose join it records.
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS[name])
    program = load_program(path)
    shared, seen = _watched_run(program, share_calls=True)
    alone, expected = _watched_run(program, share_calls=False)
    assert seen == expected
    assert expected[0] and expected[1]  # it consulted sites and recorded joins


def test_a_watched_run_reuses_the_calls_that_consulted_no_site(tmp_path: Path) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS["planner and a consulting helper"])
    program = load_program(path)
    assert _watched_run(program, share_calls=True)[0].work < _watched_run(program, share_calls=False)[0].work


def test_a_corpus_file_watched_run_is_as_when_every_call_runs() -> None:
    program = load_program(HERE / "lsp" / "fixtures" / "editor_600.py")
    shared, seen = _watched_run(program, share_calls=True)
    alone, expected = _watched_run(program, share_calls=False)
    assert seen == expected
    assert shared.work < alone.work


def _nominal_number(program, share_calls: bool):
    """The nominal number (nominal.py) after the analysis's exploration, with the runs it makes
    itself (those no path of the exploration stands for): reusing the calls shared by the
    exploration's runs, or running every call."""
    from flopcast.analyzer.api import _runner
    from flopcast.analyzer.nominal import nominal, reusing

    cls = estimator_class(program, None)
    sharing: list = []
    explored = run_point(program, cls, POINT, True, share_calls=True, sharing=sharing)
    made: list = []
    runner = _runner(program, cls, POINT, True, None, sharing[0] if share_calls else None)

    def run(decisions):
        made.append(runner(decisions))
        return made[-1]

    found = nominal(reusing(run, explored.results))
    return found, made, [(r.total, [(c.span, c.op, c.flops, c.dtype, c.function) for c in r.charges],
                          [s.key for s in r.sites], r.inclusive, r.calls, r.compares,
                          sorted((n.lineno, n.col_offset) for n in r.entered), r.raised, r.unpriced, r.notes,
                          r.uncertain) for r in made]


@pytest.mark.parametrize("path", [CORPUS / "mask_cascade.py", CORPUS / "staged_pipeline.py"], ids=lambda p: p.stem)
def test_the_nominal_numbers_runs_are_as_when_every_call_runs(path: Path) -> None:
    program = load_program(path)
    found, made, seen = _nominal_number(program, share_calls=True)
    expected_found, alone, expected = _nominal_number(program, share_calls=False)
    assert (found.total, found.presumes, found.why_not) == (expected_found.total, expected_found.presumes,
                                                             expected_found.why_not)
    assert seen == expected
    assert made  # not vacuous: the nominal number made runs of its own, and they reused calls
    assert sum(r.work for r in made) < sum(r.work for r in alone)


def _sites() -> list:
    from flopcast.analyzer.decisions import Site
    from flopcast.model import Span

    def site(line: int, presumed=None):
        span = Span("estimator.py", line, 0, line, 1)
        return Site(("branch", span), (True, False), span, "branch", "depends on values", presumed=presumed)

    return [site(1), site(2, presumed=False), site(3, presumed=True), site(4, presumed=False)]


@pytest.mark.parametrize("kind", ["plain", "presuming"])
def test_a_path_tells_the_answer_it_would_give_at_a_site_it_has_not_met(kind: str) -> None:
    # A call shared from another run that met sites first inside it stands for running it only
    # where this path would answer them as that run did (repeats._answers_alike): the answer told
    # beforehand is the one meeting the site gives. (Only the exploration's plain paths past its
    # first 8 reuse such calls: Decisions.share_first_met.)
    from flopcast.analyzer.decisions import Decisions

    def make() -> Decisions:
        fixed = {_sites()[3].key: True}  # a flip: it overrides the presumption
        return Decisions(fixed, presume=kind == "presuming")

    told, met = make(), make()
    assert [told.would_choose(s) for s in _sites()] == [met.choose(s) for s in _sites()]
    assert not told.chosen and not told.seen


def test_an_analysis_releases_its_call_records_when_it_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    # The runs' interpreters hold the records in reference cycles: kept, their keys (hundreds of
    # thousands of tuples in a savings phase) wait for the cyclic collector. Released when the
    # analysis ends, with the same report; the records kept for the command's other analyses
    # (lasting.py) stay.
    from flopcast.analyzer import repeats
    from flopcast.analyzer.api import Session

    made: list = []
    init = repeats.SharedCalls.__init__

    def tracked(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        made.append(self)

    recorded = []
    add = repeats.SharedCalls.add
    monkeypatch.setattr(repeats.SharedCalls, "__init__", tracked)
    monkeypatch.setattr(repeats.SharedCalls, "add", lambda self, *a: (recorded.append(self), add(self, *a))[1])
    memos: list = []
    finish = repeats.CallMemo.finish
    monkeypatch.setattr(repeats.CallMemo, "finish", lambda self, *a: (memos.append(self), finish(self, *a))[1])
    path = CORPUS / "lowrank_moments.py"
    session = Session()
    report = session.analyze(path, POINT)
    assert recorded and memos and session._calls.entries  # calls were shared, recorded and kept
    assert all(not s.entries for s in made) and all(not m.entries for m in memos)
    assert report == analyze(path, POINT)


@pytest.mark.parametrize("name", ["a memoised method of an object made on each path",
                                  "a memoised method of an object a cached factory makes"])
def test_a_memoised_method_is_not_interpreted_again_on_later_paths(tmp_path: Path, name: str) -> None:
    # Each path makes its own cost model, so the table's keys name another object on each: the
    # planner's calls are reused with the later path's object in their place.
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS[name])
    program = load_program(path)
    first, *later = [r.work for r in run_point(program, estimator_class(program, None), POINT, True,
                                                share_calls=True).results]
    assert later and all(work < first / 4 for work in later)
    report = analyze(path, POINT)
    assert report.total.lo <= measure(path, POINT).total <= report.total.hi


@pytest.mark.parametrize("point", [Point(8, 2, 10**9), Point(16, 3, 10**9)], ids=str)
def test_a_planner_filling_tables_it_began_empty_is_not_interpreted_again_on_later_paths(
        tmp_path: Path, point: Point) -> None:
    # The planner adds entries to its own closure's table and to the cost model's: it was run
    # again on every path while a recorded call could add entries only to its own function's.
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + PROGRAMS["a planner's cached closure consulting a cached cost model"])
    program = load_program(path)
    first, *later = [r.work for r in run_point(program, estimator_class(program, None), point, True,
                                                share_calls=True).results]
    assert later and all(work < first / 4 for work in later)
    report = analyze(path, point)
    assert report.total.lo <= measure(path, point).total <= report.total.hi


# A loop's stop whose later work reads the passes made: the runs stopping at each of its executions
# (late_stops.py) answer it per execution (onsets.Onset), and reuse only the other runs' calls that
# consulted no site (the planner), recording only such calls.
_PLANNER_THEN_LATE_STOP = _HEAD + _COSTS + """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        _, kinds = Costs(mlp.width).best(mlp.depth, 5 * mlp.width)
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        used = 0
        for step in range(6):
            v = w @ v
            used += 1
            if float(fnp.linalg.norm(v)) > 1e3:
                break
        a = fnp.ones((used * (6 - used) + len(kinds), mlp.width))
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(a @ a.T) + fnp.sum(v)
"""


# A helper whose guard is a covered arm (covered_arms.py): other runs settle the guard without a
# site, a run answering per execution asks it, so it does not reuse their call (it did not see the
# site, Interpreter.unasked).
_COVERED_ARM_THEN_LATE_STOP = _HEAD + """
def inverse_peak(x):
    s = float(fnp.max(x))
    return 1.0 / s if s > 0 else 0.0


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        c = inverse_peak(w)
        v = fnp.sum(w, axis=0)
        used = 0
        for step in range(6):
            v = w @ v
            used += 1
            if float(fnp.linalg.norm(v)) > 1e3:
                break
        a = fnp.ones((used * (6 - used) + 1, mlp.width))
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.sum(a @ a.T) + fnp.sum(v) * c
"""


@pytest.mark.parametrize("source", [_PLANNER_THEN_LATE_STOP, _COVERED_ARM_THEN_LATE_STOP],
                         ids=["planner", "covered arm"])
def test_runs_answering_per_execution_are_as_when_every_call_runs(tmp_path: Path, source: str) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(source)
    shared = _paths(path, share_calls=True)
    assert any(any(v.__class__ is Onset for v in chosen.values()) for chosen, *_ in shared)
    assert shared == _paths(path, share_calls=False)
    assert _paths(path, share_calls=True, traced=True) == _paths(path, share_calls=False, traced=True)


def test_a_run_answering_per_execution_reuses_the_planner_another_run_recorded(tmp_path: Path) -> None:
    # Such a run reused no call, so each interpreted the whole planner again.
    path = tmp_path / "estimator.py"
    path.write_text(_PLANNER_THEN_LATE_STOP)
    program = load_program(path)
    first, *later = run_point(program, estimator_class(program, None), POINT, True, share_calls=True).results
    per_execution = [r.work for r in later if any(v.__class__ is Onset for v in r.chosen.values())]
    assert per_execution and all(work < first.work / 4 for work in per_execution)
    report = analyze(path, POINT)
    assert report.total.lo <= measure(path, POINT).total <= report.total.hi



# A planner made anew at each call of predict, its recursion an lru_cache'd closure (oo_folder's),
# and a count of calls the later calls of predict read: the second call plans again. The first call
# of a function on a path is kept for the other runs only; the second call ran the whole planner
# again, as when calls are not shared.
_PLANNER_EACH_CALL = _HEAD + """
import functools


class Planner:
    def __init__(self, width, depth):
        self.width = width
        self.depth = depth

    def plan(self, units):
        @functools.lru_cache(maxsize=None)
        def best(layer, left):
            if layer == self.depth:
                return (0, ())
            found = (10**9, ())
            for kind in range(3):
                cost = (kind + 1) * self.width
                if cost <= left:
                    err, rest = best(layer + 1, left - cost)
                    if err + 2 - kind < found[0]:
                        found = (err + 2 - kind, (kind,) + rest)
            return found

        return best(0, units)[1]


class Estimator(BaseEstimator):
    def __init__(self):
        self.calls = 0

    def predict(self, mlp, budget):
        self.calls += 1
        kinds = Planner(mlp.width, mlp.depth).plan(5 * mlp.width if self.calls < 100 else mlp.width)
        x = fnp.ones((4, mlp.width))
        for w, kind in zip(mlp.weights, kinds):
            x = fnp.maximum(x @ w, 0.0) if kind else fnp.tanh(x @ w)
        return fnp.stack([fnp.mean(x, axis=0)] * mlp.depth)
"""


def test_a_later_call_of_predict_reuses_the_planner_its_first_call_ran(tmp_path: Path) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(_PLANNER_EACH_CALL)
    program = load_program(path)
    runs = {share: run_point(program, estimator_class(program, None), POINT, True, share_calls=share).results
            for share in (True, False)}
    assert all(r.later for r in runs[False])  # predict is called again on the path
    assert runs[True][0].work < runs[False][0].work * 3 / 4
    assert _paths(path, share_calls=True) == _paths(path, share_calls=False)
    report = analyze(path, POINT)
    assert report.total.lo == measure(path, POINT).total == report.total.hi

# The same planner, its units sized by the passes of a loop whose stop the work after it reads
# (late_stops.py): each run stopping at another pass answers per execution (onsets.Onset) and plans
# with units no other run planned with. Such a run recorded no call, so the second call of predict
# interpreted the whole planner again, as its first had.
_PLANNER_AFTER_LATE_STOP_EACH_CALL = _PLANNER_EACH_CALL.split("class Estimator")[0] + """
class Estimator(BaseEstimator):
    def __init__(self):
        self.calls = 0

    def predict(self, mlp, budget):
        self.calls += 1
        w = mlp.weights[0]
        v = fnp.sum(w, axis=0)
        used = 0
        for step in range(6):
            v = w @ v
            used += 1
            if float(fnp.linalg.norm(v)) > 1e3:
                break
        kinds = Planner(mlp.width, mlp.depth).plan((used + 3) * mlp.width if self.calls < 100 else mlp.width)
        x = fnp.ones((4, mlp.width))
        for w, kind in zip(mlp.weights, kinds):
            x = fnp.maximum(x @ w, 0.0) if kind else fnp.tanh(x @ w)
        return fnp.stack([fnp.mean(x, axis=0)] * mlp.depth) + fnp.sum(v)
"""


def test_a_run_answering_per_execution_reuses_the_planner_its_first_call_of_predict_ran(tmp_path: Path) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(_PLANNER_AFTER_LATE_STOP_EACH_CALL)
    program = load_program(path)
    runs = {share: run_point(program, estimator_class(program, None), POINT, True, share_calls=share).results
            for share in (True, False)}
    per_execution = [(shared.work, alone.work) for shared, alone in zip(runs[True], runs[False])
                     if any(v.__class__ is Onset for v in shared.chosen.values())]
    assert per_execution and all(shared < alone * 3 / 4 for shared, alone in per_execution)
    assert _summary(runs[True]) == _summary(runs[False])
    report = analyze(path, POINT)
    assert report.total.lo <= measure(path, POINT).total <= report.total.hi


# A block recursion handed an object (its leaf size on an instance): the recursion keys of its
# calls name that object by id, and a reuse under a frame of the function checks the keys it
# would make with its own state's object (held_keys.py).
_BLOCKS = """
class Blocks:
    def __init__(self, leaf):
        self.leaf = leaf

    def split(self, n):
        return n % 2 == 0 and n > self.leaf


def product(a, b, blocks):
    n = a.shape[0]
    if not blocks.split(n):
        return a @ b
    h = n // 2
    top = fnp.concatenate([product(a[:h, :h], b[:h, :h], blocks), product(a[:h, h:], b[h:, h:], blocks)], axis=1)
    bottom = fnp.concatenate([product(a[h:, :h], b[:h, h:], blocks), product(a[h:, h:], b[h:, :h], blocks)], axis=1)
    return fnp.concatenate([top, bottom], axis=0)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        blocks = Blocks(4)
        x = fnp.ones((mlp.width, mlp.width)) @ mlp.weights[0]
        if float(fnp.max(x)) > 0.0:
            x = x * 0.5
        x = fnp.tanh(product(x, mlp.weights[1], blocks))
        return fnp.stack([fnp.mean(x, axis=0)] * mlp.depth)
"""


def _first_work(path: Path, point: Point) -> int:
    program = load_program(path)
    return run_point(program, estimator_class(program, None), point, True, share_calls=True).results[0].work


def test_a_recursion_through_an_object_reuses_its_equal_calls_inside_itself(tmp_path: Path) -> None:
    # Each level of blocks runs its first product and reuses the three others (same shapes, the
    # same object): the work grows by the same amount at each level, not fourfold.
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + _BLOCKS)
    works = [_first_work(path, Point(w, 2, 10**9)) for w in (16, 32, 64)]
    assert works[2] - works[1] == works[1] - works[0]
    for w in (16, 64):
        point = Point(w, 2, 10**9)
        report = analyze(path, point)
        assert report.total.lo <= measure(path, point).total <= report.total.hi


# The cost model's memo fills at the first layer's product; the next layers are watched as a
# steady loop with that memo set aside as a log (counters.py), and their products' keys read it.
_MEMO_BLOCKS = """
class Costs:
    def __init__(self, leaf):
        self.leaf = leaf
        self.seen = {}

    def best(self, n):
        if n not in self.seen:
            plain = 2 * n ** 3
            self.seen[n] = plain if n <= self.leaf or n % 2 else min(plain, 4 * self.best(n // 2) + n * n)
        return self.seen[n]

    def split(self, n):
        return n % 2 == 0 and n > self.leaf and self.best(n) < 2 * n ** 3


def product(a, b, costs):
    n = a.shape[0]
    if not costs.split(n):
        return a @ b
    h = n // 2
    top = fnp.concatenate([product(a[:h, :h], b[:h, :h], costs), product(a[:h, h:], b[h:, h:], costs)], axis=1)
    bottom = fnp.concatenate([product(a[h:, :h], b[:h, h:], costs), product(a[h:, h:], b[h:, :h], costs)], axis=1)
    return fnp.concatenate([top, bottom], axis=0)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        costs = Costs(4)
        x = fnp.ones((mlp.width, mlp.width)) @ mlp.weights[0]
        if float(fnp.max(x)) > 0.0:
            x = x * 0.5
        for w in mlp.weights:
            x = fnp.tanh(product(x, w, costs))
        return fnp.stack([fnp.mean(x, axis=0)] * mlp.depth)
"""


@pytest.mark.parametrize("width", [16, 32])
def test_a_layer_reuses_a_product_whose_key_reads_a_memo_an_earlier_layer_filled(tmp_path: Path,
                                                                                  width: int) -> None:
    # Every layer after the first reuses the first's product, also the watched one: a fourth
    # layer costs no work.
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + _MEMO_BLOCKS)
    assert _first_work(path, Point(width, 4, 10**9)) == _first_work(path, Point(width, 3, 10**9))
    point = Point(width, 4, 10**9)
    report = analyze(path, point)
    assert report.total.lo <= measure(path, point).total <= report.total.hi
    assert _paths(path, share_calls=True) == _paths(path, share_calls=False)


# A planner made before every site, then a test of a selection's size: its counts make a second
# exploration (sizetests.py), whose runs have calls shared of their own (api.run_point). The
# planner's memoised method files its entries under an object made on each path, so no calls
# kept across analyses (lasting.py) stand for it.
_PLANNER_THEN_SIZE_TEST = """
import functools


class Costs:
    def __init__(self, width):
        self.width = width

    def unit(self, kind):
        return (kind + 1) * self.width

    def best(self, layers, room):
        return self._best(layers, room // self.width)

    @functools.lru_cache(maxsize=None)
    def _best(self, layers, units):
        if layers == 0:
            return (0, ())
        found = (10**9, ())
        for kind in range(3):
            cost = self.unit(kind) // self.width
            if cost <= units:
                err, rest = self._best(layers - 1, units - cost)
                if err + 2 - kind < found[0]:
                    found = (err + 2 - kind, (kind,) + rest)
        return found


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        _, kinds = Costs(mlp.width).best(mlp.depth + 8, (2 * mlp.depth + 12) * mlp.width)
        w = mlp.weights[0]
        idx = fnp.flatnonzero(w[0] > 0.2)
        if len(idx) < 3:
            x = fnp.ones((mlp.width,))
        else:
            x = fnp.mean(w[:, idx], axis=1)
        for v, kind in zip(mlp.weights, kinds):
            x = fnp.tanh(x @ v) if kind else fnp.maximum(x @ v, 0.0)
            if float(fnp.max(x)) > 1e30:
                x = x / 2.0
        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + x
"""


def _works_of_every_run(monkeypatch: pytest.MonkeyPatch, path: Path, point: Point) -> list:
    """What each run made by an analysis's exploring interpreted, in the order made (also the
    runs of explorations the results do not list)."""
    works: list = []
    real = Interpreter.run

    def counted(self, class_name):
        try:
            return real(self, class_name)
        finally:
            works.append(self.work)

    with monkeypatch.context() as m:
        m.setattr(Interpreter, "run", counted)
        program = load_program(path)
        run_point(program, estimator_class(program, None), point, True, traces=[], memory=True, share_calls=True)
    return works


@pytest.mark.parametrize("point", [Point(8, 2, 10**9), Point(16, 3, 10**9)], ids=str)
def test_a_planner_made_before_every_site_is_interpreted_once_across_explorations(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, point: Point) -> None:
    # The first run of the size test's exploration interpreted the whole planner again.
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + _PLANNER_THEN_SIZE_TEST)
    first, *later = _works_of_every_run(monkeypatch, path, point)
    assert later and all(work < first / 4 for work in later)
    report = analyze(path, point)
    assert report.total.lo <= measure(path, point).total <= report.total.hi


def test_the_paths_of_explorations_sharing_a_planner_are_as_when_every_call_runs(tmp_path: Path) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + _PLANNER_THEN_SIZE_TEST)
    shared = _paths(path, share_calls=True)
    assert len(shared) >= 4
    assert shared == _paths(path, share_calls=False)
    assert _paths(path, share_calls=True, traced=True) == _paths(path, share_calls=False, traced=True)


# A method reading its instance's attributes by name (receiver_reads.py), called again after a
# statement between the calls changes one of its class's attributes ({change}). Its count, made
# in a loop, by a lambda or by a comprehension (the nested scope reads ``self`` by name too), or
# by its base's method, reached by ``super()`` (which reads ``self`` without naming it).
_RECEIVER_READS = """
import functools


class Counter:
    def counted(self, n):
        count = 0
        for k in range(n * self.width):
            if k % self.width == 0:
                count = count + self.POWER - 1
        return count

    def doubled(self, n):  # (it names what ``counted`` names: only the function tells them apart)
        count = 0
        for k in range(n * self.width):
            if k % self.width == 0:
                count = count + 2 * (self.POWER - 1)
        return count

    products = counted


class Model(Counter):
    POWER = 2
    label = "first"

    def __init__(self, width):
        self.width = width

{products}

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        model = Model(mlp.width)
        w = mlp.weights[0]
        y = w
        for _ in range(model.products(2)):
            y = y @ w
        {change}
        for _ in range(model.products(2)):
            y = y @ w
        # (whestbench's later calls begin as the first)
        Model.POWER, Model.label, Counter.products = 2, "first", Counter.counted
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(y)
"""
_PRODUCTS = {
    "loop": """
    def products(self, n):
        count = 0
        for k in range(n * self.width):
            if k % self.width == 0:
                count = count + self.POWER - 1
        return count
""",
    "lambda": """
    def products(self, n):
        return functools.reduce(lambda count, k: count + (self.POWER - 1 if k % self.width == 0 else 0),
                                range(n * self.width), 0)
""",
    "comprehension": """
    def products(self, n):
        return sum([self.POWER - 1 for k in range(n * self.width) if k % self.width == 0])
""",
    "super": """
    def products(self, n):
        return super().products(n)
""",
    # (the width read is the instance's own, over its class's default)
    "shadowed": """
    width = 0

    def products(self, n):
        count = 0
        for k in range(n * self.width):
            if k % self.width == 0:
                count = count + self.POWER - 1
        return count
""",
}


def _receiver_program(tmp_path: Path, change: str, products: str) -> Path:
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + _RECEIVER_READS.format(change=change, products=_PRODUCTS[products]))
    return path


@pytest.mark.parametrize("products", sorted(_PRODUCTS))
def test_a_method_reading_a_class_attribute_that_changed_between_calls_is_run_again(
        tmp_path: Path, products: str) -> None:
    # The key holds the class attribute the method reads: the second call counts 4 products, not 2.
    path = _receiver_program(tmp_path, "Model.POWER = 3", products)
    report = analyze(path, POINT)
    assert report.total.exact and report.total.lo == measure(path, POINT).total


@pytest.mark.parametrize("products", sorted(_PRODUCTS))
def test_a_method_is_reused_after_a_change_to_a_class_attribute_it_does_not_read(
        tmp_path: Path, products: str) -> None:
    # Its key holds what it reads of its instance by name, not every attribute of its class: the
    # second call is reused whether `label` changed or not.
    changed = _receiver_program(tmp_path, 'Model.label = "second"', products)
    unread = _work(changed, share_calls=True)
    same = _work(_receiver_program(tmp_path, 'Model.label = "first"', products), share_calls=True)
    assert unread == same
    report = analyze(changed, POINT)
    assert report.total.exact and report.total.lo == measure(changed, POINT).total


def test_a_method_whose_super_method_changed_between_calls_is_run_again(tmp_path: Path) -> None:
    # The key holds what ``super().products`` found: the second call counts 4 products, not 2.
    path = _receiver_program(tmp_path, "Counter.products = Counter.doubled", "super")
    report = analyze(path, POINT)
    assert report.total.exact and report.total.lo == measure(path, POINT).total
