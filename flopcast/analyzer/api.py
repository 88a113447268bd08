"""``analyze()``: the static pipeline from a path to a :class:`flopcast.model.Report`."""

from __future__ import annotations

import ast
import copy
import dataclasses
import time
import weakref
from collections import defaultdict
from pathlib import Path
from typing import Callable, Mapping, NamedTuple, Optional, Union

from flopcast.syntax import ast_walk
from flopcast import installed
from flopcast.analyzer import alike, chargelist, dataints, disk_answers, mixed_calls, rollup, sizetests, spent_ranges
from flopcast.analyzer.ahead import Ahead, jobs as path_jobs
from flopcast.analyzer.chargelist import ChargeList
from flopcast.analyzer.decisions import nominal_option
from flopcast.analyzer.futile import futility, settle
from flopcast.analyzer.interpreter import Decisions, Interpreter, RunResult, WorkMeter, WorkOut
from flopcast.analyzer.lasting import LastingCalls
from flopcast.analyzer.nominal import Nominal, nominal, reusing
from flopcast.analyzer.paths import SEPARABLE_AFTER, Exploration, explore, prove_separately
from flopcast.analyzer.program import ROOT_CALLER, Program, call_graph, estimator_class, function_table, load_program
from flopcast.analyzer.repeats import SharedCalls
from flopcast.analyzer.trace import ChargeLoops
from flopcast.analyzer.values import Array
from flopcast.model import Charge, Interval, Note, Point, Raise, Report, Span, Uncertainty, Unpriced


def analyze(
    path: Union[str, Path],
    point: Point,
    *,
    source: Optional[str] = None,
    class_name: Optional[str] = None,
    include_scorer_cast: bool = True,
    formula: bool = False,
    record_values: bool = False,
    sources: Optional[Mapping[str, str]] = None,
    trace: bool = False,
    memory: bool = False,
    exact_only: bool = False,
) -> Report:
    """Predict what flopscope will charge ``predict(mlp, budget)`` at ``point``, statically.

    ``source`` replaces the text of ``path``; ``sources`` replaces the text of other files
    of the submission (unsaved editor buffers of sibling modules), by path. ``trace``
    records the loops each charge was made in (``Report.loops``, ``Report.loop_entries``)
    when the analysis has a single path, for the cost advice of `flopcast check`;
    ``memory`` measures the arrays' memory (``Report.memory``, see analyzer/memory.py).
    ``exact_only``: the report is wanted only when its total is one number (a saving formula's
    point): paths.NotExact is raised as soon as two paths prove it is not.
    """
    program = load_program(Path(path), source, sources)
    cls = estimator_class(program, class_name)
    return _analyze(program, cls, point, include_scorer_cast, formula, record_values, trace, memory, exact_only)


def _analyze(program: Program, cls: str, point: Point, include_scorer_cast: bool, formula: bool,
             record_values: bool, trace: bool, memory: bool, exact_only: bool = False,
             beside_fit: Optional[Callable[[Report], None]] = None) -> Report:
    """``beside_fit``: called with the report made at the point just before a formula is fitted
    to it (`analyze` starts its savings then, in a helper process: ahead.Alongside)."""
    made: list = []
    try:
        report = analyze_program(program, cls, point, include_scorer_cast, record_values, trace, memory, made,
                                 exact_only)
        if formula:
            from flopcast.analyzer.formula import fit_formula, fittable

            if beside_fit is not None and fittable(report):
                beside_fit(report)

            # The fit starts at the point itself: the run just made (traces change no count).
            report.formula = fit_formula(lambda at, meter=None: run_point(program, cls, at, include_scorer_cast,
                                                                          meter=meter), point,
                                         report, made[0])
    finally:
        # Also when an analysis stops early (paths.NotExact): what its runs priced is kept on disk.
        disk_answers.flush_all()
    return report


class Session:
    """:func:`analyze` for one command that analyses a submission many times (the savings of
    `analyze` and `check`: each fix's rewrite, at the point and on a grid of small points):
    each distinct text is read and parsed once, and its program reused at every point, as the
    formula fit reuses one program. Scoped to the command: files on disk may change later."""

    def __init__(self, keep_calls: bool = True) -> None:
        self._programs: dict = {}
        # Program.absent of the programs of one folder whose texts stand in for the same files: a
        # dotted name no file of the folder is for is none for any of them (each fix's rewrite
        # resolved the ~30 names of its imports again, 5 ms a rewrite).
        self._absent: dict = {}
        # The calls its analyses record, reused by its other analyses (lasting.py).
        self._calls = LastingCalls() if keep_calls else None

    def analyze(self, path: Union[str, Path], point: Point, *, source: Optional[str] = None,
                class_name: Optional[str] = None, sources: Optional[Mapping[str, str]] = None,
                include_scorer_cast: bool = True, formula: bool = False, record_values: bool = False,
                trace: bool = False, memory: bool = False, exact_only: bool = False,
                beside_fit: Optional[Callable[[Report], None]] = None) -> Report:
        if not formula and self._calls is not None:
            # A command fits the estimator's formula (under its work limit) in its first analysis or
            # in none (`analyze`: the savings' analyses follow), so none after this one does.
            settle(self._calls)
        key = (str(Path(path).resolve()), source, tuple(sorted((sources or {}).items())), class_name)
        if key not in self._programs:
            program = load_program(Path(path), source, sources)
            program.lasting = self._calls
            program.absent = self._absent.setdefault((program.root, frozenset(program.overrides)), program.absent)
            self._programs[key] = (program, estimator_class(program, class_name))
        program, cls = self._programs[key]
        return _analyze(program, cls, point, include_scorer_cast, formula, record_values, trace, memory, exact_only,
                        beside_fit)


def run_point(program: Program, cls: str, point: Point, include_scorer_cast: bool,
              record_values: bool = False, traces: Optional[list] = None, memory: bool = False,
              entered: Optional[set] = None, share_calls: bool = False,
              reruns: Optional[list] = None, reuse_runs: bool = True,
              sharing: Optional[list] = None, exact_only: bool = False,
              meter: Optional["WorkMeter"] = None, shares: Optional[list] = None) -> Exploration:
    """``entered`` collects the nodes of the functions whose bodies ran on any run made.
    ``share_calls``: a run reuses the calls the earlier runs recorded (repeats.SharedCalls);
    not for the formula fit, whose step limit counts the work of its runs as they are.
    ``reruns`` gets, for each result, how to make its run again (_memory_of).
    ``reuse_runs``: an exploration made again with other values analysed at (sizetests,
    dataints) takes the runs of the earlier ones that are runs it would make (_earlier_run).
    ``sharing`` gets the calls shared by the runs made with no values analysed at (the first
    exploration's), for other runs with none (the nominal number's, _runner).
    ``exact_only``: paths.NotExact is raised once two paths prove the total is not one number.
    ``meter``: every run made adds the work it executed to ``meter.spent`` and one to ``meter.runs``, and
    stops with interpreter.WorkOut once the runs made have executed more than ``meter.allowance``.
    ``shares`` gets every SharedCalls made (the caller releases them once it is done with the runs)."""
    args = (program, cls, point, include_scorer_cast, record_values, traces, memory, entered, share_calls, reruns,
            reuse_runs, sharing, exact_only, meter, shares)
    if meter is None:
        return _run_point(*args)
    from flopcast.analyzer.futile import futility
    from flopcast.analyzer.interpreter import WorkOut

    # A stopped run leaves the command's table of futile keys as it found it (futile.py), so a
    # run made whole afterwards is the run it would have been.
    table = futility(program)
    counts = table.snapshot()
    try:
        return _run_point(*args)
    except WorkOut:
        table.restore(counts)
        raise


