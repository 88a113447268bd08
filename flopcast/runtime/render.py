"""`flopcast verify` output: a plain-text table for people, JSON for machines."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Optional

from flopcast.analyzer.render import alike_assumption
from flopcast.installed import flopscope_version, whestbench_version
from flopcast.model import SCORER_SPAN, Interval, NoRaise, Span, display_path
from flopcast.runtime.diff import ABOVE_LOWER_BOUND, ANALYZER_ERROR, RAISES, PointResult, Row
from flopcast.runtime.protocol import BUDGET_EXHAUSTED, TIMEOUT, RunError

SCHEMA_VERSION = 1
# Matching rows are summarised, not listed, in text output; JSON lists all.
_MAX_ROWS = 40


# ---------------------------------------------------------------------------
# text


def render_text(path: Path, results: list[PointResult], *, seed: int) -> str:
    out = [f"flopcast verify {display_path(str(path))}  (seed {seed}; flopscope {flopscope_version()}, whestbench {whestbench_version()})", ""]
    for result in results:
        out += _point_text(result)
        out.append("")
    matched = sum(r.matched for r in results)
    bounds = sum(r.verdict == ABOVE_LOWER_BOUND for r in results)
    if matched == len(results) and bounds:
        out.append(f"OK: the prediction matches the run at {_plural(len(results), 'point')} "
                   f"({bounds} a lower bound the run kept to).")
    elif matched == len(results):
        out.append(f"OK: the prediction matches the run at {_plural(len(results), 'point')}.")
    else:
        out.append(f"FAILED: {len(results) - matched} of {_plural(len(results), 'point')} did not match.")
    return "\n".join(out) + "\n"


def _point_text(r: PointResult) -> list[str]:
    head = f"{r.point.label()}: {r.verdict}"
    lines: list[str] = []
    if r.verdict == RAISES and r.run.error is not None:
        # (a load or setup() failure stops before predict: the report's total is not what is compared)
        off_meter = r.predicted_raise is not None and r.predicted_raise.fails_submission
        within = "" if r.static_total is None or r.static_total.exact or off_meter \
            else f" (predicted {r.static_total})"
        some = r.predicted_raise is not None and not r.predicted_raise.every_path
        lines.append(f"{head}: {r.run.error.type} at {_where(r.run.error)} after {r.dynamic_total:,} FLOPs{within}, "
                     f"as the analyzer predicted{' on some paths' if some else ''}")
        lines.append(f"  {r.run.error.type}: {r.run.error.message}")
        return lines + _scorer_note(r)
    if r.verdict == ABOVE_LOWER_BOUND:
        return _above_lower_bound_text(r, head) + _scorer_note(r)
    if r.matched:
        head += f"  {r.dynamic_total:,} FLOPs"
        if r.report is not None and r.report.per_call:
            head += f" (predicted {r.report.per_call[0]} for the first MLP)"
        elif not r.static_total.exact:  # type: ignore[union-attr]
            head += f" (predicted {r.static_total})"
        lines.append(head)
        return lines + _calls_text(r) + _scorer_note(r)
    if r.run.ok and r.report is not None:
        first = r.report.per_call[0] if r.report.per_call else r.static_total
        delta = _signed(Row(first, r.dynamic_total or 0).diff) if first else ""  # type: ignore[arg-type]
        which = " for the first MLP" if r.report.per_call else ""
        lines.append(f"{head}  predicted {first}{which}, counted {r.dynamic_total:,} ({delta})")
        lines += _presumed_finite(r)
        if r.report.lower_bound:
            lines.append(f"  the prediction is a lower bound: {_plural(len(r.report.unpriced), 'call')} could not be priced")
        if r.report.alike:
            lines.append(f"  the prediction {alike_assumption(r.report)}")
        lines += _calls_text(r)
        lines += _table("differing expressions", r.expressions, expression=True)
        lines += _table("differing lines", r.lines, line=True)
        lines += _table("by op", r.ops)
        return lines + _scorer_note(r)
    lines.append(head)
    if r.verdict == ANALYZER_ERROR:
        lines.append(f"  {r.static_error}")
        lines.append(f"  the run itself counted {r.dynamic_total:,} FLOPs; this is a flopcast bug, please report it")
        return lines
    lines += _failure_text(r)
    return lines


#: the unpriced sites a lower bound's verdict names; JSON lists them all
_MAX_UNPRICED = 5


def _above_lower_bound_text(r: PointResult, head: str) -> list[str]:
    """A lower bound the run kept to: the analyzer was right, and the FLOPs past its priced range
    are the run's charges at the ops it said it could not price."""
    assert r.report is not None and r.dynamic_total is not None
    first = r.report.per_call[0] if r.report.per_call else r.report.total
    which = " for the first MLP" if r.report.per_call else ""
    lines = [f"{head}  {r.dynamic_total:,} FLOPs (predicted at least {first.lo:,}{which}): consistent, "
             "the analyzer said it could not price everything"]
    error = r.run.error
    if r.run.status == BUDGET_EXHAUSTED and error is not None:
        lines.append(f"  the run stopped at {_where(error)}: {error.op} would cost {error.flop_cost:,} FLOPs "
                     f"with {error.flops_remaining:,} of {r.point.budget:,} left")
    past = r.dynamic_total - first.hi
    sites = []
    for u in r.report.unpriced:
        where = _span_text(u.span, with_col=False) if u.span is not None else "the estimator"
        text = f"{where}: {u.what} ({u.reason})"
        if text not in sites:
            sites.append(text)
    said = f"{past:,} FLOPs past the priced {first.hi:,}" if past > 0 else "the count lies within the priced range"
    lines.append(f"  {said}; not priced, as the analyzer reported, at:")
    lines += [f"    {text}" for text in sites[:_MAX_UNPRICED]]
    if len(sites) > _MAX_UNPRICED:
        lines.append(f"    ... {len(sites) - _MAX_UNPRICED} more (use --format json for all)")
    lines += _calls_text(r)
    return lines + _table("differing expressions", r.expressions, expression=True)


