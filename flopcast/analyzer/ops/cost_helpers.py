"""flopscope's reduction cost helpers a participant calls as a cost model to choose an
algorithm: ``flops.reduction_accumulation_cost(a, axis).total`` and
``flops.tier2_reduction_cost(a, axis)``. Both are free (they run nothing); their numbers are
flopscope's own functions on a stand-in of the operand's shape. An operand with a symmetry tag
is not followed (the stand-in would carry it as a SymmetricTensor, which a tagged product of
the run may not be).
"""

from __future__ import annotations

from flopcast.analyzer import pricing
from flopcast.analyzer.ops.operands import known_shape
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.values import Array, ClassVal, InstanceVal, Known

#: what ``reduction_accumulation_cost`` returns: flopscope's class (no node: no user class)
_ACCUMULATION_COST = ClassVal("AccumulationCost", "flopscope.AccumulationCost", [], {})


def _operand(op: str, args, kwargs, keywords: tuple[str, ...]):
    """(array, axis, known keyword ints) of ``op(a, axis=None, *, <keywords>)``."""
    if not args and "a" not in kwargs:
        raise OpRaises("TypeError", f"{op}() missing 1 required positional argument: 'a'")
    if len(args) > 2:
        raise OpRaises("TypeError", f"{op}() takes from 1 to 2 positional arguments but {len(args)} were given")
    for key in kwargs:
        if key not in ("a", "axis") + keywords:
            raise OpRaises("TypeError", f"{op}() got an unexpected keyword argument '{key}'")
    a = args[0] if args else kwargs["a"]
    if not isinstance(a, Array):
        raise OpError(f"{op} of an operand that is not an array is not modelled")
    if a.sym:
        raise OpError(f"{op} of a symmetric operand is not modelled")
    axis = args[1] if len(args) > 1 else kwargs.get("axis", Known(None))
    if isinstance(axis, Known) and axis.value is None:
        axis_value = None
    else:
        axis_value = known_shape(axis, f"{op} axis")
        axis_value = axis_value[0] if isinstance(axis, Known) and isinstance(axis.value, int) else axis_value
    numbers = {}
    for key in keywords:
        if key in kwargs:
            v = kwargs[key]
            if not (isinstance(v, Known) and (v.value is None or type(v.value) is int)):
                raise OpError(f"{op} with {key}= not known statically")
            numbers[key] = v.value
    return a, axis_value, numbers


def _ask(function: str, a: Array, axis, numbers: dict) -> int:
    try:
        return pricing.reduction_helper(function, a.shape, axis, numbers)
    except (ValueError, TypeError) as exc:  # an axis out of range, ...: flopscope's refusal
        raise OpError(f"flopscope refuses this {function} call ({exc}): not modelled") from None


@handler("flopscope.reduction_accumulation_cost")
def _reduction_accumulation_cost(ctx, args, kwargs):
    a, axis, numbers = _operand("reduction_accumulation_cost", args, kwargs, ("op_factor", "extra_ops"))
    return InstanceVal(_ACCUMULATION_COST, {"total": Known(_ask("reduction_accumulation_cost", a, axis, numbers))})


@handler("flopscope.tier2_reduction_cost")
def _tier2_reduction_cost(ctx, args, kwargs):
    a, axis, numbers = _operand("tier2_reduction_cost", args, kwargs, ("dense_per_output_cost",))
    return Known(_ask("tier2_reduction_cost", a, axis, numbers))
