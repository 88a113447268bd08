"""A closed form of the predicted total in w (width) and d (depth).

The concrete analysis at (w, d, b) is the truth; the formula is fitted to it: the
program is analysed on a grid of widths and depths around the point, an exact
rational polynomial in w and d is interpolated through the grid, and the result is
accepted only if it reproduces fresh points it was not fitted on. Costs with floors
(``//`` in budget arithmetic, ``⌊2n³/3⌋`` in LAPACK prices) or logarithms (sorts)
have no such form; then the answer says so instead of guessing.
"""

from __future__ import annotations

import functools
import math
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Optional, Sequence

from flopcast.model import Point, Report

if TYPE_CHECKING:
    from flopcast.analyzer.paths import Exploration

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


#: Fitting analyses the program a few dozen times; past this much work it gives up and says
#: so. Work is what the interpreter executed in those analyses (statements and loop
#: iterations; replayed calls and skipped iterations apart): counted, not timed, so that
#: every machine prints the same formulas. About 1.5 CPU seconds on the machine it was set on.
FIT_WORK = 20_000
#: A last guard for the time FIT_WORK does not see (pricing, path finding, each run's own set-up),
#: which grows with the runs (paths) the analyses interpret: past this many the fit gives up. A
#: count, not a clock (a 15 CPU-second cap before, which a slower or busier machine, or a cold cache
#: of prices, could reach where another did not). The corpus's exact fits at 1024x16 run 10 to 30
#: paths, 36 ms each on average (25 fits, 359 runs, 12.9 s): 400 runs are about those 15 seconds.
FIT_RUNS = 400


class _TooSlow(Exception):
    """The fit gives up; the text says which limit its re-analyses passed."""


def _past_work() -> _TooSlow:
    return _TooSlow(f"(no formula: fitting it needs more than {FIT_WORK:,} steps of re-analysis)")


#: One run of the program at a point: every path it explored. Called with a ``meter``
#: (interpreter.WorkMeter) when the runs may be stopped past the work the fit has left.
PointRun = Callable[..., "Exploration"]


class _Runs:
    """Analyses of one program at other points, each made once, within FIT_WORK and FIT_RUNS.

    The work counted is what the runs executed (interpreter.WorkMeter). An analysis that may take it past
    FIT_WORK, after which the fit asks for another whatever this one answers (``_given_up``: the
    fit replayed on the runs made), is stopped as soon as it does: the fit gives up there, as it
    would have at the next one."""

    def __init__(self, run_point: PointRun, point: Point) -> None:
        self.run_point = run_point
        self.point = point
        self.memo: dict = {}
        self.work = 0
        self.largest = 0  # the most work one analysis executed so far (the point's own included)
        self.runs = 0  # the runs (paths) the analyses interpreted (the point's own not included)
        # While the fit is replayed (``_given_up``): the point asked for and the answer it stands for.
        self.replaying = False
        self.pending: Optional[tuple] = None

    def single(self, w: int, d: int, b: int):
        """The one run at (w, d, b), or None when paths, unpriced ops or a path cap get in the way."""
        if (w, d, b) not in self.memo:
            if self.pending is not None and self.pending[0] == (w, d, b):
                return self.pending[1]
            if self.replaying or self.work > FIT_WORK:
                raise _past_work()
            if self.runs > FIT_RUNS:
                raise _TooSlow(f"(no formula: fitting it runs more than {FIT_RUNS:,} paths of re-analysis)")
            from flopcast.analyzer.interpreter import WorkMeter, WorkOut

            left = FIT_WORK - self.work
            # Only an analysis that may well use up what is left is worth the replays (speed only).
            stoppable = left < 2 * self.largest and _given_up(self, (w, d, b))
            meter = WorkMeter(left if stoppable else sys.maxsize)
            try:
                explored = self.run_point(Point(w, d, b), meter=meter)
            except WorkOut:
                raise _past_work() from None
            self.work += meter.spent
            self.runs += meter.runs
            self.largest = max(self.largest, meter.spent)
            self.seed(Point(w, d, b), explored)
        return self.memo[(w, d, b)]

    def seed(self, point: Point, explored: "Exploration") -> None:
        results = explored.results
        totals = {r.total for r in results} | set(explored.priced or ())
        # A run whose later calls cost otherwise (carried.py: one instance for every MLP) has no
        # one total either.
        exact = not explored.capped and len(totals) == 1 and not any(r.unpriced for r in results) \
            and all(r.settled and all(t == r.total for t in r.later) for r in results)
        self.memo[(point.width, point.depth, point.budget)] = results[0] if exact else None

    def total(self, w: int, d: int, b: int) -> Optional[int]:
        run = self.single(w, d, b)
        return None if run is None else run.total


