"""Integers read from array data, used where Python needs a concrete integer.

``k = int(fnp.sum(fired < 8))`` is not known statically, but it is bounded: a sum of
``n`` booleans lies in ``[0, n]``. When such a value becomes a slice bound
(``x[:, k:]``), an array size (``fnp.zeros(k)``) or a trip count (``range(k)``), the
analysis runs the path once at each end of its range — a value-dependent site at the
line that read the value — so the total is an interval whose ends are real counts
where the cost is monotone in the value, as the sizes of a mask are.

One path takes one end for every value read at that line, and every value computed
from it with known integers (``k + 1``, ``n - k``, ``min(k, n)``) is the same function
of that end, so ``x[:, k:]`` and ``w[k:, :]`` keep matching shapes.

The ends bound the cost only where it is monotone in the value. Each use says whether the
sizes it makes grow or shrink with the value (``x[:, :k]`` grows, ``x[:, k:]`` shrinks,
``n - k`` flips the direction). When one path uses a value both ways (``x[:, :k].T @ x[:, k:]``
costs ``k·(n - k)``: nothing at either end, the most in the middle), the uses against the
first one's direction take their end at a second site of their own. Each op's cost grows with
each of its extents, so the paths where the two sites take opposite ends bound every count in
between: all growing sizes at their largest with all shrinking ones at their largest, and
both at their smallest. Those *bounding* paths are not paths the program can take; a raise on
one is not reported. When one raises or stops (parts of a split joined again no longer fit),
the site is analysed at every value of its range instead, one per distinct outcome of the
chains its uses apply (``enumeration``), if there are at most MAX_ENUMERATED of them;
otherwise the interval's high end is left open.

A test of such an integer (``if n:``, ``n == 0``) is answered at the value the path takes for it
(``tested``), not at a site of its own: the site is then analysed at both ends of each stretch of
the range where the test answers alike (``0``, ``1`` and ``k`` for ``if n:``), so within a stretch
every run takes the branches its ends take.

A side with no bound is the sentinel ``BIG``: as a slice bound it clamps to the axis
(``x[BIG:]`` is empty, ``x[-BIG:]`` whole), so the slice's length still spans ``[0, n]``;
as a size or a trip count it is reported as unbounded and the total becomes a lower bound.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Callable, Optional

from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import Array, Known, ListVal, NumpyScalar, Unknown, Value, machine_of

#: The most values a site is analysed at when its bounding paths cannot run (enumeration).
MAX_ENUMERATED = 16
#: Stands for "no bound on this side"; anything at or beyond BIG // 2 in size is unbounded.
BIG = 2**62

_STEPS = {
    "add": operator.add, "sub": operator.sub, "rsub": lambda a, c: c - a, "mul": operator.mul,
    "floordiv": operator.floordiv, "min": min, "max": max,
    # rounding to powers of two (`1 << (k - 1).bit_length()`): monotone where derive allows them
    "bit_length": lambda a, c: a.bit_length(), "shl": lambda a, c: c << a,
    "shr": lambda a, c: a >> c, "lshift": lambda a, c: a << c,
}
#: the largest shift a chain may apply (`1 << k` past it is a number no size is made of)
MAX_SHIFT = 4096


def is_data_int(v: Value) -> bool:
    """An integer read from data that the analysis may take at the ends of its range."""
    return isinstance(v, Unknown) and v.kind == "int"


def as_data_int(v: Value, span) -> Value:
    """A 0-d integer array with known bounds (``fnp.sum(mask)``) used where Python wants an
    int (a size, a slice bound: numpy's ``__index__``) is an integer read from data; any
    other value is returned as it is. One read where no span is known (``mlp.seed % 4``) is
    placed where it is used: its site needs a place to be reported at."""
    if isinstance(v, Array) and v.ndim == 0 and (v.dtype.startswith(("int", "uint")) or v.dtype == "bool") \
            and value_range(v) is not None:
        return from_array(v, "int", span, "an integer array used as an index or size")
    if is_data_int(v) and v.origin is None:
        return dataclasses.replace(v, origin=span)
    return v


def counted_bool(v: Value, span) -> Value:
    """An unknown boolean where Python counts it (``int(b)``, ``count += x > t``, ``sum(flags)``):
    an integer read from data that is 0 or 1 -- a Python bool and numpy's bool_ are nothing
    else. Its site is the place it is counted at (``span``), not the place its operands were
    read: a branch on the same comparison is a site of its own, and tying the two would skip
    the run's pairing of answers. Any other value is returned as it is."""
    if v.__class__ is Unknown and v.kind == "bool":
        return Unknown("int", span, f"a boolean counted as 0 or 1 ({v.reason})", 0, 1, machine=v.machine)
    return v


def bounded_sum(left: Value, right: Value, span) -> Optional[Unknown]:
    """``a + b`` of two integers read from data, both bounded: a new integer read from data
    at ``span`` within the sum of their ranges (a count of booleans grown one at a time); None
    when either side has no bound (the sum then has none)."""
    if not (is_data_int(left) and is_data_int(right)):
        return None
    (a_lo, a_hi), (b_lo, b_hi) = ends(left), ends(right)
    if any(unbounded(e) for e in (a_lo, a_hi, b_lo, b_hi)):
        return None
    return Unknown("int", span, f"a sum of integers read from data ({left.reason})", a_lo + b_lo, a_hi + b_hi,
                   machine=machine_of(left, right))


def from_scalar(x: NumpyScalar, span, reason: str) -> Value:
    """A numpy integer scalar as the Python int it equals: its value where known (numpy computed it
    from known numbers), else an integer read from data within the bounds of the index array it is
    an element of (an argsort's); any other scalar is returned as it is."""
    if not x.dtype.startswith(("int", "uint")):
        return x
    if x.value is not None:
        return Known(int(x.value))
    if x.vrange is not None:
        return Unknown("int", span, reason, *x.vrange)
    return x


#: numpy's clamps of integer scalars and their arity: each is non-decreasing in every argument
#: (numpy's clip is ``minimum(maximum(a, a_min), a_max)``, also where a_min > a_max)
_CLAMPS = {"clip": (3, lambda a, lo, hi: min(max(a, lo), hi)), "minimum": (2, min), "maximum": (2, max)}


def clamped_scalar(result: Value, name: str, args, kwargs, span) -> Value:
    """``np.clip(k, 4, 8)`` (or ``np.minimum``/``np.maximum``) of an integer read from data and known
    integers: numpy's integer scalar, bounded by the clamp of its arguments' ends (it is monotone in
    each), so ``int()`` of it is an integer read from data within them (a site at ``span``), not one
    with no bound; ``result`` unchanged otherwise."""
    arity, clamp = _CLAMPS.get(name, (None, None))
    if result.__class__ is not NumpyScalar or result.value is not None or result.vrange is not None \
            or not result.dtype.startswith(("int", "uint")) or kwargs or len(args) != arity:
        return result
    lows, highs = [], []
    for a in args:
        if a.__class__ is Known and a.value.__class__ is int:
            lo = hi = a.value
        elif is_data_int(a):
            lo, hi = ends(a)
        elif a.__class__ is NumpyScalar and a.dtype.startswith(("int", "uint")) and a.value is not None:
            lo = hi = int(a.value)
        elif a.__class__ is NumpyScalar and a.dtype.startswith(("int", "uint")) and a.vrange is not None:
            lo, hi = a.vrange
        else:
            return result
        lows.append(lo)
        highs.append(hi)
    lo, hi = clamp(*lows), clamp(*highs)
    if unbounded(lo) or unbounded(hi):
        return result
    return NumpyScalar(result.dtype, result.dtype_origin, vrange=(lo, hi), origin=span)


#: what a site of ``position`` says its integer does (a dict's lookup, ``in`` and ``get`` alike)
LIST_PICK = "an item of a list is picked"
DICT_LOOKUP = "a dict entry is looked up"


def picked_position(ctx, key: Value, span, what: str = LIST_PICK) -> Optional[int]:
    """The value ``key``, an integer read from data, takes on this path where it picks an item of
    a list or looks up a dict of known keys (every value of its range is a path: ``position``);
    None where ``key`` is no such integer or its range is not known or too wide. ``what`` says
    which, in the site's reason."""
    data = as_data_int(key, span)
    return position(ctx, data, what) if is_data_int(data) else None


def dict_key(x: NumpyScalar, span) -> Value:
    """A numpy integer scalar used as a dict's key (``experts[k]``, ``experts.get(k)``, ``k in
    experts``): ``from_scalar`` read where the element was taken, so every use of it asks one site."""
    return from_scalar(x, x.origin or span, "an element of an index array used as a dict key")


def value_range(a: Array) -> Optional[tuple]:
    """Bounds of an integer or boolean array's elements, when known."""
    if a.vrange is not None:
        return a.vrange
    if a.dtype == "bool":
        return (0, 1)
    return None


def _apply(chain: tuple, base: int) -> int:
    for step, c in chain:
        base = _STEPS[step](base, c)
    return base


def ends(u: Unknown) -> tuple[int, int]:
    """The value at the low and at the high end of its base's range (BIG for no bound);
    the chain is monotone, so these are its extremes (in some order)."""
    lo = -BIG if u.lo is None else u.lo
    hi = BIG if u.hi is None else u.hi
    a, b = _apply(u.chain, lo), _apply(u.chain, hi)
    return (a, b) if a <= b else (b, a)


def _range_text(u: Unknown) -> tuple[str, str]:
    """The ends of the integer itself, for people: its clamps applied (`min(12, max(4,
    ceil(x)))` is 4 to 12, whatever x's range), "no ... bound" on a side that still moves
    with a base that has none (`n // 1000` of an unbounded n)."""
    def at(far: int) -> tuple[int, int]:
        a = _apply(u.chain, -far if u.lo is None else u.lo)
        b = _apply(u.chain, far if u.hi is None else u.hi)
        return (a, b) if a <= b else (b, a)

    (low, high), (low2, high2) = at(BIG), at(BIG // 2)
    return ("no lower bound" if low != low2 else f"{low:,}", "no upper bound" if high != high2 else f"{high:,}")


def unbounded(n: int) -> bool:
    return abs(n) >= BIG // 2


def derive(u: Unknown, step: str, c) -> Optional[Unknown]:
    """``u <op> c`` for a known integer ``c`` as the same function of the value read at
    ``u``'s origin, or None when the step is not monotone (then it is a fresh unknown)."""
    if not (isinstance(c, int) and not isinstance(c, bool)):
        return None
    if step == "floordiv" and c <= 0 or step in ("shr", "lshift") and not 0 <= c <= MAX_SHIFT:
        return None  # (`k >> c`, `k << c`: `k // 2**c`, `k * 2**c`, monotone; a negative shift raises)
    if step in ("bit_length", "shl"):
        # bit_length is monotone on k >= 0 only (|k| is measured); `c << k` raises for k < 0
        low, high = ends(u)
        if low < 0 or high > (MAX_SHIFT if step == "shl" else BIG // 4):
            return None
    chain = u.chain + ((step, c),)
    if step in ("add", "sub") and u.chain and u.chain[-1][0] in ("add", "sub"):
        # `k -= 1` in a loop: one offset, not one step per iteration (each derive copies the chain)
        last, offset = u.chain[-1]
        total = (offset if last == "add" else -offset) + (c if step == "add" else -c)
        chain = u.chain[:-1] + (("add", total),)
    derived = Unknown(u.kind, u.origin, u.reason, u.lo, u.hi, chain, u.counts, machine=u.machine)
    low, high = ends(derived)
    if low == high and not unbounded(low):
        # the chain is monotone and gives its two ends one value: every value read gives it
        # (`k = max(2, k * 3 // 4)` repeated reaches 2 whatever k was read as)
        return Known(low)
    return derived


def bit_count(u: Unknown, span) -> Unknown:
    """``k.bit_count()`` of an integer read from data: not monotone in ``k`` (no step of its chain),
    but at most the bit length of its largest magnitude, so an integer read from data of its own
    in ``[0, that]`` (as a remainder is: operators._data_int_remainder); unbounded where ``k`` is."""
    low, high = ends(u)
    top = max(abs(low), abs(high))
    return Unknown("int", span, f"the set bits of {u.reason}", 0, None if unbounded(top) else top.bit_length(),
                   machine=u.machine)


def _direction(u: Unknown) -> int:
    """+1 when ``u``'s chain grows with the value read at its origin, -1 when it shrinks."""
    lo = -BIG if u.lo is None else u.lo
    hi = BIG if u.hi is None else u.hi
    return 1 if _apply(u.chain, hi) >= _apply(u.chain, lo) else -1


def range_grows(position: int, count: int, step) -> int:
    """Whether ``range(...)``'s length grows (+1) or shrinks (-1) with its argument at
    ``position`` of ``count``: the stop lengthens it, the start and a positive step shorten it
    (a negative known step reverses start and stop)."""
    if count == 1 or position == 1:
        grows = 1
    else:
        grows = -1
    if position < 2 and isinstance(step, int) and step < 0:
        grows = -grows
    return grows


def first_use(ctx, key, grows: int, base: int, bounds: tuple, chain: tuple = ()) -> None:
    """The direction and value of the first use of the site ``key`` on this path; its range
    and the chains its uses apply (what ``enumeration`` needs)."""
    ctx.effects += 1
    ctx._data_int_uses.setdefault(key, (grows, base))
    ctx.result.data_ints.setdefault(key, (bounds, set()))[1].add(chain)


def enumeration(results, current: dict) -> Optional[dict]:
    """The sites to analyse at every value of their range instead of at twin ends: those
    whose bounding paths stopped (or already enumerated), each with one value per distinct
    outcome of the chains its uses apply (``max(k, 2)`` makes 0, 1 and 2 one case), highest
    first. None when a site has an unbounded side or more than MAX_ENUMERATED cases."""
    keys = set(current) | {r.bounding for r in results
                           if r.bounding is not None and (r.raised is not None or r.unpriced)}
    keys |= {key for r in results for key in r.picks}
    wanted = {}
    for key in keys:
        bounds = next((r.data_ints[key][0] for r in results if key in r.data_ints), None)
        if bounds is None or bounds[0] is None or bounds[1] is None:
            return None
        chains = sorted(set().union(*(r.data_ints[key][1] for r in results if key in r.data_ints)))
        cases: dict = {}
        for v in range(bounds[1], bounds[0] - 1, -1):
            cases.setdefault(tuple(_apply(c, v) for c in chains), v)
            if len(cases) > MAX_ENUMERATED:
                return None
        wanted[key] = tuple(cases.values())
    return wanted


def opposite(ctx, key, grows: int, u_bounds: tuple, span, what: str, chain: tuple = ()) -> Optional[int]:
    """The value a use against the direction of the first use of site ``key`` takes: None when
    it goes the same way (or the site has not been used); else the end chosen at the site's
    shrinking twin, and a path where the twins differ is a bounding path."""
    ctx.effects += 1
    first = ctx._data_int_uses.get(key)
    if first is None or first[0] in (grows, 0) or key in ctx.enumerated:
        if key is not None and key in ctx.result.data_ints:
            ctx.result.data_ints[key][1].add(chain)
        return None
    lo, hi = u_bounds
    where = f" at line {span.line}" if span is not None else ""
    reason = (f"{what} uses the integer read from data{where} so that sizes move against its other uses "
              "(the cost need not be monotone in it): its two ends are analysed apart from theirs")
    site = Site(("against", key), ("high", "low"), span, "shape", reason, (lo, hi))
    end = ctx.decisions.choose(site, ctx.kept_used())
    if isinstance(end, int) and not isinstance(end, bool):  # replayed from a run
        base = end
    else:
        base = (BIG if hi is None else hi) if end == "high" else (-BIG if lo is None else lo)
    if base != first[1]:
        ctx.result.bounding = key
    ctx.result.data_ints[key][1].add(chain)
    return base


#: How the reason of a value made from one flopcast could not compute begins (ops.unknown_operand_reason)
UNKNOWN_PREFIX = "uses a value flopcast could not compute"


#: How the reason of an unmodelled library call's result ends (builtins.call_stdlib)
UNMODELLED_CALL = "a library call flopcast does not model"


def described(u: Unknown) -> tuple[str, str]:
    """What a site says ``u`` is, and its reason for that: an integer made from a value flopcast
    could not compute (an unmodelled library call's result) is not one read from the data."""
    if u.reason.endswith(UNMODELLED_CALL) and not u.reason.startswith(UNKNOWN_PREFIX):
        return "an integer flopcast could not compute", f"the {u.reason}"
    if not u.reason.startswith(UNKNOWN_PREFIX):
        return "an integer read from data", u.reason
    where, _, root = u.reason[len(UNKNOWN_PREFIX):].partition(": ")
    return "an integer flopcast could not compute", f"made{where} from {'the ' if root.startswith('result of ') else ''}{root}"


def materialise(ctx, u: Unknown, what: str, grows: int = 1) -> int:
    """The integer this path takes for ``u``: one end of its range, chosen once per line
    that read it (BIG, or -BIG, for a side with no bound). ``grows`` says whether the sizes
    this use makes grow (+1) or shrink (-1) with the integer it is given."""
    if u.lo is not None and u.lo == u.hi:
        return _apply(u.chain, u.lo)
    grows *= _direction(u)
    span = u.origin or ctx.span
    if u.counts is not None:
        # `int(fnp.sum(mask))` and `x[mask]` count the same elements: one number per path
        shared = ctx._nonzero_counts.get(u.counts)
        if shared is not None:
            against = opposite(ctx, ctx._count_sites.get(u.counts), grows, (u.lo, u.hi), span, what, u.chain)
            return _apply(u.chain, shared if against is None else against)
    against = opposite(ctx, ("value", span), grows, (u.lo, u.hi), span, what, u.chain)
    if against is not None:
        return _apply(u.chain, against)
    lo, hi = _range_text(u)
    where = f" at line {span.line}" if span is not None else ""
    noun, said = described(u)
    reason = f"{what} uses {noun}{where} ({said}; from {lo} to {hi}): both ends are analysed"
    key = ("value", span)
    site = Site(key, ctx.enumerated.get(key, ("high", "low")), span, "shape", reason, (u.lo, u.hi), machine=u.machine)
    end = ctx.decisions.choose(site, ctx.kept_used())
    if key in ctx._tested_ends:
        base = _base(u, end)  # a test of it made the site: a stretch's end, kept inside this range
    elif isinstance(end, int) and not isinstance(end, bool):  # a value of an enumerated site, or replayed (--calibrate)
        base = end
    else:
        base = (BIG if u.hi is None else u.hi) if end == "high" else (-BIG if u.lo is None else u.lo)
    first_use(ctx, site.key, grows, base, (u.lo, u.hi), u.chain)
    ended(ctx, key, span)
    if u.counts is not None and not unbounded(base):
        ctx._nonzero_counts[u.counts] = base
        ctx._count_sites[u.counts] = site.key
    return _apply(u.chain, base)


def position(ctx, u: Unknown, what: str = LIST_PICK) -> Optional[int]:
    """The position ``u`` takes on this path where it picks an item of a Python list or tuple
    (``METHODS[int(fnp.argmax(scores))]``): which item is picked is not monotone in anything,
    so the site is analysed at every value of its range, not at its ends. None when the range
    is unbounded, wider than MAX_ENUMERATED values, or this path took the value read at that
    line at one of its ends (a size use came first: the caller reports it unpriced, and the
    next round analyses the site at every value, ``enumeration``)."""
    if u.lo is not None and u.lo == u.hi:
        return _apply(u.chain, u.lo)
    if u.lo is None or u.hi is None or u.hi - u.lo + 1 > MAX_ENUMERATED:
        return None
    ctx.effects += 1  # it reads and writes the path's records of this site (repeats.SharedCalls)
    span = u.origin or ctx.span
    key = ("value", span)
    taken = ctx.decisions.chosen.get(key)
    if taken is not None and not (isinstance(taken, int) and not isinstance(taken, bool)):
        if key in ctx.result.data_ints:
            ctx.result.data_ints[key][1].add(u.chain)
            ctx.result.picks.add(key)
        return None
    where = f" at line {span.line}" if span is not None else ""
    noun, said = described(u)
    reason = f"{what} by {noun}{where} ({said}; from {u.lo:,} to {u.hi:,}): every value is analysed"
    site = Site(key, tuple(range(u.hi, u.lo - 1, -1)), span, "shape", reason, (u.lo, u.hi), machine=u.machine)
    base = ctx.decisions.choose(site, ctx.kept_used())
    ctx._data_int_uses.setdefault(key, (0, base))  # direction 0: every value is analysed
    return _apply(u.chain, base)


#: The widest range whose tests are answered at the value a path takes (each value is tried).
MAX_TESTED = 256


def tested(ctx, u: Unknown, holds: Callable[[int], bool], what: str) -> Optional[bool]:
    """Whether a test of ``u`` (``if n:``, ``n == 0``, ``n > 2``: ``holds`` of the integer) holds
    on this path: at the value the path takes for the integer read at ``u``'s line, its one site.
    That site is analysed at both ends of every stretch of the range where the test answers alike
    (``if n:`` parts ``0..k`` into ``{0}`` and ``1..k``: 0, 1 and k), so a run stopping inside a
    stretch takes the branches its ends take, and the sizes its uses make are bounded by those
    ends (and their twins, ``opposite``) as at the ends of the whole range. ``what`` names the test.
    None, and the test is a site of its own, when the range is unbounded or wider than MAX_TESTED,
    has more than MAX_ENUMERATED stretch ends, carries a presumption (a safety net keeps its
    branch site), counts a selection's elements, or this path took the site where those ends
    are not all options (a use of its size came first)."""
    if u.lo is None or u.hi is None or u.hi - u.lo > MAX_TESTED or u.presumed is not None or u.counts is not None:
        return None
    answers = [holds(_apply(u.chain, v)) for v in range(u.lo, u.hi + 1)]
    if len(set(answers)) == 1:
        return answers[0]  # every value of the range answers alike
    inner = frozenset(u.lo + j + d for j in range(1, len(answers)) if answers[j] != answers[j - 1]
                      for d in (-1, 0)) - {u.lo, u.hi}
    if len(inner) + 2 > MAX_ENUMERATED:
        return None
    span = u.origin or ctx.span
    key = ("value", span)
    if key not in ctx.enumerated and key in ctx.decisions.chosen and not inner <= ctx._tested_ends.get(key, frozenset()):
        return None
    ctx.effects += 1  # it reads and writes the path's records of this site (repeats.SharedCalls)
    options = ctx.enumerated.get(key) or ("high", *sorted(inner, reverse=True), "low")
    ends = ", ".join(str(_apply(u.chain, v)) for v in sorted(inner | {u.lo, u.hi}, reverse=True))
    where = f" at line {span.line}" if span is not None else ""
    reason = (f"{what} tests an integer read from data{where} ({u.reason}; from {u.lo:,} to {u.hi:,}): "
              f"analysed at {ends}, the ends of the stretches where the test answers alike")
    if key not in ctx.decisions.chosen and key not in ctx.enumerated:
        ctx._tested_ends[key] = inner
    end = ctx.decisions.choose(Site(key, options, span, "shape", reason, (u.lo, u.hi), machine=u.machine),
                               ctx.kept_used())
    ctx.result.data_ints.setdefault(key, ((u.lo, u.hi), set()))[1].add(u.chain)
    ended(ctx, key, span)
    return holds(_apply(u.chain, _base(u, end)))


def enumerable(result, keys) -> set:
    """Those of ``keys`` whose range holds at most MAX_ENUMERATED values: asking ``enumeration``
    for a wider one would refuse it, and the sites asked with it, every value."""
    found = set()
    for key in keys:
        lo, hi = result.data_ints.get(key, ((None, None), None))[0]
        if lo is not None and hi is not None and hi - lo + 1 <= MAX_ENUMERATED:
            found.add(key)
    return found


def ended(ctx, key, span) -> None:
    """Note that this path took site ``key`` at an end of its range or of a stretch of it, not
    at one of every value (``enumeration``): a read of the FLOPs spent is then no run's."""
    if key not in ctx.enumerated:
        ctx.effects += 1  # it writes the path's records (repeats.SharedCalls)
        ctx.ended_sizes.setdefault(key, span.line if span is not None else 0)


def _base(u: Unknown, end) -> int:
    """The value read at ``u``'s line that the option ``end`` of its site stands for: an end of
    its range, or a value inside it (a stretch's end, kept inside a range since narrowed)."""
    if isinstance(end, int) and not isinstance(end, bool):
        return min(max(end, u.lo), u.hi) if u.lo is not None and u.hi is not None else end
    return (BIG if u.hi is None else u.hi) if end == "high" else (-BIG if u.lo is None else u.lo)


def size(ctx, u: Unknown, what: str) -> Optional[int]:
    """A size or count taken from data: the end this path takes, clamped at 0; None when
    that end is unbounded (the caller reports it)."""
    n = materialise(ctx, u, what)
    if n >= BIG // 2:
        return None
    return max(n, 0)


def at_high_end(ctx, u: Unknown, what: str) -> bool:
    """Whether this path takes ``u`` at the upper end of a range of more than one value."""
    lo, hi = ends(u)
    return lo != hi and materialise(ctx, u, what) == hi


def slice_value(ctx, parts: list) -> Optional[slice]:
    """A slice whose bounds include integers read from data, taken at one end of their
    range; None when the ends would not bound the slice's length soundly (an unknown step,
    or two unknown bounds one of which may be negative or unbounded)."""
    parts = [as_data_int(p, ctx.span) for p in parts]
    unknown = [p for p in parts if not isinstance(p, Known)]
    if not all(is_data_int(p) for p in unknown):
        return None
    if not isinstance(parts[2], Known):
        return None  # the step decides the direction: not modelled
    wild = [p for p in unknown if ends(p)[0] < 0 or unbounded(ends(p)[1])]
    if wild and len(unknown) > 1:
        return None
    values = []
    step = parts[2].value if parts[2].value is not None else 1
    for position, p in enumerate(parts):
        if isinstance(p, Known):
            values.append(p.value)
            continue
        v = materialise(ctx, p, "a slice bound", grows=(1 if position == 1 else -1) * (1 if step > 0 else -1))
        if p in wild:
            # A possibly negative bound counts from the end: only the sentinels, which clamp
            # to the axis ends, give the extreme lengths 0 and n.
            v = -BIG if v == ends(p)[0] else BIG
        values.append(v)
    return slice(*values)


def from_array(a: Array, kind: str, span, reason: str) -> Unknown:
    """``int(x)``, ``x.item()`` of a 0-d integer or boolean array with known bounds; ``float(x)``
    of a float array whose elements are bounded (signs.py: a norm is at least 0) keeps them,
    a NaN aside, as a clamped float does."""
    if kind == "float" and a.fbounds is not None:
        lo, hi = a.fbounds
        return Unknown(kind, span, reason, lo, None if hi == float("inf") else hi)
    bounds = value_range(a) if kind == "int" else None
    if bounds is None:
        return Unknown(kind, span, reason)
    return Unknown(kind, span, reason, bounds[0], bounds[1], counts=a.counts)


def to_list(a: Array, span) -> ListVal:
    """``x.tolist()``: nested lists of the array's shape whose items are read from data
    (integers keep the array's bounds), so ``for j in idx.tolist():`` runs as many times as
    ``idx`` has elements."""
    kind = "bool" if a.dtype == "bool" else "int" if a.dtype.startswith(("int", "uint")) else "float"
    bounds = value_range(a) if kind == "int" else None
    item = Unknown(kind, span, "an element of `.tolist()`", *(bounds or (None, None)))

    def build(shape: tuple) -> ListVal:
        if len(shape) == 1:
            return ListVal([item] * shape[0])
        return ListVal([build(shape[1:]) for _ in range(shape[0])])

    return build(a.shape)