def _failure_text(r: PointResult) -> list[str]:
    error: Optional[RunError] = r.run.error
    lines = []
    if error is None:
        return [f"  the run ended with status {r.run.status} and no explanation"]
    if r.run.status == BUDGET_EXHAUSTED:
        lines.append(f"  {error.op} would cost {error.flop_cost:,} FLOPs with {error.flops_remaining:,} of {r.point.budget:,} left")
        lines.append(f"  stopped at {_where(error)}, after {r.run.flops_used:,} FLOPs")
        if r.static_total is not None:
            verdict = (
                "over the budget too: the analyzer saw this coming"
                if r.static_total.hi > r.point.budget
                else "within the budget: the analyzer missed this overrun"
            )
            lines.append(f"  static prediction: {r.static_total} FLOPs in total ({verdict})")
            at_stop = r.static_at_stop()
            lines.append(
                f"  static prediction for this {error.op}: "
                + (f"{at_stop} FLOPs per pass, summed" if at_stop is not None else "none (the analyzer has no charge here)")
            )
        elif r.static_error:
            lines.append(f"  ({r.static_error})")
        lines.append("  lower the cost (smaller batch, fewer samples) or raise --budget to see the whole run")
        return lines
    lines.append(f"  {error.type}: {error.message}")
    if error.span is not None:
        lines.append(f"  at {_where(error)}")
        presumed = _presumed_no_raise(r)
        if presumed is not None:
            lines.append(f"  the report presumed {presumed.op} here does not raise {presumed.exception} "
                         f"({presumed.reason}): its count is of a run past it")
    if r.run.status == TIMEOUT:
        lines.append("  raise --timeout if it is just slow, or look for a loop whose exit depends on values")
    if error.traceback:
        lines += ["  " + line for line in error.traceback.rstrip().splitlines()]
    elif error.span is None and r.run.stderr_tail.strip():
        tail = r.run.stderr_tail.rstrip().splitlines()[-15:]
        lines.append("  the child's stderr ends with:")
        lines += ["    " + line for line in tail]
    return lines


