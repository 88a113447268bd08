"""A closed form of the predicted total in w (width) and d (depth).

The concrete analysis at (w, d, b) is the truth; the formula is fitted to it: the
program is analysed on a grid of widths and depths around the point, an exact
rational polynomial in w and d is interpolated through the grid, and the result is
accepted only if it reproduces fresh points it was not fitted on. Costs with floors
(``//`` in budget arithmetic, ``⌊2n³/3⌋`` in LAPACK prices) or logarithms (sorts)
have no such form; then the answer says so instead of guessing.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

from flopcast.model import Point, Report

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _total(program, cls: str, point: Point, scorer: bool) -> Optional[int]:
    from flopcast.analyzer.api import run_point

    results, capped = run_point(program, cls, point, scorer)
    totals = {r.total for r in results}
    if capped or len(totals) != 1 or any(r.unpriced for r in results):
        return None
    return totals.pop()


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


def _solve(rows: list[list[Fraction]], rhs: list[Fraction]) -> Optional[list[Fraction]]:
    n = len(rows)
    m = [row[:] + [r] for row, r in zip(rows, rhs)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit_formula(program, cls: str, point: Point, scorer: bool, report: Report) -> Optional[str]:
    """The total as a polynomial in w and d, or a sentence saying why there is none."""
    if not report.total.exact or report.unpriced:
        return None
    budget_probe = _total(program, cls, Point(point.width, point.depth, point.budget * 2), scorer)
    depends_on_budget = budget_probe != report.total.lo
    for deg_w, deg_d in ((3, 1), (3, 2), (4, 2)):
        formula = _try_fit(program, cls, point, scorer, deg_w, deg_d)
        if formula is not None:
            suffix = f" (at b = {point.budget:,}; the cost also depends on b)" if depends_on_budget else ""
            return formula + suffix
    reason = "no polynomial closed form in w, d"
    if depends_on_budget:
        reason += "; the cost depends on the budget b"
    return f"({reason})"


def _try_fit(program, cls: str, point: Point, scorer: bool, deg_w: int, deg_d: int) -> Optional[str]:
    ws = _grid(point.width, deg_w + 1, 2)
    ds = _grid(point.depth, deg_d + 1, 1)
    monomials = [(i, j) for i in range(deg_w + 1) for j in range(deg_d + 1)]
    rows, rhs = [], []
    for w in ws:
        for d in ds:
            total = _total(program, cls, Point(w, d, point.budget), scorer)
            if total is None:
                return None
            rows.append([Fraction(w) ** i * Fraction(d) ** j for i, j in monomials])
            rhs.append(Fraction(total))
    coeffs = _solve(rows, rhs)
    if coeffs is None:
        return None
    fresh = [(max(w for w in ws) + 5, max(ds) + 2), (min(ws) + 3 if min(ws) + 3 not in ws else min(ws) + 7, max(ds) + 1)]
    for w, d in fresh:
        total = _total(program, cls, Point(w, d, point.budget), scorer)
        predicted = sum(c * Fraction(w) ** i * Fraction(d) ** j for c, (i, j) in zip(coeffs, monomials))
        if total is None or predicted != total:
            return None
    return render_polynomial({m: c for m, c in zip(monomials, coeffs) if c != 0})


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


def evaluate(formula: str, width: int, depth: int) -> Optional[Fraction]:
    """Evaluate a formula produced by :func:`render_polynomial` (for tests and `fit`)."""
    if formula.startswith("("):
        return None
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
