"""numpy objects flopscope exports unchanged: ``finfo``, ``iinfo``, ``errstate``, ``seterr``,
``geterr``, ``issubdtype``; and the free dtype questions ``result_type``, ``promote_types``,
``can_cast``, ``isdtype``, ``iscomplexobj``, ``isrealobj``, ``isscalar``, ``common_type``,
``min_scalar_type``, ``mintypecode``, ``typename``, ``iterable`` (asked of numpy itself, with the
dtypes flopcast knows).

Its registry files them as "blacklisted", yet ``flopscope.numpy`` exports them (read from the
installed flopscope: ``OpInventory.exported_blacklisted``); they make no flopscope record.
The facts of a dtype come from the installed numpy, which is what runs them.
"""

from __future__ import annotations

from flopcast import installed
from flopcast.analyzer import dtypes
from flopcast.analyzer.ops.operands import arg, dtype_arg, operand
from flopcast.analyzer.ops.registry import FloatErrorsRaise, OpError, OpRaises, handler
from flopcast.analyzer.values import (Array, ClassVal, DictVal, DTypeRef, InstanceVal, Known, LibRef, ListVal,
                                      NumpyScalar, TupleVal, UserRaise, Value)

#: finfo's attributes that are numpy scalars of the dtype itself; the rest are Python ints
_FINFO_SCALARS = ("eps", "epsneg", "max", "min", "tiny", "smallest_normal", "smallest_subnormal", "resolution")
_FINFO_INTS = ("bits", "precision", "iexp", "machep", "maxexp", "minexp", "negep", "nexp", "nmant")
#: errstate settings under which numpy only warns or stays quiet; "raise"/"call" make float
#: errors exceptions, which depends on values
_QUIET = ("ignore", "warn", "print", "log")
_ERROR_KINDS = ("divide", "over", "under", "invalid")
#: numpy's settings at start (whestbench and flopscope leave them): np.geterr()
DEFAULT_FLOAT_ERRORS = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}


#: numpy's refusal of an errstate entered a second time (its token is set once, never cleared)
ENTERED_TWICE = "TypeError: Cannot enter `np.errstate` twice."


def enter_errstate(value: InstanceVal, span) -> Known:
    """Enter a quiet errstate: its ``__enter__`` returns None; a second entry raises as numpy's."""
    if "entered" in value.attrs:
        raise UserRaise(span, ENTERED_TWICE)
    value.attrs["entered"] = Known(True)
    return Known(None)


def is_errstate(value: Value) -> bool:
    """A quiet ``errstate(...)``: a manager whose ``__enter__`` returns None, a decorator that
    changes no count."""
    return isinstance(value, InstanceVal) and value.cls.node is None and value.cls.qualname == "numpy.errstate"


def _exported(name: str) -> None:
    if name not in installed.op_inventory().exported_blacklisted:
        raise OpError(f"fnp.{name} is blacklisted by flopscope and raises AttributeError")


def _dtype_of(v: Value) -> str:
    if isinstance(v, (Array, NumpyScalar)):
        return v.dtype
    name = dtype_arg(v)
    if name is None:
        raise OpError("the dtype is not known statically")
    return name


def _info(name: str, args, kwargs, keyword: str):
    """numpy's ``finfo``/``iinfo`` of the dtype the call names."""
    import numpy

    _exported(name)
    given = arg(args, kwargs, 0, keyword)
    if isinstance(given, Array):
        # numpy reads an array as an object, not as its dtype (a numpy scalar is read as its type)
        raise OpRaises("ValueError", "data type <class 'numpy.object_'> not inexact" if name == "finfo"
                       else "Invalid integer data type 'O'.")
    dtype = _dtype_of(given)
    try:
        return getattr(numpy, name)(dtype)
    except ValueError as exc:  # numpy's own refusal of the dtype named (finfo of an integer type)
        raise OpRaises("ValueError", str(exc))


@handler("finfo")
def _finfo(ctx, args, kwargs):
    info = _info("finfo", args, kwargs, "dtype")
    attrs: dict = {"dtype": DTypeRef(str(info.dtype), instance=True)}
    attrs.update({name: NumpyScalar(str(info.dtype), ctx.span, float(getattr(info, name)))
                  for name in _FINFO_SCALARS if hasattr(info, name)})
    attrs.update({name: Known(int(getattr(info, name))) for name in _FINFO_INTS if hasattr(info, name)})
    return InstanceVal(ClassVal("finfo", "numpy.finfo", [], {}), attrs)


@handler("iinfo")
def _iinfo(ctx, args, kwargs):
    info = _info("iinfo", args, kwargs, "int_type")
    return InstanceVal(ClassVal("iinfo", "numpy.iinfo", [], {}),
                       {"dtype": DTypeRef(str(info.dtype), instance=True), "bits": Known(info.bits),
                        "min": Known(int(info.min)), "max": Known(int(info.max))})


