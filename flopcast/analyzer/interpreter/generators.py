"""Generator functions run ahead of their consumer, and what is taken back when it stops.
"""

from __future__ import annotations

import ast
import builtins
import itertools
from typing import Iterator, Optional

from flopcast.analyzer import handlers, write_only
from flopcast.analyzer.chargelist import ChargeList
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import (BoundMethod, ClassVal, DictVal, FunctionVal, InstanceVal, Known, ListVal,
                                      ModuleVal, PartialVal, PyGenerator, signature, TupleVal, UserRaise, Value)
from flopcast.model import Span
from flopcast.syntax import ast_walk, own_nodes
from flopcast.analyzer.interpreter.common import _MISSING
from flopcast.analyzer.interpreter.control import PathEnd, _GeneratorPause
from flopcast.analyzer.interpreter.frames import Frame


def _holds(container, value) -> bool:
    """Whether ``value`` is one of the items, values or attributes ``container`` holds."""
    if value is _MISSING:
        return False
    if isinstance(container, (ListVal, TupleVal)):
        return any(v is value for v in container.items)
    if isinstance(container, DictVal):
        return any(v is value for v in container.items.values())
    if isinstance(container, InstanceVal):
        return any(v is value for v in container.attrs.values())
    return False


def _yields_under_cleanup(fn) -> bool:
    """Whether a generator function has a yield inside a try whose finally calls something, or
    inside a with (a generator expression, or a generator without a node: neither)."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    # Kept on the node: asked for every generator a path left unfinished, at each of its ends.
    found = fn.__dict__.get("_flopcast_cleanup")
    if found is None:
        found = fn._flopcast_cleanup = _finds_yield_under_cleanup(fn)
    return found


def _closing_runs_code(gen: PyGenerator) -> bool:
    """Whether ``gen``, left short, was left at a yield inside try/finally or with (an item was
    taken): closing it runs that code."""
    return bool(gen.consumed) and _yields_under_cleanup(getattr(gen.function, "node", None))


def _finds_yield_under_cleanup(fn: ast.AST) -> bool:
    for node in ast.walk(fn):
        calls = isinstance(node, ast.Try) and any(isinstance(n, ast.Call) for b in node.finalbody for n in ast.walk(b))
        if calls or isinstance(node, (ast.With, ast.AsyncWith)):  # (a finally with no call charges nothing)
            body = node.body if not isinstance(node, ast.Try) else node.body + node.orelse + \
                [s for h in node.handlers for s in h.body]
            if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for b in body for n in ast.walk(b)):
                return True
    return False


def _hides_state(parts) -> bool:
    """Whether a generator's parts (Generators._generator_parts) hold what their signature does not
    show changing: a random.Random of a known seed (its draws), or objects past the depth it follows."""
    todo = [parts]
    while todo:
        item = todo.pop()
        if item.__class__ is tuple:
            if item[:2] == ("O", "RandomVal") or item[:1] == ("deep",):
                return True
            todo.extend(item)
    return False


def _made_calls(iter_node: ast.expr, bound) -> list:
    """The calls in a loop's iter expression whose result only the loop's iterator holds: the
    expression itself, or the first argument of ``enumerate(...)`` (the builtin: ``bound(name)``
    tells a name the program binds)."""
    if iter_node.__class__ is not ast.Call:
        return []
    func = iter_node.func
    if func.__class__ is ast.Name and func.id == "enumerate" and not bound("enumerate") and iter_node.args \
            and iter_node.args[0].__class__ is ast.Call and not iter_node.keywords:
        return [iter_node, iter_node.args[0]]
    return [iter_node]


def _held_till_return(fn: ast.AST) -> list:
    """The calls in ``fn``'s body whose value a local name alone holds until ``fn`` returns, and
    no longer: ``g = stages(mlp)``, the one binding of ``g``, in no loop, ``g`` read only as
    ``next(g)``, ``g.send(...)``, ``g.close()`` or ``for ... in g`` (none hands the object on),
    and named in no nested scope. When ``fn`` returns, its frame's reference is the last one:
    CPython closes such a generator then. Kept on the node."""
    found = fn.__dict__.get("_flopcast_held")
    if found is None:
        found = fn._flopcast_held = _finds_held(fn)
    return found


def _finds_held(fn: ast.AST) -> list:
    if fn.__class__ is not ast.FunctionDef:
        return []
    parents = {id(c): n for n in ast.walk(fn) for c in ast.iter_child_nodes(n)}
    # (not in nested defs, lambdas or generator expressions: a closure may outlive the call)
    lazy = {id(n) for g in ast.walk(fn) if g.__class__ is ast.GeneratorExp for n in ast.walk(g)}
    own = {id(n) for n in own_nodes(fn.body) if id(n) not in lazy}
    found = []
    for node in own_nodes(fn.body):
        if node.__class__ is not ast.Assign or len(node.targets) != 1 or node.targets[0].__class__ is not ast.Name \
                or node.value.__class__ is not ast.Call:
            continue
        name = node.targets[0].id
        uses = [n for n in ast.walk(fn) if n.__class__ is ast.Name and n.id == name]
        if any(id(n) not in own for n in uses) \
                or any(n.__class__ in (ast.Global, ast.Nonlocal) and name in n.names for n in ast.walk(fn)) \
                or sum(n.ctx.__class__ is not ast.Load for n in uses) != 1 \
                or not all(_hands_nothing_on(n, parents) for n in uses if n.ctx.__class__ is ast.Load):
            continue
        up = parents.get(id(node))
        while up is not None and up is not fn:
            if up.__class__ in (ast.For, ast.AsyncFor, ast.While):
                break
            up = parents.get(id(up))
        if up is fn:
            found.append(node.value)
    return found


def _hands_nothing_on(name: ast.Name, parents: dict) -> bool:
    """Whether this read of a name only takes from the object it holds (_held_till_return)."""
    up = parents.get(id(name))
    if up.__class__ is ast.Call and up.func.__class__ is ast.Name and up.func.id == "next" \
            and up.args and up.args[0] is name and not up.keywords:
        return True
    if up.__class__ is ast.Attribute and up.attr in ("send", "close") and parents.get(id(up)).__class__ is ast.Call \
            and parents[id(up)].func is up:
        return True
    return up.__class__ is ast.For and up.iter is name


def _closes_by_finally(fn) -> bool:
    """Whether GeneratorExit raised at any yield of a generator function runs only ``finally``
    clauses on its way out: no `with` around a yield, no except clause that may catch it (bare,
    BaseException, GeneratorExit, or a class not named plainly), and no finally that yields or
    leaves (return, break, continue: it would swallow it); and no `yield from`."""
    if fn.__class__ is not ast.FunctionDef:
        return False
    for node in ast.walk(fn):
        if isinstance(node, ast.YieldFrom):
            return False  # (its subgenerator runs whole at the first item: the marks are not in time order)
        if isinstance(node, (ast.With, ast.AsyncWith)) \
                and any(isinstance(n, (ast.Yield, ast.YieldFrom)) for b in node.body for n in ast.walk(b)):
            return False
        if isinstance(node, ast.ExceptHandler):
            names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            if not all(isinstance(n, (ast.Name, ast.Attribute)) for n in names) \
                    or any((n.id if isinstance(n, ast.Name) else n.attr) in ("BaseException", "GeneratorExit")
                           for n in names):
                return False
        if isinstance(node, ast.Try) and (handlers.finally_swallows(node.finalbody) or any(
                isinstance(n, (ast.Yield, ast.YieldFrom)) for b in node.finalbody for n in ast.walk(b))):
            return False
    return True


def _only_taken_from(now: tuple, then: tuple, gen: PyGenerator) -> bool:
    """Whether two signatures of one part of ``gen`` (Generators._generator_parts) differ only in how
    far a generator ``gen``'s body takes items from has gone."""
    what = now[0]
    return what[0] == "object" and what[1].__class__ is PyGenerator and what[1] is then[0][1] \
        and any(r is gen for r in what[1].read_by)


