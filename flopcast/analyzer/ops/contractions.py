"""Contractions: matmul/@, dot, inner, vdot, outer, einsum, tensordot.

flopscope charges its einsum accumulation count (flopcast calls flopscope's own path
finder on stand-ins, see pricing.contraction), with discounts when the same object is
passed twice (``outer(g, g)``) or operands are symmetric; billed at ``result_type``.
"""

from __future__ import annotations

from flopcast import installed
from flopcast.analyzer import dtypes, dunders, pricing
from flopcast.analyzer.dtypes import Operand
from flopcast.analyzer.ops.operands import _none, arg, as_numpy_scalar, broadcast, origin_of, refused_first, to_array
from flopcast.analyzer.ops.registry import OpError, OpRaises, handler
from flopcast.analyzer.ops.symmetry import refuse_voided_claim
from flopcast.analyzer.values import Array, ClassVal, InstanceVal, Known, ListVal, TupleVal, Unknown, Value


#: (subscripts, shapes, identity pattern, symmetries, dtypes) -> (base, output symmetry,
#: billed dtype, output shape), in front of pricing.contraction's persistent cache.
_CONTRACT_MEMO: dict = {}


def contract(ctx, op: str, subscripts: str, operands_: list[Value], *, out_dtype=None) -> Value:
    arrays = [to_array(ctx, v) for v in operands_]
    shapes = tuple(a.shape for a in arrays)
    pattern = pricing.slot_pattern([a.ident for a in arrays])
    syms = tuple(a.sym for a in arrays)
    key = (subscripts, shapes, pattern, syms, tuple(a.dtype for a in arrays))
    hit = _CONTRACT_MEMO.get(key)
    if hit is None:
        _check_extents(op, subscripts, arrays)
        base, sym = pricing.contraction(subscripts, shapes, tuple(a.ident for a in arrays), syms)
        billed = dtypes.result_type(*(Operand(dtype=a.dtype) for a in arrays))
        hit = _CONTRACT_MEMO[key] = (base, sym, billed, _einsum_out_shape(subscripts, arrays))
    base, sym, billed, out_shape = hit
    if out_dtype is not None:  # an out= buffer joins the billed dtype (result_type(a, b, out))
        billed = dtypes.result_type(Operand(dtype=billed), Operand(dtype=out_dtype))
    origin = origin_of(arrays, billed)
    if billed.startswith("complex"):
        # flopscope overrides the registry's "exact" complex factor with the contraction's own
        # decomposition (contraction_complex_override): priced here as its deduct computes it
        factor = pricing.complex_contraction_factor(subscripts, shapes, tuple(a.ident for a in arrays), syms)
        weights = installed.weights()
        ctx.charge(op, int(base * weights.rate(billed) * factor * weights.weight(op)), billed, origin, measured=True)
        return Array(out_shape, billed, sym, dtype_origin=origin)
    ctx.charge(op, base, billed, origin)
    return Array(out_shape, billed, sym, dtype_origin=origin)


#: Ops whose contracted extents must be equal: only einsum stretches a label of extent 1.
_STRICT = {"matmul", "linalg.matmul", "dot", "inner", "vdot", "tensordot"}


def _check_extents(op: str, subscripts: str, arrays: list[Array]) -> None:
    """numpy's ValueError for subscripts that do not fit the operands' known shapes."""
    inputs = subscripts.replace(" ", "").partition("->")[0].split(",")
    if len(inputs) != len(arrays):
        raise OpRaises("ValueError", f"Number of einsum subscripts, {len(inputs)}, must be equal to the number "
                                     f"of operands, {len(arrays)}.")
    extents: dict[str, int] = {}
    for k, (part, a) in enumerate(zip(inputs, arrays)):
        named = part.replace("...", "")
        if len(named) > a.ndim or ("..." not in part and len(named) != a.ndim):
            raise OpRaises("ValueError", f"Einstein sum subscript '{part}' does not contain the correct number "
                                         f"of indices for operand {k}.")
        before, _, after = part.partition("...")
        labels = list(before) + [None] * (a.ndim - len(named)) + list(after) if "..." in part else list(part)
        for label, extent in zip(labels, a.shape):
            if label is None:
                continue
            seen = extents.setdefault(label, extent)
            if seen != extent and (op in _STRICT or 1 not in (seen, extent)):
                raise OpRaises("ValueError", f"{op}: label '{label}' has extent {seen} in one operand and "
                                             f"{extent} in operand {k}; contracted extents must be equal "
                                             f"(shapes {tuple(x.shape for x in arrays)})")
            if seen == 1:
                extents[label] = extent
    ell: tuple[int, ...] = ()
    for part, a in zip(inputs, arrays):
        if "..." in part:
            n = a.ndim - len(part.replace("...", ""))
            start = len(part.partition("...")[0])
            ell = broadcast(ell, a.shape[start:start + n])


