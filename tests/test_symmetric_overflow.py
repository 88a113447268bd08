"""A symmetric product that may overflow: flopscope tags it unsymmetric when it holds an inf or NaN.

flopscope checks a symmetric contraction's values before it stamps the tag and skips both when
the result is not finite (``_validate_result_symmetry``), so an op on an overflowed ``s @ s`` costs
the unsymmetric price. flopcast knows no values: where the operands were scaled past the data's
own magnitude by a known number (``w * 1e12``) the count still prices the tag, but is not plain
"exact": the status names each such product ("presuming no overflow"); data of its own scale is
taken to stay finite, and no presumption is listed for it.
"""

from __future__ import annotations

import pytest
from oracle import assert_exact_match, measure, write_program

from flopcast.analyzer import analyze
from flopcast.analyzer.render import render_text
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            a = {scaled}
            s = fnp.einsum("ij,kj->ik", a, a)
            s2 = {product}
            u = fnp.exp(s2 * 1e-30)
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.diagonal(u)
    """
POINTS = [Point(16, 2, 10**7), Point(8, 3, 10**7)]


def _status(report) -> str:
    return render_text(report).splitlines()[4].strip()


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("product", ["s @ s", "fnp.einsum('ij,jk->ik', s, s)", "fnp.dot(s, s)"])
def test_a_product_of_data_scaled_past_its_magnitude_is_exact_only_presuming_no_overflow(tmp_path, point, product):
    """float32 weights times 1e12: s holds about 1e25, s @ s overflows, and the run prices the
    exp after it unsymmetric (15,280 at 16x2 where the tagged count is 13,240, once called exact)."""
    path = write_program(tmp_path, PROGRAM, scaled="mlp.weights[0] * 1e12", product=product)
    report = analyze(path, point)
    assert report.total.lo < measure(path, point).total
    assert [p.span.line for p in report.presumes_no_raise if p.exception == "overflow"] == [8, 9]
    assert _status(report).startswith("exact, presuming no overflow: line 8 fnp.einsum (an operand holds data "
                                      "scaled past 1e8 by a known number")


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("scaled", [
    "mlp.weights[0] * 2.0",  # the data's own scale
    "fnp.tanh(mlp.weights[0] * 1e12)",  # bounded again before the product
    "fnp.clip(mlp.weights[0] * 1e12, -1.0, 1.0)",
    "mlp.weights[0] * 1e4",  # 1e17 at most after two products
])
def test_a_product_of_data_of_its_own_scale_is_plain_exact(tmp_path, point, scaled):
    path = write_program(tmp_path, PROGRAM, scaled=scaled, product="s @ s")
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == "exact"


def test_a_scaled_slice_is_still_scaled(tmp_path):
    path = write_program(tmp_path, PROGRAM, scaled="(mlp.weights[0] * 1e12)[:, :]", product="s @ s")
    report = analyze(path, POINTS[0])
    assert report.total.lo < measure(path, POINTS[0]).total
    assert [p.span.line for p in report.presumes_no_raise if p.exception == "overflow"] == [8, 9]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_float16_product_of_data_of_its_own_scale_is_exact_only_presuming_no_overflow(tmp_path, point):
    """float16 holds at most 65504: the Gram of the weights times 300 overflows it with no factor
    past 1e8, and the run prices s * 0.5 unsymmetric (1,844 at 8x3 where the tagged count is 1,340,
    once called plain exact)."""
    path = write_program(tmp_path, PROGRAM, scaled="(mlp.weights[0] * 300.0).astype(fnp.float16)",
                         product="s * 0.5")
    report = analyze(path, point)
    assert report.total.lo < measure(path, point).total
    assert [p.span.line for p in report.presumes_no_raise if p.exception == "overflow"] == [8]
    assert _status(report).startswith("exact, presuming no overflow: line 8 fnp.einsum (a float16 result overflows")


SQUARINGS = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            s = fnp.einsum("ij,ik->jk", w, w) + fnp.eye(mlp.width)
            for _ in range({times}):
                s = {square}
            u = fnp.exp(-s)
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.diagonal(u)
    """


