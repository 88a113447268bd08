"""Sites whose costs add up: a branch that leaves the program in the same state either way.

Path exploration runs one path per combination of options at the value-dependent sites,
2^k paths for k sites, and stops at a cap. Many sites in real estimators are safety nets
and rescales: ``if not fnp.all(fnp.isfinite(x)): raise ...``, ``if s > 1e30: x = x / s``.
Either option leaves the program in a state that cannot be told apart from the other's
once the `if` statement ends (the *join*), or ends the path. Then the options of different
sites do not interact: the cost of any combination is the base path's plus what each
flipped site adds on its own, so the base path and one path per flipped site (k + 1 runs)
give every total the 2^k paths can produce.

The proof is checked, not presumed, on the runs themselves (:func:`separable_interval`):

* every `if` statement whose test consults a site, and every `try` statement whose body
  consults one (a raise point that may fail), records, each time it ends normally, the
  state the rest of the program can see (:func:`record`; a `try` a return leaves after one raise
  point, at the end of the caller's statement whose whole value is the call) as a canonical form in which
  objects are numbered in order of meeting (``canonical.py``): equal forms mean states
  that are the same up to a renaming of objects, from which the interpreter makes the
  same charges and the same decisions;
* the state walked is every frame on the call stack, every module's globals, the
  ``lru_cache`` results, the items still to come of every active `for` loop, and the
  interpreter's own tables that steer later execution; of each frame, only the variables the
  code after its current statement may read (a conservative liveness: later statements,
  whole enclosing loops, handlers, closures). For that to be all the program can still
  see, each call on the stack must be the whole value of an assignment, an expression
  statement or a `return` (its callee a plain name or attribute, or a method of an object a
  finished call made: `Propagator(plan).run(mlp)`), the first argument of a method called on
  a local name as such a value (`rows.append(checked(x))`: the name is walked, its object
  receives the result), or the whole element of a list, set or generator comprehension
  that is such a value (its items made and still to come are walked): then no temporary of
  an enclosing expression is waiting for the call to return (its arguments were only bound
  to the callee's parameters), and the names the assignment is about to overwrite are left
  out. Otherwise (a call inside another expression, a class body, a generator) the join is
  not comparable;
* a site *rejoins* when the run that flips it alone meets the same sites in the same
  order and records equal joins; every consultation of it must have been in the test of
  an `if` statement (or anywhere in a `try` statement) that then ended normally, with no
  other site consulted in that statement. A site *ends* when the flipped run consults no other site after it (a
  raise, an early return); anything else, and any run that ran a generator body that charged,
  consulted a site or raised (run ahead of its consumer, it files those out of order), an unbounded loop or an
  internal error, falls back to running the combinations.

Within those conditions every combination's total is computed, not estimated: for sites in
the order the base path meets them, a combination whose first ending site is ``i`` costs
what the run flipping ``i`` alone cost plus what the executions of the rejoining sites
flipped before ``i``'s first consultation add; a combination with no ending site costs the
base path plus what its flipped sites add.
Since every execution of a rejoining site rejoins, the same holds per execution: a run whose
site answers differently from one execution to the next costs the base path plus what each
flipped execution's statement adds (:class:`Separation`).

Later calls of predict. whestbench calls predict on one instance once per MLP; a run follows
the calls after the first while the state a call can read keeps changing (carried.py), and
every consultation goes to the one log, so the joins of every call are recorded, each tagged
with its call (``Join.predict_call``). A site keeps its option in every call of a path, as in
every execution of one call (the report names such sites: ``alike``). The proof above then
runs over the whole sequence of calls as over one program: the state between two joins is
carried from the end of one call to the start of the next by code that consults no site (the
rest of predict, whestbench's harness, the start of the next call), so a combination whose
flipped statements each leave the base path's state meets the base path's joins, in every
call, with the base path's state; what decides whether another call is followed (the state at
the end of each call, what the numbers a call changed steer) is then the base path's too,
which the single flips confirm: each follows as many calls as the base path, and settles as
it does. Each call's total is summed on its own: call ``c`` of a combination costs the base
path's call ``c`` plus what the flipped executions in call ``c`` add (``Separation.calls``;
a call whose additions do not account for its difference, a call replayed from an equal one,
adds its whole difference). An ending site ends in the call it is first met in: that call of
the combination costs the flipped run's plus what the rejoining sites before it add there,
and the calls after it are the flipped run's own (nothing but the ending site is consulted
from there); the calls before it are the base path's, within the combinations that end
nowhere. whestbench calls predict again after a call that raised, so a flipped run whose first
call raised at its site follows the later calls too, each raising there again: where each
consults the base path's sites up to it and leaves the base path's state, every call of a
combination starts from the base path's state and may end there, and each of the flipped run's
later calls costs its own plus what the rejoining sites add in it (``_ends_each_call``).
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field
from typing import Optional

from flopcast.analyzer import write_only
from flopcast.analyzer.canonical import Canon, Incomparable
from flopcast.analyzer.counters import suspended
from flopcast.analyzer.liveness import live_after, loads
from flopcast.analyzer.values import ClassVal, Unknown
from flopcast.syntax import ast_walk


class _Walk(Canon):
    """The canonical walk, comparable across runs; of an attribute the program never reads, only
    its kind (write_only.py)."""

    knowledge = False  # (see Canon.knowledge)

    def __init__(self, nonzero_counts: Optional[dict] = None, write_only: Optional[dict] = None) -> None:
        super().__init__(nonzero_counts)
        self.write_only = write_only or {}
        self.unread = frozenset(self.write_only)  # the names, for liveness (made once per walk)

    def attributes(self, attrs: dict) -> tuple:
        dead = self.write_only
        if not dead:
            return self.names(attrs)
        form, parts = self.form, []
        for k, v in attrs.items():
            if k not in dead:
                parts.append((k, form(v)))
                continue
            summary = write_only.kind(v, dead[k] == write_only.ITEM)
            if summary is None:
                if dead[k]:  # `self.log.append(how)` on an object whose method may read `how`, which
                    raise Incomparable("a write-only attribute holding an object")  # liveness left out
                parts.append((k, form(v)))
            elif dead[k]:  # a write-only method or del: its presence and kind decide whether it raises
                parts.append((k, ("write-only", summary)))
        return tuple(parts)

    def definition(self, cls: Optional[ClassVal]):
        # Each run makes its classes anew: a class is named by its definition, never by id().
        if cls is None:
            return None
        if cls.node is None:
            raise Incomparable("a class made at run time")
        return id(cls.node)


class _NarrowedWalk(_Walk):
    """The walk of a run whose tested locals hold the answers of sites (Interpreter.narrowed): such
    a known bool is written as its site, whichever answer it holds. The function reads it only in
    `if` tests, each a consultation with a join of its own (syntax.read_only_as_if_test)."""

    def __init__(self, nonzero_counts: Optional[dict], write_only: Optional[dict], narrowed: dict) -> None:
        super().__init__(nonzero_counts, write_only)
        self.narrowed = narrowed

    def form(self, value):
        entry = self.narrowed.get(id(value))
        if entry is not None and entry[0] is value:
            return ("narrowed", entry[1].key)
        return super().form(value)


class _FlooredWalk(_NarrowedWalk):
    """The walk of the state just after a test (state_after_test): a float a test put a bound on
    (RunResult.floors: a later math function asks no raise of it) is written with that bound."""

    def __init__(self, nonzero_counts: Optional[dict], write_only: Optional[dict], narrowed: dict,
                 floors: dict) -> None:
        super().__init__(nonzero_counts, write_only, narrowed)
        self.floors = floors

    def form(self, value):
        out = super().form(value)
        if value.__class__ is Unknown:
            held = self.floors.get(id(value))
            if held is not None and held[0] is value:
                return out, held[1:]
        return out


@dataclass(frozen=True)
class Join:
    """One execution of an `if` statement whose test consulted a site (or of a `try` statement
    whose body consulted only raise points), ended normally."""

    node: int  # id() of the statement (the program's trees are shared by every run)
    test: tuple  # (first, end) positions in the run's consultation log of its test's consultations
    test_sites: tuple  # site keys its test consulted, in order
    body_sites: tuple  # site keys consulted while its chosen block ran
    form: Optional[tuple]  # the state the rest of the program can see; None: not comparable
    # A statement whose whole value is a call (``r = stage(x)``) that consulted sites: a stage
    # boundary (see stage_groups), not one of the `if`/`try` joins the single flips read.
    call: bool = False
    # The FLOPs the statement charged, from its start to its end: what this execution of its
    # sites' options cost (separable_interval's per-execution deltas). Not part of the state.
    charged: int = field(default=0, compare=False)
    # Which call of predict it ended in (0: the first; whestbench calls it once per MLP).
    predict_call: int = 0

    def same_as(self, other: "Join") -> bool:
        return self.form is not None and self == other

    @property
    def window(self) -> tuple:
        """(first, end) positions in the consultation log of everything the statement consulted."""
        return self.test[0], self.test[1] + len(self.body_sites)


def record(interp, node: ast.stmt, test: tuple, used_before: int, call: bool = False) -> None:
    """File the join of ``node``'s execution that just ended normally; ``test`` is where its
    test's consultations start and end in the log (the block's follow), ``used_before`` the FLOPs
    spent when the statement began. A call statement's consultations are all its test's."""
    log = interp.decisions.log
    test_sites, body_sites = log[test[0]:test[1]], log[test[1]:]
    form = None
    pending = _pending_free(interp)
    if pending is not None:
        try:
            with suspended(interp.counter_watch):  # the analysis' own reads (counters.py)
                form = _state(interp, _walk(interp), pending, node)
        except (Incomparable, RecursionError):
            form = None
    interp.result.joins.append(Join(id(node), test, tuple(test_sites), tuple(body_sites), form, call,
                                    interp.used - used_before))


def _walk(interp) -> _Walk:
    dead = write_only.attributes(interp.program)
    return _NarrowedWalk(interp._nonzero_counts, dead, interp.narrowed) if interp.narrowed \
        else _Walk(interp._nonzero_counts, dead)


def state_after_test(interp, node: ast.If) -> Optional[tuple]:
    """The state the rest of the program can see just after the test of ``node`` was answered, as
    a join's form (its names: those read after the statement and those either arm reads; its
    floats with the bounds tests put on them); None where it cannot be compared. Either arm's run
    goes on from this state alone (ending_guards.py)."""
    pending = _pending_free(interp)
    if pending is None:
        return None
    try:
        with suspended(interp.counter_watch):  # the analysis' own reads (counters.py)
            walk = _FlooredWalk(interp._nonzero_counts, write_only.attributes(interp.program), interp.narrowed,
                                interp.result.floors)
            return _state(interp, walk, pending, node, frozenset(loads(node)))
    except (Incomparable, RecursionError):
        return None


def comparable_stack(interp) -> bool:
    """Whether a join recorded now could be compared (no frame waits on a call inside an expression)."""
    return _pending_free(interp) is not None


@dataclass(frozen=True)
class _Pending:
    """A frame below the current one and what it waits in: the statement it resumes in, the names
    that statement will overwrite, and the names a comprehension it is running still reads."""

    frame: object
    dead: frozenset
    statement: Optional[ast.stmt]
    reads: frozenset = frozenset()


def _pending_free(interp) -> Optional[list]:
    """The frames below the current one (see _Pending); None when some frame may hold temporaries
    the walk cannot see. A frame waits in a statement whose whole value is a call, or a
    comprehension (its items made so far and still to come are walked) whose element is the call."""
    running = {c.depth: c for c in interp._comprehensions}
    if interp._opaque_depth != len(running) \
            or len(interp._outer_frames) != len(interp._call_spans) + len(running):
        return None
    own = {id(c.frame): c for c in interp._comprehensions}
    spans = iter(interp._call_spans)
    pending = []
    for depth, caller in enumerate(interp._outer_frames):
        comprehension = running.get(depth)
        if comprehension is not None:  # ``caller`` runs it as the whole value of a statement
            stmt = statement_of(interp.program, comprehension.node)
            if stmt is None or not _element_is_a_call(comprehension.node):
                return None
            pending.append(_Pending(caller, _targets(stmt), stmt))
            continue
        span = next(spans)
        if caller is None or caller.qualname == "<module>":  # the harness calling setup() or predict()
            pending.append(_Pending(caller, frozenset(), statement_of(interp.program, span)))
            continue
        comprehension = own.get(id(caller))
        if comprehension is not None:  # the comprehension's own frame, calling its element
            elt = comprehension.node.elt
            if (elt.lineno, elt.col_offset, elt.end_lineno, elt.end_col_offset) != \
                    (span.line, span.col, span.end_line, span.end_col):
                return None
            pending.append(_Pending(caller, frozenset(), statement_of(interp.program, comprehension.node),
                                    frozenset(loads(comprehension.node))))
            continue
        stmt = statement_of(interp.program, span)
        if stmt is not None:
            pending.append(_Pending(caller, _targets(stmt), stmt))
            continue
        found = argument_of(interp.program, span)
        if found is None or not _holds_own(caller, found[1]):
            return None
        stmt, receiver = found
        pending.append(_Pending(caller, _targets(stmt), stmt, frozenset({receiver})))
    return pending


def _holds_own(frame, name: str) -> bool:
    """Whether ``name`` is a variable of ``frame``'s own that no code it calls can rebind (not
    declared global or nonlocal there, nor nonlocal in a function defined inside it)."""
    function = frame.function
    if function is None or name not in frame.vars or name in (frame.globals_ or ()) \
            or name in (frame.nonlocals_ or ()):
        return False
    return name not in _rebound_inside(function.node)


def _rebound_inside(node: ast.AST) -> frozenset:
    """The names a `nonlocal` statement anywhere in ``node`` declares. Kept on the node (asked at
    every join recorded while a call waits as a method's argument)."""
    found = node.__dict__.get("_flopcast_nonlocals")
    if found is None:
        found = node._flopcast_nonlocals = frozenset(
            name for n in ast_walk(node) if isinstance(n, ast.Nonlocal) for name in n.names)
    return found


def _element_is_a_call(node: ast.expr) -> bool:
    """A list, set or generator comprehension whose element is a call of a plain callee (its
    arguments are only bound to the callee's parameters: nothing else waits for it)."""
    elt = getattr(node, "elt", None)
    return isinstance(elt, ast.Call) and _callee(elt.func)


def _targets(stmt: ast.stmt) -> frozenset:
    """The names an assignment statement overwrites once its value is made."""
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    return frozenset(name for t in targets if t is not None for name in _bound_names(t))


_WHOLE = (ast.Call, ast.ListComp, ast.SetComp, ast.GeneratorExp)


@dataclass(frozen=True)
class _Statements:
    """A module's statements a call may be waited on from, by the call's span: ``wholes`` where
    the call (or comprehension) is the statement's whole value -> (that node, the statement);
    ``arguments`` where it is the first argument of a method called on a plain name as such a
    value -> (the statement, the name)."""

    wholes: dict
    arguments: dict


_STATEMENTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _statements(tree: ast.AST) -> _Statements:
    found = _STATEMENTS.get(tree)
    if found is not None:
        return found
    wholes: dict = {}
    arguments: dict = {}
    for stmt in ast_walk(tree):
        value = getattr(stmt, "value", None)
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr, ast.Return)) or not isinstance(value, _WHOLE):
            continue
        targets = getattr(stmt, "targets", [getattr(stmt, "target", None) or ast.Name("_")])
        if not all(isinstance(t, (ast.Name, ast.Tuple, ast.List, ast.Starred, ast.Attribute)) for t in targets):
            continue
        if not isinstance(value, ast.Call) or _callee(value.func):
            wholes[(value.lineno, value.col_offset, value.end_lineno, value.end_col_offset)] = (value, stmt)
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                and isinstance(value.func.value, ast.Name) and value.args and isinstance(value.args[0], ast.Call) \
                and _callee(value.args[0].func) and not any(isinstance(t, ast.Attribute) for t in targets):
            inner = value.args[0]
            arguments[(inner.lineno, inner.col_offset, inner.end_lineno, inner.end_col_offset)] = \
                (stmt, value.func.value.id)
    found = _STATEMENTS[tree] = _Statements(wholes, arguments)
    return found


