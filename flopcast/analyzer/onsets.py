"""Sites in a loop that steer its carried state: explored switching at each execution.

A path answers a value-dependent site alike at every execution (decisions.py). Inside a loop,
a site whose arms write state the loop carries into a later test (a stall counter stepped or
reset, a flag set: ``if stalled >= 2 and not restarted:``) makes that later test answer at a
different iteration when a real run's answers change from one iteration to the next: a one-shot
restart fires at iteration 5 in the run, at iteration 2 or never on the two alike paths, and
costs more at 5 than at either (its work grows with the iteration).

Such a *steering* site also takes the options "answer as the alike path does up to execution k,
the other way from k on", for every k > 1 at which the path met it: every iteration at which the
state it steers may first change. A run whose answers switch once is then a path; one whose
answers switch back and forth again is not, and the site is still named among those the total
assumes answer alike (alike.py). A loop that meets the site more times than the cap on paths
allows leaves the high end open (paths.py's floor), as any tree past the cap does.

Only an ``if`` in a loop of its own function is read so: its arms set a count or a flag (a
constant, a step by a constant, a toggle ``flag = not flag``, a cap ``cap = min(cap, i)``: a name,
attribute or container item the loop does not assign afresh before the ``if`` at each iteration),
grow a container (``hits.append(i)``, ``hits += [i]``), or call a function for its effect on an
object (``stall.step()``, ``mark(run)``; what a function or method the module defines under the
name called does is the arm's own, as is one a sibling module of the submission defines that it
imports: ``state.flip()`` toggling ``self.up``, ``note(f)`` growing a module's ``FLAGS``; a name
holding a bound method, ``note = FLAGS.append``, is called as that method), that another test in
the loop reads (a nested ``if`` or ``while``, a conditional expression, a ``match`` subject or
case guard; an object's attribute, for a call; what a function the test calls reads of state it
does not make, ``seen()`` reading ``len(FLAGS)``), or that an assignment in the loop reads to
compute such a name (``done = hits >= 2``).
Two kinds of state keep the alike answers: one a test reads only to stop the loop (``if stable >=
2: break``, the ``while`` loop's own test: a later switch stops it between the two alike ends
where the work after the loop does not depend on where it stopped; a stop test whose later work
reads state the loop changed is switched where that state changes, late_stops.py), and a label every arm sets to a constant that the loop reads only after the ``if`` (``kind =
"gauss"`` / ``kind = "moment"``: a function of this execution's answer alone).

One switch covers every run only where the steered state can open a gate once: the runs then
differ only in the iteration it opens at. A site that toggles its state (``flag = not flag``), whose
count a test reads modulo (``k % 2``), whose state a gate resets when it fires (``stalled = 0``
in a restart allowed twice), or whose arms each record their answer in a container a test reads
(``note(1)`` / ``note(0)``) can open it at any set of iterations: the site is *repeating*, and
once a path meets it twice the analysis leaves the high end open (api.py) rather than claim an
interval such runs escape.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field
from typing import Optional

from flopcast.syntax import dotted, own_nodes



@dataclass(frozen=True)
class Onset:
    """A steering site's plan on one path: ``first`` at executions before ``at`` (from 1), the
    other answer from execution ``at`` on."""

    first: bool
    at: int

    def answer(self, execution: int) -> bool:
        return self.first if execution < self.at else not self.first


@dataclass(frozen=True)
class Steering:
    """What an ``if`` in a loop does to the state the loop's other tests read: whether it steers it
    (its switches are explored), and why one switch does not cover every run ("": it does)."""

    steers: bool = False
    repeats: str = ""

    def site_fields(self) -> dict:
        """The fields of a decisions.Site that say so."""
        return {"steers": self.steers, "repeats": self.repeats}


NONE = Steering()


def steering(stmt: ast.stmt, loop: ast.stmt, module=None, program=None) -> Steering:
    """How the ``if`` ``stmt`` in ``loop``'s body steers state the loop carries into another of
    its tests. ``module`` (program.Module): the module holding them, where the functions its arms
    call are looked up, and in the sibling modules of ``program`` it imports them from."""
    if stmt.__class__ is not ast.If:
        return NONE
    return _memo(_steering, stmt, loop, module, program)


def _memo(read, stmt: ast.stmt, loop: ast.stmt, module, program) -> Steering:
    """``read(stmt, loop, defs)``, worked out once per loop and statement (kept while the loop's tree lives)."""
    per_loop = _STEERING.get(loop)
    if per_loop is None:
        per_loop = _STEERING[loop] = {}
    # (the entry file's twin runs the same statements, its imports reaching other modules)
    key = (stmt, module is not None and bool(module.twin_of))
    found = per_loop.get(key)
    if found is None:
        found = per_loop[key] = read(stmt, loop, _Defs.of(module, program))
    return found


def _steering(stmt: ast.If, loop: ast.stmt, defs: "_Defs") -> Steering:
    arms = stmt.body + stmt.orelse
    called = _called(_effects(arms, defs), defs)
    written = {t for n in own_nodes(arms) if _counts(n) for t in _written_targets(n)} | _grown(arms, defs) \
        | called.written | called.grown
    objects = _affected(arms, defs)
    if not written and not objects:
        return NONE
    # A test that only stops the loop (``if stable >= 2: break``, the ``while`` loop's own test) is
    # left to the alike answers: a switch there stops the loop at a later iteration, which costs
    # less than the never-stopping path's work, a bootstrap's early stop as well as a solver's
    # tolerance, and each such loop's switches would fill the path cap (an interval becomes a
    # lower bound whose high end is open). Switches are for gates that do work once they open.
    gates = [n for n in own_nodes(loop.body) if n.__class__ in (ast.If, ast.While, ast.IfExp, ast.Match)
             and n is not stmt and not _stops(n)]
    tests = [t for n in gates for t in _tests(n)]
    read = _read_by(tests, loop.body)
    if _goes_on(stmt.body) or _goes_on(stmt.orelse):
        # its own test at a later iteration reads what an arm changed, through an array made of it
        # too (``jitter *= 4.0; continue`` after a failed check of ``m = ... - (2.0 - jitter) *
        # eye``): the values it tests change with it, so may its answer
        tests.append(stmt.test)
        read |= _read_by([stmt.test], loop.body, every=True)
    read |= _read_through_calls(tests, loop.body, read, defs)
    reset = _reset_before(stmt, loop) | _labels(stmt, loop)
    steered = (written & read) - reset
    # an object a call in an arm was given or called on steers through the attributes of it a test
    # reads; what the call changes is not known, so only what the arms write can be repeating
    if not steered and not {r for r in read for o in objects if r.startswith(o + ".")} - reset:
        return NONE
    return Steering(True, _repeats(stmt, loop, steered, gates, tests, read, defs))


def retrying(stmt: ast.Try, loop: ast.stmt, module=None, program=None) -> Steering:
    """How the ``try`` ``stmt`` in ``loop``'s body steers what its own body reads: an except clause
    that lets the loop go on and changes a name, attribute or object the body reads (``jitter *=
    4.0; continue`` before a Cholesky of ``... - (2.0 - jitter) * eye``) makes a raise there answer
    otherwise at a later execution (fail up to the k-th try, succeed from it), as no alike path
    does. ``module``, ``program``: as for ``steering``."""
    return _memo(_retrying, stmt, loop, module, program)


def joined(found: list) -> Steering:
    """How a site steers whose raise may reach the except clauses of each try whose steering is
    in ``found`` (retrying): where one steers, with the first reason one switch does not cover
    its runs: each try's options are explored, never fewer."""
    steer = [s for s in found if s.steers]
    if not steer:
        return NONE
    return Steering(True, next((s.repeats for s in steer if s.repeats), ""))


_ASSIGNS = (ast.Assign, ast.AugAssign, ast.AnnAssign)


def _retrying(stmt: ast.Try, loop: ast.stmt, defs: "_Defs") -> Steering:
    if not any(n is stmt for n in own_nodes(loop.body)):
        return NONE  # (a try around the loop: its clause runs once, after the loop)
    # a clause that leaves the loop (break, return, raise) ends the retries: what it changes is
    # read by no later try
    arms = [st for h in stmt.handlers if _goes_on(h.body) for st in h.body]
    called = _called(_effects(arms, defs), defs)
    # any value assigned counts here, not only _counts' counts and flags: the body's op reads it
    written = {t for n in own_nodes(arms) if n.__class__ in _ASSIGNS for t in _written_targets(n)} | _grown(arms, defs) | called.written | called.grown
    objects = _affected(arms, defs)
    if not written and not objects:
        return NONE
    functions = {id(n.func) for n in own_nodes(stmt.body) if n.__class__ is ast.Call}
    read = _read_by([n for n in own_nodes(stmt.body) if _loaded(n) and id(n) not in functions], loop.body, every=True)
    read |= _read_through_calls(stmt.body, loop.body, read, defs)
    # a name the body sets too is the clause's stand-in for the body's result (``gamma =
    # zeros(...)`` for a failed lstsq's ``gamma``): each try's own answer, as a label's is
    reset = _reset_before(stmt, loop) | {t for n in own_nodes(stmt.body) if n.__class__ in _ASSIGNS
                                         for t in _written_targets(n)}
    steered = (written & read) - reset
    if not steered and not {r for r in read for o in objects if r.startswith(o + ".")} - reset:
        return NONE
    if any(_toggles(n) and dotted(n.targets[0]) in steered for n in own_nodes(arms)) or called.toggled & steered:
        return Steering(True, "its except clause toggles a flag its try body reads")
    return Steering(True)


def _goes_on(arm: list) -> bool:
    """Whether the loop may go on after the block ``arm`` runs: it ends in no break, return or raise."""
    return bool(arm) and arm[-1].__class__ not in (ast.Break, ast.Return, ast.Raise)


def _tests(n: ast.AST) -> list:
    """The expressions ``n`` (an ``if``, ``while``, conditional expression or ``match``) tests."""
    if n.__class__ is ast.Match:
        return [n.subject, *(c.guard for c in n.cases if c.guard is not None)]
    return [n.test]


def _repeats(stmt: ast.If, loop: ast.stmt, steered: set, gates: list, tests: list, read: set,
             defs: "_Defs") -> str:
    """Why the state ``stmt`` steers can open a gate at more than one iteration, each run at its
    own (a toggle, a count read modulo, a gate that resets it, a record of every answer); "" when
    it opens one once. ``tests``: what the ``gates`` test; ``read``: what they read (_read_by)."""
    arms = stmt.body + stmt.orelse
    if any(_toggles(n) and dotted(n.targets[0]) in steered for n in own_nodes(arms)) \
            or _called(_effects(arms, defs), defs).toggled & steered:
        return "its arm toggles a flag a later test reads"
    if _recorded(stmt, defs) & steered:
        # the container holds the sequence of answers, so what a test reads of it (a sum, an item)
        # may be any function of that sequence, not of the iteration it first changed at
        return "each arm records its answer in a container a later test reads"
    # a test's own expression, or a plain assignment computing what a test reads (``odd = k % 2``)
    feeding = tests + [n.value for n in own_nodes(loop.body) if _plain(n) and {dotted(t) for t in _targets(n)} & read]
    for n in own_nodes(feeding):
        if n.__class__ is ast.BinOp and n.op.__class__ is ast.Mod \
                and any(dotted(e) in steered for e in ast.walk(n.left)):
            return "a later test reads its count modulo a number"
    own = {id(n) for n in own_nodes([stmt])}
    for gate in gates:
        # (a gate in the site's own arms, an ``elif`` of it, is one of its answers; one around it
        # decides whether it is asked at all)
        if gate.__class__ is ast.If and id(gate) not in own and id(stmt) not in {id(n) for n in own_nodes([gate])} \
                and _read_by([gate.test], loop.body) & steered \
                and any(_written_targets(n) & steered for n in own_nodes(gate.body)
                        if n.__class__ in (ast.Assign, ast.AugAssign) and id(n) not in own):
            return f"the gate at line {gate.lineno} resets what it reads, and may open again"
    return ""


def _read_by(tests: list, body: list, every: bool = False) -> set:
    """The names and attributes the ``tests`` read, and those read to compute them in ``body``
    (``done = hits >= 2`` before ``while not done``), to a fixed point; by every assignment where
    ``every``, not only plain ones (an array made of them, ``m = w - jitter * eye``). A called
    function's name (``fnp.max`` in ``fnp.max(x)``) is no state read."""
    called = {id(n.func) for test in tests for n in ast.walk(test) if n.__class__ is ast.Call}
    read = {dotted(n) for test in tests for n in ast.walk(test)
            if n.__class__ in (ast.Name, ast.Attribute) and id(n) not in called}
    assigns = [n for n in own_nodes(body) if _plain(n) or every and n.__class__ in (ast.Assign, ast.AugAssign)
               or every and n.__class__ is ast.AnnAssign and n.value is not None]
    grown = True
    while grown:
        grown = False
        for n in assigns:
            if {dotted(t) for t in _targets(n)} & read:
                more = {dotted(e) for e in ast.walk(n.value) if e.__class__ in (ast.Name, ast.Attribute)} - read
                if more:
                    read |= more
                    grown = True
    return read - {None}  # (an attribute of a value made, ``f(x).shape``: no state named)


def _read_through_calls(tests: list, body: list, read: set, defs: "_Defs") -> set:
    """What the functions and methods called in the ``tests`` (or in an assignment in ``body`` to
    what they ``read``: ``n = seen()``) read of state they do not make, as the caller names it
    (``seen()`` returning ``len(FLAGS)``: ``FLAGS``)."""
    feeding = [n.value for n in own_nodes(body) if n.__class__ in (ast.Assign, ast.AugAssign, ast.AnnAssign)
               and n.value is not None and {dotted(t) for t in _targets(n)} & read]
    return {name for expr in tests + feeding for c in ast.walk(expr) if c.__class__ is ast.Call
            for name in _reads_of_call(c, defs)}


def _reads_of_call(call: ast.Call, defs: "_Defs") -> set:
    """What the defs ``call`` may run read of state they do not make, as the caller names it."""
    found = set()
    for fn, bound, home in defs.callees(call):
        given = _given(fn, call, bound)
        found |= {_in_caller(name, given, defs, home) for name in _reads(fn, home)}
    return found - {None}


def _scope(fn: ast.AST) -> tuple:
    """The names ``fn`` declares global or nonlocal, and those it makes its own: assigned, not
    declared, not a parameter (a parameter assigned afresh is still read as the object given:
    more state outside, not less)."""
    declared = {name for n in own_nodes(fn.body) if n.__class__ in (ast.Global, ast.Nonlocal) for name in n.names}
    local = {n.id for n in own_nodes(fn.body) if n.__class__ is ast.Name and n.ctx.__class__ is ast.Store} - declared \
        - set(_given(fn, None, False))
    return declared, local


def _reads(fn: ast.AST, defs: "_Defs") -> frozenset:
    """The names and attributes ``fn`` (and the defs it calls in turn) reads of state it does not
    make: a name it does not assign (or declares global), an attribute or item of a parameter."""
    found = defs.reads.get(fn)
    if found is not None:
        return found
    defs.reads[fn] = frozenset()  # (a def that calls itself: what it reads is its own body's)
    local = _scope(fn)[1]
    names = {dotted(n) for n in own_nodes(fn.body) if _loaded(n)} - {None}
    inner = {name for c in own_nodes(fn.body) if c.__class__ is ast.Call for name in _reads_of_call(c, defs)}
    found = defs.reads[fn] = frozenset({name for name in names | inner if name.partition(".")[0] not in local})
    return found


#: what a plain value is made of: names, numbers and their arithmetic, no call, item or array op
_PLAIN = (ast.Name, ast.Attribute, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Load,
          ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.Tuple)


def _counts(n: ast.AST) -> bool:
    """Whether ``n`` sets a count or a flag: a constant (``stalled = 0``, ``restarted = True``), a
    step by a constant (``stalled += 1``, ``left = left - 1``, ``counts[key] += 1``), a toggle
    (``flag = not flag``) or a cap (``cap = min(cap, i)``). A value of other names (a bisection's
    ``hi = mid``) moves alike whichever way the test answers, as far as the loop's known tests see."""
    if n.__class__ is ast.AugAssign:
        return n.value.__class__ is ast.Constant
    if n.__class__ is not ast.Assign:
        return False
    value = n.value
    if value.__class__ is ast.Constant or _toggles(n):
        return True
    own = dotted(n.targets[0]) if len(n.targets) == 1 else None
    if own is None:
        return False
    if value.__class__ is ast.Call and value.func.__class__ is ast.Name and value.func.id in ("min", "max"):
        return any(dotted(a) == own for a in value.args)
    return value.__class__ is ast.BinOp and value.right.__class__ is ast.Constant and dotted(value.left) == own


def _toggles(n: ast.AST) -> bool:
    """Whether ``n`` is ``flag = not flag``."""
    return n.__class__ is ast.Assign and len(n.targets) == 1 and n.value.__class__ is ast.UnaryOp \
        and n.value.op.__class__ is ast.Not and dotted(n.targets[0]) is not None \
        and dotted(n.value.operand) == dotted(n.targets[0])


#: the methods that grow a container in place: its length is a count they step. One emptied
#: (``history.clear()``) is not read so, by choice: a history's restarts in a convergence loop
#: would fill the path cap (anderson_moments), as a loop's stop tests would.
_GROWERS = frozenset({"append", "appendleft", "extend", "insert", "add"})


def _effects(arms: list, defs: "_Defs") -> list:
    """The calls in ``arms`` made for their effect alone (a statement of its own: ``hits.append(i)``,
    ``stall.step()``, ``mark(run)``). A call of a name that holds a bound method (``note =
    FLAGS.append``; ``note(f)``) is read as that method's call (``FLAGS.append(f)``)."""
    calls = [n.value for n in own_nodes(arms) if n.__class__ is ast.Expr and n.value.__class__ is ast.Call]
    return [bound for c in calls for bound in defs.unbind(c)]


def _grown(arms: list, defs: "_Defs") -> set:
    """The containers a call in ``arms`` grows (``hits.append(i)``: ``hits``), or an assignment
    adding a display to them (``hits += [i]``)."""
    return {name for c in _effects(arms, defs) for name in _grown_by(c)} \
        | {name for n in own_nodes(arms) if (name := _added_to(n)) is not None}


#: what a container is grown by when added to it: a list, tuple or list comprehension written out
_DISPLAYS = (ast.List, ast.Tuple, ast.ListComp)


def _added_to(n: ast.AST) -> Optional[str]:
    """The container the statement ``n`` grows by adding a display to it (``hits += [i]``, ``hits =
    hits + [i]``), dotted; None for any other statement."""
    if n.__class__ is ast.AugAssign and n.op.__class__ is ast.Add and n.value.__class__ in _DISPLAYS:
        return dotted(n.target)
    if n.__class__ is ast.Assign and len(n.targets) == 1 and n.value.__class__ is ast.BinOp \
            and n.value.op.__class__ is ast.Add and n.value.right.__class__ in _DISPLAYS \
            and dotted(n.value.left) is not None and dotted(n.value.left) == dotted(n.targets[0]):
        return dotted(n.targets[0])
    return None


def _grown_by(call: ast.Call) -> set:
    """The container ``call`` grows in place, if it is one of its growing methods."""
    if call.func.__class__ is ast.Attribute and call.func.attr in _GROWERS:
        return {dotted(call.func.value)} - {None}
    return set()


def _recorded(stmt: ast.If, defs: "_Defs") -> set:
    """The containers both arms of ``stmt`` grow, each by calls or additions of its own (``note(1)`` /
    ``note(0)`` appending to a module's ``FLAGS``, ``hits += [1]`` / ``hits += [0]``): the items
    record which way each execution answered."""
    if not stmt.orelse:
        return set()
    arms: list = [{}, {}]
    for held, arm in zip(arms, (stmt.body, stmt.orelse)):
        for c in _effects(arm, defs):
            for name in _grown_by(c) | _called([c], defs).grown:
                held.setdefault(name, set()).add(ast.dump(c))
        for n in own_nodes(arm):
            if (name := _added_to(n)) is not None:
                held.setdefault(name, set()).add(ast.dump(n))
    return {name for name in arms[0].keys() & arms[1].keys() if arms[0][name] != arms[1][name]}


#: builtins that change none of what they are given (a statement ``print(x)``), unless the module
#: defines a function of the same name
_LOOKERS = frozenset({"print", "len", "repr", "str", "format", "isinstance", "id", "hash", "sorted", "sum", "min",
                      "max", "any", "all", "abs"})


def _affected(arms: list, defs: "_Defs") -> set:
    """The objects a call in ``arms`` may change the attributes of: the one a method is called on
    (``stall.step()`` stepping ``self.n``) and those a function is given (``mark(run)`` setting
    ``run.drifted``)."""
    found = set()
    for c in _effects(arms, defs):
        if c.func.__class__ is ast.Attribute and c.func.attr in _GROWERS:
            continue  # a container grown (_grown): what it is given is not changed
        if c.func.__class__ is ast.Name and c.func.id in _LOOKERS and c.func.id not in defs.functions:
            continue
        if c.func.__class__ is ast.Attribute:
            found.add(dotted(c.func.value))
        found |= {dotted(a) for a in c.args}
    return found - {None}


def _plain(n: ast.AST) -> bool:
    """Whether ``n`` assigns a plain value: a count, a flag, a name's value (``stalled += 1``,
    ``restarted = True``, ``done = hits >= 2``), the state a later known test reads. An array a
    call made (``r = r - q @ (q.T @ r)``) reaches a later test only through its values, which
    that test's own site answers for."""
    return n.__class__ in (ast.Assign, ast.AugAssign, ast.AnnAssign) and n.value is not None \
        and all(isinstance(e, _PLAIN) for e in ast.walk(n.value))


def _reset_before(stmt: ast.If, loop: ast.stmt) -> set:
    """The names an assignment sets at each iteration before ``stmt`` runs (one before it in its
    block, or before the statement holding it in each block from the loop body down: a flag reset
    in the same ``else`` as the guard): what the ``if`` writes there does not reach the next
    iteration."""
    reset: set = set()
    block = loop.body
    while block is not None:
        inner = None
        for st in block:
            if st is stmt:
                break
            if any(n is stmt for n in ast.walk(st)):
                inner = next((b for b in _blocks(st) if any(any(n is stmt for n in ast.walk(x)) for x in b)), None)
                break
            if st.__class__ is ast.Assign or st.__class__ is ast.AnnAssign and st.value is not None:
                reset |= {dotted(t) for t in _targets(st)}
        block = inner
    return reset


def _stops(n: ast.AST) -> bool:
    """Whether ``n`` is an ``if`` whose only work is to stop the loop: ``if done: break``."""
    return n.__class__ is ast.If and not n.orelse and len(n.body) == 1 and n.body[0].__class__ is ast.Break


def _labels(stmt: ast.If, loop: ast.stmt) -> set:
    """The names every arm of ``stmt`` sets to a constant (``kind = "gauss"`` / ``kind = "moment"``)
    that the loop reads only after ``stmt``, as do the names computed from them: each is a
    function of this execution's answer alone, which carries nothing into a later iteration (a
    later test reading it answers as this site does, alike with it)."""
    if not stmt.orelse:
        return set()
    labels = _set_in_every_arm(stmt)
    if not labels:
        return set()
    end = (stmt.end_lineno, stmt.end_col_offset)
    loads = [n for n in own_nodes([loop.test] if loop.__class__ is ast.While else []) if _loaded(n)]
    loads += [n for n in own_nodes(loop.body) if _loaded(n)]
    assigns = [n for n in own_nodes(loop.body) if _plain(n)]
    kept = set()
    for label in labels:
        # the label and what plain assignments compute from it, each read only after it is set
        todo, done, ok = [(label, end)], set(), True
        while todo and ok:
            name, after = todo.pop()
            if name in done:
                continue
            done.add(name)
            ok = all((n.lineno, n.col_offset) >= after for n in loads if dotted(n) == name)
            for a in assigns:
                if any(dotted(e) == name for e in ast.walk(a.value) if _loaded(e)):
                    todo += [(dotted(t), (a.end_lineno, a.end_col_offset)) for t in _targets(a) if dotted(t) is not None]
        if ok:
            kept.add(label)
    return kept


def _set_in_every_arm(stmt: ast.If) -> set:
    """The names each arm of ``stmt`` (an ``elif`` chain's too; an ``else`` needed) assigns a
    constant at its top level."""
    arms, node = [], stmt
    while True:
        arms.append(node.body)
        if len(node.orelse) == 1 and node.orelse[0].__class__ is ast.If:
            node = node.orelse[0]
            continue
        if not node.orelse:
            return set()
        arms.append(node.orelse)
        break
    found = None
    for arm in arms:
        names = {dotted(t) for st in arm if st.__class__ is ast.Assign and st.value.__class__ is ast.Constant
                 for t in _targets(st)} - {None}
        found = names if found is None else found & names
    return found or set()


def _loaded(n: ast.AST) -> bool:
    return n.__class__ in (ast.Name, ast.Attribute) and n.ctx.__class__ is ast.Load


def _blocks(st: ast.stmt) -> list:
    """The statement lists ``st`` holds (an ``if``'s body and else, a ``with``'s body, ...)."""
    found = [getattr(st, name) for name in ("body", "orelse", "finalbody") if isinstance(getattr(st, name, None), list)]
    found += [h.body for h in getattr(st, "handlers", ())]
    found += [c.body for c in getattr(st, "cases", ())]
    return found


def _written_targets(st: ast.stmt) -> set:
    """The names and attributes the assignment ``st`` sets, and the containers whose items it sets
    (``counts[key] += 1``: ``counts``)."""
    targets = st.targets if st.__class__ is ast.Assign else [st.target]
    items = {dotted(t.value) for t in targets if t.__class__ is ast.Subscript}
    return ({dotted(t) for t in _targets(st)} | items) - {None}


def _targets(st: ast.stmt) -> list:
    """The Name and Attribute targets the assignment ``st`` assigns."""
    targets = st.targets if st.__class__ is ast.Assign else [st.target]
    return [e for t in targets for e in ast.walk(t) if e.__class__ in (ast.Name, ast.Attribute) and e.ctx.__class__ is ast.Store]


@dataclass(frozen=True)
class _Defs:
    """A module's defs by name, where a call made for its effect is looked up: its functions
    (module-level or nested, called by name) and its classes' methods (called on an object), those
    it imports from the submission's sibling modules (``from helpers import note``; ``import
    helpers`` for ``helpers.note(f)``; the methods of each such module's classes), each with the
    _Defs of its own module, and the bound methods its names hold (``note = FLAGS.append``)."""

    #: _key of the module (not the tree: _DEFS holds the _Defs weakly keyed by it)
    key: int = 0
    #: name -> [(def, the _Defs of the module that defines it)]
    functions: dict = field(default_factory=dict)
    methods: dict = field(default_factory=dict)
    #: a sibling module as this one names it (``import helpers as h``: ``h``) -> its _Defs
    modules: dict = field(default_factory=dict)
    #: name -> the methods it may hold, dotted as this module names them (``note``: ``FLAGS.append``)
    bound: dict = field(default_factory=dict)
    #: id of a sibling module's tree -> (its global -> this module's name of it, the prefix that
    #: reaches the others or None): ``from helpers import FLAGS as F`` ({"FLAGS": "F"}), ``import
    #: helpers`` ("helpers")
    names: dict = field(default_factory=dict)
    #: def -> what it changes (_own), made once
    changes: dict = field(default_factory=dict)
    #: def -> what it reads (_reads), made once
    reads: dict = field(default_factory=dict)

    @staticmethod
    def of(module, program=None) -> "_Defs":
        """``module``'s (a program.Module) defs; ``program``: where the modules it imports are read."""
        if module is None:
            return _NO_DEFS
        cache = _TWIN_DEFS if module.twin_of else _DEFS
        found = cache.get(module.tree)
        if found is None:
            # (cached before its imports are read: two modules that import each other end)
            found = cache[module.tree] = _Defs(_key(module))
            found._read_own(module.tree)
            if program is not None:
                found._read_imports(module, program)
        return found

    def _read_own(self, tree: ast.Module) -> None:
        for n in ast.walk(tree):
            if n.__class__ is ast.ClassDef:
                for st in n.body:
                    if st.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef):
                        self.methods.setdefault(st.name, []).append((st, self))
        own = {id(fn) for fns in self.methods.values() for fn, _ in fns}
        for n in ast.walk(tree):
            if n.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef) and id(n) not in own:
                self.functions.setdefault(n.name, []).append((n, self))
            elif n.__class__ is ast.Assign and len(n.targets) == 1 and n.targets[0].__class__ is ast.Name \
                    and n.value.__class__ is ast.Attribute and dotted(n.value) is not None:
                self.bound.setdefault(n.targets[0].id, []).append(dotted(n.value))

    def _read_imports(self, module, program) -> None:
        """Read the defs this module imports from the submission's folder (never outside it)."""
        from flopcast.analyzer.program import absolute_import
        from flopcast.analyzer.source import SourceError

        linked: dict = {}  # _key -> the _Defs of each sibling module imported
        bound: list = []  # (a name here, its module, a method it holds as that module names it)

        def link(name: str, prefix: Optional[str]) -> Optional["_Defs"]:
            try:
                # `import estimator` of the entry file's own name is its twin, whose globals are
                # not the entry's (program.Program.find_module): changing them is another name's
                other = None if not name else program.find_module(name) if name == program.main.name \
                    else program.peek_module(name)
            except SourceError:
                other = None  # (a module Python cannot import either: no def of it ever runs)
            if other is None or _key(other) == self.key:
                return None
            defs = _Defs.of(other, program)
            linked[defs.key] = defs
            renamed, had = self.names.get(defs.key, ({}, None))
            self.names[defs.key] = (renamed, had if prefix is None else prefix)
            return defs

        for n in ast.walk(module.tree):
            if n.__class__ is ast.Import:
                for alias in n.names:
                    local = alias.asname or alias.name
                    other = link(alias.name, local)
                    if other is not None:
                        self.modules[local] = other
            elif n.__class__ is ast.ImportFrom:
                name = absolute_import(module, n.level, n.module)
                for alias in n.names:
                    local = alias.asname or alias.name
                    sub = link(f"{name}.{alias.name}", local) if name and alias.name != "*" else None
                    if sub is not None:  # ``from kit import stages``
                        self.modules[local] = sub
                    other = link(name, "" if alias.name == "*" else None)
                    if other is None:
                        continue
                    if alias.name == "*":
                        for fname, fns in other.functions.items():
                            self.functions.setdefault(fname, []).extend(fns)
                        bound += [(fname, other, d) for fname, ds in other.bound.items() for d in ds]
                        continue
                    self.names[other.key][0][alias.name] = local
                    self.functions.setdefault(local, []).extend(other.functions.get(alias.name, ()))
                    bound += [(local, other, d) for d in other.bound.get(alias.name, ())]
        for other in linked.values():
            # an object of a sibling module's class may reach this module by any route
            for name, fns in other.methods.items():
                self.methods.setdefault(name, []).extend(fns)
        for local, other, d in bound:
            self.bound.setdefault(local, []).append(self.rename(d, other))

    def rename(self, name: str, home: "_Defs") -> str:
        """What this module calls ``name``, a global (dotted) of the module ``home``: one it imports
        by no name still has one, the same wherever it is met, so a helper changing it and another
        reading it meet there (``note(f)`` and ``seen()`` of a ``FLAGS`` this module never names)."""
        if home is self:
            return name
        renamed, prefix = self.names.get(home.key, ({}, None))
        root, dot, rest = name.partition(".")
        if root in renamed:
            return renamed[root] + dot + rest
        if prefix is None:
            return f"_module{home.key}.{name}"
        return f"{prefix}.{name}" if prefix else name

    def callees(self, call: ast.Call) -> list:
        """The defs ``call`` may run, each with whether the object it is called on is its first
        parameter (a method not static) and the _Defs of its module: every method of that name
        when the object is not known."""
        f = call.func
        if f.__class__ is ast.Name:
            return [(fn, False, home) for fn, home in self.functions.get(f.id, ())]
        if f.__class__ is ast.Attribute:
            other = self.modules.get(dotted(f.value))
            if other is not None:
                return [(fn, False, home) for fn, home in other.functions.get(f.attr, ())]
            return [(fn, not any(dotted(d) == "staticmethod" for d in fn.decorator_list), home)
                    for fn, home in self.methods.get(f.attr, ())]
        return []

    def unbind(self, call: ast.Call) -> list:
        """``call``, and the calls of the methods the name it calls may hold (``note(f)`` with ``note =
        FLAGS.append``: ``FLAGS.append(f)``)."""
        if call.func.__class__ is not ast.Name or call.func.id not in self.bound:
            return [call]
        return [call] + [ast.Call(ast.parse(d, mode="eval").body, call.args, call.keywords)
                         for d in self.bound[call.func.id]]


