"""Python's special methods on instances of the user's own classes.

What Python does, and so what the interpreter does through these helpers: the truth of an
instance asks ``__bool__``, else ``__len__``, else it is true; ``a + b`` asks ``a.__add__(b)``
and, when that is missing or returns ``NotImplemented``, ``b.__radd__(a)`` (the reflected
method first when ``b``'s class is a strict subclass of ``a``'s that defines it); ``a += b``
asks ``__iadd__`` first; comparisons reflect ``<`` to ``>`` and fall back to identity for
``==``/``!=``; ``x in [..]`` is ``item is x or item == x`` item by item; ``str()``/``repr()``
and f-strings ask ``__str__``/``__repr__``/``__format__``, and an exception's ``str`` is made
from its ``args``. A method the user wrote runs as any other call (its charges are the
program's); nothing here is a guess: a value these rules cannot decide stays unknown.
"""

from __future__ import annotations

import ast
import weakref
from pathlib import PurePath
from typing import Optional

from flopcast.analyzer import enum_text
from flopcast.analyzer.values import (
    Array,
    Builtin,
    ClassVal,
    DictVal,
    FunctionVal,
    InstanceVal,
    Known,
    ListVal,
    ObjKey,
    TupleVal,
    Unknown,
    UserRaise,
    Value,
    make_tuple,
    is_plain_estimator_base,
    LibRef,
)

#: operator name -> (method, reflected method, in-place method)
BINARY = {
    "Add": ("__add__", "__radd__", "__iadd__"), "Sub": ("__sub__", "__rsub__", "__isub__"),
    "Mult": ("__mul__", "__rmul__", "__imul__"), "MatMult": ("__matmul__", "__rmatmul__", "__imatmul__"),
    "Div": ("__truediv__", "__rtruediv__", "__itruediv__"),
    "FloorDiv": ("__floordiv__", "__rfloordiv__", "__ifloordiv__"), "Mod": ("__mod__", "__rmod__", "__imod__"),
    "Pow": ("__pow__", "__rpow__", "__ipow__"), "LShift": ("__lshift__", "__rlshift__", "__ilshift__"),
    "RShift": ("__rshift__", "__rrshift__", "__irshift__"), "BitAnd": ("__and__", "__rand__", "__iand__"),
    "BitOr": ("__or__", "__ror__", "__ior__"), "BitXor": ("__xor__", "__rxor__", "__ixor__"),
}
_SYMBOL = {"Add": "+", "Sub": "-", "Mult": "*", "MatMult": "@", "Div": "/", "FloorDiv": "//", "Mod": "%",
           "Pow": "** or pow()", "LShift": "<<", "RShift": ">>", "BitAnd": "&", "BitOr": "|", "BitXor": "^"}
#: comparison name -> (method, reflected method)
COMPARE = {"Eq": ("__eq__", "__eq__"), "NotEq": ("__ne__", "__ne__"), "Lt": ("__lt__", "__gt__"),
           "LtE": ("__le__", "__ge__"), "Gt": ("__gt__", "__lt__"), "GtE": ("__ge__", "__le__")}
_CMP_SYMBOL = {"Lt": "<", "LtE": "<=", "Gt": ">", "GtE": ">="}
UNARY = {"USub": "__neg__", "UAdd": "__pos__", "Invert": "__invert__"}

#: Python's exception classes whose str() is made from args the plain way (one arg: str of it;
#: none: ''; more: str of the tuple). KeyError's uses repr for one argument.
_PLAIN_STR_EXCEPTIONS = frozenset({
    "BaseException", "Exception", "ArithmeticError", "AssertionError", "AttributeError", "BufferError",
    "EOFError", "FloatingPointError", "IndexError", "LookupError", "MemoryError", "NameError",
    "NotImplementedError", "OverflowError", "RecursionError", "RuntimeError", "TypeError", "ValueError",
    "ZeroDivisionError", "KeyError", "Warning", "UserWarning", "RuntimeWarning", "DeprecationWarning",
})


def user_method(obj: Value, name: str):
    """The method ``name`` the user's classes give ``obj`` (an instance), as (owner, function), or None."""
    if obj.__class__ is not InstanceVal:
        return None
    owner, method = obj.cls.lookup(name)
    for c in obj.cls.mro():  # a method a decorator made (a dataclass's __eq__) where no earlier class has one
        if c is owner:
            break
        made = c.generated.get(name) if c.generated else None
        if made is not None:
            return c, made
    return (owner, method) if isinstance(method, FunctionVal) else None


def is_user_iterator(obj: Value) -> bool:
    """An instance whose classes define ``__next__`` (an iterator ``next()`` steps)."""
    return user_method(obj, "__next__") is not None


def call_method(interp, obj: InstanceVal, found, args: list, span) -> Value:
    owner, method = found
    return interp.call(interp.bind(method, obj, owner, span), list(args), {}, span)


def _not_implemented(v: Value) -> bool:
    return isinstance(v, Builtin) and v.name == "NotImplemented"


