"""Tests that stop a loop, and the state the work after the loop reads: where alike answers miss.

A path answers a value-dependent site alike at every execution (decisions.py): a test that stops a
loop (``if drift > tol: break``, a ``while`` test) is explored stopping at its first execution and
never stopping. A run stopping at execution k in between pays the loop's work up to k, at most what
the never-stopping path pays for it, and then the work after the loop. When that later work reads
nothing the loop changes from one execution to the next, it costs the same wherever the loop
stopped, and every such run lies between the two alike ends. When it reads something that changes
(``used`` layers sizing a matrix after the loop, a list of rows grown, a counter of sweeps), a run
stopping mid-way may cost more than both: ``used * (d - used)`` is largest in the middle.

So each execution of such a test signs the state the later work may read (``later_reads``: what the
loop writes that is read after it, or that outlives the function, and the other locals it reads
that are read after it, whose objects it may change through another name or a call) by what
prices it (shapes,
dtypes, lengths, flags, and the known numbers the function reads after the loop; not the values of
arrays or numbers read from data, which the later sites answer for), and so does the loop's normal
exit. Runs stopping at executions of one signature cost the loop's work up to there plus the same
later work: the least at the first of them, the most at the last. So the site steers (onsets.py)
only where the signature changes: the exploration also runs it answering the other way from the
execution before each change and the one after (``StopWatch.points``), the last one's change being
to the state at the loop's normal exit. A loop whose state changes at every execution (a count of
the passes made, sizing the later work) is switched at each; one whose state changes once (a
number known before the first pass, read from data after it) at one more execution.

Known numbers the function reads after the loop only to return them (``return x, it``) or to format
them into text (``f"sharpen it={it}"``, a log line) are signed by their type alone: a count of
iterations handed back is mostly logged, and switching at every execution of every convergence
loop would fill the cap on paths. So are those and the texts of objects that outlive the function
(``self.timings`` of ``("chunk 3", t)``: a label per pass). What the caller does with such a count
is still assumed alike (named in ``total.assumes_alike`` with the site), but for a count handed back
(returned from inside the loop; or after it is left by a ``break`` or its ``while`` test, kept on an
object, or a retry's rung, where it may meet a later call's: carried_counts.py) by a loop that runs
again in another call (``handed_back``: the high end is then open).
So is a known number whose
every read after the loop reaches array values or floats only (``t / drawn``, ``_values_only``):
the later work costs the same whatever it holds.

An arm that only returns names and constants (``return name, root``: Returning) leaves the later
work to the caller, which reads the value through the names its call statement binds (``method,
root = square_root(cov)``): the names it reads again are signed, by value, those it never reads are
not; the loop ending by its own course goes on to other work, so its last execution is switched.

Signed on every path, never re-running anything: a path that stops at its first execution signs
once and changes nothing. Some stops are switched without watching (``ALWAYS``): any other arm that
leaves by ``return`` or by a raise something may catch, and an arm or a loop ``else`` that writes
what is read after the loop (``found = True`` before the break: the stopping runs take another way
after the loop than the never-stopping one).
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field
from typing import Optional, Union

from flopcast.analyzer import value_flow
from flopcast.analyzer.liveness import live_after
from flopcast.analyzer.values import Array, DictVal, InstanceVal, Known, ListVal, NumpyScalar, TupleVal, Unknown
from flopcast.syntax import DEF_SCOPES, own_nodes

_LOOPS = (ast.For, ast.AsyncFor, ast.While)


class _Always:
    """A stop whose later work is not compared: it steers from its first execution."""

    def __repr__(self) -> str:
        return "ALWAYS"


ALWAYS = _Always()

@dataclass(frozen=True)
class Later:
    """What the work after a stopped loop reads: ``names`` (sorted), and among them ``numbers``, those
    whose known numbers it reads in the function (not only returns)."""

    names: tuple
    numbers: frozenset
    # those whose length the function reads (``len(rows)``): a list's length is signed only then
    sized: frozenset = frozenset()
    # the stop's arm returns (Returning): the normal exit goes on to other work, never priced alike
    returns: bool = False
    # (name, its Thresholds) of the counts the caller prices only through compares (count_compares.py)
    thresholds: tuple = ()

    def signature(self, values: list) -> tuple:
        """What prices the later work of ``values``, the names' values in order."""
        signed = tuple(_sign(v, 0, name in self.numbers, name in self.sized) for name, v in zip(self.names, values))
        if not self.thresholds:
            return signed
        held = dict(zip(self.names, values))
        return signed + tuple(t.answers(held.get(name)) for name, t in self.thresholds)


