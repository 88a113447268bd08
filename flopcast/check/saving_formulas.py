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
from typing import TYPE_CHECKING, Optional, Sequence

from flopcast.analyzer.formula import SMALL_GRIDS, fit_keyed
from flopcast.check.findings import Finding
from flopcast.check.selection import Selection
from flopcast.check.source import Submission
from flopcast.model import Point, Report

if TYPE_CHECKING:
    from flopcast.check.engine import AnalyzeFn

def with_saving_formulas(findings: list[Finding], submission: Submission, point: Point, *,
                         scorer_cast: bool = True, class_name: Optional[str] = None,
                         analyzer: Optional[AnalyzeFn] = None) -> list[Finding]:
    """``findings`` with ``fix.formula`` set wherever the saving has a polynomial closed form;
    ``analyzer``: the session the findings were made with (each text parsed once)."""
    from flopcast.check.engine import check_target, session

    actual = {f.key: f.fix.saving for f in findings if f.fix is not None and f.fix.saving}
    if not actual:
        return findings
    codes = tuple(sorted({f.code for f in findings if f.key in actual}))
    analyzer = analyzer or session()
    made: dict = {}  # the original code's reports at the grid points: (options but trace) -> (traced, report)

    def original_once(path, at: Point, **options) -> Report:
        # The fit leaves a fix out at the grid points left once no costs there could fit it
        # (formula.py), so the next grid may ask for it at a point analysed already for the
        # others: the original code is not analysed again there. A report that traced loops
        # serves an analysis that does not (traces change no count); rewrites are analysed.
        if options.get("source") is not None:
            return analyzer(path, at, **options)
        traced = bool(options.get("trace"))
        key = (str(path), at, tuple(sorted((k, v) for k, v in options.items() if k != "trace")))
        found = made.get(key)
        if found is None or traced and not found[0]:
            found = made[key] = (traced, analyzer(path, at, **options))
        return found[1]

    def sample(w: int, d: int, keys: Sequence[str]) -> Optional[dict[str, int]]:
        # Only the fixes still being fitted have their rewrites analysed: the others' savings are
        # not read (a fix fitted on the first grid is not priced at the second grid's new points).
        # Only their rules run either: a rule's findings do not depend on another's, and the
        # analysis traces loops only for a rule that reads them (FC103).
        wanted = frozenset(keys)
        result = check_target(submission, Point(w, d, point.budget),
                              Selection(select=tuple(c for c in codes if any(k.startswith(c + " ") for k in wanted))),
                              scorer_cast=scorer_cast, class_name=class_name, analyzer=original_once,
                              savings_for=wanted, exact_only=True)
        if result.analysis_error or result.report is None or not result.report.exact:
            return None
        return {f.key: f.fix.saving for f in result.findings
                if f.key in keys and f.fix is not None and f.fix.saving is not None}

    found = fit_keyed(SMALL_GRIDS, None, actual, known=[((point.width, point.depth), actual)], keyed=sample)
    return [dataclasses.replace(f, fix=dataclasses.replace(f.fix, formula=found[f.key]))
            if f.fix is not None and f.key in found else f for f in findings]