def _einsum_out_shape(subscripts: str, arrays: list[Array]) -> tuple[int, ...]:
    inputs, _, output = subscripts.replace(" ", "").partition("->")
    parts = inputs.split(",")
    extents: dict[str, int] = {}
    ell: tuple[int, ...] = ()
    for part, a in zip(parts, arrays):
        if "..." in part:
            before, after = part.split("...")
            n_ell = a.ndim - len(before) - len(after)
            ell_shape = a.shape[len(before): len(before) + n_ell]
            ell = broadcast(ell, ell_shape)
            labels = list(before) + [None] * n_ell + list(after)
        else:
            labels = list(part)
        for label, extent in zip(labels, a.shape):
            if label is not None:
                extents[label] = extent if extents.get(label, 1) == 1 else extents[label]
    if "->" not in subscripts:
        counts: dict[str, int] = {}
        for part in parts:
            for c in part.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        output = ("..." if ell else "") + "".join(sorted(c for c, k in counts.items() if k == 1))
    if "..." in output:
        before, after = output.split("...")
        return tuple(extents[c] for c in before) + ell + tuple(extents[c] for c in after)
    return tuple(extents[c] for c in output)


def _matmul_subscripts(a: Array, b: Array) -> str:
    if a.ndim == 1 and b.ndim == 1:
        return "i,i->"
    if a.ndim == 2 and b.ndim == 1:
        return "ij,j->i"
    if a.ndim == 1 and b.ndim == 2:
        return "i,ij->j"
    if a.ndim == 2 and b.ndim == 2:
        return "ij,jk->ik"
    if b.ndim == 1:
        return "...ij,j->...i"
    if a.ndim == 1:
        return "i,...ij->...j"
    return "...ij,...jk->...ik"


def _no_keywords(op: str, kwargs) -> None:
    """Keywords these contractions do not take (matmul's dtype=, dot's out=) make flopscope's
    wrapper raise TypeError; unread, they would be priced as if absent."""
    if kwargs:
        raise OpError(f"{op} with keyword arguments ({', '.join(sorted(kwargs))}) is not modelled")


@handler("matmul", "linalg.matmul", models_out=True)
def _matmul(ctx, args, kwargs, op="matmul"):
    out = arg(args, kwargs, 2, "out") if op == "matmul" else None
    _no_keywords(op, {k: v for k, v in kwargs.items() if k != "out" or op != "matmul"})
    refused = dunders.refused_matmul(args[0], args[1]) if len(args) == 2 and not kwargs else None
    if refused is not None:  # `fnp.matmul(h, Op(w))`: flopscope never asks the instance's __rmatmul__
        exc, _, message = refused.partition(": ")
        raise OpRaises(exc, message)
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    operands_ = [args[0] if isinstance(args[0], Array) else a, args[1] if isinstance(args[1], Array) else b]
    subscripts = _matmul_subscripts(a, b)
    if _none(out):
        return contract(ctx, "matmul", subscripts, operands_)  # (linalg.matmul is flopscope's matmul)
    # matmul(a, b, out=buf): billed at result_type(a, b, buf), written into buf and buf handed
    # back, untagged (the operands' symmetry still discounts the count)
    if not isinstance(out, Array) or not _untagged_by(out) \
            or out.shape != _einsum_out_shape(subscripts, [a, b]) \
            or not dtypes.can_cast(dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype)),
                                   out.dtype, "same_kind"):
        raise OpError("matmul(..., out=) into a tagged buffer, one of another shape, or one the result "
                      "cannot be cast into is not modelled")
    refuse_voided_claim(op, out, lambda: _result_sym(op, subscripts, [a, b]))
    contract(ctx, op, subscripts, operands_, out_dtype=out.dtype)
    ctx.write_in_place(out)
    return out


