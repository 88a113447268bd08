"""The program's warning filters, and whether its ``warnings.warn`` raises.

``warnings.warn`` is free, but under an ``"error"`` filter (``warnings.simplefilter("error")``
in ``setup()``, "fail loudly while tuning") it raises the warning as an exception, and an
``except UserWarning:`` around it then runs other work. The filters the program itself installs
(``simplefilter``, ``filterwarnings``, ``resetwarnings``, ``catch_warnings``, its ``action=``) are
followed in order, newest first, as ``warnings.warn_explicit`` matches them. Below them lie the
process's own filters: Python's defaults (and whestbench's) only ignore some categories
(DEPENDS_ON_PROCESS), so a warning of another category reaching them is shown, never raised. A
match that depends on what flopcast does not know (a message pattern against text read from
data, a module pattern, a line number, a category of those the defaults name) ends the path.
"""

from __future__ import annotations

import builtins
import functools
import re
from dataclasses import dataclass
from typing import Optional

from flopcast import installed
from flopcast.analyzer.values import Builtin, ClassVal, InstanceVal, Known, LibRef, UserRaise, Value
from flopcast.model import Span

ACTIONS = frozenset({"error", "ignore", "always", "default", "module", "once"})

#: categories the process's own filters (Python's defaults, whestbench's) may name: a warning of
#: one of them that no filter of the program's matches may be ignored there or not
DEPENDS_ON_PROCESS = frozenset({"DeprecationWarning", "PendingDeprecationWarning", "ImportWarning",
                                "ResourceWarning", "RuntimeWarning"})


@dataclass(frozen=True)
class Filter:
    action: str
    message: str      # a pattern matched at the start of the text, ignoring case ("" = any)
    category: str     # the class name a warning's class must have along its mro
    module: str       # "" = any module
    lineno: int


@dataclass(frozen=True)
class Filters:
    """The filters the program installed: ``front`` before the process's own (first = consulted
    first), ``after`` appended behind them; ``below`` False once ``resetwarnings()`` dropped the
    process's filters too."""
    front: tuple = ()
    after: tuple = ()
    below: bool = True

    @functools.cached_property
    def raising(self) -> bool:
        """Some filter turns warnings into exceptions: without one, no warning raises (asked at
        every charge: kept once made)."""
        return any(f.action == "error" for f in self.front + self.after)

    @functools.cached_property
    def inside_ops(self) -> bool:
        """Some filter may raise a warning numpy or flopscope issues inside an op (a float
        RuntimeWarning, flopscope's UserWarnings): ops are then checked one by one, and no
        recorded call is replayed past those checks. A filter for the program's own warning
        class alone (DriftWarning) leaves ops alone."""
        return self.raising and any(may_raise(self, names) is not None
                                    for names in (family(Builtin("RuntimeWarning")), flopscope_warning("SymmetryLossWarning"),
                                                  flopscope_warning("RemoteCallbackWarning")))


def family(cls: Value) -> Optional[tuple]:
    """The class names along a warning class's mro (what ``issubclass`` and ``except`` see)."""
    if isinstance(cls, Builtin) and isinstance(getattr(builtins, cls.name, None), type):
        return tuple(c.__name__ for c in getattr(builtins, cls.name).__mro__)
    if isinstance(cls, ClassVal):
        names = []
        for c in cls.mro():
            names.append(c.name)
            for base in c.bases:
                if isinstance(base, Builtin):
                    names += list(family(base) or ())
        return tuple(names)
    if isinstance(cls, LibRef):
        # flopscope's own classes (``flops.SymmetryLossWarning``, ``flopscope.errors.FlopscopeWarning``)
        module, _, name = cls.path.rpartition(".")
        if module in ("flopscope", "flopscope.errors"):
            return installed.op_inventory().warnings.get(name)
    return None