def statement_of(program, where) -> Optional[ast.stmt]:
    """The statement whose whole value is the call at the span ``where`` (or the comprehension node
    ``where``): a call's arguments are evaluated before it and only bound to the callee's
    parameters, so nothing else waits for it to return."""
    if isinstance(where, ast.AST):
        key = (where.lineno, where.col_offset, where.end_lineno, where.end_col_offset)
        module = next((m for m in program.modules.values() if _holds(m.tree, where)), None)
    else:
        key = (where.line, where.col, where.end_line, where.end_col)
        module = next((m for m in program.modules.values() if str(m.path) == where.path), None)
    if module is None:
        return None
    found = _statements(module.tree).wholes.get(key)
    if found is None or (found[0] is not where if isinstance(where, ast.AST) else not isinstance(found[0], ast.Call)):
        return None
    return found[1]


def argument_of(program, span) -> Optional[tuple[ast.stmt, str]]:
    """(statement, receiver) when the call at ``span`` is the first argument of a method call on
    a plain name that is the whole value of a statement (``rows.append(checked(x))``): Python
    evaluates only the bound method before it, so the caller waits holding that method alone,
    whose object the walk sees under the receiver's name (kept live for the walk)."""
    module = next((m for m in program.modules.values() if str(m.path) == span.path), None)
    if module is None:
        return None
    return _statements(module.tree).arguments.get((span.line, span.col, span.end_line, span.end_col))


