"""Canonical forms of abstract state, equal exactly when two states cannot be told apart.

The interpreter is deterministic: from two states that differ only in *which* allocation
identities they use (the same aliasing between arrays, the same sharing of containers),
it makes the same charges, the same decisions and equal results. ``Canon`` writes a
state as a nested tuple in which every array identity, array object and mutable
container is replaced by the order in which the walk first met it, so equal tuples mean
states that are the same up to a renaming of identities. Values it does not know how to
compare make the whole form ``None`` (never equal to anything), which only costs speed.

Used to skip the repeated iterations of a loop that has reached a steady state, and to
reuse the effects of a call of a user function made again in an equal state.
"""

from __future__ import annotations

import ast
import weakref
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePath
from typing import Any, Optional

from flopcast.analyzer import compared_floats, presumptions, scalar_values, signs
from flopcast.analyzer.values import (
    POWER_CAP,
    Array,
    BoundLib,
    BoundMethod,
    Builtin,
    ClassVal,
    CountKnown,
    ChainMapVal,
    DequeVal,
    DictVal,
    DTypeRef,
    FunctionVal,
    Generator,
    LazyIterator,
    InstanceVal,
    Known,
    LibRef,
    ListVal,
    MLPVal,
    ModuleVal,
    NumpyScalar,
    ObjKey,
    PartialVal,
    PartialMethodVal,
    RandomVal,
    SeqIterator,
    TupleVal,
    Unknown,
)
from flopcast.syntax import ast_walk, calls_introspection


class Incomparable(Exception):
    """The state holds a value whose behaviour the canonical form cannot capture."""


_SCALARS = (int, float, complex, str, bytes, bool, type(None), Fraction)  # Fraction: a cost model's exact shares
_EXACT_SCALARS = frozenset(_SCALARS)


