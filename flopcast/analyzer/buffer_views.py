"""Arrays over one buffer, for the symmetry tags a write voids (no charges).

flopscope stamps each symmetric tag with its buffer's write count and voids the tag once the
count moves (flopscope/_write_epoch.py): every alias counts, since all of them end their
``.base`` chain at the same root. A ``fill_diagonal`` or an ``out=`` through ``g.T``,
``fnp.transpose(g)``, ``swapaxes``, a flip, ``expand_dims``, ``squeeze``, an ``asarray`` or an
``astype(copy=False)`` that made no copy voids ``g``'s tag, and a write into ``g`` voids the tag
of a transpose made of it earlier. ``link`` files a view under its base's root, where
Interpreter.write_in_place finds the whole family. reshape and ravel hand back a view or a copy by
the memory layout, which flopcast does not follow: ``link_maybe`` remembers the tagged root of
theirs, and a write through one is left unpriced (flopscope voids the tag only if it is a view).
"""

from __future__ import annotations

import weakref

from flopcast.analyzer.values import Array, Value

#: fnp functions and array methods (ops/methods.py's names) whose result is a view of their first
#: operand, writable where the operand is
VIEW_OPS = frozenset({
    "transpose", "permute_dims", "matrix_transpose", "linalg.matrix_transpose", "swapaxes", "moveaxis",
    "flip", "fliplr", "flipud", "rollaxis", "rot90", "expand_dims", "squeeze",
    "atleast_1d", "atleast_2d", "atleast_3d",
    "ndarray.transpose", "ndarray.swapaxes", "ndarray.squeeze", "ndarray.view",
})
#: ... whose result is a view or a copy by the operand's memory layout
MAYBE_VIEW_OPS = frozenset({"reshape", "ravel"})


def _knows_values(x: Array) -> bool:
    """What is known of ``x``'s elements that a write changes: never-negative bounds (signs.py),
    known elements or a mask's count (const_masks.py), an index array's range, a 0-d value."""
    return x.fbounds is not None or x.elements is not None or x.true_count is not None \
        or x.vrange is not None or x.value is not None


def _join(x: Array, made: Array) -> None:
    """``made`` (a view of ``x``'s buffer, or a copy) and ``x`` in one buffer group
    (``Array.shared``) where either knows something of its elements: a write through either then
    forgets it of both (Interpreter.write_in_place). ``fnp.copyto(h[0], -1.0)`` into a ReLU's output
    left ``h`` never negative, and ``h[h < 0]`` selected nothing: a false exact count. (A copy
    joined only forgets more than it must.)"""
    if x.shared is None and not (_knows_values(x) or _knows_values(made)):
        return  # (a view of a view of a known array is in its group already: joined too)
    if x.shared is None:
        x.shared = [x]
    group = x.shared
    for member in made.shared or (made,):
        if all(member is not m for m in group):
            member.shared = group
            group.append(member)


def link(ctx, x: Value, made: Value) -> None:
    """``made``, a view of ``x``'s buffer, joins the family of the tagged array at its root (only
    tags can be voided, so an untagged root keeps no family), and ``x``'s buffer group where
    anything is known of their elements (``_join``)."""
    if made.__class__ is not Array or x.__class__ is not Array or made is x or x.plain:
        return
    _join(x, made)
    made.maybe_view_of = x.maybe_view_of  # a view of what may be a view of a tagged buffer
    root = ctx.view_roots.get(x.view_of) if x.view_of is not None else x
    if root is not None and root.sym:
        ctx.view_roots[root.ident] = root
        ctx.views_of.setdefault(root.ident, weakref.WeakSet()).add(made)
        made.view_of = root.ident


def link_maybe(ctx, x: Value, made: Value) -> None:
    """``made`` is a view of ``x``'s buffer or a copy, by a memory layout flopcast does not follow:
    the tagged root of x's family, if any, is remembered (``Array.maybe_view_of``)."""
    if made.__class__ is not Array or x.__class__ is not Array or made is x or x.plain:
        return
    _join(x, made)
    root = ctx.view_roots.get(x.view_of) if x.view_of is not None else x
    if root is not None and root.sym:
        ctx.view_roots[root.ident] = root
        made.maybe_view_of = root.ident
    elif x.maybe_view_of is not None:
        made.maybe_view_of = x.maybe_view_of


def may_void(ctx, x: Array):
    """The tagged array a write through ``x`` voids the tag of if ``x`` is a view (None: none)."""
    root = ctx.view_roots.get(x.maybe_view_of) if x.maybe_view_of is not None else None
    return root if root is not None and root.sym else None
