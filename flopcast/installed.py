"""Facts read from the installed flopscope and whestbench, without paying for their import.

* Versions come from package metadata.
* Weights and dtype rates come from flopscope's own ``data/default_weights.json``
  (honouring ``FLOPSCOPE_WEIGHTS_FILE`` / ``FLOPSCOPE_DISABLE_WEIGHTS`` exactly as
  flopscope does at import).
* Rounds come from whestbench's ``budget.py``, read as source (whestbench's import
  costs ~1.5 s; the round table is plain literals).
* The op inventory (registry categories, remote-unsupported ops) needs flopscope
  imported; it is derived once per installed version and cached on disk.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional

from flopcast.model import Point


class SetupError(Exception):
    """The environment cannot support an analysis (missing package, bad round tag)."""


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SetupError(
            f"{name} is not installed in this Python ({sys.executable}); "
            f"install it with `pip install {name}`"
        )
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=None)
def whestbench_budget_module():
    """whestbench's ``budget.py`` loaded on its own: its cost-model helpers are pure integer
    arithmetic (it imports only dataclasses and typing), while importing the whestbench
    package takes seconds (datasets, pandas, huggingface_hub)."""
    path = _package_dir("whestbench") / "budget.py"
    spec = importlib.util.spec_from_file_location("flopcast._whestbench_budget", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses looks its module up there
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=None)
def version_of(dist: str) -> str:
    """The installed version of ``dist`` (an importable package of the same name).

    An installed project has one ``<name>-<version>.dist-info`` folder beside its package
    (PEP 427); its name says the version without importing ``importlib.metadata``, which
    costs a cold run about 30 ms. Anything else asks importlib.metadata."""
    spec = importlib.util.find_spec(dist)
    if spec is not None and spec.submodule_search_locations:
        site = Path(next(iter(spec.submodule_search_locations))).parent
        found = [name for name in _dist_infos(site) if name.startswith(f"{dist}-")]
        if len(found) == 1:
            return found[0][len(dist) + 1:-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


@lru_cache(maxsize=None)
def _dist_infos(site: Path) -> list[str]:
    """The ``*.dist-info`` folders of a site-packages folder, listed once (a glob per package
    listed the whole folder each time)."""
    try:
        return [name for name in os.listdir(site) if name.endswith(".dist-info")]
    except OSError:
        return []


def flopscope_version() -> str:
    return version_of("flopscope")


def whestbench_version() -> str:
    return version_of("whestbench")


def _read_through(name: str, sources: list[Path], derive: Callable[[], Any]) -> Any:
    """``derive()``'s answer (plain JSON data) read from the cache folder, derived again when
    a source file it was read from changes size or modification time. Reading facts from
    source is cheap next to importing, but not free: whestbench's 4,000-line ``cli.py``
    takes longer to parse than a whole analysis of a simple estimator."""
    stamp = [[str(p), st.st_size, st.st_mtime_ns] for p in sources for st in [p.stat()]]
    # One file per set of sources: two environments (two venvs, two checkouts) used in turn
    # would otherwise each find the other's stamp and derive again on every run.
    where = hashlib.sha1("\0".join(str(p) for p in sources).encode()).hexdigest()[:12]
    path = cache_dir() / f"{name}-{where}.json"
    try:
        kept = json.loads(path.read_text())
        if kept["stamp"] == stamp:
            return kept["value"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    value = derive()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"stamp": stamp, "value": value}))
        tmp.replace(path)
    except OSError:
        pass  # a read-only home only costs the next run the derivation again
    return value


def cache_dir() -> Path:
    """Per-user cache folder (never inside a submission folder, which would ship it)."""
    base = os.environ.get("FLOPCAST_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("FLOPCAST_CACHE_DIR"):
        root = root / "flopcast"
    return root


@dataclass(frozen=True)
class Weights:
    """flopscope's billing tables: per-op weight and per-dtype rate."""

    weights: dict[str, float]
    dtype_rates: dict[str, float]
    source: str

    def weight(self, op: str) -> float:
        """Weight of an op, with flopscope's own fallbacks (``_weights.get_weight``) for RNG
        methods, ufunc methods and numpy-2 aliases, using the tables read from its source."""
        if op in self.weights:
            return self.weights[op]
        fallbacks = weight_fallbacks()
        for prefix in ("random.Generator.", "random.RandomState."):
            if op.startswith(prefix):
                short = op[len(prefix):]
                legacy = "random." + fallbacks.random_renames.get(short, short)
                if legacy in self.weights:
                    return self.weights[legacy]
                break
        for suffix in fallbacks.ufunc_method_suffixes:
            if op.endswith(suffix):
                base = op[: -len(suffix)]
                if base in self.weights or base in fallbacks.ufunc_aliases:
                    return self.weight(base)
                break
        canonical = fallbacks.ufunc_aliases.get(op)
        if canonical is not None and canonical in self.weights:
            return self.weights[canonical]
        return 1.0

    def digest(self) -> str:
        """A short fingerprint of the tables, to key caches of prices derived from them."""
        import hashlib

        payload = json.dumps([sorted(self.weights.items()), sorted(self.dtype_rates.items())])
        return hashlib.sha1(payload.encode()).hexdigest()[:12]

    def rate(self, dtype: Optional[str]) -> float:
        if dtype is None:
            return 1.0
        return self.dtype_rates.get(dtype, 1.0)


