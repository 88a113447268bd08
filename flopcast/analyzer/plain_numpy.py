"""Plain ``numpy`` in an estimator: what numpy does with flopscope arrays and with its own.

A flopscope array is a numpy ndarray subclass. A plain ``np.<name>(...)`` call that gets
one goes through flopscope's protocol implementation, read from the installed flopscope
(``installed.op_inventory().numpy_protocol``):

* ``routed`` — a ufunc with an ``fnp`` counterpart, or a function in flopscope's
  ``__array_function__`` dispatch map: billed exactly as ``fnp.<target>``;
* ``free`` — a passthrough query (``np.shape``): unbilled;
* ``raises`` — any other ufunc or ``__array_function__`` function (``np.fill_diagonal``,
  ``np.put_along_axis``, ``np.zeros_like``): flopscope answers ``NotImplemented`` and
  numpy raises TypeError, unless a plain ndarray also takes part (then numpy's own
  implementation runs, which flopcast does not model);
* ``converts`` — ``np.asarray`` / ``np.array``: the buffer read as a plain ndarray, unbilled;
  ``same`` — ``np.asanyarray``: the array itself.

A plain ndarray (``Array.plain``) costs nothing in numpy's hands: operators between plain
arrays and scalars, their methods, indexing and ``np.*`` on them are free and give plain
arrays. ``fnp.*`` bills a plain operand like any other and returns a flopscope array,
except ``fnp.isnan/isinf/isfinite``, which hand back plain boolean ndarrays
(``PLAIN_RESULT_OPS``, checked against flopscope by a test). An operator with a flopscope
operand on either side is billed (the plain side's ufunc defers to flopscope's
``__array_ufunc__``).
"""

from __future__ import annotations

import functools
from typing import Callable, Optional

from flopcast import installed
from flopcast.analyzer.values import (Array, DictVal, Generator, Known, ListVal, NpzFile, NumpyScalar, TupleVal, Unknown, Value,
                                      hold_ends, holds_ends)

#: fnp functions whose result is a plain numpy ndarray, not a flopscope array.
PLAIN_RESULT_OPS = frozenset({"isnan", "isinf", "isfinite"})


def _arrays(value: Value):
    if isinstance(value, Array):
        yield value
    elif isinstance(value, (ListVal, TupleVal)):
        yield from _items_arrays(value.items)
    elif isinstance(value, DictVal):
        yield from _items_arrays(value.items.values())


def _items_arrays(items):
    # A scalar item holds no array: not entering a generator for each keeps a list of
    # thousands of numbers (`np.asarray(idx.tolist())`) cheap to look through.
    for item in items:
        cls = item.__class__
        if cls is Array:
            yield item
        elif cls is not Known and cls is not Unknown:
            yield from _arrays(item)


def joined_to_operands(result: Value, operands) -> None:
    """``result`` of numpy's own call joined to the buffer group of each plain ndarray operand:
    many functions hand back a view of one (``np.reshape``, ``np.transpose``, ``np.asarray``,
    ``sliding_window_view``), so a write through either forgets what is known of the other
    (a copy joined only forgets more)."""
    sources = [a for a in operands if a.__class__ is Array and a.plain]
    if not sources:
        return
    parts = [p for p in (result.items if result.__class__ in (ListVal, TupleVal) else (result,)) if p.__class__ is Array]
    first = sources[0]
    if first.shared is None:
        first.shared = [first]
    group = first.shared
    for a in [*sources[1:], *parts]:
        other = a.shared
        if other is group:
            continue
        for member in other or (a,):  # (into the first group in place: a loop's views add a few each)
            member.shared = group
            group.append(member)


def arrays_in(value: Value):
    """The arrays in ``value``, inside lists, tuples and dicts too."""
    return _arrays(value)


def has_flopscope(values) -> bool:
    """Whether a flopscope (not plain) array is among the values, inside lists/tuples too."""
    for v in values:
        cls = v.__class__
        if cls is Array:
            if not v.plain:
                return True
        elif cls is not Known and any(not a.plain for a in _arrays(v)):  # (asked per operation: a Known holds none)
            return True
    return False


