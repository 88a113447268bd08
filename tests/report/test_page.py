"""What the page says, checked against the analysis it shows (the data model, no browser)."""

from __future__ import annotations

from flopcast.analyzer import analyze, rollup
from flopcast.check.fit import fit
from flopcast.model import Point
from flopcast.report.gather import gather
from flopcast.report.page import HEAT_LEVELS, chart_view, heat

from .pages import CURVE_SECONDS, SAMPLES, SMALL, gathered, line, line_of, page


def test_every_line_shows_the_flops_executions_and_share_the_analysis_gives_it():
    report = analyze(SAMPLES / "covariance_propagation.py", SMALL)
    p = page("covariance_propagation.py")
    shown = {(f.path, l.number): l for f in p.files for l in f.lines if l.ops}
    expected = {lc.line: lc for lc in rollup.by_line(report) if not lc.path.startswith("<")}
    assert {n for _, n in shown} == set(expected)
    for (_, n), l in shown.items():
        assert l.flops == expected[n].flops
        assert abs(l.share - 100 * expected[n].flops / report.total.hi) < 1e-9
    loop_line = line(p, "covariance_propagation.py", line_of(SAMPLES / "covariance_propagation.py", "cov_pre = w.T"))
    assert loop_line.executions == SMALL.depth


def test_the_header_states_the_total_share_status_formula_point_and_versions():
    report = analyze(SAMPLES / "covariance_propagation.py", SMALL, formula=True)
    h = page("covariance_propagation.py").header
    assert h.total == f"{report.total.hi:,}"
    assert h.kind == "exact"
    assert h.formula == report.formula and h.formula.startswith("8·d·w³")
    assert "32x2" in h.point and f"{SMALL.budget:,}" in h.point
    assert report.flopscope_version in h.versions and report.whestbench_version in h.versions


def test_the_hottest_line_gets_the_hottest_level_and_each_decade_below_one_level_less():
    assert heat(1000, 1000) == HEAT_LEVELS
    assert heat(101, 1000) == HEAT_LEVELS
    assert heat(100, 1000) == HEAT_LEVELS - 1
    assert heat(1, 10**20) == 1
    assert heat(0, 1000) == 0
    p = page("covariance_propagation.py")
    hottest = max((l for f in p.files for l in f.lines), key=lambda l: l.flops)
    assert hottest.heat == HEAT_LEVELS
    assert "cov_pre = w.T @ cov @ w" in hottest.html.striptags()


def test_hovering_data_lists_each_op_with_billed_dtype_weight_rate_and_formula():
    p = page("covariance_propagation.py")
    hot = max((l for f in p.files for l in f.lines), key=lambda l: l.flops)
    matmul = next(o for o in hot.ops if o.op == "matmul")
    assert matmul.billed == "float64"
    assert matmul.weight.startswith("×") and "float64: ×" in matmul.rate
    assert matmul.executions == SMALL.depth
    assert hot.formula is not None and "w³" in hot.formula


def test_sibling_modules_are_shown_with_their_costs():
    p = page("folder_submission")
    paths = [f.path for f in p.files]
    assert paths[0].endswith("estimator.py") and any(x.endswith("helpers.py") for x in paths)
    helpers = next(f for f in p.files if f.path.endswith("helpers.py"))
    assert helpers.flops > 0
    assert sum(f.flops for f in p.files) + _scorer_cast(p) == analyze(SAMPLES / "folder_submission", SMALL).total.hi


def _scorer_cast(p) -> int:
    return next((o.flops for o in p.ops if o.op == "asarray"), 0) if p.header.scorer_cast else 0


def test_functions_nest_by_the_call_graph_with_own_and_inclusive_costs():
    p = page("folder_submission")
    (predict,) = p.functions
    assert predict.qualname == "Estimator.predict"
    (layer,) = predict.children
    assert layer.qualname == "layer" and [c.qualname for c in layer.children] == ["relu_moments"]
    assert layer.inclusive == layer.own + layer.children[0].inclusive
    assert layer.link is not None and layer.link.startswith("f1-L")
    assert "Estimator.setup" in [n.qualname for n in p.unreached]


def test_the_op_table_matches_the_analysis_per_op():
    report = analyze(SAMPLES / "covariance_propagation.py", SMALL)
    rows = {o.op: o for o in page("covariance_propagation.py").ops}
    for o in rollup.by_op(report):
        assert (rows[o.op].count, rows[o.op].flops) == (o.calls, o.flops)
        assert rows[o.op].dtypes == (", ".join(sorted(o.dtypes)) or "—")