@handler("errstate")
def _errstate(ctx, args, kwargs):
    _exported("errstate")
    for key, value in kwargs.items():
        if key not in ("all", "divide", "over", "under", "invalid", "call"):
            raise OpError(f"errstate() got an unexpected keyword argument {key!r}")
        if key == "call" or not (isinstance(value, Known) and value.value in _QUIET):
            # inside the `with` (or the function it decorates) any float op may raise: the path
            # ends here, in a try statement or not (a raise out of predict stops the run too)
            raise FloatErrorsRaise(f"errstate({key}=...) can make float errors raise, which depends on values")
    # a `with` over it only runs its body; an ExitStack enters it (exit_stack._enter)
    return InstanceVal(ClassVal("errstate", "numpy.errstate", [], {}), {})


def _settings(ctx) -> dict:
    return getattr(ctx, "float_errors", None) or dict(DEFAULT_FLOAT_ERRORS)


@handler("geterr")
def _geterr(ctx, args, kwargs):
    _exported("geterr")
    if args or kwargs:
        raise OpRaises("TypeError", "geterr() takes 0 positional arguments")
    return DictVal({k: Known(v) for k, v in _settings(ctx).items()})


@handler("seterr")
def _seterr(ctx, args, kwargs):
    """``np.seterr(...)``/``fnp.seterr(...)``: numpy's float error handling for the rest of the
    process (a setting made at import or in setup() holds in predict). The old settings are
    returned (``np.seterr(**old)`` restores them). Once any kind is set to "raise" or "call",
    any float op after it may raise FloatingPointError: the interpreter ends the path at the
    next op charged (Interpreter.float_raise)."""
    _exported("seterr")
    names = ("all", *_ERROR_KINDS)
    if len(args) > len(names):
        raise OpError("seterr() with more than five positional arguments is not modelled")
    given = {}
    for i, name in enumerate(names):
        value = arg(args, kwargs, i, name)
        if value is None or isinstance(value, Known) and value.value is None:
            continue
        if not (isinstance(value, Known) and isinstance(value.value, str)):
            raise OpError(f"seterr({name}=...) of a setting not known statically")
        if value.value not in (*_QUIET, "raise", "call"):
            raise OpError(f"seterr({name}={value.value!r}) is refused by numpy (not modelled)")
        given[name] = value.value
    unexpected = [k for k in kwargs if k not in names]
    if unexpected:
        raise OpRaises("TypeError", f"seterr() got an unexpected keyword argument {unexpected[0]!r}")
    old = _settings(ctx)
    new = dict(old)
    if "all" in given:
        new.update({k: given["all"] for k in _ERROR_KINDS})
    new.update({k: v for k, v in given.items() if k != "all"})
    ctx.float_errors = new
    ctx.note(ctx.span, "np.seterr(...) sets numpy's float error handling for the rest of the process")
    raising = sorted(k for k, v in new.items() if v not in _QUIET)
    ctx.float_raise = (ctx.span, ", ".join(f"{k}={new[k]!r}" for k in raising)) if raising else None
    return DictVal({k: Known(v) for k, v in old.items()})


@handler("issubdtype")
def _issubdtype(ctx, args, kwargs):
    """``fnp.issubdtype(x.dtype, fnp.floating)`` (or numpy's own, against ``np.floating``):
    numpy's answer (free, no flopscope record)."""
    import numpy

    first = numpy.dtype(_dtype_of(arg(args, kwargs, 0, "arg1")))
    second = arg(args, kwargs, 1, "arg2")
    name = second.path.removeprefix("flopscope.numpy.").removeprefix("rawnumpy.") \
        if isinstance(second, LibRef) else ""
    if name and name != second.path:
        # (a name of the module itself, not of a submodule's: `np.floating`, not `np.ma.x`)
        abstract = getattr(numpy, name, None) if "." not in name else None
        if not (isinstance(abstract, type) and issubclass(abstract, numpy.generic)):
            raise OpError(f"issubdtype against {second.path} is not modelled")
        return Known(bool(numpy.issubdtype(first, abstract)))
    return Known(bool(numpy.issubdtype(first, numpy.dtype(_dtype_of(second)))))


def _promoted(v: Value) -> dtypes.Operand:
    """One argument of ``result_type``: an array or numpy scalar by its dtype, a Python number
    as a weak scalar (NEP 50), anything else as the dtype it names."""
    if isinstance(v, (Array, NumpyScalar)) or isinstance(v, Known) and type(v.value) in (bool, int, float, complex):
        return operand(v)
    return dtypes.Operand(dtype=dtype_arg(v))