def dispatch_values(name: str, args, kwargs) -> list:
    """The values of ``np.<name>(*args, **kwargs)`` numpy's ``__array_function__`` dispatch looks
    at: a list or tuple in the first place is left out where numpy's dispatcher hands over the
    sequence itself rather than its items (``np.sort([fnp.sum(a), fnp.sum(b)])`` converts the
    list with numpy's own asarray, unbilled, and sorts it as numpy; ``np.concatenate`` and
    ``np.stack`` look at the items). Asked of numpy once per function."""
    values = list(args) + list(kwargs.values())
    if args and isinstance(args[0], (ListVal, TupleVal)) and \
            _sequence_dispatched(name, "tuple" if isinstance(args[0], TupleVal) else "list") is False:
        values = values[1:]
    return values


@functools.lru_cache(maxsize=None)
def _sequence_dispatched(name: str, kind: str) -> Optional[bool]:
    """Whether numpy's dispatcher for ``np.<name>`` looks at the items of a list (tuple) passed
    first: an object with ``__array_function__`` in it is consulted (True) or not (False); None
    where the probe does not tell (the function takes more arguments, or is not numpy's)."""
    import numpy

    class _Seen(Exception):
        pass

    class _Probe:
        def __array_function__(self, func, types, args, kwargs):
            raise _Seen

    function = numpy
    for part in name.split("."):
        function = getattr(function, part, None)
    if type(function).__name__ != "_ArrayFunctionDispatcher":
        return None
    try:
        _quietly(function, (list if kind == "list" else tuple)([_Probe(), _Probe()]))
    except _Seen:
        return True
    except TypeError as exc:
        if "argument" in str(exc):  # the dispatcher's binding: more arguments needed
            return None
        return False
    except Exception:  # noqa: BLE001 - numpy's implementation ran: the dispatcher did not look
        return False
    return False


def has_number_sequence(args) -> bool:
    """Whether an argument is a list or tuple of numbers only (Python numbers, numpy scalars,
    numbers read from data, nested lists of them): numpy converts it with its own asarray, for
    free, and runs its implementation on that plain ndarray."""
    return any(a.__class__ in (ListVal, TupleVal) and a.items and not getattr(a, "is_set", False)
               and all(_number_or_numbers(item) for item in a.items) for a in args)


def _number_or_numbers(v: Value) -> bool:
    cls = v.__class__
    if cls is NumpyScalar:
        return True
    if cls is Known:
        return type(v.value) in (int, float, bool)
    if cls is Unknown:
        return v.kind in ("int", "float", "bool")
    if cls in (ListVal, TupleVal):
        return bool(v.items) and not getattr(v, "is_set", False) and all(_number_or_numbers(i) for i in v.items)
    return False


def has_plain(values) -> bool:
    for v in values:
        cls = v.__class__
        if cls is Array:
            if v.plain:
                return True
        elif cls is not Known and any(a.plain for a in _arrays(v)):
            return True
    return False


def same_buffer(made: Array, source: Array) -> Array:
    """``made`` (a numpy or flopscope array over ``source``'s buffer) joined to its group."""
    if source.shared is None:
        source.shared = [source]
    made.shared = source.shared
    source.shared.append(made)
    return made


