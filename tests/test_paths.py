"""Path exploration (flopcast/analyzer/paths.py): which paths run first under the cap, and
why the low end of the interval stays a lower bound when the cap cuts exploration short.

The unit tests drive ``explore`` with small decision programs written as Python functions
(a stand-in for the interpreter: they meet sites, make choices through ``Decisions`` and
charge FLOPs); the end-to-end tests run the real analyzer and the real flopscope on a
program with more value-dependent paths than the cap, with the real run forced down
different paths.
"""

from __future__ import annotations

import itertools
import random
from functools import cache
from pathlib import Path
from types import MappingProxyType

import pytest

from oracle import first_call, first_call_unpriced, measure, static_per_op

from flopcast.analyzer import analyze
from flopcast.analyzer.interpreter import Decisions, Interpreter, RunResult, Site
from flopcast.analyzer.paths import MAX_PATHS, explore
from flopcast.analyzer.program import load_program
from flopcast.model import Charge, Point, Span


class Counting(Interpreter):
    """The interpreter, counting the statements it executes by line, in the first MLP's call
    (the calls after it, made when state carries over, are not followed)."""

    def exec_stmt(self, node):
        self.executed[node.lineno] = self.executed.get(node.lineno, 0) + 1
        super().exec_stmt(node)

    def _later_calls(self, *args) -> None:
        pass


def run_counting(path: Path, width: int, depth: int) -> tuple[RunResult, Counting]:
    interp = Counting(load_program(path), width, depth, 2**41, Decisions())
    interp.executed = {}
    return interp.run("Estimator"), interp


def line_runs(path: Path, width: int, depths: tuple):
    """How many times each line of ``path`` ran at each depth (one run each): a function of a
    line's stripped text to {depth: times}."""
    lines = {n + 1: t.strip() for n, t in enumerate(path.read_text().splitlines())}
    counted = {depth: run_counting(path, width, depth)[1].executed for depth in depths}

    def of(text: str) -> dict[int, int]:
        line = next(n for n, t in lines.items() if t == text)
        return {depth: executed.get(line, 0) for depth, executed in counted.items()}

    return of

SPAN = Span("toy.py", 1, 0, 1, 1)


class Toy:
    """A decision program: ``step(choices_so_far)`` gives (FLOPs to charge, next site or None)."""

    def __init__(self, step):
        self.step = step

    def __call__(self, decisions: Decisions) -> RunResult:
        result = RunResult()
        spent, path = 0, []
        while True:
            flops, site = self.step(tuple(path))
            if flops:
                result.charges.append(Charge(SPAN, "toy", flops, "float32", "predict"))
                spent += flops
            if site is None:
                break
            path.append((site.key, decisions.choose(site, spent)))
        result.sites = list(decisions.seen)
        return result


def binary_site(name: str) -> Site:
    return Site(("branch", name), (True, False), SPAN, "branch", name)


def independent_sites(costs: list[tuple[int, int]], prefix: int = 0) -> Toy:
    """Sites met one after another; site i costs costs[i][0] if taken, costs[i][1] if not."""
    def step(path):
        if not path:
            return prefix, binary_site("s0")
        i = len(path) - 1
        flops = costs[i][0] if path[-1][1] else costs[i][1]
        return flops, binary_site(f"s{i + 1}") if i + 1 < len(costs) else None
    return Toy(step)


def every_total(toy: Toy) -> list[int]:
    return [r.total for r in explore(toy, max_paths=10**6).results]


def test_every_path_is_run_when_they_fit_under_the_cap():
    toy = independent_sites([(5, 1), (7, 2), (11, 3)])
    explored = explore(toy)
    assert not explored.capped
    assert sorted(r.total for r in explored.results) == sorted(
        sum(c[0] if pick else c[1] for c, pick in zip([(5, 1), (7, 2), (11, 3)], picks))
        for picks in itertools.product([True, False], repeat=3))


def test_every_site_is_flipped_once_before_any_two_are():
    toy = independent_sites([(2 ** i, 0) for i in range(10)])
    explored = explore(toy, max_paths=11)
    assert explored.capped
    # The default path takes every branch; the next ten runs each skip exactly one.
    totals = sorted(r.total for r in explored.results)
    assert totals == sorted([1023] + [1023 - 2 ** i for i in range(10)])


