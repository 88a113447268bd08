"""One estimator, many MLPs: whestbench calls ``predict`` on one instance for every MLP of a run,
each inside its own BudgetContext with the same budget (scoring.evaluate_estimator). State a call
leaves for the next makes later MLPs cost otherwise; flopcast follows the calls until the state
settles (analyzer/carried.py). Each fixture's per-call answer is held against the real flopscope
running several MLPs on one instance (oracle.measure_calls)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from flopcast.analyzer.api import analyze
from flopcast.analyzer.render import render_text, to_json
from flopcast.model import Point
from oracle import measure_calls, static_per_op

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "carried"
POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]
CALLS = 6  # MLPs measured on one instance: past the calls flopcast follows (carried.MAX_CALLS)


def _per_call(report) -> list:
    return [(i.lo, i.hi) for i in report.per_call]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", ["self_cache", "lru_helper", "global_dict", "counter_branch", "cache_counter",
                                  "unit_loop_counter", "unit_loop_equal", "method_cache", "self_method_cache",
                                  "log_tuple"])
def test_settled_state_prices_every_call_exactly(name: str, point: Point) -> None:
    path = FIXTURES / f"{name}.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, CALLS)]
    assert report.per_call, f"{name}: the calls' costs differ ({measured}) but the report gives one number"
    assert report.per_call_settled and not report.unpriced and not report.alike
    steady = report.per_call[-1]
    predicted = [report.per_call[min(i, len(report.per_call) - 1)] for i in range(CALLS)]
    assert all(i.exact for i in report.per_call)
    assert [i.lo for i in predicted] == measured, f"{name}: {_per_call(report)} vs measured {measured}"
    # The headline: not exact (the MLPs differ), its upper end the costliest call.
    assert not report.exact
    assert (report.total.lo, report.total.hi) == (min(measured), max(measured))
    assert steady.lo == measured[-1]
    data = to_json(report)["total"]
    assert data["per_call"][0]["lo"] == measured[0] and data["per_call_settled"] is True
    assert data["exact"] is False and to_json(report)["total_flops"] == max(measured)
    text = render_text(report)
    assert "exact for each call" in text and "every later call" in text


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_counter_that_steers_nothing_settles_at_the_second_call(point: Point) -> None:
    """The second call is watched against the numbers the first started from (interpreter
    _later_calls): a first call that fills a cache and bumps counters only fed to arithmetic
    settles after one more call, not two (each path made a whole call of predict more)."""
    report = analyze(FIXTURES / "cache_counter.py", point)
    assert report.per_call_settled and len(report.per_call) == 2, _per_call(report)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_numbers_the_first_call_adds_are_watched_from_the_second_call(point: Point) -> None:
    """A first call that adds numbers to the state (an attribute, a counter at a new key of a
    dict it found) changes its shape: its numbers are paired with the old ones by place, so the
    second call is still watched and settles (carried._paired); paired by order, they could not
    be, and a third call was followed."""
    path = FIXTURES / "first_call_adds.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 4)]
    assert report.per_call_settled and len(report.per_call) == 2, _per_call(report)
    assert [i.lo for i in report.per_call] == measured[:2] and measured[1:] == [measured[1]] * 3
    assert all(i.exact for i in report.per_call)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", ["setup_only", "counter_arith", "deque_log", "slotted_log", "counter_noted",
                                  "counter_norm_sum", "counter_clip_bound"])
def test_state_no_call_steers_by_stays_one_exact_number(name: str, point: Point) -> None:
    """State made in setup and read by predict, a log only appended to and an attribute only
    assigned (setup_only); call counters in a global, a dict and on the instance that feed only
    arithmetic (counter_arith, watched through a call: counters.py); a bounded deque only
    appended to, which grows past the calls followed (deque_log), also in a program with a
    ``__slots__`` class (slotted_log); a counter written into log entries through tuple
    concatenation and ``dataclasses.asdict`` (counter_noted); a counter added to a norm's float,
    whose sign signs.py does not ask (counter_norm_sum); a counter as clip's bound, of which only
    its being given is asked (counter_clip_bound): the first call's count holds for all."""
    path = FIXTURES / f"{name}.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3)]
    assert report.per_call == [] and report.exact and not report.unpriced
    assert measured == [report.total.lo] * 3


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_state_that_never_settles_is_a_lower_bound(point: Point) -> None:
    """A counter that keeps growing (`self.calls += 1`, read as `% 3`): the calls followed are
    priced exactly, the later ones are not known, and the report says so."""
    path = FIXTURES / "counter_unsettled.py"
    report, measured, followed = _followed_then_unpriced(path, point)
    assert report.total.hi == max(measured[:followed])
    assert "later calls not followed" in render_text(report)