def _result_sym(op: str, subscripts: str, arrays: list[Array]):
    """The symmetry tag flopscope gives the contraction's result (nothing is charged)."""
    _check_extents(op, subscripts, arrays)
    return pricing.contraction(subscripts, tuple(a.shape for a in arrays), tuple(a.ident for a in arrays),
                               tuple(a.sym for a in arrays))[1]


def _untagged_by(out: Array) -> bool:
    """Whether ``out`` is a buffer an out= write is modelled into, left untagged: a plain one, or
    one holding a constant fill's inferred tag, which flopscope drops for a result of another
    symmetry or none, and checks against the fill's values (which hold it) for a like one; numpy's
    write then voids it (outer into such a buffer stamps a like tag back: _keeps_tag). A buffer
    whose tag a write voided is refused by refuse_voided_claim where flopscope refuses it."""
    return not out.sym or out.sym_inferred and not out.was_tagged


@handler("dot")
def _dot(ctx, args, kwargs):
    _no_keywords("dot", kwargs)
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim == 0 or b.ndim == 0:
        letters = "abcdefgh"
        la, lb = letters[: a.ndim], letters[a.ndim: a.ndim + b.ndim]
        return contract(ctx, "dot", f"{la},{lb}->{la}{lb}", [a, b])
    if a.ndim <= 2 and b.ndim <= 2:
        return contract(ctx, "dot", _matmul_subscripts(a, b), [a, b])
    raise OpError("dot of arrays with more than 2 dimensions is not modelled")


@handler("inner")
def _inner(ctx, args, kwargs):
    _no_keywords("inner", kwargs)
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim == 0 or b.ndim == 0:
        # numpy's inner of a scalar is a product (flopscope prices it otherwise): the subscripts
        # below gave it a contracted label and a false ValueError
        raise OpError("inner of a 0-d operand is not modelled")
    letters_a = "abcdefgh"[: a.ndim - 1] + "z"
    letters_b = "ijklmnop"[: b.ndim - 1] + "z"
    out = letters_a[:-1] + letters_b[:-1]
    return contract(ctx, "inner", f"{letters_a},{letters_b}->{out}", [a, b])


@handler("vdot")
def _vdot(ctx, args, kwargs):
    _no_keywords("vdot", kwargs)
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    # flopscope ravels an operand that is not 1-D into a plain numpy view before pricing "i,i->":
    # a new object without symmetry (two views of one matrix are not the same operand)
    a = a if a.ndim == 1 else a.with_(shape=(a.size,), sym=None)
    b = b if b.ndim == 1 else b.with_(shape=(b.size,), sym=None)
    return as_numpy_scalar(contract(ctx, "vdot", "i,i->", [a, b]))


@handler("outer", "linalg.outer", models_out=True)
def _outer(ctx, args, kwargs, op="outer"):
    # linalg.outer takes no out=: its third place or keyword is Python's TypeError, asked of flopscope
    out = arg(args, kwargs, 2, "out") if op == "outer" else (args[2] if len(args) > 2 else kwargs.get("out"))
    _no_keywords(op, {k: v for k, v in kwargs.items() if k != "out" or op != "outer"})
    if not _none(out) and (op != "outer" or not isinstance(out, Array)):
        # flopscope reads out= before its charge (`fnp.outer(a, b, 0.5)`: TypeError)
        raise refused_first(op, args, kwargs) or OpError(f"{op}(a, b, out) with this out is not modelled")
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    # flopscope ravels an operand that is not a vector (a plain view: no symmetry, no charge),
    # and one object passed twice stays one (its identity discount)
    if a.ndim != 1:
        a = a.with_(shape=(a.size,), sym=None)
    if args[0] is args[1]:
        b = a
    elif b.ndim != 1:
        b = b.with_(shape=(b.size,), sym=None)
    if _none(out):
        return contract(ctx, "outer", "i,j->ij", [a, b])
    # outer(a, b, out=buf): billed at result_type(a, b, buf), numpy's multiply writes buf and
    # flopscope hands back buf itself, untagged even where the result is symmetric (outer(g, g):
    # its tag is checked on the values, which g_i * g_j always pass, and not stamped on a plain buf)
    keeps = _keeps_tag(out, lambda: _result_sym("outer", "i,j->ij", [a, b]))
    if keeps and (a.unbounded or b.unbounded):
        # flopscope skips the check, and the stamp, when the result holds an inf or a NaN
        raise OpError("outer(..., out=) of a symmetric result that may overflow (an operand scaled past the data's "
                      "magnitude) into a buffer of its tag is not modelled")
    if not (keeps or _untagged_by(out)) \
            or out.shape != (a.size, b.size) \
            or not dtypes.can_cast(dtypes.result_type(Operand(dtype=a.dtype), Operand(dtype=b.dtype)),
                                   out.dtype, "same_kind"):
        raise OpError("outer(..., out=) into a tagged buffer, one of another shape, or one the result cannot be "
                      "cast into is not modelled")
    refuse_voided_claim("outer", out, lambda: _result_sym("outer", "i,j->ij", [a, b]))
    if out.was_tagged and not out.sym and _result_sym("outer", "i,j->ij", [a, b]) is not None:
        # a constant fill's tag a write voided: flopscope checks the symmetric result's group on
        # the buffer's values and stamps it back when they hold it
        raise OpError("outer(..., out=) of a symmetric result into a constant fill whose tag a write voided is "
                      "not modelled (flopscope checks the tag against the buffer's values)")
    contract(ctx, "outer", "i,j->ij", [a, b], out_dtype=out.dtype)
    tag, was_tagged = out.sym, out.was_tagged
    ctx.write_in_place(out)
    if keeps:
        out.sym, out.was_tagged = tag, was_tagged
    return out