class Generators:
    """The Interpreter's methods for generator functions run ahead of their consumer, and what is taken back when it stops."""

    def set_order(self, value: ListVal, node) -> list[Value]:
        """The items of a set of strings (or of objects hashed by address) in the order this path
        takes: Python's order changes from process to process, so with up to 3 items every order
        is a value-dependent site's option; with more, the order is unpriced (a lower bound)."""
        span = self.node_span(node) if node is not None else self.span
        n = len(value.items)
        reason = ("the order a set of strings or objects iterates in changes from run to run "
                  "(hash randomization, addresses)")
        if n > 3:
            self.unpriced(node, "set iteration", reason + f"; {n} items are too many orders to analyse")
            return list(value.items)
        orders = list(itertools.permutations(range(n)))
        # (keyed by the size too: a set met again with fewer items has fewer orders to answer with)
        site = Site(("pick", span, n), tuple(range(len(orders))), span, "pick", f"{reason}: each of its "
                    f"{len(orders)} orders is analysed")
        return [value.items[j] for j in orders[self.decisions.choose(site, self.kept_used())]]

    def ledger(self) -> tuple:
        """The running totals a partly consumed generator's cost is taken back to."""
        r = self.result
        return (len(r.charges), self.used, dict(r.inclusive), dict(r.calls), len(r.unpriced))

    def run_generator(self, gen: PyGenerator, need: Optional[int] = None,
                      endless_need: Optional[int] = None) -> list[Value]:
        """Run a generator's whole body on its first consumption; its items, as a list.
        ``need``: the most items this consumer can take (the body stops at that yield);
        ``endless_need``: the same from a consumer that may not be the last (PyGenerator.endless_need).

        Charges land when the body runs, not item by item, so the consumer's and the
        generator's charges are not interleaved as at run time; the totals are the same, and
        what the program never consumes is taken back when predict ends (``retract_unconsumed``).
        """
        if gen.paused and (need is None or need > len(gen.items)):
            # its body stopped at the last item the first consumer could take: what follows
            # that yield is not run by this eager model
            span = self.span or gen.span
            raise PathEnd(f"{span}: a generator flopcast ran up to item {len(gen.items)} (what its first "
                          "consumer takes) is consumed further, which is not modelled", span,
                          what="generator resumed")
        if gen.items is not None:
            self._presumed_ahead(gen)
        else:
            before = self._generator_parts(gen) if gen.function is not None else None
            if before is not None and self._generator_changes:
                self._refuse_reads_of_ahead(gen, before)
            gen.items = []
            gen.start = self.ledger()
            answers_before = len(self.decisions.answers)
            gen.need = need
            gen.endless_need = endless_need
            self._starting_generator = gen
            # its later items are made ahead of the consumer, whose handlers may then differ: an
            # array that may not fit is taken as inside one that may catch MemoryError
            outer, self.handlers = self.handlers, self.handlers.inside(False, {"MemoryError"})
            self._making_ahead.append((gen.items, gen.presumed_at))
            self._ahead_since.append(self.used)
            try:
                gen.returned = self._call_checked(gen.function, gen.args, gen.kwargs, gen.span)
            except _GeneratorPause:
                gen.paused = True
            except UserRaise as error:
                if error.what.split(":", 1)[0] == "StopIteration" or "StopIteration" in error.family:
                    # PEP 479: a StopIteration out of a generator's body is a RuntimeError
                    error = UserRaise(error.span, "RuntimeError: generator raised StopIteration")
                if not gen.items:
                    raise error  # raised before the first item: the first consumer meets it at once
                gen.error = error
            except PathEnd:
                if self.metered:
                    # its items are made ahead of the consumer, which may take none of them: what
                    # the body charged is not a lower bound's (retract_unconsumed at the path's end)
                    self._ran_generators.append(gen)
                raise
            finally:
                self.handlers = outer
                self._making_ahead.pop()
                self._ahead_since.pop()
                self._starting_generator = None
                gen.end = self.ledger()
                gen.consulted = len(self.decisions.answers) != answers_before
            if self.metered:
                self.effects += 1
                self._ran_generators.append(gen)
            if gen.function is not None:
                after = self._generator_parts(gen)
                # (a random.Random's draws do not show in its signature: _hides_state; how far a
                # generator its body takes items from has gone is settled where it is left, settle_fed)
                gen.changed_ahead = len(after) != len(before) or _hides_state(tuple(after)) \
                    or any(a != b and not _only_taken_from(a, b, gen) for a, b in zip(after, before))
            if gen.function is not None and len(gen.items) > 1:
                self._generator_reads[id(gen)] = (gen, tuple(after))
                if after != before:
                    # the body changed what its consumer may read: the consumer sees it all at once
                    changed = [key for key, (b, a) in enumerate(zip(before, after)) if b != a]
                    self._generator_changes[id(gen)] = (gen, [before[i][0] for i in changed], self.result)
        return gen.items

    def _generator_parts(self, gen: PyGenerator) -> list:
        """What a generator's body can read that its consumer can change, and the other way
        round: ((what, the object or name), signature) for the arguments it was called with
        (their contents), and for the closure and module names its code mentions."""
        from flopcast.analyzer.canonical import _mentioned

        fn = gen.function
        # (an argument bound to a parameter the body never names is not read there: a method
        # generator's `self` that the body does not use; another argument still holding the
        # object keeps it in its own signature)
        unread = _unread_parameters(fn.node)
        params = [a.arg for a in (*fn.node.args.posonlyargs, *fn.node.args.args)]
        parts = [(("object", a), self._held_signature(a)) for i, a in enumerate(gen.args)
                 if not (i < len(params) and params[i] in unread)]
        parts += [(("object", v), self._held_signature(v)) for k, v in sorted(gen.kwargs.items()) if k not in unread]
        env = self.module_envs.get(fn.module.key, {}) if fn.module is not None else {}
        names = _mentioned(fn.node)
        for name in (names if names is not None else sorted(env)):
            if fn.closure is not None and name in fn.closure:
                parts.append((("object", fn.closure[name]), self._held_signature(fn.closure[name])))
            elif name in env:
                parts.append((("global", name), self._held_signature(env[name])))
        # and what the functions its body calls read (`yield rows_of()`, rows_of reading CFG)
        cached = self._generator_callees.get(id(gen))
        if cached is None or cached[0] is not gen:
            cached = (gen, self._functions_reached([fn.node], self.frame, within=fn)[0])
            self._generator_callees[id(gen)] = cached
        for callee in cached[1]:
            if callee is fn:
                continue
            callee_env = self.module_envs.get(callee.module.key, {}) if callee.module is not None else {}
            mentioned = _mentioned(callee.node)
            for name in (mentioned if mentioned is not None else sorted(callee_env)):
                if callee.closure is not None and name in callee.closure:
                    parts.append((("object", callee.closure[name]), self._held_signature(callee.closure[name])))
                elif name in callee_env and not isinstance(callee_env[name], FunctionVal):
                    parts.append((("global", name), self._held_signature(callee_env[name])))
        return parts

    def _held_attribute(self, name: str, value: Value, depth: int, seen: set):
        """_held_signature of an instance's attribute: of one nothing reads (write_only.py: a
        diagnostic such as ``self.fallbacks.setdefault(mlp.name, []).append(i)``) only its kind,
        which is all a write to it may raise by."""
        dead = write_only.attributes(self.program)
        if name in dead:
            summary = write_only.kind(value, dead[name] == write_only.ITEM)
            if summary is not None:
                return ("write-only", summary)
        return self._held_signature(value, depth, seen)

    def _held_signature(self, value: Value, depth: int = 0, seen: Optional[set] = None):
        """``signature`` of a value, and for a class or a module what it holds: the consumer's
        ``Knobs.rows += 4`` or ``consts.ROWS = 8`` changes what a generator reading it hands out
        (signature() tells classes and modules apart by identity only, and stops 3 levels into
        objects: ``self.a.b.c.d.rows += 4`` went unseen). Objects are followed to
        HELD_DEPTH levels, each once."""
        if seen is None:
            seen = set()
        if isinstance(value, (ClassVal, InstanceVal, ListVal, TupleVal, DictVal)):
            if id(value) in seen or depth > HELD_DEPTH:
                return ("seen", id(value))
            seen.add(id(value))
            deeper = depth + 1
            if isinstance(value, ClassVal):
                return ("C", id(value),
                        tuple(sorted((k, self._held_signature(a, deeper, seen)) for k, a in value.attrs.items())),
                        tuple(self._held_signature(b, deeper, seen) for b in value.bases if isinstance(b, ClassVal)))
            if isinstance(value, InstanceVal):
                return ("I", id(value), self._held_signature(value.cls, deeper, seen),
                        tuple(sorted((k, self._held_attribute(k, a, deeper, seen)) for k, a in value.attrs.items())))
            if isinstance(value, DictVal):
                return ("D", tuple(sorted((repr(k), self._held_signature(a, deeper, seen))
                                          for k, a in value.items.items())))
            return (type(value).__name__, tuple(self._held_signature(a, deeper, seen) for a in value.items))
        if isinstance(value, ModuleVal):
            env = self.module_envs.get(value.module.key, {})
            return ("Mod", id(value.module), tuple(sorted((k, signature(a)) for k, a in env.items())))
        return signature(value)

    def _generator_state(self, gen: PyGenerator) -> tuple:
        return tuple(self._generator_parts(gen))

    def _refuse_early_state(self, loop, sources: list, body: Optional[list] = None, at=None) -> None:
        """A loop over a generator whose body (run whole at the first item) changed state the
        loop's body reads: Python's loop sees it change item by item, flopcast's sees the last
        state from the first item on (the path ends). ``body``: the nodes run for each item
        (a comprehension's element and tests), ``at`` the iterable's node, for other consumers."""
        from flopcast.analyzer.canonical import _mentioned

        body = loop.body if body is None else body
        at = loop.iter if at is None else at
        for source, before in sources:
            found = self._generator_changes.get(id(source))
            if found is None or found[0] is not source or len(source.items or ()) - before < 2:
                continue
            objects = [what[1] for what in found[1] if what[0] == "object"]
            globals_ = {what[1] for what in found[1] if what[0] == "global"}
            names = set().union(*[_walked(stmt)[2] for stmt in body])
            frame = self.frame
            for name in sorted(names):
                local = name in frame.vars or frame.function is not None and frame.function.closure is not None \
                    and name in frame.function.closure
                value = self._bound_in(frame, name)
                if (name in globals_ and not local) or any(value is o for o in objects) \
                        or any(_holds(o, value) for o in objects):
                    span = self.node_span(at)
                    self.stop_path(f"{span}: the generator's body changes `{name}`, which the loop's body reads; "
                                   "flopcast runs the generator's body whole before the loop, so the cost after "
                                   "it is not counted", span, "generator over changed state")
            # what the functions the loop's body calls read (`m = size()` reading a global list)
            home = source.function.module if source.function is not None else None
            reached, opaque = self._functions_reached([*body, loop.target] if loop is not None else body, frame)
            if opaque:
                span = self.node_span(at)
                self.stop_path(f"{span}: the generator's body changes what it was handed or the names it mentions, "
                               "and the loop's body calls code flopcast does not follow there, which may read it; "
                               "flopcast runs the generator's body whole before the loop, so the cost after it is "
                               "not counted", span, "generator over changed state")
            for fn in reached:
                env = self.module_envs.get(fn.module.key, {}) if fn.module is not None else {}
                mentioned = _mentioned(fn.node)
                for name in (mentioned if mentioned is not None else sorted(env)):
                    closed = fn.closure is not None and name in fn.closure
                    value = fn.closure[name] if closed else env.get(name, _MISSING)
                    if (name in globals_ and not closed and fn.module is home) or any(value is o for o in objects) \
                            or any(_holds(o, value) for o in objects):
                        span = self.node_span(at)
                        self.stop_path(f"{span}: the generator's body changes `{name}`, which {fn.qualname}() "
                                       "called in the loop's body reads; flopcast runs the generator's body whole "
                                       "before the loop, so the cost after it is not counted", span,
                                       "generator over changed state")

    def refuse_reads_by(self, fn: Value, sources: list, at) -> None:
        """``map(fn, gen)``: ``fn`` runs for each item the generator hands over; what it reads,
        the generator's body (run whole ahead) may have changed (as a loop's body, _refuse_early_state)."""
        handed = []  # what the function reads besides its names: a bound method's receiver (`self`), a partial's arguments
        while isinstance(fn, (PartialVal, BoundMethod)):
            handed += [fn.receiver] if isinstance(fn, BoundMethod) else [*fn.args, *fn.kwargs.values()]
            fn = fn.func if isinstance(fn, PartialVal) else fn.function
        body = [fn.node] if isinstance(fn, FunctionVal) else [ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[],
                                                                           keywords=[])]
        for source, before in sources:
            found = self._generator_changes.get(id(source))
            if found is None or found[0] is not source or len(source.items or ()) - (before or 0) < 2:
                continue
            objects = [what[1] for what in found[1] if what[0] == "object"]
            if any(value is o or _holds(o, value) for value in handed for o in objects):
                span = self.node_span(at)
                self.stop_path(f"{span}: the generator's body changes an object the function run for each of its "
                               "items is bound to; flopcast runs the generator's body whole before, so the cost after "
                               "it is not counted", span, "generator over changed state")
        self._refuse_early_state(None, [(g, before or 0) for g, before in sources], body=body, at=at)

    def _functions_reached(self, stmts: list, frame: Frame, limit: int = 4,
                           within: Optional[FunctionVal] = None) -> tuple:
        """The user functions the statements call (by a name, an attribute chain, a constant key
        of a dict or list), and those these call in turn (to ``limit`` levels), each once; and
        whether some call's target is one this does not follow (a call's result called, a
        computed key, an object's __call__): the caller then assumes it may read anything."""
        found: list = []
        seen: set = set()
        opaque = False
        # names the statements bind (a loop's own variables, not bound yet when this is asked):
        # calls through them are not followed, nor taken for unknown code
        local = set().union(*[_walked(stmt)[1] for stmt in stmts])

        def resolve(name: str, fn: Optional[FunctionVal]):
            if fn is None:
                if name in local and name not in frame.vars:
                    return None
                return self._bound_in(frame, name)
            if fn.closure is not None and name in fn.closure:
                return fn.closure[name]
            return self.module_envs.get(fn.module.key, {}).get(name, _MISSING) if fn.module is not None else _MISSING

        def target_value(expr, fn: Optional[FunctionVal]):
            if isinstance(expr, ast.Name):
                value = resolve(expr.id, fn)
                if value is _MISSING and expr.id == "self" and fn is not None and isinstance(fn.owner, ClassVal):
                    return fn.owner  # `self.method()` inside a method: its class's
                if value is _MISSING and hasattr(builtins, expr.id):
                    return None  # len(), print(): Python's own
                return value
            if isinstance(expr, ast.Attribute):
                base = target_value(expr.value, fn)
                if isinstance(base, InstanceVal):
                    return base.attrs[expr.attr] if expr.attr in base.attrs else base.cls.lookup(expr.attr)[1]
                if isinstance(base, ClassVal):
                    return base.lookup(expr.attr)[1]
                if isinstance(base, ModuleVal):
                    return self.module_envs.get(base.module.key, {}).get(expr.attr, _MISSING)
                return None  # a library object's method (an array's, a list's), or of a call's result
            if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant):
                base = target_value(expr.value, fn)
                key = expr.slice.value
                if isinstance(base, DictVal):
                    return next((v for k, v in base.items.items() if isinstance(k, Known) and k.value == key
                                 or k == key), _MISSING)
                if isinstance(base, (ListVal, TupleVal)) and isinstance(key, int) and -len(base.items) <= key < len(base.items):
                    return base.items[key]
            return _MISSING

        def callees(nodes, fn: Optional[FunctionVal]) -> list:
            nonlocal opaque
            out = []
            for node in nodes:  # (the calls only: _walked)
                value = target_value(node.func, fn)
                while isinstance(value, (PartialVal, BoundMethod)):
                    value = value.func if isinstance(value, PartialVal) else value.function
                if isinstance(value, ClassVal):
                    value = value.lookup("__init__")[1]  # its __init__ runs (None: a library one)
                    if value is None:
                        continue
                if isinstance(value, FunctionVal):
                    if id(value) not in seen:
                        seen.add(id(value))
                        out.append(value)
                elif isinstance(value, InstanceVal) or value is _MISSING and isinstance(
                        node.func, (ast.Call, ast.Subscript, ast.Lambda)):
                    opaque = True  # a target this does not follow (a call's result called): it may read anything
            return out

        level = callees([n for stmt in stmts for n in _walked(stmt)[0]], within)
        for _ in range(limit):
            found.extend(level)
            level = [g for fn in level for g in callees(_walked(fn.node)[0], fn)]
            if not level:
                break
        return found, opaque or bool(level)

    def refuse_changes_past_first(self, gen: PyGenerator, span: Span) -> None:
        """A generator taken by next() whose body, run whole at the first next(), changed what it
        can reach (its arguments' contents, the names it mentions) after its first item: the code
        between the next() calls reads that state as the run's body left it at the item taken,
        not at its end (the path ends before that code runs)."""
        first = self._first_item_state.pop(id(gen), None)
        if first is None or first[0] is not gen or len(gen.items or ()) < 2:
            return
        # (how far a generator the body took items from has gone is no state this reads: another
        # consumer of it is checked against where the run leaves it, refuse_taken_ahead)
        now = self._generator_parts(gen)
        if len(now) != len(first[1]) or any(a != b and not _only_taken_from(a, b, gen) for a, b in zip(now, first[1])):
            self.stop_path(f"{span}: the generator's body changes state after its first item, and flopcast ran it "
                           "whole at the first next(); the code between the next() calls would read that state as "
                           "the body leaves it at its end, so the cost after it is not counted", span,
                           "generator over changed state")

    def refuse_left_ahead(self, sources: list, span: Span) -> None:
        """A loop left before its generator's end (a break, a return, a raise): Python's body
        stopped at the yield of the last item taken, flopcast's ran on to its end. When that ran
        on changed what the consumer may read (a list it appends to, `self.calls += 1`, a seeded
        random.Random's draws), the code after the loop would read the state of the body's end,
        not the run's (the path ends)."""
        for gen in (g for source, _ in sources for g in getattr(source, "takes_from", ()) or (source,)):
            if gen.__class__ is PyGenerator and gen.changed_ahead:
                self.stop_path(f"{span}: the loop leaves the generator before its end, and its body changes "
                               "state (what it was handed, the names it mentions, or a random.Random's draws); "
                               "flopcast ran the body whole before the loop, so what the code after the loop "
                               "reads of that state, and the cost after it, is not counted", span,
                               "generator left with changed state")

    def refuse_taken_short(self, gen: Value, taken: Optional[int], span: Span) -> None:
        """A consumer that takes at most ``taken`` items of ``gen`` in all and never asks past them
        (islice's stop, zip beside a shorter iterable; None: where it stops is not known here):
        when flopcast ran the body past them (held by a name, it ran whole), the run's body stops at
        the yield of item ``taken``, and what it does after that is not the run's (refuse_left_ahead)."""
        if gen.__class__ is not PyGenerator or gen.items is None:
            return
        if taken is None or taken < len(gen.items) or taken == len(gen.items) and not gen.paused:
            self.refuse_left_ahead([(gen, None)], span)

    def _refuse_reads_of_ahead(self, gen: PyGenerator, parts: list) -> None:
        """A generator starting while another, run whole ahead of their consumer, still holds
        items not handed over and changed what this one reads (``zip(producer(log),
        sizer(log))``): Python makes this one's items between the other's, each seeing the
        state as far as the other got; flopcast's other body already ran to its end (the path ends)."""
        keys = {what for what, _ in parts}
        for other, changed, made_in in self._generator_changes.values():
            if other is gen or made_in is not self.result or other.items is None \
                    or other.consumed >= len(other.items):
                continue  # (another call's generator: its consumer is done)
            if any(what in keys for what in changed):
                span = self.span or gen.span
                self.stop_path(f"{span}: a generator reads what another generator's body changes, and that body ran "
                               "whole ahead of their consumer; Python interleaves their items, so the cost after it is "
                               "not counted", span, "generator over changed state")

    def _check_generator_reads(self, gen: Value, span: Span) -> None:
        """Before a generator hands over an item after its first: Python makes that item now,
        reading the state as the consumer left it; flopcast ran the body whole earlier. A change
        to what the body reads ends the path."""
        watched = self._generator_reads.get(id(gen))
        if watched is None or watched[0] is not gen:
            return
        if self._generator_state(gen) != watched[1]:
            del self._generator_reads[id(gen)]
            self.stop_path(f"{span}: the state a generator's body reads (its arguments, the names it mentions) "
                           "changed after it handed over an item; flopcast ran the body whole before its consumer, "
                           "so the cost after it is not counted", span, "generator over changed state")

    def _generator_send(self, gen: PyGenerator, value: Value, span: Span) -> Value:
        """``gen.send(value)``: next(gen) when the body never sees what is sent (None, or no
        `yield` whose value it reads); otherwise the path ends, since the eager body ran with
        every `yield` answering None (expr_Yield)."""
        from flopcast.analyzer.builtins import call_builtin

        if (isinstance(value, Known) and value.value is None) or not _reads_sent_values(gen.function.node):
            return call_builtin(self, "next", [gen], {}, span, None)
        raise PathEnd(f"{span}: a value sent into a generator whose body reads it (`x = yield ...`) is not "
                      "modelled: flopcast runs generator bodies as plain iteration", span, what="generator.send()")

    def _presumed_ahead(self, gen: PyGenerator) -> None:
        """A consumer inside a `try` taking items made ahead of it outside any: an op in their
        making was presumed not to raise (raise_on_values), but Python makes them now, where a
        raise is caught and the handler runs. Not modelled: the path ends."""
        if self.handlers.depth and any(i >= gen.consumed for i in gen.presumed_at):
            span = self.span or gen.span
            self.stop_path(f"{span}: items of the generator made at {gen.span} are taken inside a `try`, "
                           "and making them runs an op whose raising depends on the values; flopcast made "
                           "them ahead, outside the `try`, so whether its handler runs is not modelled",
                           span, "generator made ahead of a try")

    def consume_generator(self, gen: PyGenerator) -> list[Value]:
        """Everything a generator has left, as iterating it to the end hands it over; the error
        its body raised after its last item is raised here (a `for` loop's, after its body ran
        for those items: ``_deferred_errors``)."""
        if gen.read_by:
            self.refuse_taken_ahead(gen, self.span or gen.span)
        items = self.run_generator(gen)
        rest = items[gen.consumed:]
        gen.consumed = len(items)
        gen.past_last = True
        if gen.error is not None:
            if self._deferred_errors is None:
                raise gen.error
            self._deferred_errors.append(gen.error)
        return rest

    def close_generator(self, gen: PyGenerator) -> None:
        """``gen.close()`` (or the break of a loop that held it alone): the body past the last item
        taken never runs (its charges are taken back now), but for the ``finally`` clauses around
        the yield it was left at, which GeneratorExit runs now (_run_cleanup); a consumer after it
        finds no item left."""
        cleanup = self._cleanup_state(gen)
        gen.cleanup_priced = cleanup is not None
        if gen.items is None:
            gen.items, gen.start = [], self.ledger()
            gen.end = gen.start
        elif gen.end is not None:
            # (a generator expression's, with the generators it reads: their regions may nest)
            closed = [gen]
            for g in closed:  # (and those they read, in turn)
                closed += [source for source, _ in self._fed_back(g, closing=True)]
            self.retract_unconsumed(only=closed)
            for g in closed:
                if g.items is not None and g.end is not None:
                    g.items, g.end = g.items[:g.consumed], g.stood_at(g.consumed)
        gen.past_last, gen.paused, gen.error, gen.closed = True, False, None, True
        if cleanup is not None:
            self._run_cleanup(gen, cleanup)

    def _cleanup_state(self, gen: PyGenerator) -> Optional[tuple]:
        """What ``gen``'s body reads now (Generators._generator_parts), where the ``finally`` clauses
        around the yield it was left at can be priced by running the body again to that yield: it
        was left at an item (not before the first, nor past the last), its body changed nothing
        it reads, nothing else changed that since it ran, and GeneratorExit runs only those
        clauses on its way out (_closes_by_finally). None otherwise: its cleanup stays unpriced
        ("generator cleanup")."""
        fn = getattr(gen.function, "node", None)
        if not gen.consumed or gen.items is None or gen.end is None or not self._left_short(gen) \
                or gen.error is not None or not _yields_under_cleanup(fn) or not _closes_by_finally(fn):
            return None
        recorded = self._generator_reads.get(id(gen))
        if id(gen) in self._generator_changes or recorded is None or recorded[0] is not gen:
            return None
        now = tuple(self._generator_parts(gen))
        if recorded[1] != now or _hides_state(now):
            return None
        # (a cached function keeps what the first run put in its cache: run again, it would not charge)
        reached, opaque = self._functions_reached([gen.function.node], self.frame, within=gen.function)
        return None if opaque or any(f.cached for f in (gen.function, *reached)) else now

    def _run_cleanup(self, gen: PyGenerator, state: tuple) -> None:
        """Python raises GeneratorExit at the yield ``gen`` was left at, so the ``finally`` clauses
        around it run now, in the state of that moment. flopcast's body ran whole, its finally in
        the state after the last item (taken back by close_generator): the body is run again up to
        that yield (PyGenerator.need), whose pause runs the finally clauses as it leaves them, and
        the charges up to the yield, the run's once already, are taken back. Running it again must
        change nothing the body reads (``state``), else the path ends."""
        k = gen.consumed
        again = PyGenerator(gen.function, list(gen.args), dict(gen.kwargs), gen.span)
        start = self.ledger()
        ran_before = len(self._ran_generators)
        self.run_generator(again, need=k)
        made = self._ran_generators[ran_before:]  # (it, and the generators its body made and used)
        if len(again.items) != k or not again.paused or tuple(self._generator_parts(gen)) != state \
                or any(g is not again and (g.end is None or g.end[0] > again.marks[k - 1][0]) for g in made):
            span = self.span or gen.span
            self.stop_path(f"{span}: the generator closed here runs its finally in a state flopcast could not "
                           "make again; the cost after it is not counted", span, "generator cleanup")
        self._take_back([(start, again.marks[k - 1])])
        # what they charged up to that yield is taken back, and what the finally charged is the run's:
        # nothing of them is left to take back at the path's end (they stay listed: call keys count them)
        for g in made:
            g.consumed, g.past_last, g.paused = len(g.items), True, False

    def close_held(self, predict: Value, ran_before: int) -> None:
        """predict returned: the generators its body made and holds by a name alone
        (_held_till_return) lose their last reference, and CPython closes each then; their
        finally's charges are in predict's count (measured with flopscope). Closed here where
        their cleanup can be priced (_cleanup_state); ``ran_before``: how many generators had run
        before this call of predict (those since are its own)."""
        fn = predict.function if predict.__class__ is BoundMethod else None
        if fn.__class__ is not FunctionVal or fn.module is None:
            return
        held = {(call.lineno, call.col_offset) for call in _held_till_return(fn.node)}
        if not held:
            return
        mine = [g for g in self._ran_generators[ran_before:] if g.__class__ is PyGenerator
                and g.span.path == fn.module.path and (g.span.line, g.span.col) in held]
        for gen in mine:
            # (one made at each of two calls of a helper at that line would be another's)
            if not gen.closed and sum(g.span == gen.span for g in mine) == 1 and self._cleanup_state(gen) is not None:
                self.close_generator(gen)

    def close_dropped(self, loop: ast.For, sources: list) -> None:
        """A loop broke out of generators that nothing else holds (made in its iter expression:
        ``for h in stages(mlp)``, ``enumerate(stages(mlp))``): CPython closes each at the break,
        when its last reference dies, and its finally's charges come there (before the statement
        after the loop, as measured with flopscope). Closed here where their cleanup can be
        priced (_cleanup_state); the others are left as before (their cleanup unpriced)."""
        if self.frame.generator is not None:
            return  # (a loop in a generator's body, itself run ahead of its consumer)
        made = _made_calls(loop.iter, lambda name: name in self.frame.vars or name in self.module_envs.get(
            self.frame.module.key, {}))
        for gen, before in sources:
            if gen.__class__ is PyGenerator and not before and gen.function is not None \
                    and any(self.node_span(call) == gen.span for call in made) \
                    and self._cleanup_state(gen) is not None:
                self.close_generator(gen)

    @staticmethod
    def spent(gen: PyGenerator) -> bool:
        """Whether a generator whose body ran is used up and leaves nothing for the path's records:
        it charged nothing, left nothing unpriced, consulted no site and holds no raise back
        (``quiet``), its consumer took every item and no loop is taking items from it, and the
        code after its last yield ran (a consumer asked past it) or, where the consumer stopped
        at that yield, the code after it called nothing and runs no cleanup. Then no charge, call
        or unpriced op of it is taken back (retract_unconsumed), none is out of order for the
        budget's answers (spent_unfollowed, _budget_overrun), and kept_used counts it whole."""
        if not gen.quiet() or gen.items is None or gen.consumed < len(gen.items) or gen.paused or gen.looping:
            return False
        if gen.past_last:
            return True
        mark = gen.stood_at(gen.consumed)
        return mark[2] == gen.end[2] and mark[3] == gen.end[3] \
            and not _yields_under_cleanup(getattr(gen.function, "node", None))

    def kept_used(self) -> int:
        """What this path has charged that no generator can take back: a body run ahead of its
        consumer charges items the consumer may never take, and those charges go when it stops
        (retract_unconsumed). Every path through a site met now costs at least this (the floor of
        the paths not explored, paths.py), where ``used`` may be more."""
        kept = self._ahead_since[0] if self._ahead_since else self.used
        for gen in self._ran_generators:
            if gen.items is None or gen.end is None:
                continue
            if gen.looping:
                # a `for` taking its items counts them all as taken until it breaks: any of
                # its charges may still go
                kept -= gen.end[1] - gen.start[1]
            elif self._left_short(gen):
                kept -= gen.end[1] - gen.stood_at(gen.consumed)[1]
                kept -= self._fed_unkept(gen)
        return max(kept, 0)

    def _fed_unkept(self, gen: PyGenerator) -> int:
        """What the generators a generator left short took items from charged past where they are
        left (settle_fed), beyond what their own entries in kept_used take back."""
        unkept = 0
        for source, taken in self._fed_back(gen):
            if source.end is None:
                continue
            own = source.stood_at(source.consumed) if self._left_short(source) else source.end
            unkept += max(own[1] - source.stood_at(taken)[1], 0)
        return unkept

    def note_feeds(self, gen: PyGenerator, first: int, skipped_from: Optional[int] = None,
                   delegate: tuple = ()) -> None:
        """Record where the generators that ``gen``'s own `for` loops take items from stood when
        its body yielded items ``first`` on (``feeds``). ``skipped_from``: those items were yielded by
        the innermost loop's iterations from that one on, skipped one item each (SteadyLoop).
        ``delegate``: the item came through a `yield from` of a generator, which had then handed
        over as many items as the tuple's second value. A generator the body took items from one at
        a time (``takes``: next(), enumerate or zip over it) stands where it is now, unless it has ended."""
        loops = [ctx for ctx in self.loops if ctx.frame is self.frame and ctx.feeding]
        looped = {id(source) for ctx in loops for source, _ in ctx.feeding}
        nexted = tuple((source, source.consumed) for source in gen.takes
                       if id(source) not in looped and not source.past_last)
        for k in range(first, len(gen.items)) if loops or delegate or nexted else ():
            step = k - first if skipped_from is not None else 0
            gen.feeds[k] = tuple((source, before + (skipped_from + step if skipped_from is not None
                                                    and ctx is loops[-1] else ctx.index) + 1)
                                 for ctx in loops for source, before in ctx.feeding) + delegate + nexted
            for source, _ in gen.feeds[k]:
                if not any(r is gen for r in source.read_by):
                    source.read_by.append(gen)

    def refuse_taken_ahead(self, gen: PyGenerator, span: Span) -> None:
        """Before an item of ``gen`` is taken: a generator whose body took items from it and is left
        short of its end left it at an earlier item in the run, where flopcast's body, run whole,
        took more; this consumer then gets items flopcast's ``gen`` no longer holds (the path ends)."""
        for reader in gen.read_by:
            if reader.items is None or not reader.consumed or not (reader.closed or self._left_short(reader)):
                continue
            if any(source is gen and taken < gen.consumed for source, taken in reader.feeds.get(reader.consumed - 1, ())):
                self.stop_path(f"{span}: a generator whose body took items from this one stopped short of its end, "
                               "where the run leaves this one too; flopcast ran that body whole, so the items taken "
                               "here are not modelled and the cost after it is not counted", span,
                               "generator taken ahead")

    def note_taken(self, gen: PyGenerator) -> None:
        """An item of ``gen`` taken one at a time (next(), or a lazy iterator's pull) by the body of
        the generator running now: it stands where that leaves it at each later yield (note_feeds)."""
        taker = self.frame.generator
        if taker is not None and taker is not gen and not any(g is gen for g in taker.takes):
            taker.takes.append(gen)

    def _fed_back(self, gen: PyGenerator, closing: bool = False) -> list:
        """The generators ``gen``'s body took items from that a consumer leaving ``gen`` short of its
        end leaves short as well, with the items each had handed over at the last item taken (the
        body's loop over it stopped there, with Python's body). Only those no other code can take
        items from later: made in the call that made ``gen`` (`squares(layers(mlp))`) or in its
        body; one the caller holds by a name (`it = layers(mlp); squares(it)`) is not followed.
        ``closing``: ``gen.close()`` is leaving it (past_last is set after)."""
        if gen.items is None or not gen.consumed or not (closing or self._left_short(gen)):
            return []
        if gen.fed_by is not None:
            source, came_from = gen.fed_by
            return [(source, came_from[gen.consumed - 1] + 1)]
        return [(source, taken) for source, taken in gen.feeds.get(gen.consumed - 1, ())
                if source.items is not None and (taken < source.consumed or source.past_last)
                and _made_for(gen, source)]

    def settle_fed(self, gen: PyGenerator) -> None:
        """A generator expression made whole over a generator (``fed_by``), or a generator body whose
        loop ran over one (``feeds``), took all of that generator's items; Python's took them one at
        a time as its own were taken. Left short of its end, the generator it reads is left at the
        item its last item taken came from, so that generator's items past it are taken back too.
        (With none taken, the expression's own region holds that generator's whole run, taken back
        with it; a second region inside it would be taken back twice.)"""
        for source, taken in self._fed_back(gen):
            source.consumed = min(source.consumed, taken)
            source.past_last = False
            self.settle_fed(source)  # (an expression over one over a generator)

    def taken_back_now(self) -> Optional[int]:
        """The FLOPs retract_unconsumed would take back were the run to end now, with no generator
        taken from again (ending_guards.py); None where that is not plain to see: a body running
        ahead or still running, one left short that fed on another generator (settle_fed would
        move it) or whose closing runs code, regions that nest."""
        if self._ahead_since:
            return None
        if any(gen.items is not None and (gen.end is None or self._fed_back(gen)) for gen in self._ran_generators):
            return None
        regions = []
        for gen, region in self._left_short_regions(self._ran_generators):
            if _closing_runs_code(gen):
                return None  # (its cost is its state's, which the state compared does not hold)
            regions.append(region)
        regions.sort(key=lambda r: r[0][0])
        taken, last = 0, -1
        for mark, end in regions:
            if mark[0] < last:
                return None
            taken, last = taken + end[1] - mark[1], end[0]
        return taken

    def _left_short_regions(self, gens: list, ending: bool = False) -> Iterator[tuple]:
        """(generator, (mark, end)) for each of ``gens`` whose body ran and that the program left
        short of its end: the ledgers its body stood at when it handed the last item taken (its
        start, with none taken) and where it stopped, whose charges never ran at run time. A body
        still running is passed over, or at a path's end (``ending``) runs to now. Lazy: a region
        running to now ends after what retract_unconsumed noted for the generators before it."""
        for gen in gens:
            if gen.items is None or gen.end is None and not ending:
                continue
            # (paused: its body stopped at the last item its consumer takes; a `yield from` it
            # ran there ran its subgenerator whole, past that item)
            if self._left_short(gen):
                yield gen, (gen.stood_at(gen.consumed), gen.end if gen.end is not None else self.ledger())

    @staticmethod
    def _left_short(gen: PyGenerator) -> bool:
        """Whether the program left ``gen`` before its end: its body past the last item taken never ran."""
        return gen.consumed < len(gen.items) or not gen.past_last or gen.paused

    def retract_unconsumed(self, ending: bool = False, only: Optional[list] = None) -> None:
        """Take back the charges of generator bodies past the last item the program consumed
        (a `for` that broke early, a lone `next()`): at run time that code never ran.
        ``ending``: the path ends here (PathEnd): the run may take those items later, or never;
        what it surely made is what was taken so far (a body still running ends here).
        ``only``: those generators (one being closed), else every one that ran."""
        regions = []
        gens = self._ran_generators if only is None else only
        for gen in gens:
            self.settle_fed(gen)
        for gen, region in self._left_short_regions(gens, ending):
            regions.append(region)
            if not gen.cleanup_priced and _closing_runs_code(gen):
                # Python runs that cleanup when the generator is closed (close(), or when it is
                # collected), and its cost is the run's
                self._unpriced_at(gen.span, "generator cleanup", "a generator left at a yield inside "
                                  "try/finally or with runs that code when it is closed or collected; "
                                  "its cost is not counted")
        self._take_back(regions)

    def _take_back(self, regions: list) -> None:
        """Drop the charges, calls and unpriced entries between each (start, end) pair of ledgers."""
        if not regions:
            return
        regions.sort(key=lambda r: (r[0][0], -r[1][0]))
        outer = []  # generator bodies nest like calls: keep only the outermost regions
        for mark, end in regions:
            if outer and mark[0] < outer[-1][1][0]:
                continue
            outer.append((mark, end))
        r = self.result
        drop_charges, drop_unpriced = set(), set()
        for mark, end in outer:
            drop_charges.update(range(mark[0], end[0]))
            drop_unpriced.update(range(mark[4], end[4]))
            self.used -= end[1] - mark[1]
            for table, before, after in ((r.inclusive, mark[2], end[2]), (r.calls, mark[3], end[3])):
                for key, value in after.items():
                    delta = value - before.get(key, 0)
                    if delta:
                        table[key] -= delta
                        if not table[key]:
                            del table[key]
        # A generator that stopped at its last item (a loop that broke there) usually charged
        # nothing after that yield: its region is empty, and rebuilding a list of millions of
        # charges (a reused recursion's) to take nothing back cost seconds.
        if drop_charges:
            r.charges = ChargeList(c for i, c in enumerate(r.charges) if i not in drop_charges)
        if drop_unpriced:
            r.unpriced = [u for i, u in enumerate(r.unpriced) if i not in drop_unpriced]
        if drop_charges or drop_unpriced:
            # the ledgers other generators hold past a region are positions in the lists and running
            # totals: taken back later (one closed, then another left short), theirs would drop
            # others' charges (a generator closed before one made after it: false exact)
            for gen in self._ran_generators:
                gen.start, gen.end = _shifted(gen.start, outer), _shifted(gen.end, outer)
                gen.marks = [_shifted(m, outer) for m in gen.marks]


