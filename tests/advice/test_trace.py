"""The traced analysis knows the loop entry and iteration of every charge, also when a
steady loop's iterations are accounted for without running them."""

from __future__ import annotations

from collections import Counter

from flopcast.analyzer import analyze
from flopcast.model import Point

SOURCE = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        base = fnp.ones(mlp.width, dtype=fnp.float32)
        mu = base
        for w in mlp.weights:
            mu = mu @ w
            for k in range(3):
                mu = mu + fnp.sqrt(base)
        return fnp.stack([mu] * mlp.depth)
"""


def test_every_charge_in_a_nested_steady_loop_has_its_own_entry_and_iteration(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(SOURCE)
    depth = 16
    report = analyze(path, Point(8, depth, 2**41), trace=True)
    outer = next(s for s in report.loop_entries if s.line == 9)
    inner = next(s for s in report.loop_entries if s.line == 11)
    assert report.loop_entries[outer] == 1
    assert report.loop_entries[inner] == depth
    loops = report.loops.at(range(len(report.charges)))
    sqrt = [v for c, v in zip(report.charges, loops) if c.op == "sqrt"]
    assert len(sqrt) == 3 * depth
    places = Counter((v[0].index, v[1].entry, v[1].index) for v in sqrt)
    assert set(places) == {(i, i, k) for i in range(depth) for k in range(3)}
    matmuls = [v for c, v in zip(report.charges, loops) if c.op == "matmul"]
    assert sorted(v[0].index for v in matmuls) == list(range(depth))


def test_the_loops_asked_for_some_charges_are_those_the_trace_gives_every_charge():
    # Report.loops works out only the charges asked about (a rule asks about one expression's):
    # in any order, any subset, and after a trip through pickle (a `check` worker's report).
    import pickle
    from pathlib import Path

    from flopcast.analyzer.api import run_point
    from flopcast.analyzer.program import estimator_class, load_program
    from flopcast.analyzer.trace import ChargeLoops

    root = Path(__file__).resolve().parents[2]
    for path in (root / "samples" / "strassen.py", root / "tests" / "realistic" / "estimators" / "vote_ensemble.py"):
        program = load_program(path)
        traces: list = []
        explored = run_point(program, estimator_class(program, None), Point(64, 6, 2**41), True, traces=traces)
        (result,), (trace,) = explored.results, traces
        n = len(result.charges)
        every = trace.loops_between(0, n)
        assert any(every)
        loops = ChargeLoops(trace, n)
        backwards = list(range(n - 1, -1, -3))
        assert loops.at(backwards) == [every[i] for i in backwards]
        assert pickle.loads(pickle.dumps(loops)).at(range(n)) == every