@dataclass(frozen=True)
class Returning:
    """A stop whose exit arm is only ``return VALUE``, VALUE names and constants (``return name,
    root``): the work after it is the caller's, which reads the value only through the names the
    call statement binds it to (``method, root = square_root(cov)``), and what outlives the function.
    ``items``: per position of VALUE's tuple (one position for any other VALUE), the name returned
    there (None: a constant); ``outliving``: what the loop changes that is not the function's own."""

    items: tuple
    outliving: frozenset
    sized: frozenset

    def later(self, read: Optional[tuple]) -> Later:
        """What the work after a stop in a call whose caller reads the positions ``read`` (a bool per
        position; None: any) reads. The returned names are signed by value, lengths too (the caller
        may read anything of them); the outliving objects' numbers by type, as a break's are."""
        returned = {n for i, n in enumerate(self.items) if n is not None and (read is None or read[i])}
        names = returned | self.outliving
        return Later(tuple(sorted(names)), frozenset(returned), frozenset(returned | (self.outliving & self.sized)),
                     returns=True)


Reads = Union[Later, Returning, _Always, None]


@dataclass
class StopWatch:
    """A stop site's executions on a path: how many, what the path had spent at each, the signature
    of the last, and the executions (after the first) from which a switch is explored."""

    sign: object = None  # (None: the loop's first execution this run)
    count: int = 0
    spent: list = field(default_factory=list)
    # (numbered from 1 in each call of predict, as a plan counts them: decisions.Decisions.next_call)
    points: list = field(default_factory=list)
    # the same points, asked at every change: a loop whose state changes at every execution would
    # make a look-up in the list quadratic in its executions
    _pointed: set = field(default_factory=set, init=False, repr=False, compare=False)
    # ``count`` when the current call of predict began, and when the first one ended (None: in it)
    start: int = 0
    first: Optional[int] = None

    def next_call(self) -> None:
        """Another call of predict begins: its executions are numbered from 1 again."""
        if self.first is None:
            self.first = self.count
        self.start = self.count

    def began(self) -> None:
        """The site's loop begins again (a later call, the next pass of a loop around it): its first
        execution there is compared with nothing before it. Which of the loop's runs stop where
        stays a mix the alike answers leave out (alike.py), as for any site met again."""
        self.sign = None

    def met(self, sign, spent: int) -> None:
        """One more execution, whose later work's state is ``sign`` (or ALWAYS)."""
        self.count += 1
        if self.sign is not None and (sign is ALWAYS or not _covers(sign, self.sign)):
            self._change(self.count)
        self.sign = sign
        self.spent.append(spent)

    def ended(self, sign) -> None:
        """The loop ended by its own course, leaving state of signature ``sign`` (ALWAYS: the work
        after it is other than the stopping runs', a returning arm's)."""
        if sign is ALWAYS or not _covers(sign, self.sign):
            self._change(self.count + 1)

    def _change(self, n: int) -> None:
        # the last execution of the signature before, and the first of this one (the first
        # execution is the alike stopping path's own; past the last is the never-stopping path)
        for k in (n - 1, n):
            if 1 < k - self.start and k <= self.count and k - self.start not in self._pointed:
                self._pointed.add(k - self.start)
                self.points.append(k - self.start)


def later_reads(stop: ast.AST, loop: ast.stmt, function: ast.AST, arm_raises_caught: bool, program=None,
                module=None) -> Reads:
    """The names whose state the work after ``loop`` stopped by ``stop`` (an exit ``if`` of its
    body, or the ``while`` loop itself for its test) may read, or ALWAYS. ``arm_raises_caught``:
    whether a raise there may be caught (a handler around the running code); ``program``: where
    the methods a count is handed to are looked up (value_flow._dropped_by); ``module`` (program.Module): the
    function's, whose imports of library modules (``fnp``) are no state a call of theirs changes."""
    per_loop = _READS.get(loop)
    if per_loop is None:
        per_loop = _READS[loop] = {}
    key = (id(stop), id(function), arm_raises_caught)
    if key not in per_loop:
        # (None is an answer too, kept: sketch_dispatch's stop whose arm goes on was read anew at
        # each of its 273 executions, a walk of predict's body each, 40% of the analysis)
        per_loop[key] = _later_reads(stop, loop, function, arm_raises_caught, program, module)
    return per_loop[key]


@dataclass(frozen=True)
class HandedBack:
    """What a function hands back of where its loop stopped (handed_back): ``names`` the loop wrote
    (sorted); whether it ``kept`` one on what outlives the function (``self.last_it = it``); per
    position of the tuple it returns, those that position reads (None: the whole value); and
    whether they leave by a ``return`` in an exit ``if``'s arm (``in_arm``)."""

    names: tuple
    kept: bool = False
    positions: Optional[tuple] = None
    in_arm: bool = False