def install(interp, action: Value, category: Value, message: Value, module: Value, lineno: Value,
            append: Value, span: Span) -> None:
    """``simplefilter``/``filterwarnings``, as ``warnings._add_filter``: in front (an equal filter
    moved there), or appended unless an equal one is there already."""
    if not all(isinstance(p, Known) for p in (action, message, module, lineno, append)) or family(category) is None:
        interp.stop_path("a warning filter made of values flopcast does not know: whether a later warnings.warn "
                         "raises is not known", span, "warnings filter")
    if action.value not in ACTIONS:
        raise UserRaise(span, f"AssertionError: invalid action: {action.value!r}")
    made = Filter(action.value, message.value or "", family(category)[0], module.value or "", int(lineno.value))
    state: Filters = interp.warning_filters
    if append.value:
        if made not in state.front + state.after:
            state = Filters(state.front, state.after + (made,), state.below)
    else:
        state = Filters((made,) + tuple(f for f in state.front if f != made),
                        tuple(f for f in state.after if f != made), state.below)
    interp.warning_filters = state
    interp.effects += 1


def reset(interp) -> None:
    """``resetwarnings()`` empties the list, the process's filters included."""
    interp.warning_filters = Filters(below=False)
    interp.effects += 1


def flopscope_warning(name: str) -> tuple:
    """The class names along the mro of flopscope's warning class ``name`` (from the installed
    flopscope: installed.op_inventory)."""
    return installed.op_inventory().warnings[name]


#: flops.configure switches of flopscope's own warnings
SWITCHES = ("symmetry_warnings", "callback_warnings")


def configure(interp, kwargs: dict, span: Span) -> None:
    """``flops.configure(callback_warnings=False)``: that warning of flopscope's is not issued
    (interp.silenced) from then on; a configure with settings warns ConfigureNoOpWarning."""
    silenced = set(interp.silenced)
    for key in SWITCHES:
        if key in kwargs:
            value = kwargs[key]
            if not isinstance(value, Known):
                interp.stop_path(f"flops.configure({key}=...) of a value flopcast does not know: whether flopscope "
                                 "warns later is not known", span, "flops.configure")
            (silenced.discard if value.value else silenced.add)(key)
    interp.silenced = frozenset(silenced)
    interp.effects += 1
    if kwargs:  # the settings are made, then flopscope warns that the graders ignore them
        _raise_if_error(interp, flopscope_warning("ConfigureNoOpWarning"),
                        "flops.configure() configures the in-process flopscope backend only; it is a no-op on "
                        "flopscope-client and the evaluation servers, so these settings will not affect a graded "
                        "submission.", span)


def callback_op(interp, name: str, span: Span) -> None:
    """flopscope warns RemoteCallbackWarning as an op that runs a Python callback starts (its
    remote-unsupported ops, read from the installed flopscope), before any charge."""
    if "callback_warnings" in interp.silenced:
        return
    text = (f"{name}() runs a Python callback in-process, but raises RemoteCallbackError on the remote "
            "(client/server) backend used for AIcrowd submissions. Precompute the result or avoid this op in "
            "submitted code. Suppress with flops.configure(callback_warnings=False).")
    _raise_if_error(interp, flopscope_warning("RemoteCallbackWarning"), text, span)


def warn(interp, message: Value, category: Optional[Value], span: Span) -> None:
    """Raises the program's ``UserRaise`` when the first filter the warning matches is "error"."""
    state: Filters = interp.warning_filters
    if not state.raising:
        return  # shown or ignored, never raised
    interp.effects += 1
    if isinstance(message, InstanceVal) and "Warning" in (family(message.cls) or ()):
        category = message.cls  # `warnings.warn(Drift("x"))`: the instance's class is the category
    elif category is None or isinstance(category, Known) and category.value is None:
        category = Builtin("UserWarning")
    names = family(category)
    if names is None or "Warning" not in names:
        interp.stop_path("warnings.warn of a category flopcast does not know: whether a filter makes it raise "
                         "is not known", span, "warnings.warn")
    text = message.value if isinstance(message, Known) and isinstance(message.value, str) else None
    _raise_if_error(interp, names, text, span)