def test_check_findings_are_listed_and_link_to_their_lines():
    p = page("covariance_propagation.py")
    assert p.findings, "the float64 sample has float64-leak findings"
    for item in p.findings:
        assert item.code.startswith("FC") and item.link is not None
        file_index, number = item.link[1:].split("-L")
        target = p.files[int(file_index)].lines[int(number) - 1]
        assert any(m.kind == "finding" and item.code in m.label for m in target.marks)


def test_value_dependent_sites_and_path_dependent_lines_are_marked():
    sample = SAMPLES / "intervals" / "covariance_rescale.py"
    p = page("intervals/covariance_rescale.py")
    assert p.header.kind == "interval"
    site = line(p, "covariance_rescale.py", line_of(sample, "if float(fnp.max"))
    assert [m.symbol for m in site.marks if m.kind == "values"] == ["≈"]
    rescale = line(p, "covariance_rescale.py", line_of(sample, "cov = cov / fnp.outer"))
    assert any(m.kind == "paths" for m in rescale.marks)


def test_unpriced_ops_are_marked_and_make_the_header_a_lower_bound():
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "runtime" / "fixtures" / "unmodelled"
    # The header and the marks are the report's at the point: the curves' analyses (5 s) are not looked at.
    g = gathered_path(fixture, curve_seconds=0.0)
    from flopcast.report.page import build_page

    p = build_page(g)
    assert p.header.kind == "lower" and p.header.total.startswith("≥ ")
    marked = [l for f in p.files for l in f.lines if any(m.kind == "unpriced" for m in l.marks)]
    assert marked and all("gradient" in m.label for l in marked for m in l.marks if m.kind == "unpriced")


def gathered_path(path, curve_seconds: float = CURVE_SECONDS):
    return gather(str(path), SMALL, curve_seconds=curve_seconds)


def test_curve_points_are_real_analyses_and_include_the_analysed_point():
    g = gathered("covariance_propagation.py")
    width, depth = g.curves
    assert (width.axis, width.fixed, depth.axis, depth.fixed) == ("width", SMALL.depth, "depth", SMALL.width)
    for curve in (width, depth):
        assert curve.analysed in [p.value for p in curve.points]
        for p in curve.points:
            w, d = (p.value, curve.fixed) if curve.axis == "width" else (curve.fixed, p.value)
            assert p.total == analyze(SAMPLES / "covariance_propagation.py", Point(w, d, SMALL.budget)).total


def test_the_fit_marks_agree_with_flopcast_fit():
    g = gathered("covariance_propagation.py")
    for curve in g.curves:
        expected = fit(str(SAMPLES / "covariance_propagation.py"), curve.axis, SMALL)
        assert curve.fit is not None and curve.fit.confirmed
        assert curve.fit.value == expected.value
        assert {curve.fit.value, curve.fit.value + 1} <= {p.value for p in curve.points}


def test_an_interval_cost_is_kept_as_an_interval_on_the_curves():
    g = gathered("intervals/covariance_rescale.py")
    assert all(not p.total.exact for c in g.curves for p in c.points)


def test_the_interval_is_drawn_as_a_band_and_an_exact_cost_as_a_line_only():
    from flopcast.report.charts import chart_svg

    interval = gathered("intervals/covariance_rescale.py").curves[0]
    exact = gathered("covariance_propagation.py").curves[0]
    assert 'id="width-band"' in chart_svg(interval)
    assert 'id="width-band"' not in chart_svg(exact) and 'id="width-budget"' in chart_svg(exact)


def test_source_text_that_looks_like_html_is_shown_as_text(tmp_path):
    from flopcast.report.page import build_page
    from flopcast.report.render import render_html

    hostile = (SAMPLES / "mean_propagation.py").read_text() + '\nNOTE = "</script><script>alert(1)</script>"\n'
    (tmp_path / "estimator.py").write_text(hostile)
    html = render_html(build_page(gathered_path(tmp_path / "estimator.py")))
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    assert html.count("<script>") == 1


def test_with_no_time_for_the_curves_the_page_plots_only_its_point_and_says_the_fit_is_unconfirmed():
    g = gather(str(SAMPLES / "covariance_propagation.py"), SMALL, curve_seconds=0.0)
    for curve in g.curves:
        assert [p.value for p in curve.points] == [curve.analysed] and curve.skipped > 0
        assert curve.fit is not None and curve.fit.from_formula and not curve.fit.confirmed
        assert "not confirmed by analysis in the time the page allows" in chart_view(curve, None, "estimator.py").fit