def as_plain(value: Value) -> Value:
    """What numpy hands back: the same shapes as plain ndarrays (0-d results are scalars)."""
    if isinstance(value, Array):
        if value.plain:
            return value
        # (what is known of the values stays: bounds of an index array, which numpy checks)
        made = same_buffer(value.with_(sym=None, plain=True, presumed=value.presumed, value=value.value,
                                       vrange=value.vrange), value)
        made.distinct, made.true_count, made.elements = value.distinct, value.true_count, value.elements
        return hold_ends(made) if holds_ends(value) else made
    if isinstance(value, ListVal):
        return ListVal([as_plain(v) for v in value.items])
    if isinstance(value, TupleVal):
        return TupleVal(tuple(as_plain(v) for v in value.items))
    if isinstance(value, Generator) and not value.plain:
        return Generator(plain=True, legacy=value.legacy)
    if isinstance(value, NpzFile):
        # np.load's NpzFile hands out plain ndarrays (fnp.load's dict: fnp_result)
        return NpzFile({k: as_plain(a) for k, a in value.arrays.items()}, value.meta)
    return value


def npz_member(npz: NpzFile, name: str) -> Value:
    """``npz[name]`` of numpy's NpzFile, which reads the member anew at each lookup (``z["p"] is
    z["p"]`` is False): flopscope's symmetry check of ``einsum("ij,ik->jk", z["p"], z["p"])``
    sees two operands."""
    member = npz.arrays[name]
    return member.with_(value=member.value, vrange=member.vrange) if isinstance(member, Array) else member


def npz_mapping(npz: NpzFile) -> DictVal:
    """What numpy's NpzFile gives as a Mapping (``dict(z)``, ``{**z}``, ``z.items()``,
    ``z.get(k)``, ``k in z``): each member read anew."""
    return DictVal({name: npz_member(npz, name) for name in npz.arrays})


def copied_plain(value: Value) -> Value:
    """A sequence as numpy's asarray copies it: its arrays as new plain ndarrays (no buffer shared)."""
    if isinstance(value, Array):
        return value.with_(sym=None, plain=True, vrange=value.vrange)
    if isinstance(value, ListVal):
        return ListVal([copied_plain(v) for v in value.items])
    if isinstance(value, TupleVal):
        return TupleVal(tuple(copied_plain(v) for v in value.items))
    return value


def as_flopscope(value: Value) -> Value:
    """What an fnp function hands back for a plain operand it returned unchanged: a new
    flopscope array over the same buffer."""
    if isinstance(value, Array) and value.plain:
        made = same_buffer(value.with_(plain=False, presumed=value.presumed, value=value.value, vrange=value.vrange),
                           value)
        made.distinct, made.true_count, made.elements = value.distinct, value.true_count, value.elements
        return hold_ends(made) if holds_ends(value) else made
    if isinstance(value, ListVal) and has_plain(value.items):
        return ListVal([as_flopscope(v) for v in value.items])
    if isinstance(value, TupleVal) and has_plain(value.items):
        return TupleVal(tuple(as_flopscope(v) for v in value.items))
    return value


def fnp_result(name: str, value: Value) -> Value:
    if name == "load" and isinstance(value, NpzFile):
        # fnp.load of an .npz reads every member into a plain dict and closes the file: no
        # `.files`, no `with` (numpy's np.load hands back the NpzFile itself)
        items = {k: as_flopscope(a) for k, a in value.arrays.items() if k != "__meta__"}
        if value.meta is not None:
            items["__meta__"] = Known(value.meta)
        return DictVal(items)
    return as_plain(value) if name in PLAIN_RESULT_OPS else as_flopscope(value)


def protocol(name: str) -> tuple[str, str]:
    """(kind, fnp target) for ``numpy.<name>`` given a flopscope array; ('', '') when unknown."""
    return installed.op_inventory().numpy_protocol.get(name, ("", ""))


def ufunc_method_call(name: str, target: str, args, kwargs) -> tuple[list, dict]:
    """The call of ``fnp.<target>`` that flopscope's ``__array_ufunc__`` makes of ``np.<name>(a,
    ...)`` (``np.add.reduce(a, 1)``): numpy hands the method's positional arguments after the
    array over by keyword, flopscope sets numpy's default ``axis=0`` and drops the keywords
    numpy's ``<target>`` does not take (``dtype=`` for ``all``)."""
    import inspect

    import numpy

    order = ("axis", "dtype", "out", "keepdims", "initial", "where") if name.endswith(".reduce") \
        else ("axis", "dtype", "out")
    merged = {**dict(zip(order, args[1:])), **kwargs}
    merged.setdefault("axis", Known(0))
    accepted = inspect.signature(getattr(numpy, target)).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values()):
        merged = {k: v for k, v in merged.items() if k in accepted}
    return [args[0]], merged