def _shifted(mark: Optional[tuple], regions: list) -> Optional[tuple]:
    """A ledger (Generators.ledger) after the charges, calls and unpriced entries of ``regions``
    (sorted, apart) were dropped: less what each region before it held, and one inside a region
    lands where that region began (its charges are gone with it)."""
    if mark is None:
        return None
    gone = None
    for start, end in regions:
        if end[0] <= mark[0] and end[4] <= mark[4]:
            upto = end
        elif start[0] < mark[0] or start[4] < mark[4]:
            upto = mark
        else:
            break
        gone = _delta(start, upto) if gone is None else _sum(gone, _delta(start, upto))
    if gone is None:
        return mark
    return (mark[0] - gone[0], mark[1] - gone[1], _minus(mark[2], gone[2]), _minus(mark[3], gone[3]), mark[4] - gone[4])


def _delta(a: tuple, b: tuple) -> tuple:
    return (b[0] - a[0], b[1] - a[1], {k: v - a[2].get(k, 0) for k, v in b[2].items()},
            {k: v - a[3].get(k, 0) for k, v in b[3].items()}, b[4] - a[4])


def _sum(a: tuple, b: tuple) -> tuple:
    return (a[0] + b[0], a[1] + b[1], {k: a[2].get(k, 0) + b[2].get(k, 0) for k in a[2].keys() | b[2].keys()},
            {k: a[3].get(k, 0) + b[3].get(k, 0) for k in a[3].keys() | b[3].keys()}, a[4] + b[4])


