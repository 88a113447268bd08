"""Carrying an analysis over an edit that cannot change it.

The editor re-analyses the buffer after every edit; a full analysis of a long file with
value-dependent sites takes seconds. Two kinds of edit leave every prediction as it was,
only moved:

* edits between statements or inside them that leave the syntax tree the same up to
  positions (comments, blank lines, spacing) — the program is the same program;
* edits inside the body of a module-level function or method whose body never ran on any
  run the previous analysis made (``Report.executed``): the analysis never looked inside
  it, so it makes the same runs on the new text;
* edits of the text of docstrings (string statements), anywhere: running one evaluates a
  string and drops it, and the interpreter models no ``__doc__``;
* a new number for a module constant that no run reads (``VAR_CLIP = 1e6`` where only
  helpers that never ran name ``VAR_CLIP``): see ``_unread``.

For these the previous report is reused with every span moved to where its text now is.
The edit is located by lines: the lines before the first changed line keep their numbers,
the lines after the last changed line move by the change in line count, and nothing the
report points at may lie in between (else the analysis is made afresh). The check is
conservative, never heuristic about meaning:

* the changed lines, old and new, mention no ``flopcast:`` directive, and whether the text
  mentions a budget query (which the interpreter reads from the whole text) is unchanged;
* the new text parses, its top-level statements outside the changed lines are the old
  ones moved, and each statement touching them equals its old one up to positions, or is
  a function (or a class of them) whose signature, decorators and other statements are
  equal and whose body did not run, or equals it once string statements are emptied;
* the function table (qualnames and def spans) is the new text's own, and no text in the
  report names a line (a message with a position would not move with its span);
* the touched statements leave the attributes the program only writes as they were
  (``write_only.footprint``): a function that never ran still reads, by its text, which
  attributes joins.py compares by their kind only, and so whether sites prove separable.

``tests/lsp/test_incremental.py`` proves on corpus files and generated edits that a carried
report equals a fresh analysis of the new text exactly, and that an edit of code that ran
is analysed afresh.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, Optional

from flopcast.analyzer import write_only
from flopcast.analyzer.loop_syntax import BUDGET_WORDS
from flopcast.analyzer.program import Module, function_table
from flopcast.analyzer.trace import ChargeLoops
from flopcast.lsp.costs import FileCosts, LineCost
from flopcast.model import Note, Report, Span

#: A message naming a place by its line: it would not move with the spans.
_LINE_TEXT = re.compile(r"line \d|:\d+")
#: How messages name a line of the file of their own span.
_AT_LINE = re.compile(r"at line (\d+)\b")


class _Stale(Exception):
    """The previous report cannot be carried over this edit."""


def outline(tree: ast.Module) -> tuple:
    """The (first, last) lines of each top-level statement, decorators included: what
    ``carry_over`` needs of the previous text's parse."""
    return tuple((_first_line(stmt), stmt.end_lineno) for stmt in tree.body)


def _first_line(stmt: ast.stmt) -> int:
    return min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])


@dataclass(frozen=True)
class Layout:
    """What carrying an analysis over needs besides its report: where the text's top-level
    statements are (first and last line, decorators included), and the report's charges as
    their distinct objects and, for each charge, the index of its object (tens of thousands
    of charges are a few hundred objects repeated: moving them is moving those)."""

    outline: tuple
    distinct: list
    positions: list
    #: The names whose mentions the program's write-only attributes depend on (write_only.names_that_count).
    counted: frozenset


def layout(tree: ast.Module, report: Report, trees: list) -> Layout:
    """``trees``: the syntax trees of the program's modules (``tree``'s among them)."""
    from flopcast.analyzer.rollup import counted, positions

    charges = report.charges
    distinct = [c for c, _ in counted(charges)]  # in order of first occurrence
    places = positions(charges)  # known when the report's maker said (rollup.remember)
    if places is None:
        index = {id(c): i for i, c in enumerate(distinct)}
        places = list(map(index.__getitem__, map(id, charges)))
    return Layout(outline(tree), distinct, list(places), write_only.names_that_count(trees))


