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