class _Unknown(Exception):
    """The replayed fit read what a stopped analysis would have answered."""


class _UnknownRun:
    """A stopped analysis that found one exact total, whatever it is: reading its total gives an
    _UnknownTotal, reading anything else raises _Unknown."""

    @property
    def total(self) -> "_UnknownTotal":
        return _UnknownTotal()

    def __getattr__(self, name: str):
        raise _Unknown(name)


class _UnknownTotal:
    """A total not known: held, it is nothing; used (compared, computed with), it raises."""

    def _unknown(self, *args):
        raise _Unknown()

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = __bool__ = _unknown
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _unknown
    __int__ = __index__ = __float__ = __neg__ = __abs__ = _unknown


def _given_up(runs: _Runs, asked: tuple) -> bool:
    """Whether the fit asks for another analysis after the one at ``asked`` whatever that one
    answers (no exact total, or any one total): it then gives up if that one's work takes the
    count past FIT_WORK, and need not finish it."""
    runs.replaying = True
    try:
        for answer in (None, _UnknownRun()):
            runs.pending = (asked, answer)
            try:
                _fit_formula(runs, runs.point)
            except _TooSlow:
                continue  # it asked for another analysis
            except Exception:  # noqa: BLE001 - the answer was read: it matters
                return False
            return False  # it ended without another analysis
        return True
    finally:
        runs.replaying, runs.pending = False, None


# ------------------------------------------------------------------ the fitter

#: What a fit reads at one (w, d): a cost per key (the total, a line, an expression, a
#: function; a missing key costs 0), or None when that point has no exact cost.
Sample = Callable[[int, int], Optional[Mapping[str, int]]]
#: A Sample asked for some keys only (the others may be missing from its answer).
KeyedSample = Callable[[int, int, Sequence[str]], Optional[Mapping[str, int]]]


@dataclass(frozen=True)
class Grid:
    """Where a polynomial is fitted (every (w, d) of widths × depths) and confirmed (fresh).

    The degree in w is ``len(widths) - 1`` and in d ``len(depths) - 1``: the grid has
    exactly as many points as the polynomial has coefficients.
    """

    widths: tuple[int, ...]
    depths: tuple[int, ...]
    fresh: tuple[tuple[int, int], ...]

    @classmethod
    def around(cls, point: Point, deg_w: int, deg_d: int) -> "Grid":
        ws = tuple(_grid(point.width, deg_w + 1, 2))
        ds = tuple(_grid(point.depth, deg_d + 1, 1))
        fresh = ((max(ws) + 5, max(ds) + 2),
                 (min(ws) + 3 if min(ws) + 3 not in ws else min(ws) + 7, max(ds) + 1))
        return cls(ws, ds, fresh)

    @property
    def monomials(self) -> list[tuple[int, int]]:
        return [(i, j) for i in range(len(self.widths)) for j in range(len(self.depths))]

    @property
    def points(self) -> list[tuple[int, int]]:
        return [(w, d) for w in self.widths for d in self.depths]


@functools.lru_cache(maxsize=64)
def _inverse(grid: Grid) -> Optional[list[list[Fraction]]]:
    """The grid's design matrix inverted once: each key then costs one matrix-vector product.

    The matrix (rows ``grid.points``, columns ``grid.monomials``, both width-major) is the
    Kronecker product of the Vandermonde matrices of the widths and of the depths, so its
    inverse is the Kronecker product of theirs: two small exact inversions instead of one of
    their product's size (a 15×15 one of large rationals cost ~20 ms per fit)."""
    in_w = invert_exact([[Fraction(w) ** i for i in range(len(grid.widths))] for w in grid.widths])
    in_d = invert_exact([[Fraction(d) ** j for j in range(len(grid.depths))] for d in grid.depths])
    if in_w is None or in_d is None:
        return None
    return [[a * b for a in in_w[i] for b in in_d[j]] for i, j in grid.monomials]


