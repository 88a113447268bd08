"""`--calibrate`: decisions observed at a small point, replayed at larger ones, against flopscope.

The calibrated prediction must equal the real count wherever the decisions do not change
with size (guards, rescales, fixed-iteration loops), and lie inside the sound interval
always. Each comparison prints its error, so the test output shows how close it is.
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import asdict
from pathlib import Path

import pytest

from flopcast.analyzer import analyze
from flopcast.model import Point
from flopcast.runtime.calibrate import CalibrationError, calibrate
from flopcast.runtime.isolate import run_isolated
from flopcast.runtime.observe import WatchSite
from flopcast.runtime.protocol import RunRequest

from .helpers import ROOT

sys.path.insert(0, str(ROOT / "tests"))
from corpus_runs import corpus_path, runtime, same_worker, static  # noqa: E402
from oracle import measure  # noqa: E402

BUDGET = 2**41
TARGETS = (Point(64, 4, BUDGET), Point(96, 3, BUDGET))
#: Samples whose value-dependent decisions are the same at every size: calibration is exact.
STABLE = sorted((ROOT / "samples" / "intervals").glob("*.py"))


def _estimators(folder: Path) -> list[Path]:
    return sorted(p if p.is_file() else p / "estimator.py" for p in folder.iterdir()
                  if p.suffix == ".py" or (p / "estimator.py").is_file())


def _error(calibrated: int, real: int) -> str:
    return f"calibrated {calibrated:,} vs real {real:,} ({100.0 * (calibrated - real) / real:+.3f}%)"


@pytest.mark.parametrize("path", STABLE, ids=lambda p: p.name)
@pytest.mark.parametrize("target", TARGETS, ids=lambda p: f"{p.width}x{p.depth}")
def test_calibration_is_exact_where_decisions_do_not_change_with_size(path, target):
    report = analyze(path, target)
    assert not report.total.exact, "an interval sample must have value-dependent sites"
    calibration = calibrate(path, report, size=(32, 2))
    real = measure(path, target).total
    print(f"{path.name} at {target.width}x{target.depth}: {_error(calibration.total, real)}")
    assert report.total.lo <= calibration.total <= report.total.hi
    assert calibration.total == real


#: The corpus files whose values are read only by safety nets ("guarded" points, no "interval"
#: one) that are calibrated: one in three (session 48; all 52 were a third of this test's 141 s).
#: Calibration matters where the work's decisions depend on data, so files with "interval"
#: points are chosen apart (INTERVAL_UNCALIBRATED), and every file with calibration_misses stays; a safety net answers alike at every
#: size far more often. These 18 were chosen to cover the kinds of net the 52 have, the cheaper
#: file where two cover the same kind: isfinite nets on arrays (winograd_cov, bootstrap_quantiles'
#: isnan().any()) and on Python floats (shrunk_gram, batched_blocks' all(map(math.isfinite, ...)));
#: cholesky/solve ladders (mc_ladder), cholesky jitter in try/except (unscented_ladder), the
#: cholesky -> eigh -> svd rescue (rescue_ladder), pinv/lstsq rungs (slot_solvers, block_head), the
#: nets of operator-overloaded Gauss objects (gauss_algebra); rescales past a peak (winograd_cov,
#: chain_planner, block_strassen's walrus); pruning's nonzero active sets (active_block,
#: memo_ensemble); slogdet and eig's sign or dtype (plan_registry, winograd_padded, eig_head); a read
#: of the environment (traced_kit).
GUARDED_CALIBRATED = frozenset({
    "winograd_cov", "bootstrap_quantiles", "shrunk_gram", "batched_blocks", "mc_ladder", "unscented_ladder",
    "rescue_ladder", "slot_solvers", "block_head", "gauss_algebra", "chain_planner", "block_strassen",
    "active_block", "memo_ensemble", "plan_registry", "winograd_padded", "eig_head", "traced_kit",
})

#: The corpus files with "interval" points that are NOT calibrated (session 48: 26 of 67, ~48 s of
#: session 47's run). The 67 were grouped by the kinds of their data_sites lines (convergence
#: `while` loops; active sets: nonzero, argsort, argpartition, masks, where; data branches: `if`
#: and conditional expressions; `for` loops over data; other reads, e.g. a walrus or a
#: generator's send), and of each group the cheaper half (by session 47's per-test seconds) is
#: calibrated, with every group of one and every file with calibration_misses: each combination
#: of kinds of data site is still calibrated from its small point in at least one file. A file
#: whose small run exhausts its budget (the test skips: topk_split, mask_cascade, fourier_power)
#: proves nothing here, so the next cheapest of its group stands in for it.
INTERVAL_UNCALIBRATED = frozenset({
    "block_arnoldi", "cached_sampler", "fourier_power", "gain_pipeline", "hashed_spectrum", "kept_features",
    "lanczos_gram", "lowrank_ledger", "mask_cascade", "mask_ledger", "mc_welford", "moment_algebra",
    "nystrom_operators", "pair_sampler", "phase_sketch", "plugin_stages", "quant_head", "quantile_gram",
    "sketch_reduce", "solve_ladder", "strassen_levels", "switch_planner", "tolerance_loops", "topk_split",
    "twin_gram", "twin_ledger",
})


def _corpus_targets() -> list:
    """Per corpus file that reads values (of those reading them only in safety nets, the ones in
    GUARDED_CALIBRATED; of those with "interval" points, the ones not in INTERVAL_UNCALIBRATED): the smallest shape of the corpus table, to calibrate at,
    and the file's largest value-reading point there (chosen so that every arm runs and the
    real run is quick) as the target, with its kind. One target per file: a second one doubled
    these tests' share of the suite (4 of its 22 minutes) for a point of the same file."""
    from realistic.test_corpus import CORPUS

    def size(p):
        return p[0] * p[0] * p[1], p[2]

    out = []
    for name, entry in CORPUS.items():
        smallest = min(entry.points, key=size)[:2]
        # (a "lower" point's report is a lower bound: no interval to calibrate within)
        larger = [p for p in entry.points if p[3] not in ("exact", "lower") and size(p)[0] > smallest[0] ** 2 * smallest[1]]
        if entry.xfail or not larger:
            continue
        guarded_only = all(p[3] not in ("interval", "lower") for p in entry.points)
        if guarded_only and not entry.calibration_misses and name not in GUARDED_CALIBRATED:
            continue
        if not guarded_only and name in INTERVAL_UNCALIBRATED:
            continue
        for w, d, b, kind in sorted(larger, key=size)[-1:]:
            # A data branch whose answer changes with the size is replayed as the small run saw it
            # and not marked approximate: a known gap of calibration (README), kept as a strict xfail.
            miss = entry.calibration_misses.get((w, d, b))
            marks = [pytest.mark.xfail(strict=True, reason=miss)] if miss else []
            out.append(pytest.param(name, smallest, Point(w, d, b), kind, marks=[*marks, same_worker(name)],
                                    id=f"{name}-{w}x{d}-b{b:.0e}"))
    return out


