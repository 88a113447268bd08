"""The page as data: everything the template shows, computed here, formatted there.

Built from a :class:`~flopcast.report.gather.Gathered` (and, for ``verify --html``, the
runtime count per line). Colour is never the only carrier of meaning: every line
shows its FLOPs and share as text, and each mark has a symbol and a label.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from markupsafe import Markup

from flopcast import __version__
from flopcast.analyzer import rollup
from flopcast.analyzer.program import ROOT_CALLER
from flopcast.analyzer.render import alike_caveat, exact_status, presumes_no_raise, value_dependence
from flopcast.lsp.costs import SpanCost, fold
from flopcast.lsp.keys import line_key, span_key
from flopcast.model import SCORER_SPAN, Report, Span, display_path
from flopcast.report.curves import Curve
from flopcast.report.gather import Gathered
from flopcast.report.source import highlight_lines

#: Heat levels: 8 is the hottest line's decade, each level below one decade less (log scale).
HEAT_LEVELS = 8


@dataclass(frozen=True)
class Mark:
    kind: str  # css class: paths, unpriced, values, raises, finding, runtime
    symbol: str
    label: str


#: What each kind of mark means, for the legend.
MARK_KINDS = (
    Mark("paths", "◐", "paid on some paths only (a value-dependent branch)"),
    Mark("values", "≈", "value-dependent site: the cost here depends on array values"),
    Mark("unpriced", "?", "not priced: the total is a lower bound"),
    Mark("raises", "!", "raises an exception"),
    Mark("finding", "⚑", "a flopcast check finding"),
    Mark("runtime", "≠", "the runtime count differs from the prediction"),
)
_SYMBOLS = {m.kind: m.symbol for m in MARK_KINDS}


@dataclass(frozen=True)
class OpDetail:
    op: str
    code: str  # the expression's source text
    col: int  # 1-based
    billed: str  # dtype(s) billed
    weight: str
    rate: str
    executions: int
    each: str  # FLOPs per execution
    flops: int
    certain: bool
    detail: str
    formula: Optional[str]


@dataclass
class LineView:
    number: int
    html: Markup
    anchor: str
    flops: int = 0
    share: float = 0.0  # of the total
    executions: int = 0
    heat: int = 0  # 0: no cost; 1..HEAT_LEVELS
    marks: list[Mark] = field(default_factory=list)
    ops: list[OpDetail] = field(default_factory=list)
    formula: Optional[str] = None
    runtime: Optional[int] = None  # verify --html: what flopscope charged here

    @property
    def interesting(self) -> bool:
        """Focusable: it has ops (even free ones) or carries a mark."""
        return bool(self.ops or self.marks or self.runtime)


@dataclass
class FileView:
    path: str
    anchor: str
    lines: list[LineView]
    flops: int = 0
    share: float = 0.0


@dataclass
class FunctionNode:
    qualname: str
    own: int
    inclusive: int
    share: float  # inclusive, of the total
    link: Optional[str]
    calls: int = 1
    children: list["FunctionNode"] = field(default_factory=list)
    recursive: bool = False  # a call back into a function already on this branch


@dataclass(frozen=True)
class OpRow:
    op: str
    count: int
    flops: int
    share: float
    dtypes: str
    weight: str


@dataclass(frozen=True)
class Item:
    """A located message: a finding, an unpriced op, a value-dependent site, a note."""

    where: str
    link: Optional[str]
    text: str
    code: str = ""
    level: str = ""


@dataclass
class ChartView:
    axis: str
    svg: Optional[Markup]
    caption: str
    fit: str
    rows: list[tuple[str, str, str]]  # (value, FLOPs, share of budget) for the text table
    skipped: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass
class Header:
    path: str
    estimator_class: str
    total: str
    status: str
    kind: str  # exact, interval, lower
    share: str
    budget: str
    bar_lo: float  # percent of the bar
    bar_hi: float
    over: bool
    formula: Optional[str]
    point: str
    versions: str
    scorer_cast: Optional[str] = None
    runtime: Optional[str] = None
    calibrated: Optional[str] = None


@dataclass
class Page:
    title: str
    header: Header
    files: list[FileView]
    charts: list[ChartView]
    functions: list[FunctionNode]
    unreached: list[FunctionNode]
    ops: list[OpRow]
    findings: list[Item]
    unpriced: list[Item]
    uncertain: list[Item]
    raises: list[Item]
    notes: list[Item]
    marks: tuple[Mark, ...] = MARK_KINDS
    heat_levels: int = HEAT_LEVELS
    has_runtime: bool = False
    check_error: Optional[str] = None
    generator: str = f"flopcast {__version__}"


def grouped(n: int) -> str:
    return f"{n:,}"


def percent(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def share_text(p: float) -> str:
    if p == 0:
        return "0%"
    if p >= 10:
        return f"{p:.1f}%"
    if p >= 0.01:
        return f"{p:.2g}%"
    return "<0.01%"


def heat(flops: int, hottest: int) -> int:
    """HEAT_LEVELS for the hottest line's decade, one level less per decade below (log scale)."""
    if flops <= 0 or hottest <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, HEAT_LEVELS + math.ceil(math.log10(flops / hottest) - 1e-12)))


