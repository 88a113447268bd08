"""Binding targets: names, attributes, subscripts, unpacking, iteration.
"""

from __future__ import annotations

import ast
import io
from typing import Optional

from flopcast.analyzer import (bool_keys, chain_maps, descriptors, dunders, fixed_attrs, flags, loggers, plain_numpy,
                               weak_stores, write_only)
from flopcast.analyzer.values import (Array, BoundMethod, ChainMapVal, ClassVal, describe_value, dict_key, DictVal,
                                      equal_only_to_itself, FieldsKey, FlatIter, FunctionVal, GeneratorView,
                                      hashes_without_code, InstanceVal, key_value, Known, LibRef, ListVal, ModuleVal,
                                      not_iterable, NpzFile, NumpyScalar, ObjKey, OPAQUE, PyGenerator, RandomVal,
                                      SeqIterator, surely_missing, TupleVal, unhashable_instance, Unknown, UserRaise,
                                      Value)
from flopcast.model import Span
from flopcast.syntax import ast_children
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter.classes import _declared_slots, _is_enum, _is_enum_member
from flopcast.analyzer.interpreter.control import PathEnd
from flopcast.analyzer.interpreter.exception_names import _exception_matches


class Assignment:
    """The Interpreter's methods for binding targets."""

    def assign(self, target: ast.expr, value: Value) -> None:
        if isinstance(target, ast.Name):
            if self.record_values:
                self.remember_value(target, value)
            if self.frame.globals_ and target.id in self.frame.globals_:
                self.module_envs[self.frame.module.key][target.id] = value
            elif self.frame.nonlocals_ and target.id in self.frame.nonlocals_ and self.frame.function is not None \
                    and self.frame.function.closure is not None:
                closure = self.frame.function.closure
                for scope in getattr(closure, "maps", [closure]):
                    if target.id in scope:
                        scope[target.id] = value
                        break
                else:
                    closure[target.id] = value
            else:
                self.frame.vars[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            # UNPACK_SEQUENCE, placed at the target, asks for the items, once (a map, a generator,
            # an iterator hands them out only once:
            # `first, *rest = map(f, xs)` asked it again for nothing and left `first` unbound)
            known = self.consuming(self.node_span(target), lambda: self.iterate(value, target))
            items = known if known is not None else \
                [Unknown("", self.node_span(target), "unpacked from an unknown value")] * len(target.elts)
            starred = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
            if known is not None:
                n = len(target.elts)
                if (len(items) != n and not starred) or (starred and len(items) < n - 1):
                    raise UserRaise(self.node_span(target), f"ValueError: cannot unpack {len(items)} values into {n}")
            if starred and known is None:
                # each name is bound, to a value flopcast does not know (Python binds them all or
                # raises): `coef, *_ = lstsq(...)` of an unpriced operand left `coef` unbound
                for e in target.elts:
                    self.assign(e.value if isinstance(e, ast.Starred) else e, items[0])
                return
            if starred:
                i = starred[0]
                n_after = len(target.elts) - i - 1
                seq = known
                for e, v in zip(target.elts[:i], seq[:i]):
                    self.assign(e, v)
                self.assign(target.elts[i].value, ListVal(list(seq[i: len(seq) - n_after])))
                for e, v in zip(target.elts[i + 1:], seq[len(seq) - n_after:]):
                    self.assign(e, v)
                return
            for e, v in zip(target.elts, items):
                self.assign(e, v)
        elif isinstance(target, ast.Attribute):
            self.store_attr(self.eval(target.value), target.attr, value, target)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value)
            if isinstance(obj, FlatIter):
                # flopscope's tracked flat iterator writes into the array for free and drops its tag;
                # the index is read as numpy reads it (an element out of range: IndexError)
                self.subscript(obj, self.eval(target.slice), target)
                self.write_in_place(obj.base)
                return
            if isinstance(obj, Array) and obj.plain:
                # numpy writes into its own ndarray, for free: the index's parts are evaluated, but
                # the index itself is never read, nor a counter counters.py watches in it (`diag[i, 0] = v`)
                self._free_index = target.slice if self.counter_watch is not None else None
                key = self.eval(target.slice)
                before = _uniform_truth(obj)
                self.write_in_place(obj, counted=False)
                obj.true_count = _count_after_setting(obj, before, key, value)
                return
            if isinstance(obj, Array):
                # Python evaluates the index before __setitem__ raises: `x[x > 0.5] = 0` pays the test
                self.eval(target.slice)
                raise UserRaise(self.node_span(target), "TypeError: flopscope arrays are immutable "
                                                        "(`x[i] = v` on an array; build rows in a list and "
                                                        "fnp.stack them)")
            key = bool_keys.settled(self, obj, self.eval(target.slice), target.slice, self.node_span(target))
            immutable = _immutable_type_name(obj)
            if immutable:
                raise UserRaise(self.node_span(target), f"TypeError: '{immutable}' object does not support item assignment")
            watch = self.counter_watch
            if watch is not None and obj.__class__ is DictVal and watch.entry_store(obj, key, value):
                return  # a dict a first call adds per-key counters to (counters.py)
            if watch is not None and key.__class__ is Known and watch.is_tainted(key) and watch.store(obj, key, value):
                return  # a list the loop's counter indexes (counters.py)
            if isinstance(obj, InstanceVal) and obj.payload is not None:
                owner, setitem = obj.cls.lookup("__setitem__")
                if isinstance(setitem, FunctionVal):
                    span = self.node_span(target)
                    self.call(self.bind(setitem, obj, owner, span), [key, value], {}, span)
                    return
                obj = obj.payload
            if isinstance(obj, ChainMapVal):
                chain_maps.store(self, obj, key, value, target)
                return
            if isinstance(obj, ListVal) and isinstance(key, Known) and isinstance(key.value, int):
                if not -len(obj.items) <= key.value < len(obj.items):
                    raise UserRaise(self.node_span(target), "IndexError: list assignment index out of range")
                obj.items[key.value] = value
            elif isinstance(obj, ListVal) and isinstance(key, Known) and isinstance(key.value, slice):
                items = self.iterate(value, target)
                if items is None:
                    self.unfollowed_change(self.node_span(target), "slice assignment", "the assigned sequence is not known")
                try:
                    obj.items[key.value] = items
                except (ValueError, TypeError) as exc:  # an extended slice's length, a float bound
                    raise UserRaise(self.node_span(target), f"{type(exc).__name__}: {exc}")
            elif isinstance(obj, DictVal) and isinstance(key, Known):
                obj.items[key.value] = value
            elif isinstance(obj, DictVal) and unhashable_instance(key):
                self.refuse_unhashable(key, target)
            elif isinstance(obj, DictVal) and (dict_key(key) in obj.items or _keyed_by_identity(key, obj)
                                               or (isinstance(dict_key(key), FieldsKey) or not obj.items)
                                               and surely_missing(key, obj)):
                # the object already there (or one equal to it by fields), one equal only to itself,
                # or one no key there can equal
                obj.items[dict_key(key)] = value
            elif obj.__class__ is DictVal and hashes_without_code(key) and isinstance(target.value, ast.Attribute) \
                    and target.value.attr in write_only.keyless_dicts(self.program):
                # a diagnostic keyed by a value read at run time (``self.seen[mlp.name] = plan``) that
                # nothing reads (write_only.keyless_dicts): kept under a key of its own, for memory
                obj.items[dict_key(key)] = value
            elif obj.__class__ is ListVal and not obj.is_set and obj.view_of is None \
                    and weak_stores.store_anywhere(self, obj, key, value, self.node_span(target)):
                return  # an integer read from data: each item is the old or the new (weak_stores.py)
            elif isinstance(obj, (ListVal, DictVal)):
                self.unfollowed_change(self.node_span(target), "item assignment", "the index or key is not known")
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value)

    def store_attr(self, obj: Value, attr: str, value: Value, node: Optional[ast.AST], hook: bool = True,
                   span: Optional[Span] = None) -> None:
        """``obj.attr = value`` (an attribute target, or ``setattr(obj, attr, value)``); ``hook=False``
        is ``object.__setattr__``, which skips the class's own ``__setattr__``."""
        if isinstance(obj, InstanceVal):
            _refuse_named_tuple_attr(obj, attr, span or self.node_span(node))
            if hook:
                _refuse_frozen_field(obj, attr, span or self.node_span(node))
            owner, setattr_ = obj.cls.lookup("__setattr__") if hook else (None, None)
            if isinstance(setattr_, FunctionVal):
                span = span or self.node_span(node)
                self.call(self.bind(setattr_, obj, owner, span), [Known(attr), value], {}, span)
                return
            if self.descriptors:
                desc = obj.cls.lookup(attr)[1]
                set_ = descriptors.setter(desc)
                if set_ is not None:  # a data descriptor's __set__ stores (or refuses) the value
                    self.call(BoundMethod(set_, desc), [obj, value], {}, span or self.node_span(node))
                    return
            # (a property's name never enters the instance's attributes: only a new name may be one)
            prop = obj.cls.lookup(attr)[1] if attr not in obj.attrs else None
            if isinstance(prop, FunctionVal) and prop.kind == "property":
                # a property is a data descriptor: its setter runs, the instance keeps nothing
                span = span or self.node_span(node)
                if prop.setter is None:
                    raise UserRaise(span, f"AttributeError: property {attr!r} of {obj.cls.name!r} "
                                          "object has no setter")
                self.call(BoundMethod(prop.setter, obj), [value], {}, span)
                return
            if attr not in obj.attrs and not _may_hold(obj, attr):
                raise UserRaise(span or self.node_span(node),
                                f"AttributeError: {obj.cls.name!r} object has no attribute {attr!r}")
            obj.attrs[attr] = value
        elif isinstance(obj, (ClassVal, FunctionVal)):
            obj.attrs[attr] = value
        elif isinstance(obj, ModuleVal):
            self.module_env(obj.module)[attr] = value  # `knobs.rows = 4`: the module's global
        elif isinstance(obj, RandomVal):
            # a later read of the name would be Python's AttributeError to the analysis (stdlib_random.ATTRIBUTES)
            self.unfollowed_change(span or self.node_span(node), f"random.Random.{attr}",
                                   "an attribute set on a random.Random is not followed")
        elif isinstance(obj, LibRef) and obj.path.startswith("flopscope"):
            self.unpriced(node, "assignment to a flopscope attribute",
                          "monkeypatching flopscope is forbidden and is not analysed")
        elif isinstance(obj, LibRef) and obj.path.startswith("py:decimal."):
            # `decimal.DefaultContext.prec = 6`: Decimal arithmetic is priced in the default context only
            self.unfollowed_change(span or self.node_span(node), f"{obj.path[3:]}.{attr}", "a decimal context "
                                   "changed here is not modelled")
        else:
            if isinstance(obj, LibRef) and obj.path.startswith("py:logging."):
                # `log.disabled = True`, `log.level = 10`: what isEnabledFor answers is no longer followed
                loggers.attribute_set(self, obj, span or self.node_span(node))
            store = fixed_attrs.store_on(obj, attr)
            if store is not None and store.refused is not None:  # `h = hashlib.sha256(); h.tag = 1`
                raise UserRaise(span or self.node_span(node), f"AttributeError: {store.refused}")
            if store is not None:
                self.unfollowed_change(span or self.node_span(node), f".{attr} = ...", "an attribute stored on "
                                       "a library object is not followed")

    def remember_value(self, target: ast.Name, value: Value) -> None:
        """Keep what a name was assigned (the editor's hover shows it), a few distinct kinds."""
        held = self.result.values.setdefault(self.node_span(target), [])
        if len(held) < limits.MAX_VALUES_PER_NAME:
            text = describe_value(value)
            if text not in held:
                held.append(text)

    def iterate(self, value: Value, node: ast.AST, ordered: bool = True) -> Optional[list[Value]]:
        """The items of ``value`` in the order Python gives them; ``ordered=False`` for callers
        to whom the order does not matter (sorted, min, sum, set, ...)."""
        if isinstance(value, Known):
            v = value.value
            if isinstance(v, range):
                if len(v) > limits.MAX_LOOP_ITERATIONS:
                    raise PathEnd(f"{self.node_span(node)}: range of {len(v):,} items is too long to unroll")
                return [Known(i) for i in v]
            if isinstance(v, (frozenset, set)) and ordered and len(v) > 1:
                from flopcast.analyzer.builtins import hash_seeded

                if any(hash_seeded(x) for x in v):  # text is hashed with a per-process seed
                    out = ListVal([Known(x) for x in v])
                    out.unordered = True
                    return self.set_order(out, node)
            if isinstance(v, (tuple, list, str, frozenset, set)):
                return [Known(x) for x in v]
            if isinstance(v, dict):
                return [Known(k) for k in v]
            if isinstance(v, (io.StringIO, io.BytesIO)):
                return [Known(line) for line in v]  # the lines left (the loop reads the file to its end)
            if type(v) in (int, float, bool, complex, type(None)):  # `max(3)`: the program's TypeError
                span = self.node_span(node) if node is not None else self.span or self.program.main_span
                raise UserRaise(span, f"TypeError: '{type(v).__name__}' object is not iterable")
            return None
        if isinstance(value, (ListVal, TupleVal)):
            if value.__class__ is ListVal and value.view_of is not None:
                from flopcast.analyzer.builtins import refresh_view

                refresh_view(value)
            if ordered and value.__class__ is ListVal and value.unordered:
                return self.set_order(value, node)
            return list(value.items)
        if isinstance(value, DictVal):
            return [key_value(k) for k in value.items]
        if isinstance(value, ChainMapVal):
            snapshot = chain_maps.flat(value)
            return None if snapshot is None else [key_value(k) for k in snapshot.items]
        if isinstance(value, Array):
            if value.ndim == 0:
                raise UserRaise(self.node_span(node) if node is not None else self.span or self.program.main_span,
                                "TypeError: iteration over a 0-d array")
            if value.ndim == 1:
                # (a flopscope array whose elements are known: fnp.asarray of a known ndarray, fnp.load)
                return [plain_numpy.element_of(NumpyScalar(value.dtype, value.dtype_origin), value, Known(i))
                        if value.value is not None else NumpyScalar(value.dtype, value.dtype_origin, vrange=value.vrange)
                        for i in range(value.shape[0])]
            rows = [Array(value.shape[1:], value.dtype, dtype_origin=value.dtype_origin, plain=value.plain)
                    for _ in range(value.shape[0])]
            if value.value is not None:
                # each row is a view: a write through one changes what is known of the other
                rows = [plain_numpy.same_buffer(plain_numpy.element_of(row, value, Known(i)), value)
                        for i, row in enumerate(rows)]
            return rows
        if isinstance(value, FlatIter):
            return [NumpyScalar(value.base.dtype, value.base.dtype_origin) for _ in range(value.base.size)]
        if isinstance(value, NpzFile):
            return [Known(k) for k in value.arrays]
        if isinstance(value, PyGenerator):
            if self._genexp_reads:
                self._check_genexp_reads(value, node)
            if value.consumed and self._generator_reads:
                self._check_generator_reads(value, self.node_span(node) if node is not None else value.span)
            return self.consume_generator(value)
        if isinstance(value, SeqIterator):  # iter(seq): what next() and islice() left
            if self._genexp_reads:
                self._check_genexp_reads(value, node)
            if value.seen:
                from flopcast.analyzer.builtins import check_sources

                check_sources(self, value, self.node_span(node))
            rest, value.consumed = value.items[value.consumed:], len(value.items)
            return rest
        if isinstance(value, GeneratorView):
            if self._genexp_reads:
                self._check_genexp_reads(value, node)
            return list(value.items)
        if isinstance(value, InstanceVal) and value.cls.tuple_like:
            return [value.attrs.get(f[0], OPAQUE) for f in value.cls.fields]
        if isinstance(value, InstanceVal) and value.payload is not None \
                and not isinstance(value.cls.lookup("__iter__")[1], FunctionVal):
            return self.iterate(value.payload, node)
        if isinstance(value, InstanceVal):
            held = flags.members_of(value)  # `for m in mode` of a Flag: its one-bit members
            if held is not None:
                return held
            span = self.node_span(node) if node is not None else self.span or self.program.main_span
            it = self.user_iter(value, span)
            if it is not None:
                return self.step_iterator(it, node, span) if dunders.is_user_iterator(it) else self.iterate(it, node)
        if isinstance(value, ClassVal) and _is_enum(value) and isinstance(value.attrs.get("__iter_members__"), ListVal):
            return list(value.attrs["__iter_members__"].items)
        wrong = not_iterable(value)
        if wrong is not None:  # `list(3)`, `zip(obj, xs)`: the program's TypeError, not an unknown
            span = self.node_span(node) if node is not None else self.span or self.program.main_span
            raise UserRaise(span, f"TypeError: '{wrong}' object is not iterable")
        return None

    def user_iter(self, value: InstanceVal, span: Span) -> Optional[Value]:
        """``iter(value)`` by its class's ``__iter__``; None when its classes define none."""
        owner, method = value.cls.lookup("__iter__")
        if not isinstance(method, FunctionVal):
            return None
        return self.call(self.bind(method, value, owner, span), [], {}, span)

    @staticmethod
    def stops_iteration(exc: UserRaise) -> bool:
        """Whether the program's exception ends an iteration (StopIteration or a subclass)."""
        return _exception_matches(exc, "StopIteration")

    def next_item(self, it: InstanceVal, span: Span) -> Value:
        """``it.__next__()`` of a user iterator (its StopIteration is the program's)."""
        owner, method = it.cls.lookup("__next__")
        return self.call(self.bind(method, it, owner, span), [], {}, span)

    def step_iterator(self, it: InstanceVal, node: Optional[ast.AST], span: Span) -> Optional[list]:
        """The items of a user iterator, taken all at once (``__next__`` until it raises
        StopIteration), as ``list(it)`` takes them. None (the loop over it is not modelled) when a
        ``for`` over it may stop early (``break``, ``return``, ``raise`` in its body: the steps taken
        beyond would change the iterator) or when stepping never ends; stepping that charges or
        consults values is unpriced, since the charges then come before the loop body's. Only a
        ``for`` directly over it and the builtins that take every item (``list(it)``, ``sorted``,
        ``sum``...) step it: the lazy ones (``zip``, ``enumerate``, ``iter``, a generator
        expression) may take fewer items than exist."""
        loop = self._stepping_loop
        exhausting = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _EXHAUSTING
        if not (loop is not None and node is loop.iter and not _may_leave_early(loop) or exhausting):
            return None
        before = (len(self.result.charges), len(self.decisions.log), self.effects)
        items: list = []
        while len(items) <= limits.MAX_LOOP_ITERATIONS:
            try:
                items.append(self.next_item(it, span))
            except UserRaise as exc:
                if self.stops_iteration(exc):
                    break
                raise
        else:
            return None
        if (len(self.result.charges), len(self.decisions.log), self.effects) != before:
            self._unpriced_at(span, "iterator", "a user iterator whose __next__ charges FLOPs or depends on values "
                                                "is stepped all at once, before the loop body: not modelled")
        return items


