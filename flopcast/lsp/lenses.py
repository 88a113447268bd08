"""Code lenses above ``predict`` and each helper: cost at the round vs the budget, and the formula.

``predict`` shows the report's whole total (every callee and the scorer's float32
cast included). A helper shows what was charged while it ran, its callees included
(``Report.inclusive``), or its own lines when the analyzer never ran it. Under the
``calibrate`` setting ``predict`` adds the calibrated total of the saved text.
"""

from __future__ import annotations

from typing import Optional

from lsprotocol import types

from flopcast.analyzer import rollup
from flopcast.lsp import fmt
from flopcast.lsp.calibration import Calibrated
from flopcast.lsp.costs import FunctionCost
from flopcast.lsp.keys import function_key
from flopcast.lsp.positions import Lines
from flopcast.lsp.state import Analysis
from flopcast.model import Point


def lens_title(fn: FunctionCost, analysis: Analysis, point: Point, formula: Optional[str],
               calibrated: Optional[Calibrated] = None) -> str:
    report = analysis.report
    share = fmt.share(fn.total, point.budget).strip(fmt.FIGURE_SPACE)
    if fn.includes_callees:
        total = fmt.interval(report.total.lo, report.total.hi)
        verdict = rollup.budget_verdict(report.total, point.budget, report.lower_bound)
        bound = " (lower bound: unpriced ops)" if report.lower_bound else ""
        title = f"flopcast: {total} FLOPs{bound} · {share} of {fmt.grouped(point.budget)} · {verdict}"
        if calibrated is not None and calibrated.total is not None:
            more = " or more" if calibrated.lower_bound else ""
            title += f" · calibrated {fmt.grouped(calibrated.total)}{more} (from a run at {calibrated.observed_at})"
    else:
        scope = "with callees" if fn.with_callees else "own lines"
        title = f"flopcast: {fmt.grouped(fn.total)} FLOPs ({scope}) · {share} of budget"
    title += f" at {point.width}×{point.depth}"
    if formula:
        title += f" · {formula}"
    return title


def code_lenses(analysis: Analysis, lines: Lines, point: Point, formulas: dict[str, str],
                report_formula: Optional[str] = None,
                calibrated: Optional[Calibrated] = None) -> list[types.CodeLens]:
    lenses = []
    for fn in analysis.costs.functions:
        if not fn.includes_callees and fn.own == 0:
            continue  # a helper that charges nothing gets no lens
        formula = formulas.get(function_key(fn.info.qualname))
        if fn.includes_callees and not formula:
            formula = report_formula or analysis.report.formula
        start = lines.from_byte_col(fn.info.span.line, fn.info.span.col)
        lenses.append(types.CodeLens(
            range=types.Range(start=start, end=start),
            command=types.Command(title=lens_title(fn, analysis, point, formula, calibrated), command=""),
        ))
    return lenses