def _run_point(program: Program, cls: str, point: Point, include_scorer_cast: bool, record_values: bool,
               traces: Optional[list], memory: bool, entered: Optional[set], share_calls: bool,
               reruns: Optional[list], reuse_runs: bool, sharing: Optional[list], exact_only: bool,
               meter: Optional["WorkMeter"], shares: Optional[list]) -> Exploration:
    def run(decisions: Decisions) -> RunResult:
        trace = None
        first_here = not runs_here
        runs_here.append(None)
        earlier = _earlier_run(decisions)
        if earlier is not None:
            return earlier
        if traces is not None:
            from flopcast.analyzer.trace import Trace

            # Only the costliest path's memory is reported: the first run measures it (it may be
            # the only path), the others do not, and analyze_program measures the costliest
            # path again if it was another (_memory_of), by its options and the values analysed at.
            tracker = _tracker() if memory and not made else None
            # The loops of each charge are reported only when the analysis has one path: only
            # the first run of an exploration can be its one path (a second run means the first
            # met a site). The others run without a trace unless their memory is measured
            # (recording the loop runs of a repeated loop's copies cost up to half an analysis).
            if first_here or tracker is not None:
                trace = Trace(memory=tracker)
        made_ahead = helpers.take(_ahead_key(decisions)) if helpers is not None and trace is None else None
        if made_ahead is not None:
            result, state = made_ahead
            vars(decisions).update(state)
        else:
            result = interpret(decisions, trace)
        made[id(result)] = (result, trace, _Rerun(dict(decisions.chosen), enumerated, count_values, shared,
                                                  dict(decisions.spent), _kind(decisions)))
        if entered is not None:
            entered.update(result.entered)
        return result

    def interpret(decisions: Decisions, trace) -> RunResult:
        interp = Interpreter(program, point.width, point.depth, point.budget, decisions, include_scorer_cast,
                             record_values, trace)
        interp.enumerated = enumerated
        interp.count_values = count_values
        if meter is not None:
            interp.work_stop = meter.allowance - meter.spent
        if shared is not None and not record_values:
            # A watched run (joins.py) reuses only calls that consulted no site: it records
            # every consultation and the joins of the statements that made them.
            shared.attach(interp.memo)
        started = time.process_time()
        try:
            return interp.run(cls)
        finally:
            run_seconds.append(time.process_time() - started)
            interp.memo.release()
            if meter is not None:
                meter.spent += interp.work
                meter.runs += 1

    def _ahead_key(decisions: Decisions) -> tuple:
        return (frozenset(decisions.fixed.items()), decisions.share_first_met, _kind(decisions))

    def ahead(batch: Optional[list]) -> None:
        """Start helpers making the runs of ``batch`` (paths.py's next branches, in the order they
        will be asked for), the ones a previous call started stopped; None: only stop them."""
        nonlocal helpers
        if helpers is not None:
            helpers.close()
            helpers = None
        if batch is None or meter is not None or record_values or max(run_seconds, default=0.0) < MIN_AHEAD_SECONDS:
            return
        # A run an earlier exploration made answers without interpreting.
        batch = [d for d in batch if _earlier(d) is None]
        workers = path_jobs()
        if len(batch) < 2 or workers < 2:
            return

        def make(i: int) -> tuple:
            return interpret(batch[i], None), vars(batch[i])

        helpers = Ahead(program.loaded_trees(), [_ahead_key(d) for d in batch], make, workers)

    run.ahead = ahead
    helpers: Optional[Ahead] = None
    run_seconds: list = []  # how long each run interpreted here took, in CPU seconds

    def paired(explored: Exploration) -> Exploration:
        # One trace per result kept, in the results' order: runs made and dropped (a separate
        # pricing attempt that did not prove out, an enumeration round replaced) leave none.
        if traces is not None:
            traces[:] = [made[id(r)][1] for r in explored.results]
        if reruns is not None:
            reruns[:] = [made[id(r)][2] for r in explored.results]
        return explored

    made: dict = {}  # id(result) -> (result, its trace, its _Rerun); the result is held so its id stays its own
    runs_here: list = []  # the runs of the current exploration (``exploring``)
    taken: set = set()  # ids of the runs of earlier explorations that stand for runs of the current one

    def _earlier_run(decisions: Decisions) -> Optional[RunResult]:
        """A run an earlier exploration (of other values analysed at) made that is the run these
        decisions make, when not recording values: the interpreter is deterministic, and the
        values analysed at are read only at the sites they are for, so a run that took at every
        site it met the option these decisions take there, and met no site whose values changed
        but a selection's whose new counts only widen its options (sizetests.analysed_at: a run
        at one of its old counts is the same run), is that run, with those sites as they are now.
        Each earlier run stands for one run of an exploration; the decisions are left as that
        run would have left them."""
        found = _earlier(decisions)
        if found is None:
            return None
        key, result, trace, rerun, sites = found
        for s in sites:
            decisions.choose(s, rerun.spent[s.key])
        taken.add(key)
        # A run made with values analysed at keeps no options for nominal.py to reuse it by.
        fresh = not enumerated and not count_values
        if any(a is not b for a, b in zip(sites, result.sites)) or (result.chosen is not None) != fresh:
            result = copy.copy(result)
            result.sites = sites
            result.chosen, result.spent = (dict(rerun.chosen), dict(rerun.spent)) if fresh else (None, None)
            made[id(result)] = (result, trace, rerun._replace(kind=None))
        return result

    def _earlier(decisions: Decisions) -> Optional[tuple]:
        """(key, result, trace, rerun, its sites now) of the earlier run _earlier_run would take
        for ``decisions``, changing nothing; None if there is none."""
        kind = _kind(decisions)
        if not reuse_runs or not made or record_values or kind is None:
            return None
        for key, (result, trace, rerun) in made.items():
            if key in taken or rerun.kind != kind or (rerun.enumerated is enumerated and rerun.count_values is count_values):
                continue
            if any(rerun.count_values.get(k) != count_values.get(k) for k in result.isolating):
                continue  # it left a raise unclaimed that a run with the counts now asked for claims
            sites = _sites_now(result.sites, rerun, enumerated, count_values)
            if sites is None:
                continue
            probe = Decisions(dict(decisions.fixed), presume=decisions.presume)
            if all(probe.take(s) == rerun.chosen[s.key] for s in sites):
                return key, result, trace, rerun, sites
        return None

    def exploring() -> Exploration:
        runs_here.clear()
        taken.clear()
        return explore(run, exact_only=exact_only)

    # An integer read from data whose bounding paths cannot run (dataints.py) is analysed at
    # each of its values instead, when they are few; the chains its uses apply are known
    # only after a run, so this settles in a few rounds, or keeps the bounding paths.
    # A selection whose size a test reads is analysed at the counts where the tests change
    # their answers too (sizetests.py): those are known only after a run, and settle first.
    enumerated: dict = {}
    count_values: dict = {}

    def new_shared(earlier: Optional[SharedCalls] = None) -> Optional[SharedCalls]:
        made_shared = SharedCalls(program.lasting, earlier) if share_calls else None
        if made_shared is not None and shares is not None:
            shares.append(made_shared)
        return made_shared

    # One per set of values analysed at: they steer the calls that consult their sites (a new
    # set's starts with the earlier set's calls that consulted none: SharedCalls).
    shared = new_shared()
    if sharing is not None and shared is not None:
        sharing.append(shared)
    first = explored = exploring()
    for _ in range(sizetests.MAX_VALUES):
        wanted = sizetests.enumeration(explored.results, count_values)
        if wanted == count_values:
            break
        count_values = wanted
        shared = new_shared(shared)
        first = explored = exploring()
    else:
        count_values = {key: sizetests.OPEN for key in count_values}
        shared = new_shared(shared)
        first = explored = exploring()
    for _ in range(3):
        wanted = dataints.enumeration(explored.results, enumerated)
        if wanted is None:
            break
        if wanted == enumerated:
            return paired(explored)
        enumerated = wanted
        shared = new_shared(shared)
        explored = exploring()
    return paired(first)