DECORATED_POINTS = [*POINTS, Point(16, 40, 2**41)]  # 40 layers: the layer loop's iterations skipped


@pytest.mark.parametrize("point", DECORATED_POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", ["decorated_counted", "decorated_timed", "decorated_logged", "recursive_counter",
                                  "decorated_objects"])
def test_decorators_that_count_or_time_helpers_calling_helpers_stay_one_exact_number(name: str, point: Point) -> None:
    """A `@counted` wrapper bumping a module-level dict, a `@timed` one appending perf_counter
    deltas to a log, and counts read back only for logging: the wrapper is re-entered through
    the helpers it wraps (and recursive_counter's helper calls itself), so the interpreter's
    recursion check reads the counts at every call.
    That read is the analysis' own (interpreter._call_checked), not the program's: every MLP
    costs the first's, op by op."""
    path = FIXTURES / f"{name}.py"
    report = analyze(path, point)
    measured = measure_calls(path, point, CALLS)
    assert report.per_call == [] and report.per_call_settled and report.exact and not report.unpriced
    assert [m.total for m in measured] == [report.total.lo] * CALLS
    assert static_per_op(report) == measured[0].per_op


@pytest.mark.parametrize("point", DECORATED_POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", ["decorated_steers", "decorated_attr_steers"])
def test_a_decorator_count_that_steers_flops_prices_the_calls_followed_and_no_more(name: str, point: Point) -> None:
    """`if CALLS["relu"] % 7 == 0:` inside the wrapped helper, `if wrapper.calls % 7 == 0:` in
    the wrapper: which MLPs pay for the extra op depends on the count carried over, so the
    calls followed are exact and the rest unpriced."""
    path = FIXTURES / f"{name}.py"
    _followed_then_unpriced(path, point)


def _followed_then_unpriced(path, point: Point) -> tuple:
    """The report prices the calls it followed exactly, as the real run of CALLS MLPs on one
    instance counts them, and leaves the later calls unpriced: (report, measured, calls followed)."""
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, CALLS)]
    assert not report.per_call_settled and report.lower_bound and not report.exact
    assert any(u.what == "later calls" for u in report.unpriced)
    followed = len(report.per_call)
    assert [i.lo for i in report.per_call] == measured[:followed] == [i.hi for i in report.per_call]
    return report, measured, followed


def _predicted(report, call: int):
    """What the report claims for the call numbered ``call`` from 0 (None: not followed)."""
    if not report.per_call:
        return report.total if report.per_call_settled else None
    if call < len(report.per_call):
        return report.per_call[call]
    return report.per_call[-1] if report.per_call_settled else None


LATE = 7  # MLPs measured for the rules that prove every later call: the fixtures change at the 7th


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", ["logs_unread", "log_last", "log_window"])
def test_logs_no_call_reads_before_its_own_appends_settle(name: str, point: Point) -> None:
    """Logs appended to at every call: never read back (a list on the instance, a module-level
    list of text made from a counter, a dict of timing lists: carried.py), or read only at what
    the call itself appended (`self.history[-1]` after appending it, `self.active_log[-depth:]`
    after the call's layers: counters.CounterWatch.own_appends). No call reaches what an earlier
    one appended: every MLP costs the first's, one exact number."""
    path = FIXTURES / f"{name}.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, LATE)]
    assert report.per_call == [] and report.per_call_settled and report.exact and not report.unpriced
    assert measured == [report.total.lo] * LATE


