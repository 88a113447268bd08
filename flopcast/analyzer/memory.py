"""Memory the estimator's arrays take: the largest single allocation and the peak of
simultaneously live arrays, in ``setup()`` and in ``predict``, at the analysed point.

The tracker sees every value the interpreter computes (a traced ``eval``, installed only
when memory is asked for). An array value it has not seen before is an allocation made
by that expression: its bytes are ``size × itemsize`` unless the expression makes a view
(``.T``, basic slicing, ``reshape`` …), which allocates nothing but keeps its base alive.
At each allocation the live set is what Python would still reference: the variables of
every frame on the call stack and of the modules, through lists, tuples, dicts, instance
attributes and views' bases, plus the temporaries of the expressions being evaluated
(`a @ b` holds `a`, `b` and its result at once). The live arrays are walked only when the last
walk's total plus what was allocated since could make a new peak (or pass the limit): a walk
costs as much as the state is large, and most allocations cannot. The MLP's weights are inputs, allocated
before predict, and not counted.

A call the call memo replays (repeats.CallMemo) is not evaluated, so the tracker cannot see
the arrays it would make. While a call is recorded, the tracker counts the bytes it allocates
in all: a replay is refused (the call runs) when that total, on top of what can be alive,
could make a new peak, pass the limit or a new high of a call being recorded, and from then on
that function's calls are followed. While a followed call is recorded, the tracker keeps the call's own
high-water marks: each time the live arrays reach a new high since the call began, by how
much they exceed what was alive when it began, and where. A replay, made in an equal state,
allocates and frees the same arrays in the same order on top of what is alive when it
begins, so the same marks over that give the peaks and the first step past the limit the
call would have made; they are handed on to the peak, the limit and every call being
recorded around it, exactly as if the call had run. flopscope's and numpy's internal scratch buffers are not
modelled, so the real peak can be somewhat higher.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional

from flopcast.analyzer.counters import suspended
from flopcast.analyzer.values import Array, BoundLib, BoundMethod, DictVal, InstanceVal, ListVal, TupleVal
from flopcast.model import MemoryUse, Span

#: How far below whestbench's limit an allocation may already fail. RLIMIT_AS caps the process's
#: whole address space: a Python process with flopscope and whestbench imported holds ~1.4 GiB
#: before any array (measured; OpenBLAS's thread stacks, the interpreter, shared libraries), and
#: the grader's machine may hold more (more cores, more BLAS threads): 4 GiB leaves room for
#: that, so arrays of limit − MARGIN or more may raise MemoryError (memory_limit.py).
MARGIN = 4 * 2**30

ITEMSIZE = {
    "bool": 1, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "float16": 2, "int32": 4, "uint32": 4,
    "float32": 4, "int64": 8, "uint64": 8, "float64": 8, "complex64": 8, "complex128": 16,
}

#: Calls and attributes whose result is a view of their receiver / first argument.
VIEWS = frozenset({
    "T", "mT", "real", "reshape", "transpose", "swapaxes", "moveaxis", "squeeze", "expand_dims",
    "ravel", "diagonal", "broadcast_to", "view", "atleast_1d", "atleast_2d", "atleast_3d",
})


def nbytes(a: Array) -> int:
    return a.size * ITEMSIZE.get(a.dtype, 8)


class _Level:
    """One expression being evaluated: the values of its operands evaluated so far."""

    __slots__ = ("frame", "depth", "values", "used")

    def __init__(self, frame: object, depth: int, used: int) -> None:
        self.frame = frame
        self.depth = depth  # the interpreter's call depth: a called function's statements are not the caller's temporaries
        self.values: list = []
        self.used = used  # the FLOPs charged when it began: at most those before the op that allocates


@dataclass
class Side:
    """The record of one phase (setup or predict)."""

    largest: int = 0
    largest_span: Optional[Span] = None
    largest_what: str = ""
    peak: int = 0
    peak_span: Optional[Span] = None
    # The first allocation after which the live arrays exceed whestbench's memory limit:
    # where the run dies of MemoryError, which can come well before the peak.
    over_limit_span: Optional[Span] = None
    # The first allocation inside a try (or with) that may catch MemoryError after which the live
    # arrays reach memory_limit.threshold(): the handler may run from there on instead of the rest,
    # and the FLOPs charged before it (api ends the reported count there, a lower bound).
    caught_span: Optional[Span] = None
    caught_used: int = 0
    # What the live arrays came to at the last walk (without the op's scratch), and the bytes
    # allocated since: live arrays can only grow by allocations, so their sum bounds them.
    walked: int = 0
    since: int = 0


@dataclass
class MemoryTracker:
    limit: int = 0  # whestbench's memory limit in bytes (0: no limit recorded)
    sizes: dict[int, int] = field(default_factory=dict)  # array ident -> bytes it allocated
    bases: dict[int, int] = field(default_factory=dict)  # view ident -> its base's ident
    setup: Side = field(default_factory=Side)
    predict: Side = field(default_factory=Side)
    allocated: int = 0  # bytes of the arrays (and ops' scratch buffers) allocated so far (repeats.CallMemo)
    _stack: list = field(default_factory=list)
    _calls: list = field(default_factory=list)  # the _CallPeak of each call being recorded, innermost last
    # The lowest high of the calls being recorded: an allocation whose bound is above it may
    # be a new high of that call, and is walked even where it cannot be a new peak.
    _floor: float = float("inf")
    # id of a long list of values (a ListVal, a _Level) -> (it, its items at the last walk, the
    # identities their arrays reach, the values among them that are not arrays)
    _lists: dict = field(default_factory=dict)

    def enter(self, interp) -> None:
        self._stack.append(_Level(interp.frame, interp.call_depth, interp.used))

    def abandon(self) -> None:
        self._stack.pop()

    def read(self, interp, value) -> None:
        """What ``produced`` does for a name or a constant, without a level of its own: an
        operand of the expression being evaluated; an array met by name first is an input."""
        stack = self._stack
        if stack and stack[-1].depth == interp.call_depth:
            stack[-1].values.append(value)
        if isinstance(value, Array) and value.ident not in self.sizes:
            self.sizes[value.ident] = 0

    def produced(self, interp, node: ast.AST, value) -> None:
        stack = self._stack
        level = stack.pop()
        operands = level.values
        if stack and stack[-1].depth == interp.call_depth:
            stack[-1].values.append(value)
        if value.__class__ is TupleVal:
            if _returns_several(node):  # eigh, qr, svd, lstsq, nonzero ...: each array a new one
                made = [a for a in value.items if isinstance(a, Array) and a.ident not in self.sizes]
                if made:
                    self._allocated(interp, node, operands, value, made, 0, level.used)
            return
        if not isinstance(value, Array) or value.ident in self.sizes:
            return
        if not _creates(node, operands):
            self.sizes[value.ident] = 0  # met by name first: an input (the MLP's weights), not ours
            return
        view_of = _view_base(node, operands)
        if view_of is not None:
            self.sizes[value.ident] = 0
            self.bases[value.ident] = view_of.ident
            return
        self._allocated(interp, node, operands, value, [value], _cast_scratch(node, operands, value), level.used)

    def _allocated(self, interp, node: ast.AST, operands: list, value, made: list, scratch: int, used: int) -> None:
        """``node`` made the arrays ``made`` (``value`` itself, or the arrays of the tuple ``value``),
        with ``scratch`` bytes of an op's scratch buffer alive while it ran; ``used`` FLOPs had been
        charged when its evaluation began."""
        side = self.predict if interp.metered else self.setup
        span = interp.node_span(node)
        for array in made:
            size = self.sizes[array.ident] = nbytes(array)
            if size > side.largest:
                side.largest, side.largest_span = size, span
                side.largest_what = f"{array.dtype} {'×'.join(map(str, array.shape)) or 'scalar'}"
            side.since += size
            self.allocated += size
        self.allocated += scratch  # alive with the rest while the op runs
        bound = side.walked + side.since + scratch
        if bound <= side.peak and (not self.limit or side.over_limit_span is not None or bound <= self.limit) \
                and bound <= self._floor and not self.may_be_caught(interp, side, bound):
            return  # cannot be a new peak, nor the first step past the limit, nor a call's new high: no walk needed
        walked = self._live(interp, operands + [value])
        side.walked, side.since = walked, 0
        live = walked + scratch
        if live > side.peak:
            side.peak, side.peak_span = live, span
        if self.limit and live > self.limit and side.over_limit_span is None:
            side.over_limit_span = span
        if self.may_be_caught(interp, side, live):
            side.caught_span, side.caught_used = span, used if interp.metered else 0
        if live > self._floor:
            self._mark(live, span)

    def copied(self, interp, ident: int, copy: int) -> None:
        """``copy`` stands for an array made like ``ident`` without being evaluated (an iteration
        accounted for without running it): its bytes count as allocated, so the next walk is not skipped."""
        size = self.sizes[copy] = self.sizes.get(ident, 0)
        self.allocated += size
        (self.predict if interp.metered else self.setup).since += size

    def may_hide_a_peak(self, interp, allocated: int) -> bool:
        """Whether ``allocated`` bytes, allocated by a call replayed without its high-water
        marks, could make a new peak, pass the limit, or make a new high of a call being
        recorded: what is alive now is at most what the last walk found plus what was
        allocated since, and the call's arrays at most all it allocated."""
        if not allocated:
            return False
        side = self.predict if interp.metered else self.setup
        bound = side.walked + side.since + allocated
        return bound > side.peak or bound > self._floor or bool(
            self.limit and side.over_limit_span is None and bound > self.limit) or self.may_be_caught(interp, side, bound)

    def may_be_caught(self, interp, side: Side, live: int) -> bool:
        """Whether ``live`` bytes alive at once, inside a try or with that may catch MemoryError,
        may not fit (memory_limit.threshold), the first time on this side."""
        return bool(self.limit and interp.handlers.catches("MemoryError") and side.caught_span is None
                    and live >= max(self.limit - MARGIN, 0))

    def call_started(self, interp) -> "_CallPeak":
        """A call the call memo records begins: what is alive now is its base line."""
        side = self.predict if interp.metered else self.setup
        live = side.walked = self._live(interp, [])
        side.since = 0
        call = _CallPeak(live)
        self._calls.append(call)
        self._floor = min(self._floor, live)
        return call

    def call_ended(self, call: "_CallPeak") -> tuple:
        """The call ``call`` ended (or was abandoned): its marks, each ``(bytes above its base
        line, span)``, in the order they were reached."""
        calls = self._calls
        while calls:  # calls abandoned by an exception inside it are ended with it
            if calls.pop() is call:
                break
        self._floor = min((c.high for c in calls), default=float("inf"))
        return tuple((live - call.base, span) for live, span in call.marks)

    def replayed(self, interp, marks: tuple, used: int = 0) -> None:
        """A call recorded with ``marks`` (see call_ended) is replayed now instead of run, ``used``
        FLOPs charged before it: what it would have made of the peak, the limit and the highs of
        the calls around it."""
        if not marks:
            return
        side = self.predict if interp.metered else self.setup
        top = marks[-1][0]
        bound = side.walked + side.since + top
        if bound <= side.peak and (not self.limit or side.over_limit_span is not None or bound <= self.limit) \
                and bound <= self._floor and not self.may_be_caught(interp, side, bound):
            return
        base = side.walked = self._live(interp, [])
        side.since = 0
        if base + top > side.peak:
            side.peak, side.peak_span = base + top, marks[-1][1]  # the first time the call reached its highest
        if self.limit and side.over_limit_span is None and base + top > self.limit:
            side.over_limit_span = next(span for rel, span in marks if base + rel > self.limit)
        if self.may_be_caught(interp, side, base + top):
            side.caught_span = next(span for rel, span in marks if self.may_be_caught(interp, side, base + rel))
            side.caught_used = used if interp.metered else 0
        if base + top > self._floor:
            for rel, span in marks:
                self._mark(base + rel, span)

    def _mark(self, live: int, span: Optional[Span]) -> None:
        """``live`` bytes are alive at ``span``: a new high of each call being recorded below it."""
        for call in self._calls:
            if live > call.high:
                call.high = live
                call.marks.append((live, span))
        self._floor = min(c.high for c in self._calls)

    def _live(self, interp, temporaries: list) -> int:
        # The walk is the analysis' own read: a log a loop watches (counters.py) is not read by the program.
        with suspended(interp.counter_watch):
            return self._walk(interp, temporaries)

    def _walk(self, interp, temporaries: list) -> int:
        seen: set[int] = set()
        arrays: set[int] = set()
        todo = list(temporaries)
        frames = {id(level.frame): level.frame for level in self._stack if level.frame is not None}
        if interp.frame is not None:
            frames[id(interp.frame)] = interp.frame
        for frame in frames.values():
            todo.extend(frame.vars.values())
        for env in interp.module_envs.values():
            todo.extend(env.values())
        for level in self._stack:
            if len(level.values) < _LONG:
                todo.extend(level.values)
            else:
                self._arrays_in(level, level.values, arrays, todo)
        bases = self.bases
        # The walk is the tracker's hot path: dispatch on the exact class, and let the many
        # values that hold no array (numbers, functions, classes, references) go unmarked.
        while todo:
            v = todo.pop()
            kind = _HOLDS.get(v.__class__, _UNSEEN)
            if kind is _UNSEEN:
                kind = _holds_by_kind(v)
            if kind is None:
                continue
            if id(v) in seen:
                continue
            seen.add(id(v))
            if kind is Array:
                ident = v.ident
                while ident is not None and ident not in arrays:
                    arrays.add(ident)
                    ident = bases.get(ident)
            elif kind is ListVal:
                items = v.items
                if len(items) < _LONG:
                    todo.extend(items)
                else:
                    self._arrays_in(v, items, arrays, todo)
            elif kind is DictVal:
                todo.extend(v.items.values())
            elif kind is InstanceVal:
                todo.extend(v.attrs.values())
            else:
                todo.append(v.receiver)  # `draw().astype(...)`: the draw lives while its copy is made
        return sum(filter(None, map(self.sizes.get, arrays)))  # (an ident never sized counts 0)

    def _arrays_in(self, owner, items, arrays: set, todo: list) -> None:
        """Walk a long list of values (a list's items, or the operands an expression being
        evaluated has kept: a comprehension's elements) from what the last walk found in it:
        while its items are those of the last walk (the same objects, in order: values compare
        by identity), the identities its arrays reach are taken as found then (an array's
        identity and base never change), its other values are walked again, and only the items
        past them are looked at."""
        known = self._lists.get(id(owner))
        if known is not None and known[0] is owner and items[:len(known[1])] == known[1]:
            done, found, others = len(known[1]), known[2], known[3]
        else:
            done, found, others = 0, frozenset(), []
        if done < len(items):
            found, others, bases = set(found), list(others), self.bases
            for x in items[done:]:
                cls = x.__class__
                if cls is not Array:
                    # a value of a kind that holds no array (a number, a text) is never walked
                    # again: a long list of them grown by one at each step stays one step's work
                    kind = _HOLDS.get(cls, _UNSEEN)
                    if kind is _UNSEEN:
                        kind = _holds_by_kind(x)
                    if kind is not None:
                        others.append(x)
                    continue
                ident = x.ident
                while ident is not None and ident not in found:
                    found.add(ident)
                    ident = bases.get(ident)
            self._lists[id(owner)] = (owner, items[:], found, others)  # the owner is kept: its id is not reused
        arrays.update(found)
        todo.extend(others)

    def result(self) -> MemoryUse:
        return MemoryUse(self.predict.largest, self.predict.largest_span, self.predict.largest_what,
                         self.predict.peak, self.predict.peak_span,
                         self.setup.largest, self.setup.largest_span, self.setup.largest_what,
                         self.setup.peak, self.setup.peak_span,
                         self.predict.over_limit_span, self.setup.over_limit_span,
                         self.predict.caught_span, self.predict.caught_used, self.setup.caught_span)