def _minus(table: dict, gone: dict) -> dict:
    return {k: v - gone.get(k, 0) for k, v in table.items() if v - gone.get(k, 0)}


def _within(inner: Span, outer: Span) -> bool:
    return inner.path == outer.path and (outer.line, outer.col) <= (inner.line, inner.col) \
        and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)


def _made_for(gen: PyGenerator, source: PyGenerator) -> bool:
    """Whether ``source`` was made where no code but ``gen``'s body holds it: in the call that
    made ``gen`` (an argument's own call), or in ``gen``'s function body."""
    node = getattr(gen.function, "node", None)
    module = getattr(gen.function, "module", None)
    if node is None or module is None or source.span is None or gen.span is None:
        return False
    body = Span(module.path, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
    return _within(source.span, gen.span) or _within(source.span, body)


def _walked(node: ast.AST) -> tuple:
    """What the generator checks read of a statement or a function's code, in ``ast.walk``'s
    order: its calls, the names it binds (a Name stored or deleted) and every Name's id. Kept on
    the node: asked at every generator a loop consumes and every item a body hands over."""
    found = node.__dict__.get("_flopcast_gen_walk")
    if found is None:
        nodes = ast_walk(node)
        found = node._flopcast_gen_walk = (
            tuple([n for n in nodes if isinstance(n, ast.Call)]),
            frozenset([n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]),
            frozenset([n.id for n in nodes if isinstance(n, ast.Name)]))
    return found


def _unread_parameters(node) -> frozenset:
    """The named parameters of a function ``node`` that its code never names (nothing in it
    can read what they are bound to): none when the code may read its frame otherwise
    (`locals()`, `vars()`, `eval`, `exec`, zero-argument `super()`, which reads the first).
    Kept on the node: asked at every state of a generator compared."""
    found = node.__dict__.get("_flopcast_unread")
    if found is None:
        found = node._flopcast_unread = _finds_unread_parameters(node)
    return found


def _finds_unread_parameters(node) -> frozenset:
    args = node.args
    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    named = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            if sub.id in ("locals", "vars", "eval", "exec", "super"):
                return frozenset()
            named.add(sub.id)
    # defaults and annotations are evaluated where the function is defined, not read by the body
    return frozenset(params - named)


def _reads_sent_values(node: ast.AST) -> bool:
    """Whether a generator function's body can see what ``send()`` passes in: a `yield` used as a
    value (`x = yield n`), or a `yield from` (which forwards sends to its subgenerator)."""
    bare = {id(s.value) for s in ast_walk(node) if isinstance(s, ast.Expr) and isinstance(s.value, ast.Yield)}
    return any(isinstance(n, ast.YieldFrom) or isinstance(n, ast.Yield) and id(n) not in bare for n in ast_walk(node))


#: How many levels into objects a generator's held state is compared (Interpreter._held_signature).
HELD_DEPTH = 12