def test_the_first_site_met_is_flipped_too():
    # Depth-first exploration never flipped the first site under the cap; an expensive
    # first site taken by default made the low end 2-3x the real cheapest count.
    toy = independent_sites([(1000, 10)] + [(1, 0)] * 8)
    explored = explore(toy, max_paths=MAX_PATHS)
    assert explored.capped
    assert any(r.total < 1000 for r in explored.results)


def test_capped_floor_is_below_every_path_not_run():
    toy = independent_sites([(1000, 10)] + [(3, 1)] * 8, prefix=50)
    explored = explore(toy, max_paths=20)
    run = sorted(r.total for r in explored.results)
    lo = min(run + [explored.floor])
    assert lo <= min(every_total(toy))
    assert explored.floor >= 50  # the charges before the first site are common to every path


TAKEN_BACK = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def powers(x, w):
    for _ in range(4):
        x = x @ w
        yield x


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        out = w
        for x in powers(w, w):
            if float(fnp.max(x)) < -1e9:
                continue
            out = x
            break
        return fnp.zeros((mlp.depth, mlp.width)) + out[0]
"""


@pytest.mark.parametrize("point", [Point(8, 2, 10**9), Point(16, 3, 10**9)], ids=lambda p: f"{p.width}x{p.depth}")
def test_capped_floor_leaves_out_what_a_generator_run_ahead_may_take_back(tmp_path: Path, point):
    """The generator's four matmuls are charged when the loop first asks for an item, before the
    test; the run breaks at the first item and its other three charges never happen (flopcast
    takes them back). The path explored first never breaks, so the one left unexplored is the
    run's: its floor must not count the three charges the run never makes."""
    from flopcast.analyzer.api import _runner
    from flopcast.analyzer.program import estimator_class

    path = tmp_path / "estimator.py"
    path.write_text(TAKEN_BACK)
    program = load_program(path)
    capped = explore(_runner(program, estimator_class(program, None), point, True), max_paths=1, separable=False)
    run = measure(path, point).total
    assert capped.floor is not None and [r.total for r in capped.results] != [run]
    assert capped.floor <= run, (capped.floor, run)


def random_tree(seed: int, sites: int) -> Toy:
    """A decision tree where the choices so far decide the next site and every charge."""
    def step(path):
        rng = random.Random(repr((seed, path)))
        flops = rng.choice([0, 1, 10, 100, 1000])
        if len(path) >= sites or (path and rng.random() < 0.15):
            return flops, None
        name = f"s{rng.randrange(sites + 3)}"
        kind = rng.random()
        if kind < 0.2:
            return flops, Site(("size", name), (rng.randrange(50, 100), rng.randrange(0, 50)), SPAN, "shape", name)
        return flops, Site(("branch", name), (True, False), SPAN, "branch", name)
    return Toy(step)


@pytest.mark.parametrize("seed", range(40))
def test_the_capped_interval_contains_every_path(seed):
    toy = random_tree(seed, sites=9)
    truth = every_total(toy)
    for cap in (1, 3, 8, 20):
        explored = explore(toy, max_paths=cap)
        totals = [r.total for r in explored.results]
        if explored.capped:
            totals.append(explored.floor)
        assert min(totals) <= min(truth), (seed, cap)
        if not explored.capped:
            assert max(totals) == max(truth)


# ------------------------------------------------------------------ end to end, real flopscope

PROGRAM = '''\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((256, mlp.width), dtype=fnp.float32)
        first = x @ mlp.weights[0]
        keep = fnp.nonzero(fnp.max(first, axis=0) > {keep_above})[0]   # data-dependent size
        big = first[:, keep] @ mlp.weights[1][keep]                     # cost grows with len(keep)
        t = float(fnp.sum(fnp.abs(big))) + {shift}
        acc = fnp.zeros(mlp.width, dtype=fnp.float32)
        if t > 1.0: acc = acc + 1.0                                      # seven cheap branches
        if t > 2.0: acc = acc * 2.0
        if t > 3.0: acc = fnp.exp(acc)
        if t > 4.0: acc = acc + 1.0
        if t > 5.0: acc = fnp.sqrt(acc)
        if t > 6.0: acc = acc + 1.0
        if t > 7.0: acc = acc - 1.0
        return fnp.stack([acc, fnp.mean(first, axis=0)])
'''