def fit_keyed(grids: Sequence[Grid], sample: Optional[Sample], keys: Iterable[str],
              known: Sequence[tuple[tuple[int, int], Mapping[str, int]]] = (),
              keyed: Optional[KeyedSample] = None) -> dict[str, str]:
    """key -> polynomial in w, d for every key whose cost is one, exactly, on some grid.

    The grids are tried in order (a key fitted on one is not tried on the next); on each
    the polynomial goes through every grid point and must reproduce every fresh point
    and every ``known`` cost (``((w, d), costs)`` measured already, e.g. at the point the
    user is looking at), else that key has no formula there. ``sample`` is asked for a
    point only when it is needed, in order, and not at all for fresh points once no key
    is left to confirm; a grid one of whose fresh points is known to have no exact cost (a
    grid tried before shares it) is not analysed at all, since nothing could be confirmed there.
    ``keyed``, when given, replaces ``sample``: it is asked only for the keys still being
    fitted (a key fitted on one grid, or dropped at a fresh point, is not read again), so a
    sample that prices each key apart (a fix's rewrite) prices only those.
    """
    found: dict[str, str] = {}
    left = list(dict.fromkeys(keys))
    seen: dict[tuple[int, int], Optional[Mapping[str, int]]] = {}
    covered: dict[tuple[int, int], frozenset] = {}  # with ``keyed``: the keys each point was asked for

    def once(w: int, d: int, wanted: Sequence[str]) -> Optional[Mapping[str, int]]:
        if keyed is None:
            if (w, d) not in seen:
                seen[(w, d)] = sample(w, d)
            return seen[(w, d)]
        missing = [k for k in wanted if k not in covered.get((w, d), ())]
        if missing and seen.get((w, d), {}) is not None:
            at = keyed(w, d, missing)
            seen[(w, d)] = None if at is None else {**seen.get((w, d), {}), **at}
            covered[(w, d)] = covered.get((w, d), frozenset()) | frozenset(missing)
        return seen.get((w, d), {})

    for grid in grids:
        if not left:
            break
        if any((w, d) in seen and seen[(w, d)] is None for w, d in grid.fresh):
            continue  # a fresh point without an exact cost confirms no key: the grid cannot fit
        fitted = _fit_grid(grid, once, left, known)
        found.update(fitted)
        left = [k for k in left if k not in fitted]
    return found


def _fit_grid(grid: Grid, sample: KeyedSample, keys: list[str],
              known: Sequence[tuple[tuple[int, int], Mapping[str, int]]]) -> dict[str, str]:
    ys: list = []
    for n, (w, d) in enumerate(grid.points):
        if known:
            # A key no integer costs at the points left can make reproduce a known cost fails its
            # check below whatever they are: it is not asked for them, and no point is analysed
            # once no key is left (the formulas are the same, with fewer analyses).
            keys = [key for key in keys if _may_reproduce(grid, known, key, ys, n)]
            if not keys:
                return {}
        at = sample(w, d, keys)
        if at is None:
            return {}
        ys.append(at)
    inverse = _inverse(grid)
    if inverse is None:
        return {}
    monomials = grid.monomials
    coeffs: Optional[dict] = None
    # The costs known already are checked first: they cost no analysis, and a key one of them
    # drops is not asked for at the fresh points (none is, once no key is left). A key is kept
    # only when every check passes, whatever their order, so the formulas are the same.
    checks = [(w, d, at) for (w, d), at in known] + [(w, d, None) for w, d in grid.fresh]
    for w, d, at in checks:
        if coeffs is not None and not coeffs or not keys:
            break
        # With no known cost (the whole-estimator fit), the first fresh point is asked for before
        # the polynomial is worked out from the grid's costs (the same points asked for, in the
        # same order): the fit's replays (_given_up) see that it is asked for whatever the grid's
        # last point cost.
        at = sample(w, d, list(coeffs) if coeffs is not None else keys) if at is None else at
        if at is None:
            return {}
        if coeffs is None:
            coeffs = _coefficients(keys, ys, inverse)
        for key in list(coeffs):
            predicted = sum((c * Fraction(w) ** i * Fraction(d) ** j
                             for c, (i, j) in zip(coeffs[key], monomials) if c), Fraction(0))
            if predicted != at.get(key, 0):
                del coeffs[key]
    if coeffs is None:  # no point to confirm at: the polynomial through the grid, unconfirmed
        coeffs = _coefficients(keys, ys, inverse)
    return {key: render_polynomial({m: c for m, c in zip(monomials, cs) if c != 0}) for key, cs in coeffs.items()}


