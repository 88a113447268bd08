"""The one place that talks to flopscope's cost model.

``flops = int(base x dtype_rate x weight)`` with the weights and rates read from the
installed flopscope (see :mod:`flopcast.installed`). Contractions (einsum and the
bilinear wrappers) are priced by flopscope's own path-finding and symmetry-aware
accumulation code, called on zero-stride stand-ins of the right shapes, symmetry and
identity pattern; the answers are cached on disk per flopscope version, so the
common run never imports flopscope at all.
"""

from __future__ import annotations

import json
from functools import lru_cache
from math import comb, factorial
from dataclasses import dataclass
from typing import Optional

from flopcast import installed
from flopcast.analyzer.disk_answers import DiskAnswers
from flopcast.analyzer.values import Symmetry



class ComplexDtypeError(Exception):
    """flopscope refuses (or prices per call) this op on a complex billed dtype."""


def complex_factor(op: str, dtype: Optional[str]) -> float:
    """flopscope's ``complex_factor_for``: 1 for real dtypes; for complex ones the op's registry
    ``complex_factor`` (read through the cached op inventory), falling back for ufunc methods
    (``multiply.reduce``) to the base ufunc's, and to 2.0 for ops without a classification."""
    if dtype is None or not dtype.startswith("complex"):
        return 1.0
    factors = installed.op_inventory().complex_factors
    factor = factors.get(op)
    if factor is None and op not in factors:
        for suffix in installed.weight_fallbacks().ufunc_method_suffixes:
            if op.endswith(suffix):
                factor = factors.get(op[: -len(suffix)])
                break
    if factor is None:
        return 2.0
    if factor == "illegal":
        raise ComplexDtypeError(f"{op} is not defined for complex dtypes: flopscope raises UnsupportedDtypeError")
    if factor == "exact":
        raise ComplexDtypeError(f"{op} on complex operands is priced per call by flopscope's contraction "
                                "decomposition, which flopcast does not model")
    return float(factor)


def charge(op: str, base: int, dtype: Optional[str]) -> int:
    """The FLOPs flopscope bills for ``op`` with analytical count ``base`` at ``dtype``:
    ``int(base x rate x complex_factor x weight)``, one truncation as flopscope does."""
    w = installed.weights()
    return int(base * w.rate(dtype) * complex_factor(op, dtype) * w.weight(op))


def rate(dtype: Optional[str]) -> float:
    return installed.weights().rate(dtype)


# ---------------------------------------------------------------- contractions


class _ContractionCache:
    """(subscripts, shapes, identity pattern, symmetries) -> (base cost, output symmetry), kept on
    disk per flopscope version and weights (their JSON form there, decoded once per process)."""

    def __init__(self) -> None:
        # Keyed by the weights too: accounting prices include them, and a custom
        # FLOPSCOPE_WEIGHTS_FILE must neither read nor overwrite the default table's cache.
        self._disk = DiskAnswers(lambda: installed.cache_dir() / (
            f"contractions2-flopscope-{installed.flopscope_version()}-{installed.weights().digest()}.json"))
        self._memory: dict[str, tuple[int, Symmetry]] = {}

    def get(self, key: str):
        hit = self._memory.get(key)
        if hit is None:
            stored = self._disk.get(key)
            if stored is not None:
                hit = self._memory[key] = (stored[0], _sym_from_json(stored[1]))
        return hit

    def put(self, key: str, value: tuple[int, Symmetry]) -> None:
        self._memory[key] = value
        self._disk.put(key, [value[0], _sym_to_json(value[1])])


def _sym_to_json(sym: Symmetry):
    return None if sym is None else [list(g) for g in sym]


def _sym_from_json(data) -> Symmetry:
    return None if data is None else tuple(tuple(g) for g in data)


CONTRACTIONS = _ContractionCache()


def contraction(
    subscripts: str,
    shapes: tuple[tuple[int, ...], ...],
    idents: tuple[int, ...],
    syms: tuple[Symmetry, ...],
) -> tuple[int, Symmetry]:
    """flopscope's base cost and output symmetry for an einsum-style contraction.

    ``idents`` says which operands are the same Python object (flopscope's aliasing
    discount keys on ``id()``); only the pattern matters, so it is normalised.
    """
    pattern = slot_pattern(idents)
    key = json.dumps([subscripts, [list(s) for s in shapes], list(pattern), [_sym_to_json(s) for s in syms]])
    hit = CONTRACTIONS.get(key)
    if hit is not None:
        return hit
    value = _contraction_from_flopscope(subscripts, shapes, pattern, syms)
    CONTRACTIONS.put(key, value)
    return value


def slot_pattern(idents) -> tuple[int, ...]:
    """Each operand's slot: the order in which its object was first seen (``(a, b, a)`` is
    ``(0, 1, 0)``), since one object passed twice is priced as one operand by flopscope."""
    first_seen: dict = {}
    return tuple(first_seen.setdefault(i, len(first_seen)) for i in idents)


def complex_contraction_factor(
    subscripts: str,
    shapes: tuple[tuple[int, ...], ...],
    idents: tuple[int, ...],
    syms: tuple[Symmetry, ...],
) -> float:
    """flopscope's ``contraction_complex_override`` for this contraction on complex operands: the
    real FLOPs of its decomposition (6 per multiply, 2 per add) over its total, 1.0 when it does
    no work; the charge is then ``int(total x rate x factor x weight)``, one truncation."""
    pattern = slot_pattern(idents)
    key = json.dumps(["complex-real-total", subscripts, [list(s) for s in shapes], list(pattern),
                      [_sym_to_json(s) for s in syms]])
    hit = CONTRACTIONS.get(key)
    if hit is None:
        from flopscope._accumulation._cost import complex_real_total

        info = _path_info(subscripts, shapes, pattern, syms)
        hit = ([complex_real_total(info.accumulation), int(info.accumulation.total)], None)
        CONTRACTIONS.put(key, hit)
    real_total, total = hit[0]
    return real_total / total if total > 0 else 1.0


def accumulation_total(subscripts: str, shapes: tuple[tuple[int, ...], ...], idents: tuple[int, ...],
                       syms: tuple[Symmetry, ...]) -> int:
    """``flops.einsum_accumulation_cost(subscripts, *operands).total``: flopscope's own function
    (it charges nothing) on stand-ins of these shapes, slots and symmetries. A ValueError of
    flopscope's (subscripts that do not fit the shapes) is the program's."""
    pattern = slot_pattern(idents)
    key = json.dumps(["accumulation-total", subscripts, [list(s) for s in shapes], list(pattern),
                      [_sym_to_json(s) for s in syms]])
    hit = CONTRACTIONS.get(key)
    if hit is None:
        import flopscope

        hit = (int(flopscope.einsum_accumulation_cost(subscripts, *_stand_ins(shapes, pattern, syms)).total), None)
        CONTRACTIONS.put(key, hit)
    return hit[0]