# (keep threshold, shift): the real run keeps no column and takes no branch; keeps every
# column and takes every branch; keeps no column and takes every branch.
VARIANTS = {"cheapest": ("1e9", "0.0"), "dearest": ("-1e9", "0.0"), "mixed": ("1e9", "100.0")}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("width,depth", [(16, 2), (32, 2)])
def test_capped_interval_contains_the_real_count(tmp_path: Path, variant, width, depth):
    keep_above, shift = VARIANTS[variant]
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(keep_above=keep_above, shift=shift))
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    real = measure(path, point).total
    assert any(u.what == "paths" for u in report.unpriced)  # 2^8 paths: over the cap
    assert report.total.lo <= real  # the low end is a lower bound
    if variant == "dearest":
        assert real == report.total.hi  # the default path (every site taken) was run


# ------------------------------------------------------------------ steady loops (repeats.py)

STEADY = Path(__file__).resolve().parent / "fixtures" / "steady" / "steady_loops.py"


def runs_of_line(path: Path, text: str) -> dict[int, int]:
    """How many times the line reading ``text`` ran at depth 8 and at depth 400 (width 16)."""
    line = next(n + 1 for n, t in enumerate(path.read_text().splitlines()) if t.strip() == text)
    return {depth: _executed(path, 16, depth)[line] for depth in (8, 400)}


@cache
def _executed(path: Path, width: int, depth: int) -> MappingProxyType:
    """The times each line ran in one run: made once per (fixture, width, depth), as a test asks
    about up to eight lines of one fixture (a run at depth 400 takes seconds; runs are
    deterministic)."""
    return MappingProxyType(run_counting(path, width, depth)[1].executed)


def assert_counted_exactly(path: Path, point: Point) -> None:
    """flopcast's total and per-op counts at ``point`` are flopscope's, nothing unpriced."""
    report = analyze(path, point)
    measured = measure(path, point)
    assert first_call(report).exact and not first_call_unpriced(report)
    assert first_call(report).lo == measured.total
    assert static_per_op(report) == measured.per_op  # the charges are the first call's


@pytest.mark.parametrize("width,depth,budget", [(16, 6, 2**41), (24, 9, 2**41), (16, 5, 4000 * 16 * 16 * 7)])
def test_skipped_loop_iterations_are_counted_exactly(width, depth, budget):
    assert_counted_exactly(STEADY, Point(width, depth, budget))


def test_a_steady_loop_runs_only_until_it_repeats():
    executed = {}
    for depth in (8, 400):
        result, interp = run_counting(STEADY, 16, depth)
        executed[depth] = sum(interp.executed.values())
        assert sum(1 for c in result.charges if c.op == "matmul") >= 2 * depth
        assert interp.steps > 4 * depth  # the step cap still sees every iteration
    assert executed[400] == executed[8]  # the same statements run: the rest are repeats


@pytest.mark.parametrize("width,depth", [(16, 4), (16, 9)])
def test_a_loop_that_yields_per_layer_is_counted_exactly(width, depth):
    path = STEADY.parent / "generator_loop.py"
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    assert report.total.exact and report.total.lo == measure(path, point).total


ENUMERATE = STEADY.parent / "enumerate_loops.py"


@pytest.mark.parametrize("width,depth", [(16, 5), (24, 9)])
def test_loops_over_enumerate_and_zip_are_counted_exactly(width, depth):
    assert_counted_exactly(ENUMERATE, Point(width, depth, 2**41))


def test_an_enumerate_loop_whose_index_goes_unread_is_skipped():
    source = ENUMERATE.read_text().splitlines()
    lines = {n + 1: text.strip() for n, text in enumerate(source)}
    first = next(n for n, t in lines.items() if t == "x = fnp.maximum(x @ weight, 0.0)")
    second = next(n for n, t in lines.items() if t == "x = fnp.tanh(x @ weight)")
    closure = next(n for n, t in lines.items() if t == "sizes.append(fnp.sum(through_closure()))")

    runs = {depth: run_counting(ENUMERATE, 16, depth)[1].executed for depth in (8, 400)}
    assert runs[400][first] == runs[8][first] < 8  # `i` unread: the rest are repeats
    assert runs[400][second] == runs[8][second] < 7  # `first` unread in the zip loop
    assert runs[400][closure] == 400  # `i` read through the helper's closure: every iteration runs


