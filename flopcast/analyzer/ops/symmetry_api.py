"""flopscope's own symmetry API: ``flops.as_symmetric``, ``flops.symmetrize`` and
``flops.is_symmetric`` (``flopscope/_symmetric.py``), with the symmetry given as its axis
shorthand (a tuple or list of axes: the full symmetric group on them) or as
``flops.SymmetryGroup.symmetric(axes=...)``, the same group made explicit, whose queries
(``order()``, ``orbits()``, ``is_abelian``, ...) are flopscope's own answers. Other groups
(cyclic, dihedral, from generators) and the group-making methods (``restrict``, stabilizers)
are not followed (the call stays unpriced).
"""

from __future__ import annotations

import math

from flopcast.analyzer import dtypes
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import known_shape, to_array
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.values import Array, ClassVal, InstanceVal, Known, ListVal, TupleVal, Unknown

_MODES = ("canonical-copy", "reynolds-projection")


def _signature(op: str, args, kwargs, keywords: tuple[str, ...]):
    """(data, symmetry) of ``op(data, *, symmetry, ...)``: Python refuses any other call."""
    if len(args) > 1:
        raise OpRaises("TypeError", f"{op}() takes 1 positional argument but {len(args)} were given")
    for key in kwargs:
        if key not in ("data", "symmetry") + keywords:
            raise OpRaises("TypeError", f"{op}() got an unexpected keyword argument '{key}'")
    if "symmetry" not in kwargs:
        raise OpRaises("TypeError", f"{op}() missing 1 required keyword-only argument: 'symmetry'")
    if not args and "data" not in kwargs:
        raise OpRaises("TypeError", f"{op}() missing 1 required positional argument: 'data'")
    return args[0] if args else kwargs["data"], kwargs["symmetry"]


#: what ``SymmetryGroup.symmetric(axes=...)`` makes: flopscope's class (no node: no user class)
GROUP = ClassVal("SymmetryGroup", "flopscope.SymmetryGroup", [], {})


def _is_group(v) -> bool:
    return isinstance(v, InstanceVal) and v.cls.node is None and v.cls.qualname == GROUP.qualname


@handler("flopscope.SymmetryGroup.symmetric")
def _symmetric_group(ctx, args, kwargs):
    """The full symmetric group on ``axes`` (its ``axes``, ``degree`` are read, and its queries:
    group_query)."""
    if args:
        raise OpRaises("TypeError", f"SymmetryGroup.symmetric() takes 1 positional argument but {len(args) + 1} "
                                    "were given")
    if set(kwargs) != {"axes"}:
        extra = sorted(set(kwargs) - {"axes"})
        raise OpRaises("TypeError", f"SymmetryGroup.symmetric() got an unexpected keyword argument '{extra[0]}'"
                       if extra else "SymmetryGroup.symmetric() missing 1 required keyword-only argument: 'axes'")
    given = kwargs["axes"]
    if not (isinstance(given, (TupleVal, ListVal)) or isinstance(given, Known) and isinstance(given.value, (tuple, list))):
        raise OpError("SymmetryGroup.symmetric of axes that are not a known tuple or list")
    if isinstance(given, Known) and isinstance(given.value, list):
        given = Known(tuple(given.value))
    axes = known_shape(given, "symmetry axes")
    if not axes:
        raise OpRaises("ValueError", "axes must be non-empty")
    if len(set(axes)) != len(axes):
        raise OpRaises("ValueError", "axes must be unique")
    return InstanceVal(GROUP, {"axes": Known(axes), "degree": Known(len(axes))})


#: A group's queries whose answers are plain Python data (ints, bools, axes, orbits): read off
#: flopscope's own group of the same axes. They charge nothing. Methods that make groups or
#: permutations (restrict, elements, contains, equals), and burnside_unique_count (its size dict is the
#: program's own dict, not handed to flopscope), are not followed.
_QUERIES = frozenset({"order", "is_symmetric", "orbits", "orbit", "to_payload",
                      "is_abelian", "is_transitive", "generator_literals"})


