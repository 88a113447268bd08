"""Which names of a function's frame the code after a statement may still read (liveness).

Joins compare only the live part of a frame's state (joins.py), and a stop that returns reads
only what its caller reads again (late_stops.py): both ask :func:`live_after`.
"""

from __future__ import annotations

import ast
import weakref
from typing import Optional

from flopcast.analyzer import write_only
from flopcast.syntax import ast_walk, calls_introspection

_LIVE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def live_after(function: ast.AST, stmt: ast.stmt, dead: frozenset = frozenset()) -> Optional[frozenset]:
    """The names of ``function``'s frame that code after ``stmt`` may read (None: any of them):
    what the rest of its block and of every enclosing block loads, whole loops around it
    (their next iterations), the handlers and `finally` of a `try` around it, and whatever
    functions defined inside it load (closures read their variables when called). A name
    only stored into an attribute the program never reads (``dead``: ``self.fits.append(how)``)
    is not read by that."""
    cache = _LIVE.get(function)
    if cache is None:
        cache = _LIVE[function] = {}
    key = (id(stmt), dead)
    if key not in cache:
        cache[key] = _compute_live(function, stmt, dead)
    return cache[key]


def _compute_live(function: ast.AST, stmt: ast.stmt, dead: frozenset) -> Optional[frozenset]:
    body = getattr(function, "body", None)
    if not isinstance(body, list):
        return None
    chain = _chain_to(body, stmt)
    if chain is None:
        return None
    live: set = set()
    nested = [n for n in ast_walk(function) if n is not function
              and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))]
    for n in nested:
        live |= loads(n, dead)
    if calls_introspection(ast_walk(function)):
        return None
    for owner, block, index in chain:
        for later in block[index + 1:]:
            live |= loads(later, dead)
        if isinstance(owner, (ast.For, ast.AsyncFor, ast.While)):
            live |= loads(owner, dead)
        elif isinstance(owner, ast.Try) or type(owner).__name__ == "TryStar":
            for part in (owner.handlers, owner.orelse, owner.finalbody):
                for n in part:
                    live |= loads(n, dead)
    return frozenset(live)


def _chain_to(body: list, stmt: ast.stmt, owner=None) -> Optional[list]:
    """(compound statement, block, index) from ``stmt`` out to the function body, innermost first."""
    for i, s in enumerate(body):
        if s is stmt:
            return [(owner, body, i)]
        for part in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(s, part, None)
            if not isinstance(inner, list):
                continue
            blocks = [h.body for h in inner] if part in ("handlers", "cases") else [inner]
            for block in blocks:
                found = _chain_to(block, stmt, s)
                if found is not None:
                    return found + [(owner, body, i)]
    return None


def loads(node: ast.AST, dead: frozenset = frozenset()) -> set:
    out = set()
    stored = _stored_into_dead(node, dead) if dead else ()
    for n in ast_walk(node):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store) and n not in stored:
            out.add(n.id)
        elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            out.add(n.target.id)
    return out


def _stored_into_dead(node: ast.AST, dead: frozenset) -> set:
    """The plain names whose only use in a statement is to be stored into a write-only attribute:
    ``self.fits.append(how)``, ``self.last = how`` (evaluating a name does nothing else)."""
    found = set()
    for n in ast_walk(node):
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call):
            func = n.value.func
            if isinstance(func, ast.Attribute) and func.attr in write_only.SAFE_MUTATORS \
                    and isinstance(func.value, ast.Attribute) and func.value.attr in dead:
                found |= {a for a in n.value.args if isinstance(a, ast.Name)}
        elif isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) \
                and all(isinstance(t, ast.Attribute) and t.attr in dead for t in n.targets):
            found.add(n.value)
    return found


#: What the statements from a point on do with one name: read it before binding it anew (READ),
#: bind it anew on every path that does not first leave them by a jump, or end the function's run
#: (BOUND), or neither (OPEN: what follows them decides).
READ, BOUND, OPEN = "read", "bound", "open"


