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