def _immutable_type_name(obj: Value) -> str:
    """Python's name of the type of a value with no item assignment (a tuple, a number, a
    numpy scalar); '' for anything else."""
    if isinstance(obj, TupleVal):
        return "tuple"
    if isinstance(obj, NumpyScalar):
        return f"numpy.{obj.dtype}"
    if isinstance(obj, Known) and type(obj.value) in (tuple, str, bytes, int, float, complex, bool, frozenset, range,
                                                      type(None)):
        return type(obj.value).__name__
    return ""


def _keyed_by_identity(key: Value, d: DictVal) -> bool:
    """Whether a new key ``key`` (not a known value) is found in ``d`` by identity alone: it is an
    enum member or equal only to itself, and so is every object key already there."""
    def plain(v: Value) -> bool:
        return equal_only_to_itself(v) or _is_enum_member(v)

    return plain(key) and all(not isinstance(k, ObjKey) or plain(k.value) for k in d.items)


def _may_hold(obj: InstanceVal, attr: str) -> bool:
    """Whether an instance can take a new attribute ``attr``: it has a ``__dict__`` unless every
    class on its MRO (the user's own, over ``object``) declares ``__slots__``; then only a slot."""
    names = _declared_slots(obj)
    return names is None or attr in names or "__dict__" in names


