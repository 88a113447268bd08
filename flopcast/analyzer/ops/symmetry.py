"""Symmetry tags through broadcasting, stacking and transposes.

flopscope charges a pointwise op on a tagged (symmetric) output per unique element, so
the tag an op's result carries decides later prices; no charges here.
"""

from __future__ import annotations

from flopcast.analyzer import pricing
from flopcast.analyzer.ops.operands import shape_of
from flopcast.analyzer.ops.registry import OpError, OpRaises
from flopcast.analyzer.values import Array


def meet_sym(a: pricing.Symmetry, b: pricing.Symmetry) -> pricing.Symmetry:
    """The intersection of two products of symmetric groups: S on the meet of their blocks."""
    if not a or not b:
        return None
    out = [tuple(sorted(set(g) & set(h))) for g in a for h in b]
    return tuple(sorted(g for g in out if len(g) >= 2)) or None


def broadcast_sym(sym: pricing.Symmetry, in_shape: tuple, out_shape: tuple) -> pricing.Symmetry:
    """flopscope's ``broadcast_group``: a tag carried onto a broadcast output. Axes of extent
    1 that broadcast leave their block; prepended axes sharing an extent form a new block."""
    offset = len(out_shape) - len(in_shape)
    created: dict[int, list[int]] = {}
    for axis in range(offset):
        created.setdefault(out_shape[axis], []).append(axis)
    groups = [tuple(b) for b in created.values() if len(b) >= 2]
    tagged = [a for g in sym or () for a in g]
    stretched = [a for a in tagged if in_shape[a] == 1 and out_shape[a + offset] > 1]
    if stretched and len(tagged) - len(stretched) >= 2:
        # flopscope restricts the group to the axes that stay and its restrict() fails
        raise OpError("broadcasting a symmetric array whose tagged axes of extent 1 are partly stretched: "
                      "flopscope raises KeyError here")
    for g in sym or ():
        kept = tuple(a + offset for a in g if a not in stretched)
        if len(kept) >= 2:
            groups.append(kept)
    return tuple(sorted(groups)) or None


def _sym_of_pointwise(values, out_shape) -> pricing.Symmetry:
    """flopscope's ``_pointwise_symmetry``: 0-d operands are ignored; any other operand
    without a tag makes the result dense; the tags, each broadcast onto the output
    shape, are intersected."""
    aligned = []
    dense = False
    for v in values:
        if (v.shape if isinstance(v, Array) else shape_of(v)) == ():
            continue
        if not (isinstance(v, Array) and v.sym):
            dense = True
            continue
        g = broadcast_sym(v.sym, v.shape, out_shape)  # every tag is broadcast, even beside a dense operand
        if g:
            aligned.append(g)
    if not aligned or dense:
        return None
    out = aligned[0]
    for g in aligned[1:]:
        out = meet_sym(out, g)
    return out


def _permute_sym(sym, perm):
    if not sym:
        return None
    inverse = {old: new for new, old in enumerate(perm)}
    return tuple(sorted(tuple(sorted(inverse[a] for a in g)) for g in sym))


def refuse_voided_claim(op: str, out: Array, result_sym) -> None:
    """flopscope's ``_prepare_symmetric_out`` on an out= buffer whose own tag (``as_symmetric``'s, or
    a symmetric result's) a write voided: still a SymmetricTensor, and not a constant fill's, whose
    inferred tag alone is dropped quietly. An unsymmetric result is then refused with ValueError
    before any charge; a symmetric one is checked against the buffer's values, which flopcast does
    not know. ``result_sym`` is asked only for such a buffer."""
    if out.sym or not out.was_tagged or out.sym_inferred:
        return
    if result_sym() is None:
        raise OpRaises("ValueError", "out symmetry does not match result symmetry")
    raise OpError(f"{op}(..., out=) of a symmetric result into a buffer whose own symmetric tag a write voided is "
                  "not modelled (flopscope checks that tag against the buffer's values)")
