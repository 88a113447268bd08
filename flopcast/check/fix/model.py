"""What a fix changes, as edits located by the analyzer's spans (``ast`` coordinates).

A fix is data: the rule that finds a saving says which expression to replace, which
statement to insert or remove, whether the output stays bitwise identical (*safe*, ruff's
meaning) and how many FLOPs it saves at the analysed point. ``rewrite`` turns the edits
into source text with libcst; nothing here imports libcst.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from flopcast.model import Span


@dataclass(frozen=True)
class ReplaceExpr:
    """Replace the expression at ``span`` by ``code`` (parenthesised when the context needs it)."""

    span: Span
    code: str


@dataclass(frozen=True)
class InsertBefore:
    """Insert the statement ``code`` before the statement at ``span``, at its indentation."""

    span: Span
    code: str


@dataclass(frozen=True)
class RemoveStmt:
    """Remove the statement at ``span`` (comments above it stay; an emptied block gets `pass`)."""

    span: Span


Edit = Union[ReplaceExpr, InsertBefore, RemoveStmt]


@dataclass(frozen=True)
class Fix:
    #: What the fix does, for people: "replace `h ** 2` with `h * h`".
    title: str
    #: True when `predict`'s output stays bitwise identical (applied by `--fix`); False when
    #: numerics may change (applied only with `--unsafe-fixes`).
    safe: bool
    #: FLOPs the fix saves at the analysed point (None when it cannot be told exactly).
    saving: Optional[int]
    edits: tuple[Edit, ...]
    #: The saving as a polynomial in w and d, where one was fitted (check/saving_formulas.py).
    formula: Optional[str] = None

    @property
    def path(self) -> str:
        return self.edits[0].span.path

    def label(self) -> str:
        kind = "safe" if self.safe else "unsafe"
        saved = f"saves {self.saving:,} FLOPs" if self.saving is not None else "saving not exact"
        return f"{self.title} ({saved}, {kind})"
