"""Text and JSON renderings of an analysis report (``flopcast analyze``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from flopcast import __version__
from flopcast.analyzer import rollup
from flopcast.model import SCORER_SPAN, Calibration, Report, Span, display_path

# 1.1: each distinct charge once, with its "count"; 1.2: charges equal in every field shown are one entry;
# 1.3: raises carry "at_load" (the entry file fails to load)
JSON_SCHEMA_VERSION = "1.3"


def _status(report: Report) -> str:
    dies = next((r for r in report.raises if r.memory and r.every_path), None)
    if dies is not None:
        # the run dies there: the count of the whole path is not the run's, whatever else holds
        where = f" at line {dies.span.line}" if dies.span is not None else ""
        return (f"not the run's count: {dies.stage} raises MemoryError{where} "
                "(arrays past whestbench's memory limit); counted as if memory were unlimited")
    # (a low end rests on the sites assumed alike as an interval's ends do: a mix may cost less)
    if any(u.what == "unbounded" for u in report.unpriced):
        return "lower bound (a loop or recursion may never end; its cost is unbounded)" + alike_caveat(report)
    if report.unpriced:
        return "lower bound (some ops are not priced)" + alike_caveat(report) + presumes_no_raise(report)
    if report.per_call and all(i.exact for i in report.per_call) and not report.alike:
        return ("exact for each call; the MLPs of a run cost otherwise (predict keeps state on the instance, "
                "and whestbench calls it on one instance for every MLP)") + presumes_no_raise(report)
    if not report.exact:
        head, why = value_dependence(report)
        return f"{head} ({why})" + alike_caveat(report) + presumes_no_raise(report)
    return exact_status(report)


def exact_status(report: Report) -> str:
    """The status of a total that is one number: plain "exact" only when nothing is presumed."""
    return "exact" + presumes_no_raise(report)


def presumes_no_raise(report: Report, most: int = 6) -> str:
    """The ops outside any `try` the count presumes do not raise, grouped by exception
    (", presuming no LinAlgError: line 9 fnp.linalg.solve (the matrix is singular)"): a run in
    which one raises stops there, and counts less."""
    if not report.presumes_no_raise:
        return ""
    # two calls on one line (`math.log(a) - math.log(b)`) read as one presumption
    said: dict[tuple[str, str], None] = {}
    for p in report.presumes_no_raise:
        where = f"line {p.span.line}" if p.span.path == report.path else f"{display_path(p.span.path)}:{p.span.line}"
        said.setdefault((p.exception, f"{where} {p.op} ({p.reason})"), None)
    groups: dict[str, list[str]] = {}
    for exc, text in list(said)[:most]:
        groups.setdefault(exc, []).append(text)
    more = len(said) - most
    tail = f"; and {more} more (JSON total.presumes_no_raise)" if more > 0 else ""
    return ", presuming " + "; ".join(f"no {exc}: " + ", ".join(items) for exc, items in groups.items()) + tail


def per_call_text(report: Report) -> str:
    """Each call's total in order, the last one's for every later call when the state settled;
    with anything unpriced, each is a lower bound like the whole ("at least 687"): what is not
    priced (a switch a later MLP may take, an op) may lie in any call."""
    parts = []
    n = len(report.per_call)
    for i, total in enumerate(report.per_call, 1):
        shown = f"at least {total.lo:,}" if report.lower_bound else str(total)
        if i == n and report.per_call_settled:
            parts.append(f"call {i} and every later call {shown}" if i > 1 else f"every call {shown}")
        else:
            parts.append(f"call {i} {shown}")
    if not report.per_call_settled:
        parts.append("later calls not followed")
    return "; ".join(parts)


def value_dependence(report: Report) -> tuple[str, str]:
    """What a total is when every op is priced but it is not exact, and why."""
    if report.per_call:
        return "interval", "the cost depends on values and on the state earlier calls left on the instance"
    if report.total.exact:  # every path explored costs the same, but a run mixing answers was not priced
        return "not proven exact", "every path explored costs the same"
    return "interval", "the cost depends on values"


def alike_caveat(report: Report) -> str:
    """What an interval assumes of the sites that may run more than once on a path (alike.py)."""
    return "; it " + alike_assumption(report) if report.alike else ""


def alike_assumption(report: Report) -> str:
    """``assumes each site answers ...`` of a report with sites assumed alike (its ``alike``)."""
    # each site by its line, in a helper module by its file too, and by its column where a line holds two
    entry = Path(report.path).name
    where = [(Path(s.path).name, s.line, s.col) for s in report.alike]
    shared = {(f, line) for f, line, _ in where if sum((g, m) == (f, line) for g, m, _ in where) > 1}
    named = [(f"{f}:" if f != entry else "") + (f"{line}:{col + 1}" if (f, line) in shared else str(line))
             for f, line, col in where]
    lines = ", ".join(named[:6]) + (", ..." if len(named) > 6 else "")
    switching = [n for n, s in zip(named, report.alike) if s in report.switching]
    once = f"; line{'s' if len(switching) > 1 else ''} {', '.join(switching)} may also change its answer once, at " \
           "any execution, in each call of predict" if switching else ""
    return (f"assumes each site answers the same at every execution (line{'s' if len(report.alike) > 1 else ''} "
            f"{lines}{once}; a run that mixes answers {'otherwise ' if switching else ''}may fall outside)")


def to_json(report: Report) -> dict[str, Any]:
    data = _report_json(report)
    if report.calibration is not None:
        data["total"].update(_calibrated_total_json(report.calibration))
        data["calibration"] = _calibration_json(report.calibration)
    return data


def _calibrated_total_json(c: Calibration) -> dict[str, Any]:
    return {
        "calibrated": c.total,
        # the replayed path's own total, outside the interval (``calibrated`` is then its nearest end)
        "calibrated_replayed": c.replayed,
        "calibrated_from": {"width": c.point.width, "depth": c.point.depth, "budget": c.point.budget, "seed": c.seed},
    }


def _calibration_json(c: Calibration) -> dict[str, Any]:
    return {
        "run_seconds": round(c.run_seconds, 3),
        "lower_bound": c.lower_bound,
        "sites": [{**_json_place(s.span), "kind": s.kind, "observed": s.observed, "rule": s.rule,
                   "approximate": s.approximate} for s in c.sites],
    }


def _calibrated_text(report: Report) -> list[str]:
    c = report.calibration
    if c is None:
        return []
    approx = sum(1 for s in c.sites if s.approximate)
    where = f"{c.point.width}x{c.point.depth}, budget {_approx(c.point.budget)}, seed {c.seed}"
    out = [f"Calibrated:      {_fmt(c.total)}{' (lower bound)' if c.lower_bound else ''}  — decisions observed in a "
           f"run at {where} ({c.run_seconds:.1f} s); {len(c.sites) - approx} site(s) replayed exactly, "
           f"{approx} approximately"]
    if c.replayed is not None:
        side = "above" if c.replayed > c.total else "below"
        out.append(f"                 the replayed path costs {_fmt(c.replayed)}, {side} the interval: the observed "
                   f"decisions do not all hold together at this point, so the calibrated total is the interval's "
                   f"nearest end")
    for s in c.sites:
        out.append(f"                 {_text_place(s.span)}{s.kind}: observed {s.observed}; {s.rule}"
                   f"{' (approximate)' if s.approximate else ''}")
    return out


def _distinct_charges(report: Report) -> list[dict[str, Any]]:
    """The charges as JSON, those equal in every field shown as one entry with their count:
    what is one entry does not depend on which charges the analysis made as one object."""
    entries: dict = {}
    for c, n in rollup.counted(report.charges):
        key = (c.span.path, c.span.line, c.span.col, c.span.end_line, c.span.end_col, c.op, c.flops, c.dtype,
               c.function, c.certain)
        entries[key] = entries.get(key, 0) + n
    return [{"path": path, "line": line, "col": col, "end_line": end_line, "end_col": end_col, "op": op,
             "flops": flops, "dtype": dtype, "function": function, "certain": certain, "count": n}
            for (path, line, col, end_line, end_col, op, flops, dtype, function, certain), n in entries.items()]


def _report_json(report: Report) -> dict[str, Any]:
    budget = report.point.budget
    cache: dict = {}
    lines = []
    for lc in rollup.by_line(report):
        lines.append({
            "path": lc.path,
            "line": lc.line,
            "flops": lc.flops,
            "share_of_budget": rollup.share(lc.flops, budget),
            "calls": lc.calls,
            "certain": lc.certain,
            "ops": [{"op": o.op, "flops": o.flops, "calls": o.calls, "dtypes": sorted(o.dtypes)}
                    for o in sorted(lc.ops.values(), key=lambda o: -o.flops)],
            "source": "" if lc.path == SCORER_SPAN.path else rollup.source_line(lc.path, lc.line, cache),
        })
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "flopcast_version": __version__,
        "flopscope_version": report.flopscope_version,
        "whestbench_version": report.whestbench_version,
        "path": report.path,
        "estimator_class": report.estimator_class,
        "point": {"width": report.point.width, "depth": report.point.depth,
                  "budget": budget, "round": report.point.tag},
        # The upper end when the cost is an interval: the number to hold against the budget.
        "total_flops": report.total.hi,
        "total": {"lo": report.total.lo, "hi": report.total.hi, "exact": report.exact,
                  "lower_bound": report.lower_bound,
                  "unbounded": any(u.what == "unbounded" for u in report.unpriced),
                  # sites that may run more than once on a path, which the interval assumes answer alike
                  "assumes_alike": [{"path": display_path(s.path), "line": s.line, "col": s.col + 1}
                                    for s in report.alike],
                  # those of them whose answer the interval also lets change once, at any execution
                  "switches_once": [{"path": display_path(s.path), "line": s.line, "col": s.col + 1}
                                    for s in report.switching],
                  # whestbench calls predict on one instance for every MLP: when the first call leaves
                  # state a later one reads, each call's total in order (the last one's holds for every
                  # later call when per_call_settled); total.hi is then the costliest call's
                  # (with anything unpriced each is a lower bound, as the total is)
                  "per_call": [{"call": i, "lo": t.lo, "hi": t.hi, "exact": t.exact and not report.lower_bound,
                                "lower_bound": report.lower_bound}
                               for i, t in enumerate(report.per_call, 1)],
                  "per_call_settled": report.per_call_settled,
                  # the count on the path where no safety net fires, and what it presumes
                  "nominal": report.nominal,
                  "nominal_presumes": [{"path": display_path(span.path), "line": span.line, "col": span.col + 1,
                                        "presumption": text} for span, text in report.nominal_presumes],
                  "nominal_missing": [{"path": display_path(span.path) if span else None,
                                       "line": span.line if span else None, "reason": text}
                                      for span, text in report.nominal_missing],
                  # ops outside any `try` the count (exact or not) presumes do not raise
                  "presumes_no_raise": [{**_json_place(p.span), "op": p.op, "exception": p.exception,
                                         "reason": p.reason} for p in report.presumes_no_raise]},
        "budget": budget,
        "share_of_budget": rollup.share(report.total.hi, budget),
        "over_budget": report.total.hi > budget,
        "includes_scorer_cast": report.include_scorer_cast,
        "formula": report.formula,
        "lines": lines,
        "functions": [{"qualname": f.qualname, "flops": f.flops, "inclusive_flops": f.inclusive,
                       "calls": f.calls} for f in rollup.by_function(report)],
        "call_graph": [{"caller": a, "callee": b, "calls": n} for (a, b), n in sorted(report.calls.items())],
        "ops": [{"op": o.op, "flops": o.flops, "calls": o.calls, "dtypes": sorted(o.dtypes)}
                for o in rollup.by_op(report)],
        # A repeated loop makes the same charges again (millions, in a Monte-Carlo loop):
        # each distinct charge once, in order of first occurrence, with how often it is made.
        "charges": _distinct_charges(report),
        "unpriced": [{**_json_place(u.span), "what": u.what, "reason": u.reason} for u in report.unpriced],
        "value_dependent": [{**_json_place(u.span), "kind": u.kind, "reason": u.reason} for u in report.uncertain],
        "raises": [{**_json_place(r.span), "what": r.what, "every_path": r.every_path, "in_setup": r.in_setup,
                    "at_load": r.at_load, "budget": r.budget, "memory": r.memory} for r in report.raises],
        "notes": [{"path": n.span.path if n.span else None, "line": n.span.line if n.span else None,
                   "message": n.message} for n in report.notes],
        "returned": {"shape": list(report.returned[0]), "dtype": report.returned[1]} if report.returned else None,
    }


def _json_place(span: Optional[Span]) -> dict[str, Any]:
    """A finding's place; null when it has none (it concerns the whole estimator)."""
    if span is None:
        return {"path": None, "line": None, "col": None}
    return {"path": span.path, "line": span.line, "col": span.col + 1}