def reduction_helper(function: str, shape: tuple[int, ...], axis, numbers: dict) -> int:
    """``flops.reduction_accumulation_cost(a, axis, **numbers).total`` or
    ``flops.tier2_reduction_cost(a, axis, **numbers)`` (free helpers) on a stand-in of ``shape``."""
    key = json.dumps(["reduction-helper", function, list(shape), axis, sorted(numbers.items())])
    hit = CONTRACTIONS.get(key)
    if hit is None:
        import flopscope

        result = getattr(flopscope, function)(_stand_ins((shape,), (0,), (None,))[0], axis, **numbers)
        hit = (int(result.total if function == "reduction_accumulation_cost" else result), None)
        CONTRACTIONS.put(key, hit)
    return hit[0]


def _stand_ins(shapes, pattern, syms) -> list:
    """Zero-stride arrays of these shapes, one per slot (one object passed twice is one slot),
    carrying these symmetries as flopscope's trusted tags."""
    import warnings

    import numpy as np

    warnings.filterwarnings("ignore")
    from flopscope._symmetry_utils import wrap_with_trusted_symmetry

    proxies: dict[int, object] = {}
    operands = []
    for shape, slot, sym in zip(shapes, pattern, syms):
        if slot not in proxies:
            proxy = np.broadcast_to(np.empty(()), shape)
            if sym:
                proxy = wrap_with_trusted_symmetry(proxy, _group_of(sym))
            proxies[slot] = proxy
        operands.append(proxies[slot])
    return operands


def _path_info(subscripts, shapes, pattern, syms):
    """flopscope's own contraction path and cost for operands of these shapes, slots (one object
    passed twice is one slot) and symmetries, found on zero-stride stand-ins."""
    from flopscope._einsum import _resolve_cost_and_output_symmetry

    return _resolve_cost_and_output_symmetry(subscripts, *_stand_ins(shapes, pattern, syms))



def _contraction_from_flopscope(subscripts, shapes, pattern, syms) -> tuple[int, Symmetry]:
    info = _path_info(subscripts, shapes, pattern, syms)
    try:
        out_sym = symmetry_from_group(info.output_symmetry)
    except NotImplementedError:
        # `tensordot(x, x, axes=0)`: the output's symmetry swaps blocks of axes; its later ops
        # are billed by that group's orbits, which flopcast's axis groups cannot hold
        from flopcast.analyzer.ops.registry import OpError

        raise OpError(f"the result of {subscripts!r} is symmetric under a swap of axis blocks "
                      f"({info.output_symmetry!r}), which flopcast does not model") from None
    return int(info.accumulation.total), out_sym


def symmetry_from_group(group) -> Symmetry:
    """Convert a flopscope SymmetryGroup into flopcast's axis groups (full S_k on each orbit)."""
    if group is None:
        return None
    axes = tuple(group.axes)
    orbits = []
    for orbit in group.orbits():
        members = tuple(sorted(axes[i] for i in orbit)) if max(orbit, default=-1) < len(axes) else tuple(sorted(orbit))
        if len(members) > 1:
            orbits.append(members)
    expected = 1
    for o in orbits:
        expected *= factorial(len(o))
    if group.order() != expected:
        raise NotImplementedError(f"symmetry group {group!r} is not a product of full symmetric groups")
    return tuple(sorted(orbits)) or None


def accounting(function: str, *args, **kwargs) -> int:
    """The unweighted base of ``flopscope.accounting.<function>(...)`` (no weight, no dtype rate;
    cached on disk). accounting's helpers weight their price; flopscope's ops instead multiply
    the unweighted base by the batch or group count and weight the product once, in the charge,
    so the base is read from the helper's ``__wrapped__`` and the caller's charge weights it
    (weighting each matrix's price before the batch truncated early: a custom weight of 1.37 on
    three stacked Cholesky factors billed 936 where flopscope bills 937)."""
    key = json.dumps(["accounting-base", function, list(args), sorted(kwargs.items())])
    hit = CONTRACTIONS.get(key)
    if hit is not None:
        return hit[0]
    import warnings

    warnings.filterwarnings("ignore")
    from flopscope import accounting as acct

    helper = getattr(acct, function)
    value = int(getattr(helper, "__wrapped__", helper)(*args, **kwargs))
    CONTRACTIONS.put(key, (value, None))
    return value


def _cost_function(module: str, function: str, args: list, key_args: list) -> int:
    """``flopscope.<module>.<function>(*args)``: a base flopscope's own cost function gives
    (cached on disk under ``key_args``); the op's weight and dtype rate are applied by the caller."""
    key = json.dumps([module.lstrip("_"), function, key_args])
    hit = CONTRACTIONS.get(key)
    if hit is not None:
        return hit[0]
    import importlib
    import warnings

    warnings.filterwarnings("ignore")
    import flopscope  # noqa: F401 - the package first: its cost modules import from it

    value = int(getattr(importlib.import_module(f"flopscope.{module}"), function)(*args))
    CONTRACTIONS.put(key, (value, None))
    return value


def polynomial(function: str, *args) -> int:
    """``flopscope._polynomial.<function>(...)``: the base of polyval/polyfit."""
    return _cost_function("_polynomial", function, list(args), list(args))


def pointwise(function: str, *shapes_and_args) -> int:
    """``flopscope._pointwise.<function>(...)`` for a cost function that reads only its
    arrays' shapes (``_trapezoid_cost``): each shape is handed as a read-only broadcast array
    of that shape (no memory), None as None."""
    import numpy as np

    args = [np.broadcast_to(np.float64(0.0), a) if isinstance(a, tuple) else a for a in shapes_and_args]
    return _cost_function("_pointwise", function, args,
                          [list(a) if isinstance(a, tuple) else a for a in shapes_and_args])


# ---------------------------------------------------------------- small helpers


def unique_count(shape: tuple[int, ...], sym: Symmetry) -> int:
    if not sym:
        n = 1
        for s in shape:
            n *= s
        return n
    grouped = {a for g in sym for a in g}
    n = 1
    for axis, extent in enumerate(shape):
        if axis not in grouped:
            n *= extent
    for group in sym:
        n *= comb(shape[group[0]] + len(group) - 1, len(group))
    return n


@lru_cache(maxsize=None)
def inferred_constant_symmetry(shape: tuple[int, ...]) -> Symmetry:
    """flopscope tags constant fills whose axes share an extent as symmetric in those axes."""
    groups: dict[int, list[int]] = {}
    for axis, extent in enumerate(shape):
        groups.setdefault(extent, []).append(axis)
    sym = tuple(tuple(g) for g in groups.values() if len(g) > 1)
    return tuple(sorted(sym)) or None


# ---------------------------------------------------------------- reductions


