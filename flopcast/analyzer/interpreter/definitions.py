"""Function and class definitions: closures, decorators, caches, metaclasses, dataclasses.
"""

from __future__ import annotations

import ast
import enum
import functools
from collections import ChainMap
from typing import Optional

from flopcast.analyzer import descriptors, dispatch, enum_members, flags, lru, ordering
from flopcast.analyzer.ops import OpError, type_info
from flopcast.analyzer.values import (BoundMethod, Builtin, ClassVal, DictVal, ENUM_AUTO, FunctionVal, InstanceVal,
                                      Known, LibRef, ListVal, PartialVal, TupleVal,
                                      Value)
from flopcast.model import Span
from flopcast.analyzer.interpreter.classes import _CACHING_DECORATORS, _is_enum
from flopcast.analyzer.interpreter.common import _eager_annotations, _source
from flopcast.analyzer.interpreter.frames import Frame, _ComprehensionTargets


#: Base classes that make a class a named tuple (fields from annotations, unpacks like a tuple).
_NAMEDTUPLE_BASES = {"py:typing.NamedTuple"}


#: Decorators (or decorator factories) that leave a function's cost as it is.
_TRANSPARENT_DECORATORS = {
    "py:functools.lru_cache", "py:functools.cache", "py:functools.wraps",
    "py:typing.overload", "py:typing.final", "py:abc.abstractmethod",
}


def _target_names(node) -> frozenset:
    """The names a comprehension's `for` targets bind (its own scope's)."""
    return frozenset(n.id for gen in node.generators for n in ast.walk(gen.target) if isinstance(n, ast.Name))


