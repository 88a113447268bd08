"""The nominal number: the count on the path where no safety net fires, beside the interval.

The probes are minimal estimators from real contest code (tests/fixtures/nominal); on a
healthy MLP the real flopscope run takes the nominal path, so the nominal number must equal
its count, at every point.
"""

from __future__ import annotations

import json

from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.analyzer.render import render_text, to_json
from flopcast.model import Point
from source_lines import line_of

FIXTURES = Path(__file__).parent / "fixtures" / "nominal"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
POINTS = [Point(32, 2, 2**41), Point(16, 3, 2**41)]



@pytest.mark.parametrize("name, presumed_lines", [
    ("rescale_guard.py", ["if peak > RESCALE_AT:"]),
    ("finite_guard_prune.py", ["alive = fnp.nonzero(", "if not bool(fnp.all(fnp.isfinite(out))):"]),
    ("alpha_prune.py", ["idx = fnp.nonzero(alpha >= DEAD)[0]"]),
    ("method_guards.py", ["if not fnp.isfinite(out).all():", "if not bool(fnp.isfinite(out)[0].all()):",
                          "if fnp.isnan(out).any():"]),
    # a 1e-3 floor was a "moderate threshold": every variance presumed below it (FINDINGS-s15 corpus11 F7)
    ("small_floors.py", ["if int(fnp.count_nonzero(v < VAR_FLOOR)) > 0:", "live = fnp.nonzero(fnp.abs(mu) > PRUNE)[0]"]),
    # a 5% cut of a probability was a "moderate threshold": every unit presumed nearly always off
    ("probability_cuts.py", ["dead = v[gate < DEAD]", "live = fnp.nonzero(gate > LIVE)[0]"]),
    # a hand-written isclose was a floor: every entry presumed flagged, the rare branch taken
    ("closeness_checks.py", ["flagged = len(fnp.flatnonzero(rel > 1e-5))", "bad = fnp.nonzero(drift > 1e-2"]),
])
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_nominal_number_is_the_runtime_count_and_lies_in_the_interval(name, presumed_lines, point):
    path = FIXTURES / name
    report = analyze(path, point)
    runtime = measure(path, point).total
    assert not report.total.exact
    assert report.nominal == runtime
    assert report.total.contains(report.nominal)
    assert sorted(span.line for span, _ in report.nominal_presumes) == sorted(line_of(path, t) for t in presumed_lines)


def test_the_nominal_ends_of_the_probes_are_the_ones_no_safety_net_fires_on():
    point = POINTS[0]
    assert analyze(FIXTURES / "rescale_guard.py", point).nominal == analyze(FIXTURES / "rescale_guard.py", point).total.lo
    for name in ("finite_guard_prune.py", "alpha_prune.py"):  # nothing pruned, no fallback
        report = analyze(FIXTURES / name, point)
        assert report.nominal == report.total.hi


def test_an_exact_report_is_its_own_nominal_number():
    report = analyze(SAMPLES / "covariance_propagation.py", POINTS[0])
    assert report.total.exact and report.nominal == report.total.lo and report.nominal_presumes == []


def test_a_convergence_loop_has_no_nominal_number_and_says_which_line():
    path = SAMPLES / "intervals" / "convergence_loop.py"
    report = analyze(path, POINTS[0])
    assert report.nominal is None
    assert [span.line for span, _ in report.nominal_missing] == [line_of(path, "while err > TOL * scale")]
    assert "No nominal number" in render_text(report)


def test_an_assume_directive_overrides_a_presumption(tmp_path):
    source = (FIXTURES / "rescale_guard.py").read_text().replace(
        "if peak > RESCALE_AT:                 # value-dependent branch", "if peak > RESCALE_AT:  # flopcast: assume True")
    path = tmp_path / "estimator.py"
    path.write_text(source)
    report = analyze(path, POINTS[0])
    high = analyze(FIXTURES / "rescale_guard.py", POINTS[0]).total.hi
    assert report.total.exact and report.nominal == report.total.lo == high


@pytest.mark.parametrize("count, end", [("0", "lo"), ("mlp.width", "hi")])
def test_an_assume_count_on_a_selection_line_pins_the_selection(tmp_path, count, end):
    source = (FIXTURES / "alpha_prune.py").read_text().replace(
        "# survivors: count depends on weights", f"# flopcast: assume {count}")
    path = tmp_path / "estimator.py"
    path.write_text(source)
    pinned = analyze(path, POINTS[0])
    free = analyze(FIXTURES / "alpha_prune.py", POINTS[0])
    assert pinned.total.exact
    assert pinned.total.lo == (free.total.lo if end == "lo" else free.total.hi)


def test_json_gives_the_nominal_number_and_its_presumptions_by_line():
    path = FIXTURES / "finite_guard_prune.py"
    doc = json.loads(json.dumps(to_json(analyze(path, POINTS[0]))))
    assert doc["total"]["nominal"] == 20_455_679
    assert [(p["line"], bool(p["presumption"])) for p in doc["total"]["nominal_presumes"]] == [
        (line_of(path, "alive = fnp.nonzero("), True), (line_of(path, "if not bool(fnp.all(fnp.isfinite(out))):"), True)]
    assert all(p["col"] >= 1 for p in doc["total"]["nominal_presumes"])


