"""Arrays scaled past the typical magnitude, for the symmetry tags of products (no charges).

flopscope stamps a symmetric tag on a contraction's result only after checking its values, and
skips the check, and the tag, when the result holds an inf or a NaN (``_validate_result_symmetry``
in flopscope/_pointwise.py, asked by matmul, dot, inner, vecdot, matvec/vecmat and einsum; outer
and tensordot tag without it): an op on an overflowed product then costs the unsymmetric price.
flopcast knows no values. It follows the arrays made from data scaled past ``SCALE`` by a known
number (``w * 1e12``, ``fnp.full(n, fnp.inf)``) through every op but those that bound their values
(``Array.unbounded``); a symmetric product of one is priced tagged, and the report names that
presumption ("presuming no overflow"). Arrays of the data's own scale (the MLP's weights, draws
and what is made of them) are taken to stay finite, as the rest of the pricing takes them, but
in float16, whose largest value (65504) a sum of K products of such data reaches (a Gram of
weights times 300 at width 8): every symmetric float16 product checked there names the presumption.
Nor do they stay finite when an array is multiplied by itself again and again (``C = C @ C`` in a
loop, a squaring: |x|**(2**k)), nor when one matrix multiplies an array again and again
(``v = m @ v`` in a loop: |m|**k; each product remembers its factors, ``Array.chain``): each
array carries how many data factors deep it is (``Array.power``), and a symmetric product checked
past ``POWER_LIMIT`` factors names it too. A division by a full max of its absolute values or by
its norm (``s / fnp.max(fnp.abs(s))``, ``v / fnp.linalg.norm(v)``) brings an array back to the
data's own scale (depth 1): a renormalised squaring or power iteration names nothing.
"""

from __future__ import annotations

import math

from flopcast.analyzer.counters import raw_value
from flopcast.analyzer.values import (POWER_CAP, POWER_LIMIT, Array, Known, ListVal, NumpyScalar, TupleVal, Unknown,
                                      Value)
from flopcast.model import NoRaise

#: A known factor, term or fill this large in magnitude takes values of the data's scale past it.
SCALE = 1e8
#: flopscope's contractions that check a symmetric result's values before tagging it.
CHECKED = frozenset({"matmul", "linalg.matmul", "dot", "inner", "vecdot", "linalg.vecdot", "matvec", "vecmat",
                     "einsum"})
#: Ops whose values stay within bounds whatever their operands hold (an inf or a NaN apart).
_BOUNDING = frozenset({"tanh", "sin", "cos", "arctan", "sign", "isfinite", "isnan", "isinf"})
_SCALING = frozenset({"multiply", "add", "subtract", "full", "full_like", "true_divide", "divide"})
#: Result dtypes so narrow that a product of data of its own scale may overflow them.
_NARROW = frozenset({"float16"})


def _number(v: Value):
    # (read past the watch of numbers that steer nothing, counters.py: a count scaled into an
    # array, `x + calls * 0.0`, steers no charge; only which products the report names)
    if v.__class__ is Known and type(raw_value(v)) in (int, float):
        return raw_value(v)
    if v.__class__ is NumpyScalar and isinstance(v.value, (int, float)):
        return v.value
    return None


def _huge(name: str, values: list) -> bool:
    """A known number among the operands takes the result past the data's scale: a factor, a term
    or a fill of at least ``SCALE`` in magnitude (or not a number), a divisor of at most 1/SCALE."""
    for i, v in enumerate(values):
        c = _number(v)
        if c is None:
            continue
        if math.isnan(c) or math.isinf(c):
            return True
        if name in ("true_divide", "divide"):
            if i == 1 and 0 < abs(c) <= 1 / SCALE:
                return True
        elif abs(c) >= SCALE:
            return True
    return False


def _any_unbounded(values) -> bool:
    for v in values:
        cls = v.__class__
        if cls is Array:
            if v.unbounded:
                return True
        elif (cls is ListVal or cls is TupleVal) and any(i.__class__ is Array and i.unbounded for i in v.items):
            return True
    return False