@dataclass(frozen=True)
class WeightFallbacks:
    random_renames: dict[str, str]
    ufunc_aliases: dict[str, str]
    ufunc_method_suffixes: tuple[str, ...]


@lru_cache(maxsize=1)
def weight_fallbacks() -> WeightFallbacks:
    """flopscope's weight fallback tables, read as literals from ``flopscope/_weights.py``."""
    path = _package_dir("flopscope") / "_weights.py"
    wanted = {"_RANDOM_METHOD_RENAMES", "_UFUNC_ALIAS_RENAMES", "_UFUNC_METHOD_SUFFIXES"}
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(), str(path)).body:
        target, value = _assignment(node)
        if target in wanted:
            found[target] = ast.literal_eval(value)
    missing = wanted - set(found)
    if missing:
        raise SetupError(f"cannot read {', '.join(sorted(missing))} from {path}; "
                         "this flopscope is newer than flopcast knows — pin flopscope<0.13")
    return WeightFallbacks(found["_RANDOM_METHOD_RENAMES"], found["_UFUNC_ALIAS_RENAMES"],
                           tuple(found["_UFUNC_METHOD_SUFFIXES"]))


@lru_cache(maxsize=1)
def load_dtypes() -> frozenset:
    """The dtypes ``fnp.load`` accepts (``str(arr.dtype)`` must be one: flopscope/_io.py's
    ``_WHITELIST``, read as a literal; anything else makes it raise ValueError)."""
    path = _package_dir("flopscope") / "_io.py"
    for node in ast.parse(path.read_text(), str(path)).body:
        target, value = _assignment(node)
        if target == "_WHITELIST" and isinstance(value, ast.Call) and value.args:
            return frozenset(ast.literal_eval(value.args[0]))
    raise SetupError(f"cannot read _WHITELIST from {path}; this flopscope is newer than flopcast knows — "
                     "pin flopscope<0.13")


def _truthy(value: Optional[str]) -> bool:
    return value is not None and value.strip().lower() in {"1", "true", "yes", "on"}


@lru_cache(maxsize=1)
def weights() -> Weights:
    """The weights flopscope would load in this environment."""
    if _truthy(os.environ.get("FLOPSCOPE_DISABLE_WEIGHTS")):
        return Weights({}, {}, "FLOPSCOPE_DISABLE_WEIGHTS=1 (every weight and rate is 1)")
    custom = os.environ.get("FLOPSCOPE_WEIGHTS_FILE")
    path = Path(custom) if custom else _package_dir("flopscope") / "data" / "default_weights.json"
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise SetupError(f"cannot read flopscope weights from {path}: {exc}") from exc
    rates = data.get("dtype_rates") or {}
    return Weights(
        {k: float(v) for k, v in data["weights"].items()},
        {k: float(v) for k, v in rates.items()},
        str(path),
    )


@dataclass(frozen=True)
class Round:
    tag: str
    width: int
    depth: int
    flop_budget: int


@lru_cache(maxsize=1)
def rounds() -> tuple[dict[str, Round], str]:
    """Every round whestbench knows and the tag of the current one, read from its source."""
    source_path = _package_dir("whestbench") / "budget.py"
    found = _read_through("rounds", [source_path], lambda: _derive_rounds(source_path))
    return {tag: Round(tag, *numbers) for tag, *numbers in found["rounds"]}, found["current"]


