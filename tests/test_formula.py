"""The closed-form formula: fitted to the analysis, confirmed, and honest when there is none."""

from __future__ import annotations

from fractions import Fraction

from oracle import SAMPLES, measure, write_program

from flopcast.analyzer import analyze
from flopcast.analyzer.formula import evaluate, is_formula, render_polynomial
from flopcast.model import Point


def test_a_budget_branch_gives_a_piecewise_formula_in_b():
    report = analyze(SAMPLES / "budget_branching.py", Point(64, 4, 2**41), formula=True)
    assert report.formula.startswith("b ≥ ") and "; otherwise " in report.formula, report.formula


def test_each_piece_of_the_piecewise_formula_equals_the_runtime_count():
    report = analyze(SAMPLES / "budget_branching.py", Point(64, 4, 2**41), formula=True)
    threshold = evaluate(report.formula.split(" → ")[0][4:], 32, 2)
    # Above the threshold with room to run the expensive arm; just below it, the cheap arm.
    for budget in (2**41, int(threshold) - 1):
        point = Point(32, 2, budget)
        assert evaluate(report.formula, 32, 2, budget) == measure(SAMPLES / "budget_branching.py", point).total


def test_a_cost_with_no_polynomial_form_says_so_instead_of_guessing():
    report = analyze(SAMPLES / "strassen.py", Point(64, 4, 2**41), formula=True)
    assert report.formula.startswith("(no "), report.formula


def test_rendered_polynomials_evaluate_back_to_their_coefficients():
    terms = {(3, 1): Fraction(8), (2, 1): Fraction(5, 2), (1, 0): Fraction(-3), (0, 0): Fraction(7)}
    text = render_polynomial(terms)
    assert text == "8·d·w³ + (5/2)·d·w² − 3·w + 7"
    assert evaluate(text, 10, 3) == 8 * 1000 * 3 + Fraction(5, 2) * 100 * 3 - 30 + 7


def test_a_formula_opening_with_a_fraction_evaluates():
    text = render_polynomial({(3, 1): Fraction(1, 16), (2, 1): Fraction(-1, 4)})
    assert text == "(1/16)·d·w³ − (1/4)·d·w²"
    assert evaluate(text, 16, 2) == Fraction(1, 16) * 4096 * 2 - Fraction(1, 4) * 256 * 2


def test_the_reason_for_no_formula_does_not_evaluate():
    assert evaluate("(no polynomial closed form in w, d)", 16, 2) is None


def _predict_file(tmp_path, imports: str, body: str):
    """An estimator.py whose predict(self, mlp, budget) is ``body`` (indented 8 spaces)."""
    path = tmp_path / "estimator.py"
    path.write_text(imports + "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator\n\n\n"
                    "class Estimator(BaseEstimator):\n    def predict(self, mlp, budget):\n" + body)
    return path


def _exact_with_formula(path, point: Point):
    """The analysis of ``path`` at ``point``: exact, equal to flopscope's count, with a formula."""
    report = analyze(path, point, formula=True)
    assert report.total.exact and report.total.lo == measure(path, point).total
    assert report.formula is not None and is_formula(report.formula), report.formula
    return report


def test_a_comparison_with_infinity_is_no_budget_threshold(tmp_path):
    # A planner's "best so far" starts at math.inf; inf doubles to itself, which once read
    # as a threshold k·b with k infinite and crashed the fit.
    path = _predict_file(tmp_path, "import math\n",
                         "        x = fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)\n"
                         "        if math.inf > 5:\n            x = fnp.exp(x)\n"
                         "        if budget > 2**30:\n            x = fnp.tanh(x)\n        return x\n")
    _exact_with_formula(path, Point(32, 2, 2**41))