def carry_over(old_text: str, old: Layout, report: Report, costs: FileCosts, new_text: str,
               path: str) -> Optional[tuple[Report, FileCosts, Layout]]:
    """The report of ``new_text``, its folded costs and outline, made from those of ``old_text``
    when the edit between them cannot change the analysis (module docstring); None when it
    might. ``path`` is the report's own name of the file (``Report.path``).

    Only the top-level statements the changed lines touch are parsed, old and new: the others
    are the same lines of text, complete statements, so the new text parses as the old one did
    there, only moved."""
    if "\r" in old_text or "\r" in new_text or report.calibration is not None \
            or len(old.positions) != len(report.charges):
        return None
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    first = 0
    limit = min(len(old_lines), len(new_lines))
    while first < limit and old_lines[first] == new_lines[first]:
        first += 1
    if first == len(old_lines) == len(new_lines):
        return dataclasses.replace(report), costs, old
    last = 0  # lines equal at the end
    while last < limit - first and old_lines[-1 - last] == new_lines[-1 - last]:
        last += 1
    # 1-based: lines <= first keep their number; old lines > old_end move by shift.
    old_end, new_end = len(old_lines) - last, len(new_lines) - last
    shift = new_end - old_end
    changed = old_lines[first:old_end] + new_lines[first:new_end]
    if any("flopcast" in line for line in changed) \
            or bool(BUDGET_WORDS.search(old_text)) != bool(BUDGET_WORDS.search(new_text)):
        return None
    old_outline = old.outline
    touching = [i for i, (start, stop) in enumerate(old_outline) if stop > first and start <= old_end]
    seg_start = min([first + 1] + [old_outline[i][0] for i in touching])
    seg_end = max([old_end] + [old_outline[i][1] for i in touching])
    try:
        old_seg = _parsed(old_lines[seg_start - 1:seg_end], seg_start)
        new_seg = _parsed(new_lines[seg_start - 1:seg_end + shift], seg_start)
    except (SyntaxError, ValueError):
        return None  # the full analysis reports it
    if len(old_seg.body) != len(touching):
        return None  # the outline does not describe the old text

    def moved(line: int) -> int:
        if line <= first:
            return line
        if line > old_end:
            return line + shift
        raise _Stale(line)

    lines = old_outline[:touching[0]] if touching else tuple(r for r in old_outline if r[1] <= first)
    after = old_outline[touching[-1] + 1:] if touching else tuple(r for r in old_outline if r[0] > old_end)
    new_outline = lines + outline(new_seg) + tuple((a + shift, b + shift) for a, b in after)
    try:
        constants: list = []
        _same_block(old_seg.body, new_seg.body, first, old_end, new_end, shift, report.executed, path, constants)
        counted = old.counted | write_only.names_that_count([old_seg, new_seg])
        if write_only.footprint(old_seg.body, counted) != write_only.footprint(new_seg.body, counted):
            return None  # the attributes only written may change: joins.py compares states by them
        if constants and not _unread(constants, new_text, new_lines, new_outline, new_seg, first, new_end, shift,
                                     report.executed, path):
            return None
        old_functions = function_table(Module("", path, old_seg, {}, ""))
        new_functions = function_table(Module("", path, new_seg, {}, ""))
        if [f.qualname for f in old_functions] != [f.qualname for f in new_functions]:
            return None
        renamed = {old.span: new.span for old, new in zip(old_functions, new_functions)}
        mover = _Mover(path, moved, renamed)
        distinct = [mover.move(c) for c in old.distinct]
        mover.done[id(report.charges)] = (report.charges, list(map(distinct.__getitem__, old.positions)))
        carried = mover.move(report)
        folded = mover.move(costs)
    except _Stale:
        return None
    if carried is report:
        carried = dataclasses.replace(report)
    return carried, folded, Layout(new_outline, distinct, old.positions, counted)


def _parsed(lines: list, start: int) -> ast.Module:
    """The statements of these lines, numbered from line ``start``."""
    tree = ast.parse("\n".join(lines))
    return ast.increment_lineno(tree, start - 1) if start > 1 else tree