@handler("result_type")
def _result_type(ctx, args, kwargs):
    """``fnp.result_type(x, fnp.float32)``: numpy's dtype instance (free, no flopscope record)."""
    if kwargs:
        raise OpRaises("TypeError", f"result_type() got an unexpected keyword argument {next(iter(kwargs))!r}")
    if not args:
        raise OpRaises("ValueError", "at least one array or dtype is required")
    return DTypeRef(dtypes.result_type(*(_promoted(a) for a in args)), instance=True)


@handler("promote_types")
def _promote_types(ctx, args, kwargs):
    """``fnp.promote_types(a, b)`` of two dtypes: numpy's dtype instance (free)."""
    first, second = arg(args, kwargs, 0, "type1"), arg(args, kwargs, 1, "type2")
    if first is None or second is None or len(args) + len(kwargs) != 2:
        raise OpRaises("TypeError", "promote_types() takes exactly 2 arguments")
    names = [dtype_arg(v) for v in (first, second)]
    if None in names:
        raise OpRaises("TypeError", "Cannot interpret 'None' as a data type")
    return DTypeRef(dtypes.result_type(*(dtypes.Operand(dtype=n) for n in names)), instance=True)


def _as_numpy(v: Value, *, array_as_dtype: bool = False):
    """``v`` as numpy receives it, for a question answered from dtypes alone: a dtype instance or
    scalar type, a dtype name, a Python number; an array (or numpy scalar) as an empty one of its
    dtype where only its dtype is read (``array_as_dtype``). LookupError when not known."""
    import numpy

    if isinstance(v, (Array, NumpyScalar)):
        if not array_as_dtype:
            raise LookupError
        return numpy.empty((0,) if isinstance(v, Array) else (), dtype=v.dtype)
    if isinstance(v, DTypeRef):
        return numpy.dtype(v.name) if v.instance else getattr(numpy, v.name, numpy.dtype(v.name).type)
    if isinstance(v, Known) and type(v.value) in (bool, int, float, complex, str):
        return v.value
    if isinstance(v, TupleVal) or isinstance(v, Known) and type(v.value) is tuple:  # isdtype's kinds
        items = v.items if isinstance(v, TupleVal) else [Known(k) for k in v.value]
        return tuple(_as_numpy(k, array_as_dtype=array_as_dtype) for k in items)
    name = dtype_arg(v)
    if name is None:
        raise LookupError
    return numpy.dtype(name)


def _asked_of_numpy(name: str, args, kwargs, *, array_as_dtype: bool = False):
    """numpy's own answer to ``np.<name>(*args, **kwargs)`` where it reads dtypes only; its
    refusal (a Python float to can_cast, an array to isdtype) raised as numpy raises it."""
    import numpy

    try:
        given = [_as_numpy(a, array_as_dtype=array_as_dtype) for a in args]
        keywords = {k: _as_numpy(v, array_as_dtype=array_as_dtype) for k, v in kwargs.items()}
    except LookupError:
        raise OpError(f"fnp.{name} of a value whose dtype is not known statically") from None
    try:
        return getattr(numpy, name)(*given, **keywords)
    except (TypeError, ValueError) as exc:
        raise OpRaises(type(exc).__name__, str(exc).splitlines()[0])


@handler("can_cast")
def _can_cast(ctx, args, kwargs):
    """``fnp.can_cast(x.dtype, fnp.float32, "same_kind")`` (an array is read by its dtype; numpy
    refuses a Python number since NEP 50)."""
    if set(kwargs) - {"from_", "to", "casting"}:
        raise OpError("can_cast with other keywords is not modelled")
    source, to = arg(args, kwargs, 0, "from_"), arg(args, kwargs, 1, "to")
    if source is None or to is None:
        raise OpRaises("TypeError", "can_cast() missing required argument")
    if isinstance(source, (Array, NumpyScalar)):
        source = DTypeRef(source.dtype, instance=True)
    casting = arg(args, kwargs, 2, "casting", Known("safe"))
    return Known(bool(_asked_of_numpy("can_cast", [source, to, casting], {})))


@handler("isdtype")
def _isdtype(ctx, args, kwargs):
    """``fnp.isdtype(x.dtype, "real floating")`` or of a tuple of kinds; numpy refuses an array."""
    dtype, kind = arg(args, kwargs, 0, "dtype"), arg(args, kwargs, 1, "kind")
    if isinstance(dtype, (Array, NumpyScalar)):
        raise OpRaises("TypeError", "dtype argument must be a NumPy dtype")
    return Known(bool(_asked_of_numpy("isdtype", [dtype, kind], {})))