class Canon:
    """One walk: identities numbered in order of first meeting, shared across calls of ``form``."""

    #: Whether the class writes a plain Known and a user instance as Canon does (it overrides
    #: neither ``form`` nor ``_instance``): the containers' loops then write them without the
    #: dispatch (``_items``). Set for each subclass (``__init_subclass__``).
    _direct = True
    #: Whether what is known of a value beyond its kind is part of its form: its sign (signs.py: a
    #: norm is never negative) and whether it is a difference of two arrays (presumptions.py: a
    #: hand-written closeness check). It is of a memoised call's key (what a call knows of its
    #: arguments decides what it presumes); a join's walk (joins.py) leaves it out: a branch that
    #: takes `fnp.abs(var)` or `d - fnp.mean(d)` leaves values the other branch's code treats
    #: alike, only known otherwise. What that knowledge can change after the join is a site's
    #: presumed option (joins.py then finds the single flip answering a later site otherwise than
    #: the base path), whether a math function's raise is a site (a site the runs do not share),
    #: and an integer clamped from a norm (`int(min(norm, k))`), whose low end 0 a size or a trip
    #: count takes either way.
    knowledge = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._direct = cls.form is Canon.form and cls._instance is Canon._instance and cls.number is Canon.number

    def __init__(self, nonzero_counts: Optional[dict] = None) -> None:
        # The interpreter's nonzero count chosen per mask identity: part of what a mask is.
        self.nonzero_counts = nonzero_counts or {}
        self.idents: dict = {}  # array ident -> number
        self.objects: dict = {}  # id(object) -> number, for arrays and mutable containers
        self.by_object: list = []  # number -> object (keeps them alive, so their id() stays theirs)
        self.by_ident: list = []  # number -> ident
        self.closure_names: dict = {}  # closure number -> the names of it written so far
        self.shared_only = False  # repeats.CallMemo: a key made only to reuse a call across runs
        self.met_module = False  # a module object was written (its globals are not in its form)
        # Attribute names no code reads from an instance (write_only.unread): of a plain scalar
        # one holds, only its kind is written (a steady loop's state: repeats.SteadyLoop).
        self.unread: frozenset = frozenset()

    def number(self, table: dict, key: Any, obj: Any = None) -> tuple[int, bool]:
        if key in table:
            return table[key], False
        table[key] = len(table)
        if table is self.objects:
            self.by_object.append(obj)
        else:
            self.by_ident.append(key)
        return table[key], True

    def form(self, value: Any) -> Any:
        # Dispatch on the exact class (the walk is the hot path of steady loops and call
        # probes); the isinstance chain below serves subclasses, and writes the same forms.
        method = _FORMS.get(value.__class__)
        if method is not None:
            return method(self, value)
        return self._form_by_kind(value)

    def _array(self, value: Array) -> tuple:
        idents, objects = self.idents, self.objects
        ident = idents.get(value.ident)
        if ident is None:
            ident = idents[value.ident] = len(idents)
            self.by_ident.append(value.ident)
        obj = objects.get(id(value))
        if obj is None:
            obj = objects[id(value)] = len(objects)
            self.by_object.append(value)
        return ("A", value.shape, value.dtype, value.sym, value.dtype_origin, ident, obj,
                self.nonzero_counts.get(value.ident), value.vrange,
                None if value.counts is None else self.counted(value.counts), value.plain,
                value.presumed if self.knowledge or not presumptions.is_mark(value.presumed) else None,
                None if value.value is None else scalar_values.form(value.value),
                value.fbounds if self.knowledge or value.fbounds is not signs.NONNEGATIVE else None,
                None if value.elements is None else value.elements.key,
                # (a squaring's depth grows from iteration to iteration: a loop repeats only once
                # it no longer changes whether a symmetric product may overflow; a join's walk
                # leaves it out: it changes no count, only which products presume no overflow)
                min(value.power, POWER_CAP) if self.knowledge else None,
                # (and how many times one matrix is multiplied into it so far: the next product
                # with it grows the depth, overflow._times)
                _repeats(value) if self.knowledge else None)

    def _known_value(self, value: Known) -> tuple:
        v = value.value
        cls = v.__class__
        if cls in _EXACT_SCALARS:
            if cls is float:
                return _known_form(value, v)
            return ("K", (cls.__name__, v))
        if cls is set:
            # a set is an object that can change (builtins.set_of): named by its object, as a list
            objects = self.objects
            n = objects.get(id(v))
            if n is not None:
                return ("KS", n, None)
            n = objects[id(v)] = len(objects)
            self.by_object.append(v)
            return ("KS", n, tuple(_known(x) for x in v))  # in its iteration order
        return _known_form(value, v)

    def _count(self, value: CountKnown) -> tuple:
        # a size read from a selection: its tests are answered and recorded (sizetests.py)
        return ("C", self._known_value(value), value.origin, value.on_presumed, value.key, value.lo, value.hi,
                value.chain)

    def _deque(self, value: DequeVal) -> tuple:
        return ("Q", value.maxlen, self._list(value))

    def _chain_map(self, value: ChainMapVal) -> tuple:
        return ("CM", self.form(value.maps))  # its maps: the list, and the dicts it shares

    def _tuple(self, value: TupleVal) -> tuple:
        if self._direct:
            return ("T", self._items(value.items))
        form = self.form
        return ("T", tuple([form(v) for v in value.items]))

    def _list(self, value: ListVal) -> tuple:
        objects = self.objects
        n = objects.get(id(value))
        if n is not None:
            return ("L", n, None)
        n = objects[id(value)] = len(objects)
        self.by_object.append(value)
        items = self._items(value.items) if self._direct else tuple([self.form(v) for v in value.items])
        if value.is_set or value.unordered or value.view_of is not None:
            # a set of objects, or a dict's view: not a list to the code that uses it
            return ("L", n, items, (value.is_set, value.unordered, value.view_of is not None))
        return ("L", n, items)

    def _items(self, items) -> tuple:
        """``tuple(self.form(v) for v in items)`` for a class that keeps the dispatch (``_direct``),
        with a plain Known, and a user instance met already, written without it (the items of a
        memo's tuples are most of a cost model's state, walked at each of its calls' keys)."""
        form, objects = self.form, self.objects
        out = []
        append = out.append
        for v in items:
            cls = v.__class__
            if cls is Known:
                append(_KNOWN_FORM(self, v))
            elif cls is InstanceVal:
                n = objects.get(id(v))
                append(("I", n) if n is not None else _INSTANCE_FORM(self, v))
            else:
                append(form(v))
        return tuple(out)

    def _form_by_kind(self, value: Any) -> Any:
        for kind, method in _KINDS:
            if isinstance(value, kind):
                return method(self, value)
        raise Incomparable(type(value).__name__)

    def _unknown(self, value: Unknown) -> tuple:
        return ("U", value.kind, value.origin, value.reason, value.lo, value.hi, value.chain,
                self.counted(value.counts),
                value.presumed if self.knowledge or not presumptions.is_mark(value.presumed) else None,
                value.machine, value.text_or_none,
                compared_floats.form(value.compared, self.knowledge) if value.compared else (), value.python_float)

    def _scalar(self, value: NumpyScalar) -> tuple:
        if value.value is not None:
            return ("S", value.dtype, value.dtype_origin, scalar_values.form(value.value))
        if value.vrange is not None:
            return ("S", value.dtype, value.dtype_origin, None, value.vrange, value.origin)  # (its site: dataints.dict_key)
        if value.fbounds is not None and self.knowledge:
            return ("S", value.dtype, value.dtype_origin, None, None, None, value.fbounds)  # (a norm's sign: signs.py)
        return ("S", value.dtype, value.dtype_origin)

    def _dict(self, value: DictVal) -> tuple:
        if value.npz is not None:
            raise Incomparable("an NpzFile's view: its members are read anew at each use")
        objects = self.objects
        n = objects.get(id(value))
        if n is not None:
            return ("D", n)
        n = objects[id(value)] = len(objects)  # (Canon.number, inlined)
        self.by_object.append(value)
        form = self.form
        out = []
        append = out.append
        if self._direct:
            # (Canon._items, inlined: each key's form comes before its value's)
            for k, v in value.items.items():
                kcls = k.__class__
                if kcls is tuple:
                    key = _known_key(k)
                elif isinstance(k, ObjKey):
                    key = form(k.value)
                else:
                    key = _known(k)
                cls = v.__class__
                if cls is Known:
                    append((key, _KNOWN_FORM(self, v)))
                elif cls is InstanceVal:
                    m = objects.get(id(v))
                    append((key, ("I", m) if m is not None else _INSTANCE_FORM(self, v)))
                else:
                    append((key, form(v)))
        else:
            for k, v in value.items.items():
                append((form(k.value) if isinstance(k, ObjKey) else _known_key(k) if k.__class__ is tuple else _known(k),
                        form(v)))
        if value.ordered:
            return ("D", n, tuple(out), form(value.factory) if value.factory is not None else None, "ordered")
        return ("D", n, tuple(out), form(value.factory) if value.factory is not None else None)

    def _instance(self, value: InstanceVal) -> tuple:
        objects = self.objects
        n = objects.get(id(value))
        if n is not None:
            return ("I", n)
        n = objects[id(value)] = len(objects)  # (Canon.number, inlined)
        self.by_object.append(value)
        if value.payload is not None:
            return ("I", n, self.definition(value.cls), self.attributes(value.attrs), self.form(value.payload))
        return ("I", n, self.definition(value.cls), self.attributes(value.attrs))

    def _iterator(self, value: SeqIterator) -> tuple:
        # zip/enumerate/reversed/iter(): the items left (an object: what next() takes is shared)
        if isinstance(value, LazyIterator) and value._produce is not None:
            raise Incomparable("map()/filter() with items not made yet")
        n, new = self.number(self.objects, id(value), value)
        if not new:
            return ("SI", n)
        form = self.form
        return ("SI", n, tuple([form(v) for v in value.items[value.consumed:]]))

    def _mlp(self, value: MLPVal) -> tuple:
        n, new = self.number(self.objects, id(value), value)
        if not new:
            return ("M", n)
        return ("M", n, value.width, value.depth, self.form(value.weights), self.form(value.seed),
                None if value.name is None else self.form(value.name))

    def _function(self, value: FunctionVal) -> tuple:
        objects = self.objects
        n = objects.get(id(value))
        if n is not None:
            return ("F", n)
        form = self._function_form(value)
        if value.attrs:  # attributes set on the function (`wrapper.calls += 1`): state, never cached
            # (each where it sits, for the walks that watch numbers: `wrapper.calls += 1` of a decorator)
            attrs = value.attrs
            form += (tuple((k, self.attribute(attrs, k, v)) for k, v in sorted(attrs.items())),)
        return form

    def _function_form(self, value: FunctionVal) -> tuple:
        objects = self.objects
        n = objects[id(value)] = len(objects)
        self.by_object.append(value)
        if value.closure is None:
            # A module-level function or method: what follows its number cannot change once
            # its defaults are constants, and every call probe writes every module's functions
            # and classes, so that part is made once per function. (Its number stays: forms
            # compare across runs, where the same def is another object.)
            # (Made by a walk that names classes as this one does: joins.py and repeats.SharedCalls
            # name them by their statement, to compare across runs.)
            # One per way of naming classes: call keys shared across runs, loop probes and joins
            # walk the same functions in turn, and a single slot was remade at each switch.
            namer = type(self).definition
            made = value.form
            if made is not None:
                got = made.get(namer)
                if got is not None and got[0] == (value.kind, value.cached, value.owner):
                    return ("F", n) + got[1]
            if all(v.__class__ is Known for v in value.defaults) \
                    and all(v.__class__ is Known for v in value.kw_defaults.values()):
                tail = (id(value.node), value.kind, value.cached, self.definition(value.owner),
                        tuple([self._known_value(v) for v in value.defaults]),
                        tuple([(k, self._known_value(v)) for k, v in value.kw_defaults.items()]), None)
                if made is None:
                    made = value.form = {}
                made[namer] = ((value.kind, value.cached, value.owner), tail)
                return ("F", n) + tail
        closure = None
        if value.closure is not None:
            c, _ = self.number(objects, id(value.closure), value.closure)
            closure = (c, self._closure(c, value))
        form = self.form
        defaults, kw_defaults = value.defaults, value.kw_defaults
        return ("F", n, id(value.node), value.kind, value.cached, self.definition(value.owner),
                tuple([form(v) for v in defaults]) if defaults else (),
                tuple([(k, form(v)) for k, v in kw_defaults.items()]) if kw_defaults else (), closure)

    def _closure(self, number: int, value: FunctionVal) -> tuple:
        """The enclosing variables ``value`` can read (the names its code mentions), less
        those of the same closure already written by an earlier function of this walk.
        A closure is its enclosing frame's whole variables: writing all of them at every
        call of an inner function made each call cost as much as the frame is large."""
        env = value.closure
        free = _mentioned(value.node)
        written = self.closure_names.setdefault(number, set())
        names = [k for k in (env if free is None else free) if k in env and k not in written]
        written.update(names)
        form = self.form
        return tuple([(k, form(env[k])) for k in names])

    def _partial(self, value: PartialVal) -> tuple:
        n, new = self.number(self.objects, id(value), value)
        if not new:
            return ("P", n)
        form = self.form
        return ("P", n, form(value.func), tuple([form(v) for v in value.args]),
                tuple([(k, form(v)) for k, v in value.kwargs.items()]))

    def _random(self, value: RandomVal) -> tuple:
        n, new = self.number(self.objects, id(value), value)
        # (a generator whose state is not known draws numbers read from data whatever it is)
        return ("R", n, value.rng and value.rng.getstate()) if new else ("R", n)

    def _partial_method(self, value: PartialMethodVal) -> tuple:
        return ("PM", *self._partial(value)[1:])

    def _bound(self, value: BoundMethod) -> tuple:
        return ("B", self.form(value.function), self.form(value.receiver))

    def _bound_lib(self, value: BoundLib) -> tuple:
        return ("BL", value.path, self.form(value.receiver))

    def _generator(self, value: Generator) -> tuple:
        ident, _ = self.number(self.idents, ("gen", value.ident), value)
        return ("G", ident, value.plain, value.legacy)

    def _reference(self, value: Any) -> tuple:
        return (type(value).__name__, getattr(value, "path", None) or getattr(value, "name", None),
                getattr(value, "instance", None))  # a dtype instance is not its scalar type to `is`

    def _class(self, value: ClassVal) -> tuple:
        objects = self.objects
        n = objects.get(id(value))
        if n is not None:
            return ("C", n, self.definition(value), None)
        n = objects[id(value)] = len(objects)
        self.by_object.append(value)
        return ("C", n, self.definition(value), self.names(value.attrs))

    def _module(self, value: ModuleVal) -> tuple:
        # A module's globals are compared through the interpreter's module environments.
        self.met_module = True
        return ("Mod", id(value.module))

    def counted(self, mask: Optional[int]) -> Optional[int]:
        """The number of the mask whose nonzero elements a count counts (an array identity)."""
        return None if mask is None else self.number(self.idents, mask)[0]

    def definition(self, cls: Optional[ClassVal]) -> Any:
        """What tells classes apart: the class object itself, within one run."""
        return id(cls)

    def names(self, env: dict) -> tuple:
        form = self.form
        if type(self)._function_form is not Canon._function_form:
            return tuple([(k, form(v)) for k, v in env.items()])
        # Most of a module's globals and a class's attributes are module-level functions whose
        # form after their number is made (_function_form): written here as _function writes
        # them, without its dispatch (walks of every module's globals are the hot path of call
        # keys and loop probes).
        # (made_function, inlined: a Python call per function and walk was a tenth of the walks)
        objects, by_object, namer = self.objects, self.by_object, type(self).definition
        direct = self._direct
        out = []
        for k, v in env.items():
            cls = v.__class__
            if direct:
                # a plain Known, and a user instance met already, without the dispatch (Canon._items)
                if cls is Known:
                    out.append((k, _KNOWN_FORM(self, v)))
                    continue
                if cls is InstanceVal:
                    n = objects.get(id(v))
                    out.append((k, ("I", n) if n is not None else _INSTANCE_FORM(self, v)))
                    continue
            if cls is FunctionVal and v.closure is None and not v.attrs and id(v) not in objects:
                made = v.form
                got = made.get(namer) if made is not None else None
                if got is not None:
                    kind, cached, owner = got[0]
                    if (kind is v.kind or kind == v.kind) and (cached is v.cached or cached == v.cached) \
                            and (owner is v.owner or owner == v.owner):
                        n = objects[id(v)] = len(objects)
                        by_object.append(v)
                        out.append((k, ("F", n) + got[1]))
                        continue
            out.append((k, form(v)))
        return tuple(out)

    def made_function(self, v: FunctionVal) -> Optional[tuple]:
        """A module-level function's form as _function writes it, when the form after its number was
        made already for this walk's way of naming classes (numbered now); None otherwise."""
        objects = self.objects
        if v.closure is not None or v.attrs or id(v) in objects:
            return None
        made = v.form
        got = made.get(type(self).definition) if made is not None else None
        if got is None:
            return None
        # got[0] != (v.kind, v.cached, v.owner), compared item by item (as a tuple compares:
        # identity, then ==) without making the tuple: once per function per walk
        kind, cached, owner = got[0]
        if not (kind is v.kind or kind == v.kind) or not (cached is v.cached or cached == v.cached) \
                or not (owner is v.owner or owner == v.owner):
            return None
        n = objects[id(v)] = len(objects)
        self.by_object.append(v)
        return ("F", n) + got[1]

    def attributes(self, attrs: dict) -> tuple:
        """An instance's attributes (joins.py compares only the kind of those the program never
        reads; so does a steady loop's walk, of a scalar in one no code reads: ``unread``)."""
        unread = self.unread
        if not unread or unread.isdisjoint(attrs):
            return self.names(attrs)
        out = []
        for k, v in attrs.items():
            if k in unread and v.__class__ is Known and v.__dict__["value"].__class__ in _EXACT_SCALARS:
                # a number, a text, None: it holds no array (no memory), and nothing reads it
                out.append((k, ("unread", v.__dict__["value"].__class__.__name__)))
            else:
                out.append((k, self.attribute(attrs, k, v)))
        return tuple(out)

    def attribute(self, attrs: dict, name: str, value) -> Any:
        """The form of one attribute's value, as ``names`` writes it."""
        return self.form(value)