def test_a_grid_whose_fresh_point_has_no_exact_cost_is_not_analysed():
    from flopcast.analyzer.formula import Grid, fit_keyed

    asked = []

    def sample(w, d):  # w·d everywhere but at (9, 9), which has no exact cost (paths, say)
        asked.append((w, d))
        return None if (w, d) == (9, 9) else {"total": w * d}

    small = Grid((1, 2), (1, 2), fresh=((9, 9),))
    wider = Grid((1, 2, 3), (1, 2, 4), fresh=((9, 9),))
    assert fit_keyed([small, wider], sample, ["total"]) == {}
    assert sorted(asked) == sorted(small.points + [(9, 9)])
    assert fit_keyed([small, Grid((1, 2, 3), (1, 2), fresh=((5, 5),))], sample, ["total"]) == {"total": "d·w"}


def test_the_fit_gives_up_after_a_counted_amount_of_work_not_of_time(monkeypatch):
    # Counted, so a slower machine prints the same formulas: with no work allowed past the
    # first re-analysis, every machine gives up at the same place.
    from flopcast.analyzer import formula

    monkeypatch.setattr(formula, "FIT_WORK", 0)
    report = analyze(SAMPLES / "mean_propagation.py", Point(64, 2, 2**41), formula=True)
    assert report.formula == "(no formula: fitting it needs more than 0 steps of re-analysis)"


def test_the_fit_gives_the_same_formula_on_a_machine_whose_clock_runs_fast(monkeypatch):
    # A slower or busier machine spends more CPU seconds on the same fit: nothing timed may change
    # its text. Every read of the CPU clock here is 20 s past the last (a 15 CPU-second cap gave up).
    import time

    point = Point(64, 2, 2**41)
    steady = analyze(SAMPLES / "mean_propagation.py", point, formula=True).formula
    clock = iter(range(0, 10**9, 20))
    monkeypatch.setattr(time, "process_time", lambda: float(next(clock)))
    assert analyze(SAMPLES / "mean_propagation.py", point, formula=True).formula == steady
    assert not steady.startswith("(no ")


def test_the_fits_last_guard_counts_the_paths_its_analyses_run(monkeypatch):
    # What FIT_WORK does not see (pricing, path finding) grows with the paths run: the guard counts
    # them, so every machine gives up at the same place. mean_propagation's fit runs 10 paths.
    from flopcast.analyzer import formula

    point = Point(64, 2, 2**41)
    monkeypatch.setattr(formula, "FIT_RUNS", 3)
    report = analyze(SAMPLES / "mean_propagation.py", point, formula=True)
    assert report.formula == "(no formula: fitting it runs more than 3 paths of re-analysis)"
    monkeypatch.setattr(formula, "FIT_RUNS", 10)
    assert not analyze(SAMPLES / "mean_propagation.py", point, formula=True).formula.startswith("(no ")


def test_the_grid_inverse_is_the_design_matrix_inverse():
    # _inverse builds the inverse from the widths' and the depths' Vandermonde inverses (the design
    # matrix is their Kronecker product): it must equal the design matrix's own exact inverse.
    from flopcast.analyzer.formula import SMALL_GRIDS, Grid, _inverse, invert_exact

    grids = list(SMALL_GRIDS) + [Grid.around(Point(1024, 16, 2**41), 4, 2), Grid((3, 5), (7, 2, 4), fresh=())]
    for grid in grids:
        design = [[Fraction(w) ** i * Fraction(d) ** j for i, j in grid.monomials] for w, d in grid.points]
        assert _inverse(grid) == invert_exact(design), grid
    assert _inverse(Grid((16, 16, 24), (2, 3), fresh=())) is None  # a repeated width: singular


