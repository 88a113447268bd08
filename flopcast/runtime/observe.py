"""Watching a run's value-dependent decisions without changing what it charges (child side).

The static analysis names every value-dependent site by the source span of one
expression: a condition, a call that may raise, an expression whose size or integer
value comes from data. For a calibration run the child compiles the submission's
modules from their syntax tree with each such expression wrapped in a call to a
recorder that notes the outcome and hands the value back:

* a condition (``branch``, ``loop``): ``_fc_truth(i, test)`` records ``bool(test)`` —
  the very truth test the ``if``/``while`` would make, once;
* a call that may raise (``exception``): ``_fc_done(i, _fc_enter(i) or call)``
  records whether the call returned;
* a size or integer read from data (``shape``): ``_fc_shape(i, expr)`` records the
  integer, or the length of the array (or of a ``nonzero`` tuple's first array); a mask
  among slices counts along its own axis (``u[:, keep]``: ``_fc_shape(i, expr, 0, 1)``) and
  ``lstsq``'s site is its residuals, the second item of what it returns.

Every wrapper node carries the wrapped expression's own position, and the wrapped
expression keeps its positions, so ``co_positions()`` — and with it the counter's
attribution — are what the unmodified module would give. The recorder reads only
Python truth values, ``shape`` and ``len``: numpy's own attributes, which flopscope does
not charge.
"""

from __future__ import annotations

import ast
import builtins
import importlib.machinery
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

TRUTH_KINDS = ("branch", "loop")


@dataclass(frozen=True)
class WatchSite:
    """One expression to watch, by its span, and how to read it."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    kind: str  # "branch", "loop", "exception" or "shape"


class Recorder:
    """The outcomes of every execution of each watched site, in order."""

    def __init__(self, count: int):
        self.outcomes: list[list[Any]] = [[] for _ in range(count)]
        self._open: list[list[int]] = [[] for _ in range(count)]

    def truth(self, index: int, value: Any) -> bool:
        verdict = bool(value)
        self.outcomes[index].append(verdict)
        return verdict

    def enter(self, index: int) -> None:
        self._open[index].append(len(self.outcomes[index]))
        self.outcomes[index].append(True)  # raised, until the call returns

    def done(self, index: int, value: Any) -> Any:
        if self._open[index]:
            self.outcomes[index][self._open[index].pop()] = False
        return value

    def shape(self, index: int, value: Any, item: int = 0, axis: int = 0) -> Any:
        self.outcomes[index].append(_count(value, item, axis))
        return value


def _count(value: Any, item: int = 0, axis: int = 0) -> Optional[int]:
    """The integer, or the length along ``axis`` of the array (of a tuple's ``item``)."""
    if isinstance(value, tuple) and len(value) > item:
        value = value[item]
    shape = getattr(value, "shape", None)
    if shape is not None:
        if len(shape) == 0:
            try:
                return int(value)
            except (TypeError, ValueError, OverflowError):
                return None
        return int(shape[axis]) if -len(shape) <= axis < len(shape) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return int(value)
        except (ValueError, OverflowError):
            return None
    try:
        return len(value)
    except TypeError:
        return None


class _Wrap(ast.NodeTransformer):
    def __init__(self, sites: dict[tuple, int], kinds: list[str]):
        self.sites = sites
        self.kinds = kinds

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.pattern):
            return node  # a pattern admits only literals and names: its test is not observed
        node = super().generic_visit(node)
        if not isinstance(node, ast.expr):
            return node
        index = self.sites.get((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset))
        if index is None:
            return node
        kind = self.kinds[index]
        if kind in TRUTH_KINDS:
            if _lazy_test(node):
                return node  # its truth tests are the predicate's, inside the iterator: not watched here
            return _call("_fc_truth", index, node, node)
        if kind == "exception":
            entered = ast.BoolOp(ast.Or(), [_call("_fc_enter", index, None, node), node])
            return _call("_fc_done", index, _at(entered, node), node)
        return _call("_fc_shape", index, node, node, _counted_at(node))


def _counted_at(node: ast.expr) -> tuple[int, int]:
    """(item, axis) of the value a size site's expression makes that holds its count: the mask
    of ``u[:, keep]`` selects along axis 1 (the slices before it keep their axes); ``lstsq``'s
    site is whether its residuals, the second item, are empty."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple):
        elts = node.slice.elts
        ellipsis = [i for i, e in enumerate(elts) if isinstance(e, ast.Constant) and e.value is Ellipsis]
        # a slice keeps its axis and None adds one: each is one axis of the result
        picks = [i for i, e in enumerate(elts) if i not in ellipsis and not isinstance(e, ast.Slice)
                 and not (isinstance(e, ast.Constant) and e.value is None)]
        if len(picks) != 1 or len(ellipsis) > 1:
            return 0, 0
        if ellipsis and ellipsis[0] < picks[0]:
            return 0, picks[0] - len(elts)  # counted from the end (`x[..., keep, :]`: axis -2)
        return 0, picks[0]
    func = node.func if isinstance(node, ast.Call) else None
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return (1, 0) if name == "lstsq" else (0, 0)


def _lazy_test(node: ast.expr) -> bool:
    """A branch site that names the call making a lazy iterator (`itertools.takewhile(pred,
    items)`, whose predicate's answers decide which items it keeps) rather than a condition:
    wrapping the call would hand the program a bool for its iterator. Not watched, the replay
    takes such a site as not reached (approximate)."""
    func = node.func if isinstance(node, ast.Call) else None
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return name in ("takewhile", "dropwhile")


def _at(new: ast.AST, old: ast.AST) -> ast.AST:
    new.lineno, new.col_offset = old.lineno, old.col_offset
    new.end_lineno, new.end_col_offset = old.end_lineno, old.end_col_offset
    return new


def _call(name: str, index: int, arg: Optional[ast.expr], where: ast.expr, extra: tuple = ()) -> ast.expr:
    args = [_at(ast.Constant(index), where)] + ([arg] if arg is not None else [])
    args += [_at(ast.Constant(v), where) for v in extra if any(extra)]
    return _at(ast.Call(_at(ast.Name(name, ast.Load()), where), args, []), where)


def instrument(source: str, path: str, sites: list[WatchSite]) -> Any:
    """The code object of ``source`` with the sites of ``path`` wrapped."""
    tree = ast.parse(source, path)
    mine = {(s.line, s.col, s.end_line, s.end_col): i for i, s in enumerate(sites)
            if Path(s.path).resolve() == Path(path).resolve()}
    if mine:
        tree = _Wrap(mine, [s.kind for s in sites]).visit(tree)
    return compile(tree, path, "exec", dont_inherit=True)


def install(sites: list[WatchSite], folder: Path) -> Recorder:
    """Compile every module of the submission folder with its sites wrapped, from now on."""
    recorder = Recorder(len(sites))
    builtins._fc_truth = recorder.truth  # type: ignore[attr-defined]
    builtins._fc_enter = recorder.enter  # type: ignore[attr-defined]
    builtins._fc_done = recorder.done  # type: ignore[attr-defined]
    builtins._fc_shape = recorder.shape  # type: ignore[attr-defined]
    folder = folder.resolve()
    original = importlib.machinery.SourceFileLoader.get_code

    def get_code(loader, fullname):  # bytecode caches would bypass the wrapping: always compile
        path = Path(loader.get_filename(fullname)).resolve()
        if folder not in path.parents:
            return original(loader, fullname)
        return instrument(path.read_text(encoding="utf-8"), str(path), sites)

    importlib.machinery.SourceFileLoader.get_code = get_code  # type: ignore[method-assign]
    return recorder
