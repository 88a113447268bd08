"""Making instances: ``__init__``, dataclass fields, ``_replace``, containers.
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import descriptors, dunders, enum_functional, flags
from flopcast.analyzer.values import (machine_of, BoundMethod, Builtin, ClassVal, DictVal, FunctionVal, InstanceVal, Known,
                                      ListVal, Unknown, UserRaise, Value)
from flopcast.model import Span
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.interpreter.classes import _is_enum

#: ``Kind(value read at run time)``: each member a path up to this many members (a site's options)
MOST_PICKED_MEMBERS = 16


class Instances:
    """The Interpreter's methods for making instances."""

    def replace_fields(self, obj: InstanceVal, changes: dict, span) -> Value:
        """dataclasses.replace(obj, **changes) / namedtuple._replace(**changes): the class
        called again with every field, changed ones replaced (so __post_init__ runs too)."""
        fields = next((c.fields for c in obj.cls.mro() if c.fields is not None), None)
        if fields is None:
            raise UserRaise(span, "TypeError: replace() should be called on dataclass instances")
        params = next((c.init_params for c in obj.cls.mro() if c.fields is not None), None)
        if params is not None:  # InitVars and init=False fields, as dataclasses.replace treats them
            values = dict(changes)
            for name, default, _, marks in params:
                if "noinit" in marks:
                    if name in changes:
                        raise UserRaise(span, f"ValueError: field {name} is declared with init=False, "
                                              "it cannot be specified with replace()")
                elif name not in changes:
                    if "initvar" in marks:
                        if default is None:
                            raise UserRaise(span, f"ValueError: InitVar {name!r} must be specified with replace()")
                        values[name] = default
                    elif obj.attrs.get(name) is None:
                        return self._unpriced_at(span, "replace()", "a field of the instance is not known")
                    else:
                        values[name] = obj.attrs[name]
            return self.call(obj.cls, [], values, span)
        names = [f[0] for f in fields]
        unknown = [k for k in changes if k not in names]
        if unknown:
            raise UserRaise(span, f"TypeError: got an unexpected field name {unknown[0]!r}")
        values = {n: changes[n] if n in changes else obj.attrs.get(n) for n in names}
        if any(v is None for v in values.values()):
            return self._unpriced_at(span, "replace()", "a field of the instance is not known")
        return self.call(obj.cls, [], values, span)

    def instantiate(self, cls: ClassVal, args, kwargs, span, through_meta: bool = False) -> Value:
        if cls.metaclass is not None and not through_meta:
            _, call = cls.metaclass.lookup("__call__")
            if isinstance(call, FunctionVal):  # `K(...)` is `meta.__call__(K, ...)`
                return self.call_user(call, [cls] + list(args), kwargs, span)
        _, new = cls.lookup("__new__")
        if isinstance(new, FunctionVal) and dunders.exception_base(cls) is None and _container_base(cls) is None \
                and not _is_enum(cls):  # (an Enum's own __new__ made its members: `Kind(v)` looks one up)
            # `cls.__new__(cls, ...)` makes the object; `__init__` runs on it when it is a cls
            made = self.call_user(new, [cls] + list(args), kwargs, span)
            if isinstance(made, InstanceVal) and cls in made.cls.mro():
                owner, init = made.cls.lookup("__init__")
                if isinstance(init, FunctionVal):
                    self.call_user(init, [made] + list(args), kwargs, span)
            return made
        if _is_enum(cls) and (len(args) > 1 or "names" in kwargs):
            # `Kind("T", "A B")`: EnumType's functional API, a new class deriving from Kind, not a lookup
            made = enum_functional.make(self, cls, list(args), kwargs, span)
            if made is not None:
                return made
            return self._unpriced_at(span, f"{cls.name}(...)", "Enum's functional API on a class with members or "
                                     "with hooks of its own is not modelled")
        members = cls.attrs.get("__members__")
        if isinstance(members, DictVal) and _is_enum(cls):
            # `Kind(1)`: the member with that value
            wanted = args[0] if args else None
            for member in members.items.values():
                if isinstance(wanted, Known) and member.attrs["value"].value == wanted.value or member is wanted:
                    return member
            if isinstance(wanted, Known) and flags.is_flag(cls):
                made = flags.pseudo_member(cls, wanted.value, span)
                if made is not None:
                    return made
            if isinstance(wanted, Known) and cls.lookup("_missing_")[1] is not None:
                # the class's own `_missing_(value)` is asked before the ValueError
                found = self.call(self.get_attr(cls, "_missing_", span), [wanted], {}, span)
                if isinstance(found, InstanceVal) and any(found is m for m in members.items.values()):
                    return found
                if not (isinstance(found, Known) and found.value is None):
                    raise UserRaise(span, f"TypeError: error in {cls.name}._missing_: returned {found!r} "
                                          f"instead of None or a valid member")
            if isinstance(wanted, Known):
                raise UserRaise(span, f"ValueError: {wanted.value!r} is not a valid {cls.name}")
            canonical = cls.attrs.get("__iter_members__")
            if wanted is not None and not flags.is_flag(cls) and cls.lookup("_missing_")[1] is None \
                    and isinstance(canonical, ListVal) and 0 < len(canonical.items) <= MOST_PICKED_MEMBERS:
                # a value no member has raises ValueError: into a handler that may catch it, a path
                # of its own (`Kind(os.environ.get("MODE", "a"))` under `except ValueError:`); else
                # each member is a path, so every later test of it agrees (`case Kind.A:`, `is Kind.B`)
                from flopcast.analyzer.builtins import may_raise

                may_raise(self, span, f"{cls.name}()", "ValueError", f"the value may be no {cls.name} member's",
                          f"the value is not a valid {cls.name}")
                names = tuple(m.attrs["name"].value for m in canonical.items)
                site = Site(("pick", span), names, span, "pick", f"the {cls.name} member for a value that depends on data",
                            machine=machine_of(wanted))
                return canonical.items[names.index(self.decisions.choose(site, self.kept_used()))]
            return Unknown("", span, f"the {cls.name} member for a value that depends on data", machine=machine_of(wanted))
        missing = _abstract_methods(cls)
        if missing:  # object.__new__ of an ABC whose abstract methods are not all overridden
            raise UserRaise(span, f"TypeError: Can't instantiate abstract class {cls.name} with abstract "
                                  f"method{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        instance = InstanceVal(cls)
        if dunders.exception_base(cls) is not None:
            # BaseException.__new__ keeps the positional arguments as `args`; its __init__ takes no keywords
            if kwargs and not isinstance(cls.lookup("__init__")[1], FunctionVal):
                raise UserRaise(span, f"TypeError: {cls.name}() takes no keyword arguments")
            dunders.init_exception_args(instance, args)
        kind = _container_base(cls)
        if kind is not None:
            instance.payload = DictVal({}) if kind == "dict" else ListVal([])
            _, init = cls.lookup("__init__")
            if not isinstance(init, FunctionVal):  # dict's / list's own __init__ fills it
                self.fill_container(instance, args, kwargs, span)
                return instance
        generated = next((c for c in cls.mro() if "__init__" in c.attrs or c.fields is not None), None)
        if generated is not None and "__init__" not in generated.attrs:
            initvars = self.init_fields(instance, generated.fields, args, kwargs, span, generated.init_params)
            _, post = cls.lookup("__post_init__")
            if isinstance(post, FunctionVal):
                self.call_user(post, [instance] + initvars, {}, span)
            return instance
        owner, init = cls.lookup("__init__")
        if isinstance(init, FunctionVal):
            self.call_user(init, [instance] + list(args), kwargs, span)
        elif (args or kwargs) and init is None and new is None and generated is None and cls.metaclass is None \
                and all(isinstance(b, ClassVal) or isinstance(b, Builtin) and b.name == "object"
                        for c in cls.mro() for b in c.bases):
            # object's own __init__ and __new__, neither overridden: they take no arguments
            raise UserRaise(span, f"TypeError: {cls.name}() takes no arguments")
        return instance

    def fill_container(self, instance: InstanceVal, args, kwargs, span: Span) -> None:
        """``dict.__init__(self, ...)`` / ``list.__init__(self, ...)`` of a user subclass."""
        from flopcast.analyzer.builtins import call_builtin

        kind = "dict" if isinstance(instance.payload, DictVal) else "list"
        made = call_builtin(self, kind, list(args), dict(kwargs), span, None)
        if isinstance(made, (DictVal, ListVal)):
            instance.payload.items = made.items
        else:
            self._unpriced_at(span, f"{kind}.__init__", f"the items of this {kind} subclass are not known")

    def init_fields(self, instance: InstanceVal, fields: list, args, kwargs, span: Span,
                    params: Optional[list] = None) -> list:
        """The ``__init__`` @dataclass and NamedTuple generate: one parameter per field (``params``
        when some are InitVars, ``init=False`` or keyword-only: see ``ClassVal.init_params``).
        Returns the InitVars' values, in order, for ``__post_init__``."""
        name = instance.cls.name
        if params is None:
            params = [(n, d, f, frozenset()) for n, d, f in fields]
        taken = [p for p in params if "noinit" not in p[3]]
        order = [p for p in taken if "kw_only" not in p[3]] + [p for p in taken if "kw_only" in p[3]]
        positional = len(order) - sum("kw_only" in p[3] for p in taken)
        if len(args) > positional:
            raise UserRaise(span, f"TypeError: {name}() takes {positional} positional arguments")
        remaining = dict(kwargs)
        initvars = []
        for i, (field_name, default, factory, marks) in enumerate(order):
            if i < len(args):
                value = args[i]
            elif field_name in remaining:
                value = remaining.pop(field_name)
            elif default is not None:
                value = default
            elif factory is not None:
                value = self.call(factory, [], {}, span)
            else:
                raise UserRaise(span, f"TypeError: {name}() missing argument {field_name!r}")
            if "initvar" in marks:
                initvars.append((field_name, value))
                continue
            self.set_field(instance, field_name, value, span)
        if remaining:
            raise UserRaise(span, f"TypeError: {name}() got an unexpected keyword argument {next(iter(remaining))!r}")
        for field_name, default, factory, marks in params:
            # `field(init=False, default_factory=list)` is made in __init__; a plain default is the class's
            if "noinit" in marks and "initvar" not in marks and factory is not None:
                self.set_field(instance, field_name, self.call(factory, [], {}, span), span)
        by_name = dict(initvars)
        return [by_name[p[0]] for p in params if "initvar" in p[3] and p[0] in by_name]

    def set_field(self, instance: InstanceVal, field_name: str, value: Value, span: Span) -> None:
        """``self.name = value`` in a generated ``__init__`` (through a descriptor's ``__set__``)."""
        if self.descriptors and not instance.cls.tuple_like:
            desc = instance.cls.lookup(field_name)[1]
            set_ = descriptors.setter(desc)
            if set_ is not None:  # `self.name = value` in the generated __init__: the descriptor's __set__
                self.call(BoundMethod(set_, desc), [instance, value], {}, span)
                return
        instance.attrs[field_name] = value


def _abstract_methods(cls: ClassVal) -> list:
    """The abstract methods an instance of ``cls`` would lack, sorted, when ``cls`` is an ABC; else []."""
    if not dunders.is_abc(cls):
        return []
    mro = cls.mro()
    names = {name for c in mro for name, v in c.attrs.items() if isinstance(v, FunctionVal) and v.abstract}
    return sorted(name for name in names if isinstance(cls.lookup(name)[1], FunctionVal) and cls.lookup(name)[1].abstract)


def _container_base(cls: ClassVal) -> Optional[str]:
    """'dict' or 'list' when a user class derives from that builtin (through its user bases)."""
    for c in cls.mro():
        for base in c.bases:
            if isinstance(base, Builtin) and base.name in ("dict", "list"):
                return base.name
    return None
