"""Which rules run: ruff's select/ignore semantics on code prefixes.

A code is enabled when some `select` entry is a prefix of it and no *longer*
(more specific) `ignore` entry is; so `select=FC1, ignore=FC102` keeps FC101, and
`select=FC101, ignore=FC1` keeps FC101 too. `ALL` selects everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from flopcast.check.source import CheckUsageError


def parse_codes(text: Optional[str], known: Iterable[str], where: str) -> Optional[tuple[str, ...]]:
    """'FC1, FC201' -> ('FC1', 'FC201'); None stays None (not given)."""
    if text is None:
        return None
    return validate([part.strip() for part in text.split(",") if part.strip()], known, where)


def validate(codes: Iterable[str], known: Iterable[str], where: str) -> tuple[str, ...]:
    known = list(known)
    out = []
    for raw in codes:
        code = str(raw).strip().upper()
        if code == "ALL":
            code = "FC"
        if not any(k.startswith(code) for k in known):
            raise CheckUsageError(
                f"{where}: unknown rule code or prefix {raw!r}; known codes: {', '.join(known)}"
            )
        out.append(code)
    return tuple(out)


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ("FC",)
    ignore: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        chosen = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return chosen >= 0 and chosen > dropped