def _plain_class(cls: ClassVal, op: str = "") -> bool:
    """A class of the user's own whose instances have no operators but those it defines: every
    base (through the whole hierarchy) is the user's, whestbench's BaseEstimator or object (so
    not a container, a NamedTuple, an enum or an exception), and every class written in the
    source (not a stand-in flopcast made for a library object, like finfo's). A @dataclass is
    plain too but for ``==``/``!=`` (its generated __eq__ compares fields; the order methods of
    order=True are in its attributes), unless flopcast made that __eq__ (ClassVal.generated)."""
    return all(c.node is not None and (c.fields is None or op not in ("Eq", "NotEq", "")
                                       or op != "" and bool(c.generated)
                                       and ("__eq__" in c.generated or "identity" in c.generated))
               and not c.tuple_like and all(
        isinstance(b, ClassVal) or is_plain_estimator_base(b)
        or isinstance(b, Builtin) and b.name == "object" for b in c.bases) for c in cls.mro())


def _orderless_member(v: Value) -> bool:
    """A member of an Enum or Flag of the user's whose classes define no order and mix in no
    type that has one (not an IntEnum, a StrEnum or a `(str, Enum)`): Python compares such
    members only with ``==``."""
    if not (isinstance(v, InstanceVal) and v.payload is None):
        return False
    mro = v.cls.mro()
    bases = [b for c in mro for b in c.bases]
    return any(isinstance(b, LibRef) and b.path in _ORDERLESS_ENUMS for b in bases) and all(
        c.node is not None and not c.attrs.get("__int_like__") for c in mro) and all(
        isinstance(b, ClassVal) or isinstance(b, LibRef) and b.path in _ORDERLESS_ENUMS for b in bases)


_ORDERLESS_ENUMS = frozenset({"py:enum.Enum", "py:enum.Flag"})


def _plain_operand(v: Value, op: str = "") -> bool:
    """A value whose operators Python knows are absent unless its class defines them: a plain
    Python number/text/None or an instance of a plain user class (never an array or an unknown);
    ``op`` the operator asked (a dataclass is plain but for ``==``; "" asks for every operator). A
    plain Enum's or Flag's member is plain for ``==``/``!=``: Enum defines neither, so object's
    identity answers them (``list(Kind).index(member)``)."""
    if isinstance(v, InstanceVal):
        return v.payload is None and (_plain_class(v.cls, op) or op in ("Eq", "NotEq") and _orderless_member(v))
    return isinstance(v, Known) and type(v.value) in (int, float, bool, str, type(None))


def _type_name(v: Value) -> str:
    if isinstance(v, InstanceVal):
        return v.cls.name
    return v.kind if v.__class__ is Unknown else type(v.value).__name__


def _asking_order(left: Value, right: Value, method: str, reflected: str) -> list:
    """(object, method, other operand) in the order Python asks them: the left operand's method,
    then the right's reflected one, unless the right's class is a subclass that defines it."""
    tries = [(left, method, right), (right, reflected, left)]
    if _reflected_first(left, right) and user_method(right, reflected) is not None:
        tries.reverse()
    return tries


def _reflected_first(left: Value, right: Value) -> bool:
    """Python tries the right operand's reflected method first when its class is a strict
    subclass of the left operand's."""
    return isinstance(left, InstanceVal) and isinstance(right, InstanceVal) and right.cls is not left.cls \
        and left.cls in right.cls.mro()


def _step(obj: Value, meth: str, other: Value, op: str):
    """What Python's try of ``obj.<meth>(other)`` is: ("call", the user's method), "skip" (the
    method is absent or a builtin number's or text's, which returns NotImplemented for an
    instance of a plain class), ("raise", what) (a flopscope array's ``@`` of such an instance),
    or "stop" (an array's, a library class's or a builtin's own method that may answer: not
    told here)."""
    if op == "MatMult" and isinstance(obj, Array) and not obj.plain and _zero_d_object(other):
        return "raise", _matmul_refusal(obj.ndim, meth == "__matmul__")
    if obj.__class__ is InstanceVal:
        found = user_method(obj, meth)
        if found is not None:
            return "call", found
        return ("skip", None) if _plain_operand(obj, op) else ("stop", None)
    if (isinstance(obj, Known) and _plain_operand(obj) or _unknown_number(obj)) and _plain_operand(other, op):
        if isinstance(obj, Known) and isinstance(obj.value, str) and op not in ("Add", "Eq", "NotEq", "Lt", "LtE", "Gt",
                                                                                 "GtE"):
            return "stop", None  # `"%s" % x` formats, `"ab" * x` repeats by x.__index__
        return "skip", None
    return "stop", None


#: what makes numpy read an object as an array or a sequence rather than one opaque element
_ARRAY_LIKE = ("__array__", "__array_interface__", "__array_struct__", "__array_function__", "__buffer__",
               "__getitem__", "__len__", "__iter__")


def _zero_d_object(v: Value) -> bool:
    """An instance of a plain class of the user's that numpy's asarray makes a 0-d object array of."""
    return v.__class__ is InstanceVal and _plain_operand(v) \
        and not any(name in c.attrs for c in v.cls.mro() for name in _ARRAY_LIKE)


def refused_matmul(a: Value, b: Value) -> Optional[str]:
    """``fnp.matmul(a, b)`` of an array of at least one axis (a flopscope one or numpy's: the call
    converts both) and an instance numpy makes a 0-d object array of, either way round: the
    ValueError flopscope raises, charging nothing (measured against the installed flopscope, as
    the ``@`` operator's in ``_step``); None for any other operands."""
    if isinstance(a, Array) and a.ndim >= 1 and _zero_d_object(b):
        return _matmul_refusal(a.ndim, True)
    if isinstance(b, Array) and b.ndim >= 1 and _zero_d_object(a):
        return _matmul_refusal(b.ndim, False)
    return None