def _may_reproduce(grid: Grid, known: Sequence[tuple[tuple[int, int], Mapping[str, int]]], key: str,
                   ys: list, n: int) -> bool:
    """Whether the polynomial through the grid can still give ``key`` its known costs, once the
    first ``n`` grid points cost ``ys`` and the others may cost any integers (FLOPs, budgets).

    The polynomial's value at a point is a fixed rational combination of the grid's costs
    (``_weights``), so a known cost asks the costs left for an integer solution of one linear
    equation, which exists exactly when the gcd of its coefficients (all made integers) divides
    its right-hand side. A Lagrange weight at a point far from a small grid is a large integer
    (the depths' part alone is 91 at d = 16 on a 2, 3, 4 grid), so a saving that is not the
    polynomial is mostly refuted before the grid's last points are analysed, or at its start."""
    if any(type(at.get(key, 0)) is not int for at in ys):
        return True  # (the costs are counts; anything else is not judged here)
    for point, costs in known:
        target = costs.get(key, 0)
        weights = _weights(grid, point)
        if weights is None or type(target) is not int:
            continue
        rest = Fraction(target) - sum((weight * at.get(key, 0) for weight, at in zip(weights, ys)), Fraction(0))
        left = [weight for weight in weights[n:] if weight]
        if not left:
            if rest:
                return False
            continue
        scale = math.lcm(rest.denominator, *(weight.denominator for weight in left))
        step = math.gcd(*(int(weight * scale) for weight in left))
        if int(rest * scale) % step:
            return False
    return True


@functools.lru_cache(maxsize=64)
def _weights(grid: Grid, point: tuple[int, int]) -> Optional[tuple[Fraction, ...]]:
    """The polynomial through the grid's costs, at ``point``: the rational weight of each grid
    point's cost (grid.points' order), or None when the grid has no polynomial (``_inverse``)."""
    inverse = _inverse(grid)
    if inverse is None:
        return None
    w, d = Fraction(point[0]), Fraction(point[1])
    powers = [w ** i * d ** j for i, j in grid.monomials]
    return tuple(sum((p * row[k] for p, row in zip(powers, inverse)), Fraction(0)) for k in range(len(grid.points)))


def _coefficients(keys: list[str], ys: list, inverse: list[list[Fraction]]) -> dict[str, list[Fraction]]:
    """key -> the coefficients of the polynomial through the grid's costs ``ys`` (grid.points' order)."""
    coeffs = {}
    for key in keys:
        column = [Fraction(y.get(key, 0)) for y in ys]
        coeffs[key] = [sum((a * y for a, y in zip(row, column) if y), Fraction(0)) for row in inverse]
    return coeffs


#: Grids of small points for the formula of one number (a fix's saving, a threshold), tried
#: in order: degree ≤ 2 in w and ≤ 1 in d (most savings: a matrix's worth per layer), ≤ 3 in w,
#: then ≤ 2 in d. Each grid's points are the next one's, so a number the first cannot fit costs
#: no analysis more; each confirmed at one fresh point (and at any known cost).
SMALL_GRIDS = (Grid(widths=(16, 24, 32), depths=(2, 3), fresh=((40, 5),)),
               Grid(widths=(16, 24, 32, 48), depths=(2, 3), fresh=((40, 5),)),
               Grid(widths=(16, 24, 32, 48), depths=(2, 3, 4), fresh=((40, 5),)))

#: The grids the whole-estimator formula tries, in order: degree (in w, in d).
_DEGREES = ((3, 1), (3, 2), (4, 2))


def _grid(center: int, count: int, minimum: int) -> list[int]:
    """``count`` distinct values near ``center`` (at least ``minimum``)."""
    candidates = [center, center // 2, (3 * center) // 4, center + center // 2, 2 * center,
                  center // 4, (5 * center) // 4, center + 1, center - 1, center + 2, center + 3]
    out: list[int] = []
    for c in candidates:
        if c >= minimum and c not in out:
            out.append(c)
        if len(out) == count:
            return out
    c = max(minimum, center)
    while len(out) < count:
        if c not in out:
            out.append(c)
        c += 1
    return out


def invert_exact(matrix: list[list[Fraction]]) -> Optional[list[list[Fraction]]]:
    """The exact inverse of a square rational matrix (Gauss-Jordan), or None if singular."""
    n = len(matrix)
    m = [row[:] + [Fraction(int(i == r)) for i in range(n)] for r, row in enumerate(matrix)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        p = m[col][col]
        m[col] = [x / p for x in m[col]]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col])]
    return [row[n:] for row in m]


def fittable(report: Report) -> bool:
    """Whether fit_formula fits anything for ``report``: only one exact total, all priced, has a formula."""
    return report.exact and not report.unpriced