def _derive_rounds(source_path: Path) -> dict:
    tree = ast.parse(source_path.read_text(), str(source_path))
    by_name: dict[str, Round] = {}
    current_name = None
    for node in tree.body:
        target, value = _assignment(node)
        if target is None:
            continue
        if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "RoundConfig":
            fields = {kw.arg: kw.value for kw in value.keywords}
            try:
                by_name[target] = Round(
                    tag=ast.literal_eval(fields["tag"]),
                    width=ast.literal_eval(fields["width"]),
                    depth=ast.literal_eval(fields["depth"]),
                    flop_budget=_int_expr(fields["flop_budget"]),
                )
            except (KeyError, ValueError) as exc:
                raise SetupError(f"cannot read round {target} from {source_path}: {exc}") from exc
        elif target == "CURRENT_ROUND" and isinstance(value, ast.Name):
            current_name = value.id
    if current_name not in by_name:
        raise SetupError(f"cannot find CURRENT_ROUND in {source_path}")
    return {"rounds": [[r.tag, r.width, r.depth, r.flop_budget] for r in by_name.values()],
            "current": by_name[current_name].tag}


def _assignment(node: ast.stmt):
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        return node.target.id, node.value
    return None, None


def _int_expr(node: ast.expr) -> int:
    """Evaluate an integer literal expression such as ``2**41`` or ``68_000_000_000``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return int(node.value)
    if isinstance(node, ast.BinOp):
        left, right = _int_expr(node.left), _int_expr(node.right)
        ops = {ast.Pow: pow, ast.Mult: int.__mul__, ast.Add: int.__add__, ast.Sub: int.__sub__}
        for kind, fn in ops.items():
            if isinstance(node.op, kind):
                return fn(left, right)
    raise ValueError(f"unsupported budget expression {ast.dump(node)}")


def resolve_point(
    round_tag: Optional[str] = None,
    width: Optional[int] = None,
    depth: Optional[int] = None,
    budget: Optional[int] = None,
) -> Point:
    """The analysis point: a round's settings, with any explicit value overriding it."""
    table, current = rounds()
    tag = round_tag or current
    if tag not in table:
        known = ", ".join(sorted(table))
        raise SetupError(f"unknown round {tag!r}; whestbench {whestbench_version()} knows: {known}")
    base = table[tag]
    overridden = any(v is not None for v in (width, depth, budget))
    return Point(
        width=width if width is not None else base.width,
        depth=depth if depth is not None else base.depth,
        budget=budget if budget is not None else base.flop_budget,
        tag=None if overridden else tag,
    )


@dataclass(frozen=True)
class OpInventory:
    """flopscope's op registry, reduced to what flopcast needs."""

    flopscope_version: str
    categories: dict[str, str]  # op name -> registry category
    remote_unsupported: frozenset[str]
    server_only: frozenset[str]
    #: op name -> the registry's ``complex_factor`` (a float, ``"illegal"`` or ``"exact"``);
    #: charged ops without a key are free/unclassified (flopscope then uses 2.0)
    complex_factors: dict[str, object]
    #: what flopscope's array does when a plain ``numpy.<name>`` gets it: name -> (kind, fnp
    #: name); see :func:`_numpy_protocol`
    numpy_protocol: dict[str, tuple[str, str]]
    #: registry names marked "blacklisted" that ``flopscope.numpy`` still exports (numpy's own
    #: ``finfo``, ``errstate``, ...): ``fnp.<name>`` works, unbilled
    exported_blacklisted: frozenset[str] = frozenset()
    #: module -> the exception classes it provides (``except fnp.linalg.LinAlgError`` raises
    #: AttributeError when flopscope.numpy.linalg does not provide it)
    exceptions: dict = field(default_factory=dict)
    #: the names ``import flopscope`` provides (``flops.random`` is an AttributeError)
    top_level: frozenset[str] = frozenset()
    #: ``<ufunc>.reduce`` / ``<ufunc>.accumulate`` -> the fnp function flopscope's array routes
    #: the numpy method to (``np.add.reduce(a)`` runs ``fnp.sum(a, axis=0)``)
    ufunc_methods: dict = field(default_factory=dict)
    #: flopscope's warning classes -> the class names along their mro (what a warnings filter
    #: and an ``except`` match: SymmetryLossWarning, FlopscopeWarning, UserWarning, ...)
    warnings: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def op_inventory() -> OpInventory:
    """Registry facts, cached per flopscope version (deriving them imports flopscope)."""
    version = flopscope_version()
    path = cache_dir() / f"inventory-flopscope-{version}.json"
    try:
        data = json.loads(path.read_text())
        if any(key not in data for key in ("complex_factors", "numpy_protocol", "exported_blacklisted",
                                           "exceptions", "top_level", "ufunc_methods", "warnings")):
            # written by an older flopcast
            raise ValueError("stale inventory cache")
    except (OSError, ValueError):
        data = _derive_inventory()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data))
            tmp.replace(path)
        except OSError:
            pass  # a read-only home only costs the next run the derivation again
    return OpInventory(
        flopscope_version=version,
        categories=data["categories"],
        remote_unsupported=frozenset(data["remote_unsupported"]),
        server_only=frozenset(data["server_only"]),
        complex_factors=data["complex_factors"],
        numpy_protocol={name: tuple(entry) for name, entry in data["numpy_protocol"].items()},
        exported_blacklisted=frozenset(data["exported_blacklisted"]),
        exceptions={module: frozenset(names) for module, names in data["exceptions"].items()},
        top_level=frozenset(data["top_level"]),
        ufunc_methods=data["ufunc_methods"],
        warnings={name: tuple(mro) for name, mro in data["warnings"].items()},
    )