_NO_DEFS = _Defs()


@dataclass(frozen=True)
class _Called:
    """What some calls change of state their caller names (or a def of state it does not make
    itself, in its own names): counts and flags set as _counts reads them, flags toggled,
    containers grown."""

    written: frozenset = frozenset()
    toggled: frozenset = frozenset()
    grown: frozenset = frozenset()


def _called(calls: list, defs: _Defs) -> _Called:
    """What the defs ``calls`` run (looked up in ``defs``) change of the caller's state: an attribute
    or item of an object it gave them (``state.flip()`` toggling ``self.up``: ``state.up``), or of a
    name the module holds (``FLAGS.append(f)``: ``FLAGS``, as the caller names it where a sibling
    module's def changes it: ``helpers.FLAGS``)."""
    written, toggled, grown = set(), set(), set()
    for call in calls:
        for fn, bound, home in defs.callees(call):
            changed = _own(fn, home)
            given = _given(fn, call, bound)
            written |= {_in_caller(name, given, defs, home) for name in changed.written}
            toggled |= {_in_caller(name, given, defs, home) for name in changed.toggled}
            grown |= {_in_caller(name, given, defs, home) for name in changed.grown}
    return _Called(frozenset(written - {None}), frozenset(toggled - {None}), frozenset(grown - {None}))