def test_a_plain_numpy_array_and_a_flopscope_one_are_different_states():
    path = STEADY.parent / "plain_then_metered.py"
    point = Point(16, 12, 2**41)
    report = analyze(path, point)
    assert report.total.exact and report.total.lo == measure(path, point).total


def test_a_reused_call_returns_a_plain_numpy_array_as_plain():
    path = STEADY.parent / "plain_call_result.py"
    point = Point(16, 12, 2**41)
    report = analyze(path, point)
    assert report.total.exact and report.total.lo == measure(path, point).total


COLD = STEADY.parent / "cold_loop.py"


@pytest.mark.parametrize("width,depth", [(16, 2), (16, 5)])
def test_a_loop_that_never_repeated_before_is_counted_exactly_when_it_does(width, depth):
    point = Point(width, depth, 2**41)
    report = analyze(COLD, point)
    assert report.total.exact and report.total.lo == measure(COLD, point).total


def test_a_long_run_of_a_loop_that_never_repeated_before_is_still_skipped():
    body = next(n + 1 for n, t in enumerate(COLD.read_text().splitlines()) if t.strip() == "x = fnp.tanh(x @ w) * scale")

    runs = {}
    for depth in (1, 100):
        result, interp = run_counting(COLD, 16, depth)
        runs[depth] = interp.executed[body]
        assert sum(1 for c in result.charges if c.op == "matmul") == 6 + 7 + 40 * depth
    assert runs[100] == runs[1] <= 6 + 7 + 17  # the third run stops at its 17th iteration at the latest


@pytest.mark.parametrize("name", ["steady_loops.py", "enumerate_loops.py", "cold_loop.py", "plain_then_metered.py",
                                  "compared_counters.py", "budget_reads.py", "module_values.py", "masked_layers.py",
                                  "state_counters.py", "repeated_calls.py", "plain_call_result.py", "cached_calls.py",
                                  "closed_calls.py", "budget_and_helpers.py", "late_reuse.py", "array_logs.py",
                                  "indexed_layers.py", "source_lists.py", "formatted_counters.py",
                                  "own_code/estimator.py", "layer_records.py", "periodic_layers.py",
                                  "reached_calls.py", "unrecorded_calls.py", "comprehensions.py",
                                  "yielding_layers.py", "keyed_logs.py", "rebound_names.py", "budget_answers.py"])
def test_skipping_and_reuse_change_nothing_but_the_work(name, monkeypatch):
    # Traced: the loop runs each charge was made in too, a reused call's charges included.
    from flopcast.analyzer import repeats

    def parts(report):
        charges = report.charges, report.loops and report.loops.at(range(len(report.charges)))
        return (report.total, charges, report.notes, report.unpriced, report.calls, report.inclusive,
                report.loop_entries, report.memory)

    point = Point(16, 9, 2**41)
    fast = parts(analyze(STEADY.parent / name, point, formula=False, trace=True, memory=True))
    monkeypatch.setattr(repeats.SteadyLoop, "watch", classmethod(lambda cls, *args: None))
    monkeypatch.setattr(repeats.SteadyLoop, "watch_comprehension", classmethod(lambda cls, *args: None))
    monkeypatch.setattr(repeats.SteadyLoop, "watch_yielding", classmethod(lambda cls, *args: None))
    monkeypatch.setattr(repeats.CallMemo, "key", lambda self, *args: None)
    assert parts(analyze(STEADY.parent / name, point, formula=False, trace=True, memory=True)) == fast


OWN_CODE = STEADY.parent / "own_code" / "estimator.py"


@pytest.mark.parametrize("width,depth", [(16, 3), (24, 9)])
def test_loops_that_run_only_their_own_code_are_counted_exactly(width, depth):
    # a module's global changed through the module object and by setattr, a global changed
    # by a called function, a class defined in the loop: each steers a price
    assert_counted_exactly(OWN_CODE, Point(width, depth, 2**41))