def without_knowledge(form: Any) -> Any:
    """A form a Canon with ``knowledge`` made, as one without it would have: what is known of
    values beyond their kind (a non-negative sign, a difference's mark) left out. Those facts
    are shared objects (signs.NONNEGATIVE, presumptions' marks) the walk puts in as they are."""
    if form is signs.NONNEGATIVE or presumptions.is_mark(form):
        return None
    if form.__class__ is tuple:
        return tuple(without_knowledge(part) for part in form)
    return form


def _mentioned(node: ast.AST) -> Optional[tuple]:
    """The names a function's code mentions anywhere (nested functions included), sorted: all it can
    read of its closure. None when it calls ``locals()``, ``eval`` and the like."""
    found = _MENTIONED.get(node, _UNSEEN)
    if found is _UNSEEN:
        nodes = list(ast_walk(node))
        found = None if calls_introspection(nodes) else tuple(sorted({n.id for n in nodes if isinstance(n, ast.Name)}))
        _MENTIONED[node] = found
    return found


_MENTIONED: "weakref.WeakKeyDictionary[ast.AST, Optional[tuple]]" = weakref.WeakKeyDictionary()
_UNSEEN = object()


def _immutable(v: Any) -> bool:
    """Whether ``v`` is a number, text or None of an exact class, or a tuple of such values: what
    it is, and so its form, can never change."""
    cls = v.__class__
    if cls is tuple:
        for x in v:
            if not _immutable(x):
                return False
        return True
    return cls in _EXACT_SCALARS