_COMPREHENSIONS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _holds(tree: ast.AST, node: ast.AST) -> bool:
    """Whether the comprehension ``node`` is in ``tree``."""
    nodes = _COMPREHENSIONS.get(tree)
    if nodes is None:
        nodes = _COMPREHENSIONS[tree] = {id(n) for n in ast_walk(tree) if isinstance(n, _WHOLE[1:])}
    return id(node) in nodes


def _bound_names(target: ast.expr) -> list:
    """The plain names an assignment target rebinds (not those under an attribute or item)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for t in target.elts for n in _bound_names(t)]
    return []


def _callee(node: ast.expr) -> bool:
    """A callee whose evaluation leaves nothing waiting but the callable: a plain expression, or a
    method of an object a finished call made (``Propagator(plan).run(mlp)``: the object is bound to
    the method's ``self``, where the walk sees it; the caller holds only the bound method, which
    nothing reads once the call returns)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
        return _callee(node.value.func)
    return _plain(node)


def _plain(node: ast.expr) -> bool:
    """A name, a constant, or an attribute of a plain expression (evaluating it makes nothing)."""
    if isinstance(node, ast.Starred):
        return _plain(node.value)
    if isinstance(node, ast.Attribute):
        return _plain(node.value)
    return isinstance(node, (ast.Name, ast.Constant))