#: A run cheaper than this (CPU seconds) is not worth a fork: paths run ahead only in explorations
#: where a run made so far took at least this long.
MIN_AHEAD_SECONDS = 0.02


def _tracker():
    from flopcast.analyzer.memory import MemoryTracker
    from flopcast.installed import resource_limits

    return MemoryTracker(limit=resource_limits().memory_limit_bytes)


class _Rerun(NamedTuple):
    """What a path's run was made with: the option it took at each site it met, the values
    analysed at (run_point), and the calls shared by the runs made with them."""

    chosen: dict
    enumerated: dict
    count_values: dict
    shared: Optional[SharedCalls]
    spent: dict  # the FLOPs spent when the run met each site
    kind: Optional[tuple]  # how its decisions answer and what they record (_kind); None: it stands for no run


def _sites_now(sites: list, rerun: _Rerun, enumerated: dict, count_values: dict) -> Optional[list]:
    """The sites a run made with ``rerun``'s values met, as a run with ``enumerated`` and
    ``count_values`` meets them when it takes the same options: None when one's values changed
    otherwise than by counts asked for at a selection, which only widen its options."""
    out = []
    for site in sites:
        key = site.key
        if rerun.enumerated.get(key) != enumerated.get(key):
            return None
        before, now = rerun.count_values.get(key), count_values.get(key)
        if before == now:
            out.append(site)
            continue
        if key[0] != "size" or enumerated.get(key) is not None or sizetests.OPEN in (before, now):
            return None
        lo, hi = min(site.options), max(site.options)
        if sizetests.analysed_at(key, (hi, lo), rerun.count_values, lo, hi) != (site.options, site.reason):
            return None  # not a site made as choose_size makes it: not rewritten
        options, reason = sizetests.analysed_at(key, (hi, lo), count_values, lo, hi)
        out.append(dataclasses.replace(site, options=options, reason=reason))
    return out


def _kind(decisions: Decisions) -> Optional[tuple]:
    """How ``decisions`` answer (a site's fixed option, else its presumed one or its first) and
    what they watch (the joins, the ends of call statements: paths.py's branches, its separability
    and stage runs); None for other decisions (a nominal path's, a calibrated replay's): their
    runs are always made."""
    return (decisions.watch, decisions.presume, decisions.stages) if type(decisions) is Decisions else None


def _per_call(results: list[RunResult], path_totals: list[int], combined: tuple = ()) -> list[Interval]:
    """Each call's total over the paths (carried.py), when some path's calls cost otherwise than
    its first; a path that settled sooner than another costs its last call's total from then on.
    ``combined``: each call's (lowest, highest) of the combinations added up (joins.Separation)."""
    if not any(r.later for r in results) and not any(len(c) > 1 for c in combined) \
            and all(r.settled for r in results):
        return []
    kept = [(r, t) for r, t in zip(results, path_totals) if r.unbounded is None]
    # a call may raise at an op not priced, having charged only what came before it
    calls = [[(_charged_before_unpriced(r) if r.first_raising is not None else t, t),
              *((r.later_floors.get(i, later), later) for i, later in enumerate(r.later))] for r, t in kept]
    calls += combined
    if not calls:
        return []
    n = max(map(len, calls))
    out = [Interval(min(c[min(i, len(c) - 1)][0] for c in calls), max(c[min(i, len(c) - 1)][1] for c in calls))
           for i in range(n)]
    return out if len(set(out)) > 1 or not all(r.settled for r in results) else []


def _note_later_calls(program: Program, report: Report, results: list[RunResult], explored: Exploration) -> None:
    """Where the calls after the first are not followed to the end, the costliest call is not
    known: a lower bound, with why."""
    report.per_call_settled = all(r.settled for r in results)
    span = _predict_span(program, report) or program.main_span
    for why in dict.fromkeys(r.unsettled for r in results if not r.settled):
        report.unpriced.append(Unpriced(span, "later calls", f"whestbench calls predict on one instance for "
                                        f"every MLP; {why}, so the calls after it are not priced"))
    if explored.capped or explored.combined is not None and explored.per_call is None:
        report.unpriced.append(Unpriced(span, "later calls", "the later calls of the paths not run (their "
                                        "costs were added up or capped) are not priced"))


def _predict_span(program: Program, report: Report) -> Optional[Span]:
    for module in program.modules.values():
        for info in function_table(module):
            if info.qualname == f"{report.estimator_class}.predict":
                return Span(info.span.path, info.span.line, info.span.col, info.span.line, info.span.col)
    return None


def _memory_of(program: Program, cls: str, point: Point, include_scorer_cast: bool, record_values: bool,
               rerun: _Rerun):
    """The memory the arrays of one path take: its run made again, with the same options at its
    sites and the same values analysed at, measured (run_point measures only its first run),
    reusing the calls shared by the runs the path was made with (those recorded by a run that
    measured memory)."""
    from flopcast.analyzer.trace import Trace

    trace = Trace(memory=_tracker())
    interp = Interpreter(program, point.width, point.depth, point.budget, Decisions(rerun.chosen),
                         include_scorer_cast, record_values, trace)
    interp.enumerated = rerun.enumerated
    interp.count_values = rerun.count_values
    if rerun.shared is not None and not record_values:
        rerun.shared.attach(interp.memo)
    interp.run(cls)
    return trace.memory


def _runner(program: Program, cls: str, point: Point, include_scorer_cast: bool,
            entered: Optional[set] = None, shared: Optional[SharedCalls] = None) -> Callable[[Decisions], RunResult]:
    """Runs with no values analysed at, reusing the calls ``shared`` (recorded by runs with none; a
    watched run reuses only those that consulted no site: repeats.CallMemo)."""
    def run(decisions: Decisions) -> RunResult:
        interp = Interpreter(program, point.width, point.depth, point.budget, decisions, include_scorer_cast)
        if shared is not None:
            shared.attach(interp.memo)
        result = interp.run(cls)
        if entered is not None:
            entered.update(result.entered)
        return result

    return run