def _known_form(value: Known, v: Any) -> tuple:
    """``("K", _known(v))`` of a Known holding ``v`` (not a set), kept on the Known when ``v`` can
    never change (a float's hex text and a tuple's items were remade at every walk of a cost
    model's memo). The Known's value is read by the caller, as before (counters.py watches reads);
    what is kept names the value it was made of, so a copy of the Known with another value
    (lsp.incremental copies fields) makes its own."""
    kept = value.__dict__.get("_form")
    if kept is not None and kept[0] is v:
        return kept[1]
    form = ("K", ("float", v.hex())) if v.__class__ is float else ("K", _known(v))
    if _immutable(v):
        value.__dict__["_form"] = (v, form)
    return form


#: _known of the tuples that are dict keys (a memo's (layer, alg, bucket)): id -> (the tuple, its
#: form); the tuple is held, so its id stays its own while it is here. Emptied when full.
_KEY_FORMS: dict = {}
_KEY_FORMS_MAX = 1 << 16


def _known_key(k: tuple) -> Any:
    """``_known(k)`` of a tuple, kept while ``k`` can never change (``_immutable``)."""
    kept = _KEY_FORMS.get(id(k))
    if kept is not None and kept[0] is k:
        return kept[1]
    form = _known(k)
    if _immutable(k):
        if len(_KEY_FORMS) >= _KEY_FORMS_MAX:
            _KEY_FORMS.clear()
        _KEY_FORMS[id(k)] = (k, form)
    return form