def test_text_shows_the_nominal_number_first_and_the_interval_beside_it():
    text = render_text(analyze(FIXTURES / "finite_guard_prune.py", POINTS[0]))
    first, second = [line for line in text.splitlines() if line.strip()][2:4]
    assert first.startswith("Predicted FLOPs: 20,455,679 nominal")
    assert "interval [2,883,839, 20,455,679]" in second


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_sites_no_presumption_covers_but_that_cost_the_same_either_way_keep_the_nominal_number(point):
    path = FIXTURES / "neutral_sites.py"
    report = analyze(path, point)
    assert not report.total.exact
    assert report.nominal == measure(path, point).total
    neutral = sorted(span.line for span, why in report.nominal_presumes if why.endswith("every answer costs the same"))
    assert neutral == sorted(line_of(path, t) for t in ("rng = fnp.random.default_rng(", "lam = 1.0 / d2"))


def test_a_site_no_presumption_covers_whose_answers_cost_differently_leaves_no_nominal_number(tmp_path):
    source = (FIXTURES / "neutral_sites.py").read_text().replace(
        "lam = 1.0 / d2 if d2 > 0 else 1", "lam = 1.0 / d2 if d2 > 0 else fnp.exp(x)")
    path = tmp_path / "estimator.py"
    path.write_text(source)
    report = analyze(path, POINTS[0])
    assert report.nominal is None
    assert line_of(path, "lam = 1.0 / d2") in [span.line for span, _ in report.nominal_missing]


def test_a_threshold_past_floats_range_is_presumed_like_any_huge_one(tmp_path):
    """``if k < 2 ** 1100`` with k read from data: the bound is past float's range, which the
    presumption read as a float (OverflowError: an internal error on the line, and a doubling
    loop met it at every step, 100,000 times). It is presumed as any bound past HUGE is: the
    value stays below it."""
    path = tmp_path / "estimator.py"
    path.write_text(
        "import flopscope.numpy as fnp\n"
        "from whestbench import BaseEstimator\n\n\n"
        "class Estimator(BaseEstimator):\n"
        "    def predict(self, mlp, budget):\n"
        "        w = mlp.weights[0]\n"
        "        k = int(fnp.sum(w > 0.5))\n"
        "        if k < 2 ** 1100:\n"
        "            w = w @ w\n"
        "        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + w[0]\n")
    report = analyze(path, POINTS[0])
    assert not report.unpriced, report.unpriced
    assert report.nominal == measure(path, POINTS[0]).total


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_a_negated_threshold_filter_ending_a_loop_is_a_convergence_test_with_no_nominal_number(point):
    """`if not fnp.any(fnp.abs(step) > TOL): break`: the `not` kept the filter's presumption
    (the steps stay above the tolerance) but made it decide the loop's exit, so the nominal
    number was the cap's count while the run stops far earlier."""
    path = FIXTURES / "negated_filter_exit.py"
    report = analyze(path, point)
    assert report.nominal is None
    assert [span.line for span, _ in report.nominal_missing] == [line_of(path, "if not fnp.any(fnp.abs(step) > TOL):")]
    assert report.total.contains(measure(path, point).total)


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_an_allclose_of_a_mean_from_the_pass_before_is_a_convergence_test_not_a_self_check(point):
    """`if fnp.allclose(prev, cur): break` was presumed to pass at its first check, a nominal
    number two passes long while the run takes more; the retry ladder's `allclose(gram @ x, rhs)`
    (this pass's solution against the loop's inputs) stays a presumed self-check."""
    path = FIXTURES / "allclose_convergence.py"
    report = analyze(path, point)
    assert report.nominal is None
    assert [span.line for span, _ in report.nominal_missing] == [
        line_of(path, "if prev is not None and fnp.allclose(prev, cur, rtol=1e-3, atol=1e-3):")]
    assert line_of(path, "if fnp.allclose(gram @ x, rhs, rtol=1e-6, atol=1e-8):") in [
        span.line for span, _ in report.nominal_presumes]
    assert report.total.contains(measure(path, point).total)


def test_a_while_loop_tested_by_allclose_has_no_nominal_number(tmp_path):
    """`while not fnp.allclose(old, new)`: its first test compares the values the loop starts
    from, so presuming the check passes there presumed a loop that never runs."""
    path = tmp_path / "estimator.py"
    path.write_text(
        "import flopscope.numpy as fnp\n"
        "from whestbench import BaseEstimator\n\n\n"
        "class Estimator(BaseEstimator):\n"
        "    def predict(self, mlp, budget):\n"
        "        old = fnp.zeros(mlp.width)\n"
        "        new = fnp.ones(mlp.width)\n"
        "        k = 0\n"
        "        while not fnp.allclose(old, new, atol=1e-4) and k < 30:\n"
        "            old, new = new, 0.5 * (new + old)\n"
        "            k += 1\n"
        "        return fnp.stack([new] * mlp.depth)\n")
    report = analyze(path, POINTS[0])
    assert report.nominal is None
    assert report.total.contains(measure(path, POINTS[0]).total)


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_a_loop_ended_by_the_size_of_a_threshold_filtered_active_set_has_no_nominal_number(point):
    """`idx = idx[fnp.abs(step) > TOL]` then `while idx.shape[0] > 0` (or `if len(idx) == 0: break`):
    the filter's presumption (every unit stays active) decided the loop's exit through the size, so
    the nominal number was the cap's count while the run's active set empties earlier."""
    path = FIXTURES / "shrinking_active_set.py"
    report = analyze(path, point)
    assert report.nominal is None
    assert [span.line for span, _ in report.nominal_missing] == [
        line_of(path, "while idx.shape[0] > 0 and it < MAX_IT:"), line_of(path, "if len(idx) == 0:")]
    assert report.total.contains(measure(path, point).total)