def analyze_program(program: Program, cls: str, point: Point, include_scorer_cast: bool,
                    record_values: bool = False, trace: bool = False, memory: bool = False,
                    explorations: Optional[list] = None, exact_only: bool = False) -> Report:
    """The report at ``point``; the exploration it came from is appended to ``explorations``.
    ``exact_only``: as :func:`analyze`'s."""
    shares: list = []
    try:
        return _analyze_program(program, cls, point, include_scorer_cast, record_values, trace, memory,
                                explorations, exact_only, shares)
    finally:
        # The calls its runs shared are reused by no later run (repeats.SharedCalls.release).
        for shared in shares:
            shared.release()


def _analyze_program(program: Program, cls: str, point: Point, include_scorer_cast: bool, record_values: bool,
                     trace: bool, memory: bool, explorations: Optional[list], exact_only: bool,
                     shares: list) -> Report:
    traces: Optional[list] = [] if trace or memory else None
    entered: set = set()
    reruns: list = []
    sharing: list = []
    explored = run_point(program, cls, point, include_scorer_cast, record_values, traces, memory, entered, True,
                         reruns, sharing=sharing, exact_only=exact_only, shares=shares)
    if explorations is not None:
        explorations.append(explored)
    results = explored.results
    # A path that never ends has only a partial count: it cannot be the cheapest path,
    # and the report is a lower bound (its Unpriced "unbounded" entry says so).
    path_totals = [r.total for r in results]  # each a sum over up to millions of charges: once
    bounded = [t for r, t in zip(results, path_totals) if r.unbounded is None]
    totals = bounded or list(path_totals)
    if len(bounded) < len(results):
        totals.append(max(path_totals))
    if explored.capped:
        # Paths not run cost at least the floor of their branch (paths.py): the low end stays
        # a lower bound; the high end is open (the "paths" unpriced entry below).
        totals.append(explored.floor)
    if explored.combined is not None:
        # The sites' costs add up (joins.py): every combination's total lies in this range,
        # and both ends are totals of combinations.
        totals.extend(explored.combined)
    if explored.priced is not None:
        # paths priced from a run that ended its choices where they part from one run (ending_guards.py)
        totals.extend(explored.priced)
    per_call = _per_call(results, path_totals, explored.per_call or ())
    if per_call:
        # The total is over every MLP's call: its upper end is the costliest call.
        totals.extend(t for i in per_call[1:] for t in (i.lo, i.hi))
    widest = results[path_totals.index(max(path_totals))]
    charges = _mark_path_dependent(widest, results)
    loop_entries: dict = {}
    loops = None
    if trace and traces and len(results) == 1:
        loops = ChargeLoops(traces[0], len(charges))
        loop_entries = dict(traces[0].entries)
        if isinstance(widest.charges, ChargeList):
            counted = widest.charges.counted()
            if counted is not None:
                rollup.remember(charges, counted)  # the same charges, in the same order
    report = Report(
        path=program.main.path,
        point=point,
        total=Interval(min(totals), max(totals)),
        charges=charges,
        estimator_class=cls,
        flopscope_version=installed.flopscope_version(),
        whestbench_version=installed.whestbench_version(),
        include_scorer_cast=include_scorer_cast,
        loop_entries=loop_entries,
        loops=loops,
    )
    if per_call:
        report.per_call = per_call
        _note_later_calls(program, report, results, explored)
    if memory and traces and len(traces) == len(results):
        widest_trace = traces[results.index(widest)]
        tracker = widest_trace.memory if widest_trace is not None else None
        if tracker is None:
            tracker = _memory_of(program, cls, point, include_scorer_cast, record_values,
                                 reruns[results.index(widest)])
        report.memory = tracker.result()
    seen_unpriced: set = set()
    seen_uncertain: set = set()
    seen_notes: set = set()
    seen_no_raise: set = set()
    # Bounding paths (dataints.opposite) are not paths the program takes: what stops one (a
    # raise, a shape nothing real has) is not the program's; it only leaves the high end open.
    exhausted = next((r.exhausted for r in results if r.exhausted is not None), None)
    ranged = next((s for r in results for s in r.sites if s.kind in ("loop", "shape")), None)
    if exhausted is not None and ranged is not None:
        # A path whose budget runs out into a handler costs less the further it gets: the ends
        # of a trip count or a size no longer bound what the values in between cost.
        report.unpriced.append(Unpriced(exhausted, "budget exhausted", "the budget runs out into an except "
                                        f"clause on some paths; the counts between the explored ends of "
                                        f"line {ranged.span.line}'s {ranged.kind} site are not bounded"))
        # Every path repeats the first one up to its first site: only that much is certain.
        floor = min((r.prefix for r in results if r.prefix is not None), default=0)
        report.total = Interval(min(report.total.lo, floor), report.total.hi)
    _floor_at_first_unpriced(report, [r for r in results if not r.bounding] or results)
    broken = [r for r in results if r.bounding and (r.raised is not None or r.unpriced)]
    if broken:
        first = broken[0]
        span = (first.raised[0] if first.raised is not None else first.unpriced[0].span) or program.main_span
        report.unpriced.append(Unpriced(span, "not monotone", "a path that bounds the cost of an integer read "
                                        "from data (its uses grow some sizes and shrink others) stops here, so the "
                                        "interval's high end is not a bound"))
    for r in results:
        for u in r.unpriced if not any(r is b for b in broken) else ():
            if (u.span, u.what) not in seen_unpriced:
                seen_unpriced.add((u.span, u.what))
                report.unpriced.append(u)
        for site in r.sites:
            key = (site.span, site.kind)
            if key not in seen_uncertain:
                seen_uncertain.add(key)
                report.uncertain.append(Uncertainty(site.span, site.kind, site.reason, site.machine))
        for u in r.uncertain:
            if (u.span, u.kind) not in seen_uncertain:
                seen_uncertain.add((u.span, u.kind))
                report.uncertain.append(u)
        for n in r.notes:
            if (n.span, n.message) not in seen_notes:
                seen_notes.add((n.span, n.message))
                report.notes.append(n)
        for key, presumed in r.no_raise.items():
            if key not in seen_no_raise:
                seen_no_raise.add(key)
                report.presumes_no_raise.append(presumed)
    real = [r for r in results if not r.bounding] or results
    report.raises.extend(_raises(real, single=len(results) == 1))
    if report.memory is not None:
        _memory_raises(report, single=len(results) == 1)
    if explored.capped:
        report.notes.append(Note(None, f"explored only {len(results)} value-dependent paths (fewest flipped "
                                       "sites first); the unexplored ones cost at least "
                                       f"{explored.floor:,}, and the upper end is open"))
        report.unpriced.append(Unpriced(report.charges[0].span if report.charges else program.main_span,
                                        "paths", "too many value-dependent paths to explore them all"))
    for r in results:
        for span, texts in r.values.items():
            merged = report.values.get(span, ())
            report.values[span] = merged + tuple(t for t in texts if t not in merged)
    _add_nominal(report, results, reusing(_runner(program, cls, point, include_scorer_cast, entered,
                                                  sharing[0] if sharing else None), results))
    caught = next((u for u in report.unpriced if u.what == "memory"), None)
    if caught is not None and report.nominal is not None:
        # the nominal path runs on past an allocation whose MemoryError a handler may catch
        report.nominal, report.nominal_presumes = None, []
        report.nominal_missing = [(caught.span, "an allocation here may raise MemoryError into a handler")]
    if report.per_call:
        # The nominal number is one call's: each MLP's call costs otherwise.
        report.nominal, report.nominal_presumes = None, []
        report.nominal_missing = [(_predict_span(program, report),
                                   "predict leaves state for the next call: the MLPs of a run cost otherwise")]
    report.executed = frozenset(Span(m.path, n.lineno, n.col_offset, n.lineno, n.col_offset)
                                for n in entered for m in (_module_of(program, n),) if m is not None)
    report.inclusive, report.own = _per_function_dearest(widest, results)
    # the call graph of every path (a helper called only on a cheaper path is still called): the
    # widest path's counts, and the most any other path makes of an edge it does not take
    report.calls = dict(widest.calls)
    for r in results:
        for edge, n in r.calls.items():
            if edge not in widest.calls:
                report.calls[edge] = max(n, report.calls.get(edge, 0))
    for module in program.modules.values():
        report.functions.extend(function_table(module))
    _note_call_structure(program, report, frozenset().union(*(r.recursed for r in results)))
    if any(r.sites for r in results):
        # Even paths that all cost the same rest on each site answering alike: a run mixing
        # answers may cost otherwise, unless the sites are proven to add up per execution.
        report.alike = alike.repeated_sites(program, results, report.functions)
        if report.alike:
            shared = reruns[-1].shared if reruns else None
            _prove_each_execution(report, explored, reruns, results,
                                  _runner(program, cls, point, include_scorer_cast, shared=shared))
    switched = {site.span for r in results for site in r.sites if r.executions.get(site.key, 0) > 1}
    report.switching = [span for span in report.alike if span in switched]
    _open_at_repeating_sites(report, results)
    _open_at_budget_reads(report, results, _MootReads(program, cls, point, include_scorer_cast, explored, reruns))
    repeated = {s for r in results for s in r.repeated_sites}
    if repeated:
        # A path takes one option at a site for every call: as if each MLP answered alike.
        report.alike = sorted(set(report.alike) | repeated, key=lambda s: (s.path, s.line, s.col))
        _open_at_sites_steering_later_calls(program, cls, report, results, repeated)
    if isinstance(widest.returned, Array):
        report.returned = (widest.returned.shape, widest.returned.dtype)
    return report