class Definitions:
    """The Interpreter's methods for function and class definitions."""

    def stmt_FunctionDef(self, node: ast.FunctionDef) -> None:
        if _eager_annotations(self.frame.module.tree):
            a = node.args
            for arg in (*a.posonlyargs, *a.args, a.vararg, *a.kwonlyargs, a.kwarg):
                if arg is not None and arg.annotation is not None:
                    self._check_annotation(arg.annotation)
            if node.returns is not None:
                self._check_annotation(node.returns)
        fn = self.make_function(node)
        for deco in reversed(node.decorator_list):
            if isinstance(deco, ast.Attribute) and deco.attr == "setter":
                prop = self.eval(deco.value)
                if isinstance(prop, FunctionVal) and prop.kind == "property":
                    prop.setter = fn  # `@x.setter`: the property x, now with a setter
                    fn = prop
                    continue
            if isinstance(deco, ast.Call):
                factory = self.eval(deco.func)
                if isinstance(factory, LibRef) and factory.path in _TRANSPARENT_DECORATORS:
                    # @lru_cache(maxsize=...), @wraps(f): the function itself, as far as cost goes
                    if factory.path == "py:functools.wraps" and deco.args:
                        self.update_wrapper(fn, self.eval(deco.args[0]), self.node_span(deco))
                    if factory.path in _CACHING_DECORATORS:
                        self.cache_function(fn, lru.spec_of([self.eval(a) for a in deco.args],
                                                            {k.arg: self.eval(k.value) for k in deco.keywords if k.arg}))
                    continue
            d = self.eval(deco)
            if isinstance(d, Builtin) and d.name in ("staticmethod", "classmethod", "property"):
                fn.kind = d.name
            elif isinstance(d, LibRef) and d.path == "py:enum.property":
                fn.kind = "enum_property"  # a property on a member; on the class, AttributeError
            elif isinstance(d, LibRef) and d.path == "py:functools.cached_property":
                fn.kind = "cached_property"
            elif isinstance(d, LibRef) and d.path in dispatch.MAKERS:
                fn = self.call_lib(d.path, [fn], {}, self.node_span(deco), deco)
            elif isinstance(d, LibRef) and d.path in _TRANSPARENT_DECORATORS:
                if d.path == "py:abc.abstractmethod":
                    fn.abstract = True  # an ABC with it unresolved refuses to be instantiated
                if d.path in _CACHING_DECORATORS:  # @cache keeps every entry, @lru_cache 128
                    self.cache_function(fn, lru.CacheSpec(None if d.path == "py:functools.cache" else lru.DEFAULT_MAXSIZE))
            elif isinstance(d, LibRef) and d.path.startswith("rawnumpy."):
                fn = self.call(d, [fn], {}, self.node_span(deco))  # `@np.vectorize`: what numpy makes of it
            elif isinstance(d, Known) or isinstance(d, LibRef) or type_info.is_errstate(d):
                pass
            else:
                fn = self.call(d, [fn], {}, self.node_span(deco))
        self.frame.vars[node.name] = fn

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def update_wrapper(self, wrapper: Value, wrapped: Value, span: Span) -> None:
        """``@functools.wraps(wrapped)``: the wrapper (a function, or an object of a decorator
        class) takes the wrapped function's name, qualname and doc, its attributes (``__dict__``)
        and ``__wrapped__``, as update_wrapper sets them (a registry keyed by ``fn.__name__`` of
        decorated functions reads the wrapped name)."""
        if not isinstance(wrapped, FunctionVal):
            return  # (a class or a bound method: their names are read where they are asked for)
        for attr in ("__name__", "__qualname__", "__doc__"):
            wrapper.attrs[attr] = self.get_attr(wrapped, attr, span)
        wrapper.attrs.update(wrapped.attrs)
        wrapper.attrs["__wrapped__"] = wrapped

    @staticmethod
    def cache_function(fn: FunctionVal, spec: Optional[lru.CacheSpec]) -> None:
        """``fn`` behind an lru_cache wrapper (None: maxsize 0, a wrapper that only calls it)."""
        if spec is None:
            return
        if fn.cached:
            # Two tables stacked: a repeat hits one of them whenever either keeps every entry;
            # otherwise which misses both is not modelled.
            inner = fn.cache_spec
            unbounded = inner.known and spec.known and inner.typed == spec.typed \
                and (inner.maxsize is None or spec.maxsize is None)
            spec = lru.CacheSpec(None, spec.typed) if unbounded else lru.CacheSpec(known=False)
        fn.cached, fn.cache_spec = True, spec

    def make_function(self, node, name: Optional[str] = None) -> FunctionVal:
        a = node.args
        defaults = [self.eval(d) for d in a.defaults]
        kw_defaults = {arg.arg: self.eval(d) for arg, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None}
        qual = name or getattr(node, "name", "<lambda>")
        if self.frame.qualname != "<module>":
            if self.frame.function is None and self.frame.cls is not None:
                qual = f"{self.frame.qualname}.{qual}"
            else:
                qual = f"{self.frame.qualname}.<locals>.{qual}"
        if self._comprehensions and self._comprehensions[-1].frame is self.frame:
            # a lambda in a comprehension: its targets, then the enclosing function's live names
            closure = self._comprehension_closure(len(self._comprehensions) - 1)
            return FunctionVal(node, self.frame.module, qual, defaults, kw_defaults, closure, None)
        closure = self._scope_closure(self.frame)
        return FunctionVal(node, self.frame.module, qual, defaults, kw_defaults, closure, None)

    def _scope_closure(self, frame: Frame):
        """What a function made in ``frame`` closes over: its variables (live, as Python's cells
        are), then the enclosing functions' (None at module level). A class body is no scope
        functions close over: its methods close over the function the class statement runs in."""
        if frame.function is None and frame.enclosing is not None:
            return self._scope_closure(frame.enclosing)
        closure = frame.vars if frame.qualname != "<module>" and frame.function is not None else None
        outer = frame.function.closure if closure is not None else None
        if outer is not None:
            # a def inside a nested function reads the enclosing functions' variables too
            closure = ChainMap(closure, *getattr(outer, "maps", [outer]))
        return closure

    def _comprehension_closure(self, index: int) -> ChainMap:
        """What a lambda made in the ``index``-th running comprehension closes over: that
        comprehension's own targets (read when the lambda is called: the last item's once the
        comprehension is done), then the enclosing scope's names as they are when it is called.
        The comprehension's frame holds a copy of the enclosing names made when it started:
        reading those would give a name rebound since its old value, and at module level the
        targets were not visible at all (names there are looked up in the module)."""
        running = self._comprehensions[index]
        own = _ComprehensionTargets(running.frame.vars, _target_names(running.node))
        enclosing = self._outer_frames[running.depth]
        if index > 0 and self._comprehensions[index - 1].frame is enclosing:
            rest = self._comprehension_closure(index - 1)
        else:
            rest = self._scope_closure(enclosing)
        if rest is None:
            return ChainMap(own)
        return ChainMap(own, *getattr(rest, "maps", [rest]))

    def _enum_auto_value(self, cls: ClassVal, node: ast.ClassDef, name: str, last_values: list) -> Optional[Value]:
        """What ``NAME = enum.auto()`` is, where the numbering is not Enum's or Flag's own: the
        ``_generate_next_value_(name, start, count, last_values)`` the body defined before it (or a
        base enum of the user's), called as a plain function as _EnumDict calls it, or StrEnum's,
        the name in lower case; None for the default numbering."""
        _, generate = cls.lookup("_generate_next_value_")  # (the body itself is cls.attrs while it runs)
        if isinstance(generate, FunctionVal):
            return self.call_user(generate, [Known(name), Known(1), Known(len(last_values)), ListVal(list(last_values))],
                                  {}, self.node_span(node))
        if any(isinstance(b, LibRef) and b.path == "py:enum.StrEnum" for c in cls.mro() for b in c.bases):
            return Known(name.lower())
        return None

    def _init_enum_members(self, cls: ClassVal, node: ast.ClassDef) -> None:
        """Enum makes each member by the class's own ``__new__`` where it has one (whose
        ``_value_`` is then the member's value, ``Kind("full")`` finds it by that, and a member
        whose value an earlier one has is an alias of it), then runs the class's own ``__init__``
        on it; both take the member's value, a tuple spread over the parameters
        (``FULL = ("full", 3)`` with ``__init__(self, label, passes)``)."""
        _, new = cls.lookup("__new__")
        _, init = cls.lookup("__init__")
        members = cls.attrs.get("__members__")
        if not isinstance(members, DictVal) or not isinstance(new, FunctionVal) and not isinstance(init, FunctionVal):
            return
        span = self.node_span(node)
        made: list = []
        for name, member in list(members.items.items()):
            if any(member is m for m in made):
                continue  # an alias: made once
            value = member.attrs["value"]
            args = [Known(v) for v in value.value] if isinstance(value.value, tuple) else [value]
            if isinstance(new, FunctionVal):
                obj = self.call_user(new, [cls] + args, {}, span)
                if not (isinstance(obj, InstanceVal) and obj.cls is cls):
                    # (`int.__new__(cls, v)` of an IntEnum's: a number that is a member, not modelled)
                    self.unpriced(node, f"{cls.name}.__new__", "an Enum whose __new__ makes its members "
                                  "otherwise than by object.__new__(cls) is not modelled")
                    return
                own = obj.attrs.get("_value_", value)
                member.attrs.update({k: v for k, v in obj.attrs.items() if k not in ("name", "_name_")})
                member.attrs["value"] = member.attrs["_value_"] = own
                earlier = next((m for m in made if isinstance(own, Known) and isinstance(m.attrs["value"], Known)
                                and m.attrs["value"].value == own.value), None)
                if earlier is not None:
                    cls.attrs[name] = members.items[name] = earlier
                    listed = cls.attrs["__iter_members__"].items
                    listed[:] = [m for m in listed if m is not member]
                    continue
            made.append(member)
            if isinstance(init, FunctionVal):
                self.call_user(init, [member] + args, {}, span)
        if isinstance(new, FunctionVal) and "_value2member_map_" in cls.attrs:
            # (the members' values are their own __new__'s `_value_`)
            by_value: dict = {}
            for m in made:
                value = m.attrs["value"]
                if isinstance(value, Known):
                    try:
                        by_value.setdefault(value.value, m)
                    except TypeError:  # (an unhashable value: in no map)
                        pass
            cls.attrs["_value2member_map_"] = DictVal(by_value)

    def stmt_ClassDef(self, node: ast.ClassDef) -> None:
        bases = [self.eval(b) for b in node.bases]
        qual = node.name
        if self.frame.qualname != "<module>":
            # a class in a class body is `Outer.Inner`, one in a function `f.<locals>.Inner`
            in_class = self.frame.function is None and self.frame.cls is not None
            qual = f"{self.frame.qualname}.{node.name}" if in_class else f"{self.frame.qualname}.<locals>.{node.name}"
        cls = ClassVal(node.name, qual, [b for b in bases], {}, node, self.frame.module)
        cls.metaclass = self.metaclass_of(node, bases)
        enum_body = _is_enum(cls)
        nonmembers: set = set()
        if enum_body:
            # auto() numbered as it is assigned, as enum's _EnumDict does
            cls.attrs = _EnumBody(flags.is_flag(cls), functools.partial(self._enum_auto_value, cls, node))
        saved = self.frame
        body_frame = Frame(cls.attrs, self.frame.module, qual, None, cls)
        body_frame.vars = cls.attrs
        body_frame.enclosing = saved
        self._outer_frames.append(saved)
        self._opaque_depth += 1
        self.frame = body_frame
        try:
            self.exec_block(node.body)
        finally:
            self.frame = saved
            self._outer_frames.pop()
            self._opaque_depth -= 1
        if enum_body:
            nonmembers = cls.attrs.nonmembers
            cls.attrs = dict(cls.attrs)
        if descriptors.defines_get(cls):
            self.descriptors = True
        for v in cls.attrs.values():
            if isinstance(v, FunctionVal) and v.owner is None:
                v.owner = cls
        if cls.metaclass is not None:
            made = self.apply_metaclass(cls, node)
            if not isinstance(made, ClassVal):  # a metaclass may make anything
                saved.vars[node.name] = made
                return
            cls = made
        else:
            self.init_subclass(cls, node)
        if _is_enum(cls):
            unknown = enum_members.make_members(cls, nonmembers)
            if unknown:
                # the class is not known: len(), iteration and lookups by value would miss them
                saved.vars[node.name] = self.unpriced(
                    node, f"class {cls.name}", f"Enum members whose values are not known constants "
                    f"({', '.join(unknown)}: a list, a nested class, a value read at run time) are not modelled")
                return
            self._init_enum_members(cls, node)
        named_tuple = any(isinstance(b, LibRef) and b.path in _NAMEDTUPLE_BASES for b in bases)
        if named_tuple:
            cls.fields = self.dataclass_fields(cls, node)
            cls.tuple_like = named_tuple
        # The decorators, evaluated top-down and applied bottom-up as Python applies them
        # (`@register` over `@dataclass` registers the dataclass).
        applied = []
        for deco in node.decorator_list:
            target = self.eval(deco.func if isinstance(deco, ast.Call) else deco)
            if isinstance(target, LibRef) and target.path == "py:dataclasses.dataclass":
                applied.append(("dataclass", deco, target))
            elif isinstance(target, LibRef) and target.path == "py:functools.total_ordering" \
                    and not isinstance(deco, ast.Call):
                applied.append(("total_ordering", deco, target))
            else:
                applied.append(("call", deco, self.eval(deco) if isinstance(deco, ast.Call) else target))
        for kind, deco, d in reversed(applied):
            if not isinstance(cls, ClassVal):
                if kind == "call" and isinstance(d, (FunctionVal, BoundMethod)):
                    cls = self.call(d, [cls], {}, self.node_span(deco))
                continue
            if kind == "dataclass" and not named_tuple and self.is_dataclass_decorated(node) and cls.node is node:
                cls.fields = self.dataclass_fields(cls, node)
                frozen = next((k.value for k in deco.keywords if k.arg == "frozen"), None) \
                    if isinstance(deco, ast.Call) else None
                if frozen is not None:
                    if not (isinstance(frozen, ast.Constant) and isinstance(frozen.value, bool)):
                        raise OpError("dataclass(frozen=...) of a value flopcast does not read")
                    cls.frozen = frozen.value
                slots = next((k.value for k in deco.keywords if k.arg == "slots"), None) \
                    if isinstance(deco, ast.Call) else None
                keyword = {k.arg: k.value for k in deco.keywords} if isinstance(deco, ast.Call) else {}
                eq, hashed = keyword.get("eq"), keyword.get("unsafe_hash")
                if any(k is not None and not (isinstance(k, ast.Constant) and isinstance(k.value, bool))
                       for k in (eq, hashed)):
                    raise OpError("dataclass(eq=..., unsafe_hash=...) of a value flopcast does not read")
                if (eq is None or eq.value) and not cls.frozen and not (hashed is not None and hashed.value) \
                        and not isinstance(cls.attrs.get("__hash__"), FunctionVal):
                    cls.attrs["__hash__"] = Known(None)  # a mutable dataclass compared by fields: unhashable
                # (unsafe_hash without frozen hashes fields that may change after the key is stored)
                cls.hashed_by_fields = (eq is None or eq.value) and cls.frozen \
                    and "__eq__" not in cls.attrs and "__hash__" not in cls.attrs \
                    and not any("hash" in p[3] for p in cls.init_params or ())
                if slots is not None:
                    if not (isinstance(slots, ast.Constant) and isinstance(slots.value, bool)):
                        raise OpError("dataclass(slots=...) of a value flopcast does not read")
                    if slots.value:  # the class made again with a slot per field of its own
                        own = [p[0] for p in cls.init_params or cls.fields if not (p[3:] and "initvar" in p[3])]
                        inherited = {f[0] for b in cls.mro()[1:] for f in b.fields or ()}
                        cls.attrs["__slots__"] = Known(tuple(n for n in own if n not in inherited))
                if eq is not None and not eq.value:
                    cls.generated = {**(cls.generated or {}), "identity": True}  # eq=False: object's ==
                if (eq is None or eq.value) and "__eq__" not in cls.attrs:
                    compared = [p[0] for p in (cls.init_params or [(*f, frozenset()) for f in cls.fields])
                                if "initvar" not in p[3] and "nocompare" not in p[3]]
                    ordering.dataclass_eq(self, cls, compared, deco)
                order = next((k.value for k in deco.keywords if k.arg == "order"), None) \
                    if isinstance(deco, ast.Call) else None
                if order is not None:
                    if not (isinstance(order, ast.Constant) and isinstance(order.value, bool)):
                        raise OpError("dataclass(order=...) of a value flopcast does not read")
                    if order.value:
                        compared = [p[0] for p in (cls.init_params or [(*f, frozenset()) for f in cls.fields])
                                    if "initvar" not in p[3] and "nocompare" not in p[3]]
                        ordering.dataclass_order(self, cls, compared, deco, self.node_span(deco))
            elif kind == "total_ordering":
                cls = ordering.apply(self, cls, deco, self.node_span(deco))
            elif kind == "call" and isinstance(d, (FunctionVal, BoundMethod)):
                cls = self.call(d, [cls], {}, self.node_span(deco))
        saved.vars[node.name] = cls

    def metaclass_of(self, node: ast.ClassDef, bases: list) -> Optional[ClassVal]:
        """The user's metaclass of a class statement: its ``metaclass=`` keyword, else its bases'
        (a library metaclass such as ABCMeta is None: nothing of the user's runs)."""
        meta = next((self.eval(k.value) for k in node.keywords if k.arg == "metaclass"), None)
        if meta is None:
            meta = next((b.metaclass for b in bases if isinstance(b, ClassVal) and b.metaclass is not None), None)
        if isinstance(meta, (FunctionVal, BoundMethod, PartialVal)):
            self._unpriced_at(self.node_span(node), "metaclass", "a function as a metaclass is not modelled")
        if not isinstance(meta, ClassVal):
            return None
        if isinstance(meta.lookup("__prepare__")[1], FunctionVal):
            self._unpriced_at(self.node_span(node), "metaclass", "a metaclass's __prepare__ (the namespace the "
                                                                   "class body fills) is not modelled")
        return meta

    def apply_metaclass(self, cls: ClassVal, node: ast.ClassDef) -> Value:
        """Python makes the class by calling its metaclass: ``meta.__new__(meta, name, bases,
        namespace)`` (whose ``type.__new__`` makes the class from the namespace, and calls the
        bases' ``__init_subclass__``), then ``meta.__init__`` on what it returned when that is a class."""
        meta, span = cls.metaclass, self.node_span(node)
        namespace = DictVal(dict(cls.attrs))
        args = [Known(cls.name), TupleVal(tuple(cls.bases)), namespace]
        self._pending_classes.append((cls, node))
        try:
            _, new = meta.lookup("__new__")
            if isinstance(new, FunctionVal):
                made = self.call_user(new, [meta] + args, {}, span)
            else:
                made = self.type_new(args)
        finally:
            self._pending_classes.pop()
        _, init = meta.lookup("__init__")
        if isinstance(made, ClassVal) and isinstance(init, FunctionVal):
            self.call_user(init, [made] + args, {}, span)
        return made

    def type_new(self, args: list) -> Value:
        """``type.__new__(meta, name, bases, namespace)`` inside a metaclass: the class of the
        statement being made, its attributes the namespace's (the metaclass may have changed them)."""
        if not self._pending_classes:
            raise OpError("type.__new__ outside a class statement is not modelled")
        cls, node = self._pending_classes[-1]
        namespace = args[-1] if args else None
        if not (isinstance(namespace, DictVal) and all(isinstance(k, str) for k in namespace.items)):
            raise OpError("type.__new__ with a namespace that is not a dict of names is not modelled")
        cls.attrs.clear()
        cls.attrs.update(namespace.items)
        self.init_subclass(cls, node)
        return cls

    def init_subclass(self, cls: ClassVal, node: ast.ClassDef) -> None:
        """Python calls the nearest base's ``__init_subclass__`` (an implicit classmethod) with
        the class keywords once the class exists, before its decorators: registries fill here.
        Before it, ``type.__new__`` calls the attributes' ``__set_name__``."""
        if self.descriptors:
            descriptors.set_names(self, cls, self.node_span(node))
        for base in cls.mro()[1:]:
            hook = base.attrs.get("__init_subclass__") if isinstance(base, ClassVal) else None
            if isinstance(hook, FunctionVal):
                kwargs = {k.arg: self.eval(k.value) for k in node.keywords if k.arg and k.arg != "metaclass"}
                self.call(BoundMethod(hook, cls), [], kwargs, self.node_span(node))
                return

    def is_dataclass_decorated(self, node: ast.ClassDef) -> bool:
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            d = self.eval(target)
            if isinstance(d, LibRef) and d.path == "py:dataclasses.dataclass":
                if isinstance(deco, ast.Call):
                    init = next((k.value for k in deco.keywords if k.arg == "init"), None)
                    if init is not None and isinstance(init, ast.Constant) and init.value is False:
                        return False
                return True
        return False

    def dataclass_fields(self, cls: ClassVal, node: ast.ClassDef) -> list:
        """The generated ``__init__``'s parameters: inherited dataclass fields, then this class's
        annotated names in order (ClassVar excluded), with their defaults or default factories.
        An ``InitVar`` (a parameter handed to ``__post_init__``, not a field), ``field(init=False)``
        and keyword-only fields (``kw_only=``, ``_: KW_ONLY``) are kept in ``cls.init_params``."""
        params: list = []  # (name, default, factory, flags), fields and InitVars in order
        for base in reversed(cls.mro()[1:]):
            inherited = base.init_params if base.init_params is not None else \
                [(n, d, f, frozenset()) for n, d, f in base.fields or []]
            for p in inherited:
                params = _with_field(params, p)
        kw_only = any(isinstance(deco, ast.Call) and any(
            k.arg == "kw_only" and isinstance(k.value, ast.Constant) and k.value.value is True for k in deco.keywords)
            for deco in node.decorator_list)
        named_tuple = any(isinstance(b, LibRef) and b.path in _NAMEDTUPLE_BASES for b in cls.bases)
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            annotation = _source(stmt.annotation)
            if "ClassVar" in annotation:
                continue
            if not named_tuple and annotation.rsplit(".", 1)[-1] == "KW_ONLY":
                kw_only = True  # `_: KW_ONLY`: the fields after it are keyword-only
                continue
            flags = set()
            if not named_tuple and annotation.split("[", 1)[0].rsplit(".", 1)[-1] == "InitVar":
                flags.add("initvar")
            if kw_only:
                flags.add("kw_only")
            name = stmt.target.id
            default = factory = None
            if stmt.value is not None:
                value = stmt.value
                callee = self.eval(value.func) if isinstance(value, ast.Call) else None
                if isinstance(callee, LibRef) and callee.path == "py:dataclasses.field":
                    for kw in value.keywords:
                        if kw.arg == "default":
                            default = self.eval(kw.value)
                        elif kw.arg == "default_factory":
                            factory = self.eval(kw.value)
                        elif kw.arg == "hash":
                            flags.add("hash")  # what the generated __hash__ reads is then not the compared fields
                        elif kw.arg == "compare":
                            choice = self.eval(kw.value)
                            if not isinstance(choice, Known):
                                raise OpError("field(compare=...) of a value flopcast does not know")
                            if not choice.value:
                                flags.add("nocompare")
                        elif kw.arg in ("init", "kw_only"):
                            choice = self.eval(kw.value)
                            if not isinstance(choice, Known):
                                raise OpError(f"field({kw.arg}=...) of a value flopcast does not know")
                            if kw.arg == "init" and not choice.value:
                                flags.add("noinit")
                            elif kw.arg == "kw_only":
                                flags.discard("kw_only")
                                if choice.value:
                                    flags.add("kw_only")
                    if default is None:
                        cls.attrs.pop(name, None)
                    else:
                        cls.attrs[name] = default
                else:
                    default = cls.attrs.get(name)
                    if self.descriptors and default is not None and descriptors.on_type(cls, name) is default:
                        # a descriptor-typed field: its default is what `getattr(cls, name)` gives
                        default = descriptors.get(self, default, Known(None), cls, self.node_span(stmt))
            params = _with_field(params, (name, default, factory, frozenset(flags)))
        cls.init_params = params if any(p[3] for p in params) else None
        return [(n, d, f) for n, d, f, flags in params if "initvar" not in flags]