def _group_of(sym: Symmetry):
    """A flopscope SymmetryGroup for flopcast's axis groups (direct product of S_k)."""
    from flopscope import SymmetryGroup

    groups = [SymmetryGroup.symmetric(axes=tuple(g)) for g in sym]
    # a classmethod: ``groups[0].direct_product(g)`` would drop the receiver and return g alone
    return groups[0] if len(groups) == 1 else SymmetryGroup.direct_product(*groups)


def reduction(
    shape: tuple[int, ...],
    axes: tuple[int, ...],
    sym: Symmetry,
    op_factor: int = 1,
    extra_ops: int = 0,
    keepdims: bool = False,
) -> tuple[int, int, Symmetry]:
    """flopscope's tier-1 reduction count, output-orbit count and output symmetry.

    ``extra_ops`` may be the string ``"m"`` (one extra op per output orbit, as mean
    and average charge) or ``"2m"`` (var/std). Dense inputs use the closed form
    ``op_factor * (N - n_out) + extra`` (checked against flopscope in tests/ops);
    symmetric ones ask flopscope's own orbit-mapping code (cached on disk).
    """
    axes = tuple(sorted(set(axes)))
    if not sym:
        n = 1
        for s in shape:
            n *= s
        m = 1
        for i, s in enumerate(shape):
            if i not in axes:
                m *= s
        extra = {"m": m, "2m": 2 * m}.get(extra_ops, extra_ops)
        total = extra if n == 0 else op_factor * (n - m) + extra
        return total, m, None
    key = json.dumps(["reduction", list(shape), list(axes), _sym_to_json(sym), op_factor, extra_ops, keepdims])
    hit, hit_m = CONTRACTIONS.get(key), CONTRACTIONS.get(key + "#orbits")
    if hit is not None and hit_m is not None:
        return hit[0], hit_m[0], hit[1]
    import warnings

    warnings.filterwarnings("ignore")
    from flopscope._accumulation._reduction import _num_output_orbits, compute_reduction_accumulation_cost
    from flopscope._symmetry_utils import reduce_group

    group = _group_of(sym)
    m = _num_output_orbits(tuple(shape), axes, group)
    extra = {"m": m, "2m": 2 * m}.get(extra_ops, extra_ops)
    total = compute_reduction_accumulation_cost(
        input_shape=tuple(shape), axes_summed=axes, symmetry=group, op_factor=op_factor, extra_ops=extra
    ).total
    out_group = reduce_group(group, ndim=len(shape), axis=axes if axes else None, keepdims=keepdims)
    out_sym = symmetry_from_group(out_group)
    CONTRACTIONS.put(key, (int(total), out_sym))
    CONTRACTIONS.put(key + "#orbits", (int(m), None))
    return int(total), m, out_sym


# ---------------------------------------------------------------- flopscope's own helpers, cached


def _cached(key: list, compute) -> int:
    hit = CONTRACTIONS.get(json.dumps(key))
    if hit is not None:
        return hit[0]
    import warnings

    warnings.filterwarnings("ignore")
    value = compute()
    CONTRACTIONS.put(json.dumps(key), (value, None))
    return value


@dataclass(frozen=True)
class Parameters:
    """How ``fnp.<name>`` binds its arguments: its innermost wrapped function's parameters,
    which bind them (flopscope's outer wrappers pass ``*args, **kwargs`` on)."""

    capacity: int  # how many arguments it takes by position (-1: any number)
    required: tuple[str, ...]  # positional parameters with no default, in order
    required_keywords: tuple[str, ...]  # keyword-only parameters with no default
    keywords: Optional[tuple[str, ...]]  # the names it binds by keyword (None: any, it takes **kwargs)
    # its signature is Python code's (a function, or a class's own __new__/__init__), not a
    # builtin's stated one (numpy's dtype states 3 places by position and takes 4)
    read_from_code: bool = True

    def unexpected(self, keywords) -> list[str]:
        """The keyword names a call passes that the function has no parameter for."""
        return [] if self.keywords is None else [k for k in keywords if k not in self.keywords]

    def too_many(self, name: str, positional: int) -> str:
        """Python's TypeError message for a call with ``positional`` arguments by position, more
        than the function takes."""
        return _too_many_text(name.rsplit(".", 1)[-1], len(self.required), self.capacity, positional)

    def missing(self, positional: int, keywords) -> Optional[str]:
        """Python's TypeError message (after the function's name) for the required parameters a
        call with ``positional`` arguments by position and these keyword names leaves unbound."""
        by_position = [p for p in self.required[positional:] if p not in keywords]
        if by_position:
            return _missing_text(by_position, "positional")
        by_keyword = [p for p in self.required_keywords if p not in keywords]
        return _missing_text(by_keyword, "keyword-only") if by_keyword else None


def _too_many_text(function: str, fewest: int, most: int, given: int) -> str:
    takes = f"{most} positional argument{'s' if most != 1 else ''}" if fewest == most else \
        f"from {fewest} to {most} positional arguments"
    return f"{function}() takes {takes} but {given} {'was' if given == 1 else 'were'} given"


def _missing_text(names: list[str], kind: str) -> str:
    quoted = [repr(n) for n in names]
    listed = quoted[0] if len(quoted) == 1 else " and ".join(quoted) if len(quoted) == 2 else \
        ", ".join(quoted[:-1]) + ", and " + quoted[-1]
    return f"missing {len(names)} required {kind} argument{'s' if len(names) > 1 else ''}: {listed}"


def _innermost(name: str):
    """The innermost wrapped function of ``fnp.<name>`` (``stats.<dist>.<method>``: of
    ``flops.stats``), where flopscope binds the call's arguments; None if there is none."""
    import importlib

    if name.startswith("stats."):  # flops.stats.norm.cdf: a method of a distribution object
        fn = importlib.import_module("flopscope.stats")
        for part in name.split(".")[1:]:
            fn = getattr(fn, part, None)
    elif name.startswith("ndarray."):  # a method of flopscope's array class, defined there
        from flopscope._ndarray import FlopscopeArray

        fn = FlopscopeArray.__dict__.get(name[len("ndarray."):])
    else:
        module, _, attr = f"flopscope.numpy.{name}".rpartition(".")
        fn = getattr(importlib.import_module(module), attr, None)
    while getattr(fn, "__wrapped__", None) is not None:
        fn = fn.__wrapped__
    return fn


#: name -> its parameters, in front of the disk cache (asked at every direct fnp call)
_PARAMETERS: dict[str, Parameters] = {}