def handed_back(stop: ast.AST, loop: ast.stmt, function: ast.AST, program=None, module=None) -> HandedBack:
    """The names the loop writes that leave ``function`` once ``stop`` (an exit ``if``, the ``while``
    loop for its test, or a ``try`` whose body ends the loop unless an op in it raises) ended the
    loop: read by its exit arm (the try's body) ending by ``return`` (``it`` in ``return v, it``,
    ``j`` in ``return chol, j``, or left on an object, ``self.last_it = it``), or else, the loop left
    by a ``break`` or its ``while`` test, read by a ``return`` after the loop or stored after it on
    what outlives the function (``self.last_it = it``); none for any other stop. What they hold
    depends on where the loop stopped, and the caller may read it (``if it > prev:``): in one run
    of the loop every stop is switched (ALWAYS) or signed, but runs of the loop in other calls,
    each stopping elsewhere, are not."""
    per_loop = _READS.get(loop)
    if per_loop is None:
        per_loop = _READS[loop] = {}
    key = ("handed back", id(stop), id(function))
    if key not in per_loop:
        if stop.__class__ is ast.Try:
            # a retry's try: its body's end is where the loop stops (``return chol, j``, the rung
            # that worked), an op in it raising into a clause that lets the loop go on
            arm = stop.body if any(n is stop for n in own_nodes(loop.body)) else []
        else:
            arm = _exit_arm(stop) if stop is not loop else []
        written = _writes(loop.body, _libraries(module, program)) \
            | (_writes([loop.target]) if loop.__class__ is not ast.While else set())
        if stop.__class__ is ast.Try:
            # (what the try's body binds, ``factor = cholesky(...)``, is its op's result, not yet
            # bound where the op's site is met, and an array: not a count)
            written -= _writes(stop.body)
        found = HandedBack(())
        if arm and arm[-1].__class__ is ast.Return and stop.__class__ is ast.Try:
            # (only what it returns itself: ``j`` in ``return cholesky(c + j * eye), j``, not the
            # jitter an op's operand reads)
            value = arm[-1].value
            names = {e.id for e in (value.elts if value.__class__ is ast.Tuple else [value])
                     if e.__class__ is ast.Name} & written
            found = HandedBack(tuple(sorted(names)), False, _positions([arm[-1]], names))
        elif arm and arm[-1].__class__ is ast.Return:
            names = _loads(arm) & written
            found = HandedBack(tuple(sorted(names)), bool(_kept(arm, lambda n: True, function) & names),
                               _positions([arm[-1]], names), stop.__class__ is ast.If)
        elif stop is loop or arm and arm[-1].__class__ is ast.Break:
            after = _after(loop, function)
            kept = _kept(function.body, after, function) & written
            names = (_reads_after(loop, function)[1] | kept) & written
            returns = [n for n in own_nodes(function.body) if n.__class__ is ast.Return and after(n)]
            found = HandedBack(tuple(sorted(names)), bool(kept), _positions(returns, names))
        per_loop[key] = found
    return per_loop[key]


@dataclass(frozen=True)
class ReturnedAfter:
    """What ``function`` returns after a loop left by a ``break`` or its ``while`` test of what the
    loop wrote (returned_after): ``names``; per position of the tuple every such ``return`` hands
    back, those it reads there (None: the whole value); and ``inside``, those a return reads other
    than as a whole item (``return fnp.sum(fnp.ones(it * (9 - it)))``): the function's own last
    work may price them, whatever the caller does with the value."""

    names: frozenset
    positions: Optional[tuple]
    inside: frozenset


@dataclass(frozen=True)
class PricedStop:
    """A stop whose returned count prices later work, at its first execution in one run of its loop
    (Truth._priced_after): the count is watched from there on."""

    names: tuple  # the names watched (sorted)
    signature: tuple  # their sign_by_value then
    spent: int  # what the path had spent then: the low end where the count changes later
    thresholds: tuple  # (name, count_compares.Thresholds) of the counts the caller only compares


