"""Attributes the first call of ``predict`` writes, before anything can read them.

A first call that adds attributes to the instance (``self.log = []``, ``self.mu = [None] *
depth``) or writes over those the constructor made leaves a state unlike the one it started
from, so carried.py calls ``predict`` again on every path: about half of each run of
quantile_gram (66 runs at 1024x16), a third of rescue_ladder's. Where the call changed nothing
else, the second call need not run when what it can see of those attributes is what the first
saw: nothing. That holds when

* the state after the first call, with the new attributes left out and the written-over ones
  holding what they held before it, is the one it started from (carried.state: the instance,
  every module's globals, the classes, the lru_cache tables), the old attributes in their
  order. The instance is walked as a copy, so a state that reaches the instance otherwise than
  as the walk's root (a registry global, a class attribute, its own attribute) writes it out
  whole, as the call left it, where the state before wrote a reference, and differs;
* the body of ``predict`` begins (after a docstring) with plain assignments (``prefix``) to
  local names and to attributes of its first parameter, whose values never name that
  parameter nor reach a frame or a namespace by name (``super``, ``locals``, ``vars``, ...), and
  every attribute written is assigned by one of them. Guards may stand among them: an
  ``assert``, an expression statement, an ``if`` or ``match`` whose every branch returns or
  raises, each reading only what a value may (``_guard``; anderson_moments' predict returns
  early by a ``match`` on its plan before ``self.fields = {}``);
* no user code ran while those assignments, up to the last one the attributes need, wrote their
  targets (a property setter, ``__setattr__``: interpreter._prefix_assign counts the functions
  entered then). Their values may run user code (a planner object made and asked first, as
  rescue_ladder's predict begins): it is handed nothing that names the first parameter, and the
  other ways to the instance (module globals, classes, closures, the lru_cache tables) are in
  the state compared above, so code that read the instance through them is seen there
  (tests/fixtures/carried/prefix_helper.py, prefix_overwrites_reached.py).

Then, up to that assignment, both calls evaluate the same expressions on states that are the
same but for attributes neither can read (no code can reach the instance but through the
assignment targets), and write the same values to the same attributes; from there on their
states are the same (the first call's values of the attributes are overwritten, unread), so
the second call makes the first's moves, ends in the state the first left and so does every
later call: each costs what the first did (interpreter._add_second_call)."""

from __future__ import annotations

import ast
from contextlib import contextmanager
from typing import NamedTuple, Optional

from flopcast.analyzer import carried, pure_cache
from flopcast.analyzer.values import BoundMethod, FunctionVal, InstanceVal

#: Names a value may not load in the prefix: they reach the instance, a frame or a namespace
#: without naming the first parameter.
_REACHING = frozenset({"super", "locals", "vars", "globals", "eval", "exec", "compile", "__import__", "breakpoint"})
#: Attributes a value may not read in the prefix (frames, bound receivers, namespaces).
_REACHING_ATTRS = frozenset({"_getframe", "currentframe", "f_locals", "f_back", "f_globals", "stack",
                             "__self__", "__dict__", "__closure__", "gi_frame", "__globals__"})
#: Expressions that bind names, make code or suspend: not in the prefix.
_NOT_PLAIN = (ast.Lambda, ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)


class Prefix(NamedTuple):
    """The plain assignments ``predict``'s body begins with."""

    position: dict  # each of them -> its place among them
    through: tuple  # place -> the attributes of the first parameter assigned up to it


_NONE = object()


def prefix(node: ast.AST) -> Optional[Prefix]:
    """``predict``'s prefix (kept on its node), or None when it assigns no attribute."""
    try:
        found = node._flopcast_prefix
    except AttributeError:
        found = _prefix(node)
        node._flopcast_prefix = _NONE if found is None else found
    return None if found is _NONE else found


def _prefix(node: ast.AST) -> Optional[Prefix]:
    if type(node) is not ast.FunctionDef:
        return None
    params = node.args.posonlyargs + node.args.args
    if not params:
        return None
    me = params[0].arg
    body = node.body
    start = 0
    while start < len(body) and (type(body[start]) is ast.Pass or type(body[start]) is ast.Expr
                                 and type(body[start].value) is ast.Constant):
        start += 1
    assigns: list = []
    through: list = []
    names: set = set()
    for stmt in body[start:]:
        if _guard(stmt, me):
            continue
        if type(stmt) is not ast.Assign or not _plain(stmt.value, me):
            break
        got: set = set()
        if not all(_target(t, me, got) for t in stmt.targets):
            break
        names |= got
        assigns.append(stmt)
        through.append(frozenset(names))
    if not names:
        return None
    return Prefix({stmt: k for k, stmt in enumerate(assigns)}, tuple(through))


def _guard(stmt: ast.stmt, me: str) -> bool:
    """A statement that, when it ends normally, has only evaluated plain expressions: an
    ``assert``, an expression statement, or an ``if`` / ``match`` every branch of which ends in a
    ``return`` or a ``raise`` (predict's early exits: ``if width > LIMIT: return fnp.zeros(...)``,
    ``match plan: case Plan(mode="zero"): return ...``). A call that went on past it took no
    branch; a later call, evaluating the same tests on a state it cannot tell apart, takes none
    either. Patterns capture no names (nor may a test bind one, as no prefix value may)."""
    kind = type(stmt)
    if kind is ast.Assert:
        return _plain(stmt.test, me) and (stmt.msg is None or _plain(stmt.msg, me))
    if kind is ast.Expr:
        return _plain(stmt.value, me)
    if kind is ast.If:
        branches = [stmt.body] + ([stmt.orelse] if stmt.orelse else [])
        return _plain(stmt.test, me) and all(_leaves(b) for b in branches)
    if kind is ast.Match:
        return _plain(stmt.subject, me) and all(
            _plain_pattern(case.pattern, me) and (case.guard is None or _plain(case.guard, me)) and _leaves(case.body)
            for case in stmt.cases)
    return False