def test_a_loop_compares_the_globals_of_every_module_only_after_other_code_ran(monkeypatch):
    from flopcast.analyzer import repeats

    walked: dict = {}
    walk = repeats.SteadyLoop.walk

    def recording(self, canon, index):
        parts, item_from = walk(self, canon, index)
        if index > 0:  # (before the first iteration, no code of the loop's has run)
            walked.setdefault(self.node.lineno, set()).add(repeats._OWN_CODE_ONLY in parts)
        return parts, item_from

    monkeypatch.setattr(repeats.SteadyLoop, "walk", recording)
    analyze(OWN_CODE, Point(16, 9, 2**41), formula=False)
    lines = OWN_CODE.read_text().splitlines()
    at = {text.strip(): walked.get(n + 1) for n, text in enumerate(lines) if text.strip().startswith("for ")}
    # the cost model's loop: its own code only, known so from its second execution on
    assert True in at["for i in range(start, stop):"]
    assert at["for _ in range(3 * mlp.depth):"] == {False}  # holds a module object
    assert at["for _ in range(6):"] == {False}  # calls bump()
    assert at["for _ in range(5):"] == {False}  # defines a class


NUMERIC = STEADY.parent / "numeric_cost_model.py"


def test_skipped_iterations_that_charge_nothing_count_one_step(monkeypatch):
    # 8 calls of a 360-iteration loop (16x9) make more than 5,000 steps run one by one; skipped,
    # they count one step each time, and the program reaches its end with flopscope's count
    from flopcast.analyzer import repeats
    from flopcast.analyzer.interpreter import limits

    monkeypatch.setattr(limits, "MAX_STEPS", 5_000)
    assert_counted_exactly(NUMERIC, Point(16, 9, 2**41))
    monkeypatch.setattr(repeats.SteadyLoop, "watch", classmethod(lambda cls, *args: None))
    stopped = analyze(NUMERIC, Point(16, 9, 2**41), formula=False).unpriced  # unskipped: the limit
    assert [u.what for u in stopped] == ["analysis stopped"]


def test_skipped_iterations_that_charge_count_every_step(monkeypatch):
    # the layer loop's skipped iterations charge: they count as if run, and a limit they pass stops the path
    from flopcast.analyzer.interpreter import limits

    point = Point(16, 200, 2**41)
    assert not analyze(NUMERIC, point, formula=False).unpriced
    monkeypatch.setattr(limits, "MAX_STEPS", 3_000)
    assert [u.what for u in analyze(NUMERIC, point, formula=False).unpriced] == ["analysis stopped"]


REPEATED = Path(__file__).resolve().parent / "fixtures" / "steady" / "repeated_calls.py"


@pytest.mark.parametrize("width,depth", [(16, 2), (24, 3)])
def test_reused_calls_are_counted_exactly(width, depth):
    assert_counted_exactly(REPEATED, Point(width, depth, 2**41))


def test_a_repeated_pure_call_is_not_run_again():
    executed = {depth: sum(run_counting(REPEATED, 64, depth)[1].executed.values()) for depth in (3, 30)}
    # block(c, v) for 27 more layers: each an equal call of a recorded one
    assert executed[30] == executed[3]


LATE = STEADY.parent / "late_reuse.py"


@pytest.mark.parametrize("width,depth", [(8, 3), (8, 50)])
def test_calls_reused_after_many_that_were_not_are_counted_exactly(width, depth):
    assert_counted_exactly(LATE, Point(width, depth, 2**41))


def test_a_call_reused_only_after_many_that_were_not_is_still_reused():
    # Keys of a function never reused are made only around powers of two: `layer`'s calls,
    # equal from the 41st on, are reused from the 64th at the latest.
    line = next(n + 1 for n, t in enumerate(LATE.read_text().splitlines()) if t.strip().startswith("h = fnp.tanh"))
    result, interp = run_counting(LATE, 16, 400)
    assert sum(1 for c in result.charges if c.op == "tanh") == 400
    assert interp.executed[line] <= 65


CACHED = STEADY.parent / "cached_calls.py"