class _EnumBody(dict):
    """An enum class body's namespace: ``enum.auto()`` gets its value when it is assigned, as
    Python's ``_EnumDict`` gives it (``FULL = MEAN | VAR`` in the body reads the numbers), by
    ``_generate_next_value_``: Enum the largest value so far plus one, Flag the power of two
    above the largest (1, 2, 4, ...), both from 1."""

    def __init__(self, flag: bool, generate):
        super().__init__()
        self.flag = flag
        self.generate = generate  # (name, last values) -> a value another numbering gives, or None
        self.nonmembers: set = set()  # names assigned an enum.nonmember(...)

    def __setitem__(self, name, value) -> None:
        if isinstance(value, Known) and isinstance(value.value, enum.nonmember):
            # `LIMIT = enum.nonmember(3)`: a plain class attribute holding 3, as _EnumDict stores it
            self.nonmembers.add(name)
            value = Known(value.value.value)
        elif isinstance(value, Known) and isinstance(value.value, enum.member):
            value = Known(value.value.value)  # `B = enum.member(2)`: the member's value
        elif isinstance(value, Known) and value.value is ENUM_AUTO and enum_members.member_name(name):
            last = [v for k, v in self.items() if enum_members.member_name(k) and isinstance(v, Known)
                    and k not in self.nonmembers]
            value = self.generate(name, last) or Known(self._next())
        super().__setitem__(name, value)

    def _next(self):
        last = [v.value for k, v in self.items() if enum_members.member_name(k) and isinstance(v, Known)
                and type(v.value) is int and k not in self.nonmembers]
        if not last:
            return 1
        return 2 ** max(last).bit_length() if self.flag else max(last) + 1


def _with_field(params: list, field: tuple) -> list:
    """``params`` with ``field``: a name already there is redefined where it stands (dataclasses
    collects fields in a dict, so `x: int = 3` in a subclass keeps the base's position of x)."""
    if any(p[0] == field[0] for p in params):
        return [field if p[0] == field[0] else p for p in params]
    return params + [field]