def parameters(name: str) -> Parameters:
    """``fnp.<name>``'s parameters as its innermost wrapped function binds them, so
    ``fnp.argsort(v, -1, 'stable')`` raises TypeError though numpy's argsort takes ``kind`` there,
    and ``fnp.full_like(x)`` misses ``fill_value``. A function that passes ``*args`` on binds
    nothing by position here (numpy binds them later: not modelled, so nothing is claimed)."""
    def compute() -> list:
        import inspect

        fn = _innermost(name)
        try:
            signature = inspect.signature(fn, follow_wrapped=False)
        except (TypeError, ValueError):
            return [-1, [], [], None, False]
        code = inspect.isfunction(fn) or inspect.isclass(fn) and any(
            inspect.isfunction(getattr(fn, method, None)) for method in ("__new__", "__init__"))
        kinds = inspect.Parameter
        params = list(signature.parameters.values())
        if any(p.kind is kinds.VAR_POSITIONAL for p in params):
            capacity = -1
        else:
            capacity = sum(p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD) for p in params)
        required = [p.name for p in params if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
                    and p.default is kinds.empty]
        required_keywords = [p.name for p in params if p.kind is kinds.KEYWORD_ONLY and p.default is kinds.empty]
        by_keyword = None if any(p.kind is kinds.VAR_KEYWORD for p in params) else [
            p.name for p in params if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)]
        return [capacity, required, required_keywords, by_keyword, bool(code)]

    hit = _PARAMETERS.get(name)
    if hit is None:
        capacity, required, required_keywords, by_keyword, code = _cached(["binding", 2, name], compute)
        hit = _PARAMETERS[name] = Parameters(capacity, tuple(required), tuple(required_keywords),
                                             None if by_keyword is None else tuple(by_keyword), code)
    return hit


@dataclass(frozen=True)
class Forwarded:
    """What ``fnp.<name>`` does with the keywords its ``**kwargs`` gathers: it passes them on to
    one numpy function, whose own parameters decide which it takes (the rest: TypeError)."""

    function: str  # the numpy function's name, as its TypeError names it
    accepted: frozenset  # keywords the call takes: flopscope's own, those it takes out, numpy's
    read: frozenset  # keywords flopscope itself reads (its charge may depend on them; "*": any)
    charged_first: bool  # numpy is called after the charge (True) or before any (False)

    def refused(self, keywords) -> list[str]:
        return [k for k in keywords if k not in self.accepted]


#: name -> what it does with its **kwargs (None: not derived; nothing is claimed)
_FORWARDED: dict[str, Optional[Forwarded]] = {}
#: flopscope helpers handed the whole ``**kwargs`` dict that only read (or normalise) numpy's
#: own keywords in it, never add or take one: the ufunc wrappers' dtype/signature/casting freeze
_KWARGS_READERS = frozenset({"_freeze_binary_ufunc_type_kwargs"})
#: flopscope's checks of one argument's value that take nothing from it: they refuse a
#: non-numeric object (a probe of its dtype) and pass numbers, arrays and text
_VALUE_CHECKS = frozenset({"refuse_non_numeric_source"})


@lru_cache(maxsize=None)
def values_checked(name: str) -> bool:
    """Whether ``fnp.<name>``'s innermost function hands each value its ``*args`` or
    ``**kwargs`` gather to flopscope's value checks (``_VALUE_CHECKS``) before anything else
    (the legacy samplers' ``for _v in args: refuse_non_numeric_source(op_name, _v)``)."""
    import ast
    import inspect
    import textwrap

    fn = None if name.startswith("stats.") else _innermost(name)
    if not inspect.isfunction(fn):
        return False
    kinds = inspect.Parameter
    gathered = {p.name for p in inspect.signature(fn, follow_wrapped=False).parameters.values()
                if p.kind in (kinds.VAR_POSITIONAL, kinds.VAR_KEYWORD)}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    for loop in ast.walk(tree):
        if isinstance(loop, ast.For) and _only_checked(loop) and any(
                isinstance(n, ast.Name) and n.id in gathered for n in ast.walk(loop.iter)):
            return True
    return False


def _only_checked(loop) -> bool:
    """Whether the ``for`` loop ``loop`` (over a function's ``*args`` or ``**kwargs``) does
    nothing with what it walks but hand it to flopscope's value checks (``_VALUE_CHECKS``)."""
    import ast

    def plain(statements) -> bool:
        for statement in statements:
            if isinstance(statement, ast.If):
                if not (plain(statement.body) and plain(statement.orelse)) or \
                        any(isinstance(n, ast.Call) for n in ast.walk(statement.test)):
                    return False
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                call = statement.value
                if not (isinstance(call.func, ast.Name) and call.func.id in _VALUE_CHECKS) or \
                        any(isinstance(n, (ast.Call, ast.Starred)) for a in call.args for n in ast.walk(a)):
                    return False
            elif not isinstance(statement, ast.Pass):
                return False
        return True

    return not loop.orelse and plain(loop.body)


def forwarded(name: str) -> Optional[Forwarded]:
    """``fnp.<name>``'s keywords past its own parameters, read from flopscope's source: the
    numpy function each call site passing ``**kwargs`` on reaches, that function's parameters
    (from its signature), and whether the call sits inside flopscope's charge (``with
    budget.deduct(...)``: charged, then refused) or before every charge, or inside a
    ``deduct_after`` that charges only when its block ends (refused, nothing charged). None where that is not read off plainly (a helper that may use the keywords, a
    numpy function that takes ``**kwargs`` itself, a call after the charge): nothing is claimed."""
    return _read_off_source(_FORWARDED, ["forwarded", 8, name], _derive_forwarded,
                            lambda found: Forwarded(found[0], frozenset(found[1]), frozenset(found[2]), found[3]))


def _read_off_source(table: dict, key: list, derive, make):
    """A fact about ``fnp.<name>`` read from flopscope's source by ``derive(name)`` (the name is the
    key's last part), kept in ``table`` and on disk under ``key`` (kind, version, name) and made
    into its record by ``make``; None where the source does not say it plainly."""
    name = key[-1]
    if name not in table:
        def compute():
            try:
                return derive(name)
            except (OSError, TypeError, ValueError, SyntaxError):
                return None

        found = _cached(key, lambda: compute() or [])
        table[name] = make(found) if found else None
    return table[name]


#: keywords numpy's C functions take that their text signatures hide: arange's is
#: ``(start_or_stop, /, stop=None, step=1, *, ...)`` but it parses ``start=`` too
#: (``np.arange(start=0, stop=8, step=2)``; only a start with no stop is refused, as TypeError)
_HIDDEN_KEYWORDS = {"arange": frozenset({"start"})}


def _gathering(name: str, kind) -> Optional[tuple]:
    """``fnp.<name>``'s innermost function, its parameters and the name of the one gathering the
    arguments of ``kind`` (``*args``, ``**kwargs``); None when it has none or is no plain function
    (a distribution's methods are not read)."""
    import inspect

    fn = None if name.startswith("stats.") else _innermost(name)
    if not inspect.isfunction(fn):
        return None
    params = list(inspect.signature(fn, follow_wrapped=False).parameters.values())
    gathering = [p.name for p in params if p.kind is kind]
    return (fn, params, gathering[0]) if gathering else None


