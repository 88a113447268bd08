"""Evaluating expressions: names, literals, containers, f-strings, lambdas, yields.
"""

from __future__ import annotations

import ast
import builtins
from typing import Optional

from flopcast.analyzer import chain_maps, dunders, plain_numpy, undefined
from flopcast.analyzer.counters import raw_value, suspended
from flopcast.analyzer.values import (Array, Builtin, ChainMapVal, dict_key, DictVal, InstanceVal, Known, ListVal,
                                      make_tuple, NpzFile, PyGenerator, TupleVal, unhashable_instance, Unknown,
                                      UserRaise, Value)
from flopcast.syntax import ast_walk
from flopcast.analyzer.interpreter.common import _BUILTINS
from flopcast.analyzer.interpreter.control import PathEnd, _CONTROL, _GeneratorPause, _failure_reason, _too_deep
from flopcast.analyzer.interpreter.tables import _EXPR_DISPATCH

#: Python's builtins flopcast does not model (``bytes``, ``memoryview``, ``input``): a read of
#: one that no global shadows is the builtin, not a name undefined on the path.
_UNMODELLED_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_")) - _BUILTINS


def _names_bound_within(node: ast.AST) -> frozenset:
    """Every name bound anywhere inside ``node`` (nested scopes too: more than Python's, never less)."""
    found = getattr(node, "_flopcast_bound", None)
    if found is None:
        found = frozenset(
            n.id if isinstance(n, ast.Name) else n.name if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                           ast.ClassDef)) else n.arg
            for n in ast.walk(node)
            if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load) or isinstance(n, ast.arg)
            or n is not node and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))) | frozenset(
            (a.asname or a.name).split(".")[0] for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names)
        node._flopcast_bound = found
    return found


def _function_locals(fn_node) -> frozenset:
    """The names a function (or lambda) binds in its own scope: its parameters and every name it
    assigns, deletes, imports, defines or catches as, less those it declares global or nonlocal
    (nested functions, classes and comprehensions have scopes of their own; `:=` in a
    comprehension binds in the function)."""
    # Kept on the node (as its span is, node_span): asked at every read of a global in a function
    found = getattr(fn_node, "_flopcast_locals", None)
    if found is not None:
        return found
    bound, declared = set(), set()
    a = fn_node.args
    for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x is not None]:
        bound.add(arg.arg)
    todo = list(fn_node.body) if isinstance(fn_node.body, list) else [fn_node.body]
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
            todo.extend(n.decorator_list)
            if not isinstance(n, ast.ClassDef):
                todo.extend(d for d in n.args.defaults + n.args.kw_defaults if d is not None)
            continue
        if isinstance(n, ast.Lambda):
            todo.extend(d for d in n.args.defaults + n.args.kw_defaults if d is not None)
            continue
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            bound.update(w.target.id for w in ast.walk(n) if isinstance(w, ast.NamedExpr)
                         and isinstance(w.target, ast.Name))
            todo.append(n.generators[0].iter)
            continue
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            declared.update(n.names)
        elif isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            bound.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((al.asname or al.name).split(".")[0] for al in n.names if al.name != "*")
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            bound.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            bound.add(n.rest)
        todo.extend(ast.iter_child_nodes(n))
    found = fn_node._flopcast_locals = frozenset(bound - declared)
    return found