def _open_at_sites_steering_later_calls(program: Program, cls: str, report: Report, results: list[RunResult],
                                        repeated: set) -> None:
    """A path replays its first call's answers at every later call (interpreter/later_calls.py),
    but each MLP answers a value-dependent site on its own data. Where the paths leave other states
    for the next call (``call_states`` differ at some call, or cannot be compared) in parts a later
    call may read (mixed_calls.py), an answer decided what a later call starts from, and a run
    whose MLPs mix the answers (fast, fast, slow) starts a call from a state no path had: its count
    may lie above every path's, so the high end is open at each site met again by a later call."""
    if not mixed_calls.steer_later_calls(program, cls, results):
        return
    for span in sorted(repeated, key=lambda s: (s.path, s.line, s.col)):
        if not any(u.span == span and u.what == "switches" for u in report.unpriced):
            report.unpriced.append(Unpriced(span, "switches", "a later MLP may answer it otherwise: the paths "
                                            "take one answer for every call of predict, and its answers leave "
                                            "different state for the next call, so the upper end is open"))


#: Why a stop after which its function hands back what its loop wrote is not covered by one switch
#: (late_stops.handed_back)
_RERUN_RETURN = ("its function hands back what the loop wrote, and the loop runs again in another call: each "
                 "run may stop elsewhere and hand back another count, which the caller may compare or size work by")

#: Why a stop after whose loop its function returns a count that prices later work is not covered by
#: the paths, which take it stopping at its first execution or never (Truth._priced_after)
_PRICED_COUNT = ("the work after the loop is priced by how many passes ran, returned to the caller or priced in the "
                 "return, and may cost most when the loop stops mid-way")


def _open_at_repeating_sites(report: Report, results: list[RunResult]) -> None:
    """A steering site one switch does not cover (onsets.py: a toggle, a count read modulo, a gate
    that resets what it reads; a stop returning its loop's count from a loop run again, truth.py),
    met more than once on a path and not proven to answer on its own at
    each execution: a run answering it otherwise at any set of executions may escape every path
    explored, so the high end is open. Such a run repeats a path up to the site's first execution
    there and answers otherwise than it at a later one, so it costs at least what that path had spent
    at its second (a returning stop's: where its loop first ran again): the low end. A stop whose
    returned count prices later work (Truth._priced_after) is opened even met once: the paths sign
    the count by type, so a run stopping its loop mid-way escapes them; it agrees with a path up to
    the stop's first execution (the low end)."""
    assumed = set(report.alike)
    floor = None
    for r in results:
        for site in r.sites:
            explored = "one change of answer"
            if site.key in r.priced_stops:
                # (whether or not it runs more than once: its one run may stop at any pass)
                why, spent = _PRICED_COUNT, r.priced_stops[site.key]
                explored = "it stopping the loop at its first execution or never"
            elif site.span not in assumed:
                continue
            elif site.key in r.rerun_returns:
                # a run stops its loop's first run where some path does (every stop is switched
                # there): it agrees with that path up to the loop's next run
                why, spent = _RERUN_RETURN, r.rerun_returns[site.key]
            elif site.repeats and r.executions.get(site.key, 0) >= 2:
                why, spent = site.repeats, r.spent_at.get(site.key) or [0]
                # (an answer a reused call replayed counts an execution but records no spending: the
                # second recorded may then be a later one, and only the first is sure to come before it)
                spent = spent[1] if len(spent) == r.executions[site.key] else spent[0]
            else:
                continue
            floor = _opened(report, site.span, "switches", f"the test may answer otherwise at any set of its "
                            f"executions ({why}); the paths explore {explored}, so the upper end is open",
                            spent, floor)
    _lower_to(report, floor)


def _open_at_budget_reads(report: Report, results: list[RunResult], moot: "_MootReads") -> None:
    """A site assumed alike (report.alike) met before the program is told the FLOPs spent (a budget
    snapshot, a BudgetExhaustedError caught: Interpreter.told_spent): a run answering it otherwise at
    some executions only has spent, at that read, what no path has, and what it does next follows
    (a loop that spends what is left runs another number of passes): its count may lie on either
    side of every path's. The high end is open, and the low end is what the paths had spent where
    they first met such a site: a run answers alike with some path up to there. (A read inside the
    run of a loop whose `while` test the site is part of does not count: until the answer that
    stops it, a run answers as the path going on does.) A path whose every read after such a site
    is moot over the spends a mixed run may have there (_MootReads) opens nothing."""
    assumed = set(report.alike)
    floor = None
    for i, r in enumerate(results):
        for site in r.sites:
            if site.span not in assumed or site.key not in r.read_after or moot.proven(i, report, assumed):
                continue
            spent = r.spent.get(site.key, 0) if r.spent is not None else r.prefix or 0
            floor = _opened(report, site.span, "budget read", "a run may answer it otherwise at some of its "
                            "executions only (the paths answer it alike), and the program reads the FLOPs spent "
                            "after it: what that run spends next is not bounded by the paths, so the upper end is open",
                            spent, floor)
    _lower_to(report, floor)


