"""`flopcast fit PATH --for width|depth|NAME`: the largest value that stays in budget.

For width and depth the answer is first read off the closed-form formula of the
analysis (the largest value whose formula total fits) and confirmed by analysing the
program at that value (fits) and the next (does not). When there is no formula, or
the confirmation fails (a clamp the formula does not see), the analysis is searched:

The search treats the analyzed total as a function of one integer: exponential
steps from the current value until the budget is crossed, then bisection. For a
NAME the analyzer reads a copy of the source whose integer literal was rewritten
by its ast span (the code is never executed). The answer is confirmed by the two
analyses at the value (fits) and at value + 1 (does not).

The total is assumed to grow with the value; the search never revisits values it
stepped over, so a cost that dips and rises again can hide a larger fitting value.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from flopcast.syntax import ast_walk
from flopcast.check import fmt
from flopcast.check.source import CheckUsageError
from flopcast.model import Interval, Point, Report, display_path

#: Beyond this the value is called unbounded: the cost does not grow with it.
CAP = 2**62
#: Doublings with an unchanged total after which the cost is taken not to grow
#: (a clamp such as `min(self.max_samples, n)` makes it flat).
FLAT_DOUBLINGS = 3


@dataclass(frozen=True)
class ConstantSite:
    """An `NAME = <int literal>` assignment: where the literal's bytes are."""

    name: str
    value: int
    line: int
    col: int
    start: int  # byte offsets of the literal in the UTF-8 source
    end: int
    scope: str  # "module" or the class name


def find_constant(source: str, name: str, path: str = "estimator.py") -> ConstantSite:
    tree = ast.parse(source)
    starts = [0]
    for line in source.encode("utf-8").splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    sites, others = [], []
    scopes: list[tuple[str, list[ast.stmt]]] = [("module", tree.body)]
    scopes += [(n.name, n.body) for n in ast_walk(tree) if isinstance(n, ast.ClassDef)]
    for scope, body in scopes:
        for node in body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if not (isinstance(target, ast.Name) and target.id == name):
                continue
            if isinstance(value, ast.Constant) and type(value.value) is int:
                sites.append(ConstantSite(
                    name, value.value, value.lineno, value.col_offset,
                    starts[value.lineno - 1] + value.col_offset,
                    starts[value.end_lineno - 1] + value.end_col_offset, scope))
            else:
                others.append(node)
    if len(sites) == 1 and not others:
        return sites[0]
    if not sites and not others:
        raise CheckUsageError(
            f"{path}: no module- or class-level `{name} = <integer>` assignment; "
            f"`--for` takes width, depth, or the name of such a constant"
        )
    lines = ", ".join(str(n.line if isinstance(n, ConstantSite) else n.lineno) for n in [*sites, *others])
    if others and not sites:
        raise CheckUsageError(
            f"{path}:{others[0].lineno}: `{name}` is not assigned an integer literal; write it as "
            f"one (e.g. `{name} = 4096`) so fit can rewrite it"
        )
    raise CheckUsageError(
        f"{path}: `{name}` is assigned more than once (lines {lines}); fit needs exactly one "
        "integer literal assignment"
    )


def rewrite(source: str, site: ConstantSite, value: int) -> str:
    raw = source.encode("utf-8")
    return (raw[: site.start] + str(value).encode() + raw[site.end:]).decode("utf-8")


@dataclass(frozen=True)
class Evaluation:
    value: int
    total: Interval
    lower_bound: bool
    # The exception predict raises on every path there (its own guard, `raise RuntimeError("no
    # strategy fits")`): whestbench zeroes the prediction, so the value does not fit.
    raises: str = ""

    def fits(self, budget: int) -> bool:
        return not self.raises and self.total.hi <= budget


