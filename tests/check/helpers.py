"""Helpers for the `flopcast check` tests.

Report rules are tested with hand-made `Report`s: `checker` swaps the engine's
analyzer for a stand-in, so these tests never depend on the real analyzer
(test_integration.py does).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest

from flopcast.check import engine
from flopcast.check.findings import Finding
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.model import Charge, Interval, Point, Report, Span, Uncertainty, Unpriced

POINT = Point(width=64, depth=4, budget=1_000_000, tag=None)
FIXTURES = Path(__file__).parent / "fixtures"


def span(path: str, line: int, col: int = 4, end_col: Optional[int] = None) -> Span:
    return Span(path, line, col, line, end_col if end_col is not None else col + 10)


def charge(path: str, line: int, flops: int, *, op: str = "matmul", dtype: str = "float32",
           origin: Optional[Span] = None, col: int = 8, end_col: Optional[int] = None) -> Charge:
    return Charge(span(path, line, col, end_col), op, flops, dtype, "Estimator.predict",
                  dtype_origin=origin)


def report(path: str, charges=(), *, total: Optional[Interval] = None, unpriced=(), uncertain=(),
           returned=None, point: Point = POINT) -> Report:
    if total is None:
        n = sum(c.flops for c in charges)
        total = Interval(n, n)
    return Report(path, point, total, list(charges), list(unpriced), list(uncertain), returned=returned)


ReportFactory = Callable[[str], Report]


@dataclass
class Checker:
    tmp_path: Path
    monkeypatch: pytest.MonkeyPatch

    def write(self, source: str, name: str = "estimator.py") -> Path:
        path = self.tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        return path

    def use_report(self, factory: Optional[ReportFactory]) -> None:
        """Make the engine's analyzer return factory(path-of-estimator.py)."""
        def fake(path, point, **kwargs):
            if factory is None:
                raise RuntimeError("no analysis in this test")
            entry = Path(path) / "estimator.py" if Path(path).is_dir() else Path(path)
            return factory(str(entry.resolve()))
        self.monkeypatch.setattr(engine, "analyze", fake)

    def __call__(self, source: str, *, select: str = "FC", report: Optional[ReportFactory] = None,
                 point: Point = POINT, others: Optional[dict[str, str]] = None,
                 folder: bool = False) -> list[Finding]:
        entry = self.write(source)
        for name, text in (others or {}).items():
            self.write(text, name)
        self.use_report(report)
        submission = load_submission(str(self.tmp_path if folder or others else entry))
        codes = tuple(c.strip() for c in select.split(","))
        result = engine.check_target(submission, point, Selection(select=codes))
        return result.findings


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


__all__ = ["POINT", "FIXTURES", "span", "charge", "report", "codes", "Unpriced", "Uncertainty",
           "Interval", "Span"]