def _derive_inventory() -> dict:
    import flopscope
    from flopscope import _registry, _server_only

    return {
        "categories": {name: entry["category"] for name, entry in _registry.REGISTRY.items()},
        "remote_unsupported": sorted(flopscope.remote_unsupported_ops()),
        "server_only": sorted(getattr(_server_only, "SERVER_ONLY", ())),
        "complex_factors": {name: entry["complex_factor"] for name, entry in _registry.REGISTRY.items()
                            if "complex_factor" in entry},
        "numpy_protocol": _numpy_protocol(),
        "exported_blacklisted": sorted(name for name, entry in _registry.REGISTRY.items()
                                       if entry["category"] == "blacklisted" and _exported(name)),
        "exceptions": _exceptions(),
        "top_level": sorted(dir(flopscope)),
        "ufunc_methods": _ufunc_methods(),
        "warnings": _warnings(),
    }


def _ufunc_methods() -> dict:
    """The ufunc methods flopscope's ``__array_ufunc__`` hands to an fnp function of its own
    (its routing tables); the others take its generic, separately billed paths."""
    from flopscope._ndarray import FlopscopeArray

    return {**{f"{u}.reduce": t for u, t in FlopscopeArray._REDUCE_TO_FLOPSCOPE.items()},
            **{f"{u}.accumulate": t for u, t in FlopscopeArray._ACCUMULATE_TO_FLOPSCOPE.items()}}


def _warnings() -> dict:
    """flopscope's warning classes (those of ``flopscope.errors``) and the names along their mro."""
    from flopscope import errors

    return {name: [c.__name__ for c in cls.__mro__ if c is not object] for name, cls in vars(errors).items()
            if isinstance(cls, type) and issubclass(cls, Warning) and cls.__module__ == errors.__name__}


def _exported(name: str) -> bool:
    """Whether ``flopscope.numpy.<name>`` (dotted: ``random.random_integers``) can be read."""
    import flopscope.numpy as fnp

    obj = fnp
    for part in name.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return False
    return True


def _exceptions() -> dict:
    """The exception classes flopscope's modules provide (an unknown attribute of them raises
    AttributeError: flopscope.numpy.linalg has no LinAlgError)."""
    import importlib

    out = {}
    for module in ("flopscope", "flopscope.numpy", "flopscope.numpy.linalg", "flopscope.numpy.random"):
        mod = importlib.import_module(module)
        out[module] = sorted(n for n in dir(mod) if isinstance(getattr(mod, n, None), type)
                             and issubclass(getattr(mod, n), BaseException))
    return out