def returned_after(stop: ast.AST, loop: ast.stmt, function: ast.AST, program=None,
                   handed: Optional[frozenset] = frozenset()) -> ReturnedAfter:
    """What ``function``'s returns after ``loop``, which ``stop`` left (a ``break`` arm, or the
    ``while`` loop for its test), hand back of what the loop wrote (``it`` in ``return v, it``
    after it), but numbers every read of which after the loop reaches array values or floats only
    (``return v - 1.0 / drawn``: _values_only). Where the loop stopped sets them, and the caller
    (or the return expression itself) may price work by them, dearest mid-way (``fnp.ones(it * (9 -
    it))``): the path signs them by type, so a run stopping mid-way may cost more than every path
    (Truth._priced_after opens the high end there). What a return hands back may be priced by the
    caller however it was made, a float too (``return v, 0.5 * it``, then ``int(2 * c)``): only one
    made an array by a flopscope call whose value the analyzer never knows (``fnp.sum(s) - 1.0 / drawn``,
    value_flow._flopscope_call) prices nothing, or any value
    ``predict`` returns to whestbench, which prices only its shape (``handed``: as value_flow._flow's)."""
    per_loop = _READS.get(loop)
    if per_loop is None:
        per_loop = _READS[loop] = {}
    key = ("returned after", id(stop), id(function), handed)
    if key not in per_loop:
        found = ReturnedAfter(frozenset(), None, frozenset())
        arm = _exit_arm(stop) if stop is not loop else []
        if stop is loop or arm and arm[-1].__class__ is ast.Break:
            written = _writes(loop.body) | (_writes([loop.target]) if loop.__class__ is not ast.While else set())
            after = _after(loop, function)
            returns = [n for n in own_nodes(function.body) if n.__class__ is ast.Return and n.value is not None
                       and after(n)]
            names = {n for n in _loads(returns) & written
                     if not _values_only(n, loop, function, arm, program, joins=True, handed=handed)}
            items = [e for r in returns for e in (r.value.elts if r.value.__class__ is ast.Tuple else [r.value])]
            inside = {n for e in items if e.__class__ is not ast.Name for n in _loads([e])}
            found = ReturnedAfter(frozenset(names), _positions(returns, names), frozenset(inside & names))
        per_loop[key] = found
    return per_loop[key]


def caller_prices(stmt: ast.stmt, caller: ast.AST, callee: str, positions: int, program=None,
                  handed: Optional[frozenset] = frozenset()) -> Optional[tuple]:
    """Per position of a returned tuple of ``positions`` items (one: the whole value), whether
    ``caller`` may price work by it after ``stmt``, the statement whose whole value is the call of
    ``callee`` (caller_reads): a target read again other than only into array values or floats
    (_reaches_values: ``rows.append(0.0 * it)`` prices nothing). None where any may. ``handed``:
    as value_flow._flow's, None for ``predict``, whose value whestbench prices only by its shape; else what
    ``caller`` returns goes on to a caller of its own, which may price work by it."""
    per_stmt = _PRICES.setdefault(stmt, {})
    key = (id(caller), callee, positions, handed)
    if key not in per_stmt:
        read = caller_reads(stmt, caller, callee, positions)
        if read is not None and any(read) and stmt.__class__ is not ast.Expr:
            target = stmt.targets[0] if stmt.__class__ is ast.Assign else stmt.target
            names = [target.id] * positions if target.__class__ is ast.Name else [e.id for e in target.elts]
            read = tuple(r and not value_flow.reaches_values(n, caller, None, program, 0, joins=True, handed=handed)
                         for r, n in zip(read, names))
        per_stmt[key] = read
    return per_stmt[key]


_PRICES: "weakref.WeakKeyDictionary[ast.stmt, dict]" = weakref.WeakKeyDictionary()


def _positions(returns: list, names: set) -> Optional[tuple]:
    """Per position of the tuple every one of ``returns`` hands back, those of ``names`` it reads;
    None where one returns no tuple display, or they differ in length."""
    found = None
    for r in returns:
        if r.value.__class__ is not ast.Tuple or found is not None and len(found) != len(r.value.elts):
            return None
        here = tuple(frozenset(_loads([e]) & names) for e in r.value.elts)
        found = here if found is None else tuple(a | b for a, b in zip(found, here))
    return found


def _kept(stmts: list, where, function: ast.AST) -> set:
    """The names ``stmts`` read, at nodes ``where`` says, into what outlives ``function``: the value
    of an assignment to an attribute or item of an object not its own (``self.last_it = it``), or
    an argument of a method call on one (``self.history.append(it)``)."""
    own = _locals(function)
    found = set()
    for n in own_nodes(stmts):
        if n.__class__ not in (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Call) or not where(n):
            continue
        if n.__class__ is not ast.Call and n.value is not None:
            targets = n.targets if n.__class__ is ast.Assign else [n.target]
            if any(t.__class__ in (ast.Attribute, ast.Subscript) and _root(t) not in own for t in targets):
                found |= _loads([n.value])
        elif n.__class__ is ast.Call and n.func.__class__ is ast.Attribute and n.func.attr in KEEPING \
                and _root(n.func.value) not in own:
            found |= _loads(n.args + [k.value for k in n.keywords])
    return found


#: the methods by which a container keeps what it is handed (``self.history.append(it)``)
KEEPING = frozenset({"append", "appendleft", "extend", "insert", "add", "update", "setdefault"})