def _operands(values) -> list:
    arrays = []
    for v in values:
        cls = v.__class__
        if cls is Array:
            arrays.append(v)
        elif cls is ListVal or cls is TupleVal:
            arrays.extend(i for i in v.items if i.__class__ is Array)
    return arrays


def _power(name: str, arrays: list) -> int:
    """Data factors deep of an op's result: its deepest operand's, or for a contraction of an
    array with itself (the same object twice, ``C @ C``) the sum over the repeated ones, and at
    least k - 1 times a matrix's own depth where the result holds it k times as a factor (``v = m
    @ v`` again and again, the same ``m``: |m|**k grows as a squaring does, only slower;
    Array.chain). A
    product with other data (``W.T @ C @ W``, weights of their own scale) keeps its depth: a
    propagation layer after layer through other matrices does not grow so."""
    top = max((a.power for a in arrays), default=1)
    if name in CHECKED:
        repeated = [a for a in arrays if sum(b is a for b in arrays) > 1]
        top = max(top, sum(a.power for a in repeated))
        for a in arrays:
            # (one more than once: a sandwich W.T @ C @ W, weights of their own scale, keeps its
            # depth as a propagation does; a third product with W grows it)
            # (from there on it is taken as past every dtype's limit at once: a depth that grew
            # by one a product would keep a loop's state changing until POWER_CAP, and a loop
            # repeats, or a call is reused, only once its state stops changing)
            if _times(_factor(a), arrays) - 1 > 1:
                top = POWER_CAP
    return top


def _factor(a: Array) -> int:
    """The array as a factor of a product: a view of a matrix (``m.T``) is that matrix."""
    return a.ident if a.factor_of is None else a.factor_of


def _times(factor: int, arrays: list) -> int:
    """How many times a checked contraction of ``arrays`` holds ``factor``: once for each operand
    it is, and as many times as the operand holding it most does (Array.chain)."""
    own = sum(_factor(a) == factor for a in arrays)
    held = max((n for a in arrays for f, n in a.chain if f == factor), default=0)
    return min(own + held, POWER_CAP)


#: How many factors a chain carries through ops that merge several operands' (the most repeated
#: kept: whether any is repeated is in the canonical form, canonical._repeats).
_CHAIN_MOST = 8


def _chain(name: str, arrays: list) -> tuple:
    """The factors the result of ``name`` holds, each with how many times (Array.chain): a
    checked contraction's own operands (_times); an op that keeps its operands' values (not a
    bounding one) the factors they hold, each as many times as the operand holding it most."""
    if name in CHECKED:
        factors = dict.fromkeys(_factor(a) for a in arrays)
        return tuple((f, _times(f, arrays)) for f in factors)
    if name in _BOUNDING:
        return ()
    held: dict = {}
    for a in arrays:
        for f, n in a.chain:
            if n > held.get(f, 0):
                held[f] = n
    return tuple(sorted(held.items(), key=lambda factor: -factor[1])[:_CHAIN_MOST])


def _renormalised(name: str, args: list) -> bool:
    """``x / fnp.max(fnp.abs(x))`` or ``x / fnp.linalg.norm(x)``: every element at most 1 in
    magnitude, whatever x held (an inf apart, which the pricing takes away for data of its own
    scale), so the result is of the data's own scale again."""
    return name in ("true_divide", "divide") and len(args) == 2 and args[0].__class__ is Array \
        and args[1].__class__ in (Array, NumpyScalar, Unknown) and args[1].bound_of is not None \
        and args[1].bound_of == _factor(args[0])


