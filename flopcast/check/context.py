"""What every rule gets: the submission's parsed files, the point and (maybe) the report."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Optional

from flopcast.analyzer import rollup
from flopcast.check.astutil import FunctionNode, ImportTable, estimator_class, method
from flopcast.check.findings import finding_key
from flopcast.check.source import SourceFile, Submission
from flopcast.model import Charge, Point, Report, Span


@dataclass
class CheckContext:
    submission: Submission
    point: Point
    #: The analyzer's report with spans renamed to the files' display paths;
    #: None when no enabled rule needed it.
    report: Optional[Report] = None
    class_name: Optional[str] = None
    #: The analyzer entry the check runs with, for rules that price an edited copy of the
    #: code (FC101's fix); None where re-analysis is not available.
    reanalyze: Optional[Callable[..., Report]] = None
    #: The findings (``Finding.key``) whose savings are read; None: all (see ``wants_saving``).
    savings_for: Optional[frozenset[str]] = None

    def wants_saving(self, code: str, span: Span) -> bool:
        """Whether the saving of the fix of a finding of ``code`` at ``span`` is read, so worth
        re-analysing the rewritten code for (a saving formula reads only the fixes it fits)."""
        return self.savings_for is None or finding_key(code, span) in self.savings_for

    @property
    def entry(self) -> SourceFile:
        return self.submission.entry

    def imports(self, file: SourceFile) -> ImportTable:
        return file.imports

    @cached_property
    def distinct_charges(self) -> list[Charge]:
        """The report's distinct charge objects, in order of first occurrence: a recursion
        replayed from the call memo makes millions of charges out of a few hundred objects,
        and the rules ask about them once per site."""
        return [c for c, _ in self.charge_counts]

    @cached_property
    def charge_counts(self) -> list[tuple[Charge, int]]:
        """Each distinct charge object with how often it occurs (what ``rollup.counted`` gives)."""
        return [] if self.report is None else rollup.counted(self.report.charges)

    @cached_property
    def estimator(self) -> Optional[ast.ClassDef]:
        preferred = self.class_name or (self.report.estimator_class if self.report else None)
        return estimator_class(self.entry.tree, preferred)

    def method(self, name: str) -> Optional[FunctionNode]:
        cls = self.estimator
        return method(cls, name) if cls is not None else None

    def predict_span(self) -> Span:
        """Where whole-estimator findings go: the `def predict` line (else line 1)."""
        fn = self.method("predict")
        if fn is None:
            return self.entry.line_span(1)
        return Span(self.entry.display, fn.lineno, fn.col_offset, fn.lineno, fn.col_offset)

    def file(self, display: str) -> Optional[SourceFile]:
        for f in self.submission.files:
            if f.display == display:
                return f
        return None

    def node_at(self, span: Span, kind: type = ast.AST) -> Optional[ast.AST]:
        """The outermost node of type `kind` whose span is exactly `span` (else the
        outermost one starting at its first character)."""
        f = self.file(span.path)
        if f is None:
            return None
        starting_there = None
        for node in f.starting_at.get((span.line, span.col), ()):
            if not isinstance(node, kind):
                continue
            if (node.end_lineno, node.end_col_offset) == (span.end_line, span.end_col):
                return node
            if starting_there is None:
                starting_there = node
        return starting_there

    def where(self, span: Span) -> str:
        """'line 12' in the entry file, 'helpers.py:12' elsewhere: for messages."""
        from flopcast.model import SCORER_SPAN

        if span.path == SCORER_SPAN.path:
            return "the scorer's float32 cast"
        if span.path == self.entry.display:
            return f"line {span.line}"
        # Sibling modules by their path inside the submission folder.
        shown = os.path.relpath(span.path, os.path.dirname(self.entry.display) or ".")
        return f"{Path(shown).as_posix()}:{span.line}"
