"""A finding: one rule's verdict about one place in the code."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

from flopcast.check.fix.model import Fix
from flopcast.model import Span


class Level(str, Enum):
    """How bad a finding is. Only errors make `flopcast check` exit 1."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    code: str
    level: Level
    message: str
    span: Span
    #: The rewrite that removes the cost, when the rule can make one (`check --fix`).
    fix: Optional[Fix] = None
    #: Machine-readable facts behind the message (json/sarif `properties`), as (key, value) pairs.
    properties: tuple[tuple[str, object], ...] = field(default=(), compare=False)

    @property
    def path(self) -> str:
        return self.span.path

    @property
    def line(self) -> int:
        return self.span.line

    def sort_key(self) -> tuple:
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)

    @property
    def key(self) -> str:
        """The finding's identity from one point to another: its rule and its span."""
        return finding_key(self.code, self.span)


def finding_key(code: str, span: Span) -> str:
    return f"{code} {span.path}:{span.line}:{span.col}:{span.end_line}:{span.end_col}"
