"""Subscripts and attributes: indexing arrays and containers, reading attributes, binding methods.
"""

from __future__ import annotations

import ast
import builtins
import collections
import decimal
import fractions
import hashlib
import io
from functools import cache
from pathlib import PurePosixPath
from typing import Any, Optional

from flopcast import installed
from flopcast.analyzer import (bool_keys, buffer_views, chain_maps, dataints, descriptors, dispatch, dtypes, dunders, exit_stack, loggers, ops,
                               overflow, plain_numpy, presumptions, stdlib_random, submission_files)
from flopcast.analyzer.ops import OpError
from flopcast.analyzer.values import (carrying, Array, BoundLib, BoundMethod, Builtin, ChainMapVal, ClassVal, counted_extent,
                                      DequeVal, dict_key, DictVal, DTypeRef, EndlessIter, ExitStackVal, FlatIter,
                                      FunctionVal, Generator, InstanceVal, Known, LibRef, ListVal, make_tuple,
                                      may_hold_known_key, MLPVal, ModuleVal, NpzFile, NumpyScalar, PartialMethodVal,
                                      PartialVal, plain_member, describe_value, PyGenerator, RandomVal, SeqIterator, SuperVal,
                                      surely_missing, TupleVal, Unknown, unknown_key_reason, UserRaise, Value)
from flopcast.model import Span
from flopcast.analyzer.interpreter.classes import (_SLOTTED_LIBRARY_BASES, _declared_slots, _is_enum,
                                                   _is_flops_module, _namedtuple_fields, _python_type_name)
from flopcast.analyzer.interpreter.common import lib_attr


#: str methods of a text read at run time (an environment variable) and the kind of their result:
#: text, or a bool; none runs the program's code or raises for any text and known arguments
UNKNOWN_TEXT_METHODS = {**{m: "str" for m in ("lower", "upper", "casefold", "strip", "lstrip", "rstrip",
                                                 "title", "capitalize", "swapcase")},
                        **{m: "bool" for m in ("startswith", "endswith", "isdigit", "isdecimal", "isnumeric",
                                                 "isalpha", "isalnum", "isspace", "islower", "isupper", "isidentifier")}}


