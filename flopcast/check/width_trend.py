"""Which way an integer expression moves as the width grows, read from its syntax alone.

FC301 may call a loop "over a width-sized range" only when its trip count grows with the
width: a count computed as a budget share divided by the per-round cost `n * mlp.width`
mentions the width yet shrinks as it grows. Each occurrence of the width (or of a name
already known to grow or shrink) gets a sign from where it stands: the right operand of a
subtraction or division, and a negation, flip it. The expression's trend is that sign when
all occurrences agree; where they disagree (`w - w // 4`, `x % w`) no direction is claimed.
"""

from __future__ import annotations

import ast
from typing import Mapping, Optional

from flopcast.syntax import ast_children

#: The trend of an expression: +1 grows with the width, -1 shrinks, 0 depends on it in no
#: direction read from the syntax; None when it does not depend on the width at all.
Trend = Optional[int]

GROWS = 1
SHRINKS = -1
UNCLEAR = 0

# Operators whose right operand moves the result the other way.
_FLIPS_RIGHT = (ast.Sub, ast.Div, ast.FloorDiv, ast.RShift)
# Operators with no monotone reading in either operand.
_NO_DIRECTION = (ast.Mod, ast.BitAnd, ast.BitOr, ast.BitXor, ast.MatMult)


def trend(node: Optional[ast.AST], names: Mapping[str, int]) -> Trend:
    """The trend of `node` given the trends of the names bound so far."""
    signs: set[int] = set()
    if node is not None:
        _collect(node, GROWS, names, signs)
    if not signs:
        return None
    return signs.pop() if len(signs) == 1 else UNCLEAR


def range_count_trend(call: ast.Call, names: Mapping[str, int]) -> Trend:
    """The trend of the trip count of `range(...)`: (stop - start) / step, or the reverse
    for a negative literal step."""
    args = call.args
    if len(args) == 1:
        return trend(args[0], names)
    start, stop = args[0], args[1]
    if len(args) > 2 and _negative_literal(args[2]):
        start, stop = stop, start
    parts = [trend(stop, names), _flipped(trend(start, names))]
    if len(args) > 2:
        parts.append(_flipped(trend(args[2], names)))
    return combine(parts)


def combine(trends: list[Trend]) -> Trend:
    """The trend of a sum of terms with these trends."""
    known = {t for t in trends if t is not None}
    if not known:
        return None
    return known.pop() if len(known) == 1 else UNCLEAR


def _flipped(t: Trend) -> Trend:
    return -t if t else t


def _negative_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant)
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value < 0


def _collect(node: ast.AST, sign: int, names: Mapping[str, int], signs: set[int]) -> None:
    if isinstance(node, ast.Attribute) and node.attr == "width":
        signs.add(sign)
        return
    if isinstance(node, ast.Name):
        t = names.get(node.id)
        if t is not None:
            signs.add(sign * t)
        return
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, _NO_DIRECTION):
            _collect(node.left, UNCLEAR, names, signs)
            _collect(node.right, UNCLEAR, names, signs)
            return
        _collect(node.left, sign, names, signs)
        _collect(node.right, -sign if isinstance(node.op, _FLIPS_RIGHT) else sign, names, signs)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Invert)):
        _collect(node.operand, -sign, names, signs)
        return
    for child in ast_children(node):
        _collect(child, sign, names, signs)