def _numpy_protocol() -> dict:
    """What a plain ``numpy.<name>(...)`` call does with a flopscope array, read from
    flopscope's own protocol implementation (``FlopscopeArray`` in ``flopscope/_ndarray.py``):

    * ``routed``: a ufunc with an ``fnp`` function of the same name (``__array_ufunc__``), or a
      function in ``__array_function__``'s dispatch map: flopscope runs and bills ``fnp.<target>``.
    * ``free``: in the ``__array_function__`` passthrough set (shape and type queries): numpy
      runs on the stripped arrays, unbilled.
    * ``raises``: any other ufunc or ``__array_function__`` function: flopscope answers
      ``NotImplemented``, so numpy raises TypeError when no plain ndarray takes part.
    * ``converts`` / ``same``: a numpy function outside both protocols that, given a flopscope
      array, reads its buffer as a plain ndarray (``np.asarray``, ``np.array``), unbilled; or
      hands the array itself back (``np.asanyarray``). Found by calling the function on a
      2x2 flopscope array (numpy's code, never the estimator's).
    Other names are left out: flopcast does not model them.
    """
    import warnings

    import numpy as np

    import flopscope.numpy as fnp
    from flopscope._ndarray import FlopscopeArray

    dispatch = FlopscopeArray._get_array_function_dispatch()
    passthrough = FlopscopeArray._get_passthrough()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # flopscope warns about work outside a BudgetContext
        probe = fnp.zeros((2, 2)) + fnp.arange(2.0)  # an untagged FlopscopeArray
    table: dict = {}
    for module, prefix in ((np, ""), (np.linalg, "linalg.")):
        fnp_module = fnp if module is np else fnp.linalg
        for name in dir(module):
            fn = getattr(module, name)
            if name.startswith("_") or isinstance(fn, type) or not callable(fn):
                continue
            if isinstance(fn, np.ufunc):
                target = fn.__name__
                table[prefix + name] = ("routed", target) if callable(getattr(fnp, target, None)) else ("raises", "")
            elif fn in passthrough:
                table[prefix + name] = ("free", "")
            elif fn in dispatch:
                table[prefix + name] = ("routed", prefix + name) if getattr(fnp_module, name, None) is dispatch[fn] \
                    else ("routed", _fnp_name(fnp, dispatch[fn]))
            elif hasattr(fn, "_implementation"):  # numpy's __array_function__ dispatcher
                table[prefix + name] = ("raises", "")
            elif type(fn).__name__ == "builtin_function_or_method":
                try:
                    out = fn(probe)
                except Exception:  # noqa: BLE001 - not a function of one array
                    continue
                if out is probe:
                    table[prefix + name] = ("same", "")
                elif type(out) is np.ndarray and out.shape == probe.shape:
                    table[prefix + name] = ("converts", "")
    return table


def _fnp_name(fnp, fn) -> str:
    for name in dir(fnp):
        if getattr(fnp, name, None) is fn:
            return name
    return ""


@lru_cache(maxsize=1)
def stats_costs() -> dict[str, int]:
    """Per-element cost of every ``flops.stats`` method, read from flopscope's source.

    Each distribution method charges ``self._deduct_and_call("pdf", 27, ...)``; the
    literal is the per-element count. Module-level ``norm = NormDistribution()``
    names the distribution.
    """
    sources = sorted((_package_dir("flopscope") / "stats").glob("_*.py"))
    return _read_through("stats-costs", sources, lambda: _derive_stats_costs(sources))


def _derive_stats_costs(sources: list[Path]) -> dict[str, int]:
    costs: dict[str, int] = {}
    for path in sources:
        tree = ast.parse(path.read_text(), str(path))
        per_class: dict[str, dict[str, int]] = {}
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                methods: dict[str, int] = {}
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "_deduct_and_call"
                        and len(call.args) >= 2
                        and isinstance(call.args[0], ast.Constant)
                        and isinstance(call.args[1], ast.Constant)
                    ):
                        methods[call.args[0].value] = int(call.args[1].value)
                per_class[node.name] = methods
        for node in tree.body:
            target, value = _assignment(node)
            if target and isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                for method, cost in per_class.get(value.func.id, {}).items():
                    costs[f"{target}.{method}"] = cost
    return costs


@lru_cache(maxsize=1)
def window_costs() -> dict[str, int]:
    """Per-sample cost of each window function (``hanning``, ``kaiser``, ...), read from
    flopscope's ``_window.py``: each ``<name>_cost(n)`` returns ``max(K * n, 1)``; K is kept."""
    source = _package_dir("flopscope") / "_window.py"
    return _read_through("window-costs", [source], lambda: _derive_window_costs(source))


def _derive_window_costs(source: Path) -> dict[str, int]:
    costs: dict[str, int] = {}
    for node in ast.parse(source.read_text(), str(source)).body:
        if not (isinstance(node, ast.FunctionDef) and node.name.endswith("_cost")):
            continue
        ret = next((n.value for n in ast.walk(node) if isinstance(n, ast.Return)), None)
        # max(K * n, 1): anything else is a formula flopcast does not know, left out (unpriced)
        if (isinstance(ret, ast.Call) and getattr(ret.func, "id", None) == "max" and len(ret.args) == 2
                and isinstance(ret.args[0], ast.BinOp) and isinstance(ret.args[0].op, ast.Mult)
                and isinstance(ret.args[0].left, ast.Constant) and isinstance(ret.args[0].right, ast.Name)
                and isinstance(ret.args[1], ast.Constant) and ret.args[1].value == 1):
            costs[node.name[: -len("_cost")]] = int(ret.args[0].left.value)
    return costs