class Lookups:
    """The Interpreter's methods for subscripts and attributes."""

    def expr_Subscript(self, node: ast.Subscript) -> Value:
        obj = self.eval(node.value)
        if self.counter_watch is not None and node.slice.__class__ is ast.Tuple and isinstance(obj, Array):
            # a tuple index of an array (`codes[:, j]`): a loop counter counters.py watches in it
            # is an index, not a number read (CounterWatch.array_indices)
            saved, self._array_index = self._array_index, (node.slice, obj)
            try:
                key = self.eval(node.slice)
            finally:
                self._array_index = saved
        else:
            key = self.eval(node.slice)
        made = self.subscript(obj, key, node)
        if obj.__class__ is Array and obj.sym is not None and self.warning_filters.inside_ops:
            saved, self.span = self.span, self.node_span(node)
            try:
                self._symmetry_loss_may_raise("getitem", [obj], {}, made)  # `C[0]` of a symmetric C
            finally:
                self.span = saved
        return made

    def expr_Slice(self, node: ast.Slice) -> Value:
        parts = [self.eval(p) if p is not None else Known(None) for p in (node.lower, node.upper, node.step)]
        return self.make_slice(parts, self.node_span(node))

    def make_slice(self, parts: list, span: Span) -> Value:
        """``start:stop:step`` (or ``slice(start, stop, step)``) of these three values."""
        # (numpy's integers of known value are indices, as Python's are: `order[lo:hi]` of block bounds)
        parts = [Known(p.value) if p.__class__ is NumpyScalar and p.value is not None
                 and p.dtype.startswith(("int", "uint")) else p for p in parts]
        if all(isinstance(p, Known) for p in parts):
            return Known(slice(*(p.value for p in parts)))
        if any(isinstance(p, Array) and p.ndim != 0 for p in parts):
            return Unknown("slice", None, "slice bounds depend on values")
        saved, self.span = self.span, span
        try:
            taken = dataints.slice_value(self, parts)
        finally:
            self.span = saved
        if taken is not None:
            return Known(taken)
        return Unknown("slice", None, "slice bounds depend on values")

    def _pick(self, items: list, key: Value, node) -> Optional[Value]:
        """The item a path picks from a list or tuple by an integer read from data (every
        value of its range is a path: dataints.position); None when that is not possible."""
        at = dataints.picked_position(self, key, self.node_span(node))
        if at is None:
            return None
        try:
            return items[at]
        except IndexError:
            raise UserRaise(self.node_span(node), "IndexError: list index out of range")

    def subscript(self, obj: Value, key: Value, node) -> Value:
        watch = self.counter_watch
        if watch is not None and obj.__class__ is DictVal:
            item = watch.entry_load(obj, key)  # a dict a first call adds per-key counters to (counters.py)
            if item is not None:
                return item
        if watch is not None and key.__class__ is Known and watch.is_tainted(key):  # counters.py
            if isinstance(obj, Array):
                key = watch.array_index(obj, key)
            else:
                item = watch.subscript(obj, key)
                if item is not None:
                    return item
        if isinstance(obj, ChainMapVal):
            obj = chain_maps.read(self, obj, node)  # the first map that holds the key, else KeyError
        if isinstance(obj, ClassVal) and _is_enum(obj) and isinstance(key, Known):
            member = obj.attrs.get("__members__").items.get(key.value) if "__members__" in obj.attrs else None
            if member is None:
                raise UserRaise(self.node_span(node), f"KeyError: {key.value!r}")
            return member
        if isinstance(obj, FlatIter):
            # numpy indexes the flattened elements: a numpy scalar, or a plain copy
            obj = Array((obj.base.size,), obj.base.dtype, dtype_origin=obj.base.dtype_origin, plain=True)
        if isinstance(obj, Array) and obj.plain:
            # (the part of an index array keeps what is known of its elements: bounds, distinct positions)
            flop = obj.with_(plain=False, presumed=obj.presumed, vrange=obj.vrange)
            flop.distinct = obj.distinct
            part = plain_numpy.free(self, lambda: self.subscript(flop, key, node))
            part = plain_numpy.element_of(part, obj, key)
            # (a basic index is a view: a write through it changes `obj`; a copy is joined too, which
            # only forgets more than it must)
            return plain_numpy.same_buffer(part, obj) if part.__class__ is Array else part
        if isinstance(obj, Array):
            from flopcast.analyzer.indexing import IndexRaises, index_array

            saved = self.span
            self.span = self.node_span(node)
            try:
                picked = index_array(self, obj, key)
                if obj.value is not None and obj.shape:
                    # an element or a part of a flopscope array whose elements are known; a part
                    # joins its buffer's group (a write through np.asarray of either forgets both)
                    picked = plain_numpy.element_of(picked, obj, key)
                    if picked.__class__ is Array and picked.shape and picked.value is not None:
                        picked = plain_numpy.same_buffer(picked, obj)
                if obj.presumed is not None and obj.presumed.value in (True, False):
                    # part of a mask every element of which a safety net presumes (`isfinite(x)[0]`)
                    picked = presumptions.tagged(picked, obj.presumed)
                elif picked.__class__ is Array:
                    picked = presumptions.pre_activation(picked, obj)  # a part of a pre-activation is one
                if picked.__class__ is Array:
                    overflow.carry(picked, obj)
                return picked
            except OpError as exc:
                return carrying(self.unpriced(node, "indexing", str(exc)), exc.machine)
            except IndexRaises as exc:
                raise UserRaise(self.span, str(exc))
            finally:
                self.span = saved
        if obj.__class__ is ListVal and (obj.is_set or obj.view_of is not None):
            kind = "set" if obj.is_set else f"dict_{obj.view_of[1]}"
            raise UserRaise(self.node_span(node), f"TypeError: '{kind}' object is not subscriptable")
        if obj.__class__ is DequeVal and not (isinstance(key, Known) and isinstance(key.value, int)) \
                and not isinstance(key, (Unknown, NumpyScalar)):
            raise UserRaise(self.node_span(node), f"TypeError: sequence index must be integer, not "
                                                  f"'{_python_type_name(key)}'")
        if isinstance(obj, (ListVal, TupleVal)):
            if watch is not None and obj.__class__ is ListVal:
                own = watch.own_appends(obj, key)  # a watched log's last items, appended under the watch
                if own is not None:
                    return own
            key = plain_member(key)  # `costs[Level.DIAG]` of an IntEnum
            if key.__class__ is NumpyScalar and key.value is not None and key.dtype.startswith(("int", "uint")):
                key = Known(key.value)  # numpy's integer of known value (`names[i] for i in order`): its __index__
            if isinstance(key, Known) and isinstance(key.value, int):
                try:
                    return obj.items[key.value]
                except IndexError:
                    raise UserRaise(self.node_span(node), "IndexError: list index out of range")
            if isinstance(key, Known) and isinstance(key.value, slice):
                try:
                    items = obj.items[key.value]
                except (TypeError, ValueError) as exc:  # `made[:1e30]`: slice bounds must be integers; a zero step
                    raise UserRaise(self.node_span(node), f"{type(exc).__name__}: {exc}") from None
                return ListVal(list(items)) if isinstance(obj, ListVal) else make_tuple(list(items))
            picked = self._pick(obj.items, key, node)
            if picked is not None:
                return picked
            return self.unpriced(node, "list indexing", "the index depends on values")
        if isinstance(obj, DictVal):
            if key.__class__ is NumpyScalar:
                # numpy's integers hash and compare as Python's ints: `experts[fnp.argsort(s)[-1]]` looks
                # its key up as `experts[int(...)]` does (an index array's element: every value of its range)
                key = dataints.dict_key(key, self.node_span(node))
            key = bool_keys.settled(self, obj, key, node.slice if node.__class__ is ast.Subscript else None,
                                    self.node_span(node))
            if isinstance(key, Known) and key.value in obj.items:
                return obj.items[key.value]
            if isinstance(key, Known) and may_hold_known_key(obj):
                return self.unpriced(node, "dict lookup", "a key of the dict is not known and may equal this one")
            if isinstance(key, Known) and isinstance(obj.factory, Known):
                return obj.factory  # a Counter: a missing key reads as 0 and is not added
            if isinstance(key, Known) and obj.factory is not None:
                value = obj.items[key.value] = self.call(obj.factory, [], {}, self.node_span(node), node)
                return value
            if isinstance(key, Known):
                raise UserRaise(self.node_span(node), f"KeyError: {key.value!r}")
            self.refuse_unhashable(key, node)
            if dict_key(key) in obj.items:  # the same object (an enum member, an instance): Python finds it
                return obj.items[dict_key(key)]
            if surely_missing(key, obj):
                if isinstance(obj.factory, Known):
                    return obj.factory  # a Counter
                if obj.factory is not None:
                    value = obj.items[dict_key(key)] = self.call(obj.factory, [], {}, self.node_span(node), node)
                    return value
                raise UserRaise(self.node_span(node), f"KeyError: {_key_text(key)}")
            if not may_hold_known_key(obj):
                # `experts[int(idx[0])]` of an argpartition: every value of the integer's range is
                # a path, as for a list; each looks its value up (a missing one raises KeyError)
                at = dataints.picked_position(self, key, self.node_span(node), dataints.DICT_LOOKUP)
                if at is not None:
                    return self.subscript(obj, Known(at), node)
            return self.unpriced(node, "dict lookup", unknown_key_reason(key))
        if isinstance(obj, NpzFile):
            if isinstance(key, Known) and key.value in obj.arrays:
                return plain_numpy.npz_member(obj, key.value)
            return self.unpriced(node, "array file lookup", f"no array named {getattr(key, 'value', '?')!r} in the file")
        if isinstance(obj, Known):
            if isinstance(key, Known):
                try:
                    return Known(obj.value[key.value])
                except Exception as exc:  # noqa: BLE001
                    raise UserRaise(self.node_span(node), f"{type(exc).__name__}: {exc}")
            if isinstance(obj.value, (tuple, list, str)):
                picked = self._pick([Known(v) for v in obj.value], key, node)
                if picked is not None:
                    return picked
            return Unknown("", None, "indexed by an unknown")
        if isinstance(obj, NumpyScalar):
            return obj
        if isinstance(obj, InstanceVal) and obj.cls.tuple_like:
            return self.subscript(TupleVal(tuple(self.iterate(obj, node))), key, node)
        if isinstance(obj, InstanceVal):
            owner, getitem = obj.cls.lookup("__getitem__")
            if isinstance(getitem, FunctionVal):
                return self.call(self.bind(getitem, obj, owner, self.node_span(node)), [key], {}, self.node_span(node))
            if obj.payload is not None:
                owner, missing = obj.cls.lookup("__missing__")
                if isinstance(missing, FunctionVal) and isinstance(obj.payload, DictVal):
                    if not isinstance(key, Known):
                        return Unknown("", self.node_span(node), "a key that depends on values")
                    if key.value not in obj.payload.items:  # dict.__getitem__ asks __missing__
                        span = self.node_span(node)
                        return self.call(self.bind(missing, obj, owner, span), [key], {}, span)
                return self.subscript(obj.payload, key, node)
            if all(isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
                   for c in obj.cls.mro() for b in c.bases):
                # only the user's own classes: a subclass of dict or of a library class may index
                raise UserRaise(self.node_span(node), f"TypeError: '{obj.cls.name}' object is not subscriptable")
        if isinstance(obj, ClassVal):
            for base in obj.mro():
                hook = base.attrs.get("__class_getitem__") if isinstance(base, ClassVal) else None
                if isinstance(hook, FunctionVal) and hook.kind in ("function", "classmethod"):
                    # `Registry[Rung]`: Python calls the class's __class_getitem__ (an implicit classmethod)
                    return self.call(BoundMethod(hook, obj), [key], {}, self.node_span(node))
            if any(isinstance(b, LibRef) and b.path in ("py:typing.Generic", "py:typing.Protocol")
                   for c in obj.mro() for b in c.bases):
                return obj  # `Box[int]`: an alias that makes a Box when called, as the class does
        if isinstance(obj, Unknown):
            return carrying(self.unpriced(node, "subscript", ops.unknown_operand_reason(obj)), obj.machine)
        if isinstance(obj, LibRef) and obj.path.startswith(("py:typing.", "py:collections.abc.")) \
                or isinstance(obj, Builtin) and obj.name in _GENERIC_BUILTINS:
            # a type alias (`Mode = Literal["a", "b"]`, `Vec = list[float]`): made for free, read by
            # annotations; calling `list[float]()` makes a list, as the class itself does
            return obj
        if isinstance(obj, (SeqIterator, EndlessIter, PyGenerator)):
            # zip, map, filter, enumerate, reversed, iter(), itertools' iterators, generators
            raise UserRaise(self.node_span(node), "TypeError: an iterator object is not subscriptable")
        if isinstance(obj, LibRef) and obj.path == "py:os.environ":
            name = repr(key.value) if isinstance(key, Known) else "..."
            return self.unpriced(node, "os.environ lookup",
                                 f"os.environ[{name}] is read from the environment (KeyError where it is unset)")
        return self.unpriced(node, "subscript", f"cannot index {type(obj).__name__}")

    def expr_Attribute(self, node: ast.Attribute) -> Value:
        obj = self.eval(node.value)
        return self.get_attr(obj, node.attr, self.node_span(node), node=node)

    def get_attr(self, obj: Value, name: str, span: Span, quiet: bool = False, node=None) -> Value:
        if name == "__name__" and (isinstance(obj, Builtin) or isinstance(obj, LibRef)
                                   and obj.path in ("flopscope.FlopscopeArray", "numpy.ndarray",
                                                    "flopscope.SymmetricTensor")):
            return Known(obj.name if isinstance(obj, Builtin) else obj.path.rsplit(".", 1)[1])  # `type(x).__name__`
        if isinstance(obj, Array):
            if name == "T":
                # numpy's own .T is a view: a write through it changes what is known of `obj`
                made = presumptions.pre_activation(ops.transpose_attr(obj), obj)
                overflow.carry(made, obj)
                buffer_views.link(self, obj, made)  # (a write through either voids the other's tag)
                return plain_numpy.same_buffer(made, obj) if obj.plain and made is not obj else made
            if name == "shape":
                if obj.counted:
                    return TupleVal(tuple(counted_extent(obj, (axis,)) for axis in range(obj.ndim)))
                return Known(obj.shape)
            if name == "ndim":
                return Known(obj.ndim)
            if name == "size":
                return counted_extent(obj, tuple(range(obj.ndim))) if obj.counted else Known(obj.size)
            if name == "dtype":
                return DTypeRef(obj.dtype, instance=True)
            if name in ("real", "imag"):
                # numpy's own attribute, no record: the real dtype of a complex array
                real = ops.dtypes.real_part(obj.dtype)
                if name == "real" and real == obj.dtype:
                    return obj
                # numpy's view drops a symmetric tensor's tag (fnp.real and fnp.imag keep it)
                return Array(obj.shape, real, dtype_origin=obj.dtype_origin if real == obj.dtype else None)
            if name == "symmetry":
                return Known(obj.sym)
            if name in ("itemsize", "nbytes"):
                itemsize = ops.dtypes.itemsize(obj.dtype)
                return Known(itemsize if name == "itemsize" else itemsize * obj.size)
            if name == "flat" and not obj.counted and not obj.plain:
                return FlatIter(obj)
            if not ops.dtypes.ndarray_method(name):
                # a data attribute (.mT, .flat, .strides) or none at all (.H): a method reference
                # in its place would be priced as nothing (`x.mT * 2.0` charged no multiply)
                return self.unpriced(node, f"attribute {name!r}", f"the array attribute .{name} is not modelled")
            return BoundLib("numpy." + name, obj)
        if isinstance(obj, MLPVal):
            if name == "width":
                return Known(obj.width)
            if name == "depth":
                return Known(obj.depth)
            if name == "weights":
                return obj.weights
            if name == "seed":
                return obj.seed
            if name == "name":
                if obj.name is not None:
                    return obj.name
                return Unknown("", None, "mlp.name (a slug made from the MLP's seed in the contest, \"\" in a "
                                         "bare run)")
        if isinstance(obj, ModuleVal):
            env = self.module_env(obj.module)
            if name in env:
                return env[name]
            sub = self.program.find_module(f"{obj.module.name}.{name}")
            if sub is not None:
                if sub.key not in self.module_envs and "__getattr__" not in env and not self.result.unpriced:
                    # a submodule nothing imported yet (an import binds it in the package, see
                    # import_module) and no module __getattr__: Python has no such attribute.
                    # (Claimed only while nothing is unpriced: an import flopcast could not follow
                    # may have loaded it.)
                    if quiet:
                        return Unknown("", span, f"no attribute {name}")
                    raise UserRaise(span, f"AttributeError: module {obj.module.name!r} has no attribute {name!r}")
                # (a submodule of the folder, imported or not yet: what a lazy `__getattr__`
                # importing `.name` gives, without running its `globals()[name] = module`)
                return ModuleVal(sub)
            hook = env.get("__getattr__")
            if isinstance(hook, FunctionVal):
                # PEP 562: a module's own `__getattr__(name)` answers what its globals do not
                # hold (a constant made on first use)
                try:
                    return self.call(hook, [Known(name)], {}, span)
                except UserRaise as exc:
                    if quiet and exc.what.startswith("AttributeError"):
                        return Unknown("", span, f"no attribute {name}")
                    raise
        if obj.__class__ is loggers.LoggerRef and name in loggers.METHODS:
            return BoundLib("py:logger." + name, obj)  # `log.isEnabledFor`: of this logger
        if isinstance(obj, LibRef):
            if obj.path.startswith("py:") and _missing_stdlib_attr(obj.path[3:], name):
                # `math.step(...)`: the standard library module is the one the run imports; a quiet
                # read (hasattr, getattr with a default) is told it is missing, as Python's are
                if quiet:
                    return Unknown("", span, f"no attribute {name}")
                raise UserRaise(span, f"AttributeError: module '{obj.path[3:]}' has no attribute '{name}'")
            if not quiet:
                from flopcast.analyzer.builtins import library_lacks

                lacks = library_lacks(obj.path, name)  # `fnp.add.reduce`, `fnp.not_there`
                if lacks is not None:
                    raise UserRaise(span, f"AttributeError: {lacks}")
            return lib_attr(obj, name)
        if isinstance(obj, InstanceVal):
            if self.descriptors:
                desc = descriptors.on_type(obj.cls, name)
                if desc is not None and (descriptors.is_data(desc) or name not in obj.attrs):
                    return descriptors.get(self, desc, obj, obj.cls, span)
            if name in obj.attrs:
                return obj.attrs[name]
            queried = ops.symmetry_api.group_query(obj, name)  # `g.order()`: flopscope's own answer
            if queried is not None:
                return queried
            if name == "__class__":
                return obj.cls
            if name == "__dict__" and obj.payload is None and all(c.node is not None and "__slots__" not in c.attrs
                                                                  for c in obj.cls.mro()):
                return DictVal(obj.attrs)  # the instance's own namespace: `self.__dict__.update(cfg)` writes attributes
            owner, attr = obj.cls.lookup(name)
            if attr is not None:
                return self.bind(attr, obj, owner, span)
            if name == "__dataclass_fields__":
                from flopcast.analyzer.builtins import dataclass_fields_dict
                made = dataclass_fields_dict(obj.cls)
                if made is not None:
                    return made
            if name in _MODULE_METHODS and _is_flops_module(obj.cls):
                return BoundLib(f"flopscope.Module.{name}", obj)
            if name in ("_replace", "_asdict") and any(c.tuple_like for c in obj.cls.mro()):
                return BoundLib("py:namedtuple." + name, obj)
            if name == "_fields" and any(c.tuple_like for c in obj.cls.mro()):
                return _namedtuple_fields(obj.cls)
            if obj.payload is not None and name in _CONTAINER_METHODS[type(obj.payload)]:
                return BoundLib("py." + name, obj.payload)  # dict's / list's own method
            owner, hook = obj.cls.lookup("__getattr__")
            if obj.payload is not None and isinstance(hook, Builtin) and hook.name == "dict.__getitem__" \
                    and not (name.startswith("__") and name.endswith("__")):
                return self.subscript(obj.payload, Known(name), node)  # `__getattr__ = dict.__getitem__`
            if isinstance(hook, FunctionVal) and not (name.startswith("__") and name.endswith("__")):
                # Python asks __getattr__ for what normal lookup does not find
                try:
                    return self.call(self.bind(hook, obj, owner, span), [Known(name)], {}, span)
                except UserRaise as exc:
                    if quiet and exc.what.startswith("AttributeError"):
                        return Unknown("", span, f"no attribute {name}")
                    raise
        if isinstance(obj, ClassVal):
            owner, attr = obj.lookup(name)
            if attr is not None:
                if isinstance(attr, FunctionVal) and attr.kind == "classmethod":
                    return BoundMethod(attr, obj)
                if isinstance(attr, FunctionVal) and attr.kind == "enum_property":
                    # enum.property's __get__ on the class looks for a member of its name (a member
                    # would have shadowed it here), then refuses
                    raise UserRaise(span, f"AttributeError: {name}")  # (Python's message: the name alone)
                if isinstance(attr, PartialMethodVal):
                    return self._partial_method(attr, obj, span)
                if isinstance(attr, FunctionVal) and attr.attrs and dispatch.is_dispatcher(attr):
                    return dispatch.through_class(attr)
                if self.descriptors and isinstance(attr, InstanceVal) and descriptors.on_type(obj, name) is attr:
                    return descriptors.get(self, attr, Known(None), obj, span)  # `Class.attr`: __get__(None, Class)
                return attr
            if name == "__name__":
                return Known(obj.name)
            if name == "__qualname__" and obj.node is not None:
                return Known(obj.qualname)  # a class statement's, as Python names it
            if name == "_fields" and any(c.tuple_like for c in obj.mro()):
                return _namedtuple_fields(obj)
            if name == "_make" and any(c.tuple_like for c in obj.mro()):
                return BoundLib("py:namedtuple._make", obj)
            if name == "register" and dunders.is_abc(obj):
                return BoundLib("py:abc.register", obj)
            if name == "__dataclass_fields__":
                # `cls(**{k: d[k] for k in cls.__dataclass_fields__})`: a config built from a dict
                from flopcast.analyzer.builtins import dataclass_fields_dict
                made = dataclass_fields_dict(obj)
                if made is not None:
                    return made
            if name == "from_file" and _is_flops_module(obj):
                return BoundLib("flopscope.Module.from_file", obj)
        if isinstance(obj, SuperVal):
            if isinstance(obj.receiver, InstanceVal):
                mro = obj.receiver.cls.mro()
            elif isinstance(obj.receiver, ClassVal) and obj.cls in obj.receiver.mro():
                mro = obj.receiver.mro()
            else:  # a metaclass's method, its receiver a class it made
                mro = obj.cls.mro()
            after = mro[mro.index(obj.cls) + 1:] if obj.cls in mro else mro[1:]
            for c in after:
                if name in c.attrs:
                    return self.bind(c.attrs[name], obj.receiver, c, span)
            if name == "__init__":
                if isinstance(obj.receiver, InstanceVal) and obj.receiver.payload is not None:
                    return PartialVal(Builtin("container_init"), [obj.receiver], {})
                if isinstance(obj.receiver, InstanceVal) and dunders.exception_base(obj.receiver.cls) is not None:
                    return PartialVal(Builtin("exception_init"), [obj.receiver], {})
                if isinstance(obj.receiver, InstanceVal):
                    return PartialVal(Builtin("object_init_of"), [obj.receiver], {})
                return Builtin("object_init")
            if name == "__init_subclass__" or name in installed.base_estimator().noops and any(
                    isinstance(b, LibRef) and b.path == "whestbench.BaseEstimator" for c in after for b in c.bases):
                return Builtin("noop")  # `super().setup(ctx)`: BaseEstimator's returns None
            if name == "__setattr__" and isinstance(obj.receiver, InstanceVal):
                return PartialVal(Builtin("object_setattr"), [obj.receiver], {})
            if name == "__new__":  # object.__new__(cls), or type.__new__(meta, ...) in a metaclass
                return Builtin("type.__new__" if _is_metaclass(obj.cls) else "object.__new__")
            if name == "__call__" and isinstance(obj.receiver, ClassVal) and _is_metaclass(obj.cls):
                return PartialVal(Builtin("type.__call__"), [obj.receiver], {})  # a metaclass's __call__
        if isinstance(obj, Builtin) and name == "__init__" and dunders.is_builtin_exception(obj.name):
            return Builtin("exception_init")  # `ValueError.__init__(self, msg)` in a subclass's __init__
        if isinstance(obj, Builtin) and obj.name in ("dict", "list") and name in ("__getitem__", "__init__"):
            # `__getattr__ = dict.__getitem__` (an attribute dict), `dict.__init__(self, ...)`
            return Builtin("dict.__getitem__" if name == "__getitem__" and obj.name == "dict" else
                           "container_init" if name == "__init__" else f"{obj.name}.{name}")
        if isinstance(obj, Builtin) and obj.name == "object" and name == "__setattr__":
            return Builtin("object_setattr")  # a frozen dataclass's __post_init__ sets fields this way
        if isinstance(obj, Builtin) and obj.name in ("object", "type") and name == "__new__":
            return Builtin(f"{obj.name}.__new__")
        if isinstance(obj, Builtin) and name in _PURE_CLASS_METHODS.get(obj.name, ()):
            # `int.from_bytes(b"team", "little")`: a pure alternate constructor, called with known values
            return Known(getattr(getattr(builtins, obj.name), name))
        if isinstance(obj, Generator):
            return BoundLib(("random.RandomState." if obj.legacy else "random.Generator.") + name, obj)
        if isinstance(obj, RandomVal) and name in stdlib_random.METHODS:
            return BoundLib("py:Random." + name, obj)
        if isinstance(obj, RandomVal) and not quiet and name not in stdlib_random.ATTRIBUTES:
            raise UserRaise(span, f"AttributeError: 'Random' object has no attribute '{name}'")
        if isinstance(obj, ExitStackVal) and name in exit_stack.METHODS:
            return BoundLib("py:ExitStack." + name, obj)
        if isinstance(obj, PyGenerator) and (obj.function is not None and name == "send" or name == "close"):
            return BoundLib("py:generator." + name, obj)
        if isinstance(obj, DTypeRef):
            if name == "name":
                return Known(obj.name)
            if name == "itemsize":
                return Known(dtypes.itemsize(obj.name))
            if name == "kind":  # numpy's one-letter class of the dtype
                kind = next((k for prefix, k in _DTYPE_KINDS if obj.name.startswith(prefix)), None)
                if kind is not None:
                    return Known(kind)
            if name == "type":
                return DTypeRef(obj.name)  # the scalar type
        if isinstance(obj, NpzFile):
            if name == "files":
                return ListVal([Known(k) for k in obj.arrays])
            if name == "close":
                return BoundLib("py:npz.close", obj)  # `z = np.load(p); ...; z.close()`
            if name in ("keys", "values", "items"):
                backing = plain_numpy.npz_mapping(obj)  # numpy's NpzFile is a Mapping
                backing.npz = obj
                return BoundLib("py." + name, backing)
            if name == "get":
                return BoundLib("py:npz.get", obj)
        if isinstance(obj, PartialVal) and name in ("func", "args"):
            # what a registry or a log reads of a partial (`p.func.__name__`); a partial of a
            # partial is flattened, as functools.partial makes it
            func, args = obj.func, list(obj.args)
            while isinstance(func, PartialVal):
                func, args = func.func, list(func.args) + args
            return func if name == "func" else make_tuple(args)
        if isinstance(obj, FunctionVal) and name in obj.attrs:
            return obj.attrs[name]
        if isinstance(obj, FunctionVal) and name == "register" and dispatch.is_dispatcher(obj):
            return BoundLib(dispatch.REGISTER, obj)
        if isinstance(obj, FunctionVal) and obj.cached and name in ("cache_clear", "cache_info"):
            return BoundLib(f"py:functools.lru_cache.{name}", obj)
        if isinstance(obj, FunctionVal) and name in ("__name__", "__qualname__", "__doc__"):
            # what a logging or timing decorator reads of the function it wraps
            named = isinstance(obj.node, (ast.FunctionDef, ast.AsyncFunctionDef))
            if name == "__name__":
                return Known(obj.node.name if named else "<lambda>")
            if name == "__qualname__":
                return Known(obj.qualname)
            return Known(ast.get_docstring(obj.node) if named else None)
        if isinstance(obj, Known):
            method = _known_method(obj.value, name)
            if method is not None:
                return method
            if isinstance(obj.value, _HASH_TYPES) and name == "update":
                self.unfollowed_change(span, "hash.update", "update() of a hash object is not modelled")
            if isinstance(obj.value, BaseException) and name == "args":
                return TupleVal(tuple(Known(a) for a in obj.value.args))  # (made only of known arguments)
            if isinstance(obj.value, PurePosixPath):
                attr = submission_files.path_attr(obj.value, name)
                if attr is not None:
                    return attr
            missing = _missing_attribute(obj.value, name) \
                if (type(obj.value) in _PLAIN_TYPES or _fixed_library_type(obj.value)) and not quiet else None
            if missing is not None:
                # `n.bit_lenght()`: a number's, a string's or a tuple's type is fixed, so this is Python's raise
                raise UserRaise(span, f"AttributeError: {missing}")
        if isinstance(obj, TupleVal) and name in obj.fields:
            return obj.items[obj.fields.index(name)]  # numpy's named results (eigh(c).eigenvalues)
        if isinstance(obj, ChainMapVal):
            attr = chain_maps.attribute(obj, name)
            return attr if attr is not None else BoundLib("py." + name, obj)
        if obj.__class__ is DequeVal and name == "maxlen":
            return Known(obj.maxlen)  # `len(q) == q.maxlen`: the number (or None) it was made with
        if obj.__class__ is DequeVal and not quiet and not name.startswith("__") and name not in _DEQUE_ATTRS:
            raise UserRaise(span, f"AttributeError: 'collections.deque' object has no attribute '{name}'")
        if isinstance(obj, (ListVal, DictVal)):
            if isinstance(obj, DictVal) and obj.factory is None and not quiet and not name.startswith("__") \
                    and name not in _CONTAINER_METHODS[DictVal] and not (name == "move_to_end" and obj.ordered):
                # (move_to_end: collections.OrderedDict's)
                # `fnp.load(path).files` (flopscope's load returns a plain dict, not numpy's NpzFile);
                # (a ListVal also stands for other iterables: map(), zip(), a generator expression)
                raise UserRaise(span, f"AttributeError: 'dict' object has no attribute '{name}'")
            if obj.__class__ is ListVal and not obj.is_set and obj.view_of is None and not quiet \
                    and not name.startswith("__") and name not in _ITERABLE_ATTRS:
                # `pending.average()`: a name no list has, nor any iterable a ListVal stands for
                raise UserRaise(span, f"AttributeError: 'list' object has no attribute '{name}'")
            return BoundLib("py." + name, obj)
        if isinstance(obj, NumpyScalar):
            if name in ("item",):
                return BoundLib("scalar.item", obj)
            if name == "dtype":
                return DTypeRef(obj.dtype, instance=True)
            return BoundLib("scalar." + name, obj)
        if quiet:
            return Unknown("", span, f"no attribute {name}")
        if isinstance(obj, InstanceVal) and not self.result.unpriced and dunders.plainly_missing(obj, name):
            # `try: return self._gram / except AttributeError:` (lazy set-up): Python's raise, claimed
            # only where every class is the user's and nothing so far was left unpriced
            raise UserRaise(span, f"AttributeError: '{obj.cls.name}' object has no attribute '{name}'")
        if isinstance(obj, ClassVal) and not self.result.unpriced and dunders.class_plainly_missing(obj, name):
            # `Plan.ones(...)` for `Plan.make(...)`: the class statement's and its bases' names are all known
            raise UserRaise(span, f"AttributeError: type object '{obj.name}' has no attribute '{name}'")
        if isinstance(obj, Unknown) and obj.kind == "str" and name in UNKNOWN_TEXT_METHODS:
            return BoundLib("text." + name, obj)  # `os.environ.get("MODE", "").lower()`: text again
        if dataints.is_data_int(obj) and name in ("bit_length", "bit_count"):
            return BoundLib("dataint." + name, obj)  # `(k - 1).bit_length()`: a step of k's chain
        if isinstance(obj, Unknown):
            return Unknown(obj.kind if name in ("real",) else "", obj.origin, obj.reason, machine=obj.machine)
        where = node if node is not None else None
        return self.unpriced(where, f"attribute {name!r}", f"not modelled for {describe_value(obj)}")

    def _class_membership(self, left: Value, cls: ClassVal, node):
        """``x in K`` for a class K of the user's: Python asks K's metaclass (``type(K)``), not
        K. A user metaclass's ``__contains__`` runs with K as its receiver (its truth, or an
        Unknown when that depends on values); a class whose
        metaclass is ``type`` (every base the user's or a builtin class) is not a container, so
        the test raises TypeError. None: not known here (a library base, such as Enum, whose
        metaclass may hold members; a metaclass that iterates)."""
        span = self.node_span(node)
        meta = cls.metaclass
        if meta is None:
            if _type_is_plain_type(cls):
                raise UserRaise(span, "TypeError: argument of type 'type' is not iterable")
            return None
        if not isinstance(meta, ClassVal):
            return None
        owner, method = meta.lookup("__contains__")
        if isinstance(method, FunctionVal):
            truth = dunders.truth_of(self, self.call(self.bind(method, cls, owner, span), [left], {}, span), span)
            return Unknown("bool", span, "a metaclass's __contains__ that depends on values") if truth is None \
                else truth
        if any(meta.lookup(name)[1] is not None for name in ("__iter__", "__getitem__")) \
                or not _type_is_plain_type(meta):
            return None
        raise UserRaise(span, f"TypeError: argument of type '{meta.name}' is not iterable")

    def bind(self, attr: Value, receiver: Value, owner: ClassVal, span: Span) -> Value:
        if isinstance(attr, FunctionVal):
            if attr.kind == "staticmethod":
                return attr
            if attr.kind == "classmethod":
                return BoundMethod(attr, receiver.cls if isinstance(receiver, InstanceVal) else receiver)
            if attr.kind in ("property", "enum_property"):
                return self.call(BoundMethod(attr, receiver), [], {}, span)
            if attr.kind == "cached_property":
                if isinstance(receiver, InstanceVal) and _has_no_dict(receiver):
                    # functools.cached_property looks for the instance's __dict__ before it calls
                    raise UserRaise(span, f"TypeError: No '__dict__' attribute on {receiver.cls.name!r} instance "
                                          f"to cache {attr.node.name!r} property.")
                # computed on the first access and stored in the instance, which then shadows it
                value = self.call(BoundMethod(attr, receiver), [], {}, span)
                if isinstance(receiver, InstanceVal):
                    receiver.attrs[attr.node.name] = value
                return value
            return BoundMethod(attr, receiver)
        if isinstance(attr, PartialMethodVal):
            return self._partial_method(attr, receiver, span)
        return attr

    def _partial_method(self, attr: PartialMethodVal, receiver: Value, span: Span) -> Value:
        """``functools.partialmethod`` read on an instance (``receiver``) or on a class: its function
        bound as the class's own would be, then partial(bound, *args, **kwargs). On the class a
        plain function stays unbound, its receiver the first argument of the call, before the
        partial's arguments: a partial of it is that only with no positional arguments."""
        func = attr.func
        on_instance = isinstance(receiver, InstanceVal)
        if isinstance(func, FunctionVal) and func.kind in ("function", "classmethod") \
                and (on_instance or func.kind == "classmethod" or not attr.args):
            if func.kind == "classmethod":
                bound = BoundMethod(func, receiver.cls if on_instance else receiver)
            else:
                bound = BoundMethod(func, receiver) if on_instance else func
            return PartialVal(bound, list(attr.args), dict(attr.kwargs))
        return self._unpriced_at(span, "functools.partialmethod", "read this way, or of this callable, it is not "
                                 "modelled")


