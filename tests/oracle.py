"""The oracle every static claim is checked against: the real flopscope, run for real.

``measure`` imports the estimator, builds the MLP with whestbench's generator, runs
``setup()`` off the meter and ``predict`` inside a ``BudgetContext``, then makes the
scorer's float32 cast inside the meter, exactly as ``whest run`` does.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flopcast.model import Point

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@dataclass
class Measured:
    total: int
    per_op: dict
    log: list
    # What predict returned, as numpy bytes with its dtype and shape (for bitwise comparisons).
    output: tuple = ()
    # A later MLP's call (measure_calls) that ran out of budget: ``total`` is what it spent first.
    exhausted: bool = False
    # A call that raised (measure_calls' ``go_on``): the exception; ``total`` is what it spent first.
    raised: str = ""


#: An estimator that evaluates one expression ``{expr}`` (``w`` is the first layer's weights)
#: and whose IndexError and ValueError handlers each do other work than the rest, so a raise
#: missed, claimed falsely or of the wrong class shows in the count.
CAUGHT_RAISE_PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            try:
                r = {expr}
                out = fnp.sum(r) * 2.0
            except IndexError:
                out = fnp.sum(w @ w)
            except ValueError:
                out = fnp.max(w @ w.T)
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """


#: An estimator that reads the shape and the values of one expression's result ``{expr}`` (``w``:
#: the first weight matrix): its count shows both.
SHAPED_RESULT_PROGRAM = """\
    import numpy as np
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            r = {expr}
            out = fnp.sum(fnp.ones(r.shape[0]) * 2.0) + fnp.sum(r) * 3.0
            return fnp.zeros((mlp.depth, mlp.width)) + out
    """


