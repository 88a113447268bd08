"""Not re-running what is bound to repeat: the steady state of a `for` loop.

A `for` loop over known items runs iteration by iteration, because what an iteration
costs can change with the state the previous ones left (a covariance symmetric at first
and dense after one layer). Once the state an iteration starts from is the same as the
one the previous iteration started from — up to a renaming of allocation identities
(``canonical.py``) — and the items still to come are alike and unrelated to that state,
every remaining iteration repeats the last one exactly: same charges, same calls. The
loop then accounts for them without running them, and runs the last one, so that the
state after the loop is what it would have been.

The state compared is what an iteration can read: the names the body loads (in the
loop's frame, its closures or the module), every module's globals, what the objects
reachable from those hold, the FLOPs spent so far when the program asks the budget, and
the sizes of the path's records (notes, unpriced entries, sites, caches), which must not
grow in the iteration that is repeated.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass
from typing import Optional

from flopcast.analyzer.canonical import Canon, Incomparable
from flopcast.analyzer.values import Array, DictVal, Known, ListVal, NumpyScalar, TupleVal, Unknown, fresh_ident

_MISSING_NAME = ("<unbound>",)


@dataclass
class _Probe:
    index: int
    form: tuple
    canon: Canon
    charges: int
    used: int
    steps: int
    calls: dict
    inclusive: dict
    lengths: tuple  # of the append-only lists


class SteadyLoop:
    """Watches one execution of a `for` loop for a steady state."""

    #: Loops shorter than this are not watched (the fingerprints would cost more than they save).
    MIN_ITEMS = 4
    #: Every iteration up to this one is fingerprinted, then only around powers of two.
    EARLY = 8

    @classmethod
    def watch(cls, interp, node: ast.For, items: list, max_steps: int) -> Optional["SteadyLoop"]:
        """A watcher for this execution of the loop, or None when it cannot pay off or be trusted."""
        if len(items) < cls.MIN_ITEMS or _names_of(node)[0] & _INTROSPECTION or _yields(node):
            return None
        return cls(interp, node, items, max_steps)

    def __init__(self, interp, node: ast.For, items: list, max_steps: int):
        self.interp = interp
        self.items = items
        self.max_steps = max_steps
        loaded, targets, appended = _names_of(node)
        # A list the body only appends to (`rows.append(mu)`) does not steer an iteration:
        # it is left out of the state, and repeated iterations append clones of what the
        # last one appended.
        self.lists = {name: value for name in appended if isinstance(value := self.resolve(name), ListVal)}
        self.names = sorted(loaded - targets - set(self.lists))
        self.item_matters = bool(loaded & targets)
        self.previous: Optional[_Probe] = None

    def skip_from(self, index: int) -> int:
        """Called when iteration ``index`` is about to run (its target assigned): how many
        iterations, from this one on, were accounted for without running them."""
        n = len(self.items)
        if index >= n - 1 or not (index <= self.EARLY or _near_power_of_two(index)):
            return 0
        probe = self.probe(index)
        previous, self.previous = self.previous, probe
        if probe is None or previous is None or previous.index != index - 1 or previous.form != probe.form:
            return 0
        repeats = n - 1 - index
        steps = probe.steps - previous.steps
        if self.interp.steps + steps * repeats > self.max_steps or not self.items_alike(index, probe.canon) \
                or not self.appends_repeatable(previous, probe):
            return 0
        self.repeat(previous, probe, repeats)
        return repeats

    def probe(self, index: int) -> Optional[_Probe]:
        interp = self.interp
        result = interp.result
        canon = Canon()
        try:
            parts = [tuple((name, self.lookup(canon, name)) for name in self.names)]
            for path in sorted(interp.module_envs):
                parts.append((path, canon.names(interp.module_envs[path])))
            if self.item_matters:
                parts.append(canon.form(self.items[index]))
        except (Incomparable, RecursionError):
            return None
        parts.append((len(result.unpriced), len(result.notes), len(result.uncertain), len(interp.decisions.seen),
                      len(interp._cache_results), len(interp._reentered),
                      interp.used if interp.program_mentions_budget() else None))
        lengths = tuple(len(lst.items) for lst in self.lists.values())
        return _Probe(index, tuple(parts), canon, len(result.charges), interp.used, interp.steps,
                      dict(result.calls), dict(result.inclusive), lengths)

    def lookup(self, canon: Canon, name: str):
        value = self.resolve(name)
        return _MISSING_NAME if value is None else canon.form(value)

    def resolve(self, name: str):
        """What ``name`` reads in the loop's frame (None when unbound)."""
        frame = self.interp.frame
        if name in frame.vars:
            return frame.vars[name]
        fn = frame.function
        if fn is not None and fn.closure is not None and name in fn.closure:
            return fn.closure[name]
        return self.interp.module_envs.get(frame.module.path, {}).get(name)

    def appends_repeatable(self, before: _Probe, after: _Probe) -> bool:
        """Each append-only list still is the same list, and what the last iteration appended
        is fresh (not in the state it started from) while nothing appended earlier is in the
        state now — so clones with new identities stand for the skipped iterations' items."""
        for i, (name, lst) in enumerate(self.lists.items()):
            if self.resolve(name) is not lst:
                return False
            start, end = before.lengths[i], after.lengths[i]
            fresh, older = Canon(), Canon()
            try:
                fresh.form(TupleVal(tuple(lst.items[start:end])))
                older.form(TupleVal(tuple(lst.items[:start])))
            except Incomparable:
                return False
            if set(fresh.idents) & set(before.canon.idents) or set(fresh.objects) & set(before.canon.objects):
                return False
            if set(older.idents) & set(after.canon.idents) or set(older.objects) & set(after.canon.objects):
                return False
        return True

    def items_alike(self, index: int, canon: Canon) -> bool:
        """The items still to come look like this iteration's and share nothing with the state."""
        if not self.item_matters:
            return True
        first = Canon().form(self.items[index])
        taken_idents = set(canon.idents)
        taken_objects = set(canon.objects)
        for item in self.items[index + 1:]:
            own = Canon()
            try:
                if own.form(item) != first:
                    return False
            except Incomparable:
                return False
            if taken_idents.intersection(own.idents) or taken_objects.intersection(own.objects):
                return False
            taken_idents.update(own.idents)
            taken_objects.update(own.objects)
        return True

    def repeat(self, before: _Probe, after: _Probe, times: int) -> None:
        """Make the effects of the iteration between the two probes ``times`` more times."""
        interp = self.interp
        result = interp.result
        result.charges.extend(result.charges[before.charges:after.charges] * times)
        interp.used += (after.used - before.used) * times
        interp.steps += (after.steps - before.steps) * times
        for i, lst in enumerate(self.lists.values()):
            # The skipped iterations' items go before the last iteration's own, which the state
            # (now standing for the one before the final iteration) may still hold.
            start, end = before.lengths[i], after.lengths[i]
            last = lst.items[start:end]
            clones = [item for _ in range(times) for item in _clone_all(last)]
            lst.items[start:end] = clones + last
        for table, old, new in ((result.calls, before.calls, after.calls),
                                (result.inclusive, before.inclusive, after.inclusive)):
            for key, value in new.items():
                grown = value - old.get(key, 0)
                if grown:
                    table[key] = table.get(key, 0) + grown * times