@pytest.mark.parametrize("point", DECORATED_POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", ["log_length_noted", "log_length_in_loop"])
def test_a_logs_length_only_logged_printed_or_stored_settles(name: str, point: Point) -> None:
    """`len(self.history)` of a history appended at every call, only passed to a logger, stored
    on the instance and formatted into text, also inside a layer loop whose iterations are
    skipped at 40 layers (counters.CounterWatch.log_length): it steers no call, so every MLP
    costs the first's, one exact number."""
    path = FIXTURES / f"{name}.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, LATE)]
    assert report.per_call == [] and report.per_call_settled and report.exact and not report.unpriced
    assert measured == [report.total.lo] * LATE


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_counters_past_their_bounds_settle(point: Point) -> None:
    """`self.calls == 1`, `self.calls <= 2` and `math.sqrt(1.0 + CALLS * 1e-9)`: after the third
    call every comparison answers as it did there and the root's argument stays positive, for
    every later call (carried_bounds.py); each call is priced exactly."""
    path = FIXTURES / "counter_passed.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, LATE)]
    assert len(set(measured)) == 3 and measured[2:] == [measured[2]] * (LATE - 2)
    assert report.per_call_settled and not report.unpriced and all(i.exact for i in report.per_call)
    assert [_predicted(report, k).lo for k in range(LATE)] == measured


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_log_read_past_what_the_call_appended_keeps_the_later_calls(point: Point) -> None:
    """`self.history[-2:]` reaches the previous call's entry from the second call on: the second
    MLP costs more, which only following the second call shows."""
    path = FIXTURES / "log_reach.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3)]
    assert measured[1] == measured[2] > measured[0]
    assert [_predicted(report, k).lo for k in range(2)] == measured[:2]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", ["counter_late", "log_read", "log_length_steers", "log_length_kept",
                                  "deque_insert_full"])
def test_a_change_past_the_calls_followed_is_not_settled(name: str, point: Point) -> None:
    """A counter compared with 7 (`>= 7`, and a doubling float `> 100.0`), a log read by its
    length (compared, doubled and compared, kept on the instance and compared at the next call),
    a bounded deque only inserted into (`insert` raises once it is full, into a handler):
    the 7th MLP costs more than the 6 before it, past the 4 calls followed. None may be called
    settled: the calls followed are exact, the later ones a lower bound."""
    path = FIXTURES / f"{name}.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, LATE)]
    assert measured[:6] == [measured[0]] * 6 and measured[6] > measured[0]
    assert not report.per_call_settled and report.lower_bound
    assert any(u.what == "later calls" for u in report.unpriced)
    followed = [_predicted(report, k) for k in range(LATE)]
    assert followed[len(report.per_call):] == [None] * (LATE - len(report.per_call))
    assert [i.lo for i in followed if i is not None] == measured[:len(report.per_call)]


def test_a_logs_length_compared_in_a_skipped_layer_loop_is_not_settled() -> None:
    """`if len(self.history) > 6:` at every layer of 40: the seventh MLP costs more, past the
    calls followed; none may be called settled."""
    point = DECORATED_POINTS[-1]
    path = FIXTURES / "log_length_loop_steers.py"
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, LATE)]
    assert measured[:6] == [measured[0]] * 6 and measured[6] > measured[0]
    assert not report.per_call_settled and report.lower_bound
    assert [_predicted(report, k).lo for k in range(len(report.per_call))] == measured[:len(report.per_call)]


