"""Each fix's saving as a formula in w, d (check/saving_formulas.py)."""

from __future__ import annotations

from oracle import SAMPLES, measure

from flopcast.analyzer.formula import evaluate
from flopcast.check.engine import check_target
from flopcast.check.saving_formulas import with_saving_formulas
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.cli import main
from flopcast.model import Point

from .proof import BUDGET, fix_copy

POWER = SAMPLES / "advice" / "costly_power.py"


def test_the_formulas_give_the_real_saving_at_a_point_they_were_not_fitted_on(tmp_path):
    sub = load_submission(str(POWER))
    here = Point(64, 5, BUDGET)
    found = with_saving_formulas(check_target(sub, here, Selection(select=("FC102",))).findings, sub, here)
    formulas = [f.fix.formula for f in found]
    assert formulas == ["15·d·w²", "15·d·w", "15·d·w"]
    point = Point(8, 3, BUDGET)
    fixed = fix_copy(POWER, tmp_path, point, ("FC102",))
    real_saving = measure(POWER, point).total - measure(fixed.fixed_path, point).total
    assert sum(evaluate(f, 8, 3) for f in formulas) == real_saving


def test_check_prints_each_saving_with_its_formula(capsys):
    main(["check", str(POWER), "--width", "64", "--depth", "5", "--budget", "2**41", "--select", "FC102"])
    out = capsys.readouterr().out
    assert "saves 307,200 FLOPs at 64x5 (saving in w, d: 15·d·w²)" in out


def test_the_json_outputs_carry_each_saving_formula(capsys):
    import json

    main(["check", str(POWER), "--width", "64", "--depth", "5", "--budget", "2**41", "--select", "FC102",
          "--format", "json"])
    fixes = [f["fix"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert [f["saving_formula"] for f in fixes] == ["15·d·w²", "15·d·w", "15·d·w"]
    main(["analyze", str(POWER), "--width", "64", "--depth", "5", "--budget", "2**41", "--format", "json"])
    savings = json.loads(capsys.readouterr().out)["savings"]
    assert {s["saving_formula"] for s in savings if s["code"] == "FC102"} == {"15·d·w²", "15·d·w"}


COVARIANCE = SAMPLES / "covariance_propagation.py"


class Counted:
    """The real analyzer, counting the analyses of rewritten code (a ``source`` handed in)."""

    def __init__(self) -> None:
        from flopcast.check.engine import session

        self.analyze = session()
        self.rewrites = 0

    def __call__(self, path, point, **kwargs):
        self.rewrites += kwargs.get("source") is not None
        return self.analyze(path, point, **kwargs)


def test_a_check_for_some_savings_analyses_only_their_rewrites():
    sub = load_submission(str(COVARIANCE))
    here = Point(16, 2, BUDGET)
    every = Counted()
    full = check_target(sub, here, Selection(select=("FC101",)), analyzer=every).findings
    wanted = [f for f in full if f.fix is not None and f.fix.saving]
    assert len(wanted) >= 2 and every.rewrites >= len(wanted)
    some = Counted()
    part = check_target(sub, here, Selection(select=("FC101",)), analyzer=some,
                        savings_for=frozenset({wanted[0].key})).findings
    assert some.rewrites == 1
    saving = {f.key: f.fix.saving for f in part if f.fix is not None}
    assert saving[wanted[0].key] == wanted[0].fix.saving
    assert all(saving.get(f.key) is None for f in wanted[1:])


def test_a_session_reads_each_text_once_and_analyses_it_as_analyze_does():
    from flopcast.analyzer import analyze
    from flopcast.analyzer.api import Session

    session = Session()
    text = COVARIANCE.read_text().replace("fnp.eye(width)", "fnp.eye(width, dtype=fnp.float32)")
    assert text != COVARIANCE.read_text()
    for point in (Point(8, 2, BUDGET), Point(16, 3, BUDGET)):
        for source in (None, text):
            ours = session.analyze(COVARIANCE, point, source=source)
            fresh = analyze(COVARIANCE, point, source=source)
            assert (ours.total, ours.charges) == (fresh.total, fresh.charges)
    assert len(session._programs) == 2


LOWRANK = SAMPLES.parent / "tests" / "realistic" / "estimators" / "lowrank_moments.py"


TRIANGLE = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        base = fnp.linspace(1.0, 2.0, mlp.width, dtype=fnp.float32)
        mu = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for i, w in enumerate(mlp.weights):
            prior = fnp.outer(base, base)
            mu = fnp.maximum(mu @ w, 0.0)
            for _ in range(i):
                mu = mu ** 2
            rows.append(mu + fnp.diag(prior))
        return fnp.stack(rows)
"""


def test_a_formula_point_runs_only_the_rules_of_the_fixes_still_fitted(tmp_path):
    # FC103's hoist (a w² outer product per layer) is fitted on the first grid (degree 2 in w);
    # FC102's squares, d·(d − 1)/2 of them, go on to the later ones. Their new points (width 48,
    # depth 4) run FC102 alone, so the original code is analysed there without the loop trace only
    # FC103 reads; and where a grid stopped pricing FC102 (no costs left could fit it), the next
    # reuses the analysis made.
    from flopcast.check.engine import session
    from flopcast.check.savings import COST_RULES

    path = tmp_path / "triangle.py"
    path.write_text(TRIANGLE)
    made = []
    inner = session()

    def recording(path, point, **kwargs):
        if kwargs.get("source") is None:
            made.append(((point.width, point.depth), bool(kwargs.get("trace"))))
        return inner(path, point, **kwargs)

    sub = load_submission(str(path))
    here = Point(64, 6, BUDGET)
    findings = [f for f in check_target(sub, here, Selection(select=COST_RULES), analyzer=recording).findings
                if f.fix is not None]
    formulas = {f.code: f.fix.formula for f in with_saving_formulas(findings, sub, here, analyzer=recording)}
    assert formulas == {"FC103": "(1/2)·d·w² − (1/2)·w² + (1/2)·d·w − (1/2)·w",
                        "FC102": "(15/2)·d²·w − (15/2)·d·w"}, formulas
    grid = [(at, traced) for at, traced in made if at != (64, 6)]
    assert sorted(at for at, _ in grid) == sorted([(w, d) for w in (16, 24, 32, 48) for d in (2, 3, 4)] + [(40, 5)])
    assert all(traced == (at[0] != 48 and at[1] != 4) for at, traced in grid), grid