def _derive_forwarded(name: str) -> Optional[list]:
    import inspect

    kinds = inspect.Parameter
    found = _gathering(name, kinds.VAR_KEYWORD)
    if found is None:
        return None
    fn, params, var_kw = found
    scanned = _scan_kwargs(fn, var_kw, {})
    if scanned is None:
        return None
    accepted, read, targets, inside = scanned
    accepted |= {p.name for p in params if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)}
    return [targets[0], sorted(accepted), sorted(read), inside]


def _scan_kwargs(fn, kw: str, bound: dict, depth: int = 0):
    """(keywords taken, keywords read, numpy functions reached, called inside the charge) for the
    dict ``kw`` of ``fn`` (``bound``: what some of its parameters are, as its caller passed them),
    or None where what reaches numpy is not read off plainly. A flopscope helper handed the dict
    whole (``_counted_predicate(op, _np.isnan, x, kwargs)``) is read the same way."""
    import ast
    import inspect
    import textwrap

    import numpy as np

    kinds = inspect.Parameter
    accepted: set[str] = set()
    read: set[str] = set()
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    names = {**fn.__globals__, **inspect.getclosurevars(fn).nonlocals, **bound}

    def passes_on(call: ast.Call) -> bool:
        for k in call.keywords:
            if k.arg is None and isinstance(k.value, ast.Name) and k.value.id == kw:
                return True
            if k.arg is None and isinstance(k.value, ast.DictComp) and len(k.value.generators) == 1:
                # ``**{k: strip(v) for k, v in kwargs.items()}``: the same keys
                gen, key = k.value.generators[0], k.value.key
                if isinstance(gen.target, ast.Tuple) and isinstance(key, ast.Name) and gen.target.elts and \
                        isinstance(gen.target.elts[0], ast.Name) and gen.target.elts[0].id == key.id and \
                        ast.unparse(gen.iter) == f"{kw}.items()" and not gen.ifs:
                    return True
        return False

    def resolve(expr: ast.AST):
        return _resolve(expr, names)

    def flopscope_function(obj) -> bool:
        return inspect.isfunction(obj) and str(obj.__module__).startswith("flopscope")

    sites = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and passes_on(node)]
    site_parts = {id(part) for call in sites for k in call.keywords if k.arg is None for part in ast.walk(k.value)}
    handed = []  # (call, helper, its parameter the dict binds to)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id == kw) or id(node) in site_parts:
            continue
        parent = parents.get(node)
        method = parent.attr if isinstance(parent, ast.Attribute) else None
        call = parents.get(parent)
        const = call.args[0].value if isinstance(call, ast.Call) and call.args and \
            isinstance(call.args[0], ast.Constant) else None
        if method in ("items", "values") and isinstance(call, ast.Call) and parent is call.func and \
                isinstance(parents.get(call), ast.For) and parents[call].iter is call and _only_checked(parents[call]):
            read.add("*")  # ``for k, v in kwargs.items(): refuse_non_numeric_source(op, v)``: each value checked
        elif method in ("get", "pop") and isinstance(call, ast.Call) and isinstance(const, str):
            (read if method == "get" else accepted).add(const)  # a key taken out is never passed on
        elif method == "get" and isinstance(call, ast.Call) and parent is call.func:
            # a key named by a variable: any keyword may be read, but those a loop over a
            # tuple of names walks (``for key in ("a_min", "a_max"): kwargs.get(key)``)
            read.update(_loop_names(call.args[0], parents) if len(call.args) >= 1 else {"*"})
        elif isinstance(parent, ast.Subscript) and isinstance(parent.slice, ast.Constant) and \
                isinstance(parent.slice.value, str):
            if isinstance(parent.ctx, ast.Load):
                read.add(parent.slice.value)  # (a key flopscope stores is its own, passed on to numpy)
        elif isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in _KWARGS_READERS:
            continue
        elif isinstance(parent, ast.Call) and node in parent.args and depth < 2 and \
                not any(isinstance(a, ast.Starred) for a in parent.args) and flopscope_function(resolve(parent.func)):
            helper = resolve(parent.func)
            helper_params = list(inspect.signature(helper).parameters.values())
            index = parent.args.index(node)
            if index >= len(helper_params) or helper_params[index].kind not in (kinds.POSITIONAL_ONLY,
                                                                                kinds.POSITIONAL_OR_KEYWORD):
                return None
            handed.append((parent, helper, helper_params[index].name,
                           {p.name: resolve(a) for p, a in zip(helper_params, parent.args)
                            if resolve(a) is not None}))
        else:
            return None  # used some other way: what reaches numpy is not read off plainly
    if not sites and not handed:
        return None
    def timing(call: ast.Call) -> Optional[bool]:
        return _charge_timing(tree, parents, call)

    targets, inside = [], set()
    for call, helper, param, passed in handed:
        scanned = _scan_kwargs(helper, param, passed, depth + 1)
        when = timing(call)
        if scanned is None or when is None:
            return None
        accepted |= scanned[0]
        read |= scanned[1]
        targets += scanned[2]
        inside.add(True if when else scanned[3])
    for call in sites:
        helper = resolve(call.func)
        target = helper
        if not (callable(helper) and getattr(helper, "__module__", "") and
                str(getattr(helper, "__module__", "")).startswith("numpy")) and not isinstance(helper, np.ufunc):
            # a flopscope helper handing numpy its first argument (``_call_numpy(_np.sort, ...)``):
            # the helper's own parameters are taken by it, not numpy (no claim on them)
            if not (flopscope_function(helper) and call.args):
                return None
            helper_params = list(inspect.signature(helper).parameters.values())
            # (those the call fills by position, as `fn` of _call_numpy(fn, ...), are bound twice)
            by_position = next((i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)), len(call.args))
            accepted |= {p.name for p in helper_params[by_position:]
                         if p.kind not in (kinds.VAR_POSITIONAL, kinds.VAR_KEYWORD)}
            target = resolve(call.args[0])
        if not _numpy_callable(target):
            return None
        try:
            target_params = list(inspect.signature(target).parameters.values())
        except (TypeError, ValueError):
            return None
        if any(p.kind is kinds.VAR_KEYWORD for p in target_params):
            ufunc = _kwargs_ufunc(target)
            if ufunc is None:
                return None
            # numpy's clip hands its **kwargs to its ufunc: the ufunc's keywords are taken
            accepted |= {p.name for p in inspect.signature(ufunc).parameters.values() if p.kind is kinds.KEYWORD_ONLY}
            accepted.add("sig")
        accepted |= {p.name for p in target_params if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)}
        accepted |= _HIDDEN_KEYWORDS.get(target.__name__, frozenset())
        if isinstance(target, np.ufunc):
            accepted.add("sig")  # numpy's ufuncs take `sig` as another name of `signature` (not in their signature)
        accepted |= {k.arg for k in call.keywords if k.arg is not None}
        targets.append(target.__name__)
        when = timing(call)
        if when is None:
            return None
        inside.add(when)
    if len(inside) != 1:
        return None
    return accepted, read, targets, inside.pop()