def _leaves(body: list) -> bool:
    """Whether a block never ends normally: its last statement returns or raises (no loop or try
    encloses the prefix, so nothing after it in the block can be skipped to)."""
    return type(body[-1]) in (ast.Return, ast.Raise)


def _plain_pattern(pattern: ast.pattern, me: str) -> bool:
    for n in ast.walk(pattern):
        if type(n) in (ast.MatchAs, ast.MatchStar) and n.name is not None:
            return False
        if type(n) is ast.MatchMapping and n.rest is not None:
            return False
        if isinstance(n, ast.expr) and not _plain(n, me):
            return False
    return True


def _plain(value: ast.expr, me: str) -> bool:
    for n in ast.walk(value):
        if isinstance(n, _NOT_PLAIN):
            return False
        if type(n) is ast.Name and (n.id == me or n.id in _REACHING):
            return False
        if type(n) is ast.Attribute and n.attr in _REACHING_ATTRS:
            return False
    return True


def _target(t: ast.expr, me: str, got: set) -> bool:
    """A local name or an attribute of the first parameter (or a tuple or list of them)."""
    if type(t) is ast.Name:
        return t.id != me
    if type(t) is ast.Attribute:
        if type(t.value) is ast.Name and t.value.id == me:
            got.add(t.attr)
            return True
        return False
    if type(t) in (ast.Tuple, ast.List):
        return all(_target(e, me, got) for e in t.elts)
    if type(t) is ast.Starred:
        return _target(t.value, me, got)
    return False


class Armed(NamedTuple):
    """What a first call's proof needs, taken before it: its prefix, the instance's attribute
    names, the values of those the prefix assigns, and (filled as the prefix runs:
    interpreter._prefix_assign) how many user functions writing its targets entered, from the
    first assignment through each."""

    prefix: Prefix
    names: tuple
    entered: dict  # "writing" | place -> functions entered writing the targets so far
    old: dict  # attribute the prefix assigns -> the value it held before the call


def arm(instance, predict) -> Optional[Armed]:
    """For a first call of ``predict`` (a plain method of a plain instance) whose body begins
    with a prefix; None otherwise."""
    if type(instance) is not InstanceVal or type(predict) is not BoundMethod or predict.receiver is not instance:
        return None
    fn = predict.function
    if type(fn) is not FunctionVal or fn.cached or fn.attrs or fn.kind != "function":
        return None
    found = prefix(fn.node)
    if found is None:
        return None
    attrs = instance.attrs
    return Armed(found, tuple(attrs), {}, {k: attrs[k] for k in found.through[-1] if k in attrs})


class Added(NamedTuple):
    """What a first call added that no later call can tell from its absence: the attributes its
    prefix wrote first, those it wrote over (each with the value it held before the call), and the
    lru_cache entries whose hits stand in for its runs (pure_cache.py)."""

    attrs: tuple
    entries: tuple
    overwritten: tuple = ()  # (name, the value before the call)


def added(interp, instance, armed: Optional[Armed], cache_before: frozenset) -> Optional[Added]:
    """After the first call: the attributes it added (``armed``: its prefix, None when it had
    none) and the cache entries it added (``cache_before``: the tables' keys before it), when
    each is of the kinds the module's comment and pure_cache.py prove; None when one is not, or
    it added nothing."""
    attrs: tuple = ()
    overwritten: tuple = ()
    if armed is not None:
        now = instance.attrs
        names = tuple(now)
        old = armed.names
        if names[:len(old)] != old:
            return None
        attrs = names[len(old):]
        overwritten = tuple((k, v) for k, v in armed.old.items() if now[k] is not v)
        if attrs or overwritten:
            written = frozenset(attrs) | {k for k, _ in overwritten}
            last = next((k for k, through in enumerate(armed.prefix.through) if written <= through), None)
            entered = armed.entered
            if last is None or entered.get(last) != 0:  # (None: the prefix did not run that far)
                return None
    entries = tuple(k for k in interp._cache_results if k not in cache_before)
    if not all(pure_cache.stands_in(interp, k) for k in entries):
        return None
    return Added(attrs, entries, overwritten) if attrs or entries or overwritten else None


@contextmanager
def hidden(interp, instance, found: Added):
    """The instance to walk (a copy without the added attributes and with the values the written
    over ones held before the call: a state that reaches the instance otherwise than as the
    walk's root writes it out whole, as the call left it, and differs), with the added entries
    left out of the tables until the walks are done."""
    attrs = instance.attrs
    copy = instance
    if found.attrs or found.overwritten:
        before = dict(found.overwritten)
        copy = InstanceVal(instance.cls, {k: before.get(k, v) for k, v in attrs.items() if k not in found.attrs},
                           instance.payload)
    table = interp._cache_results
    order = list(table)
    entries = {k: table.pop(k) for k in found.entries}
    try:
        yield copy
    finally:
        if entries:
            now = dict(table)
            table.clear()
            table.update((k, now[k] if k in now else entries[k]) for k in order)


def added_unread(interp, instance, before: tuple, found: Optional[Added]) -> bool:
    """After the first call (its state unlike ``before``, carried.state's): whether it only added
    attributes that no code could read before the prefix wrote them (the module's comment) and
    cache entries whose hits stand in for its runs (pure_cache.py)."""
    if found is None:
        return False
    with hidden(interp, instance, found) as walked:
        return carried.state(interp, walked) == before