@pytest.mark.parametrize("name,small,target,kind", _corpus_targets())
def test_calibration_of_the_corpus_at_its_largest_point(name, small, target, kind):
    """Calibrated at the file's smallest point: inside the sound interval always, and equal to the
    real count whenever every site was replayed exactly (none marked approximate), as it is
    where only safety nets read values and the small run reaches them."""
    # The corpus test's analysis and run of this very point: made once per worker, and most
    # often made there already by tests/realistic/test_corpus.py (collected earlier).
    path = corpus_path(name)
    report = static(name, target.width, target.depth, target.budget)
    try:
        calibration = calibrate(path, report, size=small)
    except CalibrationError as exc:
        # The small run's budget is the target's scaled by w²·d; at the corpus's small budgets
        # it can run out (docs/calibrate.md, "Not yet"): calibration refuses, as it must.
        pytest.skip(f"the small run failed: {exc}")
    real = runtime(name, target.width, target.depth, target.budget).total
    print(f"{path.name} from {small[0]}x{small[1]} at {target.width}x{target.depth} ({kind}): "
          f"{_error(calibration.total, real)}; "
          f"interval [{report.total.lo:,}, {report.total.hi:,}]; "
          f"{sum(s.approximate for s in calibration.sites)} of {len(calibration.sites)} sites approximate")
    assert report.total.lo <= calibration.total <= report.total.hi
    approximate = [s for s in calibration.sites if s.approximate]
    if not approximate:
        assert calibration.total == real


