"""Where a whole `flopcast analyze` spends its time: the analysis, or the re-analyses after it?

    .venv/bin/python bench/reanalysis_cost.py [--points 256x8,1024x16] [FILE ...]

For each estimator (default: the participant-style corpus, tests/realistic/estimators) and
point, in one process and in the order `analyze` runs them: the traced analysis itself, the
closed-form fit of the total (analyzer/formula.py: the program re-run on grids around the
point) and the savings section (check/savings.py: each fix's rewrite analysed at the point,
then the original and every fitted fix's rewrite at the 13 small points of a saving
formula's grid). Each phase prints its CPU seconds, the runs of the program it made and
their mean CPU milliseconds; the savings' share of CPU spent in runs says what the rules
themselves cost. A phase's time is (runs) x (cost per run): the runs are fixed by the fit's
grids (fewer points would change which formulas are printed), so the per-run cost is what
can shrink. CPU time (this process), not wall time. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flopcast.analyzer import api  # noqa: E402
from flopcast.analyzer.formula import fit_formula  # noqa: E402
from flopcast.analyzer.program import estimator_class, load_program  # noqa: E402
from flopcast.check import savings  # noqa: E402
from flopcast.installed import resolve_point  # noqa: E402


class RunMeter:
    """Counts and times every run of a program (``api.run_point``) made while it is installed."""

    def __init__(self) -> None:
        self.runs = 0
        self.cpu = 0.0
        self._real = api.run_point

    def __enter__(self) -> "RunMeter":
        real = self._real

        def metered(*args, **kwargs):
            start = time.process_time()
            try:
                return real(*args, **kwargs)
            finally:
                self.cpu += time.process_time() - start
                self.runs += 1

        api.run_point = metered
        return self

    def __exit__(self, *exc) -> None:
        api.run_point = self._real

    def mark(self) -> tuple[int, float]:
        return self.runs, self.cpu


def phases(path: Path, width: int, depth: int) -> str:
    path = path.parent if path.name == "estimator.py" else path  # a folder submission, as `analyze` is given it
    point = resolve_point(None, width, depth, None)
    program = load_program(path)
    cls = estimator_class(program, None)
    with RunMeter() as meter:
        # What `analyze` does (api._analyze): the traced analysis, then the fit starting from its run.
        start = time.process_time()
        made: list = []
        report = api.analyze_program(program, cls, point, True, False, True, True, made)
        analysed = time.process_time()
        runs_analysis, cpu_analysis = meter.mark()
        report.formula = fit_formula(lambda at: api.run_point(program, cls, at, True), point, report, made[0])
        fitted = time.process_time()
        runs_fit, cpu_fit = meter.mark()
        found = savings.savings(str(path), report, None, formulas=True)
        done = time.process_time()
        runs_all, cpu_all = meter.mark()
    fit_runs, fit_in_runs = runs_fit - runs_analysis, cpu_fit - cpu_analysis
    sav_runs, sav_cpu, sav_in_runs = runs_all - runs_fit, done - fitted, cpu_all - cpu_fit

    def per(cpu: float, runs: int) -> str:
        return f"{1000 * cpu / runs:5.0f} ms/run" if runs else "     -      "

    formulas = sum(1 for f in found if f.fix is not None and f.fix.formula)
    return (f"{label(path):34} {width}x{depth:<3} analysis {analysed - start:5.2f} s | "
            f"fit {fitted - analysed:5.2f} s {fit_runs:3} runs {per(fit_in_runs, fit_runs)} | "
            f"savings {sav_cpu:5.2f} s {sav_runs:3} runs {per(sav_in_runs, sav_runs)} "
            f"({sav_in_runs / sav_cpu if sav_cpu else 0:4.0%} in runs; {len(found)} fixes, {formulas} formulas)")


def label(path: Path) -> str:
    try:
        rel = path.resolve().relative_to(ROOT)
    except ValueError:
        return str(path)
    return str(rel).replace("tests/realistic/estimators/", "corpus/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--points", default="256x8,1024x16")
    ns = parser.parse_args()
    corpus = ROOT / "tests" / "realistic" / "estimators"
    files = ns.files or sorted(corpus.glob("*.py")) + sorted(corpus.glob("*/estimator.py"))
    points = [tuple(int(x) for x in p.split("x")) for p in ns.points.split(",")]
    phases(files[0], *points[0])  # first-use costs (lazy imports, caches in memory) land in no row
    for path in files:
        for width, depth in points:
            print(phases(path, width, depth), flush=True)


if __name__ == "__main__":
    main()