def _keeps_tag(out: Array, result_sym) -> bool:
    """Whether outer's out= write leaves ``out`` tagged: flopscope writes a SymmetricTensor
    buffer whose standing tag is the result's own (``fnp.zeros((n, n))`` under ``outer(g, g)``)
    through ``_wrap_result``, which checks the result on its values and stamps the tag back when
    they hold it, as g_i * g_j always do (but for an inf or a NaN, asked by the caller).
    ``result_sym`` is asked only for a tagged buffer."""
    return bool(out.sym) and result_sym() == out.sym


@handler("einsum", models_out=True)
def _einsum(ctx, args, kwargs):
    sub = args[0]
    if isinstance(sub, Array) and len(args) > 1 and (isinstance(args[1], (ListVal, TupleVal))
                                                      or isinstance(args[1], Known)
                                                      and isinstance(args[1].value, (list, tuple))):
        # numpy's interleaved form `einsum(a, [0, 1], b, [1, 2])`: flopscope takes every
        # argument after the first for an operand and asks the sublist's .shape
        kind = "tuple" if isinstance(args[1], TupleVal) or isinstance(args[1], Known) \
            and isinstance(args[1].value, tuple) else "list"
        raise OpRaises("AttributeError", f"'{kind}' object has no attribute 'shape'")
    if not (isinstance(sub, Known) and isinstance(sub.value, str)):
        raise OpError("einsum subscripts are not a known string")
    out = kwargs.get("out")
    _check_optimize(kwargs.get("optimize"), len(args) - 1)
    if any(isinstance(a, (Known, ListVal, TupleVal)) for a in args[1:]):
        # flopscope's einsum reads each operand's .shape before converting it (AttributeError)
        raise OpError("einsum of a list or Python number operand is not modelled (flopscope raises)")
    if _none(out):
        return contract(ctx, "einsum", sub.value.replace(" ", ""), list(args[1:]))
    return _einsum_into(ctx, sub.value.replace(" ", ""), list(args[1:]), out, set(kwargs) - {"out", "optimize"})