def _resolve(expr, names: dict):
    """What the expression ``expr`` in flopscope's function names (its globals and closure in
    ``names``): ``_np.sort``, a name, or ``super().copy`` in an array method (numpy's ndarray's)."""
    import ast

    import numpy as np

    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and names.get(expr.value.id) is np:
        return getattr(np, expr.attr, None)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Call) and \
            isinstance(expr.value.func, ast.Name) and expr.value.func.id == "super" and not expr.value.args:
        return getattr(np.ndarray, expr.attr, None)
    return names.get(expr.id) if isinstance(expr, ast.Name) else None


def _numpy_callable(target) -> bool:
    """numpy's own function, ufunc or ndarray method (not flopscope's)."""
    import numpy as np

    return target is not None and (isinstance(target, np.ufunc) or getattr(target, "__objclass__", None) is np.ndarray
                                   or str(getattr(target, "__module__", "")).startswith("numpy"))


def _loop_names(expr, parents: dict) -> set:
    """The strings the name ``expr`` can be where it is a ``for`` loop's variable walking a
    tuple or list of string constants, else {"*"} (any)."""
    import ast

    node = expr
    while node in parents and isinstance(expr, ast.Name):
        node = parents[node]
        if isinstance(node, ast.For):
            if isinstance(node.target, ast.Name) and node.target.id == expr.id and \
                    isinstance(node.iter, (ast.Tuple, ast.List)) and \
                    all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.iter.elts):
                return {e.value for e in node.iter.elts}
            break
    return {"*"}


def _kwargs_ufunc(target):
    """The ufunc a numpy function hands its ``**kwargs`` to, where its documentation sends
    them to the ufunc keywords (numpy's clip: "see the ufunc docs") and numpy's core has a
    ufunc of its name; None for any other."""
    import numpy as np

    if ":ref:`ufunc docs <ufuncs.kwargs>`" not in (getattr(target, "__doc__", "") or ""):
        return None
    try:
        from numpy._core import umath
    except ImportError:
        return None
    ufunc = getattr(umath, getattr(target, "__name__", ""), None)
    return ufunc if isinstance(ufunc, np.ufunc) else None


def _charge_timing(tree, parents: dict, call) -> Optional[bool]:
    """Whether flopscope's charge is made before ``call`` (a call in the function ``tree``):
    True: it is; False: no charge is; None: not read off plainly."""
    import ast

    charges = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr in ("deduct", "deduct_after")]
    node, around = call, None
    while node in parents and around is None:
        node = parents[node]
        if isinstance(node, ast.With):
            around = next((item.context_expr for item in node.items if item.context_expr in charges), None)
    if around is not None:
        # ``deduct`` charges as its block opens; ``deduct_after`` when it closes, not on a raise
        return around.func.attr == "deduct"
    if any((c.lineno, c.col_offset) < (call.lineno, call.col_offset) for c in charges):
        return None  # after a charge that is not around it: not modelled
    return False


@dataclass(frozen=True)
class Spread:
    """What ``fnp.<name>`` does with the arguments its ``*args`` gathers: it spreads them into one
    numpy function's call, whose own positional parameters decide how many it takes (more: a
    TypeError when numpy binds them)."""

    function: str  # the numpy function's name, as its TypeError names it
    capacity: int  # how many arguments fnp.<name> then takes by position in all
    fewest: int  # how many numpy's function needs by position at least (for its message)
    given: int  # how many arguments numpy's call is handed by position besides the spread ones,
    # less fnp.<name>'s own positional parameters (a call with n by position hands it n + given)
    charged_first: bool  # numpy is called after the charge (True) or before any (False)

    compiled: bool = False  # numpy's function is Cython's (its own words for the refusal)

    def message(self, positional: int) -> str:
        """numpy's TypeError for a call handing fnp.<name> ``positional`` arguments by position."""
        most, handed = self.capacity + self.given, positional + self.given
        if self.compiled:  # Cython's argument parser
            return f"TypeError: {self.function}() takes {'exactly' if self.fewest == most else 'at most'} " \
                   f"{most} positional argument{'s' if most != 1 else ''} ({handed} given)"
        return "TypeError: " + _too_many_text(self.function, self.fewest, most, handed)


#: name -> what it does with its *args (None: not derived; nothing is claimed)
_SPREAD: dict[str, Optional[Spread]] = {}
#: flopscope helpers that map a tuple of arguments to one of the same length (each stripped)
_SAME_LENGTH = frozenset({"_to_base_ndarray_tree"})
#: flopscope helpers that only warn about one value (a symmetry lost), never refuse or change it
_WARNINGS = frozenset({"_warn_if_symmetric"})


def _warns_only(loop, tree) -> bool:
    """Whether the ``for`` loop ``loop`` hands each value only to a helper defined in ``tree``
    that does nothing but walk lists and tuples and warn (block's ``_walk_warn``)."""
    import ast

    def calls_by_name(call, names) -> bool:
        return isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in names \
            and not call.keywords

    if loop.orelse or not isinstance(loop.target, ast.Name) or len(loop.body) != 1 or \
            not isinstance(loop.body[0], ast.Expr):
        return False
    call = loop.body[0].value
    helpers = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
               and calls_by_name(call, {node.name})]
    if len(helpers) != 1 or [ast.dump(a) for a in call.args] != [ast.dump(ast.Name(loop.target.id, ast.Load()))]:
        return False
    allowed = {helpers[0].name, "isinstance"} | _WARNINGS
    plain = (ast.If, ast.For, ast.Expr, ast.Call, ast.Name, ast.Tuple, ast.Constant, ast.Load, ast.Store,
             ast.arguments, ast.arg)
    return all(isinstance(node, plain) and not (isinstance(node, ast.Call) and not calls_by_name(node, allowed))
               and not (isinstance(node, ast.For) and node.orelse)
               for statement in helpers[0].body for node in ast.walk(statement))


def spread(name: str) -> Optional[Spread]:
    """``fnp.<name>``'s positional arguments past its own parameters, read from flopscope's
    source: where its ``*args`` reach one numpy function whole (``_call_numpy(_np.fliplr,
    *_to_base_ndarray_tree(args), **kwargs)``) and flopscope itself reads no more of them than
    that function binds (``args[0]``), a call handing more raises numpy's TypeError, after
    flopscope's charge when numpy is called inside it. None where that is not read off plainly."""
    return _read_off_source(_SPREAD, ["spread", 6, name], _derive_spread, lambda found: Spread(*found))