def _state(interp, walk: _Walk, pending: list, node: ast.stmt, reads: frozenset = frozenset()) -> tuple:
    parts: list = []
    for p in [*pending, _Pending(interp.frame, frozenset(), node, reads)]:
        f = p.frame
        if f is None:
            continue
        if f.generator is not None:
            raise Incomparable("generator frame")
        live = live_after(f.function.node, p.statement, walk.unread) \
            if f.function is not None and p.statement is not None else None
        if live is not None:
            live |= p.reads
        names = {k: v for k, v in f.vars.items() if k not in p.dead and (live is None or k in live)}
        parts.append((f.qualname, walk.names(names),
                      walk.form(f.function) if f.function is not None else None,
                      walk.form(f.receiver) if f.receiver is not None else None,
                      tuple(sorted(f.globals_ or ())), tuple(sorted(f.nonlocals_ or ()))))
    for path in sorted(interp.module_envs):
        parts.append((path, walk.names(interp.module_envs[path])))
    parts.append(tuple(walk.form(v) if v is not None else None for v in interp._cache_results.values()))
    parts.append(tuple((id(c.node), c.index, c.known_exit_test,
                        tuple(walk.form(v) for v in c.items[c.index + 1:]) if c.items is not None else None)
                       for c in interp.loops))
    # The comprehensions waiting on a call of their element: the items made, and those still to come.
    parts.append(tuple((id(c.node), tuple(walk.form(v) for v in c.made),
                        tuple((position, tuple(walk.form(v) for v in items[position + 1:]))
                              for items, position in c.levels))
                       for c in interp._comprehensions))
    parts.append((interp.cache_version, frozenset(interp._reentered), len(interp._served),
                  len(interp._ran_generators), interp.metered, interp.free, interp.handlers,
                  interp.used if interp.program_mentions_budget() else None))
    return tuple(parts)