class _CallPeak:
    """The high-water marks of a call being recorded: what was alive when it began, the most
    alive since, and each new high with where it was reached."""

    __slots__ = ("base", "high", "marks")

    def __init__(self, base: int) -> None:
        self.base = base
        self.high = base
        self.marks: list = []


#: What the live-set walk follows in a value, by kind: an array's identity (and its bases),
#: the items of a list or tuple, a dict's values, an instance's attributes, a bound method's
#: receiver. Other values hold no array the walk can see.
_KINDS = ((Array, Array), (ListVal, ListVal), (TupleVal, ListVal), (DictVal, DictVal), (InstanceVal, InstanceVal),
          (BoundLib, BoundMethod), (BoundMethod, BoundMethod))
_HOLDS: dict = {}  # class -> its kind, or None
_LONG = 32  # lists of values at least this long are walked from what the last walk found in them (_arrays_in)
_UNSEEN = object()


def _holds_by_kind(v) -> Optional[type]:
    """The kind of ``v`` for the walk (None: nothing to follow), remembered per class."""
    kind = next((k for cls, k in _KINDS if isinstance(v, cls)), None)
    _HOLDS[v.__class__] = kind
    return kind


#: Contractions: numpy casts an operand of a narrower dtype to the result's dtype in a scratch copy.
CONTRACTIONS = frozenset({"matmul", "dot", "einsum", "tensordot", "inner", "outer", "vdot", "kron"})


