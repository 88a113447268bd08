"""``--calibrate``: observe the value-dependent decisions at a small point, price the target.

1. The static analysis at a small point (and the target's report) names the sites.
2. One run at the small point, in verify's sandboxed child with its limits, records the
   outcome of every execution of every site (``flopcast.runtime.observe``); the meter and
   its attribution are the ones ``verify`` uses, so the observation changes no count.
3. The interpreter runs once more at the target with those outcomes replayed
   (``flopcast.analyzer.replay``): the calibrated prediction. ``observe`` does steps 1-2
   once; its ``Observation.replay`` does step 3 at as many points as wanted (``fit``).

The small point's budget keeps the round's budget per ``w²·d`` (a budget rule written as
``budget // (w * w * d)`` makes the same choice at both points).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Optional

from flopcast.analyzer.api import run_point
from flopcast.analyzer.interpreter import Interpreter
from flopcast.analyzer.program import Program, estimator_class, load_program
from flopcast.analyzer.replay import ReplayDecisions, site_bounds
from flopcast.model import Calibration, CalibratedSite, Interval, Point, Report
from flopcast.runtime.isolate import run_isolated
from flopcast.runtime.observe import WatchSite
from flopcast.runtime.protocol import RunRequest

#: Candidate small points, smallest first: the first one the estimator does not refuse is used.
SMALL_POINTS = ((32, 2), (64, 2), (64, 4), (128, 4), (256, 8))
WATCHED_KINDS = ("branch", "loop", "exception", "shape")


class CalibrationError(Exception):
    """The small run could not be used; the message says why and where."""


def small_budget(target: Point, width: int, depth: int) -> int:
    return max(1, target.budget * width * width * depth // (target.width * target.width * target.depth))


def parse_size(text: str) -> tuple[int, int]:
    width, sep, depth = text.lower().partition("x")
    try:
        w, d = int(width), int(depth)
        if not sep or w <= 0 or d <= 0:
            raise ValueError
    except ValueError:
        raise CalibrationError(f"--calibrate: cannot read {text!r}; write WIDTHxDEPTH, e.g. --calibrate 32x2") from None
    return w, d


@dataclass
class Observation:
    """The decisions of one run at a small point, ready to be replayed at any target point."""

    program: Program
    cls: str
    point: Point  # where the decisions were observed
    seed: int
    run_seconds: float
    scorer: bool
    observed: dict
    bounds: dict

    def replay(self, target: Point, program: Optional[Program] = None) -> Calibration:
        """The calibrated prediction at ``target`` (``program``: a rewritten copy of the observed one)."""
        decisions = ReplayDecisions(self.observed, self.bounds)
        result = Interpreter(program or self.program, target.width, target.depth, target.budget,
                             decisions, self.scorer).run(self.cls)
        sites = tuple(
            CalibratedSite(r.span, r.kind, r.summary(), r.rule, r.approximate)
            for r in sorted(decisions.replays.values(), key=lambda r: (r.span.path, r.span.line, r.span.col))
        )
        return Calibration(result.total, self.point, self.seed, self.run_seconds, sites,
                           lower_bound=bool(result.unpriced))


def calibrate(path: str | Path, report: Report, *, size: Optional[tuple[int, int]] = None, seed: int = 0,
              class_name: Optional[str] = None, timeout: float = 120.0,
              memory_mib: Optional[int] = 8192) -> Calibration:
    """The calibrated prediction at ``report.point``, within the report's interval (``within``);
    raises CalibrationError when the small run fails."""
    return within(observe(path, report, size=size, seed=seed, class_name=class_name, timeout=timeout,
                          memory_mib=memory_mib).replay(report.point), report.total)


def within(calibration: Calibration, sound: Interval) -> Calibration:
    """``calibration`` with its total inside ``sound``, the interval the analysis reports at the same
    point. A replay carries the small run's decisions over as it observed them (trip counts reused,
    a branch answered as it was there) and may so follow a path no run at this point takes (a
    loop's trip count past what the target's cap lets it run): a total outside the interval is
    then no estimate of anything. It is moved to the interval's nearest end and flagged
    (``replayed`` keeps the path's own total), never reported outside."""
    if sound.contains(calibration.total):
        return calibration
    return replace(calibration, total=min(max(calibration.total, sound.lo), sound.hi), replayed=calibration.total)


def observe(path: str | Path, report: Report, *, size: Optional[tuple[int, int]] = None, seed: int = 0,
            class_name: Optional[str] = None, timeout: float = 120.0,
            memory_mib: Optional[int] = 8192) -> Observation:
    """Run the estimator once at the small point (for ``report``'s sites and budget) and keep what it decided;
    raises CalibrationError when the small run fails."""
    program = load_program(Path(path))
    cls = estimator_class(program, class_name)
    target = report.point
    scorer = report.include_scorer_cast
    small, small_sites, covered = _small_point(program, cls, target, size, scorer)
    spans = {(s.span, s.kind) for s in small_sites if s.kind in WATCHED_KINDS}
    # a guard the static paths covered (covered_arms.py) is a site again in the replay
    spans |= {(span, "branch") for span in covered}
    spans |= {(u.span, u.kind) for u in report.uncertain if u.kind in WATCHED_KINDS}
    watch = sorted(spans, key=lambda sk: (sk[0].path, sk[0].line, sk[0].col, sk[1]))
    request = RunRequest(
        estimator_path=str(program.main.path), width=small.width, depth=small.depth, budget=small.budget,
        seed=seed, class_name=class_name, scorer=True, memory_mib=memory_mib,
        watch=tuple(asdict(WatchSite(s.path, s.line, s.col, s.end_line, s.end_col, kind)) for s, kind in watch),
    )
    started = time.perf_counter()
    run = run_isolated(request, timeout=timeout)
    seconds = time.perf_counter() - started
    if not run.ok:
        err = run.error
        where = f" at {err.span}" if err is not None and err.span is not None else ""
        what = f"{err.type}: {err.message}" if err is not None else run.status
        raise CalibrationError(f"the calibration run at {small.width}x{small.depth} failed ({run.status}): "
                               f"{what}{where}; calibrate at another size with --calibrate WxD")
    observed = {(span, kind): outcomes for (span, kind), outcomes in zip(watch, run.observations)}
    bounds = {s.key: site_bounds(s) for s in small_sites}
    return Observation(program, cls, small, seed, seconds, scorer, observed, bounds)


def _small_point(program, cls: str, target: Point, size: Optional[tuple[int, int]], scorer: bool):
    """The small point, the sites its static analysis meets on any path and the spans of the
    guards it covered (RunResult.covered)."""
    candidates = [size] if size is not None else list(SMALL_POINTS)
    fallback = None
    for width, depth in candidates:
        point = Point(width, depth, small_budget(target, width, depth))
        explored = run_point(program, cls, point, scorer)
        results = explored.results
        sites = {s.key: s for r in results for s in r.sites}
        covered = set().union(*(r.covered for r in results))
        refused = all(r.raised is not None for r in results)
        if fallback is None:
            fallback = (point, list(sites.values()), covered)
        if not refused:
            return point, list(sites.values()), covered
    return fallback