# The corpus files whose state never repeated (session 14: a lower bound, "later calls"); each
# now settles: logs no call reads (stage_classes, mc_welford, cached_sampler, staged_pipeline,
# mask_cascade: with a counter formatted into its log), counters compared past their bounds
# (qr_active: `== depth` after the first call; block_planner: math.sqrt of a growing count).
# plugin_stages (`self.log.stages.append`, a dict of note lists) and solver_hierarchy
# (`self.ledger.keys.append`) settle by their logs too. mc_welford no longer does (session 47): its
# chunk loop's stop switches where `stats.n`, read after the loop, changes (late_stops.py), and a
# switched path cannot prove its later calls alike, so they are a named lower bound.
SETTLED = ["stage_classes.py", "cached_sampler.py", "staged_pipeline.py", "mask_cascade.py",
           "qr_active", "block_planner.py", "plugin_stages", "solver_hierarchy.py",
           # a @counted wrapper's Counter, and a global counter beside a recursive Strassen, read
           # by the recursion check only (interpreter._call_checked)
           "stage_match.py", "strassen_meter.py"]


@cache
def _corpus_calls(name: str, point: Point) -> tuple:
    """A corpus file's report and its LATE MLPs run on one instance, made once: the qr_active
    test below reads the same pair at the same point (the tests only read them)."""
    path = HERE / "realistic" / "estimators" / name
    return analyze(path, point), tuple(measure_calls(path, point, LATE))


#: qr_active's two tests at POINTS[0] share one analysis and run on one worker
_QR_SHARED = pytest.mark.xdist_group("carried-qr_active")


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
@pytest.mark.parametrize("name", [pytest.param(n, marks=_QR_SHARED) if n == "qr_active" else n for n in SETTLED])
def test_corpus_states_that_settle(name: str, point: Point) -> None:
    """Every one of 7 MLPs on one instance is inside what flopcast claims for its call."""
    report, measured = _corpus_calls(name, point)
    assert report.per_call_settled and not [u for u in report.unpriced if u.what == "later calls"]
    for k, run in enumerate(measured):
        claimed = _predicted(report, k)
        assert claimed is not None and (run.exhausted or claimed.contains(run.total)), \
            f"{name} call {k + 1}: {claimed} vs {run.total:,}"


@_QR_SHARED
def test_qr_active_per_call_matches_the_runtime() -> None:
    """The corpus's qr_active: a refit counter on self read back in `== depth` polishes the first
    MLP only; from the second call the counter is past depth for good (carried_bounds.py), so the
    second call's interval holds for every later one."""
    report, runs = _corpus_calls("qr_active", POINTS[0])
    measured = [m.total for m in runs]
    assert measured[0] != measured[1] == measured[2]
    assert len(report.per_call) == 2 and report.per_call_settled
    for k, total in enumerate(measured):
        assert _predicted(report, k).contains(total), f"{[str(i) for i in report.per_call]} vs {measured}"
    # The paths leave `self.stats["rungs"]` counting other rungs (`stats["rungs"][rung] =
    # stats["rungs"].get(rung, 0) + 1`, keys differing by path) while a later call compares another
    # key (`self.stats["refits"] == depth`): mixed_calls.py compares that dict per key (session 52;
    # session 51 opened the high end here), so the report stays an interval.
    assert not report.lower_bound and not report.unpriced