def _einsum_into(ctx, subscripts: str, operands_: list, out: Value, others: set) -> Array:
    """``einsum(..., out=buf)``: flopscope bills the contraction at the operands' and the buffer's
    promotion, in which numpy computes (refused unless it casts safely into the buffer), then a
    ``copyto`` of ``buf.size`` into it; the buffer is handed back, untagged here. A constant
    fill's inferred tag never becomes a requirement: flopscope drops it for a result of another
    symmetry, checks a like one against the fill's values (which hold it), and the copy voids it
    either way. A tag the caller gave, a buffer of another shape, other keywords and a symmetric
    low-precision result (whose check may raise SymmetryError on the values) are not modelled."""
    arrays = [to_array(ctx, v) for v in operands_]
    computed = dtypes.result_type(*(Operand(dtype=a.dtype) for a in arrays), Operand(dtype=out.dtype)) \
        if isinstance(out, Array) else None
    if others or not isinstance(out, Array) or out.shape != _einsum_out_shape(subscripts, arrays) \
            or out.sym and not (out.sym_inferred and not out.was_tagged) \
            or not dtypes.can_cast(computed, out.dtype, "safe"):
        raise OpError("einsum(..., out=) into a buffer tagged by the caller, one of another shape, one the result cannot be "
                      "cast into safely, or with other keywords is not modelled")
    refuse_voided_claim("einsum", out, lambda: _result_sym("einsum", subscripts, arrays))
    made = contract(ctx, "einsum", subscripts, operands_, out_dtype=out.dtype)
    if made.sym and computed in ("float16", "float32", "complex64") and \
            (len(arrays) != 2 or any(a.sym for a in arrays)):
        # flopscope checks the result's symmetry on the values, which the rounding of a chain of
        # products may fail (SymmetryError); two operands and no symmetric one come out of one
        # BLAS product, symmetric to the bit
        raise OpError("einsum(..., out=) of a symmetric low-precision result of a chain of products is not modelled")
    billed = dtypes.heavier(computed, out.dtype, pricing.rate)
    ctx.charge("copyto", out.size, billed, origin_of([out], billed))
    ctx.write_in_place(out)
    return out


@handler("einsum_path")
def _einsum_path(ctx, args, kwargs):
    """``einsum_path(subscripts, *operands, optimize="auto")``: flopscope charges a flat 1 first,
    then searches the path (numpy's ValueError for operands that do not fit the subscripts comes
    after that charge) and returns ``(path, info)``: the path a list of index tuples (its own
    search on the shapes, asked of flopscope), the info an object flopcast does not follow. With
    a symmetric or repeated operand flopscope searches with their symmetry: the path's pairs are
    then unknown numbers (one pair per contraction all the same)."""
    sub = args[0] if args else None
    if not (isinstance(sub, Known) and isinstance(sub.value, str)) or set(kwargs) - {"optimize"}:
        raise OpError("einsum_path with these arguments is not modelled")
    optimize = kwargs.get("optimize", Known("auto"))
    if not (isinstance(optimize, Known) and isinstance(optimize.value, (str, bool))):
        raise OpError("einsum_path with this optimize= is not modelled")
    if any(not isinstance(a, Array) for a in args[1:]) or len(args) < 2:
        raise OpError("einsum_path of operands that are not arrays is not modelled")
    operands = [to_array(ctx, a) for a in args[1:]]
    ctx.charge("einsum_path", 1, None)
    shapes = [list(a.shape) for a in operands]
    found = _path_of(sub.value, shapes, optimize.value)
    if isinstance(found, dict):
        exc_type, message = found["error"]
        if exc_type != "ValueError":
            raise OpError(f"einsum_path raises {exc_type}: not modelled")
        raise OpRaises(exc_type, message)
    shared = len({id(a) for a in args[1:]}) < len(operands)
    if any(a.sym for a in operands) or shared:
        path = ListVal([TupleVal(tuple(Unknown("int", ctx.span, "a step of the path flopscope searches with "
                                               "symmetry") for _ in step)) for step in found])
    else:
        path = ListVal([TupleVal(tuple(Known(i) for i in step)) for step in found])
    return TupleVal((path, Unknown("", ctx.span, "einsum_path's path information")))


def _path_of(subscripts: str, shapes: list, optimize):
    """flopscope's path for dense operands of these shapes (a list of index lists), or
    ``{"error": [exception class, message]}`` when it refuses them."""
    def compute():
        import numpy as np

        from flopscope._einsum import _get_path_info

        try:
            info = _get_path_info(subscripts, tuple(np.zeros(s) for s in shapes), optimize)[-1]
        except Exception as exc:  # noqa: BLE001 - what flopscope raises is the program's
            return {"error": [type(exc).__name__, str(exc)]}
        return [list(step) for step in info.path]

    return pricing._cached(["einsum_path", subscripts, shapes, optimize], compute)


