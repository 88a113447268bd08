"""ruff's concise style, `path:line:col: CODE message`, then one summary line per target."""

from __future__ import annotations

from flopcast.check import fmt
from flopcast.check.output.common import Results


def render(results: Results) -> str:
    lines = [f"{x.finding.path}:{x.line}:{x.col}: {x.finding.code} {_mark(x.finding)}{x.finding.message}"
             f"{_formula(x.finding)}" for x in results.located()]
    if lines:
        lines.append("")
    for target in results.targets:
        report = target.report
        if report is not None:
            total = report.total
            budget = target.point.budget
            bound = " at least" if report.lower_bound else ""
            cal = report.calibration
            calibrated = "" if cal is None else (
                f"; calibrated {fmt.flops(cal.total)}{' or more' if cal.lower_bound else ''} "
                f"(from a run at {cal.point.width}x{cal.point.depth})")
            lines.append(
                f"{target.submission.entry.display}: predicted{bound} {total} FLOPs = "
                f"{fmt.share(total.hi, budget)} of the {fmt.flops(budget)} budget "
                f"at {fmt.where_point(target.point)}{calibrated}"
            )
    errors, warnings = results.errors, results.warnings
    if errors or warnings:
        lines.append(f"Found {_plural(errors, 'error')} and {_plural(warnings, 'warning')}.")
    else:
        lines.append("All checks passed!")
    fixes = [f.fix for t in results.targets for f in t.findings if f.fix is not None]
    safe = sum(1 for f in fixes if f.safe)
    if fixes:
        hidden = len(fixes) - safe
        more = (f" ({hidden} more with `--unsafe-fixes`)" if hidden else "")
        lines.append(f"[*] {safe} fixable with `flopcast check --fix`{more}.")
    return "\n".join(lines) + "\n"


def _mark(finding) -> str:
    """ruff's marker: `[*]` before a finding `--fix` can fix, `[~]` when only `--unsafe-fixes` can."""
    if finding.fix is None:
        return ""
    return "[*] " if finding.fix.safe else "[~] "


def _formula(finding) -> str:
    """The saving as a formula in w, d, where one was fitted."""
    if finding.fix is None or not finding.fix.formula:
        return ""
    return f" (saving in w, d: {finding.fix.formula})"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