def may_separate(base) -> bool:
    """Whether the base run alone leaves separate pricing possible (checked before the flips
    are run): binary sites, a clean run, and every join comparable, of one site, with no
    site consulted inside another's statement (their costs need not add up)."""
    return bool(base.sites) and all(len(s.options) == 2 for s in base.sites) and _clean(base) and not any(
        j.form is None or j.body_sites or len(set(j.test_sites)) != 1 for j in _branch_joins(base))


def _branch_joins(run) -> list:
    """The joins of `if` and `try` statements (the single flips' proof), without the stages'."""
    return [j for j in run.joins if not j.call]


@dataclass(frozen=True)
class Separation:
    """What the base run and the single flips prove when the sites' costs add up: the lowest and
    highest total over every combination of options, the sites for which that holds even when
    each execution of the site answers on its own (a rescale taken in some layers only), and,
    per combination kind, the (lowest, highest) cost of each call of predict whestbench makes
    (a list shorter than another's: its last call repeats)."""

    lo: int
    hi: int
    each_execution: frozenset
    calls: tuple = ()


def separable_interval(base, flips) -> Optional[Separation]:
    """The totals over every combination of options, from the base run and one run per site
    with only that site flipped (``flips.get(site key)``, asked in the order the base run met the
    sites); None when the runs do not prove that the sites' costs add up.

    A rejoining site's executions each rejoin the base path's state, so every execution adds
    what it adds on its own (its statement's charges in the flipped run less the base run's)
    whatever the other executions answer: the combinations of per-execution answers span the
    sums of those additions' negative and positive parts. That holds when the executions'
    additions account for the whole difference of the two runs' totals (no execution was
    skipped over by a repeated loop); otherwise only the site answering alike is proven.
    Each call of predict is summed on its own: an execution adds to the call it ran in."""
    if not may_separate(base):
        return None
    order = [s.key for s in base.sites]
    joined = _confined(base)
    base_joins = _branch_joins(base)
    base_calls = _calls(base)
    # Per rejoining site met so far, each call's additions as (where its statement's consultations
    # began, what it adds); where None: the call's whole difference (not known per execution).
    rejoined: list = []
    ends: list = []  # each call's (lowest, highest) of the combinations whose first ending site is each one
    each: set = set()
    for i, key in enumerate(order):
        run = flips.get(key)
        if run is None or not _clean(run):
            return None
        met = [s.key for s in run.sites]
        if run.chosen is not None and base.chosen is not None and any(
                run.chosen.get(k) != base.chosen.get(k) for k in met if k != key and k in base.chosen):
            # another site answered otherwise than on the base path (what the flip made known of
            # a value changed a presumption: Canon.knowledge): the flip alone is not what it adds
            return None
        run_joins = _branch_joins(run)
        if met == order and key in joined and len(run_joins) == len(base_joins) \
                and all(a.same_as(b) for a, b in zip(run_joins, base_joins)) \
                and len(run.later) == len(base.later) and run.settled == base.settled:
            alone, per_call = True, []
            for call, (mine, theirs) in enumerate(zip(_calls(run), base_calls)):
                adds = [(a.test[0], a.charged - b.charged) for a, b in zip(run_joins, base_joins)
                        if a.predict_call == call]
                if sum(add for _, add in adds) != mine - theirs:
                    alone, adds = False, [(None, mine - theirs)]
                per_call.append(adds)
            rejoined.append(per_call)
            if alone:
                each.add(key)
        elif met == order[:i + 1] and key in run.consults and _ends_each_call(base, run, key):
            # Ends: no other site is consulted after it, so the cost from here, in its call and
            # every call after, depends only on the state at the site, which the rejoining sites
            # before it leave as the base path has it: their executions before it add what they
            # add, those after it never run. The calls before it are the base path's (within the
            # combinations that end nowhere). Answering differently per execution is proven only
            # when it has one.
            position = base.consults.index(key)
            at = sum(1 for start in base.later_consults if start <= position)
            calls = _calls(run)
            if len(calls) <= at:
                return None
            lo, hi = _spread(rejoined, at, position)
            # (a run whose first call raised ends each call alike, from the base path's state:
            # the rejoining sites before the raise add to each as to the base path's call)
            starts = [0, *base.later_consults]
            after = [(calls[c] + d[0], calls[c] + d[1])
                     for c, d in ((c, _spread(rejoined, c, base.consults.index(key, starts[c])))
                                  for c in range(at + 1, len(calls)))] \
                if run.raised is not None else [(t, t) for t in calls[at + 1:]]
            ends.append([(t + d[0], t + d[1]) for t, d in ((base_calls[c], _spread(rejoined, c)) for c in range(at))]
                        + [(calls[at] + lo, calls[at] + hi)] + after)
            if base.consults.count(key) == 1:
                each.add(key)
        else:
            return None
    # No site ends: the base path plus what each flipped site adds.
    paths = [[(t + d[0], t + d[1]) for t, d in ((t, _spread(rejoined, c)) for c, t in enumerate(base_calls))], *ends]
    return Separation(min(p[0][0] for p in paths), max(p[0][1] for p in paths), frozenset(each),
                      tuple(tuple(p) for p in paths))