def _later_reads(stop: ast.AST, loop: ast.stmt, function: ast.AST, arm_raises_caught: bool, program=None,
                 module=None) -> Reads:
    after, returned = _reads_after(loop, function)
    libraries = _libraries(module, program)
    arm: list = []
    if stop is not loop:
        arm = _exit_arm(stop)
        last = arm[-1] if arm else None
        if last.__class__ is ast.Return:
            return _returning(arm, stop, loop, function, libraries)
        if last.__class__ is ast.Raise and arm_raises_caught:
            return ALWAYS  # a handler's later work
        if last.__class__ is ast.Raise:
            return None  # the run ends there: what it charged up to k grows with k
        if last.__class__ is not ast.Break:
            return None  # an arm that may go on (a stability count stepped): onsets.py's to read
        if any(n.__class__ in (ast.Return, ast.Raise) for n in own_nodes(arm)):
            return ALWAYS
        # a flag the break sets, or one the loop's `else` sets, read after the loop
        if (_stores(arm) | _stores(loop.orelse)) & after:
            return ALWAYS
        after = after | _loads(arm)
    written = _writes(loop.body, libraries) | _writes(loop.orelse, libraries)
    if loop.__class__ is not ast.While:
        written |= _writes([loop.target])
    # and what outlives the function, read by its caller as a returned count is: the objects the
    # loop changes that are not its own locals (their numbers signed by type, as a returned count)
    # a known number every read of which reaches array values or floats only (``t / drawn``) prices
    # nothing later: signed by its type, as a returned count is
    numbers = {n for n in written & after if not _values_only(n, loop, function, arm, program)}
    # the loop may change what a local it reads holds without naming it: through another name for
    # the same object (``for t in tallies: t.n += 1``) or a call handed it (``bump(tallies)``). It
    # cannot rebind such a name, so signing its numbers by value switches only where the contents
    # it reaches change. (What parameters and globals hold outlives the function: signed as above)
    reached = _loads(loop.body) | _loads([loop.test if loop.__class__ is ast.While else loop.iter])
    shared = (after & reached & _locals(function)) - written
    names = (written & after) | (written & returned) | (_mutated(loop.body, libraries) - _locals(function)) | shared
    numbers |= shared
    sized = _sized(function)
    return Later(tuple(sorted(names)), frozenset(numbers), frozenset(names & sized)) if names else None


def _returning(arm: list, stop: ast.AST, loop: ast.stmt, function: ast.AST,
               libraries: frozenset) -> Union[Returning, _Always]:
    """A stop whose arm only returns names and constants, read by the caller (Returning); ALWAYS
    for any other return arm (one whose work or value may raise, or charge by what it reads) or one
    a ``finally`` or ``with`` around it runs more work after."""
    value = arm[0].value if len(arm) == 1 else None
    elements = value.elts if value.__class__ is ast.Tuple else [value]
    if value is None or any(e.__class__ not in (ast.Name, ast.Constant) for e in elements):
        return ALWAYS
    if any(n.__class__ in _GUARDS and (n.__class__ is not ast.Try or n.finalbody) and _holds_node(n, stop)
           for n in own_nodes(function.body)):
        return ALWAYS
    outliving = _mutated(loop.body, libraries) - _locals(function)
    return Returning(tuple(e.id if e.__class__ is ast.Name else None for e in elements), frozenset(outliving),
                     frozenset(_sized(function) & outliving))


def may_return_from_loop(function: ast.AST) -> bool:
    """Whether a stop in a loop of ``function`` may be Returning (an ``if`` whose exit arm ends in
    ``return`` of names and constants). A call of it is not reused from an equal earlier one
    (repeats.CallMemo): the replay would skip the loop's ending by its own course, which such a stop
    is always switched at (StopWatch.ended), and a later run of the loop would stop nowhere new."""
    if function.__class__ is ast.Lambda:
        return False
    found = _RETURNING_LOOPS.get(function)
    if found is None:
        found = _RETURNING_LOOPS[function] = any(
            n.__class__ is ast.If and _returning_arm(_exit_arm(n))
            for loop in own_nodes(function.body) if loop.__class__ in _LOOPS for n in own_nodes(loop.body))
    return found


def _returning_arm(arm: list) -> bool:
    value = arm[-1].value if arm and arm[-1].__class__ is ast.Return else None
    return value is not None and all(e.__class__ in (ast.Name, ast.Constant)
                                     for e in (value.elts if value.__class__ is ast.Tuple else [value]))


_RETURNING_LOOPS: "weakref.WeakKeyDictionary[ast.AST, bool]" = weakref.WeakKeyDictionary()


def _holds_node(outer: ast.AST, node: ast.AST) -> bool:
    return any(n is node for n in ast.walk(outer))