class _Files:
    """Resolved path -> (index, display) for the files the page shows."""

    def __init__(self, files: list[Path]) -> None:
        self.index = {str(p): i for i, p in enumerate(files)}

    def anchor(self, path: str, line: int) -> Optional[str]:
        key = path if path in self.index else _resolve(path)
        i = self.index.get(key)
        return None if i is None else f"f{i}-L{line}"


def _resolve(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


def _snippet(text_lines: list[str], span: Span, limit: int = 70) -> str:
    if not 0 < span.line <= len(text_lines):
        return ""
    raw = text_lines[span.line - 1].encode("utf-8")
    piece = raw[span.col:span.end_col] if span.end_line == span.line else raw[span.col:] + " …".encode()
    text = piece.decode("utf-8", "replace").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _op_detail(s: SpanCost, text_lines: list[str], formulas: dict[str, str], weights) -> OpDetail:
    dtypes = [d for d, _ in s.dtypes] if s.dtypes else [s.dtype]
    if s.dtypes:
        billed = ", ".join(f"{d or 'no dtype'} ×{n}" for d, n in s.dtypes)
    else:
        billed = s.dtype or "no dtype"
    weight = rate = "?"
    if weights is not None:
        weight = f"×{weights.weight(s.op):g}"
        rate = ", ".join(f"{d}: ×{weights.rate(d):g}" if d else "×1" for d in dtypes)
    each = grouped(s.first) if s.first == s.largest else f"{grouped(s.first)} first, up to {grouped(s.largest)}"
    return OpDetail(s.op, _snippet(text_lines, s.span), s.span.col + 1, billed, weight, rate, s.executions,
                    each, s.total, s.certain, s.detail, formulas.get(span_key(s)))


def _weights():
    try:
        from flopcast.installed import weights

        return weights()
    except Exception:  # noqa: BLE001 - SetupError: the page still shows the counts, weights as "?"
        return None


def build_page(g: Gathered, runtime_lines: Optional[dict[tuple[str, int], int]] = None,
               runtime_summary: Optional[str] = None) -> Page:
    report = g.report
    total = report.total.hi
    files = _Files(g.files)
    weights = _weights()
    # Marks by (resolved path, line).
    marks: dict[tuple[str, int], list[Mark]] = {}

    def mark(path: str, line: int, kind: str, label: str) -> None:
        key = (path if path in files.index else _resolve(path), line)
        found = marks.setdefault(key, [])
        if not any(m.kind == kind and m.label == label for m in found):
            found.append(Mark(kind, _SYMBOLS[kind], label))

    for u in report.unpriced:
        mark(u.span.path, u.span.line, "unpriced", f"not priced: {u.what}: {u.reason}")
    for u in report.uncertain:
        mark(u.span.path, u.span.line, "values", f"depends on values ({u.kind}): {u.reason}")
    for r in report.raises:
        when = "always" if r.every_path else "on some value-dependent paths"
        mark(r.span.path, r.span.line, "raises", f"raises {r.what} ({when})")
    by_display = {f.display: str(f.path) for f in g.submission.files}
    for f in g.findings:
        mark(by_display.get(f.path, f.path), f.line, "finding", f"{f.code} {f.level.value}: {f.message}")
    runtime = {}
    for (path, line), n in (runtime_lines or {}).items():
        runtime[(path if path in files.index else _resolve(path), line)] = n

    folded = {str(p): fold(report, str(p)) for p in g.files}
    hottest = max((lc.total for fc in folded.values() for lc in fc.lines.values()), default=0)
    file_views = []
    for i, path in enumerate(g.files):
        key = str(path)
        text = next(f.text for f in g.submission.files if f.path == path)
        text_lines = text.splitlines()
        formulas = g.formulas.get(path, {})
        costs = folded[key]
        view = FileView(display_path(key), f"f{i}", [])
        for n, html in enumerate(highlight_lines(text), start=1):
            line = LineView(n, html, f"f{i}-L{n}")
            lc = costs.lines.get(n)
            if lc is not None:
                line.flops = lc.total
                line.share = percent(lc.total, total)
                line.executions = lc.executions
                line.heat = heat(lc.total, hottest)
                line.ops = [_op_detail(s, text_lines, formulas, weights)
                            for s in sorted(lc.ops, key=lambda s: -s.total)]
                line.formula = formulas.get(line_key(n))
                if not lc.certain:
                    line.marks.append(Mark("paths", _SYMBOLS["paths"], "paid on some paths only: an upper bound"))
            line.marks.extend(marks.get((key, n), []))
            if runtime_lines is not None:
                line.runtime = runtime.get((key, n), 0)
                if line.runtime != line.flops and (lc is None or lc.certain or line.runtime > line.flops):
                    line.marks.append(Mark("runtime", _SYMBOLS["runtime"],
                                           f"flopscope charged {grouped(line.runtime)}, predicted {grouped(line.flops)}"))
            view.flops += line.flops
            view.lines.append(line)
        view.share = percent(view.flops, total)
        file_views.append(view)

    functions, unreached = _function_tree(report, files)
    return Page(
        title=f"flopcast: {display_path(report.path)} at {report.point.label()}",
        header=_header(report, runtime_summary),
        files=file_views,
        charts=[],
        functions=functions,
        unreached=unreached,
        ops=[OpRow(o.op, o.calls, o.flops, percent(o.flops, total), ", ".join(sorted(o.dtypes)) or "—",
                   f"×{weights.weight(o.op):g}" if weights is not None else "?")
             for o in rollup.by_op(report)],
        findings=[Item(f"{f.path}:{f.line}:{f.span.col + 1}", files.anchor(by_display.get(f.path, f.path), f.line),
                       f.message, f.code, f.level.value) for f in g.findings],
        unpriced=[_item(u.span, files, f"{u.what}: {u.reason}") for u in report.unpriced],
        uncertain=[_item(u.span, files, f"{u.kind}: {u.reason}") for u in report.uncertain],
        raises=[_item(r.span, files, f"{r.stage} raises {r.what} "
                                     f"({'always' if r.every_path else 'on some value-dependent paths'})")
                for r in report.raises],
        notes=[_item(n.span, files, n.message) for n in report.notes],
        has_runtime=runtime_lines is not None,
        check_error=g.check_error,
    )


def _item(span: Optional[Span], files: _Files, text: str) -> Item:
    if span is None or span.path.startswith("<"):
        return Item("", None, text)
    return Item(f"{display_path(span.path)}:{span.line}:{span.col + 1}", files.anchor(span.path, span.line), text)


def _status(report: Report) -> tuple[str, str]:
    if any(u.what == "unbounded" for u in report.unpriced):
        return "lower", "lower bound: a loop or recursion may never end, its cost is unbounded" + alike_caveat(report)
    if report.unpriced:
        return "lower", "lower bound: some ops are not priced" + alike_caveat(report) + presumes_no_raise(report)
    if not report.exact:
        head, why = value_dependence(report)
        return "interval", f"{head}: {why}" + alike_caveat(report) + presumes_no_raise(report)
    return "exact", exact_status(report)


def _header(report: Report, runtime_summary: Optional[str]) -> Header:
    budget = report.point.budget
    kind, status = _status(report)
    total = report.total
    text = ("≥ " if kind == "lower" else "") + (grouped(total.lo) if total.exact
                                                 else f"[{grouped(total.lo)}, {grouped(total.hi)}]")
    cast = sum(c.flops for c in report.charges if c.span == SCORER_SPAN)
    return Header(
        path=display_path(report.path),
        estimator_class=report.estimator_class or "",
        total=text,
        status=status,
        kind=kind,
        share=share_text(percent(total.hi, budget)),
        budget=grouped(budget),
        bar_lo=min(100.0, percent(total.lo, budget)),
        bar_hi=min(100.0, percent(total.hi, budget)),
        over=total.hi > budget,
        formula=report.formula,
        point=report.point.label(),
        versions=f"flopscope {report.flopscope_version}, whestbench {report.whestbench_version}",
        scorer_cast=(f"includes {grouped(cast)} for whestbench's float32 cast of the returned array"
                     if cast and report.include_scorer_cast else None),
        runtime=runtime_summary,
        calibrated=_calibrated(report),
    )


def _calibrated(report: Report) -> Optional[str]:
    c = report.calibration
    if c is None:
        return None
    where = f"decisions observed in one run at {c.point.width}x{c.point.depth} (seed {c.seed})"
    approximate = sum(1 for s in c.sites if s.approximate)
    notes = [where]
    if approximate:
        notes.append(f"{approximate} of {len(c.sites)} sites carried over approximately")
    if c.lower_bound:
        notes.append("lower bound: something on that path is not priced")
    return ("≥ " if c.lower_bound else "") + f"{grouped(c.total)} FLOPs ({'; '.join(notes)})"


def _function_tree(report: Report, files: _Files) -> tuple[list[FunctionNode], list[FunctionNode]]:
    """Functions nested by the observed call graph from whestbench's call of predict."""
    own = {f.qualname: f.flops for f in rollup.by_function(report)}
    links = {f.qualname: files.anchor(f.span.path, f.span.line) for f in report.functions}
    children: dict[str, list[tuple[str, int]]] = {}
    for (caller, callee), count in report.calls.items():
        children.setdefault(caller, []).append((callee, count))
    total = report.total.hi
    seen: set[str] = set()

    def node(name: str, calls: int, stack: tuple[str, ...]) -> FunctionNode:
        seen.add(name)
        inclusive = report.inclusive.get(name, own.get(name, 0))
        out = FunctionNode(name, own.get(name, 0), inclusive, percent(inclusive, total), links.get(name), calls)
        if name in stack:
            out.recursive = True
            return out
        kids = sorted(children.get(name, []), key=lambda kc: (-report.inclusive.get(kc[0], own.get(kc[0], 0)), kc[0]))
        out.children = [node(k, c, stack + (name,)) for k, c in kids]
        return out

    roots = [node(name, count, (ROOT_CALLER,)) for name, count in children.get(ROOT_CALLER, [])]
    unreached = [FunctionNode(f.qualname, 0, 0, 0.0, links.get(f.qualname))
                 for f in report.functions if f.qualname not in seen and "<locals>" not in f.qualname]
    return roots, unreached


def chart_view(curve: Curve, svg: Optional[str], command_path: str) -> ChartView:
    """A curve's chart, caption, fit sentence and the same points as a text table."""

    sym = "w" if curve.axis == "width" else "d"
    other = f"depth {curve.fixed:,}" if curve.axis == "width" else f"width {curve.fixed:,}"
    fit = curve.fit
    hint = f"`flopcast fit {command_path} --for {curve.axis}`"
    if fit is None:
        fit_text = f"The largest {curve.axis} that fits was not searched in the time the page allows: run {hint}."
    elif fit.value is None:
        fit_text = f"No {curve.axis} fits the budget at {other}."
    elif fit.unbounded:
        fit_text = f"Every {curve.axis} fits at {other}: the predicted cost stops growing with it."
    elif not fit.confirmed:
        fit_text = (f"Largest {curve.axis} that fits: {sym} = {fit.value:,}, read off the formula; it was not "
                    f"confirmed by analysis in the time the page allows ({hint} confirms it).")
    else:
        how = "read off the formula and confirmed" if fit.from_formula else "found"
        fit_text = (f"Largest {curve.axis} that fits: {sym} = {fit.value:,} ({how} by analysis at "
                    f"{fit.value:,} and {fit.value + 1:,}).")
    rows = []
    for p in curve.points:
        flops = grouped(p.total.lo) if p.total.exact else f"[{grouped(p.total.lo)}, {grouped(p.total.hi)}]"
        if p.lower_bound:
            flops = "≥ " + flops
        mark = " (analysed)" if p.value == curve.analysed else ""
        rows.append((f"{p.value:,}{mark}", flops, share_text(percent(p.total.hi, curve.budget))))
    return ChartView(curve.axis, Markup(svg) if svg else None,
                     f"Predicted FLOPs against {curve.axis} at {other} (log scales; each dot is an analysis)",
                     fit_text, rows, curve.skipped, curve.failed)
