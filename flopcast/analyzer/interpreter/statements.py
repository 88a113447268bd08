"""Simple statements: expression statements, assignments, deletes, returns, raises, asserts.
"""

from __future__ import annotations

import ast
import operator
import weakref

from flopcast.analyzer import dunders, ending_guards, first_writes, flags, joins, plain_numpy, stdlib_containers
from flopcast.analyzer.values import (Array, ClassVal, DequeVal, DictVal, hold_ends, holds_ends, InstanceVal, Known,
                                      ListVal, UserRaise)
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter.common import _eager_annotations
from flopcast.analyzer.interpreter.control import (PathEnd, WorkOut, _Break, _CONTROL, _Continue, _Return,
                                                   _model_failure, _too_deep)


class Statements:
    """The Interpreter's methods for simple statements."""

    def tick(self) -> None:
        self.steps += 1
        self.work += 1
        if self.work > self.work_stop:
            raise WorkOut()
        if self.steps > limits.MAX_STEPS:
            raise PathEnd(f"analysis stopped after {limits.MAX_STEPS:,} steps (a loop too long to unroll?)")

    def exec_block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.exec_stmt(stmt)

    def exec_stmt(self, node: ast.stmt) -> None:
        self.steps += 1
        self.work += 1
        if self.work > self.work_stop:
            raise WorkOut()
        if self.steps > limits.MAX_STEPS:
            raise PathEnd(f"analysis stopped after {limits.MAX_STEPS:,} steps (a loop too long to unroll?)")
        method = self._stmt_dispatch.get(type(node))
        if method is None:
            self.unpriced(node, type(node).__name__, "statement kind not modelled")
            return
        try:
            method(self, node)
        except _CONTROL:
            raise
        except RecursionError:
            raise _too_deep(self.node_span(node))
        except Exception as exc:  # noqa: BLE001 - see eval: a flopcast bug, never the program's
            # A statement half done (a target not bound) cannot be continued soundly: the path ends.
            raise _model_failure(self.node_span(node), exc)

    def stmt_Expr(self, node: ast.Expr) -> None:
        self.eval(node.value)

    def stmt_Pass(self, node) -> None:
        pass

    def stmt_Global(self, node: ast.Global) -> None:
        if self.frame.globals_ is None:
            self.frame.globals_ = set()
        self.frame.globals_.update(node.names)

    def stmt_Nonlocal(self, node: ast.Nonlocal) -> None:
        if self.frame.nonlocals_ is None:
            self.frame.nonlocals_ = set()
        self.frame.nonlocals_.update(node.names)

    def stmt_Delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            if isinstance(t, ast.Name):
                self.frame.vars.pop(t.id, None)
            elif isinstance(t, (ast.Tuple, ast.List)):
                self.stmt_Delete(ast.Delete(targets=list(t.elts)))
            elif isinstance(t, ast.Subscript):
                obj, key = self.eval(t.value), self.eval(t.slice)
                if isinstance(obj, InstanceVal) and obj.payload is not None:
                    obj = obj.payload
                if isinstance(obj, ListVal) and isinstance(key, Known) and isinstance(key.value, (int, slice)):
                    try:
                        del obj.items[key.value]
                    except IndexError:
                        raise UserRaise(self.node_span(t), "IndexError: list assignment index out of range")
                elif isinstance(obj, DictVal) and isinstance(key, Known):
                    if key.value not in obj.items:
                        raise UserRaise(self.node_span(t), f"KeyError: {key.value!r}")
                    del obj.items[key.value]
                elif isinstance(obj, Array):
                    raise UserRaise(self.node_span(t), "TypeError: flopscope arrays are immutable")
                elif isinstance(obj, (ListVal, DictVal)):
                    self.unfollowed_change(self.node_span(t), "del", "the index or key is not known")
                else:
                    self.unpriced(t, "del", f"deleting an item of {type(obj).__name__} is not modelled")
            elif isinstance(t, ast.Attribute):
                obj = self.eval(t.value)
                if isinstance(obj, (InstanceVal, ClassVal)) and t.attr in obj.attrs:
                    del obj.attrs[t.attr]
                else:
                    self.unpriced(t, "del", "deleting this attribute is not modelled")

    def stmt_Assign(self, node: ast.Assign) -> None:
        armed = self._prefix
        if armed is not None and node in armed.prefix.position:
            return self._prefix_assign(node, armed)
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value)

    def _prefix_assign(self, node: ast.Assign, armed: first_writes.Armed) -> None:
        """One of the assignments a first call of predict begins with (first_writes.py), with how
        many user functions writing the targets entered from the first on (a property setter,
        ``__setattr__``), as first met. (Those its value entered are not counted: they cannot reach
        the instance, first_writes.py.)"""
        entered = armed.entered
        value = self.eval(node.value)
        began = len(self.entered_log)
        for target in node.targets:
            self.assign(target, value)
        entered["writing"] = entered.get("writing", 0) + len(self.entered_log) - began
        entered.setdefault(armed.prefix.position[node], entered["writing"])

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if self.frame.function is None and isinstance(node.target, ast.Name) \
                and _eager_annotations(self.frame.module.tree):
            self._check_annotation(node.annotation)  # a module's or class body's annotation is evaluated
        if node.value is not None:
            self.assign(node.target, self.eval(node.value))

    def stmt_AugAssign(self, node: ast.AugAssign) -> None:
        current = self.eval(self._load_version(node.target))
        if isinstance(current, Array) and current.plain:
            operand = self.eval(node.value)
            if plain_numpy.has_flopscope([operand]):
                self.unpriced(node, "in-place numpy op with a flopscope operand", "not modelled")
                return
            # numpy's in-place op: free; the array keeps its shape, dtype and identity, and what
            # was known of its values is what the op made (`a += 2` of a 0-d 3 holds 5), for
            # every array over its buffer (nothing, where the op's result does not say)
            made = self.binop(node.op, current, operand, node)
            sym = current.sym
            self.write_in_place(current)
            current.sym = sym
            if isinstance(made, Array) and made.dtype == current.dtype and made.shape == current.shape:
                current.value, current.vrange, current.fbounds = made.value, made.vrange, made.fbounds
                if holds_ends(made):
                    hold_ends(current)
            self.assign(node.target, current)
            return
        if isinstance(current, Array):
            # Python evaluates the operand before calling __iadd__ & co., whose TypeError stops the
            # run as flopscope's does: the operand's ops are charged (`x += fnp.ones_like(x)`).
            self.eval(node.value)
            raise UserRaise(self.node_span(node), "TypeError: flopscope arrays are immutable "
                                                  "(`x op= y` on an array; write `x = x op y`)")
        operand = self.eval(node.value)
        if current.__class__ is ListVal and (current.is_set or current.view_of is not None):
            self.unfollowed_change(self.node_span(node), "set or dict view op=",
                                   "an in-place operator of a set of objects or a dict's view is not modelled")
        if isinstance(current, ListVal) and isinstance(node.op, (ast.Add, ast.Mult)):
            # `xs += ys` extends the list in place (every alias sees it), `xs *= n` repeats it
            if isinstance(node.op, ast.Add):
                items = self.iterate(operand, node)
                if items is None:
                    self.unfollowed_change(self.node_span(node), "list +=",
                                           "extends a list by a sequence whose length is not known")
                current.items.extend(items)
                if current.__class__ is DequeVal:
                    stdlib_containers.trim(current, left=True)
            else:
                repeated = self.binop(node.op, current, operand, node)
                if not isinstance(repeated, ListVal):
                    return
                current.items[:] = repeated.items
            self.assign(node.target, current)
            return
        # (the value read past counters.py's watch: only a set's in-place operators are looked for)
        if current.__class__ is Known and isinstance(current.__dict__["value"], set) \
                and isinstance(node.op, (ast.BitOr, ast.BitAnd, ast.Sub, ast.BitXor)):
            # `s |= t` changes the set itself (every alias sees it), as set.__ior__ does
            if not isinstance(operand, Known):
                self.unpriced(node, "set |=", "changes a set by items the analyzer does not know")
                return
            try:
                _SET_INPLACE[type(node.op)](current.value, operand.value)
            except TypeError as exc:
                raise UserRaise(self.node_span(node), f"TypeError: {exc}")
            self.assign(node.target, current)
            return
        if isinstance(current, DictVal) and operand.__class__ is DictVal and isinstance(node.op, ast.BitOr) \
                and not stdlib_containers.is_counter(current):
            # `d |= e` is `d.update(e)`: the dict itself changes, every alias sees it (`d | e` makes
            # a new one); a Counter's keeps the larger counts
            current.items.update(operand.items)
            self.assign(node.target, current)
            return
        if current.__class__ is InstanceVal or operand.__class__ is InstanceVal:
            done = flags.binary(type(node.op).__name__, current, operand, self.node_span(node))  # `mode |= Mode.B`
            if done is not None:
                self.assign(node.target, done)
                return
            done = dunders.binary(self, type(node.op).__name__, current, operand, self.node_span(node), inplace=True)
            if done is not None:  # the user's __iadd__ (else __add__/__radd__)
                self.assign(node.target, done)
                return
        value = self.binop(node.op, current, operand, node)
        self.assign(node.target, value)

    def _load_version(self, target: ast.expr) -> ast.expr:
        # One per target (`acc += x` in a loop, a cost model's running sum): made at every
        # execution, it was a tenth of a pure-Python planner's run.
        clone = _LOAD_VERSIONS.get(target)
        if clone is None:
            clone = ast.copy_location(type(target)(**{f: getattr(target, f) for f in target._fields}), target)
            clone.ctx = ast.Load()
            ast.fix_missing_locations(clone)
            _LOAD_VERSIONS[target] = clone
        return clone

    def stmt_Return(self, node: ast.Return) -> None:
        raise _Return(self.eval(node.value) if node.value is not None else Known(None))

    def stmt_Break(self, node) -> None:
        raise _Break()

    def stmt_Continue(self, node) -> None:
        raise _Continue()

    def stmt_If(self, node: ast.If) -> None:
        decisions = self.decisions
        first, used, asked = len(decisions.log), self.used, len(decisions.answers)
        taken = self.truth(node.test, node)
        if decisions.note_sites:
            ending_guards.note(self, node, asked)
        end = len(decisions.log)
        if len(decisions.answers) > asked and joins.comparable_stack(self):
            self._joinable_answers += len(decisions.answers) - asked
        self.exec_block(node.body if taken else node.orelse)
        if end > first:
            # Watched, the test consulted a site and the statement ended normally: record its join.
            joins.record(self, node, (first, end), used)


#: An augmented assignment's target -> the same expression read (Interpreter._load_version).
_LOAD_VERSIONS: "weakref.WeakKeyDictionary[ast.AST, ast.expr]" = weakref.WeakKeyDictionary()


#: `s op= t` of a set: the in-place operator (it changes the set itself).
_SET_INPLACE = {ast.BitOr: operator.ior, ast.BitAnd: operator.iand, ast.Sub: operator.isub, ast.BitXor: operator.ixor}