def _text_place(span: Optional[Span]) -> str:
    return f"{display_path(span.path)}:{span.line}:{span.col + 1}: " if span is not None else ""


def render_json(report: Report) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False)


def _fmt(n: int) -> str:
    return f"{n:,}"


def _approx(n: int) -> str:
    """3 significant digits, exponent without padding: 1.37e11."""
    text = f"{n:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def render_text(report: Report, top: int = 10) -> str:
    budget = report.point.budget
    out: list[str] = []
    out.append(f"flopcast {__version__}: {display_path(report.path)} ({report.estimator_class}) at {report.point.label()}")
    out.append(f"priced with flopscope {report.flopscope_version}, whestbench {report.whestbench_version}")
    out.append("")
    total = report.total
    pct = rollup.share(total.hi, budget)
    verdict = rollup.budget_verdict(total, budget, report.lower_bound)
    if verdict.startswith("over"):
        verdict = verdict.upper()
    out.extend(_load_failure(report))
    if report.nominal is not None and not report.exact:
        nominal_pct = rollup.share(report.nominal, budget)
        out.append(f"Predicted FLOPs: {_fmt(report.nominal)} nominal  (≈{_approx(report.nominal)}; "
                   f"{nominal_pct:.3g}% of the {_approx(budget)} budget)")
        out.append(f"                 interval {total}  ({pct:.3g}% of the budget at the upper end, {verdict}); "
                   f"{_status(report)}")
    else:
        each = " over the MLPs" if report.per_call else ""
        out.append(f"Predicted FLOPs: {total}{each}  (≈{_approx(total.hi)}; {pct:.3g}% of the {_approx(budget)} budget"
                   f"{' at the costliest call' if each else ''}, {verdict})")
        out.append(f"                 {_status(report)}")
    if report.per_call:
        out.append(f"Per MLP:         {per_call_text(report)} (the lines below are call 1's)")
    out.extend(_nominal_lines(report))
    out.extend(_calibrated_text(report))
    if report.formula:
        out.append(f"Formula:         {report.formula}")
    scorer = [(c, n) for c, n in rollup.counted(report.charges)
              if c.span == SCORER_SPAN] if report.include_scorer_cast else []
    if scorer:
        cast = sum(c.flops * n for c, n in scorer)
        if cast:
            out.append(f"                 includes {_fmt(cast)} for whestbench's float32 cast of the returned float64 "
                       "array (--no-scorer-cast to leave it out)")
    expected = (report.point.depth, report.point.width)
    if report.returned is not None and tuple(report.returned[0]) != expected:
        out.append(f"                 whestbench rejects what predict returns: shape {tuple(report.returned[0])}, "
                   f"not (depth, width) = {expected}; the MLP's prediction is recorded as an error (FC204)")
    out.append("")
    lines = rollup.by_line(report)
    if lines:
        out.append(f"Costliest lines (of {len(lines)}; share of the total, ops [billed dtype]):")
        cache: dict = {}
        width = max(len(_fmt(lc.flops)) for lc in lines[:top])
        where_width = max(len(_where(lc)) for lc in lines[:top])
        for lc in lines[:top]:
            ops = ", ".join(
                f"{o.op}{'×' + str(o.calls) if o.calls > 1 else ''} [{'/'.join(sorted(o.dtypes)) or '-'}]"
                for o in sorted(lc.ops.values(), key=lambda o: -o.flops)
            )
            mark = "" if lc.certain else " (some paths)"
            part = 100.0 * lc.flops / total.hi if total.hi else 0.0
            out.append(f"  {_where(lc):<{where_width}} {_fmt(lc.flops):>{width}}  {part:5.1f}%  {ops}{mark}")
            text = "" if lc.path == SCORER_SPAN.path else rollup.source_line(lc.path, lc.line, cache)
            if text:
                out.append(f"  {'':<{where_width}} {'':>{width}}          {text[:90]}")
        out.append("")
    funcs = rollup.by_function(report)
    if funcs:
        out.append(f"Per function: {'with callees':>57} {'own body':>20}")
        for f in funcs:
            if not f.flops and f.qualname.startswith("<"):
                continue
            out.append(f"  {f.qualname:<48} {_fmt(f.inclusive):>20} {_fmt(f.flops):>20}  ({f.calls} charges)")
        out.append("")
    if report.unpriced:
        out.append("Not priced (the total is a lower bound):")
        for u in report.unpriced:
            out.append(f"  {_text_place(u.span)}{u.what}: {u.reason}")
        out.append("")
    if report.uncertain:
        out.append("Depends on values:")
        for u in report.uncertain:
            out.append(f"  {_text_place(u.span)}{u.kind}: {u.reason}")
        out.append("")
    unplaced = overrun_unplaced(report)
    if report.raises or unplaced:
        out.append("Raises (whestbench would record an error and zero the prediction):")
        if unplaced:
            out.append("  flopscope raises BudgetExhaustedError before predict ends (every count passes the budget; "
                       "the op where the run stops is not placed: a generator's charges are filed where its body "
                       "runs, not in the run's order), so the run counts less than the total")
        for r in report.raises:
            where = r.stage
            when = "always" if r.every_path else "on some value-dependent paths"
            if r.memory:
                out.append(f"  {_text_place(r.span)}{where} raises {r.what} ({when}; the count goes on as if "
                           "memory were unlimited)")
                continue
            if r.budget:
                line = (" in whestbench's float32 cast of the prediction" if r.span == SCORER_SPAN
                        else f" at line {r.span.line}" if r.span is not None else "")
                out.append(f"  {_text_place(r.span)}flopscope raises BudgetExhaustedError{line} (the running total "
                           f"passes the budget there; {when}): {r.what.split(': ', 1)[1]}")
                continue
            out.append(f"  {_text_place(r.span)}{where} raises {r.what} ({when})")
        if report.budget_stops_elsewhere:
            out.append("  (where the budget runs out is listed for the value-dependent paths explored: a run "
                       "answering their sites in another combination spends otherwise first, and may stop at "
                       "another op)")
        out.append("")
    if report.notes:
        out.append("Notes:")
        for n in report.notes:
            where = f"{display_path(n.span.path)}:{n.span.line}: " if n.span else ""
            out.append(f"  {where}{n.message}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def overrun_unplaced(report: Report) -> bool:
    """Every count of the first call passes the budget (a lower bound's low end counts only what
    is charged before the first op not priced) and no Raise names where flopscope stops the run
    (Interpreter._budget_overrun places none past a generator's charges)."""
    first = report.per_call[0] if report.per_call else report.total
    return first.lo > report.point.budget and not any(r.budget for r in report.raises)


def _load_failure(report: Report) -> list[str]:
    """The headline of an entry file that raises while whestbench loads it: the whole submission
    fails, whatever predict would cost; the numbers after it are predict's once the load is fixed."""
    failed = next((r for r in report.raises if r.at_load), None)
    if failed is None:
        return []
    when = "" if failed.every_path else " (on some value-dependent paths)"
    return [f"DOES NOT LOAD:   {_text_place(failed.span)}{failed.what}{when}",
            f"                 whestbench fails the whole submission; {load_advice(failed.what)}",
            "                 The numbers below are predict()'s cost once the load is fixed."]


def load_advice(what: str) -> str:
    """What to do about a load failure, for the text headline and `flopcast check`."""
    if "relative import" in what:
        # whestbench's loader puts the estimator's folder on sys.path and loads the file in no package
        return ("use an absolute import (`from util import ...`, not `from .util import ...`): whestbench puts "
                "the estimator's folder on sys.path")
    return "fix the module's top-level code so that importing estimator.py succeeds"


def _nominal_lines(report: Report) -> list[str]:
    """The nominal number's presumptions, or why there is none (only when the cost depends on values)."""
    if report.exact or report.per_call:
        return []  # per_call: the "Per MLP" line says what each call costs
    if report.nominal is not None:
        out = ["Nominal path presumes (override with `# flopcast: assume ...`, docs/directives.md):"]
        out.extend(f"  {display_path(span.path)}:{span.line}: {text}" for span, text in report.nominal_presumes)
        return out
    # (with no value-dependent site, only ops not priced leave it without one)
    why = "a value-dependent site no safety-net presumption covers" if report.uncertain else "ops are not priced"
    out = [f"No nominal number: {why}:"]
    for span, text in report.nominal_missing[:5]:
        where = f"{display_path(span.path)}:{span.line}: " if span else ""
        out.append(f"  {where}{text}")
    if len(report.nominal_missing) > 5:
        out.append(f"  ... and {len(report.nominal_missing) - 5} more")
    return out


def _where(lc: rollup.LineCost) -> str:
    return "whestbench scorer" if lc.path == SCORER_SPAN.path else f"{display_path(lc.path)}:{lc.line}"