#: the builtin types whose attributes are the type's own: a name they lack is AttributeError
_PLAIN_TYPES = frozenset({int, float, bool, complex, str, bytes, tuple, type(None)})


#: numpy's dtype.kind by the dtype's name
_DTYPE_KINDS = (("float", "f"), ("uint", "u"), ("int", "i"), ("bool", "b"), ("complex", "c"))


#: builtin classes Python subscripts into a generic alias (`list[float]`, `tuple[int, ...]`)
_GENERIC_BUILTINS = frozenset({"list", "tuple", "dict", "set", "frozenset", "type"})


def _has_no_dict(obj: InstanceVal) -> bool:
    """Whether an instance surely has no ``__dict__``: every class on its MRO (the user's own, over
    ``object`` or ``abc.ABC``) declares known ``__slots__``, none of them ``__dict__``."""
    names = _declared_slots(obj, _SLOTTED_LIBRARY_BASES)
    return names is not None and "__dict__" not in names


_MODULE_METHODS = {"load", "load_state_dict", "state_dict", "save", "config", "from_file"}


#: The attributes of every iterable a ListVal may stand for (a list, map(), zip(), filter(),
#: enumerate(), reversed(), a generator, a range, a tuple, a set): a name outside them all is
#: Python's AttributeError, whichever it is.
_ITERABLE_ATTRS = frozenset(n for t in (list, tuple, set, frozenset, range, map, zip, filter, enumerate, reversed,
                                        type(x for x in ()), type(iter([])), type(iter(())), type({}.keys()))
                            for n in dir(t))


