"""Each fix's saving as a polynomial in w (width) and d (depth).

A saving is a number at the analysed point; the same rules, run at the small widths and
depths of a fixed grid (one analysis each, plus the re-analyses a rule makes to price its
rewrite), give it at other points, and one polynomial is interpolated through the grid
(analyzer/formula.py's ``fit_keyed``). A formula is kept only when it also reproduces a
fresh grid point and the saving at the analysed point itself; otherwise that fix has no
formula and shows only its number. The grid's budget is the analysed one, so a fix whose
saving depends on the budget (a sample count sized from it) usually has none.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from flopcast.analyzer.formula import SMALL_GRID, fit_keyed
from flopcast.check.findings import Finding
from flopcast.check.selection import Selection
from flopcast.check.source import Submission
from flopcast.model import Point

def _key(finding: Finding) -> str:
    s = finding.span
    return f"{finding.code} {s.path}:{s.line}:{s.col}:{s.end_line}:{s.end_col}"


def with_saving_formulas(findings: list[Finding], submission: Submission, point: Point, *,
                         scorer_cast: bool = True, class_name: Optional[str] = None) -> list[Finding]:
    """``findings`` with ``fix.formula`` set wherever the saving has a polynomial closed form."""
    from flopcast.check.engine import check_target

    actual = {_key(f): f.fix.saving for f in findings if f.fix is not None and f.fix.saving}
    if not actual:
        return findings
    codes = tuple(sorted({f.code for f in findings if _key(f) in actual}))

    def sample(w: int, d: int) -> Optional[dict[str, int]]:
        result = check_target(submission, Point(w, d, point.budget), Selection(select=codes),
                              scorer_cast=scorer_cast, class_name=class_name)
        if result.analysis_error or result.report is None or not result.report.total.exact:
            return None
        return {_key(f): f.fix.saving for f in result.findings if f.fix is not None and f.fix.saving is not None}

    found = fit_keyed([SMALL_GRID], sample, actual, known=[((point.width, point.depth), actual)])
    return [dataclasses.replace(f, fix=dataclasses.replace(f.fix, formula=found[_key(f)]))
            if f.fix is not None and _key(f) in found else f for f in findings]