def _refuse_named_tuple_attr(obj: InstanceVal, attr: str, span: Span) -> None:
    """A NamedTuple's fields are read-only properties (even to ``object.__setattr__``), and the class
    keeps no ``__dict__`` (``__slots__ = ()``): a subclass of it without slots does."""
    for c in obj.cls.mro():
        if c.tuple_like:
            if any(f[0] == attr for f in c.fields or ()):
                raise UserRaise(span, "AttributeError: can't set attribute")
            if c is obj.cls:
                raise UserRaise(span, f"AttributeError: '{c.name}' object has no attribute '{attr}'")
            return


def _refuse_frozen_field(obj: InstanceVal, attr: str, span: Span) -> None:
    """A frozen dataclass's generated ``__setattr__`` (the first ``__setattr__`` on the instance's
    MRO) raises FrozenInstanceError for an instance of the class itself, or for one of its fields."""
    for c in obj.cls.mro():
        if c.frozen:
            if obj.cls is c or any(f[0] == attr for f in c.fields or ()):
                raise UserRaise(span, f"FrozenInstanceError: cannot assign to field {attr!r}")
            return
        if "__setattr__" in c.attrs:
            return


#: Builtins that take every item of their argument.
_EXHAUSTING = frozenset({"list", "tuple", "sorted", "sum", "set", "frozenset", "dict", "min", "max"})


