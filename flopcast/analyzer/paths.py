"""Exploring the program paths that value-dependent decisions open.

Each run of the interpreter follows one path: every value-dependent site (branch,
loop exit, exception, data-dependent size) takes the option its assignment says,
or the first option. A site keeps its choice for the whole path (a consistent
policy: "always rescale" / "never rescale"), which keeps the number of paths at
2^(number of sites) instead of growing with loop trip counts. A site in a loop that steers
a count or flag a later test of the loop reads (onsets.py) also takes, as a child of each path
that answers it alike, the plans that switch its answer at each later execution that path met.

The paths form a tree: a run with choices ``fixed`` meets sites in some order, and
every path that differs from it first differs at one of the sites it met. That
subtree is a pending *branch* (the choices up to that site, plus the other option),
and every path in it repeats the run exactly up to the site, so it costs at least
what the run had charged when it met the site (charges are never negative): the
branch's *floor*. Branches are run fewest flips first (every site is flipped once
before any two are), cheapest floor first among equals. When MAX_PATHS runs do not
exhaust the tree, the lowest floor of the branches left is a sound lower bound for
every path not run, so the interval's low end stays a lower bound; its high end is
then open. A run that repeats one made before (a switch its path never reached: _repeated) is
not counted against the cap; its children are explored as any run's.

Once a tree proves larger than SEPARABLE_AFTER paths, the nominal path and each of its k
sites flipped alone are run recording the joins of the sites' `if` statements, and asked
whether they prove that the sites' costs add up (joins.py). When they do, the totals of all
2^k combinations are known from these k + 1 runs and exploration stops there, however
many sites there are: the cap then never applies.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Callable, Optional

from flopcast.analyzer import ending_guards
from flopcast.analyzer.decisions import Decisions
from flopcast.analyzer.interpreter import RunResult
from flopcast.analyzer.joins import (
    Separation,
    separable_interval,
    stage_groups,
    stage_outcome,
    stage_sites,
    staged_interval,
)
from flopcast.analyzer.nominal import reusing
from flopcast.analyzer.onsets import Onset, switches

MAX_PATHS = 64


class NotExact(Exception):
    """Raised by an exploration asked only whether its total is one number (``exact_only``) once
    two paths prove it is not: no path run later, nor any later round of run_point, makes it one."""


@dataclass
class Exploration:
    results: list[RunResult]
    # The lowest cost any path left unexplored can have (None: every path was run).
    floor: Optional[int] = None
    # (lowest, highest) total over every combination when the sites' costs add up and only the
    # base path and the single flips were run (joins.py); None otherwise.
    combined: Optional[tuple[int, int]] = None
    # The sites whose executions may each answer on their own within ``combined`` (joins.Separation).
    each_execution: frozenset = frozenset()
    # Each call of predict's (lowest, highest) per kind of combination within ``combined`` (joins.
    # Separation.calls); None when ``combined`` prices the first call alone (stages).
    per_call: Optional[tuple] = None
    # (lowest, highest) total of the paths priced from a run that ended its choices at a test
    # (ending_guards.py) instead of run; None where none was.
    priced: Optional[tuple[int, int]] = None

    @property
    def capped(self) -> bool:
        return self.floor is not None


@dataclass(order=True)
class _Branch:
    flips: int
    floor: int
    order: int
    fixed: dict
    # the site whose option this branch changed from its parent's path (None: the first path)
    flipped: Optional[tuple] = field(default=None, compare=False)
    # the run of that parent path (ending_guards.priced)
    parent: Optional[RunResult] = field(default=None, compare=False)


def explore(run: Callable[[Decisions], RunResult], max_paths: int = MAX_PATHS,
            separable: bool = True, exact_only: bool = False) -> Exploration:
    """Run the paths, fewest flipped sites first, at most ``max_paths`` of them; once the tree
    proves larger than SEPARABLE_AFTER paths, first ask whether the sites' costs add up
    (unless ``separable`` is False: every path then runs, up to the cap; nor is any priced from a run
    that ended its choices where it parts from it, ending_guards.py). ``exact_only``: raise
    NotExact as soon as a path of one flip costs otherwise than the first path (_settled_apart)."""
    ahead = getattr(run, "ahead", None)
    try:
        return _explore(run, ahead, max_paths, separable, exact_only)
    finally:
        if ahead is not None:
            ahead(None)


def _explore(run: Callable[[Decisions], RunResult], ahead: Optional[Callable[[Optional[list]], None]],
             max_paths: int, separable: bool, exact_only: bool) -> Exploration:
    results: list[RunResult] = []
    pending: list[_Branch] = [_Branch(0, 0, 0, {})]
    seen: set = {frozenset()}
    order = 0
    spare: list[RunResult] = []  # the runs of a separability check that did not prove out
    batch: dict = {}  # branch order -> the decisions made for it ahead (_batch)
    made: dict = {}  # a branch's choices -> what its run ended with (_repeated)
    repeated = 0  # runs that repeated one made before, not counted (at most max_paths of them)
    checked = False  # whether the separability check ran
    endings: dict = {}  # what runs that ended their choices at a test charged after it (ending_guards.py)
    lasts: set = set()  # the branch sites runs met last, where a run may end its choices (noted)
    priced: list = []  # the totals of the paths those price, not run
    while pending:
        if separable and len(results) == SEPARABLE_AFTER and not checked:
            checked = True
            noted = frozenset(lasts)
            base, chosen = _nominal(run, spare, noted)
            separated = _separately(run, results, spare, base, chosen, noted)
            if separated is None:
                separated = _by_stages(run, results, spare, base, chosen, noted)
            if separated is not None:
                return separated
            # A path those runs took is not run again (the runs watched by the check differ
            # only in what joins.py reads).
            run = reusing(run, spare, once=True)
            ahead = run.ahead if ahead is not None else None
        if len(results) >= max_paths:
            return _explored(results, priced, min(b.floor for b in pending))
        if ahead is not None and pending[0].order not in batch:
            batch = _batch(pending, len(results), max_paths, separable, lasts)
            ahead(list(batch.values()))
        branch = heapq.heappop(pending)
        if branch.parent is not None and endings:
            total = ending_guards.priced(branch.parent, branch.flipped, branch.fixed[branch.flipped], endings)
            if total is not None:
                batch.pop(branch.order, None)
                priced.append(total)
                continue
        decisions = batch.pop(branch.order, None) or _decisions(branch, len(results), lasts)
        result = run(decisions)
        made[frozenset(branch.fixed.items())] = _ending(result)
        found = ending_guards.ending(result)
        if found is not None:
            endings.setdefault(*found)
        if separable and result.sites and result.sites[-1].key[0] == "branch":
            lasts.add(result.sites[-1].key)
        if repeated < max_paths and _repeated(branch.fixed, result, made):
            repeated += 1
        else:
            results.append(result)
            if exact_only and branch.flips == 1 and _settled_apart(results[0], result, max_paths):
                raise NotExact()
        for site, child in _children(result, decisions.chosen, branch.fixed, seen, flipped=branch.flipped):
            order += 1
            heapq.heappush(pending, _Branch(branch.flips + 1, _floor(result, decisions, site.key, child[site.key]), order,
                                            child, site.key, result))
    return _explored(results, priced)


def _explored(results: list[RunResult], priced: list, floor: Optional[int] = None) -> Exploration:
    """The exploration's outcome: the runs made, and the range of the totals of the paths priced
    from an ending run (ending_guards.py)."""
    return Exploration(results, floor, priced=(min(priced), max(priced)) if priced else None)


def _ending(result: RunResult) -> tuple:
    """What a run ended with that the report reads of it: its total, and whether it ended unbounded
    or bounding."""
    return result.total, result.unbounded is None, result.bounding is None


def _repeated(fixed: dict, result: RunResult, made: dict) -> bool:
    """Whether ``result``, the run of the choices ``fixed``, repeats a run already made: a switch
    (an Onset at a site) it never reached, its path ending or leaving the loop before that execution
    (a flip before it raised out: whitened_moments' eigh rung), where the run choosing the switch's
    first answer there was made and ended alike. Its own children are still explored (they may reach
    the switch); only the cap does not count it."""
    for key, option in fixed.items():
        if option.__class__ is Onset and result.most_in_call.get(key, 0) < option.at:
            first = made.get(frozenset({**fixed, key: option.first}.items()))
            if first is not None and first == _ending(result):
                return True
    return False


def _floor(result: RunResult, decisions: Decisions, key: tuple, option) -> int:
    """What a path taking ``option`` at the site ``key`` costs at least: what ``result``'s path had
    spent where they part, at the site's first execution, or at the one a switch (onsets.py)
    begins at."""
    spent = result.spent_at.get(key, ())
    # (a steering site's plan switches in each call of predict: its first call's executions agree)
    # (a call reused from another run replays its answers without their spend, Decisions.replayed:
    # past those recorded, the first execution's spend is still what the path had spent at least)
    if option.__class__ is Onset and option.at <= min(result.first_call.get(key, len(spent)), len(spent)):
        return spent[option.at - 1]
    return decisions.spent.get(key, 0)


def _met(result: RunResult, key: tuple) -> int:
    """The executions of the site ``key`` a plan may switch at: a steering site's most in one call
    of predict (each call switches anew: decisions.py), a stop site's on the whole path."""
    return result.most_in_call.get(key) or result.executions.get(key, 0)


def _decisions(branch: _Branch, made: int, lasts: set) -> Decisions:
    """The decisions of ``branch``'s run, the ``made``-th of the exploration, noting the state after
    the tests of ``lasts`` (ending_guards.py)."""
    decisions = Decisions(branch.fixed, note_sites=frozenset(lasts))
    decisions.share_first_met = made >= SEPARABLE_AFTER
    return decisions


def _batch(pending: list[_Branch], made: int, max_paths: int, separable: bool, lasts: set) -> dict:
    """Branch order -> decisions, for the branches run next, in the order they will run: those of
    the next branch's depth (a run's children are one flip deeper, so they sort after every one of
    them), as many as the cap leaves, and none past the separability check, which may end the
    exploration (api.py's helpers make these runs ahead, in other processes)."""
    depth = pending[0].flips
    room = max_paths - made
    if separable and made < SEPARABLE_AFTER:
        room = min(room, SEPARABLE_AFTER - made)
    level = heapq.nsmallest(room, (b for b in pending if b.flips == depth))
    return {b.order: _decisions(b, made + i, lasts) for i, b in enumerate(level)}


#: Sites that read no value analysed at (sizetests' counts, dataints' values): a run that met only
#: these is made the same in every exploration round of run_point (api.py).
_PLAIN_SITES = frozenset({"branch", "loop", "raise"})


def _settled_apart(root: RunResult, flipped: RunResult, max_paths: int) -> bool:
    """Whether the first path and one of its single flips prove the report's total an interval:
    both ended and bound nothing (their totals are among the report's), cost differently, and
    met only plain sites, so every exploration round makes them again; the first path met fewer
    sites than the cap, so every round runs all its single flips (fewest flips first) before the
    cap can stop it, or proves the sites add up, whose range holds every combination's total."""
    return root.total != flipped.total and len(root.sites) < max_paths and all(
        r.unbounded is None and r.bounding is None and all(s.key[0] in _PLAIN_SITES for s in r.sites)
        for r in (root, flipped))


def _children(result: RunResult, taken_at: dict, fixed: dict, seen: set, within: Optional[set] = None,
              flipped: Optional[tuple] = None):
    """The paths one more flip away from ``result``'s (which took ``taken_at`` below ``fixed``):
    for each site it met that is not fixed (and is ``within``, if given), each other option, with
    the sites met before it at the options taken; each only once (``seen``). ``flipped``: the site
    whose option ``result``'s path changed from its parent's, whose switches (onsets.py) from that
    option are children of this path. Yields (site, fixed)."""
    if flipped is not None:
        site = next((s for s in result.sites if s.key == flipped), None)
        for option in switches(fixed[flipped], _met(result, flipped), result.switch_points.get(flipped)) \
                if site is not None else ():
            child = {**fixed, flipped: option}
            key = frozenset(child.items())
            if key not in seen:
                seen.add(key)
                yield site, child
    prefix = dict(fixed)
    for site in result.sites:
        if site.key in fixed or within is not None and site.key not in within:
            continue
        taken = taken_at[site.key]
        # a steering site's switches (onsets.py): the other answer from each later execution it met
        for option in (*site.options, *switches(taken, _met(result, site.key), result.switch_points.get(site.key))):
            if option == taken:
                continue
            child = {**prefix, site.key: option}
            key = frozenset(child.items())
            if key not in seen:
                seen.add(key)
                yield site, child
        prefix[site.key] = taken


#: Trees of more paths than this are first tried as separable sites (k + 1 runs for k sites).
SEPARABLE_AFTER = 8


def _nominal(run: Callable[[Decisions], RunResult], spare: list[RunResult],
             noted: frozenset) -> tuple[RunResult, dict]:
    """The nominal path (every site at its presumed option, else its first), watched: the
    joins of the statements that consult sites are recorded (joins.py); and its choices."""
    decisions = Decisions(watch=True, presume=True, stages=True, note_sites=noted)
    base = run(decisions)
    spare.append(base)
    return base, decisions.chosen


def _separately(run: Callable[[Decisions], RunResult], earlier: list[RunResult], spare: list[RunResult],
                base: RunResult, chosen: dict, noted: frozenset) -> Optional[Exploration]:
    """Each of the nominal path's sites flipped alone; an Exploration when the runs prove the
    sites' costs add up (joins.py), else None (the runs made are then added to ``spare``, noting
    the tests of ``noted``: ending_guards.py)."""
    singles = _SingleFlips(run, spare, base, chosen, noted)  # made only as separable_interval asks for them
    separation = separable_interval(base, singles)
    if separation is None or any(n > 1 and key not in separation.each_execution
                                 for r in (*earlier, base, *singles.made.values()) for key, n in r.executions.items()):
        # (a steering site some run met again whose executions are not proven to add up on their
        # own: the combinations of alike answers leave out its switches, onsets.py)
        return None
    # Every run made is a real path: kept, in the order made (callers pair them with traces).
    return Exploration([*earlier, base, *singles.made.values()], combined=(separation.lo, separation.hi),
                       each_execution=separation.each_execution, per_call=separation.calls)


class _SingleFlips:
    """Site key -> the watched run with only that site of the nominal path's flipped, made when
    first asked for: separable_interval stops at the first site that neither rejoins nor ends,
    and the flips after it are never run. Each run made goes to ``spare`` too."""

    def __init__(self, run: Callable[[Decisions], RunResult], spare: list[RunResult], base: RunResult,
                 chosen: dict, noted: frozenset = frozenset()) -> None:
        self.run, self.spare, self.noted = run, spare, noted
        self.made: dict = {}
        self.fixed: dict = {}
        prefix: dict = {}
        for site in base.sites:
            taken = chosen[site.key]
            other = next(o for o in site.options if o != taken)
            self.fixed[site.key] = {**prefix, site.key: other}
            prefix[site.key] = taken

    def get(self, key) -> Optional[RunResult]:
        if key not in self.made and key in self.fixed:
            self.made[key] = self.run(Decisions(self.fixed[key], watch=True, presume=True, note_sites=self.noted))
            self.spare.append(self.made[key])
        return self.made.get(key)


def prove_separately(run: Callable[[Decisions], RunResult]) -> Optional[Separation]:
    """The nominal path and each of its sites flipped alone, watched: what they prove about
    every combination of options, each execution answering on its own where it may (joins.py);
    None when they prove nothing. For an exploration that ran its paths without watching them."""
    decisions = Decisions(watch=True, presume=True)
    base = run(decisions)
    return separable_interval(base, _SingleFlips(run, [], base, decisions.chosen))


#: The most runs the stages' own paths may take together (each stage's paths are run alone).
MAX_STAGE_RUNS = 2 * MAX_PATHS


def _by_stages(run: Callable[[Decisions], RunResult], earlier: list[RunResult], spare: list[RunResult],
               base: RunResult, chosen: dict, noted: frozenset) -> Optional[Exploration]:
    """Every path of each stage's own sites (joins.stage_groups), the other stages' sites at
    their nominal options; an Exploration when each run rejoins the nominal path at the end of
    its stage or ends the program (joins.stage_outcome), else None as soon as one does not
    (the runs made go to ``spare``)."""
    stages = stage_groups(base)
    if stages is None:
        return None
    made: list = []
    outcomes: list = []
    for stage in stages:
        others = {k: v for k, v in chosen.items() if k not in stage.sites}
        found: list = []
        pending: list = [({}, base, chosen, None)]
        seen: set = {frozenset()}
        while pending:
            fixed, result, taken_at, flipped = pending.pop(0)
            for site, child in _children(result, taken_at, fixed, seen, within=stage_sites(result, stage),
                                         flipped=flipped):
                if len(made) >= MAX_STAGE_RUNS:
                    return None
                decisions = Decisions({**others, **child}, watch=True, presume=True, stages=True, note_sites=noted)
                child_run = run(decisions)
                spare.append(child_run)
                made.append(child_run)
                outcome = stage_outcome(base, stage, child_run)
                if outcome is None:
                    return None
                found.append(outcome)
                pending.append((child, child_run, decisions.chosen, site.key))
        outcomes.append(found)
    return Exploration([*earlier, base, *made], combined=staged_interval(base, outcomes))