def _assert_every_call_costs_the_first_without_a_second(path: Path, point: Point) -> None:
    """Three MLPs on one instance cost one exact number, and the path made no second call."""
    from flopcast.analyzer.api import run_point
    from flopcast.analyzer.program import estimator_class, load_program

    measured = [m.total for m in measure_calls(path, point, 3)]
    report = analyze(path, point)
    assert report.exact and not report.per_call and [report.total.lo] * 3 == measured
    program = load_program(path, None, None)
    (result,) = run_point(program, estimator_class(program, None), point, True).results
    assert result.settled and result.later == []


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_flags_combined_in_the_first_call_make_no_second_call(point: Point) -> None:
    """`Cap.MEAN | Cap.VAR` is cached by the class at the first call (flags.py, as Python's
    _value2member_map_): which pseudo-members are cached steers no call, so the first call leaves
    the state it found and no second call is made (flag_stages made one in every run)."""
    _assert_every_call_costs_the_first_without_a_second(FIXTURES / "flag_combined.py", point)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_a_pseudo_member_given_an_attribute_is_state_a_later_call_reads(point: Point) -> None:
    path = FIXTURES / "flag_member_attr.py"
    measured = [m.total for m in measure_calls(path, point, CALLS)]
    report = analyze(path, point)
    assert report.per_call_settled and not report.exact
    predicted = [report.per_call[min(i, len(report.per_call) - 1)].lo for i in range(CALLS)]
    assert predicted == measured, (_per_call(report), measured)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_attributes_added_late_that_asdict_cannot_read_make_no_second_call(point: Point) -> None:
    """asdict and astuple read a dataclass's fields only (write_only.py): the attributes the first
    call adds after them are read by nothing, so it leaves the state it found (flag_portfolio made
    a second call on every path)."""
    _assert_every_call_costs_the_first_without_a_second(FIXTURES / "asdict_history.py", point)


def test_a_data_test_whose_arms_leave_other_state_opens_the_high_end() -> None:
    """`if not slow: self.fast = min(self.fast + 1, 2)` on a test of the MLP's weights, and
    `if self.fast >= 2:` one op more: each path replays its first call's answer at every later
    call, but seeds 15, 16, 17 sample MLPs fast, fast, slow, whose third call (a slow MLP after
    two fast ones) no path makes. The report must hold every MLP's count: not an interval whose
    high end that call passes, but a lower bound naming the site."""
    path = FIXTURES / "data_steers_next_call.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=15)]
    assert measured == [655, 687, 1167]  # the mix this test is about
    test_line = 15
    assert ("switches", test_line) in [(u.what, u.span.line) for u in report.unpriced]
    assert report.lower_bound and not report.exact
    assert all(report.total.lo <= m for m in measured)


def test_each_calls_total_is_a_lower_bound_where_the_high_end_is_open() -> None:
    """The same MLPs fast, fast, slow: the third counts 1,167, past what the paths give a later
    call (687..1,135). With the whole a lower bound, no call's total may read as an interval."""
    path = FIXTURES / "data_steers_next_call.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    third = measure_calls(path, point, 3, seed=15)[2].total
    assert third > max(t.hi for t in report.per_call)  # what an interval per call would exclude
    per_mlp = next(line for line in render_text(report).splitlines() if line.startswith("Per MLP:"))
    assert "[" not in per_mlp and "at least" in per_mlp, per_mlp
    assert all(c["lower_bound"] and not c["exact"] for c in to_json(report)["total"]["per_call"])


def test_a_count_one_answer_bumps_and_the_other_reads_opens_the_high_end() -> None:
    """`if not slow: self.n += 1` and `if slow and self.n > 0:` one op more: the fast path's
    calls all cost its first, the slow path leaves no state, so every path explored costs 655;
    seeds 15, 16, 17 sample fast, fast, slow, and the slow MLP after fast ones counts 687."""
    path = FIXTURES / "data_count_read_later.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=15)]
    assert measured == [655, 655, 687]
    assert ("switches", 14) in [(u.what, u.span.line) for u in report.unpriced]
    assert report.lower_bound and not report.exact
    assert all(report.total.lo <= m for m in measured)



@pytest.mark.parametrize("name", ["class_count_read_later.py", "class_list_read_later.py"])
def test_a_class_attribute_one_answer_changes_and_the_other_reads_through_self_opens_the_high_end(name: str) -> None:
    """As above with the count on the class (`type(self).n += 1`, `self.n > 0`) or a list its body
    holds (`self.seen.append(1)`, `len(self.seen)`): no code names the class, yet these reach its
    attribute through the instance, so the class's differing attribute is read (mixed_calls: an
    interval [655, 655] before, which seed 15's third call, 687, falls outside)."""
    path = FIXTURES / name
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=15)]
    assert measured == [655, 655, 687]
    assert ("switches", 14) in [(u.what, u.span.line) for u in report.unpriced]
    assert report.lower_bound and all(report.total.lo <= m for m in measured)