@pytest.mark.parametrize("width,depth", [(16, 5), (24, 8)])
def test_calls_around_cached_functions_are_counted_exactly(width, depth):
    # A reused cost model, an lru_cache hit on a new object (a miss at run time), and a cached
    # array handed out twice (the same object: the outer product's aliasing discount).
    assert_counted_exactly(CACHED, Point(width, depth, 2**41))


CLOSED = STEADY.parent / "closed_calls.py"


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_calls_keyed_by_the_globals_their_code_names_are_counted_exactly(width, depth):
    # rows() reads RATE through a helper, table_rows() and listed() a dict and a list changed
    # in place, scaled_rows() an instance whose method reads RATE: each changes between calls.
    assert_counted_exactly(CLOSED, Point(width, depth, 2**41))


def test_a_cost_model_that_a_cached_programme_consults_is_reused_as_its_table_grows():
    body = next(n + 1 for n, t in enumerate(CACHED.read_text().splitlines()) if t.strip() == "total += width * (i + 1)")
    for depth in (8, 12):
        executed = run_counting(CACHED, 16, depth)[1].executed[body]
        # price(layers) for each layers in 1..depth runs at most twice (a first call is never
        # recorded); run afresh at every call of plan it would be hundreds of times more
        assert executed <= depth * (depth + 1), (depth, executed)


def test_one_raise_reached_on_several_paths_is_listed_once(tmp_path: Path):
    # The paths charge different amounts before the safety net; it is still one raise.
    path = tmp_path / "estimator.py"
    path.write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
        "class Estimator(BaseEstimator):\n    def predict(self, mlp, budget):\n"
        "        x = fnp.ones((mlp.depth, mlp.width), dtype=fnp.float32)\n"
        "        if float(fnp.max(x)) > 1e6:\n            x = fnp.exp(x)\n"
        "        if float(fnp.min(x)) < -1e6:\n            x = fnp.tanh(fnp.tanh(x))\n"
        "        if not fnp.all(fnp.isfinite(x)):\n            raise FloatingPointError('not finite')\n"
        "        return x\n")
    report = analyze(path, Point(16, 2, 2**41))
    assert [r.what for r in report.raises] == ["FloatingPointError('not finite')"], report.raises


COUNTERS = STEADY.parent / "compared_counters.py"


@pytest.mark.parametrize("width,depth,budget", [(16, 5, 2**41), (16, 9, 2**41), (16, 12, 6 * 1000 * 16 * 16)])
def test_loops_that_only_compare_their_counter_are_counted_exactly(width, depth, budget):
    assert_counted_exactly(COUNTERS, Point(width, depth, budget))


def test_a_loop_that_only_compares_its_counter_is_skipped_where_the_answers_stay_the_same():
    lines = {n + 1: t.strip() for n, t in enumerate(COUNTERS.read_text().splitlines())}
    at = {text: next(n for n, t in lines.items() if t == text)
          for text in ("x = x * 0.5", "x = fnp.tanh(x @ w)", "x = (lambda: x * (j > 0))()")}
    runs = {depth: run_counting(COUNTERS, 16, depth)[1].executed for depth in (8, 400)}
    assert runs[400][at["x = x * 0.5"]] == runs[8][at["x = x * 0.5"]] < 7  # `i > 0`, `i + 1 < depth`
    assert runs[400][at["x = fnp.tanh(x @ w)"]] < 100  # skipped up to the middle layer and after it
    # read in a lambda: the counter is watched (counters.py), every read of it seen wherever it is made
    assert runs[400][at["x = (lambda: x * (j > 0))()"]] < 16


BUDGET_READS = STEADY.parent / "budget_reads.py"


@pytest.mark.parametrize("width,depth,budget", [(16, 12, 40_000), (16, 12, 60_000), (16, 12, 2**41)])
def test_loops_of_a_program_that_asks_the_budget_are_counted_exactly(width, depth, budget):
    point = Point(width, depth, budget)
    report = analyze(BUDGET_READS, point)
    assert report.total.exact and report.total.lo == measure(BUDGET_READS, point).total