def _ends_each_call(base, run, key) -> bool:
    """Whether the flipped run ends at ``key``: no other site is consulted after it. whestbench
    calls predict again after a call that raised (scoring.evaluate_estimator), so a run whose
    first call raised at ``key`` follows the later calls, each ending there again
    (later_calls._after_raising_call): then each call consults the base path's sites up to
    ``key`` and nothing after it, and the state each call leaves is the base path's (a raise that
    changed the state another way is left to mixed_calls: no proof here; one that left the start
    state where the base path's calls go on from another is no later call of the base path's)."""
    if run.raised is None:
        return set(run.consults[run.consults.index(key):]) == {key}
    if len(run.later) != len(base.later) or run.calls_end != base.calls_end or run.call_states != base.call_states:
        return False
    bounds = [0, *run.later_consults, len(run.consults)]
    base_bounds = [0, *base.later_consults, len(base.consults)]
    for c in range(len(bounds) - 1):
        mine = run.consults[bounds[c]:bounds[c + 1]]
        if key not in mine:
            return False
        stop = mine.index(key)
        if set(mine[stop:]) != {key} or mine[:stop] != base.consults[base_bounds[c]:base_bounds[c + 1]][:stop]:
            return False
    return True


def _spread(rejoined: list, call: int, before: Optional[int] = None) -> tuple[int, int]:
    """What the rejoining sites can add to a call, at least and at most: each execution's addition
    on its own, of the executions whose consultations began before the position ``before`` (all,
    when None; a whole difference not known per execution is counted whole)."""
    adds = [add for site in rejoined for where, add in site[call]
            if before is None or where is None or where < before]
    return sum(a for a in adds if a < 0), sum(a for a in adds if a > 0)