def caller_reads(stmt: ast.stmt, caller: ast.AST, callee: str, positions: int) -> Optional[tuple]:
    """Per position of a returned tuple of ``positions`` items, whether ``caller`` may read it after
    ``stmt``, the statement whose whole value is the call of the function named ``callee`` (the
    Returning stop's): a target it never reads again is not (``method`` in ``method, root =
    square_root(cov)``). None where any may be read: a call of another name (a callback, an alias),
    a target other than plain names, a ``global`` or ``nonlocal`` in the caller, a ``return``."""
    func = stmt.value.func
    if (func.id if func.__class__ is ast.Name else getattr(func, "attr", None)) != callee:
        return None
    if stmt.__class__ is ast.Expr:
        return (False,) * positions  # the value is dropped
    if stmt.__class__ is ast.Assign and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif stmt.__class__ is ast.AnnAssign:
        target = stmt.target
    else:
        return None
    if any(n.__class__ in (ast.Global, ast.Nonlocal) for n in ast.walk(caller)):
        return None
    live = live_after(caller, stmt)
    if live is None:
        return None
    if target.__class__ is ast.Name:
        return (target.id in live,) * positions  # the whole value under one name
    if target.__class__ in (ast.Tuple, ast.List) and len(target.elts) == positions \
            and all(e.__class__ is ast.Name for e in target.elts):
        return tuple(e.id in live for e in target.elts)
    return None


def _values_only(name: str, loop: ast.stmt, function: ast.AST, arm: list, program=None, joins: bool = False,
                 handed: Optional[frozenset] = None) -> bool:
    """Whether every value ``name`` holds after ``loop`` flows only into arithmetic whose result is
    an array's values or a float, returned or bound to a name whose reads flow so too, or into what
    nothing reads (value_flow._flow): never into a shape, a size, an index, a slice or loop bound, a test, an
    attribute, a call other than a numpy elementwise one or a method that drops it, or anything
    that outlives the function. Any other read, or a nested scope reading it, keeps it signed
    (False). Its reads in the loop's body are the loop's own work, priced up to each stop, but for
    those in ``arm``, the stop's exit arm, which runs after the last pass; names bound from it
    after the loop are followed through every read. Lengths never take the number: it joins sequences only by
    ``+``, ``-`` or ``/`` while it may be an int (``[0] * n`` is a length), and whatever may still
    be an int only ever leaves a call other than the numpy ones, which end the flow, as a number."""
    after = _after(loop, function)
    in_arm = {id(n) for n in own_nodes(arm)}
    return value_flow.reaches_values(name, function, lambda n: not after(n) and id(n) not in in_arm, program, 0, joins,
                                     handed)




def _sized(function: ast.AST) -> set:
    """The names whose length ``function`` reads (``len(rows)``)."""
    return {n.args[0].id for n in own_nodes(function.body) if n.__class__ is ast.Call and n.func.__class__ is ast.Name
            and n.func.id == "len" and len(n.args) == 1 and n.args[0].__class__ is ast.Name}


def _exit_arm(stop: ast.If) -> list:
    """The arm of ``stop`` that leaves the loop (the body, or the else for ``if ok: ... else: break``)."""
    from flopcast.analyzer.loop_syntax import arm_exits

    return stop.body if arm_exits(stop.body) else stop.orelse


def _reads_after(loop: ast.stmt, function: ast.AST) -> tuple[frozenset, frozenset]:
    """The names read in ``function`` after ``loop`` ends (after it, in its ``else``, and anywhere in
    a loop around it: the next pass), other than in a ``return`` or formatted whole by an f-string;
    and those read so."""
    later = _after(loop, function)
    returns = [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in own_nodes(function.body)
               if n.__class__ is ast.Return]
    # a name an f-string formats whole (``f"it={it}"``) is read only as text, priced by no value of it
    texted = {id(n.value) for n in own_nodes(function.body)
              if n.__class__ is ast.FormattedValue and n.value.__class__ is ast.Name}
    set_on = _set_on(function.body)
    found, returned = set(), set()
    for n in own_nodes(function.body):
        if n.__class__ is ast.Name and n.ctx.__class__ is ast.Load and id(n) not in set_on:
            at = (n.lineno, n.col_offset)
            if later(n):
                (returned if id(n) in texted or any(a <= at < b for a, b in returns) else found).add(n.id)
    rebound = _rebound_first(loop, function)
    return frozenset(found - rebound), frozenset(returned - rebound)


