"""The rule protocol: a stable code, a level, a one-line summary, a `check`."""

from __future__ import annotations

from typing import ClassVar, Iterator, Optional

from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.fix.model import Fix
from flopcast.model import Span


class Rule:
    #: Stable identifier; never reused for another concern.
    code: ClassVar[str]
    #: ruff-style kebab-case name, shown in SARIF and the docs index.
    name: ClassVar[str]
    level: ClassVar[Level]
    #: One line: what the rule flags.
    summary: ClassVar[str]
    #: True when the rule reads the analyzer's report (the engine runs the analysis
    #: only if an enabled rule wants it).
    wants_report: ClassVar[bool] = False
    #: True when the rule reads the report's array memory (tracked only then: it is costly).
    wants_memory: ClassVar[bool] = False
    #: True when the rule reads the loops each charge was made in (``Report.loops``,
    #: ``Report.loop_entries``: traced only then).
    wants_loops: ClassVar[bool] = False

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, span: Span, message: str, fix: Optional[Fix] = None,
                properties: tuple[tuple[str, object], ...] = ()) -> Finding:
        return Finding(self.code, self.level, message, span, fix, properties)

    @classmethod
    def doc_path(cls) -> str:
        return f"docs/rules/{cls.code}.md"