def _mark_magnitudes(name: str, args: list, kwargs: dict, made) -> None:
    """Note on ``made`` what it bounds (Array.abs_of, Array.bound_of): a full reduction only (a
    max along an axis divides the wrong elements once broadcast)."""
    if len(args) != 1 or kwargs or args[0].__class__ is not Array or len(made) != 1 \
            or name != "abs" and name != "absolute" and made[0].__class__ is Array and made[0].shape != ():
        return  # (a reduction along an axis, which the kwargs or its shape tell)
    x = args[0]
    if name in ("abs", "absolute"):
        made[0].abs_of = _factor(x)
    elif name in ("max", "amax") and x.abs_of is not None:
        made[0].bound_of = x.abs_of
    elif name == "linalg.norm":
        made[0].bound_of = _factor(x)


def carry(part: Array, whole: Array) -> None:
    """A part or a view of ``whole`` made without an op (``x[:, :]``, ``x.T``): as scaled and as
    many data factors deep as ``whole``."""
    part.unbounded = part.unbounded or whole.unbounded
    part.power = max(part.power, whole.power)
    part.chain = whole.chain
    if math.prod(part.shape) == math.prod(whole.shape):
        # (a transpose or a full view is the same matrix as a factor; a part is not: the layers
        # of a stack, ``weights[i]``, are different matrices, and taking them for one would
        # count a propagation through them as one matrix multiplied in again and again)
        part.factor_of = _factor(whole)


def after_op(interp, name: str, args: list, kwargs: dict, result: Value) -> None:
    """Mark ``result`` of ``fnp.<name>(*args, **kwargs)`` unbounded from its operands, and name the
    presumption when a checked contraction tags one symmetric."""
    cls = result.__class__
    if cls is NumpyScalar and name in ("max", "amax", "linalg.norm"):
        _mark_magnitudes(name, args, kwargs, [result])
    if cls is not Array and cls is not TupleVal:
        return
    wild = _any_unbounded(args) or bool(kwargs) and _any_unbounded(kwargs.values())
    made = (result,) if cls is Array else [i for i in result.items if i.__class__ is Array]
    operands = _operands([*args, *kwargs.values()])
    power = _power(name, operands)
    if _renormalised(name, args):
        power = 1
    elif power > 1 and name not in _BOUNDING:
        for a in made:
            a.power = power
    chain = () if power == 1 and _renormalised(name, args) else _chain(name, operands)
    if chain:
        for a in made:
            a.chain = chain
    if name in ("abs", "absolute", "max", "amax", "linalg.norm"):
        _mark_magnitudes(name, args, kwargs, made)
    grown = name in CHECKED and any(a.sym and power > POWER_LIMIT.get(a.dtype, power) for a in made)
    narrow = name in CHECKED and any(a.sym and a.dtype in _NARROW for a in made)
    if not wild and not narrow and not grown and name not in _SCALING and not any(a.unbounded for a in made):
        return  # (every op of data of its own scale: the common case)
    if (wild or narrow or grown) and name in CHECKED and any(a.sym for a in made):
        # not presume_no_raise: nothing raises, so a consumer's `try` changes nothing
        span = interp.span
        cause = (f"an operand holds data scaled past {SCALE:.0e} by a known number".replace("e+0", "e") if wild
                 else f"an array multiplied by itself reaches {power} data factors deep" if grown
                 else "a float16 result overflows past 65504, which a sum of products of data of its own scale reaches")
        interp.result.no_raise.setdefault((span, "overflow"), NoRaise(
            span, f"fnp.{name}", "overflow",
            f"{cause}: flopscope tags a product holding an inf or a NaN unsymmetric, and later ops on it pay for that"))
    wild = wild or grown or name in _SCALING and _huge(name, [*args, *kwargs.values()])
    if name in _BOUNDING or name == "clip" and len(args) >= 3 and all(
            c is not None and abs(c) < SCALE for c in map(_number, args[1:3])):
        wild = False
    for a in made:
        here = wild and not (a.dtype is not None and a.dtype.startswith(("bool", "int", "uint")))
        if here or a.unbounded:
            a.unbounded = here