#: The methods of dict and list that an instance of a user subclass finds on its container.
_CONTAINER_METHODS = {DictVal: frozenset(n for n in dir(dict) if not n.startswith("_")),
                      ListVal: frozenset(n for n in dir(list) if not n.startswith("_"))}


#: what Python's deque has besides its dunders (a list's `sort` is not among them)
_DEQUE_ATTRS = frozenset(n for n in dir(collections.deque) if not n.startswith("__"))


_HASH_TYPES = tuple({type(hashlib.new(n)) for n in sorted(hashlib.algorithms_guaranteed)})


_SAFE_METHODS = {
    str: {"join", "format", "upper", "lower", "strip", "split", "replace", "startswith", "endswith", "encode",
          "partition", "rpartition", "rsplit", "lstrip", "rstrip", "count", "find", "rfind", "index", "zfill",
          "removeprefix", "removesuffix", "ljust", "rjust", "center", "title", "capitalize", "casefold",
          "splitlines", "isdigit", "isalpha", "isalnum", "isupper", "islower", "isspace"},
    bytes: {"decode", "hex", "split", "splitlines", "strip", "startswith", "endswith", "count", "find"},
    # in-memory files over files beside the estimator (submission_files.open_file)
    io.StringIO: {"read", "readline", "readlines", "close", "seek", "tell"},
    io.BytesIO: {"read", "readline", "readlines", "close", "seek", "tell"},
    int: {"bit_length", "bit_count", "to_bytes", "as_integer_ratio"},
    float: {"is_integer"},
    # a cost model's exact shares (fractions.Fraction of known numbers is the real one)
    fractions.Fraction: {"numerator", "denominator", "limit_denominator", "as_integer_ratio"},
    tuple: {"index", "count"},
    # hash objects of known bytes (builtins: hashlib); update() changes one and is not here
    **{typ: {"digest", "hexdigest", "digest_size", "block_size", "name", "copy"} for typ in _HASH_TYPES},
    # the default context's arithmetic (builtins: decimal; any other context ends the path)
    decimal.Decimal: {"quantize", "to_integral_value", "to_integral", "to_integral_exact", "sqrt", "exp", "ln",
                      "log10", "is_finite", "is_nan", "is_infinite", "is_zero", "is_signed", "adjusted", "normalize",
                      "copy_abs", "copy_negate", "max", "min", "compare", "scaleb", "fma", "as_integer_ratio"},
    # a list only a known value's method made (`"a,b".split(",")`): the methods that read it
    list: {"index", "count", "copy"},
    slice: {"start", "stop", "step", "indices"},
    range: {"start", "stop", "step", "index", "count"},
    dict: {"get", "keys", "values", "items"},
    # sets of plain values are the real sets (builtins.set_of): Python's own methods and order
    set: {"add", "discard", "remove", "pop", "clear", "update", "intersection_update", "difference_update",
          "symmetric_difference_update", "union", "intersection", "difference", "symmetric_difference",
          "issubset", "issuperset", "isdisjoint", "copy"},
    frozenset: {"union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset",
                "isdisjoint", "copy"},
}


