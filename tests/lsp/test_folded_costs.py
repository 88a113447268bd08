"""The editor's folded costs (lsp/costs.fold) are the report's charges summed span by span.

A report's charges are one per execution; a repeated loop's and a reused call's are the same
charge objects many times over, and fold counts each distinct object once, times its count. The
specification is the charge-by-charge sum: per span and op, the executions, the total, the
first and the largest execution's FLOPs, whether all are certain, the first dtype origin, the
billed dtypes in order of first billing; per line, the sums of its spans; per function, its
own charges.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer import analyze
from flopcast.lsp.costs import fold
from flopcast.model import Point

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    ROOT / "lsp" / "fixtures" / "editor_600.py",
    ROOT / "realistic" / "estimators" / "mc_welford.py",
    ROOT.parent / "samples" / "moments.py",
    ROOT.parent / "samples" / "float64_return.py",
]


def by_span(report, path: str) -> dict:
    """(line, col, end line, end col, op) -> the charges there, in order, walked one by one."""
    found: dict = {}
    for c in report.charges:
        if c.span.path == path:
            found.setdefault((c.span.line, c.span.col, c.span.end_line, c.span.end_col, c.op), []).append(c)
    return found


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.stem)
def test_folded_costs_are_the_charges_summed_one_by_one(source: Path) -> None:
    report = analyze(source, Point(32, 4, 2**30), trace=True)
    path = report.path
    costs = fold(report, path)
    expected = by_span(report, path)
    assert len(costs.spans) == len(expected)
    for s in costs.spans:
        group = expected[(s.span.line, s.span.col, s.span.end_line, s.span.end_col, s.op)]
        billed: dict = {}
        for c in group:
            billed[c.dtype] = billed.get(c.dtype, 0) + 1
        assert (s.span, s.op, s.dtype, s.function, s.detail) == (group[0].span, group[0].op, group[0].dtype,
                                                                 group[0].function, group[0].detail)
        assert s.executions == len(group)
        assert s.total == sum(c.flops for c in group)
        assert (s.first, s.largest) == (group[0].flops, max(c.flops for c in group))
        assert s.certain == all(c.certain for c in group)
        assert s.dtype_origin == next((c.dtype_origin for c in group if c.dtype_origin is not None), None)
        assert s.dtypes == (tuple(billed.items()) if len(billed) > 1 else ())
    for line, cost in costs.lines.items():
        assert cost.total == sum(s.total for s in cost.ops)
    own: dict = {}
    for c in report.charges:
        own[c.function] = own.get(c.function, 0) + c.flops
    for f in costs.functions:
        assert f.own == own.get(f.info.qualname, 0)


def test_the_files_repeat_charge_objects_and_bill_spans_at_several_dtypes() -> None:
    # Not vacuous: spans executed many times from the same charge objects (a steady loop's
    # copies, reused calls), and spans billed at more than one dtype.
    report = analyze(FILES[0], Point(32, 4, 2**30), trace=True)
    costs = fold(report, report.path)
    assert len({id(c) for c in report.charges}) < len(report.charges) / 2
    assert max(s.executions for s in costs.spans) > 8
    assert any(s.dtypes for s in costs.spans)