def test_a_key_fitted_on_one_grid_is_not_sampled_on_the_next():
    # A keyed sample prices each key apart (a fix's rewrite analysis): the second grid's new
    # points are asked only for the keys the first grid did not fit, and the answers are the same.
    from flopcast.analyzer.formula import Grid, fit_keyed

    asked = []
    costs = {"per_layer": lambda w, d: w * d, "quadratic": lambda w, d: w * d * d}

    def keyed(w, d, keys):
        asked.append(((w, d), tuple(keys)))
        return {k: costs[k](w, d) for k in keys}

    grids = [Grid((1, 2), (1, 2), fresh=((5, 5),)), Grid((1, 2), (1, 2, 4), fresh=((5, 5),))]
    found = fit_keyed(grids, None, ["per_layer", "quadratic"], keyed=keyed)
    assert found == {"per_layer": "d·w", "quadratic": "d²·w"}
    assert sorted(asked) == sorted([((w, d), ("per_layer", "quadratic")) for w, d in grids[0].points + [(5, 5)]]
                                   + [((w, 4), ("quadratic",)) for w in (1, 2)])


def test_a_key_a_known_cost_refutes_is_not_priced_at_the_fresh_point():
    # The costs known already (the saving at the analysed point) are checked before the fresh
    # point is analysed: a key they refute is not asked for there, and when none is left the
    # fresh point is not analysed at all. The formulas are the ones every check passing gives.
    from flopcast.analyzer.formula import Grid, fit_keyed

    asked = []
    costs = {"per_layer": lambda w, d: w * d, "jumps": lambda w, d: w * d if w < 7 else w * d + 1}

    def keyed(w, d, keys):
        asked.append(((w, d), tuple(keys)))
        return {k: costs[k](w, d) for k in keys}

    grids = [Grid((1, 2), (1, 2), fresh=((5, 5),)), Grid((1, 2), (1, 2, 4), fresh=((5, 5),))]
    known = [((7, 7), {k: cost(7, 7) for k, cost in costs.items()})]
    assert fit_keyed(grids, None, list(costs), known=known, keyed=keyed) == {"per_layer": "d·w"}
    assert [keys for at, keys in asked if at == (5, 5)] == [("per_layer",)]
    asked.clear()
    assert fit_keyed(grids, None, ["jumps"], known=known, keyed=keyed) == {}
    assert (5, 5) not in [at for at, _ in asked]


def test_a_key_no_integer_costs_left_can_fit_to_its_known_cost_is_not_priced_at_them():
    # On the bilinear grid (1, 2) x (1, 2) the polynomial's value at (7, 7) weighs the costs at
    # (1, 1), (1, 2), (2, 1), (2, 2) by 25, -30, -30, 36: once (1, 1) costs 1, a known cost of 50
    # needs -30·a - 30·b + 36·c = 25 of the integers left, and 6 does not divide 25.
    from flopcast.analyzer.formula import Grid, fit_keyed

    asked = []
    costs = {"per_layer": lambda w, d: w * d, "jumps": lambda w, d: w * d if w < 7 else w * d + 1}

    def keyed(w, d, keys):
        asked.append(((w, d), tuple(keys)))
        return {k: costs[k](w, d) for k in keys}

    grid = Grid((1, 2), (1, 2), fresh=((5, 5),))
    known = [((7, 7), {k: cost(7, 7) for k, cost in costs.items()})]
    assert fit_keyed([grid], None, list(costs), known=known, keyed=keyed) == {"per_layer": "d·w"}
    assert [at for at, keys in asked if "jumps" in keys] == [(1, 1)]
    asked.clear()
    assert fit_keyed([grid], None, ["jumps"], known=known, keyed=keyed) == {}
    assert [at for at, _ in asked] == [(1, 1)]