#: The builtin classes' pure alternate constructors (Python's own, called with known arguments).
_PURE_CLASS_METHODS = {"int": {"from_bytes"}, "float": {"fromhex"}}


def _fixed_library_type(value: Any) -> bool:
    """Whether ``value`` is of a library type flopcast models (a hash object, a Fraction, a
    Decimal, ...) whose instances hold no attributes of their own: its class's names are all it has."""
    return not hasattr(value, "__dict__") and any(isinstance(value, typ) for typ in _SAFE_METHODS)


def _missing_attribute(value: Any, name: str) -> Optional[str]:
    """Python's own message when ``value`` (a number, a text, a library object of a fixed type) has
    no attribute ``name`` (its C types name their module: '_blake2.blake2b'); None when it has."""
    if hasattr(type(value), name):
        return None
    try:
        getattr(value, name)
    except AttributeError as exc:
        return str(exc)
    return None


#: statistics.NormalDist's pure methods and properties (``samples`` draws from ``random``: not here).
#: Keyed by name: an instance exists only once builtins made one, which imports statistics.
_NORMAL_DIST_NAMES = frozenset({"cdf", "inv_cdf", "pdf", "zscore", "quantiles", "overlap", "mean", "median",
                                "mode", "stdev", "variance"})


def _known_method(value: Any, name: str) -> Optional[Value]:
    for typ, names in _SAFE_METHODS.items():
        if isinstance(value, typ) and name in names:
            return Known(getattr(value, name))
    if name in _NORMAL_DIST_NAMES and type(value).__module__ == "statistics" and type(value).__name__ == "NormalDist":
        return Known(getattr(value, name))
    return None


