"""Inlay hints: at the end of each line that charges FLOPs, what it costs at the round.

One hint per line, made of label parts (one per kind, each with its own tooltip):
``2.15e09`` (the line's FLOPs summed over every execution), ``×16 iters`` (when the
line runs more than once) and ``4.2% of budget``. Each kind can be switched off.
"""

from __future__ import annotations

from typing import Optional

from lsprotocol import types

from flopcast.lsp import fmt
from flopcast.lsp.costs import LineCost
from flopcast.lsp.positions import Lines
from flopcast.lsp.settings import HintKinds
from flopcast.lsp.state import Analysis


def line_label(cost: LineCost, budget: int, kinds: HintKinds) -> list[types.InlayHintLabelPart]:
    parts: list[types.InlayHintLabelPart] = []
    # "≤" marks a line whose cost holds on some paths only (a value-dependent branch).
    bound = "" if cost.certain else "≤"
    if kinds.cost:
        ops = ", ".join(sorted({s.op for s in cost.ops}))
        parts.append(types.InlayHintLabelPart(
            value=f"{bound}{fmt.flops(cost.total)}",
            tooltip=f"{fmt.grouped(cost.total)} FLOPs on this line ({ops})",
        ))
    if kinds.iterations and cost.executions > 1:
        per = cost.total // cost.executions
        parts.append(types.InlayHintLabelPart(
            value=f"×{cost.executions} iters",
            tooltip=f"runs {cost.executions} times, {fmt.grouped(per)} FLOPs each on average",
        ))
    if kinds.budget:
        parts.append(types.InlayHintLabelPart(
            value=f"{fmt.share(cost.total, budget)} of budget",
            tooltip=f"{fmt.grouped(cost.total)} of the {fmt.grouped(budget)} FLOP budget",
        ))
    # Separate the parts with a space (label parts are drawn back to back).
    for part in parts[:-1]:
        part.value += " "
    return parts


def inlay_hints(analysis: Analysis, lines: Lines, budget: int, kinds: HintKinds,
                first_line0: int, last_line0: int) -> list[types.InlayHint]:
    """Hints for the lines in [first_line0, last_line0] (0-based, inclusive)."""
    if not (kinds.cost or kinds.iterations or kinds.budget):
        return []
    hints = []
    for line1 in sorted(analysis.costs.lines):
        if not first_line0 <= line1 - 1 <= last_line0:
            continue
        cost = analysis.costs.lines[line1]
        if cost.total == 0:
            continue  # free ops (zeros, reshape) would only add noise
        label = line_label(cost, budget, kinds)
        if not label:
            continue
        hints.append(types.InlayHint(
            position=lines.end_of_line(line1),
            label=label,
            kind=types.InlayHintKind.Type,  # rendered like a type annotation: muted
            padding_left=True,
        ))
    return hints


def requested_lines(range_: Optional[types.Range]) -> tuple[int, int]:
    if range_ is None:
        return 0, 1 << 30
    return range_.start.line, range_.end.line