def _matmul_refusal(ndim: int, array_first: bool) -> str:
    """flopscope's matmul of an ``ndim``-d array and a 0-d object array (``array_first``: the
    array on the left): it never returns NotImplemented (a user ``__rmatmul__`` is not asked),
    and einsum refuses the 0-d operand its subscripts give axes to, charging nothing."""
    a, b = (ndim, 0) if array_first else (0, ndim)
    subscripts = ("k", "kn") if a == 1 else ("mk", "k") if b == 1 else ("ij", "jk")
    failing = 0 if a == 0 else 1
    return (f"ValueError: Einstein sum subscript '{subscripts[failing]}' does not contain the correct number of "
            f"indices for operand {failing}.")


def _unknown_number(v: Value) -> bool:
    """A Python number whose value is not known (`float(fnp.max(w))`): its operators, as a known
    number's, return NotImplemented for an instance of a plain class."""
    return v.__class__ is Unknown and v.kind in ("int", "float", "bool")


def binary(interp, name: str, left: Value, right: Value, span, inplace: bool = False) -> Optional[Value]:
    """``left <op> right`` (``left <op>= right`` when ``inplace``) where an operand is an instance
    of the user's classes: the result of its methods, a TypeError when no method answers and
    both operands are plain, or None when a method flopcast does not know would be asked (an
    array's: the caller goes on as before)."""
    if name not in BINARY:
        return None
    method, reflected, inplace_method = BINARY[name]
    if inplace:
        found = user_method(left, inplace_method)
        if found is not None:
            result = call_method(interp, left, found, [right], span)
            if not _not_implemented(result):
                return result
    tries = _asking_order(left, right, method, reflected)
    for obj, meth, other in tries:
        kind, found = _step(obj, meth, other, name)
        if kind == "stop":
            return None
        if kind == "call":
            result = call_method(interp, obj, found, [other], span)
            if not _not_implemented(result):
                return result
        if kind == "raise":
            if inplace:
                return None  # (the array's own __imatmul__ is asked first)
            raise UserRaise(span, found)
    if all(_plain_operand(v, name) or _unknown_number(v) for v in (left, right)):
        symbol = _SYMBOL[name] + ("=" if inplace and name != "Pow" else "")
        raise UserRaise(span, f"TypeError: unsupported operand type(s) for {symbol}: "
                              f"'{_type_name(left)}' and '{_type_name(right)}'")
    return None


def unary(interp, name: str, operand: Value, span) -> Optional[Value]:
    """``-x``, ``+x``, ``~x`` of an instance whose class defines the method; None otherwise."""
    found = user_method(operand, UNARY.get(name, ""))
    if found is not None:
        return call_method(interp, operand, found, [], span)
    if name in UNARY and _plain_operand(operand):
        symbol = {"USub": "-", "UAdd": "+", "Invert": "~"}[name]
        raise UserRaise(span, f"TypeError: bad operand type for unary {symbol}: '{operand.cls.name}'")
    return None


def compare(interp, name: str, left: Value, right: Value, span) -> Optional[Value]:
    """A rich comparison where an operand is an instance of the user's classes, with Python's
    reflection and NotImplemented; identity for ``==``/``!=`` and a TypeError for an order when
    no method answers and both operands are plain; None when a method flopcast does not know
    would be asked (the caller goes on as before)."""
    method, reflected = COMPARE[name]
    if name not in ("Eq", "NotEq") and (_orderless_member(left) or _orderless_member(right)) \
            and all(_orderless_member(v) or _plain_operand(v, name) for v in (left, right)) \
            and user_method(left, method) is None and user_method(right, reflected) is None:
        # a plain Enum's members have no order (`K.A < K.B`): Python raises at once
        raise UserRaise(span, f"TypeError: '{_CMP_SYMBOL[name]}' not supported between instances of "
                              f"'{_type_name(left)}' and '{_type_name(right)}'")
    tries = _asking_order(left, right, method, reflected)
    for obj, meth, other in tries:
        kind, found = _step(obj, meth, other, name)
        if kind == "stop":
            return None
        if kind == "skip" and name == "NotEq":
            eq = user_method(obj, "__eq__")  # object.__ne__ inverts __eq__ unless NotImplemented
            if eq is not None:
                result = call_method(interp, obj, eq, [other], span)
                if _not_implemented(result):
                    continue
                truth = truth_of(interp, result, span)
                if truth is None:
                    return Unknown("bool", span, "the result of a user __eq__ that depends on values")
                return Known(not truth)
        if kind == "call":
            result = call_method(interp, obj, found, [other], span)
            if not _not_implemented(result):
                return result
    if not (_plain_operand(left, name) and _plain_operand(right, name)):
        return None
    if name in ("Eq", "NotEq"):
        return Known((left is right) == (name == "Eq"))
    raise UserRaise(span, f"TypeError: '{_CMP_SYMBOL[name]}' not supported between instances of "
                          f"'{_type_name(left)}' and '{_type_name(right)}'")


def truth_of(interp, value: Value, span) -> Optional[bool]:
    """Python's truth of ``value``, asking a user class's ``__bool__``/``__len__``."""
    return interp.known_truth(instance_truth(interp, value, span))