def _after(loop: ast.stmt, function: ast.AST):
    """Whether a node of ``function`` runs after ``loop`` ends: after it, in its ``else``, or
    anywhere in a loop around it (the next pass), other than in the loop's body or ``while`` test."""
    start = (loop.lineno, loop.col_offset)
    end = (loop.end_lineno, loop.end_col_offset)
    body = [((s.lineno, s.col_offset), (s.end_lineno, s.end_col_offset)) for s in loop.body]
    if loop.__class__ is ast.While:
        body.append(((loop.test.lineno, loop.test.col_offset), (loop.test.end_lineno, loop.test.end_col_offset)))
    around = [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in own_nodes(function.body)
              if n.__class__ in _LOOPS and n is not loop
              and (n.lineno, n.col_offset) <= start and end <= (n.end_lineno, n.end_col_offset)]

    def later(n: ast.AST) -> bool:
        at = (n.lineno, n.col_offset)
        if any(a <= at < b for a, b in body):
            return False
        return at >= end or any(a <= at < b for a, b in around)

    return later


def _rebound_first(loop: ast.stmt, function: ast.AST) -> set:
    """The names the statements after ``loop`` in its block bind before anything reads them there
    (lanczos' ``q_mat = fnp.stack(basis, axis=1)`` after the loop that also sets it): every read
    after the loop, and in the next pass of a loop around it, sees the new value. Only a plain
    assignment binds so (one in an ``if`` may not run); none where a ``try`` or ``with`` around the
    loop may go on past a raise before the binding, and the scan stops at a ``break`` or
    ``continue`` (a next pass that skips it)."""
    found = _block_after(function.body, loop)
    if found is None:
        return set()
    read, rebound = set(), set()
    for st in found:
        if any(n.__class__ in (ast.Break, ast.Continue) for n in ast.walk(st)):
            break
        read |= {n.id for n in ast.walk(st) if n.__class__ is ast.Name and n.ctx.__class__ is ast.Load}
        if st.__class__ in (ast.Assign, ast.AnnAssign) and getattr(st, "value", None) is not None:
            targets = st.targets if st.__class__ is ast.Assign else [st.target]
            rebound |= {n.id for t in targets for n in ast.walk(t) if n.__class__ is ast.Name} - read
    return rebound


def _block_after(stmts: list, loop: ast.stmt):
    """The statements after ``loop`` in the block of ``stmts`` (or of a statement nested in them)
    that holds it; None where it is not found or a ``try`` or ``with`` holds it."""
    for i, st in enumerate(stmts):
        if st is loop:
            return stmts[i + 1:]
        if st.__class__ in DEF_SCOPES:
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for block in _blocks_of(getattr(st, name, None)):
                found = _block_after(block, loop)
                if found is not None:
                    return None if st.__class__ in _GUARDS else found
    return None


def _blocks_of(field) -> list:
    """The statement lists of a statement's field (a block, or handlers' and match cases' bodies)."""
    if not field:
        return []
    if field[0].__class__ in (ast.ExceptHandler, ast.match_case):
        return [f.body for f in field]
    return [field] if isinstance(field[0], ast.stmt) else []


#: statements that may go on past a raise inside them (a handler, a context manager that suppresses it)
_GUARDS = (ast.Try, ast.With, ast.AsyncWith) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


def _writes(stmts: list, libraries: frozenset = frozenset()) -> set:
    """The names ``stmts`` bind, and the roots of what they store into or call a method of (_mutated)."""
    return {n.id for n in own_nodes(stmts) if n.__class__ is ast.Name and n.ctx.__class__ is not ast.Load} \
        | _mutated(stmts, libraries)


def _stores(stmts: list) -> set:
    """The names ``stmts`` bind, and the roots of what they store into (not of the methods they
    call: ``log.info(...)`` before a break sets nothing)."""
    found = {n.id for n in own_nodes(stmts) if n.__class__ is ast.Name and n.ctx.__class__ is not ast.Load}
    found |= {_root(n) for n in own_nodes(stmts) if n.__class__ in (ast.Attribute, ast.Subscript)
              and n.ctx.__class__ is not ast.Load}
    found.discard(None)
    return found


def _mutated(stmts: list, libraries: frozenset = frozenset()) -> set:
    """The roots of what ``stmts`` store into or call a method of (``self.log.append``); not the
    names of ``libraries`` only called (``fnp.sum(x)``): a library module is signed by its
    identity alone, the same at every execution, so watching it only adds paths."""
    found = {_root(n) for n in own_nodes(stmts) if n.__class__ in (ast.Attribute, ast.Subscript)
             and n.ctx.__class__ is not ast.Load}
    found |= {_root(n.func.value) for n in own_nodes(stmts) if n.__class__ is ast.Call
              and n.func.__class__ is ast.Attribute} - libraries
    found.discard(None)
    return found


def _libraries(module, program) -> frozenset:
    """The names ``module`` binds by ``import`` to a module outside the submission's folder
    (``fnp``, ``np``, ``math``); a module of the folder keeps its globals, which its functions change."""
    if module is None or program is None:
        return frozenset()
    found = _LIBRARIES.get(module.tree)
    if found is None:
        found = _LIBRARIES[module.tree] = frozenset(
            alias.asname or alias.name.partition(".")[0] for n in ast.walk(module.tree) if n.__class__ is ast.Import
            for alias in n.names if program.peek_module(alias.name) is None and alias.name != program.main.name)
    return found