@cache
def _missing_stdlib_attr(module: str, name: str) -> bool:
    """Whether the standard library module ``module`` (a pure one flopcast models by name: math,
    itertools, functools, operator, ...) has no attribute ``name``; False for anything else."""
    if module not in _CHECKED_STDLIB:
        return False
    import importlib

    return not hasattr(importlib.import_module(module), name)


#: modules whose attributes are read from the interpreter's own copy (the run's is the same)
_CHECKED_STDLIB = frozenset({"math", "cmath", "itertools", "functools", "operator", "statistics", "bisect",
                             "heapq", "contextlib", "collections", "dataclasses", "enum", "abc", "copy", "numbers",
                             "fractions", "string", "warnings"})


def _type_is_plain_type(cls: ClassVal) -> bool:
    """The class's own class is ``type``: no user metaclass anywhere in its hierarchy, and every
    base the user's class statement or a builtin class (object, type, dict, Exception, ...)."""
    return all(c.node is not None and c.metaclass is None
               and all(isinstance(b, (ClassVal, Builtin)) for b in c.bases) for c in cls.mro())


def _is_metaclass(cls: ClassVal) -> bool:
    """A user's class deriving from ``type``."""
    return any(isinstance(b, Builtin) and b.name == "type" for c in cls.mro() for b in c.bases)


def _key_text(key: Value) -> str:
    """How Python's KeyError shows an object key: ``<class 'estimator.Relu'>``, ``<function f ...>``."""
    if isinstance(key, ClassVal):
        return f"<class '{key.qualname}'>"
    if isinstance(key, FunctionVal):
        return f"<function {key.qualname}>"
    return f"<{key.cls.qualname} object>" if isinstance(key, InstanceVal) else type(key).__name__