def instance_truth(interp, value: Value, span) -> Value:
    """``value`` as its truth when it is an instance whose class defines ``__bool__`` or
    ``__len__`` (what Python asks in ``if x:``, ``not x``, ``x and y``); else ``value``."""
    if value.__class__ is not InstanceVal:
        return value
    found = user_method(value, "__bool__")
    if found is not None:
        result = call_method(interp, value, found, [], span)
        if isinstance(result, Known) and not isinstance(result.value, bool):
            raise UserRaise(span, f"TypeError: __bool__ should return bool, returned {type(result.value).__name__}")
        if isinstance(result, Array):  # (`return self.a.sum() > 0`): an array, even a 0-d one, is no bool
            raise UserRaise(span, f"TypeError: __bool__ should return bool, returned {array_class(result)}")
        if result.__class__.__name__ == "NumpyScalar":  # numpy's bool is no subclass of Python's
            raise UserRaise(span, f"TypeError: __bool__ should return bool, returned numpy.{result.dtype}")
        return result if isinstance(result, (Known, Unknown)) else Unknown("bool", span, "__bool__ returned "
                                                                                          "something unknown")
    found = user_method(value, "__len__")
    if found is not None:
        result = call_method(interp, value, found, [], span)
        if isinstance(result, Known) and isinstance(result.value, int):
            if result.value < 0:
                raise UserRaise(span, "ValueError: __len__() should return >= 0")
            return Known(result.value != 0)
        if isinstance(result, Known):
            raise UserRaise(span, f"TypeError: '{type(result.value).__name__}' object cannot be interpreted "
                                  "as an integer")
        return Unknown("bool", span, "the length a user __len__ returned depends on values") \
            if not isinstance(result, Array) else Unknown("", span, "__len__ returned an array")
    if "_value_" in value.attrs and "_name_" in value.attrs:
        from flopcast.analyzer.flags import is_flag

        # a Flag's member is true when some bit is set (Flag(0) is false); an IntEnum's or
        # StrEnum's is its int's or text's truth; a plain Enum's member is always true
        member = value.attrs["_value_"]
        if isinstance(member, Known) and (is_flag(value.cls) or value.cls.lookup("__int_like__")[1] is not None):
            return Known(bool(member.value))
    return value


def contains(interp, needle: Value, items: list, span) -> Optional[Value]:
    """``needle in items`` (a list or tuple) where ``needle`` or an item is an instance of the
    user's classes: ``item is needle or item == needle`` in order, the first true one wins.
    None when an item is an array or an unknown (the caller goes on as before)."""
    if not (isinstance(needle, InstanceVal) or any(isinstance(i, InstanceVal) for i in items)):
        return None
    if isinstance(needle, (Array, Unknown)) or any(isinstance(i, (Array, Unknown)) for i in items):
        return None
    for item in items:
        if item is needle:
            return Known(True)
        result = equal(interp, item, needle, span)
        if result is None:
            return None
        truth = truth_of(interp, result, span)
        if truth is None:
            return Unknown("bool", span, "membership by a user __eq__ that depends on values")
        if truth:
            return Known(True)
    return Known(False)


def positions(interp, needle: Value, items: list, span, first: bool) -> Optional[list]:
    """The positions of ``items`` equal to ``needle`` (``list.count``/``index``/``remove``:
    identity, then ``==`` through the user's methods), only the first when ``first``; None
    when an answer depends on values or an item is an array or an unknown."""
    if isinstance(needle, (Array, Unknown)) or any(isinstance(i, (Array, Unknown)) for i in items):
        return None
    found = []
    for k, item in enumerate(items):
        if item is needle:
            truth = True
        else:
            result = equal(interp, item, needle, span)
            truth = None if result is None else truth_of(interp, result, span)
        if truth is None:
            return None
        if truth:
            found.append(k)
            if first:
                break
    return found


def equal(interp, left: Value, right: Value, span) -> Optional[Value]:
    """``left == right`` as Python evaluates it, through the user's methods where there are any."""
    if isinstance(left, InstanceVal) or isinstance(right, InstanceVal):
        return compare(interp, "Eq", left, right, span)
    if isinstance(left, Known) and isinstance(right, Known):
        try:
            return Known(left.value == right.value)
        except Exception:  # noqa: BLE001 - exotic values are not known
            return None
    return None


# ------------------------------------------------------------ exceptions and text


def exception_base(cls: ClassVal) -> Optional[str]:
    """The name of the Python built-in exception class ``cls`` derives from, or None."""
    for c in cls.mro():
        for base in c.bases:
            if isinstance(base, Builtin) and is_builtin_exception(base.name):
                return base.name
    return None


def is_builtin_exception(name: str) -> bool:
    """Whether ``name`` is one of Python's built-in exception classes (read from ``builtins``)."""
    import builtins

    cls = getattr(builtins, name, None)
    return isinstance(cls, type) and issubclass(cls, BaseException)


def init_exception_args(instance: InstanceVal, args: list) -> None:
    """``BaseException.__new__``/``__init__`` keep the positional arguments as ``args``."""
    instance.attrs["args"] = make_tuple(list(args))