def _known(v: Any) -> Any:
    # The exact classes first (a walk meets a log's tuples of texts and ints item by item:
    # staged_pipeline's STAGE_LOG at every probe); subclasses (np.float64, IntEnum members)
    # take the isinstance chain below, which writes what it always wrote.
    cls = v.__class__
    if cls is float:
        return ("float", v.hex())
    if cls in _EXACT_SCALARS:
        return (cls.__name__, v)
    if cls is tuple:
        return ("tuple", tuple([_known(x) for x in v]))
    return _known_by_kind(v)


def _known_by_kind(v: Any) -> Any:
    if isinstance(v, float):
        return ("float", v.hex())  # tells -0.0 from 0.0 and compares NaNs
    if isinstance(v, _SCALARS):
        return (type(v).__name__, v)
    if isinstance(v, Decimal):
        return ("Decimal", str(v))  # (1.0 and 1.00 are equal, but print and quantize otherwise)
    if isinstance(v, (range, slice, PurePath)) or v is Ellipsis:
        return (type(v).__name__, repr(v))  # a path (`Path(__file__).parent`) is its text
    if isinstance(v, (tuple, frozenset)):
        return (type(v).__name__, tuple(_known(x) for x in v))
    raise Incomparable(type(v).__name__)


#: The kinds of value in the order they are tried (a subclass takes its first base's form).
_KINDS = (
    (CountKnown, Canon._count), (Known, Canon._known_value), (Array, Canon._array), (Unknown, Canon._unknown),
    (NumpyScalar, Canon._scalar),
    (TupleVal, Canon._tuple), (DequeVal, Canon._deque), (ListVal, Canon._list), (DictVal, Canon._dict), (InstanceVal, Canon._instance),
    (ChainMapVal, Canon._chain_map), (SeqIterator, Canon._iterator), (MLPVal, Canon._mlp), (FunctionVal, Canon._function), (PartialVal, Canon._partial), (PartialMethodVal, Canon._partial_method), (RandomVal, Canon._random), (BoundMethod, Canon._bound), (BoundLib, Canon._bound_lib),
    (Generator, Canon._generator), (LibRef, Canon._reference), (DTypeRef, Canon._reference),
    (Builtin, Canon._reference), (ClassVal, Canon._class), (ModuleVal, Canon._module),
)
_FORMS = dict(_KINDS)
_KNOWN_FORM, _INSTANCE_FORM = Canon._known_value, Canon._instance  # what the dispatch calls for these classes


def canonical(*parts: Any) -> Optional[tuple]:
    """The canonical form of ``parts`` (values, name -> value dicts, plain data), or None."""
    canon = Canon()
    try:
        return tuple(canon.names(p) if isinstance(p, dict) else canon.form(p) if _is_value(p) else p
                     for p in parts)
    except (Incomparable, RecursionError):
        return None


def _is_value(p: Any) -> bool:
    from flopcast.analyzer.values import Value

    return isinstance(p, Value)


def _repeats(value: Array) -> Optional[int]:
    """How many times one matrix went into ``value`` (overflow._times), where that is more than
    once: one product with a matrix is no repeat (a layer's product, compared alike)."""
    most = max((n for _, n in value.chain), default=0)
    return 2 if most > 1 else None  # (the next product with it is past every limit: overflow._power)