def test_leaving_out_the_keys_no_integer_costs_can_fit_changes_no_formula():
    # The formulas with the known costs checked (and keys left out early) are those fitted
    # without them whose polynomial gives the known costs: polynomials of the grid's degrees,
    # each also with one grid point's cost off by one, against known costs met and missed.
    import itertools

    from flopcast.analyzer.formula import Grid, evaluate, fit_keyed

    grid = Grid((1, 2, 4), (1, 3), fresh=((5, 2),))
    points = grid.points + list(grid.fresh)
    monomials = [(i, j) for i in range(3) for j in range(2)]
    tables = {}
    for n, coeffs in enumerate(itertools.product((0, 1, -2), (0, 3), (0, 1), (0, -1), (0, 2), (0, 1))):
        poly = {(w, d): sum(c * w ** i * d ** j for c, (i, j) in zip(coeffs, monomials)) for w, d in points}
        tables[f"poly{n}"] = poly
        tables[f"off{n}"] = {p: v + (p == grid.points[n % len(grid.points)]) for p, v in poly.items()}
    plain = fit_keyed([grid], lambda w, d: {k: t[(w, d)] for k, t in tables.items()}, list(tables))
    assert len(plain) > len(tables) // 3
    for at, shift in (((9, 4), 0), ((9, 4), 1), ((12, 7), 2)):
        values = {k: evaluate(f, *at) for k, f in plain.items()}
        known = {k: int(values[k]) + shift if k in plain else 3 for k in tables}
        found = fit_keyed([grid], None, list(tables), known=[(at, known)],
                          keyed=lambda w, d, keys: {k: tables[k][(w, d)] for k in keys})
        assert found == {k: f for k, f in plain.items() if values[k] == known[k]}, (at, shift)


def _fits(path, point, limits, monkeypatch, stop: bool) -> tuple[list, int]:
    """The formula at each FIT_WORK of ``limits`` (analyses stopped at the limit, or never), and how
    many analyses were stopped."""
    from flopcast.analyzer import api, formula
    from flopcast.analyzer.interpreter import WorkOut

    stopped = []
    real_run_point = api.run_point

    def run_point(*args, **kwargs):
        try:
            return real_run_point(*args, **kwargs)
        except WorkOut:
            stopped.append(args[2])
            raise

    with monkeypatch.context() as m:
        m.setattr(api, "run_point", run_point)
        if not stop:
            m.setattr(formula, "_given_up", lambda runs, asked: False)
        texts = []
        for limit in limits:
            m.setattr(formula, "FIT_WORK", limit)
            texts.append(analyze(path, point, formula=True).formula)
    return texts, len(stopped)


def test_an_analysis_stopped_at_the_fits_limit_changes_no_formula(monkeypatch):
    # The fit stops an analysis once its work passes what FIT_WORK leaves, when whatever it would
    # answer the fit asks for another (and so gives up): at every limit, the text of a fit that
    # makes each analysis whole. Budget_branching's fit is piecewise (its threshold and both sides
    # each fitted on a grid), mean_propagation's one polynomial: limits across their whole fits.
    from flopcast.analyzer import counters

    for name, point, limits in (("mean_propagation.py", Point(64, 2, 2**41), range(0, 620, 41)),
                                ("budget_branching.py", Point(64, 4, 2**41), range(0, 1900, 113))):
        stopping, stops = _fits(SAMPLES / name, point, limits, monkeypatch, stop=True)
        whole, none = _fits(SAMPLES / name, point, limits, monkeypatch, stop=False)
        assert stopping == whole, name
        assert stops > 0 and none == 0, name  # else this test proves nothing
        assert len(set(whole)) > 1, name  # the limits reach past the fit's whole work
        # A stopped run leaves no loop or counter watch behind (their finally clauses ran).
        assert counters._ACTIVE is None and not counters._ONE.locked()


def test_a_stopped_analysis_leaves_the_futile_keys_as_they_were(monkeypatch):
    # The table of functions whose calls are never recorded steers which calls are keyed, so the
    # work of later analyses: a stopped run must leave it as it found it.
    from flopcast.analyzer import api
    from flopcast.analyzer.futile import futility
    from flopcast.analyzer.interpreter import WorkOut
    from flopcast.analyzer.program import estimator_class, load_program

    program = load_program(SAMPLES / "budget_branching.py")
    cls = estimator_class(program, None)
    api.run_point(program, cls, Point(48, 3, 2**41), True)
    before = futility(program).snapshot()
    try:
        api.run_point(program, cls, Point(64, 4, 2**41), True, meter=api.WorkMeter(5))
    except WorkOut:
        pass
    else:
        raise AssertionError("the run was not stopped")
    assert futility(program).snapshot() == before
    meter = api.WorkMeter(10**9)
    api.run_point(program, cls, Point(64, 4, 2**41), True, meter=meter)
    assert futility(program).snapshot() != before and meter.spent > 5