def text(interp, value: Value, kind: str, span) -> Optional[Value]:
    """``str(value)`` (kind "str") or ``repr(value)`` (kind "repr") of an instance of the user's
    classes: its ``__str__``/``__repr__``, an exception's message from its args; None when not
    known (the default repr shows an address)."""
    if not isinstance(value, InstanceVal):
        return None
    names = ("__str__", "__repr__") if kind == "str" else ("__repr__",)
    for name in names:
        found = user_method(value, name)
        if found is not None:
            result = call_method(interp, value, found, [], span)
            if isinstance(result, Known) and not isinstance(result.value, str):
                raise UserRaise(span, f"TypeError: {name} returned non-string (type {type(result.value).__name__})")
            return result if isinstance(result, Known) else None
        if kind == "str" and name == "__str__":
            base = exception_base(value.cls)
            if base is not None:
                return _exception_str(base, value.attrs.get("args"))
    made = enum_text.member_text(value, kind)  # an enum member's, as its kind of enum gives it
    return None if made is None else Known(made)


def conversion(interp, name: str, value: InstanceVal, span) -> Optional[Value]:
    """``bool(x)``, ``int(x)``, ``float(x)``, ``abs(x)`` of an instance: its class's method
    (``__bool__``/``__len__``; ``__int__`` or ``__index__``; ``__float__`` or ``__index__``;
    ``__abs__``); a TypeError for a plain class without it; None otherwise."""
    if name == "bool":
        truth = truth_of(interp, value, span)
        if truth is not None:
            return Known(truth)
        return instance_truth(interp, value, span) if user_method(value, "__bool__") or \
            user_method(value, "__len__") else None
    methods = {"int": ("__int__", "__index__"), "float": ("__float__", "__index__"), "abs": ("__abs__",)}[name]
    for method in methods:
        found = user_method(value, method)
        if found is not None:
            result = call_method(interp, value, found, [], span)
            if name == "abs" or not isinstance(result, Known):
                return result
            want = int if method != "__float__" else float
            if type(result.value) is not want and not (want is int and isinstance(result.value, int)):
                return None  # Python refuses it (or warns and converts): not claimed either way
            return Known(float(result.value)) if name == "float" else Known(int(result.value))
    if _plain_operand(value):
        if name == "abs":
            raise UserRaise(span, f"TypeError: bad operand type for abs(): '{value.cls.name}'")
        what = "a string or a real number" if name == "float" else "a string, a bytes-like object or a real number"
        raise UserRaise(span, f"TypeError: {name}() argument must be {what}, not '{value.cls.name}'")
    return None


def formatted(interp, value: Value, conversion: int, spec: Value, span) -> Optional[str]:
    """The text of one ``{value!conversion:spec}`` field of an f-string, or None when not known."""
    if not (isinstance(spec, Known) and isinstance(spec.value, str)):
        return None
    if conversion in (ord("s"), ord("r"), ord("a")):
        kind = "str" if conversion == ord("s") else "repr"
        if isinstance(value, InstanceVal):
            value = text(interp, value, kind, span)
            if value is None or conversion == ord("a"):
                return None
        elif isinstance(value, Known) and plain_value(value.value):
            value = Known({ord("s"): str, ord("r"): repr, ord("a"): ascii}[conversion](value.value))
        else:
            return None
    if isinstance(value, Array) and conversion == -1 and spec.value != "" and value.ndim > 0:
        # numpy formats a 0-d array as its item; any other array refuses a format spec
        raise UserRaise(span, f"TypeError: unsupported format string passed to {array_class(value)}.__format__")
    if isinstance(value, InstanceVal):
        found = user_method(value, "__format__")
        if found is not None:
            result = call_method(interp, value, found, [spec], span)
            return result.value if isinstance(result, Known) and isinstance(result.value, str) else None
        if spec.value != "":
            made = enum_text.member_text(value, "format", spec.value)
            if made is not None:
                return made
            if _plain_operand(value):
                raise UserRaise(span, f"TypeError: unsupported format string passed to {value.cls.name}.__format__")
            return None
        value = text(interp, value, "str", span)
        if value is None:
            return None
    if not isinstance(value, Known):
        return None
    try:
        return format(value.value, spec.value)
    except (TypeError, ValueError) as exc:
        raise UserRaise(span, f"{type(exc).__name__}: {exc}")


def array_class(value: Array) -> str:
    """The class name numpy's messages give an array (flopscope's, its symmetric one, numpy's own)."""
    return "numpy.ndarray" if value.plain else "SymmetricTensor" if value.sym else "FlopscopeArray"


class _ArrayStandIn:
    """An array in ``fmt % array``: str's formatting asks its text (%s, %r) or a number of it
    (%f, %d: numpy converts only a 0-d array; %x, %c need an integer one's __index__)."""

    def __init__(self, zero_d: bool, integer: bool) -> None:
        self._zero_d, self._integer = zero_d, integer

    def __str__(self) -> str:
        return "<array>"

    __repr__ = __str__

    def __getitem__(self, key):
        # an array is a mapping to str's formatting: `%(k)s` indexes it with the key
        raise IndexError("only integers, slices, ellipsis, numpy.newaxis and integer or boolean arrays are "
                         "valid indices")

    def __float__(self) -> float:
        if not self._zero_d:
            raise TypeError("only 0-dimensional arrays can be converted to Python scalars")
        return 1.0

    def __int__(self) -> int:
        if not self._zero_d:
            raise TypeError("only 0-dimensional arrays can be converted to Python scalars")
        return 1

    def __index__(self) -> int:
        if not (self._zero_d and self._integer):
            raise TypeError("an integer is required")
        return 1