def _same_block(old: list, new: list, first: int, old_end: int, new_end: int, shift: int,
                executed: frozenset, path: str, constants: Optional[list] = None) -> None:
    """Raises _Stale unless each statement of ``new`` that touches the changed lines is its old
    one up to what cannot change the analysis (module docstring). ``constants``: at module
    level, where a constant given a new number is collected (``_unread`` must then hold)."""
    before = [s for s in old if s.end_lineno <= first]
    after = [s for s in old if s.lineno > old_end]
    touching = old[len(before):len(old) - len(after)]
    new_before = [s for s in new if s.end_lineno <= first]
    new_after = [s for s in new if s.lineno > new_end]
    new_touching = new[len(new_before):len(new) - len(new_after)]
    if [(type(s), s.lineno, s.end_lineno) for s in before] != [(type(s), s.lineno, s.end_lineno) for s in new_before] \
            or [(type(s), s.lineno + shift, s.end_lineno + shift) for s in after] \
            != [(type(s), s.lineno, s.end_lineno) for s in new_after] \
            or len(touching) != len(new_touching):
        raise _Stale("statements")
    for o, n in zip(touching, new_touching):
        if _dump(o) == _dump(n):
            continue
        if isinstance(o, ast.ClassDef) and isinstance(n, ast.ClassDef) and _dump(_shell(o)) == _dump(_shell(n)) \
                and len(o.body) == len(n.body):
            _same_block(o.body, n.body, first, old_end, new_end, shift, executed, path)
            continue
        if isinstance(o, (ast.FunctionDef, ast.AsyncFunctionDef)) and type(n) is type(o) \
                and _dump(_shell(o)) == _dump(_shell(n)) \
                and Span(path, o.lineno, o.col_offset, o.lineno, o.col_offset) not in executed:
            continue  # a body that never ran (what the report says of the signature is moved or refused)
        if constants is not None and _constant(o) is not None and _constant(o) == _constant(n):
            constants.append(n)  # a new number for a module constant: if no run reads it (_unread)
            continue
        if _dump(_without_strings(o)) == _dump(_without_strings(n)):
            continue  # only the text of docstrings (or other string statements) changed
        raise _Stale("statement")