def _calls(run) -> list:
    """What each call of predict the run followed cost (carried.py), the first's first."""
    return [run.total, *run.later]


def _confined(run) -> set:
    """The sites every consultation of which happened in the test of an `if` statement that
    then ended normally (its effects end at the join)."""
    covered = [False] * len(run.consults)
    for j in _branch_joins(run):
        for i in range(*j.test):
            covered[i] = True
    keys = set(run.consults)
    for key, inside in zip(run.consults, covered):
        if not inside:
            keys.discard(key)
    return keys


def _clean(run) -> bool:
    return run.unbounded is None and not run.generators_moved and not any(
        u.what == "internal error" for u in run.unpriced)


# ---------------------------------------------------------------- stages
#
# An estimator made of parts (an ensemble averaging three strategies, a pipeline of stages)
# meets each part's sites inside one statement: ``r = part.predict(mlp, share)``. When every
# path through such a statement leaves the state the rest of the program can see the same as
# the nominal path leaves it (equal canonical forms at its end, as for an `if` above), the
# parts' sites do not interact: a combination's total is the nominal total plus what each
# part's own choices add, and the paths of each part are run alone, with the other parts'
# sites at their nominal options (the sum over parts of their paths, not the product).
# A part whose path raises out of its statement ends the program: its total, plus what the
# parts before it add, is a total too.


