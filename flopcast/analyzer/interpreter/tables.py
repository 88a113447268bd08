"""``type(node)`` -> the Interpreter method that runs it, filled once the class is composed
(faster than a getattr per node), and the wrappers that record joins around statements.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer import joins
from flopcast.syntax import ast_children
from flopcast.analyzer.interpreter.control import _Return


#: ``type(node)`` -> the Interpreter method that runs a statement (tables.fill).
_STMT_DISPATCH: dict = {}
#: The same, for runs watched for stages (their statements record boundaries, joins.py).
_STAGED_DISPATCH: dict = {}
#: ``type(node)`` -> the Interpreter method that evaluates an expression.
_EXPR_DISPATCH: dict = {}


def _joined_try(interp, node: ast.Try) -> None:
    """A try statement, recording its join when value-dependent raise points inside it were
    consulted and it ended normally (joins.py: a fallback that rejoins adds up with the rest)."""
    decisions = interp.decisions
    first, used, asked = len(decisions.log), interp.used, len(decisions.answers)
    try:
        interp.stmt_Try(node)
    except _Return as r:
        # A rung that returns (`try: return cholesky(c)`) ends its statement in the caller, where
        # the returned value is bound: the join is recorded there (_joined_statement).
        log = decisions.log
        r.joined = (first, used) if len(log) == first + 1 and log[first][0] == "raise" else None
        raise
    if len(decisions.answers) > asked and all(key[0] == "raise" for key, _ in decisions.answers[asked:]) \
            and joins.comparable_stack(interp):
        interp._joinable_answers += len(decisions.answers) - asked
    if len(decisions.log) > first and all(key[0] == "raise" for key in decisions.log[first:]):
        joins.record(interp, node, (first, len(decisions.log)), used)


def _chooses(value: Optional[ast.expr]) -> bool:
    """Whether an expression picks by a truth value (`a or b`, `x if t else y`) outside a lambda."""
    if value is None:
        return False
    # Kept on the node, as repeats keeps a loop's names: asked at every assignment and
    # expression statement run, where a weak table's lookup makes a weak reference each time.
    found = value.__dict__.get("_flopcast_chooses")
    if found is None:
        stack, found = [value], False
        while stack and not found:
            n = stack.pop()
            found = isinstance(n, (ast.BoolOp, ast.IfExp))
            stack.extend(c for c in ast_children(n) if not isinstance(c, ast.Lambda))
        value._flopcast_chooses = found
    return found


def _joined_statement(plain):
    """``plain`` for an assignment or expression statement, recording the joins it ends (joins.py).

    * A choice by a truth value in its own expression that consulted a site once, when nothing in
      it recorded a join of its own (`cov = cov / s if s > 1e30 else cov`, `default_rng(seed or
      None)`): the choice ends with its statement as an `if` does, so it rejoins or not by the same
      proof, and one consultation per join keeps the per-execution proof per execution. A
      `return` is left out: its value waits in the caller, where no walk of the state sees it.
    * When its whole value is a call: a try the callee returned out of after consulting one raise
      point (a fallback ladder's rung), once the statement has bound the value: the state the
      rest of the program sees is then walked as for any join, the callee's frame gone. Nothing
      may be consulted between the return and the statement's end.

    A join whose state cannot be compared is not kept: it would refuse a proof an ending site
    still gives."""
    def run(interp, node) -> None:
        value = node.value
        chooses, whole_call = _chooses(value), type(value) is ast.Call
        if not chooses and not whole_call:
            return plain(interp, node)
        decisions = interp.decisions
        first, used, asked, joined = len(decisions.log), interp.used, len(decisions.answers), len(interp.result.joins)
        if whole_call:
            interp._returned_try = None  # a statement cut short must not hand its return to a later one
        plain(interp, node)
        log = decisions.log
        if whole_call:
            returned, interp._returned_try = interp._returned_try, None
            if returned is not None:
                caller, span, rung_first, rung_used = returned
                if caller is interp.frame and len(log) == rung_first + 1 \
                        and joins.statement_of(interp.program, span) is node:
                    recorded = len(interp.result.joins)
                    joins.record(interp, node, (rung_first, len(log)), rung_used)
                    if interp.result.joins[-1].form is None:
                        del interp.result.joins[recorded:]
        if not chooses or len(log) != first + 1 or len(interp.result.joins) != joined:
            return
        joins.record(interp, node, (first, len(log)), used)
        if interp.result.joins[-1].form is None:
            del interp.result.joins[joined:]
            return
        if len(decisions.answers) > asked:
            interp._joinable_answers += len(decisions.answers) - asked

    return run


#: The most stage boundaries one watched run records (each walks the whole state).
MAX_STAGE_JOINS = 256


def _staged(plain):
    """``plain`` for an assignment or expression statement, recording its join when its whole
    value is a call that consulted sites and it ended normally (a stage boundary, joins.py)."""
    def run(interp, node) -> None:
        if not isinstance(node.value, ast.Call):
            return plain(interp, node)
        log = interp.decisions.log
        first, used = len(log), interp.used
        plain(interp, node)
        if len(log) > first and len(interp.result.joins) < MAX_STAGE_JOINS:
            joins.record(interp, node, (first, len(log)), used, call=True)

    return run


def fill(interpreter: type) -> None:
    """Fills the tables from the composed class (core.Interpreter): its methods come from every part."""
    methods = {name: getattr(interpreter, name) for name in dir(interpreter)}
    _STMT_DISPATCH.update({getattr(ast, name[len("stmt_"):]): fn for name, fn in methods.items()
                           if name.startswith("stmt_") and hasattr(ast, name[len("stmt_"):])})
    _STMT_DISPATCH[ast.Try] = _joined_try
    for kind in (ast.Assign, ast.AnnAssign, ast.Expr):
        _STMT_DISPATCH[kind] = _joined_statement(_STMT_DISPATCH[kind])
    _STAGED_DISPATCH.update({**_STMT_DISPATCH, **{kind: _staged(_STMT_DISPATCH[kind])
                                                  for kind in (ast.Assign, ast.AnnAssign, ast.Expr)}})
    _EXPR_DISPATCH.update({getattr(ast, name[len("expr_"):]): fn for name, fn in methods.items()
                           if name.startswith("expr_") and hasattr(ast, name[len("expr_"):])})