def _check_optimize(optimize, operands: int) -> None:
    """flopscope prices every einsum by its own path search, whatever ``optimize=`` asks, but it
    still reads the argument: a list must be a path of index tuples (numpy's
    ``['einsum_path', ...]`` form raises TypeError), a number raises, and with three operands or
    more a name must be one of opt_einsum's path optimizers (KeyError)."""
    if optimize is None or isinstance(optimize, Known) and (optimize.value is None or isinstance(optimize.value, bool)):
        return
    if isinstance(optimize, Known) and isinstance(optimize.value, str):
        if operands < 3 or _is_path_optimizer(optimize.value):
            return
    elif isinstance(optimize, (ListVal, TupleVal)) and all(
            isinstance(step, TupleVal) or isinstance(step, Known) and isinstance(step.value, tuple)
            for step in optimize.items):
        return
    elif isinstance(optimize, Known) and isinstance(optimize.value, list) \
            and all(isinstance(step, tuple) for step in optimize.value):
        return
    raise OpError("einsum with this optimize= is not modelled (flopscope raises on it)")


def _is_path_optimizer(name: str) -> bool:
    def compute() -> int:
        from flopscope._opt_einsum._paths import _PATH_OPTIONS

        return int(name in _PATH_OPTIONS)

    return bool(pricing._cached(["einsum path optimizer", name], compute))



@handler("tensordot", "linalg.tensordot")
def _tensordot(ctx, args, kwargs):
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    axes = arg(args, kwargs, 2, "axes", Known(2))
    letters = "abcdefghijklmnopqrstuvwxy"
    la = list(letters[: a.ndim])
    lb = list(letters[a.ndim: a.ndim + b.ndim])
    try:
        spec = _plain_axes(axes)
    except (AttributeError, TypeError, ValueError):
        raise OpError("tensordot axes are not known") from None
    ax_a, ax_b = _tensordot_axes(a.shape, b.shape, spec)
    for i, j in zip(ax_a, ax_b):
        lb[j % b.ndim] = la[i % a.ndim]
    out = [c for i, c in enumerate(la) if i not in [x % a.ndim for x in ax_a]] + [
        c for j, c in enumerate(lb) if j not in [x % b.ndim for x in ax_b]
    ]
    result = contract(ctx, "tensordot", f"{''.join(la)},{''.join(lb)}->{''.join(out)}", [a, b])
    # flopscope prices the einsum (same-operand discount included) but hands back a plain
    # array: tensordot(x, x, axes=([0], [0])) is not tagged symmetric, unlike einsum's Gram
    return Array(result.shape, result.dtype, None, dtype_origin=result.dtype_origin) if result.sym else result


def _plain_axes(axes: Value):
    """tensordot's ``axes`` as the plain Python value it is (an int, pairs of ints or of tuples)."""
    if isinstance(axes, Known):
        return axes.value
    if isinstance(axes, (TupleVal, ListVal)):
        items = [_plain_axes(x) for x in axes.items]
        return tuple(items) if isinstance(axes, TupleVal) else items
    raise TypeError("not known")


def _tensordot_axes(a_shape: tuple, b_shape: tuple, spec) -> tuple[list, list]:
    """The axes tensordot contracts, paired, as flopscope reads ``axes`` (its own helpers): an
    axis outside an operand (IndexError), counts or extents that differ, an axis twice
    (ValueError), something that is no axis (TypeError) are refused before any charge."""
    from flopscope import _pointwise

    try:
        pa, pb = _pointwise._tensordot_parse_axes(spec)
        pa, pb = _pointwise._tensordot_pair_axes("tensordot", a_shape, b_shape, pa, pb)
    except (IndexError, TypeError, ValueError) as exc:
        raise OpRaises(type(exc).__name__, str(exc)) from None
    return list(pa), list(pb)


_BATCH_LETTERS = "abcdefghij"


def _batch_letters(a_batch: tuple[int, ...], b_batch: tuple[int, ...], op: str) -> tuple[str, str, str]:
    """Letters for two batch shapes that broadcast without stretching an extent of 1 (flopscope
    routes these ops through its einsum engine, where a stretched 1 is priced differently)."""
    k = max(len(a_batch), len(b_batch))
    if k > len(_BATCH_LETTERS):
        raise OpError(f"{op} with more than {len(_BATCH_LETTERS)} batch axes is not modelled")
    letters = _BATCH_LETTERS[:k]
    la, lb = letters[k - len(a_batch):], letters[k - len(b_batch):]
    extent: dict[str, int] = {}
    for ls, shape in ((la, a_batch), (lb, b_batch)):
        for letter, n in zip(ls, shape):
            if extent.setdefault(letter, n) != n:
                raise OpError(f"{op} of batches that broadcast by stretching is not modelled")
    return la, lb, letters