@dataclass
class Search:
    evaluate: Callable[[int], Evaluation]
    budget: int
    seen: dict[int, Evaluation] = field(default_factory=dict)

    def at(self, value: int) -> Evaluation:
        if value not in self.seen:
            self.seen[value] = self.evaluate(value)
        return self.seen[value]

    def fits(self, value: int) -> bool:
        return self.at(value).fits(self.budget)

    def largest(self, start: int, low: int, cap: int = CAP) -> tuple[Optional[int], bool]:
        """(largest fitting value or None, unbounded?)."""
        start = max(start, low)
        if self.fits(start):
            lo, v, flat = start, max(start * 2, start + 1), 0
            while True:
                if v > cap:
                    return lo, True
                if not self.fits(v):
                    hi = v
                    break
                flat = flat + 1 if self.at(v).total == self.at(lo).total else 0
                if flat >= FLAT_DOUBLINGS:
                    return v, True
                lo, v = v, v * 2
        else:
            hi = v = start
            while True:
                if v <= low:
                    return None, False
                v = max(low, v // 2)
                if self.fits(v):
                    lo = v
                    break
                hi = v
        return self.narrow(lo, hi), False

    def narrow(self, lo: int, hi: int) -> int:
        """The largest fitting value between ``lo`` (fits) and ``hi`` (does not).

        Each step first guesses where the straight line between the two ends crosses the
        budget, and analyses the guess and its neighbour on the far side (one of the two
        analyses that confirm an answer): a cost linear in the value — a clamp has made it so
        — is settled by these two. A guess that does not at least halve the bracket is
        followed by a bisection step, so the search never takes more than about twice the
        analyses of plain bisection. The answer is the same as plain bisection's (the cost is
        assumed to grow with the value, as everywhere in the search)."""
        guess = True
        while hi - lo > 1:
            width = hi - lo
            mid = self.crossing(lo, hi) if guess else None
            if mid is None:
                mid = (lo + hi) // 2
                if self.fits(mid):
                    lo = mid
                else:
                    hi = mid
            elif self.fits(mid):
                lo = mid
                if mid + 1 < hi:
                    if self.fits(mid + 1):
                        lo = mid + 1
                    else:
                        hi = mid + 1
            else:
                hi = mid
                if mid - 1 > lo:
                    if self.fits(mid - 1):
                        lo = mid - 1
                    else:
                        hi = mid - 1
            guess = 2 * (hi - lo) <= width
        return lo

    def crossing(self, lo: int, hi: int) -> Optional[int]:
        """Where the straight line through the totals at ``lo`` and ``hi`` crosses the budget,
        strictly between the two (None when they do not rise)."""
        low, high = self.at(lo).total.hi, self.at(hi).total.hi
        if high <= low or hi - lo < 2:
            return None
        return min(hi - 1, max(lo + 1, lo + (self.budget - low) * (hi - lo) // (high - low)))


@dataclass
class FitResult:
    target: str
    kind: str  # "width", "depth" or "constant"
    point: Point
    current: int
    value: Optional[int]
    unbounded: bool
    analyses: int
    at_value: Optional[Evaluation] = None
    at_next: Optional[Evaluation] = None
    at_low: Optional[Evaluation] = None
    site: Optional[tuple[str, int, int]] = None  # (absolute path, line, 1-based column) of a NAME
    formula: Optional[str] = None  # set when the answer came from the formula (and was confirmed)
    calibrated: Optional["CalibratedFit"] = None  # under --calibrate
    calibration_error: Optional[str] = None  # under --calibrate, when the small run failed


@dataclass
class CalibratedFit:
    """The same search on the calibrated prediction: one small run, its decisions replayed at every value."""

    observed_at: Point
    seed: int
    run_seconds: float
    value: Optional[int]
    unbounded: bool
    analyses: int
    at_value: Optional[Evaluation] = None
    at_next: Optional[Evaluation] = None
    at_low: Optional[Evaluation] = None


def _analyze(path, point, **kwargs) -> Report:
    from flopcast.check import engine

    return engine.analyze(path, point, **kwargs)


def fit(path: str, target: str, point: Point, *, scorer_cast: bool = True,
        calibrate: Optional[str] = None) -> FitResult:
    """The largest value whose sound prediction (the interval's upper end) fits; with ``calibrate``
    ("auto" or "WxD") also the largest whose calibrated prediction fits."""
    given = Path(path)
    if not given.exists():
        raise CheckUsageError(f"{path}: no such file or folder")
    entry = given / "estimator.py" if given.is_dir() else given
    if not entry.is_file():
        raise CheckUsageError(f"{path}: no estimator.py in this folder")
    options = {"include_scorer_cast": scorer_cast, "formula": False}

    def measured(report: Report, value: int) -> Evaluation:
        return Evaluation(value, report.total, report.lower_bound, _raised_always(report))

    if target in ("width", "depth"):
        kind, low, current, site = target, 1, getattr(point, target), None

        def evaluate(value: int) -> Evaluation:
            at = dataclasses.replace(point, tag=None, **{target: value})
            return measured(_analyze(str(given), at, **options), value)

        def replay_at(observation, value: int) -> Evaluation:
            cal = observation.replay(dataclasses.replace(point, tag=None, **{target: value}))
            return Evaluation(value, Interval(cal.total, cal.total), cal.lower_bound)
    else:
        if not target.isidentifier():
            raise CheckUsageError(f"--for {target!r}: expected width, depth or a Python name")
        source = entry.read_text(encoding="utf-8")
        found = find_constant(source, target, display_path(entry))
        kind, low, current = "constant", 0, found.value
        site = (str(entry.resolve()), found.line, found.col + 1)

        def evaluate(value: int) -> Evaluation:
            return measured(_analyze(str(entry), point, source=rewrite(source, found, value), **options), value)

        def replay_at(observation, value: int) -> Evaluation:
            from flopcast.analyzer.program import load_program

            cal = observation.replay(point, load_program(entry, rewrite(source, found, value)))
            return Evaluation(value, Interval(cal.total, cal.total), cal.lower_bound)

    search = Search(evaluate, point.budget)
    formula = None
    if kind in ("width", "depth"):
        here = _analyze(str(given), point, include_scorer_cast=scorer_cast, formula=True)
        search.seen[current] = measured(here, current)
        guess = formula_answer(here.formula, kind, point)
        if guess is not None and search.fits(guess) and not search.fits(guess + 1):
            formula = here.formula
            value, unbounded = guess, False
    if formula is None:
        value, unbounded = search.largest(current, low)
    result = FitResult(target, kind, point, current, value, unbounded, 0, site=site, formula=formula)
    if value is not None:
        result.at_value = search.at(value)
        if not unbounded:
            result.at_next = search.at(value + 1)
    else:
        result.at_low = search.at(low)
    result.analyses = len(search.seen)
    if calibrate:
        _calibrated_search(result, search, calibrate, given if kind in ("width", "depth") else entry,
                           replay_at, low, scorer_cast)
    return result


def _calibrated_search(result: FitResult, sound: Search, size: str, path: Path, replay_at, low: int,
                       scorer_cast: bool) -> None:
    """Observe once at the small point (for the current value), then search the calibrated totals."""
    from flopcast.runtime.calibrate import CalibrationError, observe, parse_size

    try:
        here = _analyze(str(path), result.point, include_scorer_cast=scorer_cast, formula=False)
        observation = observe(path, here, size=None if size == "auto" else parse_size(size))
    except CalibrationError as exc:
        result.calibration_error = str(exc)
        return
    def replayed(value: int) -> Evaluation:
        # within the sound interval at that value, as calibrate() keeps it (runtime.calibrate.within)
        cal, bounds = replay_at(observation, value), sound.at(value).total
        if bounds.contains(cal.total.lo):
            return cal
        total = min(max(cal.total.lo, bounds.lo), bounds.hi)
        return Evaluation(value, Interval(total, total), cal.lower_bound)

    search = Search(replayed, result.point.budget)
    value, unbounded = search.largest(result.value if result.value is not None else result.current, low)
    cal = CalibratedFit(observation.point, observation.seed, observation.run_seconds, value, unbounded, 0)
    if value is not None:
        cal.at_value = search.at(value)
        if not unbounded:
            cal.at_next = search.at(value + 1)
    else:
        cal.at_low = search.at(low)
    cal.analyses = len(search.seen)
    result.calibrated = cal


def formula_answer(formula: Optional[str], kind: str, point: Point) -> Optional[int]:
    """The largest width (or depth) whose formula total fits the budget, other values fixed."""
    from flopcast.analyzer.formula import evaluate, is_formula

    if not formula or not is_formula(formula):
        return None

    def fits(v: int) -> Optional[bool]:
        w, d = (v, point.depth) if kind == "width" else (point.width, v)
        total = evaluate(formula, w, d, point.budget)
        return None if total is None else total <= point.budget

    if not fits(1):
        return None
    lo, hi = 1, 2
    while fits(hi):
        lo, hi = hi, hi * 2
        if hi > CAP:
            return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo


def _raised_always(report: Report) -> str:
    """``RuntimeError('no strategy fits') at line 201`` of a raise on every path, else '' (a
    budget overrun is told by the total, which counts the run on past it)."""
    for r in report.raises:
        if r.every_path and not r.budget:
            return r.what + (f" at line {r.span.line}" if r.span is not None else "")
    return ""


def render_text(r: FitResult) -> str:
    budget = r.point.budget
    fixed = {"width": f"depth {r.point.depth}", "depth": f"width {r.point.width}"}.get(
        r.kind, fmt.where_point(r.point))
    where = f"at {fixed}, budget {fmt.flops(budget)} FLOPs"
    label = {"width": "width", "depth": "depth"}.get(r.kind, r.target)

    def line(e: Evaluation, word: str = "predicted") -> str:
        bound = " (lower bound: some ops are not priced)" if e.lower_bound else ""
        gap = budget - e.total.hi
        verdict = (f"raises {e.raises} (whestbench zeroes the prediction)" if e.raises
                   else f"fits, {fmt.flops(gap)} to spare" if gap >= 0
                   else f"over budget by {fmt.flops(-gap)}")
        return (f"  {label} = {e.value:,}: {word} {e.total} FLOPs = "
                f"{fmt.share(e.total.hi, budget)} of the budget, {verdict}{bound}")

    out = []
    site = f"{display_path(r.site[0])}:{r.site[1]}:{r.site[2]}" if r.site else None
    origin = f" (now {r.current:,}" + (f", {site})" if site else ")")
    if r.value is None:
        assert r.at_low is not None
        out.append(f"no {label} fits {where}{origin}")
        out.append(line(r.at_low))
    elif r.unbounded:
        assert r.at_value is not None
        out.append(f"every {label} fits {where}{origin}: the predicted cost stops growing with it "
                   f"(unchanged from {label} = {r.at_value.value // 2**FLAT_DOUBLINGS:,} to {r.at_value.value:,})")
        out.append(line(r.at_value))
    else:
        out.append(f"largest {label} that fits {where}: {r.value:,}{origin}")
        if r.formula:
            out.append(f"  from the formula {r.formula}, confirmed by analysis:")
        out += [line(r.at_value), line(r.at_next)]
    out.append(f"  ({r.analyses} analyses)")
    if r.calibration_error:
        out.append(f"calibrated: not available: {r.calibration_error}")
    cal = r.calibrated
    if cal is not None:
        origin = (f"decisions observed in a run at {cal.observed_at.width}x{cal.observed_at.depth}, "
                  f"seed {cal.seed} ({cal.run_seconds:.1f} s), replayed at each value; a calibrated "
                  "prediction, not a sound bound")
        if cal.value is None:
            out.append(f"calibrated: no {label} fits ({origin})")
            out.append(line(cal.at_low, "calibrated"))
        elif cal.unbounded:
            out.append(f"calibrated: every {label} fits: the calibrated cost stops growing with it ({origin})")
            out.append(line(cal.at_value, "calibrated"))
        else:
            out.append(f"calibrated: largest {label} that fits: {cal.value:,} ({origin})")
            out += [line(cal.at_value, "calibrated"), line(cal.at_next, "calibrated")]
        out.append(f"  ({cal.analyses} replays)")
    return "\n".join(out) + "\n"


def render_json(r: FitResult) -> str:
    def ev(e: Optional[Evaluation]):
        return None if e is None else {"value": e.value, "lo": e.total.lo, "hi": e.total.hi,
                                       "lower_bound": e.lower_bound, "raises": e.raises or None}

    return json.dumps({
        "schema_version": "1.0",
        "target": r.target,
        "kind": r.kind,
        "point": {"width": r.point.width, "depth": r.point.depth,
                  "budget": r.point.budget, "round": r.point.tag},
        "current": r.current,
        "site": f"{r.site[0]}:{r.site[1]}:{r.site[2]}" if r.site else None,
        "value": r.value,
        "unbounded": r.unbounded,
        "formula": r.formula,
        "at_value": ev(r.at_value),
        "at_next": ev(r.at_next),
        "at_low": ev(r.at_low),
        "analyses": r.analyses,
        **({} if r.calibrated is None and r.calibration_error is None else {
            "calibration_error": r.calibration_error,
            "calibrated": None if r.calibrated is None else {
                "value": r.calibrated.value,
                "unbounded": r.calibrated.unbounded,
                "from": {"width": r.calibrated.observed_at.width, "depth": r.calibrated.observed_at.depth,
                         "budget": r.calibrated.observed_at.budget, "seed": r.calibrated.seed},
                "run_seconds": r.calibrated.run_seconds,
                "at_value": ev(r.calibrated.at_value),
                "at_next": ev(r.calibrated.at_next),
                "at_low": ev(r.calibrated.at_low),
                "replays": r.calibrated.analyses,
            },
        }),
    }, indent=2) + "\n"


def run(ns: argparse.Namespace) -> int:
    """0: a fitting value was found; 1: no value fits; 2: usage or analysis error, or a failed --calibrate run."""
    from flopcast.installed import resolve_point

    try:
        point = resolve_point(ns.round_tag, ns.width, ns.depth, ns.budget)
        result = fit(ns.path, ns.target, point, scorer_cast=getattr(ns, "scorer_cast", True),
                     calibrate=getattr(ns, "calibrate", None))
    except CheckUsageError as exc:
        print(f"flopcast: error: {exc}", file=sys.stderr)
        return 2
    render = render_json if getattr(ns, "format", "text") == "json" else render_text
    sys.stdout.write(render(result))
    if result.calibration_error:
        print(f"flopcast: error: --calibrate: {result.calibration_error}", file=sys.stderr)
        return 2
    return 0 if result.value is not None else 1