def _presumed_no_raise(r: PointResult) -> Optional[NoRaise]:
    """The report's presumption that the op the run raised at does not raise that exception."""
    error = r.run.error
    if r.report is None or error is None or error.span is None:
        return None
    return next((p for p in r.report.presumes_no_raise if p.exception == error.type
                 and (p.span.path, p.span.line) == (error.span.path, error.span.line)), None)


def _presumed_finite(r: PointResult) -> list[str]:
    """The products the report's count presumes stay finite ("presuming no overflow"): a run in
    which one overflows prices what follows it otherwise (flopscope drops the symmetric tag), as
    one whose presumed op raises stops there (_failure_text names that presumption alike)."""
    assert r.report is not None
    said = [f"  the report presumed {p.op} at {_span_text(p.span, with_col=False)} does not overflow ({p.reason}): "
            "its count is of a run in which it stays finite" for p in r.report.presumes_no_raise
            if p.exception == "overflow"]
    return list(dict.fromkeys(said))


def _where(error: RunError) -> str:
    if error.span is None:
        return "an unknown place"
    if error.span == SCORER_SPAN:
        return "whestbench's float32 cast of the returned array (scoring.materialise_predictions)"
    text = _span_text(error.span, with_col=error.span.end_line > 0 and (error.span.col or error.span.end_col))
    return f"{text} ({error.function})" if error.function else text


def _scorer_note(r: PointResult) -> list[str]:
    return ["  (whestbench's float32 cast of the result is left out: --no-scorer-cast)"] if r.scorer_excluded else []


def _table(title: str, rows: list[Row], *, expression: bool = False, line: bool = False) -> list[str]:
    """``differing ...`` tables list only rows that differ; the ``by op`` table lists every op."""
    differing = [row for row in rows if not row.matches]
    only_differing = title.startswith("differing")
    if only_differing and not differing:
        return []
    shown = differing if only_differing else rows
    count = f"{len(differing)} of {len(rows)}" + ("" if only_differing else " differ")
    out = [f"  {title} ({count}):"]
    head = [" ", "expression", "op"] if expression else [" ", "line" if line else "op"]
    head += ["static", "dynamic", "diff", ""]
    cells = []
    for row in shown[:_MAX_ROWS]:
        if expression:
            first = [_span_text(row.span, with_col=True), row.op or ""]  # type: ignore[arg-type]
        elif line:
            first = [_span_text(row.span, with_col=False)]  # type: ignore[arg-type]
        else:
            first = [row.op or ""]
        mark = " " if row.matches else "x"
        cells.append([mark, *first, str(row.static), f"{row.dynamic:,}", _signed(row.diff) if row.diff else "", row.note])
    out += _columns([head] + cells, right_from=len(head) - 4)
    if len(shown) > _MAX_ROWS:
        out.append(f"    ... {len(shown) - _MAX_ROWS} more (use --format json for all)")
    return out


def _columns(rows: list[list[str]], *, right_from: int) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        parts = []
        for i, cell in enumerate(r):
            if i == len(r) - 1:
                parts.append(cell)  # the note: free text, not padded
            elif right_from <= i < len(r) - 1:
                parts.append(cell.rjust(widths[i]))
            else:
                parts.append(cell.ljust(widths[i]))
        lines.append(("    " + "  ".join(parts)).rstrip())
    return lines


def _span_text(span: Span, *, with_col) -> str:
    if span == SCORER_SPAN:
        return "<whestbench float32 cast>"
    path = display_path(span.path)
    if span.line <= 0:
        return path
    return f"{path}:{span.line}:{span.col + 1}" if with_col else f"{path}:{span.line}"


