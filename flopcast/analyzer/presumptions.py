"""The presumptions of the nominal path: no safety net fires (docs/directives.md).

A value-dependent boolean carries a :class:`Presumed` tag when it comes from a test that
a safety net makes: a finite test (``isfinite`` presumed true, ``isnan``/``isinf``
false), a self-check (``allclose``/``isclose``/``array_equal`` true), a comparison with
a huge threshold (``|T| >= 1e30``: the value stays below it in magnitude), and the
``not``/``~``/``&``/``|``/``all``/``any`` of such tests. An elementwise comparison of an
array with any other known number is a *threshold filter*, presumed to hold for typical
values (nothing is pruned or degenerate); it decides selections, counts of the mask and
branches, but not a loop's exit. The interpreter gives each value-dependent site the
presumption of the value that decides it (``Site.presumed``); the nominal run
(nominal.py) takes those choices.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer.values import Array, Known, NumpyScalar, Unknown, Value

#: A comparison with a known number at least this large in magnitude is an overflow guard.
HUGE = 1e30
#: A threshold at most this large in magnitude is a floor at zero: variance floors and pruning
#: cuts are 1e-3, 1e-4 as often as 1e-12 (a 1e-3 floor taken for a moderate threshold presumed
#: every variance below it: a nominal number no healthy run takes), and a cut of a probability
#: or a fraction is 5% or 10% (`gate < 0.05`: the units nearly always off, none on a healthy
#: MLP); deviations are bounded in units of a standard deviation, 1 and more.
TINY = 0.1


@dataclass(frozen=True)
class Presumed:
    """What a value-dependent boolean is presumed to be, element by element."""

    value: Optional[bool]  # every element's presumed truth (None: an integer, see ``count``)
    text: str
    # A safety-net test (finite, self-check, huge threshold) decides any branch; a threshold
    # filter (a comparison with an ordinary number) decides selections and branches, but not
    # a loop's exit (a convergence test is not a safety net).
    guard: bool = True
    count: Optional[int] = None  # the presumed number of true elements a count of a mask has
    # A self-check's compared arrays (their idents): one made in an earlier pass of the loop the
    # check exits makes it a convergence test (``allclose(prev, cur)``), not a safety net.
    compared: Optional[frozenset] = None


_FINITE = Presumed(True, "the values are finite")
_NOT_NAN = Presumed(False, "the values are finite")
_SELF_CHECK = Presumed(True, "the self-check passes")
_PREDICATES = {"isfinite": _FINITE, "isnan": _NOT_NAN, "isinf": _NOT_NAN, "isneginf": _NOT_NAN,
               "isposinf": _NOT_NAN, "allclose": _SELF_CHECK, "isclose": _SELF_CHECK,
               "array_equal": _SELF_CHECK, "array_equiv": _SELF_CHECK}
_REDUCTIONS = {"all", "any", "alltrue", "sometrue", "min", "max", "amin", "amax"}
_NEGATIONS = {"logical_not", "invert", "bitwise_not", "bitwise_invert"}
_ANDS = {"logical_and", "bitwise_and"}
_ORS = {"logical_or", "bitwise_or"}
_COMPARISONS = {"greater": ">", "greater_equal": ">=", "less": "<", "less_equal": "<=", "equal": "==",
                "not_equal": "!="}
_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}


#: Marks on float arrays (never a truth value): a difference of two arrays, and its magnitude
#: (``fnp.abs(a - b)``, its square, that divided by a scale, its max): a deviation. A deviation
#: compared with a tolerance is a hand-written ``isclose``, a self-check presumed to pass.
_DIFFERENCE = Presumed(None, "a difference of two arrays", guard=False)
_DEVIATION = Presumed(None, "a deviation between two arrays", guard=False)
_MAGNITUDES = {"abs", "absolute", "fabs", "square"}
_SCALINGS = {"divide", "true_divide", "multiply"}
#: A pre-activation: the MLP's weights (drawn with both signs), a product of data with them or with
#: another pre-activation (``x @ w``), shifted (``+ b``), scaled or copied. Its
#: elements take either sign as the data has them: a test of its sign (``h < 0``: a ReLU's mask)
#: selects about half of them, so no count of that test is typical, and its sites presume nothing.
_SIGNED = Presumed(None, "a pre-activation (a product with weights of both signs)", guard=False)
_PRODUCTS = {"matmul", "dot", "inner"}
_SHIFTS = {"add", "subtract"}
_COPIES = {"negative", "positive", "astype", "copy", "array", "transpose"}


def pre_activation(made: Array, of_array: Optional[Array] = None) -> Array:
    """``made`` marked a pre-activation: one of the MLP's weights (``of_array`` None), or a view or
    a part of the pre-activation ``of_array`` (``w.T``, ``h[:, :k]``); else unchanged."""
    if of_array is None or of(of_array) is _SIGNED and made is not of_array:
        made.presumed = _SIGNED
    return made


def is_mark(p: Optional[Presumed]) -> bool:
    """Whether ``p`` is a mark of a float array (a difference, a deviation, a pre-activation), not a
    truth value."""
    return p is _DIFFERENCE or p is _DEVIATION or p is _SIGNED


def _minus_bias(args: list) -> bool:
    """``a - b`` of a pre-activation and an array of fewer axes not one (``x @ w - b``, ``h - mu``
    of a mean over the rows): the pre-activation shifted (_signed), not a difference of two arrays
    of one kind, which a hand-written closeness check compares (``g64 - g32``, ``cur - prev``)."""
    signed = [of(a) is _SIGNED for a in args]
    if signed[0] == signed[1]:
        return False
    other, pre = (args[1], args[0]) if signed[0] else (args[0], args[1])
    return other.ndim < pre.ndim


def _signed(name: str, args: list, result: Value) -> bool:
    """Whether ``result`` of ``fnp.<name>(*args)`` is a pre-activation (``_SIGNED``): a product of
    two distinct arrays, one a pre-activation, with no symmetry tag (``a @ a`` of one array is a
    square; a tagged Gram has a positive diagonal), or one made from a pre-activation by a shift, a
    copy, a negation, or a scaling by a known number or a never-negative array. A mark wrongly given only
    loses a nominal number; one wrongly missed keeps the presumption every threshold test makes."""
    marked = [of(a) is _SIGNED for a in args[:2]]
    if True not in marked:
        return False  # (every mark is made from a marked operand: most ops end here, first)
    if not (isinstance(result, Array) and result.dtype.startswith("float") and result.ndim >= 1) \
            or any(result is a for a in args):
        return False
    if name in _PRODUCTS:
        return len(args) == 2 and all(isinstance(a, Array) for a in args) and not result.sym \
            and args[0].ident != args[1].ident
    if name in _COPIES:
        return marked[0]
    if name in _SHIFTS:
        return len(args) == 2
    if name in _SCALINGS and len(args) == 2:
        from flopcast.analyzer import signs

        other = args[1] if marked[0] else args[0]
        if name != "multiply" and not marked[0]:
            return False  # (a number divided by a pre-activation is no pre-activation)
        # (any known number: a negative one flips the signs, which stay the data's; its value is not
        # read, since a call counter's read counts as the counter steering the work, counters.py)
        return isinstance(other, Known) and type(other.__dict__["value"]) in (int, float) \
            or isinstance(other, (Array, NumpyScalar)) and signs.nonnegative(other)
    return False


def of(value: Value) -> Optional[Presumed]:
    return getattr(value, "presumed", None)


def negate(p: Optional[Presumed]) -> Optional[Presumed]:
    if p is None or p.value is None:
        return p
    # (a threshold filter negated is still one: `not fnp.any(abs(step) > tol)` ends a convergence loop)
    return dataclasses.replace(p, value=not p.value)


def tagged(value: Value, p: Optional[Presumed]) -> Value:
    """``value`` carrying ``p`` (arrays are tagged in place: the op just made them)."""
    if p is None:
        return value
    if isinstance(value, Array):
        value.presumed = p
        return value
    if isinstance(value, Unknown):
        return dataclasses.replace(value, presumed=p)
    return value


def _number(v: Value) -> Optional[float]:
    """A known number as a float; an int past float's range as an infinity of its sign (it is
    compared only with values that stay below ``HUGE``: a loop doubling an int past 2**1024)."""
    if isinstance(v, Known) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
        try:
            return float(v.value)
        except OverflowError:
            return math.inf if v.value > 0 else -math.inf
    return None


def comparison(symbol: str, left: Value, right: Value) -> Optional[Presumed]:
    """The presumption of ``left <symbol> right`` when one side is a known number."""
    if isinstance(left, Array) and left is right or \
            isinstance(left, Array) and isinstance(right, Array) and left.ident == right.ident:
        if symbol in ("==", "!="):  # `x != x`: the NaN test
            return Presumed(symbol == "==", "the values are finite")
        return None
    if isinstance(left, Unknown) and left.presumed is not None and left.presumed.count is not None:
        n = _number(right)
        if n is not None:
            holds = {">": left.presumed.count > n, ">=": left.presumed.count >= n, "<": left.presumed.count < n,
                     "<=": left.presumed.count <= n, "==": left.presumed.count == n, "!=": left.presumed.count != n}
            return Presumed(holds[symbol], f"{left.presumed.text}: the count is {left.presumed.count}", False)
    deviation = _deviation_against_tolerance(symbol, left, right)
    if deviation is not None:
        return deviation
    t = _number(right)
    if t is None:
        t, symbol = _number(left), _FLIPPED[symbol]
        if t is None or not isinstance(right, (Array, Unknown, NumpyScalar)):
            return None
    elif not isinstance(left, (Array, Unknown, NumpyScalar)):
        return None
    if math.isnan(t):
        return None
    if abs(t) <= TINY and of(right if _number(right) is None else left) is _SIGNED:
        return None  # the sign of a pre-activation is the data's: no count of it is typical
    if abs(t) >= HUGE:
        # the value stays strictly between -HUGE and HUGE
        above = symbol in (">", ">=")
        below = symbol in ("<", "<=")
        value = (above and t < 0) or (below and t > 0) or symbol == "!="
        return Presumed(value, f"the value stays below {HUGE:g} in magnitude")
    value_side = left if _number(right) is not None else right
    if not (isinstance(value_side, Array) and value_side.ndim >= 1):
        return None  # a scalar against an ordinary number is an algorithmic choice, not a safety net
    return Presumed(_typical(symbol, t), f"values are typical for the threshold test `{symbol} {t:g}` "
                                         "(nothing is pruned or degenerate)", guard=False)


def _deviation_against_tolerance(symbol: str, left: Value, right: Value) -> Optional[Presumed]:
    """``fnp.abs(a - b) > 1e-5`` (or ``/ scale``, ``<=``): numpy's ``isclose`` written by hand,
    presumed to pass like ``isclose`` -- the deviation stays within a tolerance of the threshold
    floor's size (at most TINY; a larger threshold is a moderate one, which _typical already
    presumes a deviation stays below). A threshold filter, not a guard: a loop's exit on it is a
    convergence test."""
    t, value_side = _number(right), left
    if t is None:
        t, value_side, symbol = _number(left), right, _FLIPPED[symbol]
    if t is None or math.isnan(t) or not 0 <= t <= TINY or symbol in ("==", "!=") \
            or not (isinstance(value_side, Array) and value_side.ndim >= 1 and of(value_side) is _DEVIATION):
        return None
    return Presumed(symbol in ("<", "<="), f"the deviation stays within the tolerance `{t:g}` "
                                           "(a hand-written closeness check passes)", guard=False)


def _typical(symbol: str, t: float) -> bool:
    """Whether ``v <symbol> t`` holds for a typical value: positive against zero or a tiny
    floor (a unit fires, a variance is not degenerate), inside a moderate threshold (a
    z-score above -4, a deviation below 4)."""
    if symbol in ("==", "!="):
        return symbol == "!="
    above = symbol in (">", ">=")
    if abs(t) <= TINY or t < 0:
        return above
    return not above


def after_op(name: str, args: list, result: Value) -> Value:
    """Tag the result of ``fnp.<name>(*args)`` (or an operator) from its operands' tags."""
    if not isinstance(result, (Array, Unknown)):
        return result
    if name in _PREDICATES:
        p = _PREDICATES[name]
        if p is _SELF_CHECK:
            p = dataclasses.replace(p, compared=frozenset(a.ident for a in args[:2] if isinstance(a, Array)))
        return tagged(result, p)
    if name in _COMPARISONS and len(args) >= 2:
        return tagged(result, comparison(_COMPARISONS[name], args[0], args[1]))
    if name == "subtract" and len(args) == 2 and all(isinstance(a, Array) for a in args) and isinstance(result, Array) \
            and result.dtype.startswith("float") and not _minus_bias(args):
        return tagged(result, _DIFFERENCE)
    if _signed(name, args, result):
        return tagged(result, _SIGNED)
    tags = [of(a) for a in args[:2]]
    if _SIGNED in tags:
        return result  # (a reduction of a pre-activation, its magnitude: no pre-activation)
    if tags and tags[0] in (_DIFFERENCE, _DEVIATION) and isinstance(result, Array):
        if name in _MAGNITUDES and tags[0] is _DIFFERENCE or tags[0] is _DEVIATION and (
                name in _SCALINGS and not any(a is result for a in args) or name in ("max", "amax", "nanmax")):
            return tagged(result, _DEVIATION)
        if name == "power" and tags[0] is _DIFFERENCE and len(args) == 2 and isinstance(args[1], Known) \
                and args[1].value == 2:
            return tagged(result, _DEVIATION)
        return result
    if not tags or tags[0] is None and name not in _ANDS | _ORS:
        return result
    if name in _NEGATIONS:
        return tagged(result, negate(tags[0]))
    if name in _REDUCTIONS:
        return tagged(result, tags[0])
    if name in ("sum", "count_nonzero") and len(args) == 1 and isinstance(args[0], Array) \
            and tags[0].value is not None:
        count = args[0].size if tags[0].value else 0
        return tagged(result, Presumed(None, tags[0].text, False, count))
    if name in _ANDS | _ORS and len(tags) == 2:
        return tagged(result, _combine(name in _ANDS, tags[0], tags[1]))
    return result


def _combine(is_and: bool, a: Optional[Presumed], b: Optional[Presumed]) -> Optional[Presumed]:
    decisive = False if is_and else True
    for p in (a, b):
        if p is not None and p.value is decisive:
            return p
    if a is None or b is None:
        return None
    if a.value is None or b.value is None:
        return Presumed(None, a.text if a.value is None else b.text)
    compared = None if a.compared is None and b.compared is None else (a.compared or frozenset()) | (b.compared or frozenset())
    return Presumed(not decisive, a.text if a.text == b.text else f"{a.text}; {b.text}", a.guard and b.guard,
                    compared=compared)


def selection(mask: Optional[Array], lo: int, hi: int) -> tuple[Optional[int], str]:
    """The count a selection by ``mask`` presumes: every element kept (nothing pruned) for
    a threshold filter or a true test, none for a false one (``x[fnp.isnan(x)]``)."""
    p = of(mask) if mask is not None else None
    if p is None:
        return None, ""
    if p.value is None:
        return None, ""
    if p.value is False:
        return lo, f"a selection by a test presumed false everywhere ({p.text}) is empty"
    return hi, f"a selection by a test presumed true everywhere ({p.text}) keeps every element"