@handler("iscomplexobj", "isrealobj")
def _complex_obj(ctx, args, kwargs, op=None):
    """``fnp.iscomplexobj(x)``: read off the dtype (of an array, a numpy scalar, a Python number)."""
    return Known(bool(_asked_of_numpy(op, args, kwargs, array_as_dtype=True)))


@handler("isscalar")
def _isscalar(ctx, args, kwargs):
    """``fnp.isscalar(v)``: a numpy scalar or a Python number is; an array (even 0-d) is not."""
    v = arg(args, kwargs, 0, "element")
    if isinstance(v, Array):
        return Known(False)
    if isinstance(v, NumpyScalar) or isinstance(v, Known) and type(v.value) in (bool, int, float, complex, str):
        return Known(True)
    raise OpError("fnp.isscalar of a value flopcast does not hold as a number or an array")


@handler("common_type")
def _common_type(ctx, args, kwargs):
    """``fnp.common_type(a, b)``: the inexact scalar type numpy reads off the arrays' dtypes
    (an integer array counts as float64); numpy takes arrays only."""
    import numpy

    if kwargs or not args or not all(isinstance(a, Array) for a in args):
        raise OpError("fnp.common_type of anything but arrays is not modelled")
    try:
        found = numpy.common_type(*(numpy.empty((0,), dtype=a.dtype) for a in args))
    except TypeError as exc:  # numpy's refusal of a dtype it cannot make inexact (bool)
        raise OpRaises("TypeError", str(exc).splitlines()[0])
    return DTypeRef(numpy.dtype(found).name)


@handler("min_scalar_type")
def _min_scalar_type(ctx, args, kwargs):
    """``fnp.min_scalar_type(3.5)`` of a known number, or of an array of one dimension or more
    (its own dtype); a 0-d array's answer depends on its value."""
    import numpy

    v = arg(args, kwargs, 0, "a")
    if isinstance(v, Array) and v.shape:
        return DTypeRef(v.dtype, instance=True)
    if isinstance(v, Known) and type(v.value) in (bool, int, float, complex):
        return DTypeRef(numpy.min_scalar_type(v.value).name, instance=True)
    raise OpError("fnp.min_scalar_type of a value not known statically")


def _chars(v: Value):
    """Known type characters: a string, or a list/tuple of known strings; None otherwise."""
    if isinstance(v, Known) and isinstance(v.value, str):
        return v.value
    if isinstance(v, Known) and isinstance(v.value, (list, tuple)) and all(isinstance(c, str) for c in v.value):
        return list(v.value)
    if isinstance(v, (ListVal, TupleVal)) and all(isinstance(c, Known) and isinstance(c.value, str) for c in v.items):
        return [c.value for c in v.items]
    return None


@handler("mintypecode")
def _mintypecode(ctx, args, kwargs):
    """``fnp.mintypecode(['f', 'd'])``: numpy's character answer from known type characters."""
    import numpy

    given = [arg(args, kwargs, i, name) for i, name in enumerate(("typechars", "typeset", "default"))]
    if len(args) + len(kwargs) > 3 or set(kwargs) - {"typechars", "typeset", "default"}:
        raise OpError("mintypecode with these arguments is not modelled")
    chars = [_chars(v) for v in given if v is not None]
    if given[0] is None or None in chars:
        raise OpError("fnp.mintypecode of type characters not known statically")
    names = [n for n, v in zip(("typechars", "typeset", "default"), given) if v is not None]
    return Known(numpy.mintypecode(**dict(zip(names, chars))))


@handler("typename")
def _typename(ctx, args, kwargs):
    """``fnp.typename('d')``: numpy's description of a known type character."""
    import numpy

    char = arg(args, kwargs, 0, "char")
    if not (isinstance(char, Known) and isinstance(char.value, str)):
        raise OpError("fnp.typename of a character not known statically")
    try:
        return Known(numpy.typename(char.value))
    except KeyError as exc:  # numpy indexes its table: an unknown character raises KeyError
        raise OpRaises("KeyError", str(exc))


@handler("iterable")
def _iterable(ctx, args, kwargs):
    """``fnp.iterable(x)``: an array of one dimension or more, a list, a tuple, a dict or a
    string is; a 0-d array, a numpy scalar and a Python number are not."""
    v = arg(args, kwargs, 0, "y")
    if isinstance(v, Array):
        return Known(bool(v.shape))
    if isinstance(v, (ListVal, TupleVal, DictVal)):
        return Known(True)
    if isinstance(v, NumpyScalar):
        return Known(False)
    if isinstance(v, Known) and type(v.value) in (bool, int, float, complex, str, list, tuple, dict, type(None)):
        return Known(isinstance(v.value, (str, list, tuple, dict)))
    raise OpError("fnp.iterable of a value flopcast does not hold as a number, container or array")
