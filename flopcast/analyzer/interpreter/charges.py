"""Charges and reports: what a path's ops cost, its notes, its unpriced ops and the choices
it asks the path explorer for.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import fields
from pathlib import PurePosixPath
from typing import Optional

from flopcast.analyzer import buffer_views, dataints, presumptions, pricing, sizetests, undefined, warning_filters
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.ops import OpError, type_info
from flopcast.analyzer.values import Array, Builtin, Known, release_ends, UserRaise, Value
from flopcast.model import Charge, Note, Span, Uncertainty
from flopcast.syntax import ast_walk, is_generated
from flopcast.analyzer.interpreter.common import _clause_fails
from flopcast.analyzer.interpreter.control import PathEnd
from flopcast.analyzer.interpreter.exception_names import _catches_exhaustion


_new_object = object.__new__


# emit() writes a Charge's fields itself: these, in this order (a field added to Charge must be added there).
assert [f.name for f in fields(Charge)] == ["span", "op", "flops", "dtype", "function", "certain",
                                            "detail", "dtype_origin"]


class Charges:
    """The Interpreter's methods for charges and reports."""

    def emit(self, span, op, flops, dtype, function, origin=None, detail=""):
        if self.float_raise is not None and self.metered and not self.float_silent:
            self._float_op_may_raise(span, op, flops, dtype, function, origin, detail)
        if self.warning_filters.inside_ops and self.metered and not self.float_silent:
            self._float_warning_may_raise(span, op, flops, dtype, function, origin, detail)
        if not self.metered or self.free:
            return
        flops = int(flops)
        if self.spent_ranges is not None and (self._catching_exhaustion or self._replacing_exhaustion) \
                and self.spent_ranges.most > self.budget:
            # a mixed run spends at most what the dearest path does (the presumption spent_ranges.py
            # rests on): only past the budget may flopscope refuse this charge into a handler
            self.spend_steers(span, "a charge a handler of BudgetExhaustedError may see refused")
        if (self._catching_exhaustion or self._replacing_exhaustion) and self.exhaustion_caught(flops):
            if self._catching_exhaustion:
                self.result.exhausted = self.result.exhausted or span
            self.effects += 1  # what the call around it did depends on the FLOPs spent (repeats.SharedCalls)
            self.budget_reads += 1  # and a call around it is reused only where as much was spent (CallMemo)
            self.told_spent()
            raise UserRaise(span, f"BudgetExhaustedError: {op} would cost {flops:,} FLOPs but only "
                                  f"{self.budget - self.used:,} remain", exhausted=span)
        if self._catching_exhaustion and flops > self.budget - self.used:
            # flopscope may refuse this charge into the program's handler, but the running total
            # is not the run's (exhaustion_caught): going on as if unbounded would count work the
            # run never does (a polishing loop that stops when the budget runs out); the path
            # stops here, its count so far a lower bound and the high end open
            why = self.spent_unfollowed()
            raise PathEnd(f"the budget may run out here into an except clause that catches "
                          f"BudgetExhaustedError, and flopcast cannot follow the FLOPs spent ({why})",
                          span, what="budget exhaustion")
        if self._crossing_watch is not None and flops > self.budget - self.used:
            self.cross(span)  # flopscope refuses this op: whestbench's next call starts from the state now
        self.used += flops
        # Charge(span, op, flops, dtype, function, True, detail, origin), its fields written as the
        # frozen dataclass's __init__ writes them (in order), without its eight object.__setattr__.
        charge = _new_object(Charge)
        charge.__dict__.update(span=span, op=op, flops=flops, dtype=dtype, function=function, certain=True,
                               detail=detail, dtype_origin=origin)
        charges = self.result.charges
        charges.append(charge)
        if self.trace is not None:
            self.trace.charged(len(charges) - 1, self.loops)
        inclusive = self.result.inclusive
        for qualname in set(self.call_stack):
            inclusive[qualname] = inclusive.get(qualname, 0) + flops

    def exhaustion_caught(self, cost: int) -> bool:
        """Whether charging ``cost`` now makes flopscope raise BudgetExhaustedError (it costs more
        than is left: checked before charging) into a handler of the program's that catches it;
        the path then goes on in the handler. Where nothing catches it, the path's count runs
        on as if unbounded and the report names the overrun (_budget_overrun). Claimed only
        where the running total is the run's: nothing unpriced before, no generator body."""
        return ((self._catching_exhaustion > 0 or self._replacing_exhaustion > 0) and cost > self.budget - self.used
                and self.spent_unfollowed() is None)

    def may_exhaust_inside(self, cost: int) -> bool:
        """Whether ``cost`` FLOPs charged at once (a reused call, skipped loop iterations) could run
        the budget out into a handler of the program's: one on the stack now, or any the program
        has, which the code that would have run may enter. Then that code runs instead."""
        if cost <= self.budget - self.used:
            return False
        if self._crossing_watch is not None:
            return True  # the code runs: the state where the budget runs out is taken there (cross)
        # also where the FLOPs spent are not followed (something unpriced, a generator ran): the
        # code then runs, and emit stops the path where the budget may run out into a handler
        return self._catching_exhaustion > 0 or self._replacing_exhaustion > 0 or self.program_catches_exhaustion()

    def program_catches_exhaustion(self) -> bool:
        """Whether any ``except`` clause of the modules loaded so far catches BudgetExhaustedError."""
        key = tuple(self.program.modules)
        cached = _CATCHING.get(self.program.main.tree)
        if cached is None or cached[0] != key:
            # a clause naming a class flopscope lacks stops the run there too (stmt_Try); its
            # module is read from the module's own names (an import inside a function is missed)
            # (a `with` too whose manager may swallow flopscope's refusal: contexts.enter_contexts)
            found = any(_may_swallow_exhaustion(n) or isinstance(n, ast.Try) and (
                            _catches_exhaustion(n.handlers) or _clause_fails(
                            n.handlers, self.module_envs.get(m.key, {}).get,
                            lambda name, m=m: undefined.never_defined(self.program, m, name)))
                        for m in self.program.modules.values() for n in ast_walk(m.tree))
            cached = _CATCHING[self.program.main.tree] = (key, found)
        return cached[1]

    def _float_op_may_raise(self, span, op, flops, dtype, function, origin, detail) -> None:
        """An op under np.seterr(...="raise"): flopscope charges it, then numpy may raise
        FloatingPointError on its values (into a handler, or out of predict). The path ends
        after the charge: what follows depends on whether it raised."""
        where, which = self.float_raise
        self.float_raise = None
        try:
            self.emit(span, op, flops, dtype, function, origin, detail)
        finally:
            self.float_raise = (where, which)
        raise PathEnd(f"np.seterr({which}) at {where} makes float errors raise: whether this {op} raises "
                      "FloatingPointError depends on the values, so the cost after it is not counted",
                      span, what=f"{op} under np.seterr")

    def _symmetry_loss_may_raise(self, name: str, args, kwargs, result) -> None:
        """flopscope warns SymmetryLossWarning (a UserWarning) after charging an op that drops a
        symmetric operand's tag (``C + W``, ``fnp.sum(C, axis=0)``, ``C.reshape``); under an
        "error" filter it raises there. Not every op that drops a tag warns (``C @ W``): the path
        ends after the charge, a lower bound."""
        if not self.warning_filters.inside_ops or self.free or "symmetry_warnings" in self.silenced:
            return
        if result.__class__ is Array and result.sym is not None:
            return
        if not any(a.__class__ is Array and a.sym is not None for a in [*args, *kwargs.values()]):
            return
        loss = warning_filters.flopscope_warning("SymmetryLossWarning")
        which = warning_filters.may_raise(self.warning_filters, loss)
        if which is not None:
            raise PathEnd(f"a {which} makes flopscope's SymmetryLossWarning raise: fnp.{name} drops a symmetric "
                          "operand's tag, and whether flopscope warns there is not modelled, so the cost after it "
                          "is not counted", self.span, what=f"fnp.{name} under a warnings filter")

    def routed_warning(self, name: str, span: Span) -> None:
        """flopscope's numpy protocol warns (a UserWarning) before it routes ``np.<name>`` of a
        flopscope array to ``fnp.<name>``; under an "error" filter that warning is raised there,
        before any charge (warning_filters.py)."""
        if not self.warning_filters.inside_ops:
            return
        import numpy

        function = numpy
        for part in name.split("."):
            function = getattr(function, part, None)
        real = getattr(function, "__name__", name)
        warning_filters.warn(self, Known(f"np.{real}(FlopscopeArray) auto-routed to fnp.{real}; call fnp.{real} "
                                         "directly to avoid this warning."), Builtin("UserWarning"), span)

    def _float_warning_may_raise(self, span, op, flops, dtype, function, origin, detail) -> None:
        """An op while a warnings filter makes numpy's float warnings raise (``simplefilter("error")``
        with np.seterr's default "warn"): as under np.seterr(all="raise"), whether it raises
        (RuntimeWarning) depends on its values. The path ends after the charge."""
        settings = tuple(sorted((self.float_errors or type_info.DEFAULT_FLOAT_ERRORS).items()))
        which = warning_filters.float_warnings_raise(self.warning_filters, settings)
        if which is None:
            return
        saved, self.warning_filters = self.warning_filters, warning_filters.Filters()
        try:
            self.emit(span, op, flops, dtype, function, origin, detail)
        finally:
            self.warning_filters = saved
        raise PathEnd(f"a {which} makes numpy's float warnings raise: whether this {op} raises RuntimeWarning "
                      "depends on the values, so the cost after it is not counted", span,
                      what=f"{op} under a warnings filter")

    def charge(self, op: str, base: int, dtype: Optional[str], origin: Optional[Span] = None,
               measured: bool = False) -> None:
        """``measured``: ``base`` is the FLOPs flopscope charged, read from flopscope itself."""
        try:
            if measured:
                flops = base
            else:
                flops = pricing.charge(op, base, dtype)
        except pricing.ComplexDtypeError as exc:
            raise OpError(str(exc)) from exc
        span = self.span
        at = self._charge_at
        if at is not None and at[0] is self.frame:
            span = at[1]  # an item a lazy iterator makes when the program asks for it (pulled_at)
        if self._served_paths and span is not None and span.path in self._served_paths:
            # Code an import hook served has no file: flopscope's runtime (and `verify`) files
            # its charges at the innermost call in a real file, and so does the analysis.
            span = next((s for s in reversed(self._call_spans) if s.path not in self._served_paths), span)
        frame = self.frame
        if frame is not None and frame.function is not None and is_generated(frame.function.node):
            # Code flopcast wrote for what Python does in C or in generated code
            # (`operator.methodcaller`, a dataclass's order methods: syntax.lambda_at): the run
            # files its charges at the call into it, in the caller's function.
            span, frame = self._generated_calls[-1]
        self.emit(span, op, flops, dtype, frame.qualname if frame else "<module>", origin)

    def pulled_at(self, pull):
        """``pull()``, the next item of a lazy iterator (map, accumulate, starmap, ...), made where
        the run makes it: what the functions it calls without a frame of the program's charge
        (``fnp.exp`` in ``map(fnp.exp, xs)``) is filed at the instruction of the program's asking
        for the item (``consumer``), as flopscope's runtime files it; a function of the program's
        it calls charges in its own frame, as always."""
        consumer = self.consumer
        if consumer is None or consumer[0] is not self.frame:
            return pull()
        saved, self._charge_at = self._charge_at, consumer
        try:
            return pull()
        finally:
            self._charge_at = saved

    def consuming(self, span: Span, run):
        """``run()`` with ``span`` the instruction of the program's asking iterators for items."""
        saved, self.consumer = self.consumer, (self.frame, span)
        try:
            return run()
        finally:
            self.consumer = saved

    def unpriced(self, node: Optional[ast.AST], what: str, reason: str, raises: bool = True) -> Value:
        return self._unpriced_at(self.node_span(node) if node is not None else self.span or self.program.main_span,
                                 what, reason, raises)

    def note(self, span: Optional[Span], message: str) -> None:
        self.effects += 1
        if all(n.message != message or n.span != span for n in self.result.notes):
            self.result.notes.append(Note(span, message))

    def node_span(self, node: ast.AST) -> Span:
        path = self.frame.module.path if self.frame else self.program.main.path
        # Spans are asked for the same nodes over and over in unrolled loops: keep one per node.
        cached = getattr(node, "_flopcast_span", None)
        if cached is not None and cached.path == path:
            return cached
        span = Span(path, node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)
        node._flopcast_span = span
        return span

    def choose_outcome(self, options: tuple, reason: str, presumed=None, presumption: str = ""):
        """Which of ``options`` an op returns when that depends on the values (the dtype of
        ``linalg.eig``'s result): a value-dependent site, the same on every execution of a path."""
        site = Site(("pick", self.span), options, self.span, "pick", reason,
                    presumed=presumed, presumption=presumption)
        return self.decisions.choose(site, self.kept_used())

    def choose_size(self, lo: int, hi: int, reason: str, nonzero_of: Optional[Array] = None) -> int:
        """A size that depends on values. With ``nonzero_of``, the size is the number of
        nonzero elements of that array: one mask used at several sites (``idx[keep]``,
        ``w[:, keep]``, ``fnp.nonzero(keep)``) selects the same count on a path."""
        self.last_count = None
        if nonzero_of is not None and nonzero_of.true_count is not None:
            return nonzero_of.true_count  # known without its elements (assignment.set_positions)
        if nonzero_of is not None:
            shared = self._nonzero_counts.get(nonzero_of.ident)
            if shared is not None:
                key = self._count_sites.get(nonzero_of.ident)
                against = dataints.opposite(self, key, 1, (lo, hi), self.span, "a selection")
                if lo != hi:
                    keyed = against is None and key is not None and key[0] == "size"
                    self.last_count = (self.span, None, key if keyed else None, lo, hi)
                return shared if against is None else against
        assumed = self.assumed_count(lo, hi)
        if assumed is not None:
            if nonzero_of is not None:
                self.effects += 1
                self._nonzero_counts[nonzero_of.ident] = assumed
            return assumed
        presumed, presumption = presumptions.selection(nonzero_of, lo, hi)
        if presumed is not None and not presumptions.of(nonzero_of).guard:
            self.filter_selections.add(self.span)
        key = ("size", self.span, reason)
        choices, reason = sizetests.analysed_at(key, self.enumerated.get(key, (hi, lo)), self.count_values, lo, hi)
        site = Site(key, choices, self.span, "shape", reason, presumed=presumed, presumption=presumption)
        count = self._at_this_execution(key, self.decisions.choose(site, self.kept_used()), lo, hi)
        dataints.first_use(self, site.key, 1, count, (lo, hi))
        if lo != hi:
            dataints.ended(self, key, self.span)
        if nonzero_of is not None:
            self.effects += 1
            self._nonzero_counts[nonzero_of.ident] = count
            self._count_sites[nonzero_of.ident] = site.key
        if lo != hi:
            self.last_count = (self.span, None if presumed is None else count == presumed, key, lo, hi)
        return count

    def _at_this_execution(self, key: tuple, count: int, lo: int, hi: int) -> int:
        """The count a size site's option stands for at an execution over the range ``lo``..``hi``.
        A site met again over another range (a selection from an array that grows or shrinks from
        one execution to the next) keeps its policy: an end of the range it was first met over
        ("every element kept", "none") is the same end here; a count between them stays that count,
        within this range."""
        first = self._size_ranges.setdefault(key, (lo, hi))
        if first == (lo, hi):
            return count
        self._size_ranges_moved.add(key)
        if count == first[1]:
            return hi
        if count == first[0]:
            return lo
        return min(max(count, lo), hi)

    def write_in_place(self, x: Array, counted: bool = True) -> None:
        """An in-place op (fill_diagonal, putmask, put, shuffle) wrote into ``x``: flopscope
        drops the symmetry tag of that object, so the same object changes here, and every
        name, container, attribute and caller's frame holding it sees the change (a memoised
        call that does it changes its caller's state, and is not recorded). What was known of
        its values (bounds, a presumption, what it counts, a 0-d value) is no longer known.
        ``counted``: flopscope made the write (not numpy's own ``raw[i] = v`` nor an np function run free
        (``self.free``), which leave tags)."""
        # flopscope drops the tags of every array over the buffer it writes: the tagged array a view
        # was made of, and that array's other views
        family = self._tag_family(x)
        voided = buffer_views.may_void(self, x)
        if voided is not None:
            # the tag stays in the count, a lower bound: the run voids it if numpy made a view
            self._unpriced_at(self.span, "a write through a reshape or ravel of a symmetric array",
                              "numpy hands back a view or a copy by the memory layout, which flopcast does not "
                              "follow, and flopscope voids the tag if it is a view (write into the array "
                              "itself, or into a .copy(), to have it priced)", raises=False)
        if counted and x.plain and not self.free:
            # an fnp op writing into a plain ndarray taken from a flopscope array (np.asarray(g))
            # counts the write on the buffer they share: g's tag, and its views', go too
            for a in x.shared or ():
                if not a.plain:
                    family += [b for b in self._tag_family(a) if all(b is not c for c in family)]
        for a in family:
            a.was_tagged = a.was_tagged or bool(a.sym)
            a.sym = None
        for a in tuple(x.shared or (x,)) + tuple(family[1:]):
            # (numpy writing into a flopscope array's buffer leaves its tag)
            a.value = None
            a.vrange = None
            release_ends(a)
            a.fbounds = None
            a.presumed = None
            a.counts = None
            a.distinct = False
            a.true_count = None
            a.elements = None

    def _tag_family(self, x: Array) -> list:
        """``x``, the tagged array it is a view of and that array's other views (buffer_views.link)."""
        root = x.view_of if x.view_of is not None and not x.plain else x.ident
        base = self.view_roots.get(root)
        return [x] + [a for a in (base, *self.views_of.get(root, ())) if a is not None and a is not x]

    def read_array_file(self, path_value: Value) -> Value:
        from flopcast.analyzer.arrayfiles import read_arrays

        if not (isinstance(path_value, Known) and isinstance(path_value.value, (str, PurePosixPath))):
            raise OpError("the file name passed to fnp.load is not known statically")
        return read_arrays(self.program.root, str(path_value.value), flopscope_load=not self.free)

    def record_uncertain(self, node: ast.AST, kind: str, reason: str) -> None:
        span = self.node_span(node)
        self.effects += 1
        if all(u.span != span or u.kind != kind for u in self.result.uncertain):
            self.result.uncertain.append(Uncertainty(span, kind, reason))

    def record_uncertain_span(self, span: Span, kind: str, reason: str) -> None:
        self.effects += 1
        if all(u.span != span or u.kind != kind for u in self.result.uncertain):
            self.result.uncertain.append(Uncertainty(span, kind, reason))


def _may_swallow_exhaustion(node: ast.AST) -> bool:
    """Whether ``node`` may make a manager that swallows flopscope's BudgetExhaustedError: a user
    ``__exit__`` that may return true (memory_limit.exit_may_swallow's test, on the code), a
    ``suppress(...)`` call, an ExitStack (what it enters may swallow)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__exit__":
        return any(isinstance(n, ast.Return) and n.value is not None and not (
            isinstance(n.value, ast.Constant) and n.value.value in (None, False)) for n in ast.walk(node))
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        return name in ("suppress", "ExitStack")
    return False


#: main module tree -> (the modules loaded when asked, whether an except clause of theirs catches
#: BudgetExhaustedError): Interpreter.program_catches_exhaustion, once per program.
_CATCHING: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