def _locals(function: ast.AST) -> set:
    """The names ``function`` binds in its body (not its parameters: their objects are the caller's)."""
    return {n.id for n in own_nodes(function.body) if n.__class__ is ast.Name and n.ctx.__class__ is not ast.Load}


def _loads(stmts: list) -> set:
    """The names ``stmts`` read, other than to set an attribute on (_set_on)."""
    set_on = _set_on(stmts)
    return {n.id for n in own_nodes(stmts) if n.__class__ is ast.Name and n.ctx.__class__ is ast.Load
            and id(n) not in set_on}


def _set_on(stmts: list) -> set:
    """The Name nodes in ``stmts`` read only to set an attribute on (``self`` in ``self.stopped =
    True``): what the object holds prices nothing there."""
    return {id(n.value) for n in own_nodes(stmts)
            if n.__class__ is ast.Attribute and n.ctx.__class__ is ast.Store and n.value.__class__ is ast.Name}


def _root(n: ast.AST):
    while n.__class__ in (ast.Attribute, ast.Subscript):
        n = n.value
    return n.id if n.__class__ is ast.Name else None


#: how deep into lists, dicts and objects a signature looks, and how many items of each
_DEPTH = 3
_ITEMS = 64


def _sign(value, depth: int, numbers: bool = True, lengths: bool = True):
    """``numbers``: whether a known int, float or str is signed by its value (a bool always is);
    ``lengths``: whether a list's length is (else its items' signatures, each once)."""
    cls = value.__class__
    if cls is Array:
        return ("A", value.shape, value.dtype, value.sym, value.plain)
    if cls is Unknown:
        return ("U", value.kind)
    if cls is NumpyScalar:
        return ("N", value.dtype)
    if isinstance(value, Known):
        v = value.__dict__["value"]
        if not numbers and v.__class__ in (int, float, str):
            return ("K", v.__class__.__name__)
        try:
            hash(v)
        except TypeError:
            return ("K", type(v).__name__, id(v))
        return ("K", type(v).__name__, v)
    if depth >= _DEPTH:
        return ("deep", cls.__name__, id(value))
    if cls is ListVal or cls is TupleVal:
        items = value.items
        signs = [_sign(i, depth + 1, numbers, lengths) for i in list(items)[:_ITEMS]]
        if cls is ListVal and not lengths:
            # a list grown by the loop and read after it only whole (stacked, iterated): its length
            # only sizes arrays, whose prices grow with it, and the loop's work up to k as well
            return (cls.__name__, frozenset(signs))
        return (cls.__name__, len(items), tuple(signs))
    if cls is DictVal:
        return ("D", len(value.items),
                tuple((repr(k), _sign(v, depth + 1, numbers, lengths)) for k, v in list(value.items.items())[:_ITEMS]))
    if cls is InstanceVal:
        return ("I", id(value), tuple((k, _sign(v, depth + 1, numbers, False)) for k, v in sorted(value.attrs.items())[:_ITEMS]),
                None if value.payload is None else _sign(value.payload, depth + 1, numbers, False))
    # a function, a class, a library reference, an iterator: the same object, or another one
    return (cls.__name__, id(value))


def sign_by_value(value) -> tuple:
    """``value``'s signature with its numbers and lengths (_sign)."""
    return _sign(value, 0)


def _covers(sign: tuple, before) -> bool:
    """Whether later work from state ``sign`` costs no less than from ``before`` where they differ
    only as a number read from data differs from a known one of its kind (the later sites answer
    for every value it may hold, the known one's too) or an array that lost its symmetry tag
    differs from the tagged one (a tag only discounts)."""
    if sign == before:
        return True
    if before is ALWAYS or len(sign) != len(before):
        return False
    for now, was in zip(sign, before):
        if now == was:
            continue
        if now[0] == "U" and was[0] == "K" and was[1] in _KINDS.get(now[1], ()):
            continue
        if now[0] == "A" and was[0] == "A" and now[1:3] == was[1:3] and now[3] is None and now[4] == was[4]:
            continue
        return False
    return True


#: the known types a number read from data of each kind may hold
_KINDS = {"float": ("float", "int"), "int": ("int",), "bool": ("bool",), "": ("float", "int", "bool")}

_READS: "weakref.WeakKeyDictionary[ast.AST, dict]" = weakref.WeakKeyDictionary()
_LIBRARIES: "weakref.WeakKeyDictionary[ast.Module, frozenset]" = weakref.WeakKeyDictionary()