def fit_formula(run_point: PointRun, point: Point, report: Report,
                explored: Optional["Exploration"] = None) -> Optional[str]:
    """The total as a polynomial in w and d (piecewise in b where a branch compares the
    budget with a threshold), or a sentence saying why there is none.

    ``run_point`` analyses the same program at another point (the caller's pipeline);
    ``explored`` is the run at ``point`` itself when the caller has made it already.
    """
    if not fittable(report):
        return None
    runs = _Runs(run_point, point)
    if explored is not None:
        runs.seed(point, explored)
        runs.largest = sum(r.work for r in explored.results)
    try:
        return _fit_formula(runs, point)
    except _TooSlow as stop:
        return str(stop)


def _fit_formula(runs: _Runs, point: Point) -> Optional[str]:
    here = runs.single(point.width, point.depth, point.budget)
    doubled = runs.single(point.width, point.depth, point.budget * 2)
    if here is None or doubled is None:
        return None
    threshold = _budget_threshold(here, doubled, point.budget)
    if threshold is not None:
        piecewise = _piecewise(runs, point, threshold, here.total)
        if piecewise is not None:
            return piecewise
    depends_on_budget = doubled.total != here.total
    formula = _fit(lambda w, d: runs.total(w, d, point.budget), point)
    if formula is not None:
        suffix = f" (at b = {point.budget:,}; the cost also depends on b)" if depends_on_budget else ""
        return formula + suffix
    reason = "no polynomial closed form in w, d"
    if depends_on_budget:
        reason += "; the cost depends on the budget b"
    return f"({reason})"


def _fit(value: Callable[[int, int], Optional[Fraction]], point: Point) -> Optional[str]:
    """One value in w, d (a total, a threshold) fitted on the grids around the point."""
    def sample(w: int, d: int) -> Optional[Mapping[str, Fraction]]:
        v = value(w, d)
        return None if v is None else {"total": v}

    grids = [Grid.around(point, deg_w, deg_d) for deg_w, deg_d in _DEGREES]
    # Widths start at 2 on every grid, so width 1 is never fitted on: a cost that differs there
    # (a reduction over one element) was printed as a formula that misses the point's own total.
    known = ()
    if all(point.width not in grid.widths for grid in grids):
        here = sample(point.width, point.depth)
        if here is None:
            return None
        known = (((point.width, point.depth), here),)
    return fit_keyed(grids, sample, ["total"], known).get("total")


# ------------------------------------------------------------------ budget thresholds

_FLIP = {"GtE": "LtE", "Gt": "Lt", "LtE": "GtE", "Lt": "Gt"}
_SYMBOL = {"GtE": "≥", "Gt": ">", "LtE": "≤", "Lt": "<"}


def _budget_threshold(here, doubled, budget: int):
    """The first comparison ``k·b OP x`` in predict (see ``budget_thresholds``), or None."""
    return next(budget_thresholds(here, doubled, budget), None)


def budget_thresholds(here, doubled, budget: int):
    """Each comparison ``k·b OP x`` in predict, x independent of b: (span, OP as ``b OP t``,
    k, whether b is on the left), read from the runs at the budget and at twice it."""
    for span, (op, left, right) in here.compares.items():
        if op not in _FLIP or span not in doubled.compares:
            continue
        _, left2, right2 = doubled.compares[span]
        for side, other, side2, other2, b_op in ((left, right, left2, right2, op),
                                                 (right, left, right2, left2, _FLIP[op])):
            # An infinite side (``cost > math.inf``) doubles to itself: it is no threshold.
            if side and side2 == 2 * side and other2 == other and _finite(side) and _finite(other):
                k = Fraction(side) / budget
                if k > 0:
                    yield span, b_op, k, side is left
                    break


def _finite(x) -> bool:
    return not isinstance(x, float) or math.isfinite(x)