def _cast_scratch(node: ast.AST, operands: list, value: Array) -> int:
    contraction = isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult) or (
        isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in CONTRACTIONS)
    if not contraction:
        return 0
    item = ITEMSIZE.get(value.dtype, 8)
    return sum(a.size * item for a in operands if isinstance(a, Array) and a.dtype != value.dtype)


#: Operations that return a tuple of arrays they made (not views: ``split`` and its kind are left out).
SEVERAL = frozenset({"eigh", "eig", "qr", "svd", "slogdet", "lstsq", "nonzero", "divmod", "frexp", "modf", "unique",
                     "histogram"})


def _returns_several(node: ast.AST) -> bool:
    if node.__class__ is not ast.Call:
        return False
    func = node.func
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) in SEVERAL


def _creates(node: ast.AST, operands: list) -> bool:
    """Whether evaluating ``node`` can make a new array (a read of a name, an attribute of an
    object or an item of a list hands out an existing one)."""
    if isinstance(node, (ast.Call, ast.BinOp, ast.UnaryOp, ast.Compare)):
        return True
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return bool(operands) and isinstance(operands[0], Array)
    return False


def _view_base(node: ast.AST, operands: list) -> Optional[Array]:
    """The array ``node``'s result is a view of, when it is one."""
    arrays = [v for v in operands if isinstance(v, Array)]
    if not arrays:
        return None
    if isinstance(node, ast.Attribute) and node.attr in VIEWS:
        return arrays[0]
    if isinstance(node, ast.Subscript) and _basic(node.slice):
        return arrays[0]
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else None
        if name in VIEWS:
            return arrays[0]
        if name == "asarray" and len(node.args) == 1 and not node.keywords:
            return arrays[0]  # flopscope wraps the same buffer in a new array object
        if name in ("asarray", "astype") and arrays:
            return None  # a copy unless nothing changes; counted as one (an upper bound)
    return None


def _basic(index: ast.AST) -> bool:
    """Basic indexing (slices, integer constants, None, Ellipsis) makes a view."""
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    return all(isinstance(p, ast.Slice) or isinstance(p, ast.Constant) and not isinstance(p.value, str)
               or isinstance(p, ast.UnaryOp) and isinstance(p.operand, ast.Constant)
               for p in parts)