def group_query(group, name: str):
    """``g.<name>`` of a group SymmetryGroup.symmetric made, as flopscope answers it: a property's
    value, or a method bound to flopscope's own group (called on known arguments, as Python's own
    methods are); None for anything else."""
    if not _is_group(group) or name not in _QUERIES:
        return None
    from flopscope import SymmetryGroup

    return Known(getattr(SymmetryGroup.symmetric(axes=group.attrs["axes"].value), name))


def _axes(ctx, x: Array, symmetry) -> tuple[int, ...]:
    """The axes of the shorthand or of a symmetric group, checked as flopscope's
    validate_symmetry_group checks them (before any charge)."""
    axes = symmetry.attrs["axes"].value if _is_group(symmetry) else known_shape(symmetry, "symmetry")
    if any(not 0 <= a < x.ndim for a in axes):
        raise OpRaises("ValueError", f"symmetry axes are out of range for ndim={x.ndim}")
    if len(set(axes)) != len(axes):
        raise OpRaises("ValueError", "symmetry axes contain duplicate entries")
    if len({x.shape[a] for a in axes}) > 1:
        # flopscope raises SymmetryError here (after is_symmetric's and symmetrize's charge)
        raise OpError(f"symmetry axes {axes} of unequal sizes in shape {x.shape} (SymmetryError) are not modelled")
    return axes


def _generators(axes: tuple[int, ...]) -> int:
    """The non-identity generators of the symmetric group on ``axes`` (adjacent transpositions),
    at least one as flopscope bills: ``max(k, 1)``."""
    return max(len(axes) - 1, 1)


def _tagged(x: Array, axes: tuple[int, ...]) -> bool:
    return len(axes) < 2 or tuple(sorted(axes)) in (x.sym or ())


@handler("flopscope.as_symmetric")
def _as_symmetric(ctx, args, kwargs):
    data, symmetry = _signature("as_symmetric", args, kwargs, ())
    x = to_array(ctx, data)
    axes = _axes(ctx, x, symmetry)
    # allclose's cost per generator, in the dtype allclose compares in (ints in float64)
    billed = dtypes.integer_to_float64_min(x.dtype)
    ctx.charge("as_symmetric", _generators(axes) * (7 * x.size - 1), billed, x.dtype_origin)
    return x.with_(sym=(tuple(sorted(axes)),))


@handler("flopscope.is_symmetric")
def _is_symmetric(ctx, args, kwargs):
    data, symmetry = _signature("is_symmetric", args, kwargs, ("atol", "rtol"))
    x = to_array(ctx, data)
    axes = _axes(ctx, x, symmetry)
    billed = dtypes.integer_to_float64_min(x.dtype)
    ctx.charge("is_symmetric", max(_generators(axes) * (7 * x.size - 1), 1), billed, x.dtype_origin)
    if _tagged(x, axes):
        return Known(True)  # exactly invariant data passes any tolerance
    return Unknown("bool", ctx.span, "is_symmetric returns a Python bool read from array values")


@handler("flopscope.symmetrize")
def _symmetrize(ctx, args, kwargs):
    data, symmetry = _signature("symmetrize", args, kwargs, ("mode",))
    mode = kwargs.get("mode", Known("reynolds-projection"))
    if not (isinstance(mode, Known) and isinstance(mode.value, str)):
        raise OpError("a symmetrize mode not known statically")
    if mode.value not in _MODES:
        raise OpRaises("ValueError", f"unknown symmetrize mode {mode.value!r}; expected one of "
                                     f"{', '.join(map(repr, _MODES))}")
    x = to_array(ctx, data)
    axes = _axes(ctx, x, symmetry)
    tag = (tuple(sorted(axes)),) if len(axes) >= 2 else ()
    if mode.value == "canonical-copy":
        # one write per element, in the input's own dtype
        ctx.charge("symmetrize", max(x.size, 1), x.dtype, x.dtype_origin)
        return x.with_(sym=tag)
    # Reynolds averaging: |G| transposed adds and one scaling pass, accumulated in float64 at least
    billed = dtypes.result_type(Operand(dtype=x.dtype), Operand(dtype="float64"))
    ctx.charge("symmetrize", max((math.factorial(len(axes)) + 1) * x.size, 1), billed,
               x.dtype_origin if billed == x.dtype else ctx.span)
    return Array(x.shape, billed, sym=tag, dtype_origin=x.dtype_origin if billed == x.dtype else ctx.span)