@handler("vecdot", "linalg.vecdot")
def _vecdot(ctx, args, kwargs, op=None):
    """``vecdot(a, b, axis=-1)``: flopscope's einsum price of ``...n,...n->...`` (recorded as vecdot)."""
    if len(args) != 2 or set(kwargs) - {"axis"}:
        raise OpError(f"{op} with these arguments is not modelled")
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if a.ndim == 0 or b.ndim == 0:
        raise OpError(f"{op} of a 0-d array (numpy raises)")
    axis = arg(args, kwargs, 2, "axis", Known(-1))
    if not (isinstance(axis, Known) and axis.value == -1):
        if a.ndim != b.ndim or not isinstance(axis, Known) or not isinstance(axis.value, int):
            raise OpError(f"{op} with axis= on arrays of different dimensions is not modelled")
        ax = axis.value % a.ndim
        perm = [i for i in range(a.ndim) if i != ax] + [ax]
        if a.sym or b.sym:
            raise OpError(f"{op} with axis= of a symmetric array is not modelled")
        same = a.ident == b.ident  # the same object twice stays one object
        a = a.with_(shape=tuple(a.shape[i] for i in perm))
        b = a if same else b.with_(shape=tuple(b.shape[i] for i in perm))
    if a.shape[-1] != b.shape[-1]:
        raise OpRaises("ValueError", f"{op}: the contracted extents differ ({a.shape[-1]} and {b.shape[-1]})")
    la, lb, out = _batch_letters(a.shape[:-1], b.shape[:-1], op)
    return contract(ctx, "vecdot", f"{la}z,{lb}z->{out}", [a, b])


@handler("matvec", "vecmat")
def _matvec(ctx, args, kwargs, op=None):
    """``matvec(A, v)`` = ``...mn,...n->...m`` / ``vecmat(v, A)`` = ``...n,...nm->...m`` at flopscope's
    einsum price."""
    if len(args) != 2 or kwargs:
        raise OpError(f"{op} with these arguments is not modelled")
    a, b = to_array(ctx, args[0]), to_array(ctx, args[1])
    if op == "matvec":
        if a.ndim < 2 or b.ndim < 1:
            raise OpError("matvec of a non-matrix or a 0-d vector (numpy raises)")
        la, lb, out = _batch_letters(a.shape[:-2], b.shape[:-1], op)
        return contract(ctx, op, f"{la}yz,{lb}z->{out}y", [a, b])
    if a.ndim < 1 or b.ndim < 2:
        raise OpError("vecmat of a 0-d vector or a non-matrix (numpy raises)")
    la, lb, out = _batch_letters(a.shape[:-1], b.shape[:-2], op)
    return contract(ctx, op, f"{la}z,{lb}zy->{out}y", [a, b])


#: what ``flops.einsum_accumulation_cost`` returns: flopscope's class (no node: no user class)
_ACCUMULATION_COST = ClassVal("AccumulationCost", "flopscope.AccumulationCost", [], {})


@handler("flopscope.einsum_accumulation_cost")
def _accumulation_cost(ctx, args, kwargs):
    """``flops.einsum_accumulation_cost(subscripts, *operands)``: a participant's own cost model,
    free (it runs no einsum); its ``.total`` is flopscope's own function on stand-ins of the
    operands, its other fields are not followed."""
    if kwargs:
        raise OpError("einsum_accumulation_cost with keywords (partition_budget=) is not modelled")
    if not args:
        raise OpRaises("TypeError", "einsum_accumulation_cost() missing 1 required positional argument: "
                                    "'subscripts'")
    sub = args[0]
    if not (isinstance(sub, Known) and isinstance(sub.value, str)):
        raise OpError("einsum_accumulation_cost subscripts are not a known string")
    if not all(isinstance(a, Array) for a in args[1:]):
        raise OpError("einsum_accumulation_cost of operands that are not arrays is not modelled")
    arrays = list(args[1:])
    subscripts = sub.value.replace(" ", "")
    _check_extents("einsum_accumulation_cost", subscripts, arrays)
    try:
        total = pricing.accumulation_total(subscripts, tuple(a.shape for a in arrays),
                                           tuple(a.ident for a in arrays), tuple(a.sym for a in arrays))
    except ValueError as exc:
        raise OpError(f"flopscope refuses these subscripts for these operands ({exc}): not modelled") from None
    return InstanceVal(_ACCUMULATION_COST, {"total": Known(total)})