def _derive_spread(name: str) -> Optional[list]:
    import ast
    import inspect
    import textwrap

    import numpy as np

    kinds = inspect.Parameter
    found = _gathering(name, kinds.VAR_POSITIONAL)
    if found is None:
        return None
    fn, params, var = found
    own = sum(p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD) for p in params)
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    names = {**fn.__globals__, **inspect.getclosurevars(fn).nonlocals}

    def same_length(expr) -> bool:  # ``args``, ``_to_base_ndarray_tree(args)``, or that of each
        if isinstance(expr, ast.Name):
            return expr.id == var
        if isinstance(expr, ast.ListComp) and len(expr.generators) == 1:
            loop = expr.generators[0]  # ``[_to_base_ndarray_tree(a) for a in args]``
            return not loop.ifs and not loop.is_async and isinstance(loop.target, ast.Name) and \
                same_length(loop.iter) and isinstance(expr.elt, ast.Call) and \
                isinstance(expr.elt.func, ast.Name) and expr.elt.func.id in _SAME_LENGTH and \
                not expr.elt.keywords and [ast.dump(a) for a in expr.elt.args] == \
                [ast.dump(ast.Name(loop.target.id, ast.Load()))]
        return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _SAME_LENGTH \
            and len(expr.args) == 1 and not expr.keywords and same_length(expr.args[0])

    # ``stripped = _to_base_ndarray_tree(args)``: names standing for the arguments, each stripped
    aliases = {var}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and same_length(node.value):
            aliases.add(node.targets[0].id)
    if len(aliases) > 2:
        return None
    stars = [node for node in ast.walk(tree) if isinstance(node, ast.Starred)
             and (same_length(node.value) or isinstance(node.value, ast.Name) and node.value.id in aliases)]
    if len(stars) != 1 or not isinstance(parents.get(stars[0]), ast.Call):
        return None
    call = parents[stars[0]]
    arguments = list(call.args)
    target = _resolve(call.func, names)
    if inspect.isfunction(target) and str(target.__module__).startswith("flopscope") and \
            getattr(target, "__name__", "") == "_call_numpy" and arguments:
        target, arguments = _resolve(arguments[0], names), arguments[1:]  # _call_numpy(_np.f, ...)
    if not _numpy_callable(target) or isinstance(target, np.ufunc):
        return None
    if arguments.index(stars[0]) != len(arguments) - 1 or any(isinstance(a, ast.Starred) for a in arguments[:-1]):
        return None
    bound_self = getattr(target, "__objclass__", None) is np.ndarray
    if bound_self:
        arguments.insert(0, None)  # ``super().flatten(*args)``: the array itself is bound first
    try:
        target_params = list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind is kinds.VAR_POSITIONAL for p in target_params):
        return None
    bound = [p for p in target_params if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
    before = len(arguments) - 1  # what flopscope hands numpy by position ahead of the spread ones
    room = len(bound) - before  # how many of the spread ones numpy binds
    if room < 0:
        return None
    star_parts = {id(part) for part in ast.walk(stars[0])}
    checked = False
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id in aliases) or id(node) in star_parts:
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Assign) and node.id == var or \
                isinstance(parent, ast.Call) and same_length(parent) and isinstance(parents.get(parent), ast.Assign):
            continue  # (the alias's own assignment)
        if isinstance(parent, ast.Assign) and node in parent.targets:
            continue
        if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Load) and \
                isinstance(parent.slice, ast.Constant) and type(parent.slice.value) is int and \
                0 <= parent.slice.value < room:
            continue  # ``args[0]``: an argument numpy binds as well
        if isinstance(parent, ast.For) and parent.iter is node and _only_checked(parent):
            checked = True  # ``for v in args: refuse_non_numeric_source(op, v)``: each value checked
            continue
        if isinstance(parent, ast.For) and parent.iter is node and _warns_only(parent, tree):
            continue  # ``for a in args: _walk_warn(a)``: a warning refuses nothing
        return None  # read some other way (``len(args)``, ``args[3]``): not read off plainly
    when = _charge_timing(tree, parents, call)
    if when is None or checked and when:
        return None  # (values checked before the charge: the charge may not be made)
    fewest = sum(p.default is kinds.empty for p in bound)
    # (numpy's message for its own method counts the arguments past the array)
    compiled = type(getattr(target, "__func__", target)).__name__ == "cython_function_or_method"
    return [target.__name__, own + room, fewest - bound_self, before - own - bound_self, when, compiled]


@lru_cache(maxsize=None)
def method_named(method: str) -> Optional[int]:
    """How many named parameters (``self`` with them) flopscope's array method ``method`` has,
    where its body is nothing but ``return _me().<name>(self, <them>, *args, **kwargs)``, so it
    hands that function its arguments by position as they came (``w.argsort(-1, 'stable')``
    is ``fnp.argsort(w, -1, 'stable')``); None for any other (``reshape`` regroups them)."""
    import ast
    import inspect
    import textwrap

    from flopscope._ndarray import FlopscopeArray

    if method_delegate(method) is None:
        return None
    fn = FlopscopeArray.__dict__.get(method)
    try:
        body = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0].body
    except (OSError, TypeError, SyntaxError):
        return None
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # (its docstring)
    if len(body) != 1:
        return None
    kinds = inspect.Parameter
    return sum(p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
               for p in inspect.signature(fn).parameters.values())


@lru_cache(maxsize=None)
def method_delegate(method: str) -> Optional[str]:
    """The ``fnp`` function flopscope's array method ``method`` is, where its body ends in
    ``return _me().<name>(self, <its own parameters>, *args, **kwargs)`` and nothing before that
    touches the keywords (its keywords bound as that function binds them), else None."""
    def compute() -> str:
        import ast
        import inspect
        import textwrap

        from flopscope._ndarray import FlopscopeArray

        fn = FlopscopeArray.__dict__.get(method)
        if not inspect.isfunction(fn):
            return ""
        params = list(inspect.signature(fn).parameters.values())
        kinds = inspect.Parameter
        named = [p.name for p in params if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
        var = [p.name for p in params if p.kind is kinds.VAR_POSITIONAL]
        kw = [p.name for p in params if p.kind is kinds.VAR_KEYWORD]
        if len(var) != 1 or len(kw) != 1 or len(named) != len(params) - 2 or not named:
            return ""
        body = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0].body
        last = body[-1]
        if not isinstance(last, ast.Return) or not isinstance(last.value, ast.Call) or \
                not isinstance(last.value.func, ast.Attribute):
            return ""
        name = last.value.func.attr
        if ast.unparse(last.value) != f"_me().{name}({', '.join(named)}, *{var[0]}, **{kw[0]})":
            return ""
        if any(isinstance(node, ast.Name) and node.id == kw[0] for stmt in body[:-1] for node in ast.walk(stmt)):
            return ""
        return name

    try:
        return _cached(["method_delegate", 2, method], compute) or None
    except (OSError, TypeError, SyntaxError):
        return None


def fill_diagonal_cells(shape: tuple[int, ...], wrap: bool) -> int:
    """The cells ``fill_diagonal`` writes, by flopscope's own count (``wrap`` runs a tall
    array's diagonal on to the end of its buffer)."""
    def compute() -> int:
        from flopscope._array_ops import _fill_diagonal_cells

        return int(_fill_diagonal_cells(tuple(shape), wrap))

    return _cached(["fill_diagonal", list(shape), wrap], compute)