#: A run checking a path's budget reads (_MootReads) stops past this many times the path's work, plus
#: MOOT_WORK_EXTRA: it runs every iteration the path's run skipped as a repeat.
MOOT_WORK_FACTOR = 4
MOOT_WORK_EXTRA = 20_000


class _MootReads:
    """Whether a path's reads of the budget are moot for the runs that mix the answers of the sites
    assumed alike (spent_ranges.py): each path is run again with every read handed over as the range
    the paths agreeing with it at every other site read there, and proven where no use of a read
    turns on where in its range the spend lies. Not tried where the paths are not all run (a cap,
    costs proven to add up, paths priced from another's run) or some bound an integer read from data."""

    def __init__(self, program: Program, cls: str, point: Point, include_scorer_cast: bool,
                 explored: Exploration, reruns: list) -> None:
        self.program, self.cls, self.point, self.include_scorer_cast = program, cls, point, include_scorer_cast
        self.results, self.reruns = explored.results, reruns
        self.tried = not explored.capped and explored.combined is None and explored.priced is None \
            and len(reruns) == len(self.results) and not any(r.bounding for r in self.results)
        self.verdicts: dict = {}
        self.collected: dict = {}
        self.spans = {s.key: s.span for r in self.results for s in r.sites}

    def proven(self, index: int, report: Report, assumed: set) -> bool:
        if not self.tried or report.unpriced:  # (a lower bound already: the check would win nothing)
            return False
        if index not in self.verdicts:
            self.verdicts[index] = self._verify(index, assumed)
            # one path not proven leaves the high end open: the others are not run again
            self.tried = self.verdicts[index]
        return self.verdicts[index]

    def _group(self, index: int, assumed: set) -> tuple:
        """The options a path took at the sites not assumed alike: a mixed run takes those of one path."""
        return tuple(sorted(((repr(k), repr(v)) for k, v in self.reruns[index].chosen.items()
                             if self.spans.get(k) not in assumed)))

    def _verify(self, index: int, assumed: set) -> bool:
        group = self._group(index, assumed)
        grouped = [self._collected(i) for i in range(len(self.results)) if self._group(i, assumed) == group]
        if any(r is None for r in grouped):
            return False
        checking = spent_ranges.SpentRanges(spent_ranges.ranges_of(grouped, lambda k: self.spans.get(k) in assumed),
                                            max(r.total for r in grouped))
        return self._run(index, checking) is not None and not checking.steered

    def _collected(self, index: int) -> Optional[RunResult]:
        """The path run again with every iteration and every read of the budget made (its own
        run may have skipped repeats, whose reads and answers it then has no spends for)."""
        if index not in self.collected:
            self.collected[index] = self._run(index, spent_ranges.SpentRanges(None))
        return self.collected[index]

    def _run(self, index: int, checking: "spent_ranges.SpentRanges") -> Optional[RunResult]:
        rerun = self.reruns[index]
        decisions = Decisions(rerun.chosen)
        decisions.per_execution = True  # every iteration run, none worked out from another's reads
        interp = Interpreter(self.program, self.point.width, self.point.depth, self.point.budget, decisions,
                             self.include_scorer_cast)
        interp.enumerated, interp.count_values = rerun.enumerated, rerun.count_values
        interp.spent_ranges = checking
        if rerun.shared is not None and checking.ranges is None:
            # (but for calls that read the budget: their reads are made here; a checking run shares
            # none, so that no call it records holds a SpentKnown another run would read)
            rerun.shared.attach(interp.memo)
        # (at most a few times the path's own work: every iteration runs, none is skipped)
        interp.work_stop = MOOT_WORK_FACTOR * self.results[index].work + MOOT_WORK_EXTRA
        table = futility(self.program)
        counts = table.snapshot()
        try:
            again = interp.run(self.cls)
        except WorkOut:  # a use of a read not proven moot (Interpreter.spend_steers), or the work cap
            return None
        finally:
            interp.memo.release()
            table.restore(counts)  # (the run leaves the futile keys as it found them)
        return again if again.total == self.results[index].total else None


def _opened(report: Report, span, what: str, reason: str, spent: int, floor: Optional[int]) -> int:
    """Open the high end at ``span`` (one Unpriced of each kind there) and return the low end so far:
    the least of ``floor`` and what a path had spent where a run may leave it (``spent``)."""
    if not any(u.span == span and u.what == what for u in report.unpriced):
        report.unpriced.append(Unpriced(span, what, reason))
    return spent if floor is None else min(floor, spent)


def _lower_to(report: Report, floor: Optional[int]) -> None:
    if floor is not None:
        report.total = Interval(min(report.total.lo, floor), report.total.hi)


#: The most interpretation work (RunResult.work) an exploration's runs may have done for its paths
#: to be watched again for the per-execution proof (which runs about as many): a corpus file's
#: run does hundreds; a path stuck in a long pure-Python loop does hundreds of thousands.
MAX_PROOF_WORK = 50_000


def _prove_each_execution(report: Report, explored: Exploration, reruns: list, results: list[RunResult],
                          run: Callable[[Decisions], RunResult]) -> None:
    """Drop from ``report.alike`` the sites whose executions are proven to add up each on its own
    (joins.Separation), widening the total to what their per-execution answers can make. An
    exploration that ran every path without watching is watched again (the nominal path and its
    single flips) when it was small and analysed no values of its own (dataints, sizetests)."""
    separation = None
    if explored.combined is not None:
        proven = explored.each_execution
    elif not explored.capped and len(results) <= SEPARABLE_AFTER and all(r.joinable for r in results) \
            and sum(r.work for r in results) <= MAX_PROOF_WORK \
            and not any(r.enumerated or r.count_values for r in reruns) \
            and not all(_raises_when_flipped(span, results) for span in report.alike):
        separation = prove_separately(run)
        proven = separation.each_execution if separation is not None else frozenset()
    else:
        return
    if not proven:
        return
    if separation is not None:
        report.total = Interval(min(report.total.lo, separation.lo), max(report.total.hi, separation.hi))
    spans: dict = {}
    for r in results:
        for site in r.sites:
            spans[site.span] = spans.get(site.span, True) and site.key in proven
    report.alike = [span for span in report.alike if not spans.get(span, False)]


def _raises_when_flipped(span: Span, results: list[RunResult]) -> bool:
    """Whether every path on which the site at ``span`` takes another option than on the nominal
    path raises: a site that ends its path and runs more than once, which the per-execution
    proof cannot cover (joins.separable_interval), so watching the paths again gains nothing."""
    flipped = [r for r in results for site in r.sites if site.span == span and r.chosen is not None
               and r.chosen.get(site.key) != nominal_option(site)]
    return bool(flipped) and all(r.raised is not None for r in flipped)


def _module_of(program: Program, node) -> Optional[object]:
    """The module whose tree holds a function node (its line numbers are that file's)."""
    for module in program.modules.values():
        if node in _defs(module.tree):
            return module
    return None


def _defs(tree) -> set:
    found = _DEFS.get(tree)
    if found is None:
        found = _DEFS[tree] = {n for n in ast_walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))}
    return found