def _may_leave_early(loop: ast.AST) -> bool:
    """Whether a loop's body may end it before its iterator is exhausted: a ``break`` of this
    loop, or a ``return``/``raise`` anywhere in it (not inside a nested function)."""
    def leaves(nodes, inner: bool) -> bool:
        for n in nodes:
            if isinstance(n, (ast.Return, ast.Raise)) or isinstance(n, ast.Break) and not inner:
                return True
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            if isinstance(n, (ast.For, ast.AsyncFor, ast.While)):  # its own breaks end it, not ours
                if leaves(n.body, True) or leaves(n.orelse, inner):
                    return True
                continue
            if leaves(ast_children(n), inner):
                return True
        return False

    return leaves(loop.body, False)


def _uniform_truth(mask: Array) -> Optional[bool]:
    """The truth every element of a 1-d boolean ndarray holds (``np.zeros(w, bool)``), or None."""
    if mask.dtype != "bool" or mask.ndim != 1:
        return None
    if mask.true_count in (0, mask.size):
        return mask.true_count == mask.size
    if mask.value is not None and (mask.value.all() or not mask.value.any()):
        return bool(mask.value.all())
    return None


def _count_after_setting(mask: Array, before: Optional[bool], key: Value, value: Value) -> Optional[int]:
    """How many elements of ``mask`` are True after ``mask[key] = value``, where that is known
    without the elements: a mask all of one truth set at distinct positions in range (an
    argsort's top k), to a known truth. None otherwise."""
    if before is None or not (isinstance(value, Known) and type(value.value) in (bool, int, float)):
        return None
    if not (isinstance(key, Array) and key.distinct and key.ndim == 1 and key.dtype.startswith(("int", "uint"))
            and key.vrange is not None and 0 <= key.vrange[0] and key.vrange[1] < mask.size):
        return None
    now = bool(value.value)
    if now == before:
        return mask.size if before else 0
    return key.size if now else mask.size - key.size
