"""Predicted FLOPs against width (depth fixed) and against depth (width fixed).

Every point is a real analysis of the program at that width and depth, never a value
of the fitted formula. The largest width/depth that fits the budget is found the way
``flopcast fit`` finds it (read off the formula, then confirmed by analysing the value
and the next one; a search when that fails), sharing the same memo of analyses, so a
value the chart needs and the fit needs is analysed once.

Analyses cost time in proportion to depth (loops are unrolled), so the curves run
against a deadline: points past it are left out and the chart says how many.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from flopcast.check.fit import Evaluation, Search, formula_answer
from flopcast.model import Interval, Point, Report

#: CPU seconds the curves and the fit search may spend analysing, after the main analysis
#: (processor time, not wall time, so a busy machine does not thin the curves).
CURVE_SECONDS = 1.0


@dataclass(frozen=True)
class CurvePoint:
    value: int  # the width or depth analysed
    total: Interval
    lower_bound: bool


@dataclass(frozen=True)
class FitMark:
    """The largest value that fits, as ``flopcast fit`` would say it."""

    value: Optional[int]  # None: no value fits
    unbounded: bool = False  # the cost stops growing: every value fits
    from_formula: bool = False  # read off the formula
    # False only for a formula answer whose confirming analyses did not fit in the time
    confirmed: bool = True


@dataclass
class Curve:
    axis: str  # "width" or "depth"
    fixed: int  # the other dimension's value
    analysed: int  # the point's own value on this axis
    budget: int
    points: list[CurvePoint] = field(default_factory=list)
    fit: Optional[FitMark] = None
    skipped: int = 0  # points left out for time
    failed: list[str] = field(default_factory=list)  # points whose analysis failed, and why


class _OutOfTime(Exception):
    pass


class _Failed(Exception):
    """The analysis at another point failed: that point is left out, the page still made."""


class Analyses:
    """Analyses of one program at other (width, depth), each made once, against a deadline.

    An analysis is not started when its estimated cost overshoots the deadline (depth 10^5
    of an unrolled loop would take minutes). The estimate scales the deepest analysis made
    so far linearly in depth: loops are unrolled, but a loop whose state stops changing
    costs little more when deeper, which the deepest measurement already shows.
    """

    def __init__(self, analyze: Callable[[Point], Report], point: Point, seconds: float = CURVE_SECONDS) -> None:
        self._analyze = analyze
        self.point = point
        self.memo: dict[tuple[int, int], Report] = {}
        self.deadline = time.process_time() + seconds
        self._deepest: Optional[tuple[int, float]] = None  # (depth, CPU seconds)

    def _measured(self, depth: int, seconds: float) -> None:
        if self._deepest is None or depth >= self._deepest[0]:
            self._deepest = (depth, seconds)

    def estimate(self, depth: int) -> float:
        if self._deepest is None:
            return 0.0
        known, seconds = self._deepest
        return seconds * max(1.0, depth / max(1, known))

    def seed(self, report: Report, seconds: Optional[float] = None) -> None:
        """An analysis already made (the page's own), and the CPU seconds it took when known."""
        self.memo[(report.point.width, report.point.depth)] = report
        if seconds is not None:
            self._measured(report.point.depth, seconds)

    def at(self, width: int, depth: int) -> Report:
        key = (width, depth)
        if key not in self.memo:
            now = time.process_time()
            if now + self.estimate(depth) > self.deadline:
                raise _OutOfTime()
            try:
                self.memo[key] = self._analyze(dataclasses.replace(self.point, width=width, depth=depth, tag=None))
            except Exception as exc:  # noqa: BLE001 - one missing dot beats no page
                raise _Failed(f"{width}x{depth}: {type(exc).__name__}: {exc}") from exc
            self._measured(depth, time.process_time() - now)
        return self.memo[key]


def _values(center: int) -> list[int]:
    """Powers-of-two-spaced values around ``center`` (at least 1), in increasing order."""
    out = {center}
    for k in (8, 4, 2):
        out.add(max(1, center // k))
    for k in (2, 4):
        out.add(center * k)
    return sorted(v for v in out if v >= 1)


def _fit(analyses: Analyses, axis: str, formula: Optional[str]) -> Optional[FitMark]:
    point = analyses.point

    def evaluate(value: int) -> Evaluation:
        w, d = (value, point.depth) if axis == "width" else (point.width, value)
        report = analyses.at(w, d)
        return Evaluation(value, report.total, report.lower_bound)

    search = Search(evaluate, point.budget)
    current = getattr(point, axis)
    guess = formula_answer(formula, axis, point)
    try:
        if guess is not None and search.fits(guess) and not search.fits(guess + 1):
            return FitMark(guess, from_formula=True)
    except (_OutOfTime, _Failed):
        return FitMark(guess, from_formula=True, confirmed=False)
    try:
        value, unbounded = search.largest(current, 1)
    except (_OutOfTime, _Failed):
        return None
    return FitMark(value, unbounded)


def curves(analyses: Analyses, formula: Optional[str]) -> list[Curve]:
    """The width curve and the depth curve, each with its fit mark when time allows.

    Points around the analysed value come first, shallowest first (they are cheap and
    teach the cost estimate), then the fit, then the fit's own two values.
    """
    point = analyses.point
    out = []
    for axis in ("width", "depth"):
        current = getattr(point, axis)
        fixed = point.depth if axis == "width" else point.width
        curve = Curve(axis, fixed, current, point.budget)
        _plot(analyses, curve, _values(current))
        curve.fit = _fit(analyses, axis, formula)
        if curve.fit is not None and curve.fit.value is not None and not curve.fit.unbounded:
            _plot(analyses, curve, [curve.fit.value, curve.fit.value + 1])
        curve.points.sort(key=lambda p: p.value)
        out.append(curve)
    return out


def _plot(analyses: Analyses, curve: Curve, values: list[int]) -> None:
    have = {p.value for p in curve.points}
    for value in values:
        if value in have:
            continue
        w, d = (value, curve.fixed) if curve.axis == "width" else (curve.fixed, value)
        try:
            report = analyses.at(w, d)
        except _OutOfTime:
            curve.skipped += 1
            continue
        except _Failed as exc:
            curve.failed.append(str(exc))
            continue
        curve.points.append(CurvePoint(value, report.total, report.lower_bound))