def fft_base(kind: str, input_shape: tuple[int, ...], lengths: tuple[int, ...], axes: tuple[int, ...]) -> int:
    """flopscope's analytical FFT count (before rate and weight), from its own cost functions.

    ``kind`` is ``"fft"``/``"rfft"``/``"hfft"`` for the 1-D transforms (batch x per-transform
    cost, as the wrappers compute it) or ``"c2c"``/``"r2c"``/``"c2r"`` for the N-D ones
    (``staged_fftn_cost``, which replays numpy's cascade of 1-D stages).
    """

    def compute() -> int:
        from flopscope.numpy.fft import _transforms as t

        if kind in ("c2c", "r2c", "c2r"):
            return int(t.staged_fftn_cost(tuple(input_shape), tuple(lengths), tuple(axes), kind=kind))
        import numpy as np

        a = np.broadcast_to(np.empty(()), input_shape)
        per = {"fft": t.fft_cost, "rfft": t.rfft_cost, "hfft": t.hfft_cost}[kind]
        return int(t._batch_count_1d(a, axes[0]) * per(lengths[0]))

    return _cached(["fft", kind, list(input_shape), list(lengths), list(axes)], compute)


_FFT_DTYPES = ["complex64", "complex128", "complex256"]


@lru_cache(maxsize=None)
def fft_billing_dtype(dtype: str) -> str:
    """The complex working precision flopscope bills an FFT of a ``dtype`` input at
    (its ``fft_billing_dtype``; cached as an index into the complex dtypes)."""

    def compute() -> int:
        import numpy as np

        from flopscope._dtype_billing import fft_billing_dtype as billed

        return _FFT_DTYPES.index(np.dtype(billed(np.dtype(dtype))).name)

    return _FFT_DTYPES[_cached(["fft_billing_dtype", dtype], compute)]


def quantile_per_output(axis_dim: int, q_count: int) -> int:
    """flopscope's per-output cost of an unweighted percentile/quantile (``_quantile_dense_cost``)."""

    def compute() -> int:
        from flopscope._pointwise import _quantile_dense_cost

        return int(_quantile_dense_cost(axis_dim, q_count, weighted=False))

    return _cached(["quantile_dense_cost", axis_dim, q_count], compute)


def multivariate_normal_base(draws: int, dims: int) -> int:
    """flopscope's ``multivariate_normal_flops``: ``draws`` draws from a ``dims``-variate Gaussian."""

    def compute() -> int:
        from flopscope.numpy.random._cost_formulas import multivariate_normal_flops

        return int(multivariate_normal_flops(draws, dims))

    return _cached(["multivariate_normal_cost", draws, dims], compute)


def choice_base(pool: int, out_shape: tuple[int, ...], replace: bool, with_p: bool) -> int:
    """flopscope's ``_choice_cost`` for ``Generator.choice`` drawing ``out_shape`` from a pool of ``pool``."""

    def compute() -> int:
        import numpy as np

        from flopscope.numpy.random._cost_formulas import _choice_cost

        p = np.full(max(pool, 1), 1.0 / max(pool, 1)) if with_p else None
        return int(_choice_cost((pool, out_shape, replace, p), {}, np.empty(out_shape)))

    return _cached(["choice_cost", pool, list(out_shape), replace, with_p], compute)


#: the most elements the arrays of one probe hold together
PROBE_LIMIT = 1 << 22


def probe(name: str, args: list, kwargs: dict) -> Optional[tuple[str, str, int]]:
    """What flopscope does with ``fnp.<name>(*args, **kwargs)``, asked of flopscope itself:
    (the exception's class, its message, the FLOPs charged before it), or None when the call
    goes through. Arguments are plain values; an array is ``{"array": [shape, dtype, plain]}``
    and is built of zeros (a flopscope array, or numpy's own where ``plain``), so a probe tells
    what a call does where that reads shapes, dtypes and the plain arguments, not array values.
    Cached on disk. Run only where the analysis knows numpy may refuse the call (a refusal
    flopscope charges some FLOPs before, op by op); the caller checks ``can_probe`` first."""
    def compute() -> list:
        import importlib
        import warnings

        import flopscope as flops
        import numpy as np

        warnings.filterwarnings("ignore")
        fnp = importlib.import_module("flopscope.numpy")

        def build(spec):
            if isinstance(spec, dict) and "array" in spec:
                shape, dtype, plain = spec["array"]
                return np.zeros(tuple(shape), dtype) if plain else fnp.asarray(np.zeros(tuple(shape), dtype))
            if isinstance(spec, dict) and "dtype" in spec:
                return np.dtype(spec["dtype"]) if spec["instance"] else np.dtype(spec["dtype"]).type
            if isinstance(spec, dict) and "list" in spec:
                return [build(x) for x in spec["list"]]
            if isinstance(spec, dict) and "tuple" in spec:
                return tuple(build(x) for x in spec["tuple"])
            return spec

        module, _, attr = f"flopscope.numpy.{name}".rpartition(".")
        fn = getattr(importlib.import_module(module), attr)
        with flops.BudgetContext(flop_budget=1 << 62, quiet=True):
            built = [build(a) for a in args], {k: build(v) for k, v in kwargs.items()}
        state = np.random.get_state()  # (a legacy sampler probed draws from numpy's global generator)
        try:
            with flops.BudgetContext(flop_budget=1 << 62, quiet=True) as budget:
                try:
                    fn(*built[0], **built[1])
                except Exception as exc:  # the program's error, as flopscope raises it
                    return [type(exc).__name__, str(exc), int(budget.flops_used)]
            return ["", "", int(budget.flops_used)]
        finally:
            np.random.set_state(state)

    found = _cached(["probe", 2, name, json.dumps([args, sorted(kwargs.items())], default=repr)], compute)
    return (found[0], found[1], found[2]) if found[0] else None


def refusal(op: str, shape: tuple[int, ...], dtype: str, args: list, kwargs: dict) -> Optional[tuple[str, str, int]]:
    """``probe`` of ``fnp.<op>(a, *args, **kwargs)`` for a dense flopscope array ``a`` of this
    shape and dtype (the other arguments plain values)."""
    return probe(op, [{"array": [list(shape), dtype, False]}, *map(plain_spec, args)],
                 {k: plain_spec(v) for k, v in kwargs.items()})


def plain_spec(value):
    """A plain Python value as ``probe`` takes it (a tuple and a list told apart)."""
    if isinstance(value, tuple):
        return {"tuple": [plain_spec(v) for v in value]}
    if isinstance(value, list):
        return {"list": [plain_spec(v) for v in value]}
    return value


def can_probe(*shapes: tuple[int, ...]) -> bool:
    total = 0
    for shape in shapes:
        n = 1
        for s in shape:
            n *= s
        total += n
    return total <= PROBE_LIMIT