def write_program(tmp_path: Path, template: str, **fields) -> Path:
    """``template`` (indented as written in the test module) filled with ``fields``, written as
    ``tmp_path/estimator.py``."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(template).format(**fields))
    return path


def measure(path, point: Point, *, seed: int = 0, scorer_cast: bool = True, class_name: str = "Estimator",
            mlp_name: str = "") -> Measured:
    """``mlp_name``: the MLP's ``name`` (whestbench's contest path names every MLP with a slug;
    sample_mlp leaves it "")."""
    return measure_calls(path, point, 1, seed=seed, scorer_cast=scorer_cast, class_name=class_name,
                         mlp_name=mlp_name)[0]


def measure_calls(path, point: Point, calls: int, *, seed: int = 0, scorer_cast: bool = True,
                  class_name: str = "Estimator", mlp_name: str = "", go_on: bool = False) -> list[Measured]:
    """What each of ``calls`` MLPs costs on one instance, as whestbench's evaluate_estimator runs
    them: one estimator, ``setup()`` once, then ``predict`` for each MLP (sampled with seeds
    ``seed``, ``seed + 1``, ...) inside its own ``BudgetContext`` with the same budget.
    ``go_on``: a call that raises or runs out of budget is recorded (``raised``, ``exhausted``) and
    the next MLP goes on on the same instance, as whestbench does (else the exception propagates,
    and a later call's exhaustion ends the list)."""
    warnings.filterwarnings("ignore")
    import flopscope as flops
    import flopscope.numpy as fnp
    from whestbench.generation import sample_mlp
    from whestbench.scoring import materialise_predictions

    path = Path(path)
    if path.is_dir():
        path = path / "estimator.py"
    folder = str(path.resolve().parent)
    # A sibling module (helpers.py) another test imported from another folder and left in
    # sys.modules would be taken instead of this folder's: drop such stale imports first.
    for sibling in Path(folder).glob("*.py"):
        cached = sys.modules.get(sibling.stem)
        if cached is not None and not str(getattr(cached, "__file__", "") or "").startswith(folder):
            del sys.modules[sibling.stem]
    sys.path.insert(0, folder)
    # No .pyc of the estimator: a test that rewrites it within a second would run the old code.
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        name = f"_oracle_{abs(hash(str(path.resolve())))}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        # registered under its name while it runs, as whestbench's loader does (dataclasses
        # with string annotations look their module up in sys.modules)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        estimator = getattr(module, class_name)()
        if hasattr(estimator, "setup"):
            from whestbench import SetupContext

            try:
                ctx = SetupContext(width=point.width, depth=point.depth, flop_budget=point.budget,
                                   api_version="1.0", submission_dir=folder, seed=seed)
            except TypeError:
                ctx = SetupContext(width=point.width, depth=point.depth, flop_budget=point.budget)
            estimator.setup(ctx)
        runs = []
        for i in range(calls):
            mlp = sample_mlp(point.width, point.depth, fnp.random.default_rng(seed + i), seed=seed + i)
            if mlp_name:
                import dataclasses

                mlp = dataclasses.replace(mlp, name=mlp_name)
            budget = flops.BudgetContext(flop_budget=point.budget, quiet=True)
            try:
                with budget:
                    prediction = estimator.predict(mlp, point.budget)
                    if scorer_cast:
                        materialise_predictions(prediction, depth=point.depth, width=point.width)
            except flops.BudgetExhaustedError:
                if go_on:
                    runs.append((budget, None))
                    continue
                if not i:
                    raise  # the first MLP's, as measure() always raised it
                # whestbench records the MLP as over budget and goes on; so far is enough here
                runs.append((budget, None))
                break
            except Exception as exc:  # noqa: BLE001 - whestbench's `except Exception`
                if not go_on:
                    raise
                runs.append((budget, exc))
                continue
            runs.append((budget, prediction))
    finally:
        sys.dont_write_bytecode = writes_bytecode
        sys.path.remove(folder)
        sys.modules.pop(name, None)
        for key in [k for k, m in sys.modules.items() if getattr(m, "__file__", None) and str(getattr(m, "__file__", "")).startswith(folder)]:
            del sys.modules[key]
    import numpy as np

    out = []
    for budget, prediction in runs:
        per_op: Counter = Counter()
        for record in budget.op_log:
            per_op[record.op_name] += record.flop_cost
        if isinstance(prediction, Exception):
            out.append(Measured(budget.flops_used, dict(per_op), list(budget.op_log), raised=repr(prediction)))
            continue
        array = np.asarray(prediction) if prediction is not None else None
        out.append(Measured(budget.flops_used, dict(per_op), list(budget.op_log),
                            (array.dtype.str, array.shape, array.tobytes()) if array is not None else (),
                            exhausted=prediction is None))
    return out


def static_per_op(report) -> dict:
    """A static report's FLOPs by op name, to hold against ``Measured.per_op``."""
    out: dict = {}
    for c in report.charges:
        out[c.op] = out.get(c.op, 0) + c.flops
    return out


def first_call(report):
    """The report's total for the first MLP's call: its total, or the first of its per-call totals
    when predict leaves state that makes later MLPs cost otherwise (analyzer/carried.py)."""
    return report.per_call[0] if report.per_call else report.total


def first_call_unpriced(report) -> list:
    """What the first MLP's call left unpriced: the report's unpriced entries but the one that
    says later calls were not followed (a state that never repeats across the MLPs)."""
    return [u for u in report.unpriced if u.what != "later calls"]


def assert_exact_match(report, measured: Measured, where: str = "") -> None:
    """The static report is exact (for each call, when later MLPs cost otherwise) and equals the
    runtime count of the first MLP in total and per op (its charges are the first call's)."""
    exact = all(i.exact for i in report.per_call) and not report.alike if report.per_call else report.total.exact
    assert exact, f"inexact total {report.total} (runtime {measured.total:,}){where}"
    assert first_call(report).lo == measured.total, \
        f"first call {first_call(report)} != runtime {measured.total:,}{where}"
    if report.per_call:
        return
    static = static_per_op(report)
    assert static == measured.per_op, (
        f"per-op totals differ\nstatic   {sorted(static.items())}\nmeasured {sorted(measured.per_op.items())}{where}"
    )
    assert report.total.lo == measured.total, f"total {report.total.lo:,} != runtime {measured.total:,}{where}"


def assert_exact_at(path, points) -> None:
    """The analysis of ``path`` claims one exact number at each point, with nothing unpriced or
    raised, and it is the run's count there, op by op."""
    from flopcast.analyzer import analyze

    for point in points:
        report = analyze(path, point)
        assert not report.unpriced and not report.raises, ([(u.what, u.reason) for u in report.unpriced], report.raises)
        assert_exact_match(report, measure(path, point), f" at {point.width}x{point.depth}")


def assert_interval_holds_run(path, point: Point):
    """The analysis of ``path`` prices everything, reports an interval (two ends apart) and the
    run's count lies inside it. Returns the report, for what a test says of it besides."""
    from flopcast.analyzer import analyze

    report = analyze(path, point)
    counted = measure(path, point).total
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert report.total.lo <= counted <= report.total.hi, (counted, report.total)
    assert report.total.lo < report.total.hi, report.total
    return report


def pinned_run(tmp_path: Path, template: str, slot: str, fill: str, point: Point) -> int:
    """The run's count of ``template`` with ``slot`` replaced by ``fill``: the program with a value
    read from data pinned to one of its ends, whose runs are an interval's exact ends."""
    path = tmp_path / f"pinned_{len(list(tmp_path.glob('pinned_*.py')))}.py"
    path.write_text(template.replace(slot, fill))
    return measure(path, point).total


def assert_first_call_exact(path, point: Point) -> None:
    """The first MLP's count is claimed exact, with nothing unpriced in it, and is the run's."""
    from flopcast.analyzer import analyze

    report = analyze(path, point)
    runtime = measure(path, point).total
    assert not first_call_unpriced(report), report.unpriced
    assert first_call(report).exact and first_call(report).lo == runtime, (report.total, runtime)


def assert_first_call_below_run(path, point: Point) -> None:
    """Something the first MLP's count depends on is reported not priced (never an internal
    error), and the count's low end is at most the run's."""
    from flopcast.analyzer import analyze

    report = analyze(path, point)
    runtime = measure(path, point).total
    assert first_call_unpriced(report), f"expected something unpriced, got {report.total} (runtime {runtime:,})"
    assert not [u for u in report.unpriced if u.what == "internal error"], report.unpriced
    assert first_call(report).lo <= runtime, (report.total, runtime)


@dataclass
class Capped:
    """A run under whestbench's memory limit (measure_capped): what flopscope counted up to the
    end of predict or up to the exception that ended it, and that exception's class and line."""

    total: int
    per_op: dict
    error: str = ""  # the class name of what predict raised ("" when it returned)
    line: int = 0  # the estimator's line the exception came from


def measure_capped(path, point: Point, *, seed: int = 0) -> Capped:
    """``measure`` of one MLP in a child process whose address space is capped at whestbench's
    ``memory_limit_mb`` (RLIMIT_AS, as whestbench grades): an allocation past it raises
    MemoryError as in the grader. The scorer's float32 cast is made too. The child is forked
    from a process that imported flopscope and whestbench once (_CappedRuns): a fresh
    interpreter per run spent ~1.4 CPU s on those imports, more than the runs themselves."""
    answer = _capped_runs().run(str(path), point.width, point.depth, point.budget, seed)
    if "failed" in answer:
        raise RuntimeError(f"the capped run failed:\n{answer['failed'][-3000:]}")
    return Capped(**answer)


class _CappedRuns:
    """The forking process of this test process's capped runs (``_capped_server``), started on
    the first run and ended with this process."""

    def __init__(self) -> None:
        import atexit
        import subprocess

        from flopcast.installed import resource_limits

        here = str(Path(__file__).resolve().parent)
        code = (f"import sys; sys.path.insert(0, {here!r}); import oracle; "
                f"oracle._capped_server({resource_limits().memory_limit_bytes})")
        self.process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        atexit.register(self.close)

    def close(self) -> None:
        """End it (its input closes) and wait for it, so its CPU time is this process's children's."""
        self.process.stdin.close()
        self.process.wait(timeout=60)

    def run(self, *request) -> dict:
        import json
        import select

        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        if not select.select([self.process.stdout], [], [], 600)[0]:
            self.process.kill()
            return {"failed": "no result in 600 s"}
        line = self.process.stdout.readline()
        return json.loads(line) if line else {"failed": f"the forking process ended ({self.process.wait()})"}


_capped: list = []  # this test process's _CappedRuns, once started


def _capped_runs() -> _CappedRuns:
    if not _capped or _capped[0].process.poll() is not None:
        _capped[:] = [_CappedRuns()]
    return _capped[0]


def _capped_server(limit: int) -> None:
    """Import what every run imports, then fork one child per request line (path, width, depth,
    budget, seed): the child caps its address space at ``limit`` and runs (_capped_run); its
    answer, or its traceback, comes back through a pipe, one JSON line on stdout per request."""
    import json
    import os
    import traceback

    warnings.filterwarnings("ignore")
    import flopscope  # noqa: F401 - imported here once, for every forked run
    import flopscope.numpy  # noqa: F401
    import whestbench.generation  # noqa: F401
    import whestbench.scoring  # noqa: F401

    for request in sys.stdin:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            # what the estimator prints must not reach the answers' stream
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            try:
                answer = _capped_run(*json.loads(request), limit)
            except BaseException:  # noqa: BLE001 - reported to the test, which raises it
                answer = {"failed": traceback.format_exc()}
            with os.fdopen(write, "w") as out:
                out.write(json.dumps(answer))
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as answers:
            answer = answers.read()
        status = os.waitpid(pid, 0)[1]
        sys.stdout.write((answer or json.dumps({"failed": f"the run ended with wait status {status}"})) + "\n")
        sys.stdout.flush()


def _capped_run(path: str, width: int, depth: int, budget: int, seed: int, limit: int) -> dict:
    import resource
    import traceback

    import flopscope as flops
    import flopscope.numpy as fnp
    from whestbench.generation import sample_mlp
    from whestbench.scoring import materialise_predictions

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.dont_write_bytecode = True  # as measure_calls: no stale .pyc of a rewritten estimator
    target = Path(path).resolve()
    sys.path.insert(0, str(target.parent))
    spec = importlib.util.spec_from_file_location("_capped_estimator", target)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    estimator = module.Estimator()
    mlp = sample_mlp(width, depth, fnp.random.default_rng(seed), seed=seed)
    meter = flops.BudgetContext(flop_budget=budget, quiet=True)
    error, line = "", 0
    try:
        with meter:
            prediction = estimator.predict(mlp, budget)
            materialise_predictions(prediction, depth=depth, width=width)
    except Exception as exc:  # noqa: BLE001 - the run's outcome, reported to the parent
        error = type(exc).__name__
        line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                     if Path(f.filename).resolve() == target), 0)
    per_op: Counter = Counter()
    for record in meter.op_log:
        per_op[record.op_name] += record.flop_cost
    return {"total": meter.flops_used, "per_op": dict(per_op), "error": error, "line": line}