_DEFS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _floor_at_first_unpriced(report: Report, results: list[RunResult]) -> None:
    """An op flopcast does not price may raise at run time: the run then stops there (or leaves
    for a handler around predict's caller), having charged only what came before it. A path goes
    on past such an op, so its total is not a lower bound of such a run: the low end is what the
    path charged before its first one (its later charges stay in the high end and the lines)."""
    floors = [_charged_before_unpriced(r) for r in results if r.first_raising is not None]
    if floors and min(floors) < report.total.lo:
        report.total = Interval(min(floors), report.total.hi)
        report.notes.append(Note(None, "an op that is not priced may raise, and the run then stops there: the low "
                                       f"end, {min(floors):,}, counts only what is charged before the first one"))


def _charged_before_unpriced(r: RunResult) -> int:
    return sum(c.flops for c in r.charges[:r.first_raising])


def _raises(results: list[RunResult], single: bool) -> list[Raise]:
    """What each path raises: the program's own exception, or flopscope's BudgetExhaustedError
    where the running total passes the budget first (the program's raise after it never runs).
    ``single``: the report follows one path, so its charges are that path's, in order."""
    # The entry file's load fails before anything runs (listed first): reported beside what the
    # path raises later, which describes predict once the load is fixed.
    raised = [(*r.load_raised, False, False, None, False, True) for r in results if r.load_raised is not None]
    for r in results:
        m = r.memory_raise
        if m is not None and (m[2] or r.overrun is None or m[3] <= r.overrun.index):
            # an array past whestbench's memory limit, made before anything else stops the path
            span, what, in_setup, at = m
            known = single and not in_setup and not r.generators_moved and (
                r.first_unpriced is None or r.first_unpriced > at)
            raised.append((span, what, in_setup, False, at if known else None, True, False))
        elif r.overrun is not None:
            o = r.overrun
            raised.append((o.span, f"BudgetExhaustedError: {o.op} would cost {o.cost:,} FLOPs but only "
                                   f"{o.remaining:,} remain", False, True, o.index if single else None, False, False))
        elif r.raised is not None:
            span, what, in_setup = r.raised
            # Across paths the charges before a raise differ: the raise is one and the same.
            counted_before = single and r.first_unpriced is None and r.unbounded is None
            raised.append((span, what, in_setup, r.raised_by_budget, len(r.charges) if counted_before else None, False,
                           False))
    out = []
    for span, what, in_setup, budget, before, memory, at_load in dict.fromkeys(raised):
        every = sum(1 for x in raised if x[0] == span and x[3] == budget and x[5] == memory
                    and x[6] == at_load) == len(results)
        out.append(Raise(span, what, every, in_setup, budget, before, memory, at_load))
    return out


def _memory_raises(report: Report, single: bool) -> None:
    """The memory tracker's first allocation after which the reported path's live arrays pass
    whestbench's memory limit (report.memory): the run dies of MemoryError there, unless an array
    alone past it was already reported (memory_limit.py, in every run). Measured on that path only."""
    from flopcast.analyzer.memory_limit import MARGIN, gib, limit

    memory = report.memory
    caught = [(span, used) for span, used in ((memory.setup_caught_span, 0), (memory.caught_span, memory.caught_used))
              if span is not None]
    if caught and not any(u.what == "memory" for u in report.unpriced):
        # the arrays alive at once may not fit inside a handler of MemoryError: the path's count
        # is known up to there (a lower bound; measured on the reported path only)
        span, used = caught[0]
        reason = (f"the arrays alive at line {span.line} reach {gib(limit() - MARGIN)} or more, within "
                  f"{gib(MARGIN)} of whestbench's memory limit of {gib(limit())}, so the allocation may raise "
                  "MemoryError, and an except clause or a `with` around it may catch it: the cost from it on "
                  "is not counted")
        report.unpriced.append(Unpriced(span, "memory", reason))
        report.notes.append(Note(span, reason))
        report.total = Interval(min(report.total.lo, used), report.total.hi)
    for span, peak, in_setup in ((memory.setup_over_limit_span, memory.setup_peak, True),
                                 (memory.over_limit_span, memory.peak, False)):
        if span is None or any(r.memory and r.in_setup == in_setup for r in report.raises):
            continue
        report.raises.append(Raise(span, f"MemoryError: the arrays alive at line {span.line} pass whestbench's "
                                         f"memory limit of {gib(limit())} (their peak is {gib(peak)})",
                                   single, in_setup, memory=True))


def _add_nominal(report: Report, results: list[RunResult], run: Callable[[Decisions], RunResult]) -> None:
    """The nominal number beside the interval: the exact total when no site depends on values,
    else the path on which no safety net fires (nominal.py)."""
    if not any(r.sites for r in results):
        found = Nominal(report.total.lo, [], [(u.span, f"{u.what} is not priced ({u.reason})")
                                              for u in report.unpriced])
        if found.why_not or not report.exact:
            found.total = None
    else:
        found = nominal(run)
    report.nominal = found.total
    report.nominal_presumes = found.presumes
    report.nominal_missing = found.why_not


def _per_function_dearest(widest: RunResult, results: list[RunResult]) -> tuple[dict, dict]:
    """(with callees, own body) of each user function, the most any path charged: one function
    may be dearest on a path that is not the dearest overall (a fallback arm it takes only when
    the rest is cheap), and a table mixing paths would show its own body above its whole cost."""
    if len(results) == 1:
        return dict(widest.inclusive), {}
    inclusive: dict = {}
    own: dict = {}
    for r in results:
        for name, flops in r.inclusive.items():
            if flops > inclusive.get(name, -1):
                inclusive[name] = flops
        counts, objects = rollup.tally(r.charges)
        mine: dict = {}
        for key, n in counts.items():
            c = objects[key]
            mine[c.function] = mine.get(c.function, 0) + c.flops * n
        for name, flops in mine.items():
            if flops > own.get(name, -1):
                own[name] = flops
    return inclusive, own