def _own(fn: ast.AST, defs: _Defs) -> _Called:
    """What ``fn`` (and the defs it calls in turn) changes of state it does not make itself: an
    attribute or item of a parameter or of a name it does not assign, a name it declares global."""
    found = defs.changes.get(fn)
    if found is not None:
        return found
    defs.changes[fn] = _Called()  # (a def that calls itself: what it changes is its own body's)
    declared, local = _scope(fn)

    def outside(name: str, rebinds: bool) -> bool:
        return name in declared if rebinds else name.partition(".")[0] not in local

    writes = [n for n in own_nodes(fn.body) if _counts(n)]
    inner = _called(_effects(fn.body, defs), defs)
    found = defs.changes[fn] = _Called(
        frozenset({name for n in writes for name, rebinds in _mutated(n) if outside(name, rebinds)} | inner.written),
        frozenset({name for n in writes if _toggles(n) for name, rebinds in _mutated(n) if outside(name, rebinds)}
                  | inner.toggled),
        frozenset({name for name in _grown(fn.body, defs) if outside(name, False)} | inner.grown))
    return found


def _mutated(n: ast.stmt) -> list:
    """What the assignment ``n`` sets: (a name rebound, True) or (an object whose attribute or item it
    sets, dotted, False)."""
    found = []
    for target in n.targets if n.__class__ is ast.Assign else [n.target]:
        for e in ast.walk(target):
            if e.__class__ is ast.Name and e.ctx.__class__ is ast.Store:
                found.append((e.id, True))
            elif e.__class__ is ast.Attribute and e.ctx.__class__ is ast.Store:
                found.append((dotted(e), False))
            elif e.__class__ is ast.Subscript and e.ctx.__class__ is ast.Store:
                found.append((dotted(e.value), False))
    return [(name, rebinds) for name, rebinds in found if name is not None]


