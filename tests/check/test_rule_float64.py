"""FC101: float64 leaks, grouped by where the float64 came from."""

from __future__ import annotations

from .helpers import Span, charge, codes, report

SOURCE = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        mu = fnp.zeros(mlp.width)
        rng = fnp.random.default_rng(0)
        x = rng.normal(size=(4, mlp.width))
        for w in mlp.weights:
            mu = w.T @ mu
            cdf = flops.stats.norm.cdf(mu)
            mu = mu * cdf
        return fnp.stack([mu] * mlp.depth)
"""


def origin(path: str, line: int, col: int, end_col: int) -> Span:
    return Span(path, line, col, line, end_col)


def test_fc101_names_a_default_float64_creation_and_the_saving(check):
    def made(p):
        zeros = origin(p, 8, 13, 34)
        return report(p, [charge(p, 12, 8_000, dtype="float64", origin=zeros),
                          charge(p, 14, 2_000, dtype="float64", origin=zeros),
                          charge(p, 15, 500)])
    found = check(SOURCE, select="FC101", report=made)
    assert codes(found) == ["FC101"]
    f = found[0]
    assert (f.line, f.span.col) == (8, 13)
    assert "`fnp.zeros(...)` without `dtype=` creates float64" in f.message
    assert "10,000 FLOPs" in f.message and "save 5,000 FLOPs" in f.message
    assert "line 12, line 14" in f.message
    assert "dtype=fnp.float32" in f.message


def test_fc101_gives_one_finding_per_origin(check):
    def made(p):
        zeros = origin(p, 8, 13, 34)
        stats = origin(p, 13, 18, 42)
        return report(p, [charge(p, 12, 100, dtype="float64", origin=zeros),
                          charge(p, 14, 300, dtype="float64", origin=stats),
                          charge(p, 14, 40, dtype="float64", origin=stats, col=20)])
    found = check(SOURCE, select="FC101", report=made)
    assert [f.line for f in found] == [8, 13]
    assert "returns float64 whatever its input's dtype" in found[1].message
    assert "save 170 FLOPs" in found[1].message


def test_fc101_describes_a_random_draw_without_dtype(check):
    def made(p):
        draw = origin(p, 10, 12, 43)
        return report(p, [charge(p, 12, 64, dtype="float64", origin=draw)])
    found = check(SOURCE, select="FC101", report=made)
    assert "random draw `rng.normal(...)` defaults to float64" in found[0].message


def test_fc101_is_quiet_when_nothing_is_billed_at_float64(check):
    assert check(SOURCE, select="FC101", report=lambda p: report(p, [charge(p, 12, 8_000)])) == []


def test_fc101_ignores_float64_charges_without_a_known_origin(check):
    found = check(SOURCE, select="FC101",
                  report=lambda p: report(p, [charge(p, 12, 8_000, dtype="float64")]))
    assert found == []


CAST = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        mu = fnp.zeros(mlp.width, dtype=fnp.float32)
        cdf = flops.stats.norm.cdf(mu).astype(fnp.float32)
        pdf = flops.stats.norm.pdf(mu)
        out = mu * pdf
        return fnp.stack([out] * mlp.depth)
"""


def test_fc101_is_quiet_when_the_float64_result_is_cast_where_it_is_made(check):
    def made(p):
        cdf = origin(p, 9, 14, 38)
        return report(p, [charge(p, 9, 900, dtype="float64", origin=cdf, col=14, end_col=38),
                          charge(p, 9, 64, op="astype", dtype="float64", origin=cdf, col=14, end_col=58)])
    assert check(CAST, select="FC101", report=made) == []


def test_fc101_does_not_count_a_stats_call_own_charge_as_saveable(check):
    def made(p):
        pdf = origin(p, 10, 14, 38)
        return report(p, [charge(p, 10, 900, dtype="float64", origin=pdf, col=14, end_col=38),
                          charge(p, 11, 64, op="multiply", dtype="float64", origin=pdf)])
    found = check(CAST, select="FC101", report=made)
    assert codes(found) == ["FC101"]
    assert "64 FLOPs downstream" in found[0].message and "save 32 FLOPs" in found[0].message


CAST_BY_NAME = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def cdf(a, dtype=fnp.{dtype}):
    return flops.stats.norm.cdf(a).astype(dtype)


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            x = cdf(x @ w)
            rows.append(x)
        return fnp.stack(rows)
"""


def test_fc101_is_quiet_when_the_cast_where_it_is_made_names_float32_through_a_parameter(tmp_path, capsys):
    # the real analysis: with `.astype(dtype)` and dtype=fnp.float32 only the cast itself is billed at
    # float64, and casting again saves nothing (it was a finding claiming a saving); with float64 it stays
    import json

    from flopcast.cli import main

    found = {}
    for dtype in ("float32", "float64"):
        (tmp_path / "estimator.py").write_text(CAST_BY_NAME.format(dtype=dtype))
        for width, depth in ((8, 2), (16, 3)):
            main(["check", str(tmp_path), "--select", "FC101", "--width", str(width), "--depth", str(depth),
                  "--budget", "1000000", "--format", "json"])
            found[dtype, width] = [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert found == {("float32", 8): [], ("float32", 16): [], ("float64", 8): ["FC101"], ("float64", 16): ["FC101"]}