def percent_format_of_arrays(fmt: str, right: Value, span) -> Optional[Value]:
    """``fmt % x`` with ``x`` an array or a tuple holding arrays and known values: str's own
    formatting (never numpy's remainder), which raises the program's TypeError when a
    conversion needs a number of an array numpy will not convert; the text is not followed.
    None when the right side holds something else."""
    from flopcast.analyzer import dtypes

    items = list(right.items) if isinstance(right, TupleVal) else [right]
    if not any(isinstance(i, Array) for i in items) \
            or not all(isinstance(i, Array) or isinstance(i, Known) and plain_value(i.value) for i in items):
        return None
    if any(isinstance(i, Array) and i.dtype is not None and dtypes.kind(i.dtype) == "c" for i in items):
        return None  # a complex item: its conversions are not followed
    made = [_ArrayStandIn(i.ndim == 0, i.dtype is not None and dtypes.kind(i.dtype) in "iu")
            if isinstance(i, Array) else i.value for i in items]
    try:
        fmt % (tuple(made) if isinstance(right, TupleVal) else made[0])
    except (TypeError, ValueError, KeyError) as exc:
        raise UserRaise(span, f"{type(exc).__name__}: {exc}")
    return Unknown("str", span, "text made of an array's values")


def plain_value(v) -> bool:
    """A Python value whose repr flopcast can make itself: numbers, text, None, paths and
    tuples/lists of them (never an object whose repr shows an address)."""
    if isinstance(v, (tuple, list)):
        return all(plain_value(x) for x in v)
    return type(v) in (int, float, bool, str, type(None), complex) or isinstance(v, PurePath)


def _exception_str(base: str, args: Optional[Value]) -> Optional[Value]:
    if base not in _PLAIN_STR_EXCEPTIONS:
        return None
    if isinstance(args, Known) and isinstance(args.value, tuple):
        plain = list(args.value)  # (make_tuple keeps a tuple of known values as one Known)
    elif isinstance(args, TupleVal) and all(isinstance(a, Known) for a in args.items):
        plain = [a.value for a in args.items]
    else:
        return None
    if not plain_value(plain):
        return None
    if not plain:
        return Known("")
    if len(plain) == 1:
        return Known(repr(plain[0]) if base == "KeyError" else str(plain[0]))
    return Known(str(tuple(plain)))


# ------------------------------------------------------------ orderings (min, max, sorted)


class Undecided(Exception):
    """A comparison whose answer depends on values."""


class Ordering:
    """Python's ``<``/``>`` between values the way min()/max()/sorted() ask them: known values
    directly, tuples and lists item by item (identity, then ``==``, then the order of the first
    pair that differs), instances through their classes' methods. ``ran_user_code`` says
    whether a method of the user's ran (its charges are the program's, so an undecided
    comparison after it cannot be taken back)."""

    def __init__(self, interp, span):
        self.interp = interp
        self.span = span
        self.ran_user_code = False

    def decided(self, name: str, a: Value, b: Value) -> bool:
        truth = self._truth(name, a, b)
        if truth is None:
            raise Undecided()
        return truth

    def _truth(self, name: str, a: Value, b: Value) -> Optional[bool]:
        if isinstance(a, Known) and isinstance(b, Known):
            try:
                return bool(a.value < b.value if name == "Lt" else a.value > b.value)
            except TypeError as exc:
                raise UserRaise(self.span, f"TypeError: {exc}")
        sa, sb = _sequence(a), _sequence(b)
        if sa is not None and sb is not None and (type(a) is type(b) or {type(a), type(b)} <= {Known, TupleVal}):
            for x, y in zip(sa, sb):
                if x is y:
                    continue
                same = self._equal(x, y)
                if same is None:
                    return None
                if not same:
                    return self._truth(name, x, y)
            return len(sa) < len(sb) if name == "Lt" else len(sa) > len(sb)
        if isinstance(a, InstanceVal) or isinstance(b, InstanceVal):
            self.ran_user_code = True
            result = compare(self.interp, name, a, b, self.span)
            return None if result is None else truth_of(self.interp, result, self.span)
        return None

    def _equal(self, x: Value, y: Value) -> Optional[bool]:
        if isinstance(x, InstanceVal) or isinstance(y, InstanceVal):
            self.ran_user_code = True
        result = equal(self.interp, x, y, self.span)
        return None if result is None else truth_of(self.interp, result, self.span)


def _sequence(v: Value) -> Optional[list]:
    if isinstance(v, (TupleVal, ListVal)):
        return list(v.items)
    if isinstance(v, Known) and isinstance(v.value, tuple):
        return [Known(x) for x in v.value]
    return None


def ordered_pick(interp, name: str, items: list, keys: list, span):
    """``min``/``max`` as CPython runs it (the first item kept; replaced when ``key < best``,
    ``key > best`` for max): the item, or None when a comparison depends on values and no
    method of the user's ran (the caller goes on as before). Raises Undecided otherwise."""
    order = Ordering(interp, span)
    best = 0
    try:
        for j in range(1, len(items)):
            if order.decided("Lt" if name == "min" else "Gt", keys[j], keys[best]):
                best = j
    except Undecided:
        if order.ran_user_code:
            raise
        return None
    return items[best]