def _given(fn: ast.AST, call: Optional[ast.Call], bound: bool) -> dict:
    """What ``call`` gives each parameter of ``fn``, as the caller names it (None: nothing it names,
    or no call; ``bound``: the object it is called on is the first)."""
    a = fn.args
    params = [p.arg for p in a.posonlyargs + a.args]
    given: dict = {p.arg: None for p in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg] if p}
    if call is None:
        return given
    passed = ([call.func.value] if bound else []) + list(call.args)
    if not any(e.__class__ is ast.Starred for e in passed):
        given.update(zip(params, (dotted(e) for e in passed)))
    given.update({k.arg: dotted(k.value) for k in call.keywords if k.arg in given})
    return given


def _in_caller(name: str, given: dict, caller: _Defs, home: _Defs) -> Optional[str]:
    """What the caller (in the module ``caller``) calls ``name`` (a def's own name for state it does
    not make; the def in the module ``home``), None where the caller names nothing it reaches (a
    parameter given no name, a sibling module's global it does not import)."""
    root, dot, rest = name.partition(".")
    if root not in given:
        return caller.rename(name, home)
    return None if given[root] is None else given[root] + dot + rest


_DEFS: "weakref.WeakKeyDictionary[ast.Module, _Defs]" = weakref.WeakKeyDictionary()
#: the entry file's twins' (the same tree, other globals)
_TWIN_DEFS: "weakref.WeakKeyDictionary[ast.Module, _Defs]" = weakref.WeakKeyDictionary()


def _key(module) -> int:
    """What tells ``module``'s globals from another module's: its tree's id, one more for the
    entry file's twin, which shares the tree (ids are aligned addresses: never another's)."""
    return id(module.tree) + (1 if module.twin_of else 0)


def switches(taken, executions: int, points=None) -> list:
    """The plans one switch away from an alike answer ``taken`` at a site met ``executions``
    times on the path: the other answer from execution 2, 3, ... on (from each of ``points``
    alone, where given: a stop site's, late_stops.py)."""
    if taken.__class__ is not bool:
        return []
    return [Onset(taken, k) for k in (range(2, executions + 1) if points is None else sorted(points))]


_STEERING: "weakref.WeakKeyDictionary[ast.AST, dict]" = weakref.WeakKeyDictionary()