#: Calls that read variables no name in the body shows.
_INTROSPECTION = frozenset({"locals", "vars", "globals", "eval", "exec", "dir"})


def _yields(node: ast.For) -> bool:
    """A loop in a generator's body hands an item out per iteration: skipped iterations
    would drop those items, so such a loop is never skipped."""
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(ast.Module(body=node.body, type_ignores=[])))


def _near_power_of_two(i: int) -> bool:
    return i & (i - 1) == 0 or (i + 1) & i == 0


def _clone_all(items: list) -> list:
    """Copies of one iteration's appended items with new identities (aliasing among them kept)."""
    seen: dict = {}

    def clone(v):
        if isinstance(v, (Known, Unknown, NumpyScalar)):
            return v
        if id(v) in seen:
            return seen[id(v)]
        if isinstance(v, Array):
            ident = seen.setdefault(("ident", v.ident), fresh_ident())
            out = Array(v.shape, v.dtype, v.sym, ident, v.dtype_origin)
        elif isinstance(v, TupleVal):
            out = TupleVal(tuple(clone(x) for x in v.items))
        elif isinstance(v, ListVal):
            out = ListVal([clone(x) for x in v.items])
        elif isinstance(v, DictVal):
            out = DictVal({k: clone(x) for k, x in v.items.items()}, v.factory)
        else:
            raise Incomparable(type(v).__name__)
        seen[id(v)] = out
        return out

    return [clone(v) for v in items]


_NAMES: "weakref.WeakKeyDictionary[ast.AST, tuple]" = weakref.WeakKeyDictionary()


def _names_of(node: ast.For) -> tuple[frozenset, frozenset]:
    """The names the loop body loads anywhere (nested functions included), and the target's names."""
    cached = _NAMES.get(node)
    if cached is None:
        body = ast.Module(body=node.body, type_ignores=[])
        loaded, stored, receivers = set(), set(), set()
        loads: dict = {}
        for n in ast.walk(body):
            if isinstance(n, ast.Name):
                if isinstance(n.ctx, ast.Load):
                    loaded.add(n.id)
                    loads[n.id] = loads.get(n.id, 0) + 1
                else:
                    stored.add(n.id)
            if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
                loaded.add(n.target.id)  # `acc += x` reads acc
                stored.add(n.target.id)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append" \
                    and isinstance(n.func.value, ast.Name) and len(n.args) == 1 and not n.keywords:
                receivers.add(id(n.func.value))
        appends: dict = {}
        for n in ast.walk(body):
            if isinstance(n, ast.Name) and id(n) in receivers:
                appends[n.id] = appends.get(n.id, 0) + 1
        appended = frozenset(k for k, c in appends.items() if c == loads.get(k) and k not in stored)
        targets = frozenset(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        cached = _NAMES[node] = (frozenset(loaded), targets, appended - targets)
    return cached
