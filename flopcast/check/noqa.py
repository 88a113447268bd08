"""`# noqa` and `# noqa: FC101, FC102` comments, as ruff reads them.

A bare `# noqa` silences every finding on its line; a coded one only the codes
listed (codes of other tools in the same comment are ignored).
"""

from __future__ import annotations

import re
from typing import Optional

_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?",
    re.IGNORECASE,
)


def directive(line: str) -> Optional[frozenset[str]]:
    """None: no noqa on the line; empty set: a bare noqa; else the codes listed."""
    if "#" not in line:
        return None
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return frozenset()
    return frozenset(c.upper() for c in re.split(r"[\s,]+", codes) if c)


def suppressed(line: str, code: str) -> bool:
    found = directive(line)
    return found is not None and (not found or code in found)