def ordered_sort(interp, items: list, keys: list, reverse: bool, span) -> Optional[list]:
    """``sorted`` with Python's own sort calling ``<`` in its own order; None as ordered_pick."""
    import functools

    order = Ordering(interp, span)

    def cmp(i, j):  # the sort asks only `<`, once per comparison
        return -1 if order.decided("Lt", keys[i], keys[j]) else 1

    # sorted(reverse=True) keeps equal items in order: reversing, sorting stably, reversing back
    index = list(range(len(items)))
    try:
        if reverse:
            ranked = list(reversed(sorted(reversed(index), key=functools.cmp_to_key(cmp))))
        else:
            ranked = sorted(index, key=functools.cmp_to_key(cmp))
    except Undecided:
        if order.ran_user_code:
            raise
        return None
    return [items[j] for j in ranked]


def class_plainly_missing(cls, name: str) -> bool:
    """Whether ``Cls.name`` surely raises AttributeError: a non-dunder name no class of its MRO
    has, every one a class statement of the user's with no metaclass and no base but object
    (a metaclass's __getattr__ or a library base could supply it)."""
    if name.startswith("__") and name.endswith("__"):
        return False
    for c in cls.mro():
        if c.node is None or c.metaclass is not None or name in c.attrs or "__slots__" in c.attrs:
            return False  # (a slot is a member descriptor on the class)
        if any(isinstance(d, ast.Call) and any(k.arg == "slots" for k in d.keywords)
               for d in getattr(c.node, "decorator_list", ())):
            return False  # @dataclass(slots=True) makes a class with slots
        if any(not isinstance(b, ClassVal) and not (isinstance(b, Builtin) and b.name == "object") for b in c.bases):
            return False
    return True


def plainly_missing(obj, name: str) -> bool:
    """Whether ``obj.name`` surely raises AttributeError: a non-dunder name the instance and its
    classes lack, every class of the user's own (no library or builtin base but object, no
    metaclass, no __getattr__/__getattribute__), the instance no container."""
    if name.startswith("__") and name.endswith("__") or obj.payload is not None:
        return False
    return plain_lookup(obj.cls)


def plain_lookup(cls) -> bool:
    """Whether an attribute read of an instance of ``cls`` is the plain lookup (its own
    attributes, then its classes'): every class in its order the user's own, with no base but
    those and ``object``, no metaclass, no __getattr__/__getattribute__."""
    for c in cls.mro():
        if c.node is None or c.metaclass is not None or "__getattr__" in c.attrs or "__getattribute__" in c.attrs:
            return False
        if any(not isinstance(b, ClassVal) and not (isinstance(b, Builtin) and b.name == "object") for b in c.bases):
            return False
    return True


# ------------------------------------------------------------------ texts Python makes of objects

#: The methods Python asks of an object whose text it makes (print, `%`, str.format, format()).
_TEXT_METHODS = ("__str__", "__repr__", "__format__")
#: Values walked to render one text: past this, the path ends (a text of a huge structure).
_RENDER_LIMIT = 100_000


def holds_text_methods(value: Value, limit: int = _RENDER_LIMIT) -> bool:
    """Whether a value is, or a list, tuple or dict of it holds, an instance of the user's classes
    that gives its own __str__/__repr__/__format__ (Python runs it when it makes the text)."""
    stack, seen = [value], 0
    while stack:
        v = stack.pop()
        seen += 1
        if seen > limit:
            return True  # too large to look through: rendered (and refused) as such
        if v.__class__ is InstanceVal:
            if any(user_method(v, name) is not None for name in _TEXT_METHODS):
                return True
        elif isinstance(v, (ListVal, TupleVal)):
            stack.extend(v.items)
        elif isinstance(v, DictVal):
            stack.extend(v.items.values())
            stack.extend(k.value for k in v.items if isinstance(k, ObjKey))
    return False


class _Rendering:
    """One text being made: whether a part of it is not known."""

    def __init__(self, interp, span) -> None:
        self.interp, self.span = interp, span
        self.unknown = False
        self.left = _RENDER_LIMIT


class _Placeholder:
    """A value whose text flopcast does not know, inside a text Python makes."""

    def __init__(self, rendering: _Rendering) -> None:
        self.rendering = rendering

    def _unknown(self, *_args) -> str:
        self.rendering.unknown = True
        return "?"

    __str__ = __repr__ = __format__ = _unknown


class _TextOf(_Placeholder):
    """An instance of the user's classes inside a text Python makes: the method Python asks for runs
    when it asks (a call of the program's, its charges and effects with it)."""

    def __init__(self, rendering: _Rendering, value: InstanceVal) -> None:
        super().__init__(rendering)
        self.value = value

    def _text(self, kind: str) -> str:
        made = text(self.rendering.interp, self.value, kind, self.rendering.span)
        if isinstance(made, Known) and isinstance(made.value, str):
            return made.value
        return self._unknown()

    def __str__(self) -> str:
        return self._text("str")

    def __repr__(self) -> str:
        return self._text("repr")

    def __format__(self, spec: str) -> str:
        made = formatted(self.rendering.interp, self.value, -1, Known(spec), self.rendering.span)
        return made if made is not None else self._unknown()


def _render(rendering: _Rendering, value: Value):
    """The Python object standing for ``value`` in a text: its own value when plain, a list,
    tuple or dict of rendered items, a user object that runs its text methods when asked."""
    rendering.left -= 1
    if rendering.left < 0:
        rendering.interp.stop_path("a text made of too many values for flopcast to follow", rendering.span,
                                   "text of an object")
    if value.__class__ is InstanceVal:
        return _TextOf(rendering, value)
    if isinstance(value, Known) and plain_value(value.value):
        return value.value
    if value.__class__ is ListVal and not value.is_set and not value.unordered:
        return [_render(rendering, v) for v in value.items]
    if value.__class__ is TupleVal:
        return tuple(_render(rendering, v) for v in value.items)
    if value.__class__ is DictVal and value.factory is None:
        return {(k if plain_value(k) else _Placeholder(rendering)): _render(rendering, v)
                for k, v in value.items.items()}
    return _Placeholder(rendering)


