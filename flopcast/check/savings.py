"""What `flopcast analyze` adds at its end: the array memory and the savings available.

The savings are the cost rules' findings that carry a fix (FC101-FC106), each with the
FLOPs it saves at the analysed point and whether `flopcast check --fix` applies it (safe)
or only `--unsafe-fixes` does.
"""

from __future__ import annotations

from typing import Optional

from flopcast.check import fmt
from flopcast.check.findings import Finding
from flopcast.model import Report

COST_RULES = ("FC101", "FC102", "FC103", "FC104", "FC105", "FC106")


def savings(path: str, report: Report, class_name: Optional[str] = None, formulas: bool = False,
            analyzer=None) -> list[Finding]:
    """The cost findings with a fix, from the report already made (no second analysis);
    with ``formulas``, each saving also as a formula in w, d where one fits. ``analyzer``: the
    session the report was made with (its recorded calls are reused), else a new one."""
    from flopcast.check.engine import check_target, session
    from flopcast.check.selection import Selection
    from flopcast.check.source import load_submission

    submission = load_submission(path)
    analyzer = analyzer or session()
    result = check_target(submission, report.point, Selection(select=COST_RULES), report=report,
                          class_name=class_name, analyzer=analyzer)
    found = [f for f in result.findings if f.fix is not None]
    if formulas:
        from flopcast.check.saving_formulas import with_saving_formulas

        found = with_saving_formulas(found, submission, report.point, scorer_cast=report.include_scorer_cast,
                                     class_name=class_name, analyzer=analyzer)
    return found


def render_savings(found: list[Finding]) -> str:
    if not found:
        return "Savings available: none found\n"
    total = sum(f.fix.saving or 0 for f in found)
    safe = sum(f.fix.saving or 0 for f in found if f.fix.safe)
    lines = [f"Savings available: {fmt.flops(total)} FLOPs ({fmt.flops(safe)} with `flopcast check --fix`)"]
    for f in found:
        kind = "safe" if f.fix.safe else "unsafe"
        lines.append(f"  {f.path}:{f.line} {f.code} {fmt.flops(f.fix.saving or 0):>16}  {kind:<6}  {f.fix.title}")
        if f.fix.formula:
            lines.append(f"  {'':>{len(f.path) + len(str(f.line)) + 24}}= {f.fix.formula} in w, d")
    return "\n".join(lines) + "\n"


def render_memory(report: Report) -> str:
    from flopcast.check.rules.fc004_memory_limit import mib
    from flopcast.installed import resource_limits

    m = report.memory
    if m is None:
        return ""
    limit = resource_limits().memory_limit_mb
    lines = []
    for phase, peak, peak_span, largest, what, largest_span in (
            ("predict", m.peak, m.peak_span, m.largest, m.largest_what, m.largest_span),
            ("setup()", m.setup_peak, m.setup_peak_span, m.setup_largest, m.setup_largest_what,
             m.setup_largest_span)):
        if peak_span is None:
            continue
        share = fmt.share(peak, limit * 2**20)
        lines.append(f"Memory ({phase}): peak {mib(peak)} of live arrays at line {peak_span.line} "
                     f"({share} of whestbench's {limit:,} MiB limit); largest array {what}, {mib(largest)}, "
                     f"at line {largest_span.line if largest_span else '?'}")
    return "\n".join(lines) + ("\n" if lines else "")


def to_json(report: Report, found: list[Finding]) -> dict:
    m = report.memory
    return {
        "memory": None if m is None else {
            "predict": {"peak": m.peak, "peak_line": m.peak_span.line if m.peak_span else None,
                        "largest": m.largest, "largest_line": m.largest_span.line if m.largest_span else None,
                        "largest_array": m.largest_what},
            "setup": {"peak": m.setup_peak, "peak_line": m.setup_peak_span.line if m.setup_peak_span else None,
                      "largest": m.setup_largest,
                      "largest_line": m.setup_largest_span.line if m.setup_largest_span else None,
                      "largest_array": m.setup_largest_what},
        },
        "savings": [{"code": f.code, "path": f.path, "line": f.line, "title": f.fix.title,
                     "saving": f.fix.saving, "saving_formula": f.fix.formula, "safe": f.fix.safe} for f in found],
    }