def type_error(name: str, values) -> str:
    """numpy's message when every implementation answers NotImplemented."""
    types = []
    for v in values:
        for a in _arrays(v):
            if not a.plain:
                cls = "flopscope._symmetric.SymmetricTensor" if a.sym else "flopscope._ndarray.FlopscopeArray"
                if cls not in types:
                    types.append(cls)
    listed = ", ".join(f"<class '{t}'>" for t in types)
    return f"TypeError: no implementation found for 'numpy.{name}' on types that implement __array_function__: [{listed}]"


#: numpy functions that hand back an ndarray even of a Python number (``np.asarray(1.0)`` is a
#: 0-d array, which takes item assignment; ``np.sqrt(1.0)`` is a numpy scalar, which does not)
ARRAY_RESULT_FUNCS = frozenset({
    "array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "copy", "require", "reshape",
    "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "load"})


def scalar_result(value: Value, name: str) -> Value:
    """numpy functions of scalars return numpy scalars, not 0-d arrays (ARRAY_RESULT_FUNCS excepted)."""
    if isinstance(value, Array) and value.shape == () and name not in ARRAY_RESULT_FUNCS:
        return NumpyScalar(value.dtype, value.dtype_origin)
    return value


#: numpy functions whose value on known Python numbers flopcast computes with numpy itself
#: (pure arithmetic, no user code): the clamps and roundings that size a budget plan.
KNOWN_VALUE_FUNCS = frozenset({
    "clip", "minimum", "maximum", "fmin", "fmax", "floor", "ceil", "rint", "round", "around", "trunc",
    "abs", "absolute", "sqrt", "log2", "log", "log10", "exp", "power", "square"})


def computed(name: str, args, kwargs):
    """numpy's own result of ``np.<name>`` on known Python numbers (or numpy scalars of known
    value), computed with numpy; None when an argument is not known or numpy refuses."""
    import numpy

    def known(a):
        if isinstance(a, Known) and type(a.value) in (int, float):
            return a.value
        if isinstance(a, NumpyScalar) and a.value is not None:
            return numpy.dtype(a.dtype).type(a.value)
        raise LookupError

    try:
        positional = [known(a) for a in args]
        keywords = {k: known(v) for k, v in kwargs.items()}
        out = _quietly(getattr(numpy, name), *positional, **keywords)
    except Exception:  # noqa: BLE001 - an unknown argument, or numpy refusing the arguments
        return None
    return out if isinstance(out, numpy.generic) else None


#: a value of each kind of number read from data that stands for it where only its type matters
_KIND_STANDS_FOR = {"int": (1,), "float": (1.0,), "bool": (True,), "": (1, 1.0, True)}


def scalar_dtype(name: str, args, kwargs) -> Optional[str]:
    """numpy's dtype of ``np.<name>`` on scalars, some of unknown value: numpy 2 types the result
    by its operands' types alone (NEP 50), so a value of each type stands in (``np.floor(k)`` of an
    int read from data is an int64, ``np.sqrt(s)`` of a float32 scalar a float32). None when numpy
    refuses them, or an argument of unknown type (an Unknown of no kind) gives several dtypes."""
    import itertools

    import numpy

    def stand_ins(a) -> tuple:
        if isinstance(a, Known):
            return (a.value,)
        if isinstance(a, NumpyScalar):
            return (numpy.dtype(a.dtype).type(1 if a.value is None else a.value),)
        return _KIND_STANDS_FOR.get(a.kind, ())

    names = list(kwargs)
    try:
        choices = [stand_ins(a) for a in list(args) + [kwargs[k] for k in names]]
    except TypeError:  # a dtype numpy does not know by that name
        return None
    dtypes = set()
    for values in itertools.product(*choices):
        keywords = dict(zip(names, values[len(args):]))
        try:
            out = _quietly(getattr(numpy, name), *values[:len(args)], **keywords)
        except Exception:  # noqa: BLE001 - numpy refusing the stand-ins: the type is not known
            return None
        dtypes.add(numpy.asarray(out).dtype.name)
    return dtypes.pop() if len(dtypes) == 1 else None


def refusal(name: str, args, kwargs) -> Optional[str]:
    """numpy's exception, as 'Class: message', when it refuses to make the scalar type ``name``
    of known Python values (``np.int32(2**40)``: OverflowError, ``np.uint8(-1)`` too); None when
    it accepts them or an argument is not a known Python number or text."""
    import numpy

    if kwargs or not args or not all(isinstance(a, Known) and type(a.value) in (int, float, bool, str) for a in args):
        return None
    try:
        getattr(numpy, name)(*[a.value for a in args])
    except (OverflowError, ValueError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def with_known_value(result: Value, name: str, args, kwargs) -> Value:
    """A numpy scalar made from known numbers, with its value attached (NumpyScalar.value)
    when numpy computes one of the same dtype; anything else is returned unchanged."""
    if not isinstance(result, NumpyScalar) or name not in KNOWN_VALUE_FUNCS:
        return result
    out = computed(name, args, kwargs)
    if out is None or str(out.dtype) != result.dtype:
        return result
    return NumpyScalar(result.dtype, result.dtype_origin, out.item())


def free(ctx, compute: Callable[[], Value]) -> Value:
    """Run ``compute`` with nothing billed (numpy's own work) and return plain results."""
    ctx.free += 1
    try:
        return as_plain(compute())
    finally:
        ctx.free -= 1


#: the most elements of a plain ndarray whose values flopcast keeps: index bookkeeping
#: (block bounds, an order, a partition of the units) is small; the rest stays unknown
MAX_ELEMENTS = 4096

#: numpy functions whose values are not a function of their arguments' values (garbage, draws,
#: files), never computed
_NOT_VALUES = frozenset({"partition", "argpartition", "empty", "empty_like", "load", "loadtxt", "genfromtxt", "fromfile", "frombuffer",
                         "memmap", "save", "savez", "savez_compressed", "savetxt", "shares_memory",
                         "may_share_memory"})

#: functions and methods whose order among equal keys numpy leaves to its sort kernel (which
#: one runs depends on the CPU: x86-simd-sort): their values are kept only where no key ties or
#: the sort is stable (a partition's order is the kernel's even without ties: never kept)
_TIE_ORDERED = frozenset({"argsort", "lexsort"})

#: methods of numpy's ndarray whose values flopcast computes (in-place methods are left out; a
#: view's result is joined to its receiver's buffer group, as every method's is)
ELEMENT_METHODS = frozenset({"astype", "copy", "flatten", "sum", "prod", "min", "max", "argmin", "argmax",
                             "argsort", "cumsum", "cumprod", "round", "clip", "searchsorted", "repeat", "take",
                             "nonzero", "any", "all", "mean", "reshape", "ravel", "transpose", "squeeze",
                             "swapaxes"})


def numpy_operand(v: Value):
    """``v`` as numpy sees it where its value is known (raises LookupError otherwise)."""
    import numpy

    cls = v.__class__
    if cls is Known:
        x = v.value
        if x is None or x is Ellipsis or type(x) in (int, float, bool, str, slice):
            return x
        if type(x) in (tuple, list) and _plain_numbers(x):
            return x
        raise LookupError
    if cls in (ListVal, TupleVal):
        items = [numpy_operand(item) for item in v.items]
        return items if cls is ListVal else tuple(items)
    if cls is NumpyScalar and v.value is not None:
        return numpy.dtype(v.dtype).type(v.value)
    if cls is Array and v.value is not None and (v.plain or v.shape == ()):
        return v.value if v.shape else numpy.asarray(v.value, dtype=v.dtype)
    from flopcast.analyzer.values import Builtin, DTypeRef

    if cls is DTypeRef:
        return numpy.dtype(v.name)
    if cls is Builtin and v.name in _BUILTIN_TYPES:
        # a builtin type as a dtype (`edges.astype(int)`), as the interpreter holds it
        return _BUILTIN_TYPES[v.name]
    raise LookupError


#: the builtin types numpy reads as dtypes (int: numpy's default integer; float: float64; ...)
_BUILTIN_TYPES = {"int": int, "float": float, "bool": bool, "complex": complex}


def _plain_numbers(x) -> bool:
    return all(type(i) in (int, float, bool) or type(i) in (tuple, list) and _plain_numbers(i) for i in x)


def _wanted(result: Value) -> bool:
    cls = result.__class__
    if cls is Array:
        return result.plain and result.value is None and result.size <= MAX_ELEMENTS
    if cls is NumpyScalar:
        return result.value is None
    if cls in (ListVal, TupleVal):
        return bool(result.items) and all(_wanted(item) for item in result.items)
    return False


def _ties(operand) -> bool:
    import numpy

    keys = numpy.asarray(operand)
    return keys.dtype.kind not in "biuf" or numpy.unique(keys).size != keys.size


#: numpy functions whose result's shape is read off the values (``np.bincount``, ``np.nonzero``):
#: on known values numpy's own result is the whole answer; on others flopcast's model decides
VALUE_SHAPED = frozenset({"bincount", "nonzero", "flatnonzero", "argwhere", "unique", "setdiff1d", "intersect1d",
                          "union1d", "setxor1d", "compress", "extract", "trim_zeros"})


def computed_plain(name: str, args, kwargs, origin) -> Optional[Value]:
    """numpy's own result of ``np.<name>`` on operands of known value, as flopcast holds it
    (plain ndarrays with their elements, numpy scalars with their value); None where an
    operand is not known, numpy refuses, or the result is not small arrays and scalars."""
    import numpy

    try:
        operands = [numpy_operand(a) for a in args]
        keywords = {k: numpy_operand(v) for k, v in kwargs.items()}
        out = _quietly(getattr(numpy, name), *operands, **keywords)
    except Exception:  # noqa: BLE001 - an operand not known, or numpy refusing it: the model decides
        return None
    return _held(out, origin)


def _held(out, origin) -> Optional[Value]:
    import numpy

    if isinstance(out, numpy.ndarray) and out.size <= MAX_ELEMENTS and out.dtype.kind in "biuf":
        made = Array(out.shape, out.dtype.name, dtype_origin=origin, plain=True)
        return _attach(made, out)
    if isinstance(out, numpy.generic) and out.dtype.kind in "biuf":
        return NumpyScalar(out.dtype.name, origin, out.item())
    if isinstance(out, (tuple, list)) and out:
        parts = [_held(o, origin) for o in out]
        if any(p is None for p in parts):
            return None
        return TupleVal(tuple(parts)) if isinstance(out, tuple) else ListVal(parts)
    return None


def with_elements(result: Value, name: str, args, kwargs, method_of: Optional[Value] = None) -> Value:
    """``result`` (numpy's own result of ``np.<name>(*args, **kwargs)``, or of the method
    ``name`` of ``method_of``) with the values numpy computes from known ones: a plain ndarray's
    elements (``Array.value``, a read-only ndarray), a numpy scalar's value. Unchanged where an
    operand's value is not known or numpy's result does not have the shapes and dtypes flopcast
    gave it (flopcast's model is then what the run sees, and the values are not claimed)."""
    if name in _NOT_VALUES or name.startswith(("random.", "polynomial.")) or "out" in kwargs or not _wanted(result):
        return result
    import numpy

    try:
        operands = [numpy_operand(a) for a in args]
        keywords = {k: numpy_operand(v) for k, v in kwargs.items()}
        target = numpy_operand(method_of) if method_of is not None else None
    except LookupError:
        return result
    if name in _TIE_ORDERED and keywords.get("kind") not in ("stable", "mergesort") and \
            _ties(target if method_of is not None else operands[0] if operands else None):
        return result
    try:
        if method_of is not None:
            function = getattr(numpy.asarray(target), name)
        else:
            function = numpy
            for part in name.split("."):
                function = getattr(function, part)
        out = _quietly(function, *operands, **keywords)
    except Exception:  # noqa: BLE001 - numpy refuses these values: flopcast's model of the call decides
        return result
    made = _attach(result, out)
    return result if made is None else made


def _attach(result: Value, out) -> Optional[Value]:
    import numpy

    cls = result.__class__
    if cls is Array:
        if isinstance(out, numpy.generic) and result.shape == () and out.dtype.name == result.dtype:
            result.value = out.item()  # (flopcast holds numpy's scalar result of a reduction as a 0-d array)
            return result
        if not isinstance(out, numpy.ndarray) or out.shape != result.shape or out.dtype.name != result.dtype:
            return None
        if out.shape == ():
            result.value = out.item()
        else:
            kept = numpy.array(out, copy=True)
            kept.setflags(write=False)
            result.value = kept
        return result
    if cls is NumpyScalar:
        if not isinstance(out, numpy.generic) or out.dtype.name != result.dtype:
            return None
        return NumpyScalar(result.dtype, result.dtype_origin, out.item())
    if isinstance(out, (list, tuple)) and len(out) == len(result.items):
        parts = [_attach(item, o) for item, o in zip(result.items, out)]
        if any(p is None for p in parts):
            return None
        return ListVal(parts) if cls is ListVal else TupleVal(tuple(parts))
    return None


def element_of(part: Value, source: Array, key: Value) -> Value:
    """``source[key]`` of a plain ndarray whose elements are known: ``part`` (flopcast's
    result) with numpy's value of it (``k[()]`` of a 0-d member too: numpy's scalar)."""
    if source.value is None:
        return part
    try:
        index = _basic_index(key)
    except LookupError:
        return part
    import numpy

    try:
        # (a 0-d array holds its value as a Python number: numpy's 0-d array of it is indexed)
        elements = source.value if source.shape else numpy.array(source.value, dtype=source.dtype)
        out = elements[index]
    except Exception:  # noqa: BLE001 - flopcast's model of the index decides
        return part

    if isinstance(out, numpy.ndarray) and part.__class__ is Array:
        # (a flopscope array's part too: a row of an fnp.load member, `coef[1]`, keeps its elements)
        made = _attach(part, out) if part.value is None else None
        return part if made is None else made
    if isinstance(out, numpy.generic) and part.__class__ is Array and part.shape == () and part.value is None:
        made = _attach(part, out)  # (a 0-d array's value is held for a flopscope array too)
        return part if made is None else made
    if isinstance(out, numpy.generic) and part.__class__ is NumpyScalar and part.value is None:
        made = _attach(part, out)
        return part if made is None else made
    return part


def _basic_index(key: Value):
    """``key`` as numpy reads it for an index: a tuple of ints, slices, None and Ellipsis
    (``coef[1, :]``) as it is, anything else as numpy_operand reads it."""
    if key.__class__ is Known and type(key.value) is tuple \
            and all(x is None or x is Ellipsis or type(x) in (int, slice) for x in key.value):
        return key.value
    return numpy_operand(key)


def python_items(x) -> Value:
    """What ``tolist()``/``item()`` of known elements hands back, as flopcast holds Python's lists."""
    if isinstance(x, list):
        return ListVal([python_items(i) for i in x])
    return Known(x)


def _quietly(function, *args, **kwargs):
    """numpy's ``function(*args, **kwargs)`` on values flopcast knows, its warnings silenced
    (a RuntimeWarning there is the run's to print)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)