def _mark_path_dependent(widest: RunResult, results: list[RunResult]) -> list[Charge]:
    if len(results) == 1:
        return list(widest.charges)
    # A path's charges are tens of thousands of entries but few distinct objects (a repeated
    # call or loop iteration adds the same Charge objects again): each distinct object is
    # hashed by its (span, op) once (rollup.counted).
    # Each expression (span, op) is numbered once per distinct charge object: the paths share
    # most of their charge objects (calls reused across runs), and hashing a Span is a Python call.
    numbered: dict = {}  # (span, op) -> its number
    expressions: list = []  # number -> (span, op)
    number_of: dict = {}  # id of a charge -> (its expression's number, its FLOPs)
    per_path = []
    a_charge: dict = {}  # expression number -> (path's sum, one of its charges) on the dearest path
    for r in results:
        counts, objects = rollup.tally(r.charges)
        sums: dict = {}
        first: dict = {}
        for key, n in counts.items():
            known = number_of.get(key)
            if known is None:
                c = objects[key]
                k = numbered.get((c.span, c.op))
                if k is None:
                    k = numbered[(c.span, c.op)] = len(expressions)
                    expressions.append((c.span, c.op))
                known = number_of[key] = (k, c.flops)
            k, flops = known
            if k in sums:
                sums[k] += flops * n
            else:
                sums[k] = flops * n
                first[k] = objects[key]
        for k, total in sums.items():
            if total > a_charge.get(k, (-1,))[0]:
                a_charge[k] = (total, first[k])
        per_path.append(sums)
    keys = set().union(*per_path)
    varying = {k for k in keys if len({p.get(k, 0) for p in per_path}) > 1}
    uncertain: dict = {}  # id of a charge -> its copy marked uncertain

    def marked(c: Charge) -> Charge:
        copy = uncertain.get(id(c))
        if copy is None:
            copy = uncertain[id(c)] = Charge(c.span, c.op, c.flops, c.dtype, c.function, False, c.detail,
                                             c.dtype_origin)
        return copy

    widest_counts = rollup.counted(widest.charges)
    widest_objects = [c for c, _ in widest_counts]
    changed = {id(c): marked(c) for c in widest_objects if number_of[id(c)][0] in varying}
    if changed:
        # In C loops: the widest path's charges can be millions (a reused recursion's).
        swap = {id(c): changed.get(id(c), c) for c in widest_objects}
        out = chargelist.mapped(widest.charges, swap)
    else:
        out = list(widest.charges)
    # out's roll-up (rollup.counted), kept: the widest path's, with the copies marked uncertain
    tally = {id(m): (m, n) for c, n in widest_counts for m in (changed.get(id(c), c),)}
    widest_end = len(out)
    # Expressions only other paths reach (the cheaper arm of a branch) are listed too, as
    # uncertain, so per-line views and `verify` see them; report.total stays authoritative.
    widest_sums = per_path[results.index(widest)]
    listed = dict(widest_sums)  # expression number -> the sum the charges in `out` give it
    for r, sums in zip(results, per_path):
        if r is widest:
            continue
        mine = {k for k in sums if k not in listed}
        if mine:
            picked = {key for key in rollup.tally(r.charges)[0] if number_of[key][0] in mine}
            out.extend(map(marked, chargelist.picked(r.charges, picked)))
            listed.update((k, sums[k]) for k in mine)
    # An expression dearer on another path than on the one listed (a fallback's factorisation
    # of a bigger matrix) gets the difference as one more uncertain charge, so its per-expression
    # range reaches every path's figure (what `verify` and the per-line views compare against).
    for k in sorted(varying, key=lambda k: (expressions[k][0].path, expressions[k][0].line, expressions[k][0].col,
                                            expressions[k][0].end_line, expressions[k][0].end_col, expressions[k][1])):
        dearest, c = a_charge[k]
        if dearest > listed[k]:
            out.append(Charge(c.span, c.op, dearest - listed[k], c.dtype, c.function, False,
                              f"on another path this expression costs {dearest:,}", c.dtype_origin))
    for c, n in rollup.counted(out[widest_end:]) if len(out) > widest_end else ():
        seen = tally.get(id(c))
        tally[id(c)] = (c, n if seen is None else seen[1] + n)
    rollup.remember(out, list(tally.values()))
    return out


def _note_call_structure(program: Program, report: Report, recursed: frozenset) -> None:
    """Recursion and helpers predict never reaches, from the observed call graph.

    The graph names a function by its def, so every closure of a nested def is one node there
    (one decorator's wrappers of two helpers): its rings through nested defs are not read
    from it but from the recursions the interpreter saw (``recursed``). Self-recursion and
    reachability are a few lines over the edges; networkx's cycle enumeration is asked only
    when functions call each other in a ring (its import costs more than the rest of a small
    analysis)."""
    edges: dict = defaultdict(set)
    for caller, callee in report.calls:
        edges[caller].add(callee)
    reached = _reachable(edges, ROOT_CALLER)
    place = {name: k for k, name in enumerate(_graph_nodes(report))}
    calls = {(a, b): n for (a, b), n in report.calls.items() if "<locals>" not in a and "<locals>" not in b}
    plain: dict = defaultdict(set)
    for caller, callee in calls:
        plain[caller].add(callee)
    if any(_reaches(plain, name, name, skip_self=True) for name in reached):
        import networkx as nx

        # networkx starts each cycle, and orders them, by sets of names, which vary with
        # Python's string hashing from one process to the next: each is written from its node
        # the graph met first, in that order, so the note reads the same in every run.
        cycles = [_from_first(list(c), place) for c in nx.simple_cycles(call_graph(report.functions, calls))]
    else:
        cycles = [[name] for name in place if name in plain[name]]
    # (a ring seen from each function on it is one ring)
    cycles.extend(_from_first(list(ring), place) for ring in recursed if all(n in place for n in ring))
    for cycle in sorted(dict.fromkeys(map(tuple, cycles)), key=lambda c: [place[n] for n in c]):
        names = " → ".join(cycle + (cycle[0],))
        report.notes.append(Note(None, f"recursive: {names} (unrolled with the known arguments)"))
    spans = {info.qualname: info.span for info in report.functions}
    if any(r.in_setup and r.every_path for r in report.raises):
        return  # predict is never reached: the raise says so, not a note per function
    from_setup = _called_in_setup(program)
    for name in sorted(n for n in _graph_nodes(report) if n != ROOT_CALLER and n not in reached):
        span = spans.get(name)
        if _worth_a_note(program, name, span):
            where = " (only from setup(), which whestbench runs off the meter)" \
                if name.split(".")[-1] in from_setup else ""
            report.notes.append(Note(span, f"{name} is never called from predict at this point{where}; "
                                           "its cost is not counted"))


def _from_first(cycle: list, place: dict) -> list:
    """``cycle`` rotated to begin at its node with the lowest ``place``."""
    k = min(range(len(cycle)), key=lambda i: place[cycle[i]])
    return cycle[k:] + cycle[:k]


def _graph_nodes(report: Report) -> list[str]:
    """The call graph's nodes in the order ``call_graph`` adds them."""
    nodes = dict.fromkeys([ROOT_CALLER, *(info.qualname for info in report.functions)])
    for caller, callee in report.calls:
        nodes.update(dict.fromkeys((caller, callee)))
    return list(nodes)


def _reachable(edges: dict, start: str) -> set:
    reached: set = set()
    stack = [start]
    while stack:
        for callee in edges[stack.pop()]:
            if callee not in reached:
                reached.add(callee)
                stack.append(callee)
    return reached


def _called_in_setup(program: Program) -> frozenset:
    """The names a ``setup`` method of the main file calls (``load_head(...)``, ``self.fit(...)``):
    a helper unreached from predict is then named as setup's, not as code nothing runs. Read
    from the syntax (only the note's wording depends on it)."""
    names = set()
    for node in ast.walk(program.main.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "setup":
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    func = call.func
                    names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return frozenset(names)


def _worth_a_note(program: Program, name: str, span) -> bool:
    """An unreached function worth a note: a public def of the main file other than setup/__init__."""
    if "<locals>" in name or name.startswith("_"):
        return False
    return span is not None and span.path == program.main.path and name.split(".")[-1] not in ("setup", "__init__")


def _reaches(edges: dict, start: str, goal: str, skip_self: bool = False) -> bool:
    """Whether a path leads from ``start`` to ``goal`` (``skip_self``: not by a self-call)."""
    seen: set = set()
    stack = [n for n in edges[start] if not (skip_self and n == start)]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges[node])
    return False