@dataclass(frozen=True)
class BaseEstimatorFacts:
    """What whestbench's ``BaseEstimator`` (``sdk.py``) gives a subclass."""

    #: Its base classes, by the names its class statement writes (``ABC``).
    bases: tuple[str, ...]
    #: Every method it defines.
    methods: tuple[str, ...]
    #: The methods whose body only returns None (``setup``, ``teardown``): a subclass's
    #: ``super().setup(ctx)`` is a call that does nothing.
    noops: tuple[str, ...]

    @property
    def plain(self) -> bool:
        """No operator or other special method of its own and no base but ``ABC``: an
        instance of a user's subclass has only the operators the user's classes define,
        and compares by identity unless they define ``__eq__``."""
        return set(self.bases) <= {"ABC", "object"} and not any(m.startswith("__") for m in self.methods)


@lru_cache(maxsize=1)
def base_estimator() -> BaseEstimatorFacts:
    """Read from whestbench's ``sdk.py`` source (importing whestbench costs ~1.5 s)."""
    source_path = _package_dir("whestbench") / "sdk.py"
    facts = _read_through("base-estimator", [source_path], lambda: asdict(_derive_base_estimator(source_path)))
    return BaseEstimatorFacts(**{k: tuple(v) for k, v in facts.items()})


def _derive_base_estimator(source_path: Path) -> BaseEstimatorFacts:
    tree = ast.parse(source_path.read_text(), str(source_path))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "BaseEstimator":
            methods = [m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
            return BaseEstimatorFacts(
                bases=tuple(ast.unparse(b) for b in node.bases),
                methods=tuple(m.name for m in methods),
                noops=tuple(m.name for m in methods if _returns_none_only(m)))
    raise SetupError(f"cannot find class BaseEstimator in {source_path}; this whestbench is not one flopcast knows")


def _returns_none_only(fn: ast.FunctionDef) -> bool:
    body = fn.body[1:] if ast.get_docstring(fn) is not None else fn.body
    return not fn.decorator_list and all(
        isinstance(s, ast.Pass) or isinstance(s, ast.Return) and (
            s.value is None or isinstance(s.value, ast.Constant) and s.value.value is None) for s in body)


@dataclass(frozen=True)
class ResourceLimits:
    """The limits whestbench grades under (its ``_default_resource_limits()``)."""

    memory_limit_mb: int
    setup_timeout_s: float
    predict_timeout_s: float
    wall_time_limit_s: Optional[float]

    @property
    def memory_limit_bytes(self) -> int:
        return self.memory_limit_mb * 1024 * 1024


@lru_cache(maxsize=1)
def resource_limits() -> ResourceLimits:
    """Read from whestbench's ``cli.py`` source: the ``ResourceLimits(...)`` its
    ``_default_resource_limits()`` returns (importing whestbench costs ~1.5 s)."""
    source_path = _package_dir("whestbench") / "cli.py"
    return ResourceLimits(**_read_through("resource-limits", [source_path],
                                          lambda: asdict(_derive_resource_limits(source_path))))


def _derive_resource_limits(source_path: Path) -> ResourceLimits:
    tree = ast.parse(source_path.read_text(), str(source_path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_default_resource_limits":
            call = next((n for n in ast.walk(node) if isinstance(n, ast.Call)
                         and getattr(n.func, "id", None) == "ResourceLimits"), None)
            if call is None:
                break
            fields = {kw.arg: kw.value for kw in call.keywords}
            try:
                wall = fields.get("wall_time_limit_s")
                return ResourceLimits(
                    memory_limit_mb=_int_expr(fields["memory_limit_mb"]),
                    setup_timeout_s=float(ast.literal_eval(fields["setup_timeout_s"])),
                    predict_timeout_s=float(ast.literal_eval(fields["predict_timeout_s"])),
                    wall_time_limit_s=None if wall is None else ast.literal_eval(wall),
                )
            except (KeyError, ValueError) as exc:
                raise SetupError(f"cannot read the resource limits from {source_path}: {exc}") from exc
    raise SetupError(f"cannot find _default_resource_limits() in {source_path}; "
                     "this whestbench is not one flopcast knows")