def test_a_loop_that_does_not_ask_the_budget_is_skipped_though_the_program_asks_it():
    lines = {n + 1: t.strip() for n, t in enumerate(BUDGET_READS.read_text().splitlines())}
    quiet = next(n for n, t in lines.items() if t == "x = fnp.maximum(x @ w, 0.0)")
    asking = next(n for n, t in lines.items() if t == "if left() > budget // 2:")
    runs = {depth: run_counting(BUDGET_READS, 16, depth)[1].executed for depth in (8, 400)}
    assert runs[400][quiet] == runs[8][quiet] < 8
    # the asking loop's answer compares alike at every iteration (2**41 is never half spent):
    # it is skipped too, its answers worked out (tests/test_budget_answers.py)
    assert runs[400][asking] < 8


BUDGET_AND_HELPERS = STEADY.parent / "budget_and_helpers.py"


@pytest.mark.parametrize("width,depth,budget", [(16, 12, 150_000), (16, 12, 200_000), (8, 3, 2**41)])
def test_calls_in_a_program_that_asks_the_budget_are_counted_exactly(width, depth, budget):
    assert_counted_exactly(BUDGET_AND_HELPERS, Point(width, depth, budget))


def test_a_call_that_does_not_ask_the_budget_is_reused_though_the_program_asks_it():
    recursion = runs_of_line(BUDGET_AND_HELPERS, "return settle(fnp.tanh(x @ w), w, n - 1)")
    asking = runs_of_line(BUDGET_AND_HELPERS, "return flops.current_budget().flops_remaining")
    assert recursion[400] == recursion[8] < 8
    assert asking[400] == 400


MODULE_VALUES = STEADY.parent / "module_values.py"


def test_a_path_and_a_partial_among_the_globals_do_not_keep_a_loop_from_repeating():
    runs = runs_of_line(MODULE_VALUES, "x = relu(x @ w)")
    assert runs[400] == runs[8] < 8
    assert_counted_exactly(MODULE_VALUES, Point(16, 9, 2**41))


MASKED = STEADY.parent / "masked_layers.py"


def test_a_loop_that_selects_by_a_new_mask_in_each_layer_repeats_and_is_counted_exactly():
    runs = runs_of_line(MASKED, "x = fnp.maximum(x @ w, 0.0)")
    assert runs[400] == runs[8] < 8
    point = Point(16, 9, 2**41)
    report = analyze(MASKED, point)
    assert report.total.lo <= measure(MASKED, point).total <= report.total.hi  # the selection's size is read from data


ARRAY_LOGS = STEADY.parent / "array_logs.py"


@pytest.mark.parametrize("width,depth", [(8, 5), (12, 20)])
def test_loops_that_append_arrays_to_logs_are_counted_exactly(width, depth):
    assert_counted_exactly(ARRAY_LOGS, Point(width, depth, 2**41))


def test_a_loop_that_appends_new_arrays_to_a_log_read_after_it_is_skipped():
    assert runs_of_line(ARRAY_LOGS, "hist.record(fnp.mean(x, axis=0))")[400] < 8
    assert runs_of_line(ARRAY_LOGS, "hist.pairs.append((last * 2.0, fnp.sum(last)))")[400] < 8
    # the same array at every iteration, a dict the next iteration fills, a log read in the loop
    assert runs_of_line(ARRAY_LOGS, "hist.prev.append(scale)  # the same array at every iteration: not new in this one")[400] == 400
    assert runs_of_line(ARRAY_LOGS, "hist.rows.append(entry)")[400] == 400
    assert runs_of_line(ARRAY_LOGS, "hist.read.append(fnp.sum(y, axis=0))")[400] == 400


INDEXED = STEADY.parent / "indexed_layers.py"


@pytest.mark.parametrize("width,depth", [(8, 5), (12, 20)])
def test_loops_that_index_lists_by_their_counter_are_counted_exactly(width, depth):
    assert_counted_exactly(INDEXED, Point(width, depth, 2**41))