def read_again(function: ast.AST, stmt: ast.stmt, name: str) -> bool:
    """Whether code after ``stmt`` may read the value ``name`` holds when ``stmt`` completes: a
    path from there reaches a read of it before a binding of it (flow-sensitive, unlike
    live_after: ``lam = top_eig(w)`` at the top of every pass that reads ``lam`` leaves the last
    pass's ``lam`` unread). True wherever the syntax cannot tell (a nested scope reads it, a ``try``
    around ``stmt`` may read it in a handler, ``finally`` or ``else``, introspection)."""
    body = getattr(function, "body", None)
    chain = _chain_to(body, stmt) if isinstance(body, list) else None
    if chain is None or calls_introspection(ast_walk(function)):
        return True
    if any(name in loads(n) for n in ast_walk(function) if n is not function
           and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))):
        return True
    # (an exception raised on the way, before the binding, may reach a handler of a try around it)
    if any(name in loads(n) for owner, _, _ in chain if isinstance(owner, ast.Try) or type(owner).__name__ == "TryStar"
           for part in (owner.handlers, owner.orelse, owner.finalbody) for n in part):
        return True
    for owner, block, index in chain:
        fate = sequence_fate(block[index + 1:], name)
        if fate is not OPEN:
            return fate is READ
        if isinstance(owner, (ast.For, ast.AsyncFor, ast.While)) and loop_reads(owner, name):
            return True
    return False


def loop_reads(loop: ast.stmt, name: str) -> bool:
    """Whether a next pass of ``loop`` (its test or iteration, then its body from the top), or its
    ``else``, may read ``name`` before binding it."""
    if isinstance(loop, ast.While):
        if name in loads(loop.test):
            return True
        passes = sequence_fate(loop.body, name)
    else:
        bound_by_target = name in {n.id for n in ast_walk(loop.target) if isinstance(n, ast.Name)}
        if name in loads(loop.iter) or name in loads(loop.target):
            return True
        passes = BOUND if bound_by_target else sequence_fate(loop.body, name)
    return passes is READ or sequence_fate(loop.orelse, name) is READ


def sequence_fate(stmts: list, name: str) -> str:
    """READ, BOUND or OPEN for ``name`` over ``stmts`` run in order; a jump (``break``,
    ``continue``) before the binding leaves it OPEN: the path it takes goes on elsewhere."""
    jumped = False
    for s in stmts:
        fate = _fate(s, name)
        if fate is READ:
            return READ
        if fate is BOUND:
            return OPEN if jumped else BOUND
        jumped = jumped or _may_jump(s)
    return OPEN


def _fate(s: ast.stmt, name: str) -> str:
    if isinstance(s, ast.If):
        if name in loads(s.test):
            return READ
        arms = (sequence_fate(s.body, name), sequence_fate(s.orelse, name))
        return READ if READ in arms else BOUND if arms == (BOUND, BOUND) else OPEN
    if isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
        return READ if loop_reads(s, name) else OPEN
    if isinstance(s, (ast.Assign, ast.AnnAssign)) and s.value is not None:
        if name in loads(s):
            return READ
        targets = s.targets if isinstance(s, ast.Assign) else [s.target]
        whole = {e.id for t in targets for e in (t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t])
                 if isinstance(e, ast.Name)}
        return BOUND if name in whole else OPEN
    if isinstance(s, (ast.Return, ast.Raise)):
        # (the run of the function ends here, or goes to a handler: those are checked as such)
        return READ if name in loads(s) else BOUND
    return READ if name in loads(s) else OPEN


def _may_jump(s: ast.stmt) -> bool:
    """Whether ``s`` may leave the statements it is in by a ``break`` or ``continue`` of a loop
    around it (not one of a loop inside it, whose ``else`` still jumps for the loop around)."""
    todo = [s]
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.Break, ast.Continue)):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(n, (ast.For, ast.AsyncFor, ast.While)):
            todo.extend(n.orelse)
            continue
        todo.extend(c for c in ast.iter_child_nodes(n) if isinstance(c, (ast.stmt, ast.excepthandler, ast.match_case)))
    return False
