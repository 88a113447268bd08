"""The choices one program path makes where the cost depends on array values.

A :class:`Site` is such a place (a branch on data, a data-dependent size or loop exit);
:class:`Decisions` says which option this path takes at each, and remembers the sites it
met, so the path explorer (paths.py) can run every combination.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from flopcast.analyzer.late_stops import StopWatch
from flopcast.analyzer.onsets import Onset
from flopcast.model import Span


@dataclass
class Site:
    key: tuple
    options: tuple
    span: Span
    kind: str
    reason: str
    # An integer read from data: the range it can take (None for a side with no bound).
    bounds: Optional[tuple] = None
    # The option the nominal path takes (no safety net fires) and why; None: no presumption
    # covers this site (see presumptions.py and docs/directives.md).
    presumed: Any = None
    presumption: str = ""
    # Whether the answer turns on rounding that grows with the sizes (flopscope's numerical
    # symmetry check of a float32 product): a small run's answers say little about a larger point.
    rounding: bool = False
    # The value deciding it was read from the machine (model.Machine: a clock, the environment)
    machine: Any = None
    # A branch in a loop whose arms write state the loop's other tests read (onsets.py): a path may
    # switch its answer at any execution.
    steers: bool = False
    # Why one switch does not cover every run of a steering site ("": it does; onsets.py): a path that
    # meets it twice leaves the high end open.
    repeats: str = ""


class Decisions:
    """The choices one path makes at value-dependent sites (default: the first option).

    ``spent`` is the path's FLOP count when it first met each site (what the caller of
    ``choose`` says): every path that agrees with this one up to a site costs at least that.
    """

    #: Whether a site may answer differently at each execution (a replay of observed
    #: outcomes): then a repeated state does not repeat its decisions, and neither steady
    #: loops nor reused calls may stand in for running the code (but for calls other runs
    #: recorded that consulted no site: repeats.CallMemo.per_execution_reuses).
    per_execution = False
    #: Whether the path may reuse, from another run, a call that met sites first (repeats.SharedCalls):
    #: set by the exploration past the runs api's per-execution proof reads (a reused call's answers
    #: make a run unjoinable) and a first call's watch may fail on; every other path runs such calls.
    share_first_met = False
    note_sites: frozenset = frozenset()  # (set by __init__: ending_guards.py)

    def __init__(self, fixed: Optional[dict] = None, watch: bool = False, presume: bool = False,
                 stages: bool = False, note_sites: frozenset = frozenset()):
        self.fixed = dict(fixed or {})
        # The branch sites at whose first test the run notes the state after it (ending_guards.py):
        # the last sites of the exploration's runs so far, where a run may end its choices.
        self.note_sites = note_sites
        # Watched, whether to record the ends of call statements too (joins.stage_groups).
        self.stages = watch and stages
        self.presume = presume  # sites not fixed take their presumed option (the nominal path's)
        self.seen: list[Site] = []
        self.chosen: dict = {}
        self.spent: dict = {}
        # Whether to record the state where the `if` statements that consult sites end, and
        # then every consultation, in order: what joins.py proves separability from.
        self.log: list = []
        self.watch = watch
        # Every answer given, in order (site key, option): what a call reused across runs
        # (repeats.SharedCalls) consulted.
        self.answers: list = []
        # (site key, FLOPs spent) of each answer ``choose`` gave, in order (spent_ranges.py)
        self.met: list = []
        # Steering site key -> how many times the path answered it (onsets.py), and those answers
        # in all: a loop iteration that answers one is never the same as the last (repeats.py).
        self.executions: dict = {}
        # and what the path had spent at each of its executions: a path switching there agrees with
        # this one up to it, so it costs at least that (paths.py's floor)
        self.spent_at: dict = {}
        # Steering site key -> its executions in the current call of predict, and the most in any one
        # call: a plan (onsets.Onset) switches within each call, as each real call may switch anew
        # (whestbench calls predict once per MLP on one instance), counted from 1 in every call.
        self.in_call: dict = {}
        self.most_in_call: dict = {}
        # ``in_call`` as the first call left it (None: still in the first call): a path switching at
        # execution k agrees with this one up to the first call's k-th (paths.py's floor).
        self.first_call: Optional[dict] = None
        self.steered = 0
        # Stop site key -> its executions and where the state the work after its loop reads changed
        # (late_stops.StopWatch): from the first change it steers, its executions counted from 1
        self.stops: dict = {}
        # Returning stop site key (late_stops.handed_back) -> the calls of its function whose loop met it
        # in this call of predict, and the frame of the last; and those met in a second call: each
        # may stop elsewhere, and what they hand back differ, mixes no plan covers
        # (api._open_at_repeating_sites). (Runs of the loop in one call are not counted: a return
        # ends the call, so the runs before the last never stopped, a mix the plans cover.)
        self.returning_runs: dict = {}
        self.rerun_returns: dict = {}  # (-> what the path had spent when the loop first ran in another)
        # Stop site key after whose loop its function returns a count the loop wrote that prices later
        # work (Truth._priced_after) -> what the path had spent at its first execution
        self.priced_stops: dict = {}
        if any(v.__class__ is Onset for v in self.fixed.values()):
            # answers differ from one execution of a site to the next (see the class attribute)
            self.per_execution = True

    def take(self, site: Site, spent: int = 0):
        """The option (a plan, at a steering site) this path takes at ``site``, met now if it was
        not met yet; no answer is given."""
        if site.key not in self.chosen:
            self.seen.append(site)
            default = nominal_option(site) if self.presume else site.options[0]
            self.chosen[site.key] = self.fixed.get(site.key, default)
            self.spent[site.key] = spent
        return self.chosen[site.key]

    def choose(self, site: Site, spent: int = 0, stop=None):
        """The answer at ``site``; ``stop``: the signature of the state the work after the loop it
        stops reads (late_stops.py), or ALWAYS, or None for a site that stops no loop."""
        if self.watch:
            self.log.append(site.key)
        answer = self.take(site, spent)
        if stop is not None and answer.__class__ is not Onset and not site.steers:
            self.watch_stop(site.key, stop, spent)
        elif site.steers or site.key in self.executions or answer.__class__ is Onset:
            n = self.executions[site.key] = self.executions.get(site.key, 0) + 1
            self.spent_at.setdefault(site.key, []).append(spent)
            self.steered += 1
            if site.steers or answer.__class__ is Onset:
                n = self._count_in_call(site.key)
            if answer.__class__ is Onset:
                answer = answer.answer(n)
        self.answers.append((site.key, answer))
        self.met.append((site.key, spent))
        return answer

    def _count_in_call(self, key: tuple) -> int:
        """One more execution in this call of predict of ``key``, a steering site or one a plan
        switches (a stop site's): its number."""
        n = self.in_call[key] = self.in_call.get(key, 0) + 1
        self.most_in_call[key] = max(n, self.most_in_call.get(key, 0))
        return n

    def next_call(self) -> None:
        """Another call of predict begins: the executions plans count (steering and stop sites')
        count from 1 again."""
        if self.first_call is None:
            self.first_call = self.in_call
        self.in_call = {}
        self.returning_runs = {}
        for watch in self.stops.values():
            watch.next_call()

    def first_call_executions(self, key: tuple) -> int:
        """How many times the first call of predict answered the steering or stop site ``key``."""
        watch = self.stops.get(key)
        if watch is not None and key not in self.most_in_call:
            return watch.count if self.first_call is None else watch.first or 0
        return (self.in_call if self.first_call is None else self.first_call).get(key, 0)

    def watch_stop(self, key: tuple, stop, spent: int) -> None:
        """An execution of the stop site ``key`` whose later work's state is ``stop``: once that has
        changed, the site steers (late_stops.py), its executions counted from the first."""
        watch = self.stops.get(key)
        if watch is None:
            # (one first met in a later call met none of its executions in the first)
            watch = self.stops[key] = StopWatch(first=None if self.first_call is None else 0)
        watch.met(stop, spent)
        self._steers_from(key, watch)

    def returning_stop(self) -> None:
        """A stop whose arm returns was met (late_stops.Returning): ending by its own course, its loop
        goes on to other work, a change the stopping runs are switched at, counted then as a steering
        site's execution is now: its iterations never pass as repeats (repeats.py), which would hide
        the executions the switch is numbered by."""
        self.steered += 1

    def stop_began(self, key: tuple) -> None:
        """The loop of the stop site ``key`` runs again: its state is compared afresh."""
        watch = self.stops.get(key)
        if watch is not None:
            watch.began()

    def stop_returning(self, key: tuple, spent: int, frame=None) -> None:
        """The loop of the returning stop site ``key`` runs in ``frame`` (None: a reused call's, one
        more call), the path having spent ``spent``."""
        runs, last = self.returning_runs.get(key, (0, None))
        if frame is not None and frame is last:
            return
        self.returning_runs[key] = (runs + 1, frame)
        if runs:
            self.rerun_returns.setdefault(key, spent)

    def priced_stop(self, key: tuple, spent: int) -> None:
        """The stop site ``key`` returns a priced count (Truth._priced_after), the path having spent
        ``spent``: a run agrees with some path up to its first execution (every stop is explored
        there), so costs at least the least such spend."""
        self.priced_stops.setdefault(key, spent)

    def stop_ended(self, key: tuple, stop) -> None:
        """The loop of the watched stop site ``key`` ended by its own course, leaving ``stop``."""
        watch = self.stops.get(key)
        if watch is not None:
            watch.ended(stop)
            if watch.points and key not in self.executions:
                self.executions[key], self.spent_at[key] = watch.count, watch.spent

    def _steers_from(self, key: tuple, watch: StopWatch) -> None:
        if watch.points:
            # (and an answer that changes no longer lets a loop's iterations pass as repeats)
            self.executions[key], self.spent_at[key] = watch.count, watch.spent
            self.steered += 1

    def replayed(self, answers) -> None:
        """The (site key, answer) pairs a reused call gave again, recorded as given now."""
        for key, answer in answers:
            self.answers.append((key, answer))
            if key in self.returning_runs:
                # (a reused call ran the loop in another call; what was spent before it is sure to
                # come first)
                self.stop_returning(key, self.spent.get(key, 0))
            watch = self.stops.get(key)
            if watch is not None:
                # the state the call left is the one it met (a floor no higher than the execution's
                # own spend: the last one counted)
                watch.met(watch.sign, watch.spent[-1])
                self._steers_from(key, watch)
            elif key in self.executions:
                self.executions[key] += 1
                self.steered += 1
                if key in self.most_in_call:  # a steering site's (choose)
                    self._count_in_call(key)

    def consult_again(self, site: Site, answer) -> None:
        """A test of a value an earlier answer at ``site`` decided (interpreter.narrow_tested_name):
        a consultation that gives no new answer, recorded as ``choose`` records one."""
        if self.watch:
            self.log.append(site.key)
        self.answers.append((site.key, answer))

    def would_choose(self, site: Site):
        """The option ``choose`` would take at a site this path has not met, without meeting it
        (a plan, not an answer, at a steering site: it then answers alike nowhere)."""
        return self.fixed.get(site.key, nominal_option(site) if self.presume else site.options[0])


def nominal_option(site: Site):
    """The option the nominal path takes at ``site``: its presumed one, else its first."""
    return site.presumed if site.presumed in site.options else site.options[0]