def test_watching_the_sites_changes_no_charge():
    path = ROOT / "samples" / "intervals" / "covariance_rescale.py"
    report = analyze(path, Point(32, 2, BUDGET))
    watch = tuple(asdict(WatchSite(u.span.path, u.span.line, u.span.col, u.span.end_line, u.span.end_col, u.kind))
                  for u in report.uncertain)
    assert watch
    plain = run_isolated(RunRequest(str(path), 32, 2, BUDGET), timeout=120)
    watched = run_isolated(RunRequest(str(path), 32, 2, BUDGET, watch=watch), timeout=120)
    assert plain.ok and watched.ok
    assert watched.flops_used == plain.flops_used
    assert [(c.span, c.op, c.flops) for c in watched.charges] == [(c.span, c.op, c.flops) for c in plain.charges]
    assert watched.observations and all(watched.observations)


def test_a_failing_small_run_is_refused_with_the_error_and_its_line(tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(
        "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
        "class Estimator(BaseEstimator):\n"
        "    def predict(self, mlp, budget):\n"
        "        h = fnp.ones(mlp.width)\n"
        "        if float(fnp.sum(h)) < 100:\n"
        "            raise ValueError('too small to be useful')\n"
        "        return fnp.zeros((mlp.depth, mlp.width))\n"
    )
    report = analyze(path, Point(128, 2, BUDGET))
    with pytest.raises(CalibrationError) as caught:
        calibrate(path, report, size=(32, 2))
    message = str(caught.value)
    assert "ValueError: too small to be useful" in message
    assert f"{path}:9" in message


@pytest.mark.parametrize("target", TARGETS, ids=lambda p: p.label())
def test_a_value_dependent_takewhile_is_replayed_approximately_not_broken(tmp_path, target):
    """The site of `itertools.takewhile(pred, items)` names the call making the iterator, not a
    condition: wrapped as one, the run got a bool for its iterator ("'bool' object is not
    iterable", circulant_refine at 8x2). It is left unwatched, and the replay says so."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import itertools
        from collections import deque

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                def steps(h):
                    for w in mlp.weights:
                        h = fnp.tanh(h @ w)
                        yield h
                kept = deque(itertools.takewhile(lambda a: float(fnp.max(a)) < 0.5,
                                                 steps(fnp.ones(mlp.width))), maxlen=1)
                return fnp.zeros((mlp.depth, mlp.width)) + (kept[0] if kept else 0.0)
        """))
    report = analyze(path, target)
    calibration = calibrate(path, report, size=(16, 2))
    taken = [s for s in calibration.sites if s.kind == "branch"]
    assert taken and all(s.approximate for s in taken), calibration.sites
    assert report.total.lo <= calibration.total <= report.total.hi
    assert report.total.lo <= measure(path, target).total <= report.total.hi


def test_a_watched_site_in_a_match_pattern_leaves_the_pattern_valid():
    """Patterns admit only literals and names: the observation leaves them as written (the
    run used to fail to load with "patterns may only match literals and attribute lookups")."""
    from flopcast.runtime.observe import instrument

    source = "import math\n\ndef f(k):\n    match k:\n        case math.pi:\n            return 1\n    return 0\n"
    site = WatchSite("est.py", 5, 13, 5, 20, "branch")
    code = instrument(source, "est.py", [site])
    namespace: dict = {}
    exec(code, namespace)
    assert namespace["f"](0) == 0


def test_a_replayed_total_outside_the_sound_interval_is_clamped_and_flagged():
    """A replay can follow a path no run at the target takes (active_threshold at 16x2, budget 6e4:
    the 8x2 run's trip counts make 461,488 against the interval's 59,400): the calibrated total is
    then the interval's nearest end, with the path's own total kept and said in the text."""
    from flopcast.analyzer.render import render_text
    from flopcast.model import Calibration, Interval, Report
    from flopcast.runtime.calibrate import within

    point = Point(16, 2, 60_000)
    above = within(Calibration(461_488, Point(8, 2, 15_000), 0, 1.0), Interval(16_348, 59_400))
    assert (above.total, above.replayed) == (59_400, 461_488)
    below = within(Calibration(10, Point(8, 2, 15_000), 0, 1.0), Interval(16_348, 59_400))
    assert (below.total, below.replayed) == (16_348, 10)
    inside = within(Calibration(20_000, Point(8, 2, 15_000), 0, 1.0), Interval(16_348, 59_400))
    assert (inside.total, inside.replayed) == (20_000, None)
    report = Report("estimator.py", point, Interval(16_348, 59_400), calibration=above)
    assert "the replayed path costs 461,488, above the interval" in render_text(report)
