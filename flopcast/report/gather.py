"""Every analysis a page needs, made in one process so they share the pricing caches.

The page's own analysis (with its formula), the ``check`` findings on that same
report, per-line/expression/function formulas from a small grid of analyses (as the
editor computes them), and the width and depth curves.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from flopcast.check.findings import Finding
from flopcast.check.source import Submission, load_submission
from flopcast.model import Point, Report
from flopcast.report.curves import CURVE_SECONDS, Analyses, Curve, curves


@dataclass
class Gathered:
    report: Report
    submission: Submission
    files: list[Path]  # resolved paths of the files the estimator uses, entry first
    findings: list[Finding] = field(default_factory=list)
    formulas: dict[Path, dict[str, str]] = field(default_factory=dict)  # per file: key -> formula
    curves: list[Curve] = field(default_factory=list)
    check_error: Optional[str] = None


def used_files(submission: Submission) -> list[Path]:
    """The entry file and the sibling modules it imports, transitively (by their imports)."""
    by_module: dict[str, Path] = {}
    root = submission.entry.path.parent
    for f in submission.files:
        try:
            rel = f.path.relative_to(root)
        except ValueError:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            by_module[".".join(parts)] = f.path
    trees = {f.path: f.tree for f in submission.files}
    order = [submission.entry.path]
    pending = [submission.entry.path]
    while pending:
        path = pending.pop()
        package = ".".join(path.parent.relative_to(root).parts) if path.parent != root else ""
        for name in _imported(trees[path], package):
            # `import a.b` uses a and a.b; `from a import b` may name module a.b.
            pieces = name.split(".")
            for k in range(1, len(pieces) + 1):
                target = by_module.get(".".join(pieces[:k]))
                if target is not None and target not in order:
                    order.append(target)
                    pending.append(target)
    return order


def _imported(tree: ast.Module, package: str) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".") if package else []
                up = up[: len(up) - (node.level - 1)] if node.level > 1 else up
                base = ".".join([*up, base] if base else up)
            names.append(base)
            names.extend(f"{base}.{a.name}" if base else a.name for a in node.names)
    return [n for n in names if n]


def gather(path: str, point: Point, *, class_name: Optional[str] = None, scorer_cast: bool = True,
           report: Optional[Report] = None, curve_seconds: float = CURVE_SECONDS) -> Gathered:
    """Analyse ``path`` at ``point`` (or take ``report``, made by ``verify``) and everything around it.

    ``curve_seconds`` is the CPU time the curves' extra analyses may take; a point that
    would overshoot it is left out (and a fit it would confirm is marked unconfirmed).
    """
    from flopcast.analyzer import analyze

    submission = load_submission(path)
    options = {"include_scorer_cast": scorer_cast, **({"class_name": class_name} if class_name else {})}
    seconds = None
    if report is None:
        started = time.process_time()
        report = analyze(path, point, **options)
        # One analysis's time tells the curves what a deeper or wider one will cost.
        seconds = time.process_time() - started
    if report.formula is None:
        report.formula = _formula(path, point, report, class_name, scorer_cast)
    out = Gathered(report, submission, used_files(submission))
    try:
        out.findings = _findings(submission, point, report, scorer_cast, class_name)
    except Exception as exc:  # noqa: BLE001 - the page still shows the analysis; it says check failed
        out.check_error = f"{type(exc).__name__}: {exc}"
    try:
        out.formulas = _line_formulas(path, point, report, out.files, options)
    except Exception:  # noqa: BLE001 - formulas are an extra: without them the page shows none
        out.formulas = {}
    analyses = Analyses(lambda at: analyze(path, at, **options), point, curve_seconds)
    analyses.seed(report, seconds)
    out.curves = curves(analyses, report.formula)
    return out


def _formula(path: str, point: Point, report: Report, class_name: Optional[str], scorer_cast: bool) -> Optional[str]:
    """The closed form of ``report``'s total, fitted as ``analyze(formula=True)`` fits it."""
    from flopcast.analyzer import disk_answers
    from flopcast.analyzer.api import run_point
    from flopcast.analyzer.formula import fit_formula
    from flopcast.analyzer.program import estimator_class, load_program

    program = load_program(Path(path))
    cls = estimator_class(program, class_name)
    formula = fit_formula(lambda at, meter=None: run_point(program, cls, at, scorer_cast, meter=meter), point, report)
    disk_answers.flush_all()
    return formula


def _findings(submission: Submission, point: Point, report: Report, scorer_cast: bool,
              class_name: Optional[str]) -> list[Finding]:
    from flopcast.check import engine

    return engine.check_target(submission, point, scorer_cast=scorer_cast, class_name=class_name,
                               report=report).findings


def _line_formulas(path: str, point: Point, report: Report, files: list[Path], options: dict) -> dict[Path, dict[str, str]]:
    """Formulas in w, d of each line, expression and function, fitted on the editor's small
    grid and kept only where they reproduce a fresh point and this report exactly."""
    from flopcast.analyzer import analyze
    from flopcast.lsp.formulas import SAMPLED, keyed_totals, solve

    if report.unpriced or not report.exact:
        return {}
    grid = {(w, d): analyze(path, Point(w, d, point.budget), **options) for w, d in SAMPLED}
    if any(r.unpriced or not r.exact for r in grid.values()):
        return {}
    out = {}
    for file in files:
        name = str(file)
        samples = {at: keyed_totals(r, name) for at, r in grid.items()}
        out[file] = solve(samples, point, keyed_totals(report, name))
    return out