def printed(interp, args: list, span) -> None:
    """print(*args): the text of each argument, made as Python makes it (str of each, the repr of
    what a list or dict holds), for what the user's text methods charge and change."""
    for arg in args:
        if holds_text_methods(arg):
            rendering = _Rendering(interp, span)
            str(_render(rendering, arg))


def text_made(interp, make, values: list, kwargs: dict, span) -> Value:
    """A text made by ``make(*rendered values, **rendered kwargs)`` (`%` formatting, str.format),
    running the user's text methods as Python does: the text, or Unknown when a part is not known."""
    rendering = _Rendering(interp, span)
    try:
        made = make(*[_render(rendering, v) for v in values], **{k: _render(rendering, v) for k, v in kwargs.items()})
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise UserRaise(span, f"{type(exc).__name__}: {exc}")
    return Unknown("str", span, "a text made of values flopcast does not know") if rendering.unknown else Known(made)


# ------------------------------------------------------- builtins that ask an object's own method

#: builtin or math function -> the method of the object (its first argument) Python asks.
PROTOCOL_CALLS = {"round": "__round__", "complex": "__complex__", "hash": "__hash__", "reversed": "__reversed__",
                  "divmod": "__divmod__", "math.floor": "__floor__", "math.ceil": "__ceil__",
                  "math.trunc": "__trunc__"}


def protocol_call(interp, name: str, args: list, kwargs: dict, span) -> Optional[Value]:
    """``round(x)``, ``hash(x)``, ``math.floor(x)``... of an instance whose class gives the method
    Python asks (``__round__``, ``__hash__``, ``__floor__``...): that method's result (its
    charges with it); None when the class gives none, or the arguments are not the usual ones."""
    method = PROTOCOL_CALLS.get(name)
    if method is None or not args or kwargs or args[0].__class__ is not InstanceVal:
        return None
    found = user_method(args[0], method)
    if found is None:
        return None
    rest = list(args[1:])
    if name == "round" and rest and isinstance(rest[0], Known) and rest[0].value is None:
        rest = []  # round(x, None) asks x.__round__()
    result = call_method(interp, args[0], found, rest, span)
    if name == "hash":
        if not (isinstance(result, Known) and isinstance(result.value, int)):
            if isinstance(result, Known):
                raise UserRaise(span, "TypeError: __hash__ method should return an integer")
            return Unknown("int", span, "hash() by the user's __hash__ of values flopcast does not know")
        return Known(hash(result.value))  # Python folds a large hash into the machine's range
    return result


def hash_may_charge(value: Value) -> bool:
    """Whether the ``__hash__`` the user's class gives ``value`` calls anything beyond a few pure
    builtins (dict and set operations run it: its charges and effects are not followed there)."""
    found = user_method(value, "__hash__")
    if found is None:
        return False
    node = found[1].node
    cached = _HASH_CHARGES.get(node)
    if cached is None:
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
        cached = _HASH_CHARGES[node] = any(
            not (isinstance(c.func, ast.Name) and c.func.id in _PURE_HASH_CALLS) for c in calls)
    return cached


_PURE_HASH_CALLS = frozenset({"hash", "tuple", "frozenset", "id", "len", "str", "int", "repr", "type"})
_HASH_CHARGES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


#: library bases whose ``__enter__`` returns self (a subclass writes only ``__exit__``)
_SELF_ENTERING_BASES = frozenset({"py:contextlib.AbstractContextManager", "py:typing.ContextManager"})


def context_methods(manager: Value) -> Optional[tuple[Optional[FunctionVal], FunctionVal]]:
    """(``__enter__``, ``__exit__``) of a manager whose class writes the context protocol, the
    enter None when the class takes it (``return self``) from contextlib.AbstractContextManager;
    None when the manager is not an instance of such a class."""
    if not isinstance(manager, InstanceVal):
        return None
    enter, exit_ = manager.cls.lookup("__enter__")[1], manager.cls.lookup("__exit__")[1]
    if not isinstance(exit_, FunctionVal):
        return None
    if isinstance(enter, FunctionVal):
        return enter, exit_
    if enter is None and any(isinstance(b, LibRef) and b.path in _SELF_ENTERING_BASES
                             for c in manager.cls.mro() for b in c.bases):
        return None, exit_
    return None


def is_abc(cls: ClassVal) -> bool:
    """Whether ``cls`` is an ABC (a base `abc.ABC` or `metaclass=ABCMeta` somewhere in its classes)."""
    mro = cls.mro()
    kept = cls.__dict__.get("_abc")  # (whether it is an ABC never changes: kept as its mro is)
    if kept is None or kept[0] != id(cls):
        kept = cls.__dict__["_abc"] = (id(cls), any(
            isinstance(b, LibRef) and b.path == "py:abc.ABC" for c in mro for b in c.bases) or any(
            c.node is not None and any(k.arg == "metaclass" and ast.unparse(k.value).rsplit(".", 1)[-1] == "ABCMeta"
                                       for k in c.node.keywords) for c in mro))
    return kept[1]