def boundary(op: str, t: Fraction) -> tuple[int, int]:
    """(an integer b making ``b OP t`` true, the nearest one making it false)."""
    floor = t.numerator // t.denominator
    ceil = -((-t.numerator) // t.denominator)
    if op == "GtE":
        return ceil, ceil - 1
    if op == "Gt":
        return floor + 1, floor
    if op == "LtE":
        return floor, floor + 1
    return ceil - 1, ceil


def _piecewise(runs: _Runs, point: Point, threshold, total: int) -> Optional[str]:
    """``b OP t(w, d) → on; otherwise off``, each part fitted on the grids around the point, or
    None. ``total`` is the point's own: the part on its side of the threshold must give it (a
    cost with more than one threshold in b, each plan that fits the budget adding its part, is
    not one threshold's two pieces: fitted at the first threshold's sides, the formula said less
    than the point's total at the point itself)."""
    span, op, k, budget_on_left = threshold
    thresholds: dict = {}

    def t_at(w: int, d: int) -> Optional[Fraction]:
        if (w, d) not in thresholds:
            run = runs.single(w, d, point.budget)
            if run is None or span not in run.compares:
                thresholds[(w, d)] = None
            else:
                _, left, right = run.compares[span]
                other = right if budget_on_left else left
                thresholds[(w, d)] = Fraction(other) / k if _finite(other) else None
        return thresholds[(w, d)]

    def piece(truth: bool):
        def value(w: int, d: int) -> Optional[int]:
            t = t_at(w, d)
            if t is None:
                return None
            b = boundary(op, t)[0 if truth else 1]
            return runs.total(w, d, b) if b >= 1 else None
        return value

    # Each part is fitted only while the ones before it have a formula: else there is none.
    t_formula = _fit(t_at, point)
    if t_formula is None:
        return None
    # Each part goes through its grid, of which the point's (w, d) is one (its first): the part
    # on the point's side gives there the total of the run at that side's boundary. Asked before
    # the parts are fitted: a point whose total that run does not give has no piecewise formula.
    t = t_at(point.width, point.depth)
    holds = {"GtE": point.budget >= t, "Gt": point.budget > t, "LtE": point.budget <= t, "Lt": point.budget < t}[op]
    if piece(holds)(point.width, point.depth) != total:
        return None
    on = _fit(piece(True), point)
    off = _fit(piece(False), point) if on is not None else None
    if on is None or off is None:
        return None
    return f"b {_SYMBOL[op]} {t_formula} → {on}; otherwise {off}"


def render_polynomial(terms: dict[tuple[int, int], Fraction]) -> str:
    if not terms:
        return "0"
    parts = []
    for (i, j), c in sorted(terms.items(), key=lambda t: (-(t[0][0] + t[0][1]), -t[0][0])):
        var = ""
        if j:
            var += "d" + (str(j).translate(_SUPERSCRIPT) if j > 1 else "")
        if i:
            var += ("·" if var else "") + "w" + (str(i).translate(_SUPERSCRIPT) if i > 1 else "")
        mag = abs(c)
        if mag.denominator == 1:
            num = "" if (mag == 1 and var) else f"{mag.numerator}"
        else:
            num = f"({mag.numerator}/{mag.denominator})"
        term = f"{num}·{var}" if num and var else (num or var)
        parts.append(("−" if c < 0 else "+", term))
    first_sign, first = parts[0]
    text = ("−" if first_sign == "−" else "") + first
    for sign, term in parts[1:]:
        text += f" {sign} {term}"
    return text


def is_formula(text: str) -> bool:
    """Whether ``text`` is a formula this module produced, not the reason there is none: both
    can open with a parenthesis, a reason with ``(no`` and a formula with a fraction ``(1/16)·``."""
    return bool(text) and not (text.startswith("(") and not text[1:2].isdigit())


def evaluate(formula: str, width: int, depth: int, budget: Optional[int] = None) -> Optional[Fraction]:
    """Evaluate a formula this module produced (for tests and ``fit``); None if it has none."""
    if not is_formula(formula):
        return None
    if formula.startswith("b ") and " → " in formula:
        condition, _, rest = formula.partition(" → ")
        on, _, off = rest.partition("; otherwise ")
        symbol, threshold = condition[2], condition[4:]
        t = evaluate(threshold, width, depth)
        if budget is None or t is None:
            return None
        holds = {"≥": budget >= t, ">": budget > t, "≤": budget <= t, "<": budget < t}[symbol]
        return evaluate(on if holds else off, width, depth)
    body = formula.split(" (at b")[0]
    normal = body.replace("−", "-").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
    total = Fraction(0)
    sign = 1
    for token in normal.split(" "):
        if token in ("+", "-"):
            sign = 1 if token == "+" else -1
            continue
        neg = token.startswith("-")
        token = token.lstrip("-")
        value = Fraction(1)
        for factor in token.split("·"):
            if factor.startswith("("):
                n, dd = factor.strip("()").split("/")
                value *= Fraction(int(n), int(dd))
            elif factor[0] in "wd":
                power = int(factor[1:]) if len(factor) > 1 else 1
                value *= Fraction(width if factor[0] == "w" else depth) ** power
            else:
                value *= int(factor)
        total += (-1 if neg else 1) * sign * value
        sign = 1
    return total