@pytest.mark.parametrize("point,square", [
    (Point(8, 2, 10**7), "s @ s"),
    (Point(12, 3, 10**7), "s @ s"),
    (Point(8, 2, 10**7), "fnp.einsum('ij,jk->ik', s, s)"),
    (Point(8, 2, 10**7), "(s @ s)[:, :]"),  # a full slice keeps the tag, and the depth
    (Point(8, 2, 10**7), "(s @ s).T"),  # so does numpy's .T
], ids=lambda v: f"{v.width}x{v.depth}" if isinstance(v, Point) else v)
def test_a_matrix_squared_in_a_loop_is_exact_only_presuming_no_overflow(tmp_path, point, square):
    """Data of its own scale multiplied by itself again and again: the eigenvalues of s are past 1,
    twelve squarings take them past float64's 1.8e308, and the run prices the later squarings and
    the exp unsymmetric (37,480 at 8x2 where the tagged count is 30,536, once called plain exact)."""
    path = write_program(tmp_path, SQUARINGS, times=12, square=square)
    report = analyze(path, point)
    assert report.total.lo < measure(path, point).total
    assert [p.span.line for p in report.presumes_no_raise if p.exception == "overflow"] == [10]
    assert _status(report).startswith("exact, presuming no overflow: line 10 fnp.")
    assert "(an array multiplied by itself reaches 128 data factors deep" in _status(report)


def test_a_matrix_squared_a_few_times_is_plain_exact(tmp_path):
    """Five squarings of the Gram: 64 data factors deep, finite for data up to 6e4 in magnitude."""
    path = write_program(tmp_path, SQUARINGS, times=5, square="s @ s")
    report = analyze(path, Point(8, 2, 10**7))
    assert_exact_match(report, measure(path, Point(8, 2, 10**7)))
    assert _status(report) == "exact"


@pytest.mark.parametrize("scale", ["fnp.max(fnp.abs(s))", "fnp.linalg.norm(s)"])
def test_a_squaring_renormalised_at_each_step_is_plain_exact(tmp_path, scale):
    """``s = s @ s; s = s / fnp.max(fnp.abs(s))``: every element is at most 1 after the division,
    so each squaring is of data of its own scale, and nothing may overflow. The depth doubled
    through the division, and twelve such squarings were named "presuming no overflow"."""
    path = write_program(tmp_path, SQUARINGS, times=12, square=f"s @ s\n            s = s / {scale}")
    report = analyze(path, Point(8, 2, 10**7))
    assert_exact_match(report, measure(path, Point(8, 2, 10**7)))
    assert _status(report) == "exact"


REPEATED = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            m = fnp.einsum("ij,ik->jk", w, w) + fnp.eye(mlp.width)
            v = fnp.eye(mlp.width)
            for _ in range(1200):
                v = {product}
            s = fnp.einsum("ji,jk->ik", v, v)
            u = fnp.exp(-s)
            return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + fnp.diagonal(u)
    """


@pytest.mark.parametrize("product", ["m @ v", "fnp.maximum(m.T @ v, 0.0)"])
def test_an_array_multiplied_by_one_matrix_again_and_again_is_exact_only_presuming_no_overflow(tmp_path, product):
    """``v = m @ v`` 1,200 times: |m|**1200 passes float64's largest value, flopscope then tags
    the Gram of v unsymmetric, and the exp after it costs the full price (8x2: 2,307,964 where the
    tagged count is 2,307,012, once called plain exact). A product with the same matrix again
    adds its depth, as a squaring does (through a view of it and an op that keeps values too)."""
    path = write_program(tmp_path, REPEATED, product=product)
    report = analyze(path, Point(8, 2, 10**8))
    assert report.total.lo < measure(path, Point(8, 2, 10**8)).total
    assert [p.span.line for p in report.presumes_no_raise if p.exception == "overflow"] == [12]
    assert _status(report).startswith("exact, presuming no overflow: line 12 fnp.einsum")