def test_a_count_only_stepped_on_one_arm_steers_no_later_call() -> None:
    """`if not slow: self.fast += 1`, read by nothing: the paths leave different counts, but a
    count only stepped reaches no test, size or index of a later call, so every mix of MLPs
    (seeds 17, 18, 19: slow, fast, slow) costs what some path's call does: an interval, not a
    lower bound (mixed_calls.py)."""
    path = FIXTURES / "stepped_count_unread.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=17)]
    assert measured == [1135, 655, 1135]
    assert not report.lower_bound and "switches" not in [u.what for u in report.unpriced]
    assert all(report.total.lo <= m <= report.total.hi for m in measured)


def test_a_module_list_predict_clears_first_steers_no_later_call() -> None:
    """`FLAGS.clear()` at the top of predict, `FLAGS.append(1)` on a slow MLP, `if FLAGS:` one
    op more: the paths leave different lists, but each call clears it before any code reads it:
    an interval holding every mix (seeds 17, 18, 19: slow, fast, slow)."""
    path = FIXTURES / "cleared_list.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=17)]
    assert measured == [687, 655, 687]
    assert not report.lower_bound and "switches" not in [u.what for u in report.unpriced]
    assert all(report.total.lo <= m <= report.total.hi for m in measured)


def test_a_module_list_a_helper_reads_before_the_clear_opens_the_high_end() -> None:
    """As above, but `before = pending()` (a helper returning len(FLAGS)) runs before the clear and
    a fast MLP after a slow one does more work: every path costs 655, but of seeds 1, 2, 3 the
    second MLP, a fast one after a slow one, counts 1,615. Code of the program runs before the
    clear, so the list is not proven unread: a lower bound naming the test (`if slow:`)."""
    path = FIXTURES / "read_before_clear.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=1)]
    assert measured == [655, 1615, 655]
    assert ("switches", 19) in [(u.what, u.span.line) for u in report.unpriced]
    assert report.lower_bound and all(report.total.lo <= m for m in measured)


def _assert_mixes_inside_an_interval(name: str, seed: int, counts: list) -> None:
    """The paths leave different state where no later call reads it: every mix of MLPs (seeds
    ``seed``..+2: slow, fast, slow) costs what some path's calls do, so the report is an interval
    holding each MLP's count, not a lower bound (mixed_calls.py)."""
    path = FIXTURES / f"{name}.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=seed)]
    assert measured == counts  # the mix this test is about
    assert not report.lower_bound and "switches" not in [u.what for u in report.unpriced]
    assert all(report.total.lo <= m <= report.total.hi for m in measured)


def _assert_mix_outside_stays_open(name: str, line: int) -> None:
    """Every path costs 655, but of seeds 17, 18, 19 (slow, fast, slow) the fast MLP after a slow
    one counts 1,135: the state the slow arm left is read, so the high end stays open at the test."""
    path = FIXTURES / f"{name}.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=17)]
    assert measured == [655, 1135, 655]
    assert ("switches", line) in [(u.what, u.span.line) for u in report.unpriced]
    assert report.lower_bound and all(report.total.lo <= m for m in measured)


def test_a_choice_stored_on_self_and_read_by_nothing_steers_no_later_call() -> None:
    """`self.last = "slow" if slow else "fast"`, only ever assigned (write_only.by_name: a class
    of the program defining `add` leaves write_only.attributes empty)."""
    _assert_mixes_inside_an_interval("choice_written_unread", 17, [1135, 655, 1135])