def test_a_piecewise_formula_gives_the_points_own_total_at_the_point(tmp_path):
    # Two thresholds in b: the fit's pieces are fitted at the first one's sides, where the second
    # arm never runs; at the point (above both) such a formula said only the first arm's cost
    # (flag_portfolio printed one whose part at its point was 1,052,960 of 136,080,648).
    path = _predict_file(tmp_path, "",
                         "        x = fnp.zeros((mlp.width,), dtype=fnp.float32)\n"
                         "        if budget >= 100 * mlp.width * mlp.depth:\n            x = fnp.exp(x)\n"
                         "        if budget >= 10000 * mlp.width * mlp.depth:\n"
                         "            x = fnp.tanh(x) + fnp.exp(x)\n"
                         "        return fnp.stack([x] * mlp.depth)\n")
    for point in (Point(32, 2, 2**41), Point(48, 3, 2**41)):
        report = _exact_with_formula(path, point)
        assert evaluate(report.formula, point.width, point.depth, point.budget) == report.total.lo, report.formula


def test_a_saving_quadratic_in_w_is_fitted_without_the_cubic_grids_widest_points():
    # Most savings are a matrix's worth per layer: the first small grid (degree 2 in w) fits them
    # and the widest width is never analysed; a cubic saving goes on to the next grid, whose other
    # points are the ones analysed already, and gets its formula there.
    from flopcast.analyzer.formula import SMALL_GRIDS, fit_keyed

    costs = {"quadratic": lambda w, d: 3 * d * w * w + w, "cubic": lambda w, d: d * w ** 3}
    for key, cost in costs.items():
        asked = []

        def keyed(w, d, keys):
            asked.append((w, d))
            return {k: costs[k](w, d) for k in keys}

        found = fit_keyed(SMALL_GRIDS, None, [key], known=[((1024, 16), {key: cost(1024, 16)})], keyed=keyed)
        assert found == {"quadratic": {key: "3·d·w² + w"}, "cubic": {key: "d·w³"}}[key]
        widest = max(w for grid in SMALL_GRIDS for w in grid.widths)
        assert (widest in {w for w, _ in asked}) == (key == "cubic")
        assert len(asked) == len(set(asked))  # no point is analysed twice


def test_each_small_grid_s_points_are_the_next_one_s():
    # (what makes a grid that cannot fit a number cost no analysis beyond the next grid's)
    from flopcast.analyzer.formula import SMALL_GRIDS

    for first, then in zip(SMALL_GRIDS, SMALL_GRIDS[1:]):
        assert set(first.points) <= set(then.points) and set(first.fresh) <= set(then.fresh)


_SUM_PER_LAYER = '''
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        z = fnp.ones(mlp.width)
        return fnp.stack([fnp.ones(mlp.width) + fnp.sum(z) for w in mlp.weights])
'''


def test_a_formula_printed_at_width_one_gives_that_point_s_count(tmp_path):
    # The grids start at width 2; a sum of one element costs 1, not w - 1 = 0, so the polynomial
    # through widths 2, 3, ... missed the count at width 1 (mro_stages 1x1: 158 printed, 160 run).
    path = write_program(tmp_path, _SUM_PER_LAYER)
    point = Point(1, 1, 2**41)
    report = analyze(path, point, formula=True)
    if is_formula(report.formula):
        assert evaluate(report.formula, 1, 1) == measure(path, point).total, report.formula