def _raise_if_error(interp, names: tuple, text: Optional[str], span: Span) -> None:
    """The program's ``UserRaise`` of the warning of class ``names`` (its mro) and ``text``
    (None: not known) when the first filter it matches is "error"."""
    state: Filters = interp.warning_filters
    if not state.raising:
        return
    action = _first_match(interp, state.front, names, text, span)
    if action is None and state.after:
        if state.below and DEPENDS_ON_PROCESS & set(names):
            interp.stop_path(f"a {names[0]} may be matched by the process's own warning filters before the "
                             "program's appended ones: whether warnings.warn raises is not known", span,
                             "warnings.warn")
        action = _first_match(interp, state.after, names, text, span)
    if action == "error":
        raise UserRaise(span, f"{names[0]}: {text if text is not None else '...'}", family=names)


#: numpy's float error kinds and the RuntimeWarning it issues for each under "warn"
FLOAT_WARNINGS = ("divide", "over", "invalid", "under")
#: ops that only make or move data: numpy raises its float warnings (and np.seterr's
#: FloatingPointError) from arithmetic and casts only, so these never do, whatever the values
#: (inf and NaN included), but where a `dtype=` casts what the stacking ones are handed
FLOAT_SILENT = frozenset({
    "zeros", "ones", "empty", "zeros_like", "ones_like", "empty_like", "eye", "identity",
    "reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze", "expand_dims", "copy", "broadcast_to",
    "atleast_1d", "atleast_2d", "atleast_3d", "diag", "diagonal", "triu", "tril", "take", "repeat", "tile",
    "flip", "fliplr", "flipud", "roll", "split", "array_split", "hsplit", "vsplit"})
FLOAT_SILENT_UNLESS_CAST = frozenset({"stack", "hstack", "vstack", "dstack", "column_stack", "concatenate"})


def float_silent(name: str, kwargs: dict) -> bool:
    """Whether fnp.``name`` with these keywords does no float arithmetic nor cast."""
    return name in FLOAT_SILENT or name in FLOAT_SILENT_UNLESS_CAST and "dtype" not in kwargs


@functools.lru_cache(maxsize=256)
def may_raise(state: Filters, names: tuple) -> Optional[str]:
    """The filter that may turn a warning of the class ``names`` (its mro) whose text flopcast
    does not know into an exception, as text for the report; None when none does. A filter on
    a message, module or line may match or not: an "error" one counts, a quiet one is passed."""
    if not state.raising:
        return None
    for f in state.front + state.after:
        if f.category in names:
            if f.action == "error":
                return f"warnings filter {f.action!r} for {f.category}"
            if not (f.message or f.module or f.lineno):
                return None  # every such warning stops at this quiet filter
    return None


def float_warnings_raise(state: Filters, settings: tuple) -> Optional[str]:
    """The filter that may turn numpy's float warnings into exceptions ("overflow encountered in
    exp" is a RuntimeWarning while ``np.seterr`` leaves the kind at "warn", its default); None
    when none does. ``settings``: (kind, setting) pairs of np.seterr."""
    if not any(k in FLOAT_WARNINGS and v == "warn" for k, v in settings):
        return None
    return may_raise(state, family(Builtin("RuntimeWarning")))


def _first_match(interp, filters: tuple, names: tuple, text: Optional[str], span: Span) -> Optional[str]:
    """The action of the first filter the warning matches, as ``warn_explicit`` tests them."""
    for f in filters:
        if f.category not in names:
            continue
        if f.module or f.lineno:
            interp.stop_path("a warning filter on a module or a line: whether warnings.warn raises here is not "
                             "modelled", span, "warnings.warn")
        if f.message:
            if text is None:
                interp.stop_path("warnings.warn of a message flopcast does not know, under a filter on the "
                                 "message: whether it raises is not known", span, "warnings.warn")
            if not re.compile(f.message, re.I).match(text):
                continue
        return f.action
    return None