def test_a_choice_stored_on_self_and_read_by_the_next_call_opens_the_high_end() -> None:
    """`after_slow = self.last == "slow"` reads it: not written only."""
    _assert_mix_outside_stays_open("choice_read_later", 26)


def test_a_dict_entry_only_counted_steers_no_later_call_while_another_is_read() -> None:
    """`self.stats["arms"][arm] = self.stats["arms"].get(arm, 0) + 1` differs by path and is
    written only; `self.stats["scale"]`, alike on every path, is read (so is `flops.stats`, a
    library's attribute of the same name): the dict is compared per key."""
    _assert_mixes_inside_an_interval("stats_key_counted", 17, [1135, 655, 1135])


def test_a_dict_entry_the_next_call_reads_opens_the_high_end() -> None:
    """`self.stats["arms"].get("slow", 0)` reads the entry that differs by path."""
    _assert_mix_outside_stays_open("stats_key_read_later", 15)


def test_a_log_predict_stores_anew_after_a_helper_steers_no_later_call() -> None:
    """`self.log = [f"chunk {chunk}"]` after `plan(mlp.width)`, a function of the program that
    does not mention the log: what the last call left is read by no call."""
    _assert_mixes_inside_an_interval("log_stored_anew", 17, [1135, 655, 1135])


def test_a_log_a_method_reads_before_predict_stores_it_anew_opens_the_high_end() -> None:
    """`before = self.lines()` (`len(self.log)`) runs before the store: the log is read."""
    _assert_mix_outside_stays_open("log_read_before_stored_anew", 19)


def test_a_dict_only_a_helper_stores_items_into_steers_no_later_call() -> None:
    """`mark(self.marks, "slow")`, whose parameter only has an item stored into it: the dict is
    written only, through the helper."""
    _assert_mixes_inside_an_interval("marks_through_helper", 17, [1135, 655, 1135])


def test_a_dict_a_helper_reads_before_storing_into_opens_the_high_end() -> None:
    """`seen = "slow" in marks` in the helper reads what the last call left."""
    _assert_mix_outside_stays_open("marks_read_by_helper", 20)


def test_a_count_stepped_in_a_dict_a_cached_function_hands_back_opens_the_high_end() -> None:
    """`self.stats = table()` (an lru_cache'd `{"n": 0}`), `self.stats["n"] += 1` on the slow arm
    and `table()["n"] > 0` read by the next call: the dict is a cached value too, which no root
    tells (session 51 took it for a count only stepped: an interval of 655 the mix passes)."""
    _assert_mix_outside_stays_open("stepped_in_a_cached_dict", 23)


@pytest.mark.parametrize("name, seed, measured, test_line", [
    ("settled_arm_flag", 1, [143, 383, 1135], 15),
    ("settled_arm_warm_start", 0, [383, 143, 431, 911], 16)])
def test_a_path_settled_early_is_compared_with_a_longer_ones_later_state(name: str, seed: int, measured: list,
                                                                         test_line: int) -> None:
    """Every call steps a count; one arm of a test of the MLP's weights reads it and, from the
    second call on, sets a flag (or sizes a warm start by it) the other arm pays for. The other
    arm's path settles at its second call (the count steers nothing there) and records no later
    state, while the first arm's path goes on to a third: their states after the second call must
    still be compared (mixed_calls.py). A run of MLPs mixing the answers pays the other arm with
    the flag set, past every call of every path: a lower bound naming the test, not an interval."""
    path = FIXTURES / f"{name}.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    assert [m.total for m in measure_calls(path, point, len(measured), seed=seed)] == measured
    assert max(measured) > max(t.hi for t in [report.total, *report.per_call])  # the mix this is about
    assert ("switches", test_line) in [(u.what, u.span.line) for u in report.unpriced]
    assert report.lower_bound and all(report.total.lo <= m for m in measured)