def _constant(stmt: ast.stmt) -> Optional[tuple]:
    """For ``NAME = number`` (``NAME: T = number``; a number is an int, float or complex
    literal, maybe signed, or True, False or None): the name, the annotation and the kind of
    the literal (the interpreter takes the same steps for any literal of one kind); else None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and stmt.type_comment is None:
        target, annotation = stmt.targets[0], None
    elif isinstance(stmt, ast.AnnAssign) and stmt.simple and stmt.value is not None:
        target, annotation = stmt.target, _dump(stmt.annotation)
    else:
        return None
    value, sign = stmt.value, None
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
        value, sign = value.operand, type(value.op)
    if not isinstance(target, ast.Name) or not isinstance(value, ast.Constant) \
            or type(value.value) not in (int, float, complex, bool, type(None)) \
            or (sign is not None and type(value.value) not in (int, float, complex)):
        return None
    return target.id, annotation, sign, type(value.value)


#: Ways a program reaches a module global other than by its name: the module's namespace, the
#: module object (imported by name, from sys.modules, importlib, a frame, a function's globals),
#: or text run as code. A text that mentions any of them reads every global, as far as
#: ``_unread`` can tell.
_NAMESPACE_WORDS = re.compile(r"\b(globals|locals|vars|dir|__dict__|modules|__import__|importlib|import_module|"
                              r"inspect|exec|eval|compile|meta_path|__getattribute__|__builtins__|builtins|"
                              r"_getframe|currentframe|f_globals|__globals__|__getattr__)\b")
_IMPORT = re.compile(r"^\s*(?:from\s+(\S+)\s+import\b|import\s+(.+))", re.MULTILINE)
#: Modules a submission imports that cannot import it back (whestbench loads the estimator file alone).
_LIBRARIES = frozenset({"flopscope", "whestbench", "numpy"})


def _unread(constants: list, text: str, lines: list, outline_: tuple, seg: ast.Module, first: int, new_end: int,
            shift: int, executed: frozenset, path: str) -> bool:
    """Whether no run of the previous analysis read the module constants given a new number
    (``constants``, their new statements), so every run makes the same moves with the new
    number: each name appears in the new text only as the target of its own statement and
    inside the bodies of functions (and lambdas) that no run entered (``Report.executed``), and
    nothing in the text reaches the module's namespace another way (``_NAMESPACE_WORDS``; an
    import of a module of the submission, which could import this one back by name).

    The number is still part of the states the interpreter compares (a loop's, a call's:
    every module's globals), but always the same number at both ends of a comparison, since
    nothing writes the name: the answers do not change."""
    if _NAMESPACE_WORDS.search(text):
        return False
    folder = os.path.dirname(path)
    for found in _IMPORT.finditer(text):
        names = [found.group(1)] if found.group(1) else found.group(2).split(",")
        for name in names:
            root = name.strip().strip("()").split(" as ")[0].strip().split(".")[0]
            if not root or not (root in _LIBRARIES or root in sys.stdlib_module_names) \
                    or os.path.exists(os.path.join(folder, root + ".py")) or os.path.isdir(os.path.join(folder, root)):
                return False
    targets = {(c.targets[0] if isinstance(c, ast.Assign) else c.target) for c in constants}
    allowed = {(t.lineno, t.col_offset) for t in targets}
    dead: dict = {}  # first line of a top-level statement -> its dead bodies' (start, end) positions
    for name in {t.id for t in targets}:
        for found in re.finditer(rf"\b{re.escape(name)}\b", text):
            line = text.count("\n", 0, found.start()) + 1
            start_of_line = text.rfind("\n", 0, found.start()) + 1
            at = (line, len(text[start_of_line:found.start()].encode("utf-8")))
            if at in allowed:
                continue
            statement = next(((a, b) for a, b in outline_ if a <= line <= b), None)
            if statement is None:
                return False  # a comment between statements, as far as this can tell
            if statement[0] not in dead:
                tree = seg if first < line <= new_end else _parsed(lines[statement[0] - 1:statement[1]], statement[0])
                dead[statement[0]] = _dead_bodies(tree, first, new_end, shift, executed, path)
            if not any(a <= at < b for a, b in dead[statement[0]]):
                return False
    return True


def _dead_bodies(tree: ast.AST, first: int, new_end: int, shift: int, executed: frozenset, path: str) -> list:
    """The (start, end) positions, in the new text, of the bodies of the functions and lambdas
    in ``tree`` that no run entered (a def on a changed line counts as entered)."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        line = node.lineno if node.lineno <= first else node.lineno - shift if node.lineno > new_end else None
        if line is None or Span(path, line, node.col_offset, line, node.col_offset) in executed:
            continue
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        out.append(((body[0].lineno, body[0].col_offset), (node.end_lineno, node.end_col_offset)))
    return out


def _without_strings(stmt: ast.stmt) -> ast.stmt:
    """The statement with every string statement (a docstring) emptied, in place (the trees
    compared are the edit's own parses). Running one evaluates a string and drops it; the
    interpreter models no ``__doc__``, so its text cannot change the analysis."""
    for node in ast.walk(stmt):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            node.value.value = ""
    return stmt


def _shell(node: ast.AST) -> ast.AST:
    """A function or class without its body."""
    return type(node)(**{f: getattr(node, f) for f in node._fields if f != "body"}, body=[])


def _dump(node: ast.AST) -> str:
    return ast.dump(node, include_attributes=False)


_FIELDS: dict = {}  # dataclass type -> its field names


class _Mover:
    """Rebuilds a report with every span of ``path`` moved (identical objects moved once)."""

    def __init__(self, path: str, moved: Callable[[int], int], renamed: dict):
        self.path = path
        self.moved = moved
        self.renamed = renamed
        self.done: dict = {}
        self.moved_ids: dict = {}  # id -> moved object, of objects ``done`` holds

    def move(self, value: Any) -> Any:
        key = id(value)
        hit = self.done.get(key)
        if hit is not None:
            return hit[1]
        out = self._move(value)
        self.done[key] = (value, out)  # the value is held so its id stays its own
        return out

    def _move(self, value: Any) -> Any:
        if isinstance(value, Span):
            if value.path != self.path:
                return value
            if value in self.renamed:
                return self.renamed[value]
            line, end = self.moved(value.line), self.moved(value.end_line)
            return value if (line, end) == (value.line, value.end_line) else \
                Span(value.path, line, value.col, end, value.end_col)
        if isinstance(value, str):
            if _LINE_TEXT.search(value):
                raise _Stale("a position in a message")
            return value
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, FileCosts):  # lines are keys; spans sort as before (lines keep their order)
            return FileCosts(value.path, {self.moved(k): self.move(v) for k, v in value.lines.items()},
                             self.move(value.spans), self.move(value.functions))
        if isinstance(value, ChargeLoops):
            # Its spans are worked out when a rule asks; each is a key of the report's
            # loop_entries, moved with them (a loop that cannot move refuses the move there).
            return value.mapped(self.move)
        if isinstance(value, LineCost):
            return dataclasses.replace(value, line=self.moved(value.line), ops=self.move(value.ops))
        if isinstance(value, Note) and value.span is not None and value.span.path == self.path \
                and _AT_LINE.search(value.message):
            # "handled by the except clause at line N" (interpreter.stmt_Try): a line of this file
            if _LINE_TEXT.search(_AT_LINE.sub("", value.message)):
                raise _Stale("a position in a message")
            message = _AT_LINE.sub(lambda m: f"at line {self.moved(int(m.group(1)))}", value.message)
            return Note(self.move(value.span), message)
        names = _FIELDS.get(type(value))
        if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        if names is not None:
            changes = {}
            own = getattr(value, "span", None)
            for name in names:
                old = getattr(value, name)
                new = self.own_text(old, own) if type(old) is str else self.move(old)
                if new is not old:
                    changes[name] = new
            if not changes:
                return value
            # The same fields with some moved: a copy of the instance (no __init__ to rerun)
            copy = object.__new__(type(value))
            copy.__dict__.update(value.__dict__)
            copy.__dict__.update(changes)
            return copy
        if isinstance(value, list):
            # The charges: tens of thousands, few distinct objects (a repeated call's charges
            # are the same objects); each distinct one is moved once, the rest is C loops.
            ids = list(map(id, value))
            for key, v in dict(zip(ids, value)).items():
                if key not in self.moved_ids:
                    self.moved_ids[key] = self.move(v)
            return list(map(self.moved_ids.__getitem__, ids))
        if isinstance(value, tuple):
            own = next((v for v in value if isinstance(v, Span)), None)
            items = tuple(self.own_text(v, own) if type(v) is str else self.move(v) for v in value)
            return items if any(a is not b for a, b in zip(items, value)) else value
        if isinstance(value, frozenset):
            return frozenset(self.move(v) for v in value)
        if isinstance(value, dict):
            return {self.move(k): self.move(v) for k, v in value.items()}
        raise _Stale(f"cannot move a {type(value).__name__}")

    def own_text(self, text: str, own: Any) -> str:
        """A message beside its span (a site's reason, a presumption): "at line N" where N is
        the span's own line (dataints.py names the line that read an integer) moves with it;
        any other position refuses the move. Not cached by identity: the same text may sit
        beside other spans."""
        if not _LINE_TEXT.search(text):
            return text
        if not isinstance(own, Span) or own.path != self.path \
                or _LINE_TEXT.search(_AT_LINE.sub(lambda m: "" if int(m.group(1)) == own.line else m.group(0), text)):
            raise _Stale("a position in a message")
        return _AT_LINE.sub(lambda m: f"at line {self.moved(own.line)}", text)