def test_a_loop_that_reads_and_stores_a_list_at_its_counter_is_skipped_where_the_items_are_alike():
    assert runs_of_line(INDEXED, "self.mean[layer] = self.mean[layer] + part * 0.5")[400] < 8
    assert runs_of_line(INDEXED, "rows.append(stats.mean[i] * gains[min(i, GAIN - 1)] + acts[i + 1][0])")[400] < 16
    # skipped on each side of the middle layer, where the shapes change
    assert runs_of_line(INDEXED, "total = total + fnp.sum(shaped[i] @ mlp.weights[0], axis=0)")[400] < 16
    assert runs_of_line(INDEXED, "total = total + fnp.sum(fnp.outer(pool[i], x0), axis=0)")[400] < 16
    assert runs_of_line(INDEXED, "log.add(layer, fnp.sum(w, axis=0))")[400] < 8
    assert runs_of_line(INDEXED, "y = turned(y, mlp.weights[i], i)")[400] < 60  # both sides of the tenth layer
    assert runs_of_line(INDEXED, "chain[i + 1] = fnp.tanh(chain[i] @ mlp.weights[i])")[400] == 400
    assert runs_of_line(INDEXED, "total = total + fnp.sum(fnp.ones((i % 3 + 1, width), dtype=fnp.float32), axis=0)")[400] == 400


SOURCES = STEADY.parent / "source_lists.py"


@pytest.mark.parametrize("width,depth", [(8, 5), (12, 20)])
def test_loops_over_lists_the_state_holds_are_counted_exactly(width, depth):
    assert_counted_exactly(SOURCES, Point(width, depth, 2**41))


def test_a_loop_over_a_list_the_state_holds_is_skipped_where_its_items_are_alike():
    assert runs_of_line(SOURCES, "x = fnp.tanh(x @ w) * m.scale")[400] < 8
    assert runs_of_line(SOURCES, "means.append(mu + x * m.scale)")[400] < 8
    assert runs_of_line(SOURCES, "x = x + fnp.sum(fnp.outer(p, m.keep), axis=0)")[400] < 16  # up to m.keep's layer
    assert runs_of_line(SOURCES, "x = x + fnp.sum(s @ m.ws[0], axis=0)")[400] < 100  # each side of the middle
    assert runs_of_line(SOURCES, "x = fnp.tanh(x @ w) * (len(m.ws) + 0.5)")[400] == 400  # the list read otherwise


FORMATTED = STEADY.parent / "formatted_counters.py"


@pytest.mark.parametrize("width,depth", [(8, 5), (8, 12)])
def test_loops_that_format_their_counters_into_text_are_counted_exactly(width, depth):
    assert_counted_exactly(FORMATTED, Point(width, depth, 2**41))


def test_a_loop_that_formats_its_counter_into_a_log_is_skipped_unless_the_text_steers():
    # each skipped layer's label is its own: their lengths size an array after the loop
    assert runs_of_line(FORMATTED, 'log.lines.append(f"layer {i} of {depth}")')[400] < 8
    assert runs_of_line(FORMATTED, 'names.append(f"w{i + 1:02d}")')[400] < 8
    assert runs_of_line(FORMATTED, 'names.append("layer " + str(i) + "/" + str(depth))')[400] < 8
    assert runs_of_line(FORMATTED, 'bump("relu")')[400] < 8  # a global count formatted with a spec
    assert runs_of_line(FORMATTED, 'log.lines.append(f"{i}: {float(fnp.max(x)):.3f}")')[400] < 8
    # a comparison of the counter answered otherwise at the middle layer only: skipped on both sides
    assert runs_of_line(FORMATTED, "x = fnp.tanh(x @ w) + 1.0")[400] < 16
    assert runs_of_line(FORMATTED, "x = x @ w")[400] == 400  # the text steers a branch
    assert runs_of_line(FORMATTED, 'x = fnp.tanh(x @ w) + len(f"{i:{i % 3 + 1}d}")')[400] == 400


RECORDS = STEADY.parent / "layer_records.py"


@pytest.mark.parametrize("width,depth", [(8, 5), (12, 12)])
def test_loops_that_leave_records_that_steer_nothing_are_counted_exactly(width, depth):
    assert_counted_exactly(RECORDS, Point(width, depth, 2**41))


def test_a_layer_loop_that_runs_a_generator_and_fills_a_numpy_table_is_skipped():
    assert runs_of_line(RECORDS, "x = fnp.concatenate(outs, axis=0)")[400] < 8
    # a generator left with an item not taken in each layer: every layer runs
    assert runs_of_line(RECORDS, "x = next(steps(x, w))")[400] == 400