@pytest.mark.parametrize("point, seed, measured", [(Point(8, 2, 100_000), 0, [(79, True), (1135, False)]),
                                                   (Point(4, 3, 100_000), 1, [(23, True), (431, False)])],
                         ids=["8x2", "4x3"])
def test_a_call_that_raises_after_changing_state_is_followed_to_the_next_mlp(point: Point, seed: int,
                                                                             measured: list) -> None:
    """whestbench records a call that raises and calls predict for the next MLP on the same
    instance. `self.big = True; raise ValueError` on a test of the MLP's weights, and `if
    self.big:` the dear work: a path that never raises costs the same every call, but after a
    refused MLP the next pays the dear work. The raising path's later calls are followed from
    the state its raise left (later_calls._after_raising_call), and leave another state than the
    other path's: a lower bound naming the test, not an interval the MLP after the raise passes."""
    path = FIXTURES / "raised_call_leaves_state.py"
    report = analyze(path, point)
    runs = measure_calls(path, point, 2, seed=seed, go_on=True)
    assert [(m.total, bool(m.raised)) for m in runs] == measured
    assert measured[1][0] > max(t.hi for t in [report.total, *report.per_call])  # the run this is about
    assert ("switches", 16) in [(u.what, u.span.line) for u in report.unpriced]
    assert report.lower_bound and report.total.lo <= measured[0][0]


def test_paths_settling_alike_but_moving_a_number_otherwise_open_the_high_end() -> None:
    """One arm sets `self.t = 1 - 5 * self.t`, the other `self.t = self.t + 1` and pays when
    `self.t < 1`: both paths leave t = 1 after the first call and settle at the second (the
    second arm's test answers alike for every t its own steps reach), but a run mixing them
    reaches t = -4 and the second arm pays (seed 1: 143, 383, 1,135). The paths' moves of the
    number differ and one's proof holds over its own steps only: a lower bound naming the test."""
    path = FIXTURES / "settled_moves_mixed.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=1)]
    assert measured == [143, 383, 1135]
    assert max(measured) > max(t.hi for t in [report.total, *report.per_call])  # the mix this is about
    assert ("switches", 13) in [(u.what, u.span.line) for u in report.unpriced]
    assert report.lower_bound and all(report.total.lo <= m for m in measured)


def test_a_memo_filled_by_the_first_call_is_no_move_of_a_path_settled_at_its_second() -> None:
    """`self.plans[key]` is filled by the first call under a key of the width, then only read; one
    arm of a test of the MLP's values steps a count nothing reads. That arm's path settles at its
    second call (only the count moves) and records one state, the other arm's two: past the
    first's record, the roots its later calls move are those its second call changed (the count),
    not the memo its first call filled (portfolio_planner's self.plans). Every run costs one arm or
    the other, whatever the mix: an interval holding each call of every seed."""
    path = FIXTURES / "memo_filled_once.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    assert not report.unpriced and not report.exact and (report.total.lo, report.total.hi) == (598, 838)
    measured = [m.total for seed in (0, 4) for m in measure_calls(path, point, 4, seed=seed)]
    assert measured == [838, 838, 598, 838, 838, 838, 598, 598]


def test_a_memo_whose_key_moves_with_the_count_is_refilled_later_and_opens_the_high_end() -> None:
    """As memo_filled_once.py, but the key holds `FALLBACKS // 2`: the second call leaves the memo
    as the first filled it, the third fills it again, and the other arm reads the fills. The
    second call's changes (past_record: the count only) are not all a later call moves here:
    seed 0's third MLP costs 1334, past every path's call, so the high end stays open."""
    path = FIXTURES / "memo_refilled_later.py"
    point = Point(8, 2, 100_000)
    report = analyze(path, point)
    measured = [m.total for m in measure_calls(path, point, 3, seed=0)]
    assert measured == [838, 838, 1334]
    assert report.lower_bound and all(report.total.lo <= m for m in measured)
    assert max(measured) > report.total.hi  # (the mix this is about)