def _signed(n: int) -> str:
    return f"{n:+,}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------------------
# json


def _calls_text(r: PointResult) -> list[str]:
    """The calls after the first on the same instance (whestbench's one estimator per run)."""
    out = []
    for i, static, counted in r.calls:
        predicted = "not predicted (the analyzer did not follow this call)" if static is None else f"predicted {static}"
        kept = static.contains(counted) if static is not None else r.verdict == ABOVE_LOWER_BOUND
        kept = kept or r.verdict == ABOVE_LOWER_BOUND and static is not None and static.lo <= counted
        mark = "" if kept else "  MISMATCH"
        out.append(f"  MLP {i} on the same instance: counted {counted:,}, {predicted}{mark}")
    if r.run.later_error:
        out.append(f"  later MLPs not run: {r.run.later_error}")
    return out


def render_json(path: Path, results: list[PointResult], *, seed: int) -> str:
    data = {
        "schema_version": SCHEMA_VERSION,
        "path": str(path),
        "seed": seed,
        "flopscope_version": flopscope_version(),
        "whestbench_version": whestbench_version(),
        "ok": all(r.matched for r in results),
        "points": [_point_json(r) for r in results],
    }
    return json.dumps(data, indent=2) + "\n"


def _interval_json(i: Optional[Interval]) -> Optional[dict]:
    return None if i is None else {"lo": i.lo, "hi": i.hi}


def _row_json(row: Row) -> dict:
    return {
        "span": asdict(row.span) if row.span is not None else None,
        "op": row.op,
        "static": _interval_json(row.static),
        "dynamic": row.dynamic,
        "diff": row.diff,
        "matches": row.matches,
        "note": row.note,
    }


def _point_json(r: PointResult) -> dict:
    error = r.run.error
    return {
        "point": asdict(r.point),
        "verdict": r.verdict,
        "matched": r.matched,
        "status": r.run.status,
        "static_total": _interval_json(r.static_total),
        "static_lower_bound": r.report.lower_bound if r.report is not None else None,
        # sites the static total assumes answer alike at every execution: a run mixing their
        # answers may differ from the report expression by expression (analyze's total.assumes_alike)
        "static_assumes_alike": [asdict(s) for s in r.report.alike] if r.report is not None else [],
        # the raises the report predicts, on every path or on some: a run raising where one on some
        # paths stands is the EXCEPTION verdict, whose count the report may still have right
        "static_raises": [{"span": asdict(x.span) if x.span is not None else None, "what": x.what,
                           "exc_type": x.exc_type, "every_path": x.every_path, "at_load": x.at_load}
                          for x in r.report.raises] if r.report is not None else [],
        # ops outside any `try` the count presumes do not raise: a run raising at one of them is
        # the EXCEPTION verdict, of a run the report's count was never about
        "static_presumes_no_raise": [{"span": asdict(p.span), "op": p.op, "exception": p.exception,
                                      "reason": p.reason} for p in r.report.presumes_no_raise]
                                    if r.report is not None else [],
        "dynamic_total": r.dynamic_total,
        "flops_used": r.run.flops_used,
        "predict_seconds": r.run.predict_seconds,
        "scorer_excluded": r.scorer_excluded,
        "static_error": r.static_error,
        "error": asdict(error) if error is not None else None,
        "static_at_stop": _interval_json(r.static_at_stop()),
        "unpriced": [asdict(u) for u in r.report.unpriced] if r.report is not None else [],
        "expressions": [_row_json(x) for x in r.expressions],
        "lines": [_row_json(x) for x in r.lines],
        "ops": [_row_json(x) for x in r.ops],
        # whestbench calls predict on one instance for every MLP: the calls after the first
        "calls": [{"call": i, "static": _interval_json(static), "dynamic": counted,
                   "matches": static is not None and static.contains(counted)} for i, static, counted in r.calls],
        "later_error": r.run.later_error,
    }