@dataclass(frozen=True)
class Stage:
    """A statement execution of the nominal run whose consultation window holds every
    consultation of ``sites`` and of no other site."""

    join: Join
    sites: frozenset


def stage_groups(base) -> Optional[list]:
    """The nominal run's sites split into stages: each site goes to the smallest call statement
    with a comparable join whose window holds all its consultations; a window
    inside another chosen one merges into it. None when a site has no such join or there is
    only one stage (nothing to gain over running the combinations)."""
    if not _clean(base) or base.bounding is not None or not base.consults:
        return None
    # Call statements only: a site of an `if` that rejoins is the single flips' business, and
    # an `if` that does not rejoin may still sit in a call that does.
    # Of the first call of predict: a stage's paths are priced by the first call's total alone.
    candidates = [j for j in base.joins if j.call and j.form is not None and not j.predict_call]
    spans: dict = {}
    for i, key in enumerate(base.consults):
        first, _ = spans.get(key, (i, i))
        spans[key] = (first, i)
    chosen: dict = {}  # id(join) -> (join, sites)
    for key, (lo, hi) in spans.items():
        best = None
        for j in candidates:
            a, b = j.window
            if a <= lo and hi < b and (best is None or b - a < best.window[1] - best.window[0]):
                best = j
        if best is None:
            return None
        chosen.setdefault(id(best), (best, set()))[1].add(key)
    stages: list = []
    for j, keys in sorted(chosen.values(), key=lambda item: (item[0].window[0], -item[0].window[1])):
        if stages and j.window[0] < stages[-1][0].window[1]:  # statement executions nest
            stages[-1][1].update(keys)
        else:
            stages.append((j, set(keys)))
    if len(stages) < 2:
        return None
    return [Stage(j, frozenset(keys)) for j, keys in stages]


def stage_join(run, stage: Stage) -> Optional[Join]:
    """The run's join of the stage's statement: the one of that statement starting where the
    nominal run's does (the runs agree on everything before it)."""
    start = stage.join.window[0]
    return next((j for j in run.joins if j.node == stage.join.node and j.call == stage.join.call
                 and j.test[0] == start), None)


def stage_sites(run, stage: Stage) -> set:
    """The sites a run of the stage consulted inside the stage's statement (to its end, when it
    raised out of it)."""
    j = stage_join(run, stage)
    end = j.window[1] if j is not None else len(run.consults)
    return set(run.consults[stage.join.window[0]:end])


def stage_outcome(base, stage: Stage, run) -> Optional[tuple]:
    """How a run of the stage's own paths ends: ("rejoins", what it adds to the nominal total)
    when at the end of the stage's statement the state equals the nominal run's and the rest of
    the run consults what the nominal run does; ("ends", its total) when it raised out of the
    statement without consulting another stage's site; None otherwise (no proof)."""
    start, end = stage.join.window
    if not _clean(run) or run.bounding is not None or run.consults[:start] != base.consults[:start]:
        return None
    outside = set(base.consults[:start]) | set(base.consults[end:])
    j = stage_join(run, stage)
    if j is not None:
        if j.form is None or j.form != stage.join.form or set(run.consults[start:j.window[1]]) & outside \
                or run.consults[j.window[1]:] != base.consults[end:]:
            return None
        return "rejoins", run.total - base.total
    if run.raised is not None and not set(run.consults[start:]) & outside:
        return "ends", run.total
    return None


def staged_interval(base, outcomes: list) -> tuple[int, int]:
    """(lowest, highest) total over every combination of the stages' paths, from the nominal
    total and, per stage in order, the outcomes of its own paths (stage_outcome): the nominal
    total plus what each stage's choice adds, or an ending path's total plus what the stages
    before it add."""
    deltas = [[0] + [v for kind, v in stage if kind == "rejoins"] for stage in outcomes]
    lo = base.total + sum(min(d) for d in deltas)
    hi = base.total + sum(max(d) for d in deltas)
    for index, stage in enumerate(outcomes):
        for kind, total in stage:
            if kind == "ends":
                lo = min(lo, total + sum(min(d) for d in deltas[:index]))
                hi = max(hi, total + sum(max(d) for d in deltas[:index]))
    return lo, hi