class Expressions:
    """The Interpreter's methods for evaluating expressions."""

    def eval(self, node: ast.expr) -> Value:
        method = _EXPR_DISPATCH.get(type(node))
        if method is None:
            return self.unpriced(node, type(node).__name__, "expression kind not modelled")
        try:
            return method(self, node)
        except _CONTROL:
            raise
        except RecursionError:
            raise _too_deep(self.node_span(node))
        except Exception as exc:  # noqa: BLE001 - the boundary between the program and flopcast
            # The program's own exceptions on known values are UserRaise (a finding); anything
            # else escaping an expression is a flopcast bug. The expression becomes an unpriced,
            # unknown value at its location, so the total turns into a lower bound, never a
            # false exact number, and the rest of the file is still analysed.
            return self.unpriced(node, "internal error", _failure_reason(exc))

    def _traced_eval(self, node: ast.expr) -> Value:
        """eval, reporting every value to the memory tracker (which arrays each expression made)."""
        memory = self.trace.memory
        if node.__class__ is ast.Name or node.__class__ is ast.Constant:
            value = Expressions.eval(self, node)  # evaluates nothing inside, allocates nothing
            memory.read(self, value)
            return value
        memory.enter(self)
        try:
            value = Expressions.eval(self, node)
        except BaseException:
            memory.abandon()
            raise
        memory.produced(self, node, value)
        return value

    def expr_Constant(self, node: ast.Constant) -> Value:
        return Known(node.value)

    def expr_JoinedStr(self, node: ast.JoinedStr) -> Value:
        parts: Optional[list] = []
        watch = self.counter_watch
        for v in node.values:
            if isinstance(v, ast.Constant):
                if parts is not None:
                    parts.append(str(v.value))
                continue
            inner = self.eval(v.value)  # every part runs (and charges), as Python evaluates them all
            spec = self.eval(v.format_spec) if v.format_spec else Known("")
            if parts is None:
                continue
            if watch is not None and v.conversion == -1 and isinstance(inner, Known) and watch.sees(inner) \
                    and isinstance(spec, Known) and isinstance(spec.value, str):
                # a number counters.py watches, formatted into text: the text is watched too
                text = watch.format(inner, spec.value)
                if text is not None:
                    parts.append(text)
                    continue
            text = dunders.formatted(self, inner, v.conversion, spec, self.node_span(v))
            if text is None:
                parts = None
            else:
                parts.append(text)
        if parts is None:
            return Unknown("", None, "formatted string")
        if watch is not None and any(p.__class__ is Known for p in parts):
            return watch.join(parts)
        return Known("".join(parts))

    def _check_annotation(self, annotation: ast.expr) -> None:
        """Python evaluates an annotation where it is written (no `from __future__ import
        annotations`): a name no code of the module ever defines raises NameError there, and
        whestbench cannot load the file. Only the names are checked (nothing is evaluated)."""
        frame = self.frame
        env = self.module_envs.get(frame.module.key, {})
        for n in ast_walk(annotation):
            if isinstance(n, ast.Name) and n.id not in frame.vars and n.id not in env and n.id not in _BUILTINS \
                    and not (frame.function is not None and frame.function.closure and n.id in frame.function.closure) \
                    and undefined.never_defined(self.program, frame.module, n.id):
                raise UserRaise(self.node_span(n), f"NameError: name {n.id!r} is not defined")

    def expr_Name(self, node: ast.Name) -> Value:
        name = node.id
        frame = self.frame
        if name in frame.vars:
            return frame.vars[name]
        fn = frame.function
        if fn is not None and name in _function_locals(fn.node) \
                and not (self._comprehensions and self._comprehensions[-1].frame is frame):
            # A name the function binds somewhere is local to it everywhere: read before it is
            # bound on this path, Python raises UnboundLocalError (never the module's name)
            span = self.node_span(node)
            if frame.handler_deleted and name in frame.handler_deleted:
                # (an except clause's `as` name after the clause: Python deleted it there)
                raise UserRaise(span, f"UnboundLocalError: cannot access local variable {name!r} where it is not "
                                      "associated with a value")
            raise PathEnd(f"{span}: local variable {name!r} is read before it is assigned on this path (Python "
                          "raises UnboundLocalError); the cost after it is not counted", span,
                          what=f"unbound local {name!r}")
        while fn is not None and fn.closure is not None:
            if name in fn.closure:
                return fn.closure[name]
            break
        if fn is not None and fn.closure is not None:
            # closures chain through the enclosing function's own closure
            outer = fn.closure
            if name in outer:
                return outer[name]
        if fn is None and frame.enclosing is not None and frame.cls is not None and frame.cls.node is not None \
                and name not in _names_bound_within(frame.cls.node):
            # a class body in a function reads the function's names (free variables), then the
            # module's; a name the body binds itself is looked up in the module (LOAD_NAME)
            closure = self._scope_closure(frame.enclosing)
            if closure is not None and name in closure:
                return closure[name]
        env = self.module_envs.get(frame.module.key, {})
        if name in env:
            return env[name]
        if name in _BUILTINS:
            return Builtin(name)
        if name in _UNMODELLED_BUILTINS:
            return self.unpriced(node, f"name {name!r}", f"the builtin {name} is not modelled")
        if undefined.never_defined(self.program, frame.module, name):
            raise UserRaise(self.node_span(node), f"NameError: name {name!r} is not defined")
        return self.unpriced(node, f"name {name!r}", "not defined on this path")

    def _elements(self, elts: list[ast.expr], node: Optional[ast.AST] = None) -> list[Value]:
        items: list[Value] = []
        for e in elts:
            if isinstance(e, ast.Starred):
                # LIST_EXTEND / SET_UPDATE, placed at the whole display, asks for the items
                seq = self.eval(e.value)
                items.extend(self.consuming(self.node_span(node or e), lambda: self.iterate(seq, e)) or [])
            else:
                items.append(self.eval(e))
        return items

    def expr_Tuple(self, node: ast.Tuple) -> Value:
        if node is self._free_index:
            items = self._elements(node.elts, node)
            with suspended(self.counter_watch):
                return make_tuple(items)
        items = self._elements(node.elts, node)
        indexed = self._array_index
        watch = self.counter_watch
        if watch is not None:
            if indexed is not None and indexed[0] is node:
                items = watch.array_indices(indexed[1], items)  # counters.py
            if watch.carried and watch.follows_any(items):
                # (a loop's watch keeps reading them: a heap of `(cost, i)` plans compares
                # Known tuples, and a loop's log clones its items with their numbers anew)
                return TupleVal(tuple(items))
        return make_tuple(items)

    def expr_List(self, node: ast.List) -> Value:
        return ListVal(self._elements(node.elts, node))

    def expr_Set(self, node: ast.Set) -> Value:
        from flopcast.analyzer.builtins import set_of

        return set_of(self, self._elements(node.elts, node), node)

    def expr_Dict(self, node: ast.Dict) -> Value:
        out = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                inner = self._unpacked_mapping(self.eval(v), node)
                if not isinstance(inner, DictVal):
                    return self.unpriced(node, "dict display with **", "the unpacked mapping is not known")
                out.update(inner.items)
                continue
            key = self.eval(k)
            self.refuse_unhashable(key, k)
            out[dict_key(key)] = self.eval(v)
        return DictVal(out)

    def refuse_unhashable(self, key: Value, node: ast.AST) -> None:
        """Python hashes a dict key or set item first: an instance of a class without a hash, or a
        dict or list read from data (`cfg.get(json.loads(text))`), raises. The value is read unseen
        by a counter watch (counters.py): a key made from a loop's counter is always hashable."""
        if unhashable_instance(key):
            raise UserRaise(self.node_span(node) if node is not None else self.span,
                            f"TypeError: unhashable type: {key.cls.name!r}")
        if key.__class__ is InstanceVal and dunders.hash_may_charge(key):
            self.unpriced(node, "__hash__", f"{key.cls.name}.__hash__ runs here (Python hashes a dict key or set "
                          "item); what it charges and changes is not followed")
        if key.__class__ is Array and key.plain and key.ndim == 0:
            # numpy's scalar result of a reduction (`np.argmax(a)`: hashable) is held as a 0-d array,
            # which has no hash: which one this is is not known
            self.stop_path("a numpy 0-d result used as a key may be a numpy scalar (hashable) or a 0-d array "
                           "(TypeError); the cost after it is not counted",
                           self.node_span(node) if node is not None else self.span, "hash of a numpy value")
        if key.__class__ is Array:  # numpy's arrays (a 0-d one too) define no hash
            raise UserRaise(self.node_span(node) if node is not None else self.span,
                            f"TypeError: unhashable type: '{dunders.array_class(key)}'")
        container = _unhashable_container(key)
        if container:  # a list or dict the program holds (parsed JSON is one)
            raise UserRaise(self.node_span(node) if node is not None else self.span,
                            f"TypeError: unhashable type: {container!r}")
        if key.__class__ is Known:
            try:
                hash(raw_value(key))
            except TypeError:
                raise UserRaise(self.node_span(node) if node is not None else self.span,
                                f"TypeError: unhashable type: '{type(raw_value(key)).__name__}'") from None

    def _unpacked_mapping(self, value: Value, node) -> Value:
        """What `**value` unpacks: a dict's items, a dict subclass's, a ChainMap's as its lookups
        find them (chain_maps.flat); anything else as it is (not a DictVal: not known)."""
        if isinstance(value, InstanceVal) and isinstance(value.payload, DictVal):
            return value.payload
        if isinstance(value, ChainMapVal):
            return chain_maps.read(self, value, node)
        if isinstance(value, NpzFile):
            return plain_numpy.npz_mapping(value)
        return value

    def expr_Starred(self, node: ast.Starred) -> Value:
        return self.eval(node.value)

    def expr_NamedExpr(self, node: ast.NamedExpr) -> Value:
        value = self.eval(node.value)
        self.assign(node.target, value)
        # in a comprehension, `:=` binds the name in the enclosing function's scope too (the
        # comprehension's frame is over a copy of it): each enclosing comprehension's, then that one's
        bound = self.frame
        for running in reversed(self._comprehensions):
            if running.frame is not bound:
                break
            saved, self.frame = self.frame, self._outer_frames[running.depth]
            try:
                self.assign(node.target, value)
                bound = self.frame
            finally:
                self.frame = saved
        return value

    def expr_Yield(self, node: ast.Yield) -> Value:
        gen = self.frame.generator
        if gen is None:
            return self.unpriced(node, "yield", "`yield` outside a generator function flopcast recognised")
        gen.items.append(self.eval(node.value) if node.value is not None else Known(None))
        gen.marks.append(self.ledger())
        self.note_feeds(gen, len(gen.items) - 1)
        if len(gen.items) == 1 and gen.taken_by_next and gen.function is not None:
            self._first_item_state[id(gen)] = (gen, self._generator_parts(gen))
        if gen.need is not None and len(gen.items) >= gen.need:
            raise _GeneratorPause()
        return Known(None)  # what `send()` would pass in; flopcast models plain iteration only

    def expr_YieldFrom(self, node: ast.YieldFrom) -> Value:
        gen = self.frame.generator
        source = self.eval(node.value) if gen is not None else None
        # A subgenerator whose body runs here, whole: each item it hands on is its own item, the
        # ledger just after the subgenerator's yield of it (not after its whole body), so a
        # consumer that stops early takes back the subgenerator's code past that item too.
        sub = source.marks if source.__class__ is PyGenerator and source.items is None else None
        # a generator first consumed here (or a generator expression made here) is taken whole
        whole = source.__class__ is PyGenerator and source.consumed == 0 \
            and (source.items is None or source.comprehension is node.value)
        # (a generator it hands on the items of, from the one it had handed over before)
        delegates = source.__class__ is PyGenerator
        before = source.consumed if delegates else 0
        # (SEND, placed at the `yield from`, asks for the items)
        items = self.consuming(self.node_span(node), lambda: self.iterate(source, node.value)) \
            if gen is not None else None
        if items is None:
            return self.unpriced(node, "yield from", "`yield from` of a value flopcast cannot iterate")
        if whole:
            source.yielded_into = gen
        for k, item in enumerate(items):
            gen.items.append(item)
            gen.marks.append(sub[k] if sub is not None and k < len(sub) else self.ledger())
            self.note_feeds(gen, len(gen.items) - 1, delegate=((source, before + k + 1),) if delegates else ())
            if len(gen.items) == 1 and gen.taken_by_next and gen.function is not None:
                # (the state when the subgenerator's body ended, at the latest: a lower bound of the change)
                self._first_item_state[id(gen)] = (gen, self._generator_parts(gen))
            if gen.need is not None and len(gen.items) >= gen.need:
                raise _GeneratorPause()
        if isinstance(source, PyGenerator) and source.function is not None:
            # `total = yield from sub()`: what the subgenerator's body returned
            if source.paused or source.returned is None:
                return self.unpriced(node, "yield from", "the value a subgenerator returns is not known here")
            return source.returned
        return Known(None)  # (a list, a range, a generator expression: None)

    def expr_Lambda(self, node: ast.Lambda) -> Value:
        return self.make_function(node, "<lambda>")

    def expr_IfExp(self, node: ast.IfExp) -> Value:
        covering: list = []  # the body's value, when its path covers the orelse's (covered_arms.py)
        if self.truth(node.test, node, cover=covering):
            return covering[0] if covering else self.eval(node.body)
        return self.eval(node.orelse)


def _unhashable_container(value: Value) -> str:
    """Python's type name of the first list or dict in a key (a tuple's items are hashed in turn), or ''."""
    if value.__class__ in _UNHASHABLE_CONTAINERS:
        return _UNHASHABLE_CONTAINERS[value.__class__]
    if value.__class__ is TupleVal:
        return next((name for name in map(_unhashable_container, value.items) if name), "")
    return ""


_UNHASHABLE_CONTAINERS = {ListVal: "list", DictVal: "dict"}
